"""Static shapes with unknown dimensions: ``TensorShape``.

A dimension is an ``int`` or ``None`` (unknown); the rank itself may be unknown.

Example:
    >>> s = TensorShape([None, 3])
    >>> s.as_list(), s.is_compatible_with([5, 3]), s.merge_with([5, None]).as_list()
    ([None, 3], True, [5, 3])

A known dimension comes out of indexing and iteration as a
:class:`~trainkit.framework.dimension.Dimension` (an ``int`` with TF1's ``.value``); an
unknown one as plain ``None``, so ``shape[i] is None`` keeps working. ``dims`` and the
shape ``Tensor.get_shape()`` returns (:class:`TensorShapeV1`) hand out ``Dimension(None)``
for unknown dimensions too, so the TF1 idioms ``x.get_shape()[0].value`` and
``shape.dims[0].value`` work whether or not the dimension is known.

Differs from TF: ``x.shape[i]`` of an unknown dimension is ``None`` (TF2's behaviour;
TF1 returns ``Dimension(None)``): use ``x.get_shape()[i].value`` for the TF1 idiom.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trainkit.framework.dimension import Dimension


def _as_dim(d: Any) -> int | None:
    if d is None:
        return None
    if hasattr(d, "value") and not isinstance(d, int):
        return _as_dim(d.value)
    try:
        v = int(d)
    except (TypeError, ValueError):
        raise TypeError(f"Dimension value must be an integer or None, got {d!r}.") from None
    if v < 0:
        if v == -1:
            return None
        raise ValueError(f"Dimension {v} must be >= 0.")
    return v


class TensorShape:
    """The static shape of a tensor: a list of dimensions, or unknown rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Any = None):
        if isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif dims is None:
            self._dims = None
        elif isinstance(dims, int | float) or hasattr(dims, "__index__"):
            self._dims = (_as_dim(dims),)
        else:
            self._dims = tuple(_as_dim(d) for d in dims)

    @property
    def dims(self) -> list[Any] | None:
        """The dimensions as :class:`Dimension` objects, or None for an unknown rank."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self) -> int | None:
        """The rank, or None if unknown."""
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self) -> list[int | None]:
        """The dimensions as a list.

        Raises:
            ValueError: if the rank is unknown.
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def as_tuple(self) -> tuple | None:
        return self._dims

    def is_fully_defined(self) -> bool:
        return self._dims is not None and all(d is not None for d in self._dims)

    def assert_is_fully_defined(self) -> None:
        """Raises ``ValueError`` unless the rank and every dimension are known."""
        if not self.is_fully_defined():
            raise ValueError(f"Shape {self} is not fully defined")

    def num_elements(self) -> int | None:
        """The number of elements, or None unless fully defined."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other: Any) -> bool:
        """True if some concrete shape could satisfy both shapes."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other: Any) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def merge_with(self, other: Any) -> TensorShape:
        """The most specific shape compatible with both.

        Raises:
            ValueError: if the shapes are incompatible.
        """
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        self.assert_is_compatible_with(other)
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def most_specific_compatible_shape(self, other: Any) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape([a if a == b else None for a, b in zip(self._dims, other._dims)])

    def concatenate(self, other: Any) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def with_rank(self, rank: int) -> TensorShape:
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def with_rank_at_least(self, rank: int) -> TensorShape:
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError(f"Shape {self} must have rank at least {rank}")
        return self

    def assert_has_rank(self, rank: int) -> None:
        self.with_rank(rank)

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __iter__(self) -> Iterator[Any]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter([self._dim(d) for d in self._dims])

    def __getitem__(self, key: Any) -> Any:
        """A :class:`Dimension` (None when unknown), or a shape for a slice."""
        if self._dims is None:
            return type(self)(None) if isinstance(key, slice) else self._dim(None)
        if isinstance(key, slice):
            return type(self)(self._dims[key])
        return self._dim(self._dims[key])

    @staticmethod
    def _dim(d: int | None) -> Any:
        return None if d is None else Dimension(d)

    def __bool__(self) -> bool:
        return self._dims is not None

    def __eq__(self, other: Any) -> bool:
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other: Any) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        return f"TensorShape({self.as_list() if self._dims is not None else None})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return f"({'?' if self._dims[0] is None else self._dims[0]},)"
        return "(" + ", ".join("?" if d is None else str(d) for d in self._dims) + ")"


class TensorShapeV1(TensorShape):
    """The shape ``get_shape()`` returns: as :class:`TensorShape`, but an unknown
    dimension comes out as ``Dimension(None)`` (``.value is None``), as in TF1."""

    __slots__ = ()

    @staticmethod
    def _dim(d: int | None) -> Any:
        return Dimension(d)


def as_shape(shape: Any) -> TensorShape:
    """Converts a list/tuple/int/None/TensorShape to a (plain) ``TensorShape``."""
    return shape if type(shape) is TensorShape else TensorShape(shape)


def v1_shape(shape: TensorShape) -> TensorShapeV1:
    """``shape`` as the TF1 view ``get_shape()`` returns."""
    out = TensorShapeV1.__new__(TensorShapeV1)
    out._dims = shape._dims
    return out


def unknown_shape(rank: int | None = None) -> TensorShape:
    return TensorShape(None if rank is None else [None] * rank)


def scalar() -> TensorShape:
    return TensorShape([])


def broadcast_static(a: TensorShape, b: TensorShape) -> TensorShape:
    """Static NumPy-broadcast of two shapes (unknown where it cannot be decided).

    Raises:
        ValueError: if the known dimensions cannot broadcast.
    """
    if a._dims is None or b._dims is None:
        return TensorShape(None)
    x, y = list(a._dims), list(b._dims)
    n = max(len(x), len(y))
    x = [1] * (n - len(x)) + x
    y = [1] * (n - len(y)) + y
    out: list[int | None] = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None or q is None:
            out.append(p if q is None else q) if (p is None) != (q is None) else out.append(None)
        elif p == q:
            out.append(p)
        else:
            raise ValueError(f"Incompatible shapes for broadcasting: {a} and {b}")
    return TensorShape(out)


__all__ = ["TensorShape", "TensorShapeV1", "v1_shape", "as_shape", "unknown_shape", "scalar",
           "broadcast_static"]
