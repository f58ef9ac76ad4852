"""Gradient of ``ImageProjectiveTransformV2`` as TF registers it: the incoming gradient
transformed by the *inverse* transforms, back to the input image size, with the forward
interpolation. That is exact where the transform permutes pixels (integer shifts,
quarter turns, flips) and TF's approximation of the adjoint elsewhere; the transforms and
the output shape get no gradient."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.image_projective import image_projective_transform_v2, invert_flat_transforms


@registry.register_gradient("ImageProjectiveTransformV2")
def _projective_transform_grad(op: Operation, grad: Tensor) -> list:
    images, transforms, _ = op.inputs
    inverse = invert_flat_transforms(transforms)
    dx = image_projective_transform_v2(grad, inverse, array_ops.shape(images)[1:3],
                                       op.attrs["interpolation"],
                                       name="ImageProjectiveTransformV2Grad")
    return [dx, None, None]
