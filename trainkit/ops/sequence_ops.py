"""``reverse`` and ``reverse_sequence``: flipping tensors along axes, or each batch
row's first ``seq_lengths[b]`` steps (what ``bidirectional_dynamic_rnn`` runs its
backward cell on). Each op's gradient is the same reversal of the incoming gradient.

Example:
    >>> tk.reverse(tk.constant([[1, 2, 3]]), axis=[1])                       # [[3, 2, 1]]
    >>> tk.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0)   # rows flipped to len
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.op_util import make_op


def _norm_axes(axis: Any, rank: int | None, what: str) -> list[int]:
    axes = [int(a) for a in np.asarray(axis).reshape(-1)]
    if rank is None:
        if any(a < 0 for a in axes):
            raise ValueError(f"{what}: negative axes need a known rank.")
        return axes
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{what}: axis {a} is out of range for a tensor of rank {rank}.")
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError(f"{what}: axis {axis} has duplicates.")
    return out


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    """``tensor`` with the order of its elements reversed along each of ``axis``.

    Raises:
        ValueError: an axis out of range or repeated.
    """
    x = conversion.convert_to_tensor(tensor, name="tensor")
    axes = _norm_axes(axis, x.shape.ndims, "reverse")
    return make_op("ReverseV2", [x], [x.dtype], name=name or "ReverseV2",
                   attrs={"axes": tuple(axes)}, shapes=[x.shape]).outputs[0]


@registry.register_kernel("ReverseV2")
def _reverse_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    axes = [a % np.ndim(x) for a in ctx.attrs["axes"]]
    return np.flip(x, axes).copy() if axes else np.array(x, copy=True)


@registry.register_gradient("ReverseV2")
def _reverse_grad(op: Operation, grad: Tensor) -> list:
    return [reverse(grad, list(op.attrs["axes"]))]


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: int | None = None,  # noqa: A002
                     batch_axis: int | None = None, name: str | None = None,
                     seq_dim: int | None = None, batch_dim: int | None = None) -> Tensor:
    """For each batch index ``b``, reverses ``input``'s first ``seq_lengths[b]`` entries
    along ``seq_axis``; the rest stays in place.

    Raises:
        ValueError: no ``seq_axis``, equal or out-of-range axes, or ``seq_lengths`` not
            a vector.
    """
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_axis is None else batch_axis) or 0
    if seq_axis is None:
        raise ValueError("reverse_sequence: seq_axis is required.")
    x = conversion.convert_to_tensor(input, name="input")
    lens = conversion.convert_to_tensor(seq_lengths, name="seq_lengths")
    if not lens.dtype.is_integer:
        raise TypeError(f"reverse_sequence: seq_lengths must be integers, got "
                        f"{lens.dtype.name}.")
    if lens.shape.ndims not in (None, 1):
        raise ValueError(f"reverse_sequence: seq_lengths must be a vector, got shape "
                         f"{lens.shape}.")
    rank = x.shape.ndims
    s, b = _norm_axes([seq_axis, batch_axis], rank, "reverse_sequence") \
        if seq_axis != batch_axis else (None, None)
    if s is None:
        raise ValueError("reverse_sequence: seq_axis and batch_axis must differ.")
    return make_op("ReverseSequence", [x, lens], [x.dtype], name=name or "ReverseSequence",
                   attrs={"seq_axis": s, "batch_axis": b}, shapes=[x.shape]).outputs[0]


@registry.register_kernel("ReverseSequence")
def _reverse_sequence_kernel(ctx: registry.KernelContext, x: Any, lens: Any) -> Any:
    s, b = ctx.attrs["seq_axis"], ctx.attrs["batch_axis"]
    x = np.asarray(x)
    lens = np.asarray(lens).reshape(-1)
    if lens.shape[0] != x.shape[b]:
        raise ValueError(f"len(seq_lengths) != input.dims({b}), ({lens.shape[0]} vs. "
                         f"{x.shape[b]})")
    if np.any(lens < 0) or np.any(lens > x.shape[s]):
        raise ValueError(f"seq_lengths must be in [0, {x.shape[s]}], got {lens.tolist()}")
    out = np.array(x, copy=True)
    xm = np.moveaxis(x, (b, s), (0, 1))
    om = np.moveaxis(out, (b, s), (0, 1))
    for i, n in enumerate(lens):
        n = int(n)
        if n > 1:
            om[i, :n] = xm[i, n - 1::-1]
    return out


@registry.register_gradient("ReverseSequence")
def _reverse_sequence_grad(op: Operation, grad: Tensor) -> list:
    return [reverse_sequence(grad, op.inputs[1], seq_axis=op.attrs["seq_axis"],
                             batch_axis=op.attrs["batch_axis"]), None]


__all__ = ["reverse", "reverse_sequence"]
