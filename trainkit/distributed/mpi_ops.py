"""Collectives as graph ops, with their gradients (``horovod.tensorflow``'s op layer).

Three op types, each fused over any number of tensors so a step issues few MPI calls:

- ``TkMpiAllreduce``: N tensors in, N reduced tensors out (one buffer per dtype, kept in
  the session between steps). Gradient: the same allreduce of the output gradients
  (Horovod's rule).
- ``TkMpiBroadcast``: N tensors in, root's N tensors out. Gradient: the averaged output
  gradient on the root rank, zeros elsewhere (Horovod's rule).
- ``TkMpiAllgather``: one tensor in, every rank's rows concatenated out (first dimension
  may differ). Gradient (``TkMpiAllgatherGrad``): the averaged gradient's rows that came
  from this rank (Horovod's rule).

Ops run in creation order on every rank (the executor's contract), so ranks that build the
same graph issue the same collectives in the same order with no coordinator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trainkit.distributed import basics, buffers, timeline
from trainkit.distributed import collectives as coll
from trainkit.framework import conversion, registry
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops

# Horovod's reduce ops (compare with ``==``; Horovod's are ints, trainkit's are strings).
Average, Sum, Min, Max, Product = coll.AVERAGE, coll.SUM, coll.MIN, coll.MAX, coll.PRODUCT
Adasum = "Adasum"


def check_reduce_op(op: Any, average: Any = None) -> str:
    """Resolves Horovod's ``op``/deprecated ``average`` pair to a reduce op.

    Raises:
        ValueError: if both are given, or ``op`` is not a reduce op.
        NotImplementedError: for ``Adasum``.
    """
    if op is not None and average is not None:
        raise ValueError("The op parameter supersedes average. Please provide only one of "
                         "them.")
    if average is not None:
        op = Average if average else Sum
    if op is None:
        op = Average
    if op == Adasum:
        raise NotImplementedError("Adasum is not implemented by trainkit.distributed; use "
                                  "op=hvd.Average or op=hvd.Sum.")
    if op not in coll.REDUCE_OPS:
        raise ValueError(f"Unknown reduce op {op!r}; expected one of Average, Sum, Min, "
                         "Max, Product.")
    return op


def _buffers(ctx: registry.KernelContext) -> coll.Take:
    """This op's recycled buffers in this session (``buffers.Buffers``: a buffer comes
    back only once no output viewing it is alive, so steady-state steps allocate
    nothing; large ones are 2 MiB-aligned)."""
    tag = ("mpi", ctx.key)
    pool = ctx.state.resources.get(tag)
    if pool is None:
        pool = ctx.state.resources[tag] = buffers.Buffers()
    return pool.take


def _outputs(values: list) -> Any:
    # The executor takes a one-output kernel's return value as that output.
    return values[0] if len(values) == 1 else tuple(values)


def _same_shapes(op: Any) -> list[TensorShape]:
    return [t.shape for t in op.inputs]


@registry.register_kernel("TkMpiAllreduce", stateful=True, shape_fn=_same_shapes)
def _allreduce_kernel(ctx: registry.KernelContext, *values: np.ndarray) -> Any:
    a = ctx.attrs
    with timeline.span("ALLREDUCE", ctx.name, set_id(a)):
        return _outputs(coll.allreduce(values, a["reduce_op"], ctx.name, a["prescale_factor"],
                                       a["postscale_factor"], _buffers(ctx), set_id(a)))


@registry.register_kernel("TkMpiBroadcast", stateful=True, shape_fn=_same_shapes)
def _broadcast_kernel(ctx: registry.KernelContext, *values: np.ndarray) -> Any:
    with timeline.span("BROADCAST", ctx.name, set_id(ctx.attrs)):
        return _outputs(coll.broadcast(values, ctx.attrs["root_rank"], ctx.name,
                                       _buffers(ctx), set_id(ctx.attrs)))


@registry.register_kernel("TkMpiAllgather", stateful=True,
                          shape_fn=lambda op: [TensorShape([None]).concatenate(
                              op.inputs[0].shape[1:]) if op.inputs[0].shape.ndims
                              else TensorShape(None)])
def _allgather_kernel(ctx: registry.KernelContext, value: np.ndarray) -> np.ndarray:
    with timeline.span("ALLGATHER", ctx.name, set_id(ctx.attrs)):
        return coll.allgather(value, ctx.name, set_id(ctx.attrs))


@registry.register_kernel("TkMpiAllgatherGrad", stateful=True,
                          shape_fn=lambda op: [op.inputs[1].shape])
def _allgather_grad_kernel(ctx: registry.KernelContext, grad: np.ndarray,
                           x: np.ndarray) -> np.ndarray:
    ps = set_id(ctx.attrs)
    (avg,) = coll.allreduce([grad], Average, ctx.name, process_set_id=ps)
    rows = coll.first_dims(np.shape(x)[0], ctx.name, ps)
    start = int(rows[: basics.group(ps, ctx.name).rank].sum())
    return avg[start:start + np.shape(x)[0]]


def _names(tensors: Sequence[Tensor]) -> tuple[str, ...]:
    return tuple(t.name for t in tensors)


def fused_allreduce(tensors: Sequence[Any], op: str = Sum, prescale_factor: float = 1.0,
                    postscale_factor: float = 1.0, name: str | None = None,
                    process_set_id: int = 0) -> list[Tensor]:
    """One ``TkMpiAllreduce`` op over ``tensors`` (dense); its outputs, one per input."""
    tensors = [conversion.convert_to_tensor(t) for t in tensors]
    graph = tensors[0].graph if tensors else get_default_graph()
    o = graph.create_op("TkMpiAllreduce", tensors, [t.dtype for t in tensors],
                        name=name or "HorovodAllreduce",
                        attrs={"reduce_op": op, "prescale_factor": float(prescale_factor),
                               "postscale_factor": float(postscale_factor),
                               "tensor_names": _names(tensors),
                               "process_set_id": int(process_set_id)})
    return list(o.outputs)


def fused_broadcast(tensors: Sequence[Any], root_rank: int, name: str | None = None,
                    process_set_id: int = 0) -> list[Tensor]:
    """One ``TkMpiBroadcast`` op over ``tensors``; its outputs, one per input."""
    if not isinstance(root_rank, int | np.integer) or isinstance(root_rank, bool):
        raise TypeError(f"root_rank must be an int, got {root_rank!r}.")
    tensors = [conversion.convert_to_tensor(t) for t in tensors]
    graph = tensors[0].graph if tensors else get_default_graph()
    o = graph.create_op("TkMpiBroadcast", tensors, [t.dtype for t in tensors],
                        name=name or "HorovodBroadcast",
                        attrs={"root_rank": int(root_rank), "tensor_names": _names(tensors),
                               "process_set_id": int(process_set_id)})
    return list(o.outputs)


def allgather_op(tensor: Any, name: str | None = None, process_set_id: int = 0) -> Tensor:
    """One ``TkMpiAllgather`` op."""
    tensor = conversion.convert_to_tensor(tensor)
    return tensor.graph.create_op("TkMpiAllgather", [tensor], [tensor.dtype],
                                  name=name or "HorovodAllgather",
                                  attrs={"process_set_id": int(process_set_id)}).outputs[0]


def set_id(attrs: Any) -> int:
    """The process set an op runs on (graphs from before process sets: 0)."""
    return int(attrs.get("process_set_id", 0))


@registry.register_gradient("TkMpiAllreduce")
def _allreduce_grad(op: Any, *grads: Tensor) -> list[Tensor]:
    a = op.attrs
    return fused_allreduce(grads, a["reduce_op"], a["prescale_factor"],
                           a["postscale_factor"], name=op.name.split("/")[-1] + "_grad",
                           process_set_id=set_id(a))


@registry.register_gradient("TkMpiBroadcast")
def _broadcast_grad(op: Any, *grads: Tensor) -> list[Tensor]:
    reduced = fused_allreduce(grads, Average, name=op.name.split("/")[-1] + "_grad",
                              process_set_id=set_id(op.attrs))
    if basics.rank() != op.attrs["root_rank"]:
        # Multiply (not zeros_like): the allreduce must stay in every rank's plan.
        return [g * array_ops.zeros_like(g) for g in reduced]
    return reduced


@registry.register_gradient("TkMpiAllgather")
def _allgather_grad(op: Any, grad: Tensor) -> list[Tensor]:
    x = op.inputs[0]
    return [x.graph.create_op("TkMpiAllgatherGrad", [grad, x], [x.dtype],
                              name=op.name.split("/")[-1] + "_grad",
                              attrs={"process_set_id": set_id(op.attrs)}).outputs[0]]


registry.not_differentiable("TkMpiAllgatherGrad")

__all__ = ["Adasum", "Average", "Max", "Min", "Product", "Sum", "allgather_op",
           "check_reduce_op", "fused_allreduce", "fused_broadcast", "set_id"]
