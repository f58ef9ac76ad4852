"""``Dimension``: one entry of a ``TensorShape`` as TF1 hands it out.

``shape[i]`` and ``shape.dims[i]`` return a :class:`Dimension`, so the TF1 idiom
``x.get_shape()[0].value`` works. A known dimension *is* an ``int`` (a subclass), so
arithmetic, comparisons, indexing, ``range``, NumPy shapes and hashing behave as for the
plain int. An unknown dimension is the singleton ``Dimension(None)``: its ``.value`` is
None, it compares equal to None (and to itself), it is falsy, arithmetic with it stays
unknown and ``int()`` of it raises ``TypeError``.

Example:
    >>> d = Dimension(3)
    >>> d.value, d + 1, d == 3, int(d)
    (3, 4, True, 3)
    >>> u = Dimension(None)
    >>> u.value, u == None, (u + 1).value   # noqa: E711
    (None, True, None)

``TensorShape`` indexing gives ``None`` for an unknown dimension; ``get_shape()`` and
``.dims`` give ``Dimension(None)`` (see ``framework/shapes.py``).

Differs from TF: arithmetic on a known ``Dimension`` returns a plain ``int`` (TF1 returns
a ``Dimension``; the value is the same). ``Dimension(None) == None`` is True and
``bool(Dimension(None))`` is False, as for TF2's plain ``None`` (TF1 returns None from
the comparison and treats the object as truthy), so ``if not shape[0]`` and
``shape[0] == None`` keep working; ``dimension_value`` gives the plain value.
"""

from __future__ import annotations

from typing import Any


class Dimension(int):
    """A known dimension: an ``int`` with TF1's ``.value`` and helper methods."""

    def __new__(cls, value: Any) -> Any:
        if value is None or isinstance(value, _UnknownDimension):
            return UNKNOWN
        if isinstance(value, Dimension):
            return value
        try:
            v = int(value.__index__()) if hasattr(value, "__index__") else None
        except TypeError:
            v = None
        if v is None:
            raise TypeError(f"Dimension value must be integer or None, got {value!r} of type "
                            f"{type(value).__name__}.")
        if v < 0:
            raise ValueError(f"Dimension {v} must be >= 0")
        return super().__new__(cls, v)

    @property
    def value(self) -> int:
        """The dimension as a plain ``int``."""
        return int(self)

    def is_compatible_with(self, other: Any) -> bool:
        """True if ``other`` is unknown or equal to this dimension."""
        other = as_dimension(other)
        return other.value is None or other.value == int(self)

    def assert_is_compatible_with(self, other: Any) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")

    def merge_with(self, other: Any) -> Dimension:
        """This dimension, after checking ``other`` is compatible with it."""
        self.assert_is_compatible_with(other)
        return self

    def __repr__(self) -> str:
        return f"Dimension({int(self)})"

    def __str__(self) -> str:
        return str(int(self))

    def __reduce__(self) -> Any:
        return (Dimension, (int(self),))


class _UnknownDimension:
    """The unknown dimension (``Dimension(None)``)."""

    __slots__ = ()
    value = None

    def is_compatible_with(self, other: Any) -> bool:
        as_dimension(other)
        return True

    def assert_is_compatible_with(self, other: Any) -> None:
        as_dimension(other)

    def merge_with(self, other: Any) -> Any:
        return as_dimension(other)

    def __eq__(self, other: Any) -> bool:
        return other is None or other is self

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(None)

    def __bool__(self) -> bool:
        return False

    def __int__(self) -> int:
        raise TypeError("Cannot convert an unknown Dimension to an int.")

    def _unknown(self, other: Any) -> Any:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unknown
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _unknown

    def _cmp(self, other: Any) -> None:
        return None

    __lt__ = __le__ = __gt__ = __ge__ = _cmp

    def __repr__(self) -> str:
        return "Dimension(None)"

    def __str__(self) -> str:
        return "?"

    def __reduce__(self) -> Any:
        return (Dimension, (None,))


UNKNOWN = _UnknownDimension()


def as_dimension(value: Any) -> Any:
    """``value`` (an int, None or a Dimension) as a :class:`Dimension`."""
    return Dimension(value)


def dimension_value(dim: Any) -> Any:
    """The plain ``int`` (or None) of a :class:`Dimension` (TF's
    ``tf.compat.dimension_value``); anything else (an int, None) is returned as is."""
    if isinstance(dim, _UnknownDimension):
        return None
    if isinstance(dim, Dimension):
        return int(dim)
    return dim


def dimension_at_index(shape: Any, index: int) -> Any:
    """``shape[index]`` (a ``TensorShape`` or a list) as a :class:`Dimension`; unknown
    when the rank is unknown."""
    if shape is None or getattr(shape, "ndims", 0) is None:
        return UNKNOWN
    dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    return Dimension(dims[index])


def is_dimension(obj: Any) -> bool:
    """True for a :class:`Dimension`, known or unknown."""
    return isinstance(obj, Dimension | _UnknownDimension)


__all__ = ["Dimension", "as_dimension", "dimension_value", "dimension_at_index",
           "is_dimension"]
