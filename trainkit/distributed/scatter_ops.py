"""Alltoall, reducescatter and grouped allgather as graph ops, with Horovod's gradients.

- ``TkMpiAlltoall``: (tensor, splits) in, (received rows, received splits) out. Gradient:
  the alltoall of the output gradient with the received splits (every row goes back to
  the rank it came from); splits get none.
- ``TkMpiReducescatter``: N tensors in, this rank's block of each reduction out (Sum or
  Average). Gradient, Horovod's rule: the allgather of the output gradient, times the
  set's size for Sum. (For ``L = sum over ranks of each rank's loss``, the derivative is
  the allgather for Sum and the allgather divided by the size for Average: Horovod's
  gradient is ``size`` times it in both cases.)
- ``TkMpiJoin``: no input; the rank that joined last (module ``join``).
- ``TkMpiGroupedAllgather``: N tensors in, each gathered out (one op, one call check per
  run). Gradient: per input, ``TkMpiAllgatherGrad`` (the averaged gradient's rows that
  came from this rank), as for ``allgather``.

Every op carries ``process_set_id`` (0: all ranks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trainkit.distributed import basics, join, process_sets, scatter, timeline
from trainkit.distributed import collectives as coll
from trainkit.distributed import mpi_ops as mo
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor

_REDUCESCATTER_OPS = (mo.Sum, mo.Average)


def _gathered_shape(shape: TensorShape) -> TensorShape:
    if shape.ndims is None or shape.ndims == 0:
        return TensorShape(None)
    return TensorShape([None]).concatenate(shape[1:])


def _alltoall_shapes(op: Any) -> list[TensorShape]:
    return [_gathered_shape(op.inputs[0].shape), TensorShape([None])]


def _block_shape(op: Any, shape: TensorShape) -> TensorShape:
    if shape.ndims is None or shape.ndims == 0:
        return TensorShape(None)
    rows = shape.as_list()[0]
    if basics.current() is None:  # built before init(): known when it runs
        return TensorShape([None]).concatenate(shape[1:])
    set_id = mo.set_id(op.attrs)
    me, size = process_sets.set_rank(set_id), process_sets.set_size(set_id)
    block = None if rows is None or me < 0 or size == 0 else scatter.block_rows(rows, size)[me]
    return TensorShape([block]).concatenate(shape[1:])


@registry.register_kernel("TkMpiAlltoall", stateful=True, shape_fn=_alltoall_shapes)
def _alltoall_kernel(ctx: registry.KernelContext, value: np.ndarray,
                     splits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with timeline.span("ALLTOALL", ctx.name, mo.set_id(ctx.attrs)):
        return scatter.alltoall(value, splits, ctx.name, mo.set_id(ctx.attrs))


@registry.register_kernel("TkMpiReducescatter", stateful=True,
                          shape_fn=lambda op: [_block_shape(op, t.shape) for t in op.inputs])
def _reducescatter_kernel(ctx: registry.KernelContext, *values: np.ndarray) -> Any:
    a = ctx.attrs
    with timeline.span("REDUCESCATTER", ctx.name, mo.set_id(a)):
        out = scatter.reducescatter(values, a["reduce_op"], ctx.name, a["prescale_factor"],
                                    a["postscale_factor"], mo.set_id(a))
    return out[0] if len(out) == 1 else tuple(out)


@registry.register_kernel("TkMpiGroupedAllgather", stateful=True,
                          shape_fn=lambda op: [_gathered_shape(t.shape) for t in op.inputs])
def _grouped_allgather_kernel(ctx: registry.KernelContext, *values: np.ndarray) -> Any:
    set_id = mo.set_id(ctx.attrs)
    with timeline.span("ALLGATHER", ctx.name, set_id):
        out = [coll.allgather(v, f"{ctx.name}[{i}]", set_id) for i, v in enumerate(values)]
    return out[0] if len(out) == 1 else tuple(out)


@registry.register_kernel("TkMpiJoin", stateful=True, shape_fn=lambda op: [TensorShape([])])
def _join_kernel(ctx: registry.KernelContext) -> np.ndarray:
    with timeline.span("JOIN", ctx.name):
        return np.array(join.join(), np.int32)


def join_op(name: str | None = None) -> Tensor:
    """One ``TkMpiJoin`` op: the rank that joined last (int32 scalar)."""
    return get_default_graph().create_op("TkMpiJoin", [], [_dt.int32],
                                         name=name or "HorovodJoin").outputs[0]


def alltoall_op(tensor: Any, splits: Any, name: str | None,
                process_set_id: int) -> tuple[Tensor, Tensor]:
    """One ``TkMpiAlltoall`` op; ``splits`` None sends an empty splits tensor (even split).

    Raises:
        TypeError: for splits that are not int32/int64.
    """
    tensor = conversion.convert_to_tensor(tensor)
    if splits is None:
        splits = conversion.convert_to_tensor(np.zeros([0], np.int32))
    else:
        splits = conversion.convert_to_tensor(splits)
        if splits.dtype.base_dtype not in (_dt.int32, _dt.int64):
            raise TypeError(f"alltoall: splits must be int32 or int64, got "
                            f"{splits.dtype.name}.")
    o = tensor.graph.create_op("TkMpiAlltoall", [tensor, splits], [tensor.dtype, _dt.int32],
                               name=name or "HorovodAlltoall",
                               attrs={"process_set_id": int(process_set_id)})
    return o.outputs[0], o.outputs[1]


def reducescatter_op(tensors: Sequence[Any], op: str, prescale_factor: float,
                     postscale_factor: float, name: str | None,
                     process_set_id: int) -> list[Tensor]:
    """One ``TkMpiReducescatter`` op over ``tensors``; its outputs, one per input.

    Raises:
        ValueError: for a reduce op other than Sum or Average.
    """
    if op not in _REDUCESCATTER_OPS:
        raise ValueError(f"reducescatter supports op=hvd.Sum or hvd.Average, got {op!r}.")
    tensors = [conversion.convert_to_tensor(t) for t in tensors]
    o = tensors[0].graph.create_op(
        "TkMpiReducescatter", tensors, [t.dtype for t in tensors],
        name=name or "HorovodReducescatter",
        attrs={"reduce_op": op, "prescale_factor": float(prescale_factor),
               "postscale_factor": float(postscale_factor),
               "process_set_id": int(process_set_id)})
    return list(o.outputs)


def grouped_allgather_op(tensors: Sequence[Any], name: str | None,
                         process_set_id: int) -> list[Tensor]:
    """One ``TkMpiGroupedAllgather`` op over ``tensors``; its outputs, one per input."""
    tensors = [conversion.convert_to_tensor(t) for t in tensors]
    o = tensors[0].graph.create_op("TkMpiGroupedAllgather", tensors,
                                   [t.dtype for t in tensors],
                                   name=name or "HorovodGroupedAllgather",
                                   attrs={"process_set_id": int(process_set_id)})
    return list(o.outputs)


def _grad_name(op: Any) -> str:
    return op.name.split("/")[-1] + "_grad"


@registry.register_gradient("TkMpiAlltoall")
def _alltoall_grad(op: Any, grad: Tensor, unused_splits_grad: Any) -> list:
    back, _ = alltoall_op(grad, op.outputs[1], _grad_name(op), mo.set_id(op.attrs))
    return [back, None]


@registry.register_gradient("TkMpiReducescatter")
def _reducescatter_grad(op: Any, *grads: Tensor) -> list[Tensor]:
    set_id = mo.set_id(op.attrs)
    out = []
    for i, g in enumerate(grads):
        if op.attrs["reduce_op"] == mo.Sum:
            g = g * conversion.convert_to_tensor(process_sets.set_size(set_id), dtype=g.dtype)
        out.append(mo.allgather_op(g, name=f"{_grad_name(op)}_{i}", process_set_id=set_id))
    return out


@registry.register_gradient("TkMpiGroupedAllgather")
def _grouped_allgather_grad(op: Any, *grads: Tensor) -> list[Tensor]:
    set_id = mo.set_id(op.attrs)
    return [x.graph.create_op("TkMpiAllgatherGrad", [g, x], [x.dtype],
                              name=f"{_grad_name(op)}_{i}",
                              attrs={"process_set_id": set_id}).outputs[0]
            for i, (g, x) in enumerate(zip(grads, op.inputs))]


registry.not_differentiable("TkMpiJoin")

__all__ = ["alltoall_op", "grouped_allgather_op", "join_op", "reducescatter_op"]
