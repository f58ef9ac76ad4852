"""``tf.TensorSpec``: a description of a tensor (shape, dtype, name), as TF's signatures
and ``tf.data`` element specs use it.

Example:
    >>> spec = tk.TensorSpec([None, 3], tk.float32, name="x")
    >>> spec.is_compatible_with(tk.TensorSpec([2, 3], tk.float32))
    True
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape, as_shape


class TensorSpec:
    """The shape, dtype and optional name of a tensor.

    Args:
        shape: anything ``TensorShape`` takes (``None`` for an unknown rank).
        dtype: the element type (default float32).
        name: an optional name.
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = _dt.float32, name: str | None = None):
        self._shape = as_shape(shape)
        self._dtype = _dt.as_dtype(dtype)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"TensorSpec name must be a string or None, got {name!r}.")
        self._name = name

    @classmethod
    def from_spec(cls, spec: Any, name: str | None = None) -> TensorSpec:
        """A ``TensorSpec`` with ``spec``'s shape and dtype (and name unless given)."""
        return cls(spec.shape, spec.dtype, name if name is not None else
                   getattr(spec, "name", None))

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> TensorSpec:
        """The spec of a tensor (its op's name unless ``name`` is given)."""
        default = getattr(getattr(tensor, "op", None), "name", None)
        return cls(tensor.shape, tensor.dtype, name if name is not None else default)

    @property
    def shape(self) -> TensorShape:
        """The (possibly partial) shape."""
        return self._shape

    @property
    def dtype(self) -> _dt.DType:
        """The element type."""
        return self._dtype

    @property
    def name(self) -> str | None:
        """The name, or None."""
        return self._name

    def is_compatible_with(self, spec_or_tensor: Any) -> bool:
        """Whether a tensor or spec of that dtype and shape fits this spec."""
        dtype = _dt.as_dtype(spec_or_tensor.dtype)
        return (dtype.base_dtype == self._dtype.base_dtype
                and self._shape.is_compatible_with(spec_or_tensor.shape))

    def most_specific_compatible_type(self, other: TensorSpec) -> TensorSpec:
        """The most specific spec both this one and ``other`` fit.

        Raises:
            ValueError: if the dtypes differ.
        """
        if _dt.as_dtype(other.dtype).base_dtype != self._dtype.base_dtype:
            raise ValueError(f"Types are not compatible: {self!r} vs. {other!r}")
        return TensorSpec(self._shape.most_specific_compatible_shape(as_shape(other.shape)),
                          self._dtype, self._name if self._name == other.name else None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TensorSpec) or type(other) is not type(self):
            return False
        return (self._dtype == other._dtype and self._name == other._name
                and _dims(self._shape) == _dims(other._shape))

    def __hash__(self) -> int:
        return hash((self._dtype, _dims(self._shape), self._name))

    def __repr__(self) -> str:
        dims = _dims(self._shape)
        text = "<unknown>" if dims is None else str(dims)
        return f"TensorSpec(shape={text}, dtype=tf.{self._dtype.name}, name={self._name!r})"


def _dims(shape: TensorShape) -> tuple | None:
    return None if shape.ndims is None else tuple(shape.as_list())


__all__ = ["TensorSpec"]
