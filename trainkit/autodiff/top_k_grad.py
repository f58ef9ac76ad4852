"""The gradient of ``top_k``'s values: each upstream entry goes back to the position its
value came from (built from ``GatherGrad``, a scatter-add, so it is differentiable)."""

from __future__ import annotations

from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum


@registry.register_gradient("TopKV2")
def _top_k_grad(op: Operation, grad_values: Tensor, grad_indices: Tensor) -> list:
    x = op.inputs[0]
    indices = op.outputs[1]
    in_shape = array_ops.shape(x)
    n = in_shape[-1]
    k = array_ops.shape(indices)[-1]
    flat_idx = array_ops.reshape(indices, [-1, k])
    rows = array_ops.shape(flat_idx)[0]
    offsets = array_ops.reshape(array_ops.range(rows) * n, [-1, 1])
    targets = array_ops.reshape(flat_idx + offsets, [-1])
    total = math_ops.reduce_prod(in_shape)
    flat = unsorted_segment_sum(array_ops.reshape(grad_values, [-1]), targets,
                                math_ops.cast(total, _dt.int32))
    return [array_ops.reshape(flat, in_shape), None]
