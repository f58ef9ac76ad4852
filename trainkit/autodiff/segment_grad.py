"""Gradients of the tensor scatters (scattered entries' gradients gathered back) and of
the segment max/min (TF's rule: each segment's upstream value split
evenly between the rows that attain the extreme) and of ``DynamicPartition`` /
``DynamicStitch`` (stitching / gathering the upstream values back)."""

from __future__ import annotations

from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.scatter_ops import tensor_scatter_update
from trainkit.ops.segment_ops import dynamic_partition, dynamic_stitch
from trainkit.ops.slicing_ops import scatter_nd


def _extreme_grad(op: Operation, grad: Tensor) -> list:
    data, ids, n = op.inputs
    chosen = math_ops.equal(data, array_ops.gather(op.outputs[0], ids))
    count = unsorted_segment_sum(math_ops.cast(chosen, grad.dtype), ids, n)
    share = array_ops.gather(grad / math_ops.maximum(count, 1.0), ids)
    return [math_ops.where(chosen, share, array_ops.zeros_like(share)), None, None]


registry.register_gradient("UnsortedSegmentMax")(_extreme_grad)
registry.register_gradient("UnsortedSegmentMin")(_extreme_grad)


@registry.register_gradient("UnsortedSegmentProd")
def _prod_grad(op: Operation, grad: Tensor) -> list:
    """TF's rule: each row's share is the segment's product over the row, or, for a zero
    row, the product of the segment's other rows (0 when the segment has two zeros)."""
    from trainkit.ops.segment_ops import unsorted_segment_prod

    data, ids, n = op.inputs
    is_zero = math_ops.equal(data, array_ops.zeros_like(data))
    zeros = unsorted_segment_sum(math_ops.cast(is_zero, _dt.int32), ids, n)
    grad = math_ops.where(math_ops.greater(zeros, 1), array_ops.zeros_like(grad), grad)
    non_zero = math_ops.where(is_zero, array_ops.ones_like(data), data)
    non_zero_prod = unsorted_segment_prod(non_zero, ids, n)
    clipped = math_ops.maximum(ids, array_ops.zeros_like(ids))
    gathered_prod = array_ops.gather(op.outputs[0], clipped)
    gathered_non_zero = array_ops.gather(non_zero_prod, clipped)
    with_zero_rule = math_ops.where(is_zero, gathered_non_zero, gathered_prod / math_ops.where(
        is_zero, array_ops.ones_like(data), data))
    valid = math_ops.greater_equal(ids, array_ops.zeros_like(ids))
    gathered_grad = array_ops.gather(grad, clipped)
    mask = math_ops.cast(valid, grad.dtype)
    while mask.shape.ndims is not None and gathered_grad.shape.ndims is not None and \
            mask.shape.ndims < gathered_grad.shape.ndims:
        mask = array_ops.expand_dims(mask, -1)
    return [gathered_grad * mask * with_zero_rule, None, None]


@registry.register_gradient("DynamicPartition")
def _partition_grad(op: Operation, *grads: Tensor) -> list:
    data, parts = op.inputs
    positions = array_ops.reshape(array_ops.range(array_ops.size(parts)),
                                  array_ops.shape(parts))
    pieces = dynamic_partition(positions, parts, op.get_attr("num_partitions"))
    grads = [g if g is not None else array_ops.zeros_like(o)
             for g, o in zip(grads, op.outputs)]
    stitched = dynamic_stitch(pieces, grads)
    return [array_ops.reshape(stitched, array_ops.shape(data)), None]


@registry.register_gradient("DynamicStitch")
def _stitch_grad(op: Operation, grad: Tensor) -> list:
    m = len(op.inputs) // 2
    idx = [math_ops.cast(i, _dt.int32) for i in op.inputs[:m]]
    return [None] * m + [array_ops.gather(grad, i) for i in idx]


@registry.register_gradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op: Operation, grad: Tensor) -> list:
    _, idx, u = op.inputs
    return [tensor_scatter_update(grad, idx, array_ops.zeros_like(u)), None,
            array_ops.gather_nd(grad, idx)]


@registry.register_gradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op: Operation, grad: Tensor) -> list:
    return [grad, None, array_ops.gather_nd(grad, op.inputs[1])]


@registry.register_gradient("TensorScatterSub")
def _tensor_scatter_sub_grad(op: Operation, grad: Tensor) -> list:
    return [grad, None, math_ops.negative(array_ops.gather_nd(grad, op.inputs[1]))]


def _scatter_extremum_grad(op: Operation, grad: Tensor) -> list:
    """TF's rule: the gradient goes to every element equal to the result (the tensor's
    own value and each update that reached it), split evenly among them."""
    x, idx, u = op.inputs
    out = op.outputs[0]
    x_hits = math_ops.cast(math_ops.equal(x, out), grad.dtype)
    u_hits = math_ops.cast(math_ops.equal(u, array_ops.gather_nd(out, idx)), grad.dtype)
    count = x_hits + scatter_nd(idx, u_hits, array_ops.shape(x, out_type=idx.dtype))
    return [grad * x_hits / count, None, array_ops.gather_nd(grad / count, idx) * u_hits]


registry.register_gradient("TensorScatterMax")(_scatter_extremum_grad)
registry.register_gradient("TensorScatterMin")(_scatter_extremum_grad)
