"""Candidate samplers for sampled losses and ``compute_accidental_hits``.

``log_uniform_candidate_sampler`` draws class ``c`` in ``[0, range_max)`` with TF1's
Zipfian probability ``P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1)``;
``uniform_candidate_sampler`` with ``1 / range_max``. Both return
``(sampled_candidates, true_expected_count, sampled_expected_count)``: the expected
number of times a class appears among the samples, ``P(c) * num_sampled``, or with
``unique=True`` ``1 - (1 - P(c)) ** num_tries`` where ``num_tries`` is the number of
draws it took to collect ``num_sampled`` distinct classes.

A seeded log-uniform or uniform sampler draws TF's very classes from the op's Philox
stream (:mod:`trainkit.ops.range_sampler_draws`); the other samplers, and unseeded ones,
draw from the session's NumPy generator for the op (``ctx.state.rng``). Either way seeds
replay and checkpoints resume exactly.

Example:
    >>> sampled, true_ec, sampled_ec = tk.nn.log_uniform_candidate_sampler(
    ...     labels, num_true=1, num_sampled=64, unique=True, range_max=50000)
"""

from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.ops import math_ops, range_sampler_draws
from trainkit.ops.op_util import make_op
from trainkit.ops.philox_stream import PhiloxStream
from trainkit.ops.random_ops import get_seed

CandidateSamplerOutput = collections.namedtuple(
    "CandidateSamplerOutput", ["sampled_candidates", "true_expected_count",
                               "sampled_expected_count"])

AccidentalHits = collections.namedtuple("AccidentalHits", ["indices", "ids", "weights"])

_FLT_MAX = float(np.finfo(np.float32).max)


def _positive_int(value: Any, what: str, fn: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{fn}: {what} must be a positive integer, got {value!r}.")
    return int(value)


def _sampler(op_type: str, fn: str, true_classes: Any, num_true: int, num_sampled: int,
             unique: bool, range_max: int, seed: int | None, name: str | None,
             extra_attrs: dict | None = None) -> CandidateSamplerOutput:
    num_true = _positive_int(num_true, "num_true", fn)
    num_sampled = _positive_int(num_sampled, "num_sampled", fn)
    range_max = _positive_int(range_max, "range_max", fn)
    if unique and num_sampled > range_max:
        raise ValueError(f"{fn}: num_sampled ({num_sampled}) must be <= range_max "
                         f"({range_max}) when unique=True.")
    tc = conversion.convert_to_tensor(true_classes, name="true_classes")
    if tc.dtype is not _dt.int64:
        if not tc.dtype.is_integer:
            raise TypeError(f"{fn}: true_classes must be int64, got {tc.dtype.name}.")
        tc = math_ops.cast(tc, _dt.int64)
    if tc.shape.ndims is not None and (tc.shape.ndims != 2 or
                                       tc.shape[1] not in (None, num_true)):
        raise ValueError(f"{fn}: true_classes must be [batch_size, num_true={num_true}], "
                         f"got shape {tc.shape}.")
    s1, s2 = get_seed(seed)
    batch = tc.shape[0] if tc.shape.ndims else None
    op = make_op(op_type, [tc], [_dt.int64, _dt.float32, _dt.float32], name=name or op_type,
                 attrs={"num_true": num_true, "num_sampled": num_sampled,
                        "unique": bool(unique), "range_max": range_max, "seed": s1,
                        "seed2": s2, **(extra_attrs or {})},
                 shapes=[TensorShape([num_sampled]), TensorShape([batch, num_true]),
                         TensorShape([num_sampled])])
    return CandidateSamplerOutput(*op.outputs)


def log_uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                  unique: bool, range_max: int, seed: int | None = None,
                                  name: str | None = None) -> CandidateSamplerOutput:
    """Samples ``num_sampled`` classes from the log-uniform (Zipfian) distribution over
    ``[0, range_max)``, ``unique`` without replacement.

    Raises:
        ValueError: for non-positive counts, ``num_sampled > range_max`` with ``unique``
            or ``true_classes`` not of shape ``[batch, num_true]``.
        TypeError: for non-integer ``true_classes``.
    """
    return _sampler("LogUniformCandidateSampler", "log_uniform_candidate_sampler",
                    true_classes, num_true, num_sampled, unique, range_max, seed, name)


def uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                              unique: bool, range_max: int, seed: int | None = None,
                              name: str | None = None) -> CandidateSamplerOutput:
    """Samples ``num_sampled`` classes uniformly from ``[0, range_max)``.

    Raises:
        ValueError, TypeError: as :func:`log_uniform_candidate_sampler`.
    """
    return _sampler("UniformCandidateSampler", "uniform_candidate_sampler", true_classes,
                    num_true, num_sampled, unique, range_max, seed, name)


def log_uniform_probability(classes: np.ndarray, range_max: int) -> np.ndarray:
    """``P(c)`` of the log-uniform sampler."""
    c = classes.astype(np.float64)
    return (np.log(c + 2.0) - np.log(c + 1.0)) / math.log(range_max + 1.0)


def _seed_material(attrs: dict) -> Any:
    s1, s2 = attrs["seed"], attrs["seed2"]
    if s1 is None and s2 is None:
        return None
    return [int(s1) & 0xFFFFFFFFFFFFFFFF, int(s2) & 0xFFFFFFFFFFFFFFFF, 0xCA5D]


def _draw(rng: np.random.Generator, n: int, range_max: int, log_uniform: bool) -> np.ndarray:
    if not log_uniform:
        return rng.integers(0, range_max, size=n, dtype=np.int64)
    u = rng.random(n)
    c = np.floor(np.exp(u * math.log(range_max + 1.0))).astype(np.int64) - 1
    return np.clip(c, 0, range_max - 1)


def _sample(rng: np.random.Generator, k: int, unique: bool, tc: np.ndarray,
            draw: Any, prob: Any) -> tuple:
    """``k`` draws (distinct ones with ``unique``) and the expected counts of ``tc`` and
    of the draws: ``P(c) * k``, or ``1 - (1 - P(c)) ** tries`` with ``unique``."""
    if unique:
        seen: set[int] = set()
        sampled: list[int] = []
        tries = 0
        while len(sampled) < k:
            for c in draw(rng, max(2 * k, 32)).tolist():
                tries += 1
                if c not in seen:
                    seen.add(c)
                    sampled.append(c)
                    if len(sampled) == k:
                        break
        out = np.asarray(sampled, dtype=np.int64)
    else:
        out = draw(rng, k)
        tries = k

    def expected(classes: np.ndarray) -> np.ndarray:
        p = prob(classes)
        if unique and tries != k:   # TF: without rejections, unique counts are p * k too
            return -np.expm1(tries * np.log1p(-np.minimum(p, 1.0 - 1e-12)))
        return p * k

    return (out, expected(tc).astype(np.float32), expected(out).astype(np.float32))


def _true_classes(tc: Any, num_true: int) -> np.ndarray:
    tc = np.asarray(tc, dtype=np.int64)
    if tc.ndim != 2 or tc.shape[1] != num_true:
        raise errors.InvalidArgumentError(
            None, None, f"true_classes must be [batch_size, {num_true}], got {list(tc.shape)}")
    return tc


def _tf_sample(ctx: registry.KernelContext, tc: np.ndarray, log_uniform: bool) -> tuple:
    """A seeded run: TF's classes and expected counts from the op's Philox stream."""
    a = ctx.attrs
    r, k = a["range_max"], a["num_sampled"]
    stream = ctx.state.stream(ctx.key, lambda: PhiloxStream(a["seed"], a["seed2"]))
    key, counter = range_sampler_draws.reserve(stream, k)
    out, tries = range_sampler_draws.draw(key, counter, k, a["unique"], r, log_uniform)

    def expected(classes: np.ndarray) -> np.ndarray:
        p = range_sampler_draws.probability(classes, r, log_uniform)
        return range_sampler_draws.expected_count(p, k, tries)

    return out, expected(tc), expected(out)


def _sample_kernel(log_uniform: bool) -> Any:
    def kernel(ctx: registry.KernelContext, true_classes: Any) -> tuple:
        a = ctx.attrs
        r = a["range_max"]
        tc = _true_classes(true_classes, a["num_true"])
        if a["seed"] is not None or a["seed2"] is not None:
            return _tf_sample(ctx, tc, log_uniform)
        rng = ctx.state.rng(ctx.key, lambda: _seed_material(a))
        return _sample(rng, a["num_sampled"], a["unique"], tc,
                       lambda g, n: _draw(g, n, r, log_uniform),
                       lambda c: (log_uniform_probability(c, r) if log_uniform
                                  else np.full(c.shape, 1.0 / r)))
    return kernel


def learned_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                      unique: bool, range_max: int, seed: int | None = None,
                                      name: str | None = None) -> CandidateSamplerOutput:
    """Samples from a unigram distribution learned while the op runs: every class starts
    with weight 1 and gains 1 each time it appears among ``true_classes`` (after that
    run's sampling, as TF). The counts live in the session and are not checkpointed, as
    in TF.

    Raises:
        ValueError, TypeError: as :func:`log_uniform_candidate_sampler`.
    """
    return _sampler("LearnedUnigramCandidateSampler", "learned_unigram_candidate_sampler",
                    true_classes, num_true, num_sampled, unique, range_max, seed, name)


def all_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                          seed: int | None = None, name: str | None = None
                          ) -> CandidateSamplerOutput:
    """Every class ``0 .. num_sampled - 1``, each with expected count 1 (for tests of
    sampled losses against the full softmax)."""
    return _sampler("AllCandidateSampler", "all_candidate_sampler", true_classes, num_true,
                    num_sampled, True, num_sampled, seed, name)


@registry.register_kernel("LearnedUnigramCandidateSampler", stateful=True)
def _learned_unigram_kernel(ctx: registry.KernelContext, true_classes: Any) -> tuple:
    a = ctx.attrs
    r = a["range_max"]
    tc = _true_classes(true_classes, a["num_true"])
    with ctx.state.lock:
        counts = ctx.state.resources.setdefault(f"unigram_counts:{ctx.key}",
                                                np.ones(r, np.float64))
        probs = counts / counts.sum()
    rng = ctx.state.rng(ctx.key, lambda: _seed_material(a))
    out = _sample(rng, a["num_sampled"], a["unique"], tc,
                  lambda g, n: g.choice(r, size=n, p=probs).astype(np.int64),
                  lambda c: probs[np.clip(c, 0, r - 1)])
    with ctx.state.lock:
        np.add.at(counts, tc[(tc >= 0) & (tc < r)], 1.0)
    return out


@registry.register_kernel("AllCandidateSampler", stateful=True)
def _all_kernel(ctx: registry.KernelContext, true_classes: Any) -> tuple:
    a = ctx.attrs
    tc = _true_classes(true_classes, a["num_true"])
    k = a["num_sampled"]
    return (np.arange(k, dtype=np.int64), np.ones(tc.shape, np.float32),
            np.ones(k, np.float32))


def _unigram_weights(vocab_file: str, unigrams: Any, distortion: float,
                     num_reserved_ids: int, num_shards: int, shard: int) -> np.ndarray:
    """The sampling probabilities of a shard's ids: reserved ids weigh 0, the others their
    count (the last CSV field of each line of ``vocab_file``, or ``unigrams``) to the
    power ``distortion``; ids ``i`` with ``i % num_shards == shard`` form the shard."""
    if vocab_file:
        counts = []
        with open(vocab_file, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    counts.append(float(line.rstrip("\n").split(",")[-1]))
    else:
        counts = [float(u) for u in unigrams]
    w = np.concatenate([np.zeros(num_reserved_ids), np.power(np.asarray(counts, np.float64),
                                                              distortion)])
    w = w[np.arange(len(w)) % num_shards == shard]
    total = w.sum()
    return w / total if total > 0 else w


def fixed_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                    unique: bool, range_max: int, vocab_file: str = "",
                                    distortion: float = 1.0, num_reserved_ids: int = 0,
                                    num_shards: int = 1, shard: int = 0,
                                    unigrams: Any = (), seed: int | None = None,
                                    name: str | None = None) -> CandidateSamplerOutput:
    """Samples classes from a fixed unigram distribution: counts from ``unigrams`` or the
    last field of each line of ``vocab_file`` (ids from ``num_reserved_ids`` on; reserved
    ids are never drawn), raised to ``distortion``; with ``num_shards`` the ids ``i %
    num_shards == shard``, numbered ``0, 1, ...`` within the shard.

    Raises:
        ValueError: neither or both of ``vocab_file`` and ``unigrams``, a bad shard, and
            the cases of :func:`log_uniform_candidate_sampler`; InvalidArgumentError (run
            time): ``range_max`` differs from the shard's number of ids, or a true class
            is outside ``[0, range_max)``.
    """
    fn = "fixed_unigram_candidate_sampler"
    if bool(vocab_file) == bool(len(unigrams)):
        raise ValueError(f"{fn}: give exactly one of vocab_file and unigrams.")
    num_shards = _positive_int(num_shards, "num_shards", fn)
    if not 0 <= int(shard) < num_shards:
        raise ValueError(f"{fn}: shard must be in [0, {num_shards}), got {shard!r}.")
    if int(num_reserved_ids) < 0:
        raise ValueError(f"{fn}: num_reserved_ids must be >= 0, got {num_reserved_ids!r}.")
    probs = _unigram_weights(vocab_file, unigrams, float(distortion), int(num_reserved_ids),
                             num_shards, int(shard))
    return _sampler("FixedUnigramCandidateSampler", fn, true_classes, num_true, num_sampled,
                    unique, range_max, seed, name, extra_attrs={"probs": probs})


@registry.register_kernel("FixedUnigramCandidateSampler", stateful=True)
def _fixed_unigram_kernel(ctx: registry.KernelContext, true_classes: Any) -> tuple:
    a = ctx.attrs
    probs, r = a["probs"], a["range_max"]
    if len(probs) != r:
        raise errors.InvalidArgumentError(
            None, None, f"range is {r} must be equal to weights size  {len(probs)}")
    tc = _true_classes(true_classes, a["num_true"])
    bad = tc[(tc < 0) | (tc >= r)]
    if bad.size:
        raise errors.InvalidArgumentError(
            None, None, f"`true_candidate` out of range [0, {r}), received {int(bad[0])}")
    rng = ctx.state.rng(ctx.key, lambda: _seed_material(a))
    return _sample(rng, a["num_sampled"], a["unique"], tc,
                   lambda g, n: g.choice(r, size=n, p=probs).astype(np.int64),
                   lambda c: probs[c])


registry.register_kernel("LogUniformCandidateSampler", stateful=True)(_sample_kernel(True))
registry.register_kernel("UniformCandidateSampler", stateful=True)(_sample_kernel(False))


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int,
                            seed: int | None = None, name: str | None = None
                            ) -> AccidentalHits:
    """Where a sampled candidate equals one of a row's true classes (a class sampled more
    than once counts at its last position only, as in TF).

    Returns ``(indices, ids, weights)``: for each hit the row (int32), the position in
    ``sampled_candidates`` (int64) and ``-FLT_MAX`` (float32), to be added to the sampled
    logits so the hit is ignored.

    Raises:
        TypeError: for non-integer inputs. ValueError: for a bad ``num_true``.
    """
    num_true = _positive_int(num_true, "num_true", "compute_accidental_hits")
    tc = conversion.convert_to_tensor(true_classes, name="true_classes")
    sc = conversion.convert_to_tensor(sampled_candidates, name="sampled_candidates")
    for t in (tc, sc):
        if not t.dtype.is_integer:
            raise TypeError(f"compute_accidental_hits: {t.name} must be int64, got "
                            f"{t.dtype.name}.")
    tc = tc if tc.dtype is _dt.int64 else math_ops.cast(tc, _dt.int64)
    sc = sc if sc.dtype is _dt.int64 else math_ops.cast(sc, _dt.int64)
    op = make_op("ComputeAccidentalHits", [tc, sc], [_dt.int32, _dt.int64, _dt.float32],
                 name=name or "ComputeAccidentalHits", attrs={"num_true": num_true},
                 shapes=[TensorShape([None])] * 3)
    return AccidentalHits(*op.outputs)


@registry.register_kernel("ComputeAccidentalHits")
def _accidental_hits(ctx: registry.KernelContext, true_classes: Any, sampled: Any) -> tuple:
    tc = np.asarray(true_classes).reshape(-1, ctx.attrs["num_true"])
    # as TF: a class sampled more than once is marked at its last position only
    position = {c: j for j, c in enumerate(np.asarray(sampled).reshape(-1).tolist())}
    rows, ids = [], []
    for i, row in enumerate(tc.tolist()):
        for c in row:
            j = position.get(c)
            if j is not None:
                rows.append(i)
                ids.append(j)
    n = len(rows)
    return (np.asarray(rows, dtype=np.int32), np.asarray(ids, dtype=np.int64),
            np.full(n, -_FLT_MAX, dtype=np.float32))


registry.not_differentiable("LogUniformCandidateSampler", "UniformCandidateSampler",
                            "FixedUnigramCandidateSampler", "LearnedUnigramCandidateSampler",
                            "AllCandidateSampler",
                            "ComputeAccidentalHits")

__all__ = ["log_uniform_candidate_sampler", "uniform_candidate_sampler",
           "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
           "all_candidate_sampler",
           "compute_accidental_hits", "log_uniform_probability", "CandidateSamplerOutput",
           "AccidentalHits"]
