"""Candidate samplers for sampled losses and ``compute_accidental_hits``.

``log_uniform_candidate_sampler`` draws class ``c`` in ``[0, range_max)`` with TF1's
Zipfian probability ``P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1)``;
``uniform_candidate_sampler`` with ``1 / range_max``. Both return
``(sampled_candidates, true_expected_count, sampled_expected_count)``: the expected
number of times a class appears among the samples, ``P(c) * num_sampled``, or with
``unique=True`` ``1 - (1 - P(c)) ** num_tries`` where ``num_tries`` is the number of
draws it took to collect ``num_sampled`` distinct classes.

The random numbers come from the session's generator for the op (``ctx.state.rng``), so
seeds replay and checkpoints resume exactly.

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
from trainkit.ops import math_ops
from trainkit.ops.op_util import make_op
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
             unique: bool, range_max: int, seed: int | None, name: str | None
             ) -> CandidateSamplerOutput:
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
                        "seed2": s2},
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


def _sample_kernel(log_uniform: bool) -> Any:
    def kernel(ctx: registry.KernelContext, true_classes: Any) -> tuple:
        a = ctx.attrs
        k, r, unique = a["num_sampled"], a["range_max"], a["unique"]
        tc = np.asarray(true_classes, dtype=np.int64)
        if tc.ndim != 2 or tc.shape[1] != a["num_true"]:
            raise errors.InvalidArgumentError(
                None, None, f"true_classes must be [batch_size, {a['num_true']}], got "
                            f"{list(tc.shape)}")
        rng = ctx.state.rng(ctx.key, lambda: _seed_material(a))
        if unique:
            seen: set[int] = set()
            sampled: list[int] = []
            tries = 0
            while len(sampled) < k:
                for c in _draw(rng, max(2 * k, 32), r, log_uniform).tolist():
                    tries += 1
                    if c not in seen:
                        seen.add(c)
                        sampled.append(c)
                        if len(sampled) == k:
                            break
            out = np.asarray(sampled, dtype=np.int64)
        else:
            out = _draw(rng, k, r, log_uniform)
            tries = k

        def expected(classes: np.ndarray) -> np.ndarray:
            p = (log_uniform_probability(classes, r) if log_uniform
                 else np.full(classes.shape, 1.0 / r))
            if unique:
                return -np.expm1(tries * np.log1p(-np.minimum(p, 1.0 - 1e-12)))
            return p * k

        return (out, expected(tc).astype(np.float32), expected(out).astype(np.float32))
    return kernel


registry.register_kernel("LogUniformCandidateSampler", stateful=True)(_sample_kernel(True))
registry.register_kernel("UniformCandidateSampler", stateful=True)(_sample_kernel(False))


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int,
                            seed: int | None = None, name: str | None = None
                            ) -> AccidentalHits:
    """Where a sampled candidate equals one of a row's true classes.

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
    positions: dict[int, list[int]] = {}
    for j, c in enumerate(np.asarray(sampled).reshape(-1).tolist()):
        positions.setdefault(c, []).append(j)
    rows, ids = [], []
    for i, row in enumerate(tc.tolist()):
        for c in row:
            for j in positions.get(c, ()):
                rows.append(i)
                ids.append(j)
    n = len(rows)
    return (np.asarray(rows, dtype=np.int32), np.asarray(ids, dtype=np.int64),
            np.full(n, -_FLT_MAX, dtype=np.float32))


registry.not_differentiable("LogUniformCandidateSampler", "UniformCandidateSampler",
                            "ComputeAccidentalHits")

__all__ = ["log_uniform_candidate_sampler", "uniform_candidate_sampler",
           "compute_accidental_hits", "log_uniform_probability", "CandidateSamplerOutput",
           "AccidentalHits"]
