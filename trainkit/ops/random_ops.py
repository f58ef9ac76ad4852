"""Random ops with TF1's graph-level and op-level seeds.

Each random op owns one stream per session (``ctx.state.rngs[op name]``): running the op
again in the same session draws fresh numbers, while a new session built on the same
graph with the same seeds replays exactly the same numbers. A seeded ``random_uniform``
(float or int), ``random_normal`` or ``truncated_normal`` draws from TF's Philox stream
for its two seeds (:mod:`trainkit.ops.philox_stream`), so it gives TF's CPU numbers run
after run; the other ops, and unseeded ones, use NumPy generators.

Seeds follow TF1 (:func:`get_seed`): with a graph seed (:func:`set_random_seed`) and no op
seed, the op seed is the count of such ops made before in the graph, so a rebuilt graph gives
the same numbers; with neither seed the numbers differ from session to session.

Example:
    >>> import trainkit as tk
    >>> tk.set_random_seed(1)
    >>> x = tk.random_normal([2, 3])
    >>> with tk.Session() as a, tk.Session() as b:
    ...     bool((a.run(x) == b.run(x)).all())
    True
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, philox_distributions
from trainkit.ops.op_util import make_op
from trainkit.ops.philox_shuffle import seeded_permutation
from trainkit.ops.philox_stream import PhiloxStream
from trainkit.ops.static_value import partial_shape_value

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def set_random_seed(seed: int | None) -> None:
    """Sets the graph-level seed of the default graph (``tf.compat.v1.set_random_seed``).

    Args:
        seed: an integer, or None to clear it.

    Raises:
        TypeError: if ``seed`` is not an integer.
    """
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"set_random_seed: seed must be an integer or None, got {seed!r}.")
        seed = int(seed)
    get_default_graph().seed = seed


# graph -> how many of its ops took an op seed from the graph seed (TF keeps the same
# count per graph, in a weak dictionary beside the graph)
_GRAPH_OP_SEEDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_GRAPH_OP_SEEDS_LOCK = threading.Lock()


def _next_graph_op_seed(graph: Any) -> int:
    with _GRAPH_OP_SEEDS_LOCK:
        n = _GRAPH_OP_SEEDS.get(graph, 0)
        _GRAPH_OP_SEEDS[graph] = n + 1
    return n


def get_seed(op_seed: int | None) -> tuple[int | None, int | None]:
    """The ``(graph seed, op seed)`` pair a new random op uses (TF1's rules).

    * graph seed set, ``op_seed`` None: the op seed counts the ops of the graph that
      took their seed this way before (0, 1, 2, ...), as TF 2.x's ``tf.compat.v1`` does
      (TF 1.x used the number of ops in the graph), so the same graph-building code
      gives the same numbers, and TF's;
    * graph seed unset, ``op_seed`` set: the graph seed is ``DEFAULT_GRAPH_SEED``;
    * neither set: ``(None, None)`` — the op draws nondeterministic numbers.

    Both seeds are taken modulo ``2**31 - 1`` as TF does.

    Example:
        >>> set_random_seed(3); get_seed(7)
        (3, 7)
    """
    graph = get_default_graph()
    global_seed = graph.seed
    if op_seed is not None:
        op_seed = int(op_seed) % _MAXINT32  # TF's _truncate_seed (so -5 -> 2**31 - 6)
    if global_seed is not None:
        if op_seed is None:
            op_seed = _next_graph_op_seed(graph)
        seeds: tuple[int | None, int | None] = (int(global_seed) % _MAXINT32, op_seed)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed)
    else:
        seeds = (None, None)
    if seeds == (0, 0):  # (0, 0) means "nondeterministic" to TF kernels
        seeds = (0, _MAXINT32)
    return seeds


def _seed_fn(attrs: dict) -> Any:
    """The seed material for a random op's generator (None = fresh OS entropy)."""
    seed, seed2 = attrs["seed"], attrs["seed2"]
    if seed is None and seed2 is None:
        return None
    return [int(seed) & 0xFFFFFFFFFFFFFFFF, int(seed2) & 0xFFFFFFFFFFFFFFFF]


def _rng(ctx: registry.KernelContext) -> np.random.Generator:
    g = ctx.state.rngs.get(ctx.key)
    if g is None:
        attrs = ctx.attrs
        g = ctx.state.rng(ctx.key, lambda: _seed_fn(attrs))
    return g


def rng_for(ctx: registry.KernelContext) -> np.random.Generator:
    """The seeded generator of the random op whose kernel runs with ``ctx`` (for random
    kernels defined in other modules)."""
    return _rng(ctx)


def _shape_input(shape: Any) -> tuple[Tensor, TensorShape]:
    """The shape argument as an int32 tensor and the static shape it implies (as TF:
    the entries known at build time, e.g. the constants of ``tf.stack([tf.shape(x)[0],
    2])``, which gives ``[None, 2]``). A list holding tensors is packed into one, as TF's
    conversion does (``[tf.shape(x)[0], 1, 1, 1]`` in NASNet's drop path)."""
    if isinstance(shape, list | tuple) and any(isinstance(d, Tensor) for d in shape):
        shape = conversion.convert_to_tensor(shape, name="shape")
    if isinstance(shape, Tensor):
        if not shape.dtype.is_integer:
            raise TypeError(f"shape must be an integer tensor, got {shape.dtype.name} "
                            f"({shape.name}).")
        return shape, partial_shape_value(shape)
    dims = TensorShape(shape)
    if dims.ndims is None or not dims.is_fully_defined():
        raise ValueError(f"shape must be fully defined, got {dims}.")
    return constant(np.array(dims.as_list(), dtype=np.int32), dtype=_dt.int32,
                    name="shape"), dims


def _float_dtype(dtype: Any, fn: str) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"{fn}: dtype must be a floating point type, got {dt.name}.")
    return dt


def _random_op(op_type: str, shape_t: Tensor, static: TensorShape, dt: _dt.DType,
               seed: int | None, extra_inputs: tuple = (), name: str | None = None) -> Tensor:
    s1, s2 = get_seed(seed)
    return make_op(op_type, [shape_t, *extra_inputs], [dt], name=name or op_type,
                   attrs={"dtype": dt, "seed": s1, "seed2": s2}, shapes=[static]).outputs[0]


def random_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dt.float32,
                  seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from a normal distribution: ``mean + stddev * N(0, 1)``.

    Raises:
        ValueError: for a non-float dtype or a shape that is not fully defined.
    """
    dt = _float_dtype(dtype, "random_normal")
    with name_scope(name, "random_normal") as scope:
        shape_t, static = _shape_input(shape)
        mean_t = conversion.convert_to_tensor(mean, dtype=dt, name="mean")
        std_t = conversion.convert_to_tensor(stddev, dtype=dt, name="stddev")
        rnd = _random_op("RandomStandardNormal", shape_t, static, dt, seed)
        # TF writes ``rnd * stddev``: the operator's name, ``mul``.
        return math_ops.add(math_ops.multiply(rnd, std_t, name="mul"), mean_t, name=scope)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = _dt.float32, seed: int | None = None,
                     name: str | None = None) -> Tensor:
    """Samples from a normal distribution truncated to two standard deviations (values
    beyond are re-drawn).

    Raises:
        ValueError: for a non-float dtype or a shape that is not fully defined.
    """
    dt = _float_dtype(dtype, "truncated_normal")
    with name_scope(name, "truncated_normal") as scope:
        shape_t, static = _shape_input(shape)
        mean_t = conversion.convert_to_tensor(mean, dtype=dt, name="mean")
        std_t = conversion.convert_to_tensor(stddev, dtype=dt, name="stddev")
        rnd = _random_op("TruncatedNormal", shape_t, static, dt, seed)
        # TF writes ``rnd * stddev``: the operator's name, ``mul``.
        return math_ops.add(math_ops.multiply(rnd, std_t, name="mul"), mean_t, name=scope)


def random_uniform(shape: Any, minval: Any = 0, maxval: Any = None,
                   dtype: Any = _dt.float32, seed: int | None = None,
                   name: str | None = None) -> Tensor:
    """Samples uniformly from ``[minval, maxval)`` (``maxval`` defaults to 1 for floats).

    Raises:
        ValueError: if ``maxval`` is missing for an integer dtype, or for other dtypes.
    """
    dt = _dt.as_dtype(dtype)
    if not (dt.is_floating or dt in (_dt.int32, _dt.int64)):
        raise ValueError(f"random_uniform: invalid dtype {dt.name} (floating point, int32 or "
                         "int64 expected).")
    if maxval is None:
        if dt.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dt.name}")
        maxval = 1
    # As TF: a Python int 0 / 1 bound adds no op (the default [0, 1) is the raw draw)
    lo_is_zero = isinstance(minval, int) and not isinstance(minval, bool) and minval == 0
    hi_is_one = isinstance(maxval, int) and not isinstance(maxval, bool) and maxval == 1
    with name_scope(name, "random_uniform") as scope:
        shape_t, static = _shape_input(shape)
        if not lo_is_zero or not hi_is_one or dt.is_integer:
            lo = conversion.convert_to_tensor(minval, dtype=dt, name="min")
            hi = conversion.convert_to_tensor(maxval, dtype=dt, name="max")
        if dt.is_integer:
            return _random_op("RandomUniformInt", shape_t, static, dt, seed, (lo, hi),
                              name=scope)
        rnd = _random_op("RandomUniform", shape_t, static, dt, seed)
        if lo_is_zero:  # TF: rnd, or math_ops.multiply(rnd, maxval) named "Mul"
            return rnd if hi_is_one else math_ops.multiply(rnd, hi, name="Mul")
        # TF writes ``rnd * (maxval - minval)``: the operators' names, ``sub`` and ``mul``.
        scaled = math_ops.multiply(rnd, math_ops.subtract(hi, lo, name="sub"), name="mul")
        return math_ops.add(scaled, lo, name=scope)


def random_shuffle(value: Any, seed: int | None = None, name: str | None = None) -> Tensor:
    """Shuffles ``value`` along its first dimension (a fresh permutation every run)."""
    t = conversion.convert_to_tensor(value, name="value")
    s1, s2 = get_seed(seed)
    return make_op("RandomShuffle", [t], [t.dtype], name=name or "RandomShuffle",
                   attrs={"seed": s1, "seed2": s2}, shapes=[t.shape]).outputs[0]


def multinomial(logits: Any, num_samples: Any, seed: int | None = None,
                name: str | None = None, output_dtype: Any = _dt.int64) -> Tensor:
    """Draws ``num_samples`` class indices per row of ``[batch, classes]`` ``logits``.

    Raises:
        ValueError: if ``logits`` is not a matrix or ``num_samples`` is negative.
    """
    lg = conversion.convert_to_tensor(logits, name="logits")
    if lg.shape.ndims is not None and lg.shape.ndims != 2:
        raise ValueError(f"logits must be 2-D [batch, num_classes], got shape {lg.shape} "
                         f"({lg.name}).")
    out = _dt.as_dtype(output_dtype)
    static_n = num_samples if isinstance(num_samples, int) else None
    if static_n is not None and static_n < 0:
        raise ValueError(f"num_samples should be nonnegative, got {num_samples}.")
    n = conversion.convert_to_tensor(num_samples, dtype=_dt.int32, name="num_samples")
    s1, s2 = get_seed(seed)
    batch = lg.shape.as_list()[0] if lg.shape.ndims == 2 else None
    return make_op("Multinomial", [lg, n], [out], name=name or "Multinomial",
                   attrs={"seed": s1, "seed2": s2, "output_dtype": out},
                   shapes=[TensorShape([batch, static_n])]).outputs[0]


def categorical(logits: Any, num_samples: Any, dtype: Any = None, seed: int | None = None,
                name: str | None = None) -> Tensor:
    """``tf.random.categorical``: :func:`multinomial` with an ``int64`` default dtype."""
    return multinomial(logits, num_samples, seed=seed, name=name,
                       output_dtype=dtype or _dt.int64)


# -- kernels -------------------------------------------------------------------------------
def _dims(shape: Any) -> tuple[int, ...]:
    dims = tuple(int(d) for d in np.asarray(shape).reshape(-1))
    if any(d < 0 for d in dims):
        raise ValueError(f"shape must be non-negative, got {list(dims)}.")
    return dims


def _gen_dtype(dt: _dt.DType) -> Any:
    return np.float64 if dt is _dt.float64 else np.float32


_PHILOX_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _philox_draw(ctx: registry.KernelContext, dims: tuple[int, ...], fn: Any, *args: Any
                 ) -> np.ndarray | None:
    """TF's numbers for a seeded op (its Philox stream moved past them), or None for an
    unseeded op or a dtype the Philox distributions do not cover."""
    attrs = ctx.attrs
    dt = attrs["dtype"].np_dtype
    if attrs["seed"] is None and attrs["seed2"] is None:
        return None
    if fn is not philox_distributions.uniform_int and dt not in _PHILOX_DTYPES:
        return None
    stream = ctx.state.stream(ctx.key, lambda: PhiloxStream(attrs["seed"], attrs["seed2"]))
    n = int(np.prod(dims, dtype=np.int64))
    key, counter = stream.reserve(n)
    return fn(key, counter, n, dt, *args).reshape(dims)


@registry.register_kernel("RandomStandardNormal", stateful=True)
def _normal_kernel(ctx: registry.KernelContext, shape: Any) -> np.ndarray:
    dt = ctx.attrs["dtype"]
    dims = _dims(shape)
    out = _philox_draw(ctx, dims, philox_distributions.normal)
    if out is not None:
        return out
    out = _rng(ctx).standard_normal(dims, dtype=_gen_dtype(dt))
    return out.astype(dt.np_dtype, copy=False)


@registry.register_kernel("TruncatedNormal", stateful=True)
def _truncated_kernel(ctx: registry.KernelContext, shape: Any) -> np.ndarray:
    dt = ctx.attrs["dtype"]
    out = _philox_draw(ctx, _dims(shape), philox_distributions.truncated_normal)
    if out is not None:
        return out
    rng = _rng(ctx)
    gdt = _gen_dtype(dt)
    out = rng.standard_normal(_dims(shape), dtype=gdt)
    bad = np.abs(out) > 2.0
    while bad.any():  # re-draw the tail: about 4.6% of values per round
        out[bad] = rng.standard_normal(int(bad.sum()), dtype=gdt)
        bad = np.abs(out) > 2.0
    return out.astype(dt.np_dtype, copy=False)


@registry.register_kernel("RandomUniform", stateful=True)
def _uniform_kernel(ctx: registry.KernelContext, shape: Any) -> np.ndarray:
    dt = ctx.attrs["dtype"]
    dims = _dims(shape)
    out = _philox_draw(ctx, dims, philox_distributions.uniform)
    if out is not None:
        return out
    out = _rng(ctx).random(dims, dtype=_gen_dtype(dt))
    return out.astype(dt.np_dtype, copy=False)


@registry.register_kernel("RandomUniformInt", stateful=True)
def _uniform_int_kernel(ctx: registry.KernelContext, shape: Any, lo: Any, hi: Any
                        ) -> np.ndarray:
    if not lo < hi:
        raise ValueError(f"Need minval < maxval, got {lo} >= {hi}")
    dt = ctx.attrs["dtype"]
    dims = _dims(shape)
    out = _philox_draw(ctx, dims, philox_distributions.uniform_int, int(lo), int(hi))
    if out is not None:
        return out
    return _rng(ctx).integers(int(lo), int(hi), dims, dtype=dt.np_dtype)


@registry.register_kernel("RandomShuffle", stateful=True)
def _shuffle_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy()
    attrs = ctx.attrs
    if attrs["seed"] is None and attrs["seed2"] is None:
        return _rng(ctx).permutation(x)
    if x.size <= 1 or x.shape[0] <= 1:  # TF draws nothing for these
        return x.copy()
    stream = ctx.state.stream(ctx.key, lambda: PhiloxStream(attrs["seed"], attrs["seed2"]))
    return x[seeded_permutation(stream, x.shape[0])]


def _philox_multinomial(ctx: registry.KernelContext, logits: np.ndarray, n: int
                        ) -> np.ndarray:
    """TF's classes for a seeded op: each run sets aside ``256`` blocks per value of
    ``batch * ceil4(n) * 2`` and reads one double (two words) per sample, row after row
    (TF's CPU kernel does so when its rows run as one shard, as small batches do; larger
    ones are split over its thread pool, each block of rows skipping ahead)."""
    attrs = ctx.attrs
    stream = ctx.state.stream(ctx.key, lambda: PhiloxStream(attrs["seed"], attrs["seed2"]))
    key, counter = stream.reserve(logits.shape[0] * ((n + 3) // 4 * 4) * 2)
    out = philox_distributions.categorical(key, counter, logits, n)
    return out.astype(attrs["output_dtype"].np_dtype)


@registry.register_kernel("Multinomial", stateful=True)
def _multinomial_kernel(ctx: registry.KernelContext, logits: Any, n: Any) -> np.ndarray:
    lg = np.asarray(logits, dtype=np.float64)
    n = int(n)
    if n < 0:
        raise ValueError(f"num_samples should be nonnegative, got {n}")
    if lg.ndim != 2 or lg.shape[1] == 0:
        raise ValueError(f"logits should be a matrix with at least one class, got shape "
                         f"{list(lg.shape)}")
    attrs = ctx.attrs
    if attrs["seed"] is not None or attrs["seed2"] is not None:
        return _philox_multinomial(ctx, np.asarray(logits), n)
    p = np.exp(lg - lg.max(axis=1, keepdims=True))
    cdf = np.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    u = _rng(ctx).random((lg.shape[0], n))
    out = np.empty((lg.shape[0], n), dtype=ctx.attrs["output_dtype"].np_dtype)
    for i in range(lg.shape[0]):
        out[i] = np.minimum(np.searchsorted(cdf[i], u[i], side="right"), lg.shape[1] - 1)
    return out


registry.not_differentiable("RandomStandardNormal", "TruncatedNormal", "RandomUniform",
                            "RandomUniformInt", "RandomShuffle", "Multinomial")

__all__ = [
    "DEFAULT_GRAPH_SEED", "set_random_seed", "get_seed", "random_normal", "truncated_normal",
    "random_uniform", "random_shuffle", "multinomial", "categorical",
]
