"""``tf.compat.v1.nn.fractional_max_pool`` / ``fractional_avg_pool`` and the
``FractionalMaxPool``, ``FractionalAvgPool`` kernels with their gradient ops
``FractionalMaxPoolGrad`` / ``FractionalAvgPoolGrad`` (which take the pooling sequences
as inputs, as TF's raw ops).

Each op returns ``(output, row_pooling_sequence, col_pooling_sequence)``; the sequences
follow TF's rules (``ops/fractional_sequences.py``). As in TF 2.21, an op draws its
sequences once per session and reuses them for every run of that session (for the same
input size); with ``seed``/``seed2`` both 0 the draw differs between sessions, otherwise
(``deterministic=True``) it is the same in every session. Differs from TF: the draws are
NumPy's, not TF's Philox numbers, so the sequences themselves differ from TF's.

Example:
    >>> y, rows, cols = tk.nn.fractional_max_pool(x, [1.0, 1.44, 1.73, 1.0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import fractional_sequences as fs
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value

_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64)


def _ratio(pooling_ratio: Any, fn: str) -> list[float]:
    if not isinstance(pooling_ratio, list | tuple):
        raise TypeError(f"Expected list for 'pooling_ratio' argument to '{fn}' Op, not "
                        f"{pooling_ratio!r}.")
    r = [float(v) for v in pooling_ratio]
    if len(r) < 4:
        raise ValueError(f"Attr 'pooling_ratio' of '{fn}' Op passed list of length "
                         f"{len(r)} less than minimum 4.")
    if len(r) != 4:
        raise ValueError(f"pooling_ratio field must specify 4 dimensions, got {r}.")
    for v in r:
        if v < 1.0:
            raise ValueError(f"pooling_ratio cannot be smaller than 1, got: {v:g}")
    return r


def _out_shape(x: TensorShape, r: list[float]) -> TensorShape:
    dims = x.as_list() if x.ndims == 4 else [None] * 4
    return TensorShape([None if d is None else int(np.floor(d / q))
                        for d, q in zip(dims, r)])


def _pool(kind: str, value: Any, pooling_ratio: Any, pseudo_random: bool,
          overlapping: bool, deterministic: bool, seed: int, seed2: int,
          name: str | None) -> tuple[Tensor, Tensor, Tensor]:
    op_type = f"Fractional{kind}Pool"
    r = _ratio(pooling_ratio, f"fractional_{kind.lower()}_pool")
    x = conversion.convert_to_tensor(value, name="value")
    if x.dtype not in _TYPES:
        raise TypeError(f"Value passed to parameter 'value' has DataType {x.dtype.name} "
                        "not in list of allowed values: float32, float64, int32, int64")
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for "
                         f"{op_type}'s input {x.shape}.")
    out = _out_shape(x.shape, r)
    attrs = {"pooling_ratio": r, "pseudo_random": bool(pseudo_random),
             "overlapping": bool(overlapping), "deterministic": bool(deterministic),
             "seed": int(seed), "seed2": int(seed2)}
    seq = [TensorShape([None if d is None else d + 1]) for d in out.as_list()[1:3]]
    op = make_op(op_type, [x], [x.dtype, _dt.int64, _dt.int64], name=name or op_type,
                 attrs=attrs, shapes=[out, *seq])
    return op.outputs[0], op.outputs[1], op.outputs[2]


def fractional_max_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False,
                        overlapping: bool = False, deterministic: bool = False,
                        seed: int = 0, seed2: int = 0, name: str | None = None
                        ) -> tuple[Tensor, Tensor, Tensor]:
    """Fractional max pooling of an NHWC ``value`` by non-integer ratios.

    Args:
        value: ``[batch, height, width, channels]``: float32, float64, int32 or int64.
        pooling_ratio: 4 floats ``[1.0, row_ratio, col_ratio, 1.0]``, each >= 1; the output
            has ``floor(size / ratio)`` rows and columns.
        pseudo_random: pseudo-random instead of random pooling sequences.
        overlapping: windows share their boundary row/column.
        deterministic: required (True) for a nonzero ``seed``/``seed2``.
        seed, seed2: fixed seeds for the sequences (0 and 0: a fresh draw per session).
        name: the op's name.

    Returns:
        ``(output, row_pooling_sequence, col_pooling_sequence)``, the sequences int64.

    Raises:
        TypeError: a ``pooling_ratio`` that is not a list, or an unsupported dtype.
        ValueError: a ``pooling_ratio`` without 4 entries or with one below 1, or an input
            not of rank 4.
        errors.UnimplementedError: at run time, a batch or channel ratio other than 1.
        errors.InvalidArgumentError: at run time, a ratio above its input size, or a
            nonzero seed with ``deterministic=False`` (as TF).
    """
    return _pool("Max", value, pooling_ratio, pseudo_random, overlapping, deterministic,
                 seed, seed2, name)


def fractional_avg_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False,
                        overlapping: bool = False, deterministic: bool = False,
                        seed: int = 0, seed2: int = 0, name: str | None = None
                        ) -> tuple[Tensor, Tensor, Tensor]:
    """Fractional average pooling (integer inputs divide truncating toward 0, as TF).

    Args and Raises as :func:`fractional_max_pool`.
    """
    return _pool("Avg", value, pooling_ratio, pseudo_random, overlapping, deterministic,
                 seed, seed2, name)


def _seq_input(seq: Any, name: str) -> Tensor:
    return conversion.convert_to_tensor(seq, dtype=_dt.int64, name=name)


def fractional_max_pool_grad(orig_input: Any, orig_output: Any, out_backprop: Any,
                             row_pooling_sequence: Any, col_pooling_sequence: Any,
                             overlapping: bool = False, name: str | None = None) -> Tensor:
    """TF's ``FractionalMaxPoolGrad``: ``out_backprop`` routed to each window's first
    maximum of ``orig_input`` (``orig_output`` is taken for TF's signature)."""
    x = conversion.convert_to_tensor(orig_input, name="orig_input")
    y = conversion.convert_to_tensor(orig_output, name="orig_output", dtype=x.dtype)
    dy = conversion.convert_to_tensor(out_backprop, name="out_backprop", dtype=x.dtype)
    ins = [x, y, dy, _seq_input(row_pooling_sequence, "row_pooling_sequence"),
           _seq_input(col_pooling_sequence, "col_pooling_sequence")]
    return make_op("FractionalMaxPoolGrad", ins, [x.dtype],
                   name=name or "FractionalMaxPoolGrad",
                   attrs={"overlapping": bool(overlapping)}, shapes=[x.shape]).outputs[0]


def fractional_avg_pool_grad(orig_input_tensor_shape: Any, out_backprop: Any,
                             row_pooling_sequence: Any, col_pooling_sequence: Any,
                             overlapping: bool = False, name: str | None = None) -> Tensor:
    """TF's ``FractionalAvgPoolGrad``: ``out_backprop`` spread evenly over each window of
    an input of shape ``orig_input_tensor_shape``."""
    shape = conversion.convert_to_tensor(orig_input_tensor_shape, dtype=_dt.int64,
                                         name="orig_input_tensor_shape")
    dy = conversion.convert_to_tensor(out_backprop, name="out_backprop")
    ins = [shape, dy, _seq_input(row_pooling_sequence, "row_pooling_sequence"),
           _seq_input(col_pooling_sequence, "col_pooling_sequence")]
    known = constant_value(shape)
    static = TensorShape(known.tolist()) if known is not None else TensorShape([None] * 4)
    return make_op("FractionalAvgPoolGrad", ins, [dy.dtype],
                   name=name or "FractionalAvgPoolGrad",
                   attrs={"overlapping": bool(overlapping)}, shapes=[static]).outputs[0]


# -- kernels ----------------------------------------------------------------------------
def _sequences(ctx: registry.KernelContext, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = ctx.attrs
    if not a["deterministic"] and (a["seed"] or a["seed2"]):
        raise errors.InvalidArgumentError(
            None, None, "Both seed and seed2 should be 0 if deterministic is false.")
    r = a["pooling_ratio"]
    if r[0] != 1.0 or r[3] != 1.0:
        raise errors.UnimplementedError(
            None, None, "Fractional pooling is not yet supported on the batch nor channel "
            f"dimension (pooling_ratio {r}).")
    if x.ndim != 4:
        raise errors.InvalidArgumentError(None, None, f"input must be 4-D, got {x.shape}.")
    for i in (1, 2):
        if x.shape[i] < r[i]:
            raise errors.InvalidArgumentError(
                None, None, f"Pooling ratio is higher than input dimension size for "
                f"dimension {i}. Input dim size: {x.shape[i]} pooling ratio: {r[i]:g}")
    seeds = None if not (a["seed"] or a["seed2"]) else [a["seed"] & (2**64 - 1),
                                                       a["seed2"] & (2**64 - 1)]
    # One base draw per session, replayed every run: TF reseeds its generator per run.
    slot = f"fractional_pool_seed:{ctx.key}"
    base = ctx.state.resources.get(slot)
    if base is None:
        base = int(ctx.state.rng(ctx.key, lambda: seeds).integers(2**63))
        ctx.state.resources[slot] = base
    rng = np.random.default_rng(base)
    m = [int(np.floor(x.shape[i] / r[i])) for i in (1, 2)]
    rows = fs.pooling_sequence(x.shape[1], m[0], rng, a["pseudo_random"])
    cols = fs.pooling_sequence(x.shape[2], m[1], rng, a["pseudo_random"])
    return rows, cols


@registry.register_kernel("FractionalMaxPool", stateful=True)
def _max_kernel(ctx: registry.KernelContext, x: Any) -> tuple:
    x = np.asarray(x)
    rows, cols = _sequences(ctx, x)
    return fs.max_pool(x, rows, cols, ctx.attrs["overlapping"]), rows, cols


@registry.register_kernel("FractionalAvgPool", stateful=True)
def _avg_kernel(ctx: registry.KernelContext, x: Any) -> tuple:
    x = np.asarray(x)
    rows, cols = _sequences(ctx, x)
    return fs.avg_pool(x, rows, cols, ctx.attrs["overlapping"]), rows, cols


def _check_seqs(shape: tuple, dy: np.ndarray, rows: Any, cols: Any, op: str) -> tuple:
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    if len(shape) != 4 or dy.ndim != 4:
        raise errors.InvalidArgumentError(None, None, f"{op}: the input and out_backprop "
                                          f"must be 4-D, got {shape} and {dy.shape}.")
    for seq, size, out, what in ((rows, shape[1], dy.shape[1], "row"),
                                 (cols, shape[2], dy.shape[2], "col")):
        if seq.shape != (out + 1,):
            raise errors.InvalidArgumentError(
                None, None, f"{op}: {what}_pooling_sequence must have {out + 1} entries "
                f"(out_backprop {dy.shape}), got {seq.shape}.")
        if out and (seq[0] < 0 or seq[-1] > size or np.any(np.diff(seq) < 0)):
            raise errors.InvalidArgumentError(
                None, None, f"{op}: {what}_pooling_sequence {seq.tolist()} must rise from "
                f"0 to at most {size}.")  # Differs from TF: TF does not check
    return rows, cols


@registry.register_kernel("FractionalMaxPoolGrad")
def _max_grad_kernel(ctx: registry.KernelContext, x: Any, y: Any, dy: Any, rows: Any,
                     cols: Any) -> np.ndarray:
    x, dy = np.asarray(x), np.asarray(dy)
    rows, cols = _check_seqs(x.shape, dy, rows, cols, "FractionalMaxPoolGrad")
    return fs.max_pool_grad(x, dy, rows, cols, ctx.attrs["overlapping"])


@registry.register_kernel("FractionalAvgPoolGrad")
def _avg_grad_kernel(ctx: registry.KernelContext, shape: Any, dy: Any, rows: Any,
                     cols: Any) -> np.ndarray:
    shape, dy = tuple(int(d) for d in np.asarray(shape)), np.asarray(dy)
    rows, cols = _check_seqs(shape, dy, rows, cols, "FractionalAvgPoolGrad")
    return fs.avg_pool_grad(shape, dy, rows, cols, ctx.attrs["overlapping"])


__all__ = ["fractional_max_pool", "fractional_avg_pool", "fractional_max_pool_grad",
           "fractional_avg_pool_grad"]
