"""Small helpers every op module uses to build ops: input conversion for binary ops and
the common shape functions (unchanged, broadcast)."""

from __future__ import annotations

import contextlib
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.dtypes import DType
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Operation, Tensor


def make_op(op_type: str, inputs: list, dtypes: list[DType], name: str | None = None,
            attrs: dict | None = None, shapes: list | None = None) -> Operation:
    """Creates an op in the graph of its inputs (else the default graph)."""
    graph = inputs[0].graph if inputs else get_default_graph()
    return graph.create_op(op_type, inputs, dtypes, name=name, attrs=attrs, shapes=shapes)


def unary(op_type: str, x: Any, name: str | None, attrs: dict | None = None,
          dtype: DType | None = None) -> Tensor:
    """A one-input, one-output op whose output has the input's shape."""
    x = conversion.convert_to_tensor(x)
    return make_op(op_type, [x], [dtype or x.dtype], name=name or op_type, attrs=attrs,
                   shapes=[x.shape]).outputs[0]


def binary_inputs(x: Any, y: Any, named: bool = False) -> tuple[Tensor, Tensor]:
    """Converts two operands; a Python value takes the dtype of the tensor operand.

    With ``named``, a Python operand's ``Const`` is called ``x`` or ``y`` after its
    argument, as TF names it inside the op's name scope (``mul/y``).

    Raises:
        TypeError: if both are tensors with different dtypes.
    """
    nx, ny = ("x", "y") if named else (None, None)
    if isinstance(x, Tensor) or not isinstance(y, Tensor) and conversion.is_tensor_like(x):
        x = conversion.convert_to_tensor(x, name=nx)
        y = _convert_like(y, x, ny)
    else:
        y = conversion.convert_to_tensor(y, name=ny)
        x = _convert_like(x, y, nx)
    if x.dtype is not y.dtype:
        raise TypeError(f"Input 'y' of the op has type {y.dtype.name} that does not match "
                        f"type {x.dtype.name} of argument 'x' ({x.name} vs {y.name}).")
    return x, y


def _convert_like(value: Any, other: Tensor, name: str | None) -> Tensor:
    if isinstance(value, Tensor) or conversion.is_tensor_like(value):
        return conversion.convert_to_tensor(value, name=name)
    try:
        return conversion.convert_to_tensor(value, dtype=other.dtype, name=name)
    except TypeError as e:
        raise TypeError(f"Cannot combine {value!r} with a {other.dtype.name} tensor "
                        f"({other.name}): {e}") from None


def op_scope(name: str, values: list) -> contextlib.AbstractContextManager[str]:
    """TF's op-building scope: opens ``name`` (made unique) in the graph of ``values`` and
    yields it with a trailing ``/``, the exact name for ``make_op``. Operands converted
    inside get their ``Const`` named under it, as TF's op wrappers do (``mul/y``,
    ``Reshape/shape``)."""
    return name_scope(name, values=values)


def binary(op_type: str, x: Any, y: Any, name: str | None,
           out_dtype: DType | None = None) -> Tensor:
    """A broadcasting two-input op.

    Raises:
        ValueError: if the static shapes cannot broadcast.
    """
    with op_scope(name or op_type, [x, y]) as scope:
        x, y = binary_inputs(x, y, named=True)
        try:
            shape = broadcast_static(x.shape, y.shape)
        except ValueError as e:
            raise ValueError(f"{op_type} '{name or op_type}': {e}") from None
        return make_op(op_type, [x, y], [out_dtype or x.dtype], name=scope,
                       shapes=[shape]).outputs[0]


def unchanged_shape(op: Operation) -> list[TensorShape]:
    """Shape function: every output has input 0's shape."""
    return [op.inputs[0].shape] * len(op.outputs or [None])


__all__ = ["make_op", "op_scope", "unary", "binary", "binary_inputs", "unchanged_shape"]
