"""Gradients of ``frame`` and ``overlap_and_add``: the two ops are each other's adjoints
(a frame copies samples, the sum of frames adds them back), so each rule is the other op.
"""

from __future__ import annotations

from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.signal_frames import frame_op, overlap_add_op


def _dim(x: Tensor, axis: int) -> Tensor:
    """``x``'s size along ``axis`` as an int32 scalar (a constant when known)."""
    if x.shape.ndims is not None and x.shape[axis] is not None:
        return constant(int(x.shape[axis]), dtype=_dt.int32)
    return array_ops.shape(x)[axis]


@registry.register_gradient("SignalFrame")
def _frame_grad(op: Operation, grad: Tensor) -> list:
    """Each sample collects the gradients of every frame that copied it (padding: none)."""
    x = op.inputs[0]
    a = op.attrs
    return [overlap_add_op(grad, a["frame_step"], a["axis"], _dim(x, a["axis"]),
                           name="frame_grad"), None, None]


@registry.register_gradient("SignalOverlapAdd")
def _overlap_add_grad(op: Operation, grad: Tensor) -> list:
    """Each frame gets the gradient of the samples it was added to."""
    frames = op.inputs[0]
    a = op.attrs
    axis = a["axis"]
    flen = frames.shape[axis + 1] if frames.shape.ndims is not None else None
    if flen is None:
        raise ValueError(f"The gradient of overlap_and_add '{op.name}' needs a frame length "
                         "known when the graph is built.")
    zero = constant(0, dtype=frames.dtype)
    framed = frame_op(grad, int(flen), a["frame_step"], axis, zero, _dim(frames, axis),
                      False, name="overlap_and_add_grad")
    return [framed] + [None] * (len(op.inputs) - 1)
