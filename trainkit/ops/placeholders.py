"""Inputs a session feeds: ``placeholder``, ``placeholder_with_default``,
``sparse_placeholder``."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import op_scope


def _shape_str(shape: TensorShape) -> str:
    if shape.ndims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> Tensor:
    """A tensor that must be fed (``feed_dict``) whenever something depending on it runs.

    Feeds are converted to ``dtype`` and checked against ``shape`` (None = any shape;
    None dimensions accept any size).

    Example:
        >>> x = placeholder(tk.float32, [None, 3], name="x")
        >>> x.name
        'x:0'
    """
    dt = _dt.as_dtype(dtype)
    shp = as_shape(shape)
    op = get_default_graph().create_op(
        "Placeholder", [], [dt], name=name or "Placeholder",
        attrs={"dtype": dt, "shape": shp}, shapes=[shp])
    return op.outputs[0]


@registry.register_kernel("Placeholder", must_feed=True)
def _placeholder_kernel(ctx: registry.KernelContext) -> np.ndarray:
    raise unfed_placeholder_error(ctx.op)


def unfed_placeholder_error(op: Any) -> errors.InvalidArgumentError:
    """The error TF raises for a placeholder that was needed but not fed."""
    dt = op.attrs["dtype"]
    tf_name = {"float32": "float", "float64": "double"}.get(dt.name, dt.name)
    return errors.InvalidArgumentError(
        None, op,
        f"You must feed a value for placeholder tensor '{op.name}' with dtype {tf_name} "
        f"and shape {_shape_str(op.attrs['shape'])}\n\t [[{op.name}]]")


def placeholder_with_default(input: Any, shape: Any, name: str | None = None) -> Tensor:
    """A placeholder that yields ``input`` when not fed.

    Raises:
        ValueError: if ``shape`` is incompatible with ``input``'s shape.
    """
    with op_scope(name or "PlaceholderWithDefault", [input]) as scope:  # ``<name>/input``
        t = conversion.convert_to_tensor(input, name="input")
        shp = as_shape(shape)
        if not shp.is_compatible_with(t.shape):
            raise ValueError(f"Incompatible shapes: default value of shape {t.shape} does "
                             f"not match the placeholder shape {shp}.")
        op = get_default_graph().create_op(
            "PlaceholderWithDefault", [t], [t.dtype], name=scope,
            attrs={"dtype": t.dtype, "shape": shp}, shapes=[shp])
        return op.outputs[0]


@registry.register_kernel("PlaceholderWithDefault", aliases_input=True)
def _placeholder_with_default_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    return x


def sparse_placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> SparseTensor:
    """A ``SparseTensor`` of three placeholders (``name/indices``, ``name/values``,
    ``name/shape``) fed with a ``SparseTensorValue`` or an ``(indices, values, shape)``
    tuple."""
    dt = _dt.as_dtype(dtype)
    base = name or "SparsePlaceholder"
    if isinstance(shape, Tensor):  # TF: a shape tensor is the dense shape's default
        rank = shape.shape.as_list()[0] if shape.shape.ndims == 1 else None
        values = placeholder(dt, [None], name=base + "/values")
        indices = placeholder(_dt.int64, [None, rank], name=base + "/indices")
        dense = placeholder_with_default(shape, [rank], name=base + "/shape")
        return SparseTensor(indices, values, dense)
    shp = as_shape(shape)
    rank = shp.ndims
    values = placeholder(dt, [None], name=base + "/values")
    indices = placeholder(_dt.int64, [None, rank], name=base + "/indices")
    if rank is not None:
        from trainkit.framework.constant_op import constant

        # As TF: unknown dims are -1 in the default, so the static shape stays partial.
        known = [-1 if d is None else d for d in shp.as_list()]
        dense = placeholder_with_default(
            constant(np.array(known, dtype=np.int64), dtype=_dt.int64), [rank],
            name=base + "/shape")
    else:
        dense = placeholder(_dt.int64, [rank], name=base + "/shape")
    return SparseTensor(indices, values, dense)


registry.not_differentiable("Placeholder")

__all__ = ["placeholder", "placeholder_with_default", "sparse_placeholder"]
