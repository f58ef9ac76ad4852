"""Gradient rules of the array ops (reshaping, joining, slicing, gathering, padding,
sparse-to-dense). Each rule is ``grad_fn(op, *output_grads) -> [one entry per input]``
and builds its result from public op functions; integer inputs (shapes, indices, axes)
get None.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, indexed_slices_ops, math_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.slicing_ops import strided_slice_grad
from trainkit.ops.static_value import constant_value

del indexed_slices_ops  # imported for its registration: IndexedSlices -> dense tensor


def _shape_like(x: Tensor, like: Tensor | None = None) -> Tensor:
    dt = like.dtype if like is not None else None
    return array_ops.shape(x) if dt is None else array_ops.shape(x, out_type=dt)


@registry.register_gradient("Identity")
def _identity_grad(op: Operation, grad: Tensor) -> list:
    return [grad]


_identity_grad.passes_indexed_slices = True  # type: ignore[attr-defined]  # as TF1


@registry.register_gradient("PlaceholderWithDefault")
def _placeholder_with_default_grad(op: Operation, grad: Tensor) -> list:
    return [grad]  # when not fed it passes its default through unchanged


# StopGradient passes its value but no gradient: declared, not a rule returning None, so
# the walker and the registry-wide check treat it like every other gradient barrier.
registry.not_differentiable("StopGradient")


@registry.register_gradient("Reshape")
def _reshape_grad(op: Operation, grad: Tensor) -> list:
    dims = op.inputs[0].shape.as_list() if op.inputs[0].shape.ndims is not None else None
    if dims is not None and dims.count(None) == 1 and 0 not in dims:
        # TF: one unknown dimension becomes -1, a constant shape (``Reshape/shape``) with
        # no run-time Shape op
        return [array_ops.reshape(grad, [-1 if d is None else d for d in dims]), None]
    return [array_ops.reshape(grad, array_ops.shape(op.inputs[0])), None]


@registry.register_gradient("ExpandDims")
def _expand_dims_grad(op: Operation, grad: Tensor) -> list:
    return [array_ops.reshape(grad, array_ops.shape(op.inputs[0])), None]


@registry.register_gradient("Squeeze")
def _squeeze_grad(op: Operation, grad: Tensor) -> list:
    return [array_ops.reshape(grad, array_ops.shape(op.inputs[0]))]


@registry.register_gradient("Transpose")
def _transpose_grad(op: Operation, grad: Tensor) -> list:
    if len(op.inputs) == 1:
        return [array_ops.transpose(grad)]
    perm = op.inputs[1]
    pv = constant_value(perm)
    inv = np.argsort(np.reshape(pv, [-1])).tolist() if pv is not None else \
        array_ops.invert_permutation(perm)
    return [array_ops.transpose(grad, inv), None]


registry.not_differentiable("InvertPermutation")


@registry.register_gradient("Tile")
def _tile_grad(op: Operation, grad: Tensor) -> list:
    x, multiples = op.inputs
    rank = x.shape.ndims
    if rank is None:
        raise ValueError(f"The gradient of Tile op '{op.name}' needs an input of known rank.")
    interleaved = array_ops.reshape(
        array_ops.transpose(array_ops.stack([multiples, _shape_like(x, multiples)])), [-1])
    summed = math_ops.reduce_sum(array_ops.reshape(grad, interleaved),
                                 list(range(0, 2 * rank, 2)))
    return [array_ops.reshape(summed, array_ops.shape(x)), None]


@registry.register_gradient("PadV2")
def _pad_grad(op: Operation, grad: Tensor) -> list:
    x, paddings, _ = op.inputs
    begin = array_ops.reshape(array_ops.slice(paddings, [0, 0], [-1, 1]), [-1])
    return [array_ops.slice(grad, begin, _shape_like(x, paddings)), None, None]


@registry.register_gradient("MirrorPad")
def _mirror_pad_grad(op: Operation, grad: Tensor) -> list:
    x, paddings = op.inputs
    g = make_op("MirrorPadGrad", [grad, paddings], [grad.dtype], name="MirrorPadGrad",
                attrs={"mode": op.attrs["mode"]}, shapes=[x.shape]).outputs[0]
    return [g, None]


@registry.register_gradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op: Operation, grad: Tensor) -> list:
    return [array_ops.pad(grad, op.inputs[1], mode=op.attrs["mode"]), None]


# -- joining ------------------------------------------------------------------------------
@registry.register_gradient("ConcatV2")
def _concat_grad(op: Operation, grad: Tensor) -> list:
    values, axis = list(op.inputs[:-1]), op.inputs[-1]
    av = constant_value(axis)
    if av is None:
        raise ValueError(f"The gradient of ConcatV2 op '{op.name}' needs a constant axis.")
    ax = int(av)
    rank = next((v.shape.ndims for v in values if v.shape.ndims is not None), None)
    if ax < 0 and rank is None:
        raise ValueError(f"The gradient of ConcatV2 op '{op.name}' needs inputs of known rank "
                         "for a negative axis.")
    if ax < 0:
        ax += rank
    dims = [v.shape.as_list()[ax] if v.shape.ndims is not None else None for v in values]
    sizes: Any = dims if all(d is not None for d in dims) else array_ops.stack(
        [array_ops.shape(v)[ax] for v in values])
    return array_ops.split(grad, sizes, axis=ax, num=len(values)) + [None]


@registry.register_gradient("Pack")
def _pack_grad(op: Operation, grad: Tensor) -> list:
    return array_ops.unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


@registry.register_gradient("Unpack")
def _unpack_grad(op: Operation, *grads: Tensor) -> list:
    return [array_ops.stack(list(grads), axis=op.attrs["axis"])]


@registry.register_gradient("Split")
def _split_grad(op: Operation, *grads: Tensor) -> list:
    return [array_ops.concat(list(grads), op.attrs["axis"])]


@registry.register_gradient("SplitV")
def _splitv_grad(op: Operation, *grads: Tensor) -> list:
    return [array_ops.concat(list(grads), op.attrs["axis"]), None]


# -- slicing ------------------------------------------------------------------------------
@registry.register_gradient("Slice")
def _slice_grad(op: Operation, grad: Tensor) -> list:
    x, begin, _ = op.inputs
    y = op.outputs[0]
    after = math_ops.subtract(math_ops.subtract(_shape_like(x, begin), begin),
                              _shape_like(y, begin))
    paddings = array_ops.stack([begin, after], axis=1)
    return [array_ops.pad(grad, paddings), None, None]


@registry.register_gradient("StridedSlice")
def _strided_slice_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return [strided_slice_grad(_shape_like(x, op.inputs[1]), op, grad), None, None, None]


@registry.register_gradient("StridedSliceGrad")
def _strided_slice_grad_grad(op: Operation, grad: Tensor) -> list:
    _, b, e, s, _ = op.inputs
    a = op.attrs
    return [None, None, None, None,
            array_ops.strided_slice(grad, b, e, s, a["begin_mask"], a["end_mask"],
                                    a["ellipsis_mask"], a["new_axis_mask"],
                                    a["shrink_axis_mask"])]


@registry.register_gradient("GatherV2")
def _gather_grad(op: Operation, grad: Tensor) -> list:
    params, indices, axis = op.inputs
    if _static_axis(axis) == 0:  # TF1: the params gradient is sparse, one row per index
        return [_gather_rows_grad(params, indices, grad), None, None]
    g = make_op("GatherGrad", [grad, indices, _shape_like(params, indices), axis],
                [grad.dtype], name="GatherGrad", shapes=[params.shape]).outputs[0]
    return [g, None, None]


def _static_axis(axis: Tensor) -> int | None:
    v = constant_value(axis)
    return None if v is None else int(v)


def _gather_rows_grad(params: Tensor, indices: Tensor, grad: Tensor) -> IndexedSlices:
    """``IndexedSlices`` of ``grad``'s rows at the flattened ``indices``."""
    dense_shape = array_ops.shape(params)
    n = array_ops.size(indices)
    values = array_ops.reshape(
        grad, array_ops.concat([array_ops.reshape(n, [1]), dense_shape[1:]], 0))
    flat_idx = array_ops.reshape(indices, [-1])
    ps, ishape = params.shape, indices.shape
    if ps.ndims is not None:
        count = ishape.num_elements() if ishape.is_fully_defined() else None
        values.set_shape([count] + ps.as_list()[1:])
        flat_idx.set_shape([count])
    return IndexedSlices(values, flat_idx, dense_shape)


@registry.register_gradient("GatherGrad")
def _gather_grad_grad(op: Operation, grad: Tensor) -> list:
    _, indices, _, axis = op.inputs
    return [array_ops.gather(grad, indices, axis=axis), None, None, None]


@registry.register_gradient("GatherNd")
def _gather_nd_grad(op: Operation, grad: Tensor) -> list:
    params, indices = op.inputs
    return [array_ops.scatter_nd(indices, grad, _shape_like(params, indices)), None]


@registry.register_gradient("ScatterNd")
def _scatter_nd_grad(op: Operation, grad: Tensor) -> list:
    return [None, array_ops.gather_nd(grad, op.inputs[0]), None]


@registry.register_gradient("BooleanMask")
def _boolean_mask_grad(op: Operation, grad: Tensor) -> list:
    x, mask = op.inputs
    g = make_op("BooleanMaskGrad", [grad, mask, array_ops.shape(x)], [grad.dtype],
                name="BooleanMaskGrad", attrs=dict(op.attrs), shapes=[x.shape]).outputs[0]
    return [g, None]


@registry.register_gradient("BooleanMaskGrad")
def _boolean_mask_grad_grad(op: Operation, grad: Tensor) -> list:
    return [array_ops.boolean_mask(grad, op.inputs[1], axis=op.attrs["axis"]), None, None]


# -- constructors and sparse --------------------------------------------------------------
@registry.register_gradient("Fill")
def _fill_grad(op: Operation, grad: Tensor) -> list:
    return [None, math_ops.reduce_sum(grad)]


@registry.register_gradient("SparseToDense")
def _sparse_to_dense_grad(op: Operation, grad: Tensor) -> list:
    indices = op.inputs[0]
    values_grad = array_ops.gather_nd(grad, indices)
    default_grad = math_ops.subtract(math_ops.reduce_sum(grad),
                                     math_ops.reduce_sum(values_grad))
    return [None, None, values_grad, default_grad]


__all__: list[str] = []
