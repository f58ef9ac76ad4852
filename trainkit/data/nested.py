"""Datasets as elements of a dataset (the windows of ``Dataset.window``).

TF's elements may be datasets themselves (a ``DatasetSpec`` in the element structure):
``ds.window(3)`` yields one dataset per window and component, consumed inside ``map``,
``filter``, ``flat_map``, ``interleave`` and ``reduce`` functions
(``w.reduce(0, add)``, ``w.batch(3)``, ``Dataset.zip((a, b))``).

trainkit carries such a component through the pipeline as one array: the nested
dataset's elements stacked along a new first axis (shape ``[None] + element shape``).
Its leaf in the dataset's structure is a :class:`DatasetSpec`; wherever a function
receives the element (or ``get_next()`` returns it), the array becomes
``Dataset.from_tensor_slices(array)`` again. A function that returns a nested dataset
gives back its elements stacked by a ``DatasetToStacked`` op.

Differs from TF: the elements of one nested dataset must share a shape (they are
stacked), a nested dataset has one component (``map`` refusing a returned
``Dataset.zip`` with TypeError), and ``batch`` or ``window`` of nested datasets are
refused when built (TF builds them, but nothing can read their elements).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.data.build_env import BuildEnv
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


class DatasetSpec:
    """The structure leaf of a component that is a dataset (``tf.data.DatasetSpec``):
    the dtype and shape of the nested dataset's elements."""

    def __init__(self, dtype: _dt.DType, shape: TensorShape):
        self.dtype = dtype
        self.shape = TensorShape(shape)

    @property
    def stacked_shape(self) -> TensorShape:
        """The shape of the array that carries the nested dataset (its elements
        stacked)."""
        return TensorShape([None]).concatenate(self.shape)

    def _dims(self) -> list | None:
        return None if self.shape.ndims is None else self.shape.as_list()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetSpec) and other.dtype == self.dtype and \
            other._dims() == self._dims()

    def __hash__(self) -> int:
        return hash(("DatasetSpec", self.dtype.name))

    def __repr__(self) -> str:
        dims = "<unknown>" if self.shape.ndims is None else tuple(self.shape.as_list())
        return (f"DatasetSpec(TensorSpec(shape={dims}, dtype=tf.{self.dtype.name}, "
                f"name=None), TensorShape([]))")


def nested_flags(structure: Any) -> list[bool]:
    """For each flat component of a dataset's structure, whether it is a dataset."""
    return [isinstance(leaf, DatasetSpec) for leaf in nest.flatten(structure)]


def refuse_nested(dataset: Any, what: str, error: type[Exception] = TypeError) -> None:
    """Raises ``error`` when the dataset's elements hold datasets.

    Raises:
        TypeError (or ``error``): some component is a dataset.
    """
    if any(nested_flags(dataset._structure)):
        raise error(f"`{what}` is not supported for datasets of datasets (element "
                    f"types {dataset.output_types}).")


def stacked(dataset: Any) -> Tensor:
    """A tensor holding every element of a one-component ``dataset`` stacked along a
    new first axis; each run reads the dataset from its start.

    Raises:
        TypeError: the dataset has several components or nested datasets
            (Differs from TF, which can return any dataset from ``map``).
    """
    if len(dataset._specs) != 1 or any(nested_flags(dataset._structure)):
        raise TypeError(f"A dataset returned as an element must have one tensor "
                        f"component in trainkit, got elements of type "
                        f"{dataset.output_types}.")
    slices_of = getattr(dataset, "_slices_of", None)
    if slices_of is not None:   # the nested dataset passed in, unchanged
        return slices_of
    dtype, shape = dataset._specs[0]
    op = get_default_graph().create_op(
        "DatasetToStacked", list(dataset._inputs), [dtype], name="DatasetToStacked",
        attrs={"dataset": dataset}, shapes=[TensorShape([None]).concatenate(shape)])
    return op.outputs[0]


@registry.register_kernel("DatasetToStacked", stateful=True)
def _stacked_kernel(ctx: registry.KernelContext, *values: Any) -> Any:
    dataset = ctx.attrs["dataset"]
    env = BuildEnv(dict(zip(dataset._inputs, values)), ctx.session, ctx.state)
    stage = dataset._build(env)
    items = []
    while True:
        try:
            items.append(np.asarray(stage.next()[0]))
        except StopIteration:
            break
    dtype, shape = dataset._specs[0]
    if not items:
        dims = [0] + [d or 0 for d in (shape.as_list() if shape.ndims is not None else [])]
        return np.zeros(dims, dtype=dtype.np_dtype)
    try:
        return np.stack(items)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"The elements of a dataset returned as an element must share a "
                        f"shape in trainkit; got shapes {sorted({i.shape for i in items})}."
        ) from None


registry.not_differentiable("DatasetToStacked")

__all__ = ["DatasetSpec", "nested_flags", "refuse_nested", "stacked"]
