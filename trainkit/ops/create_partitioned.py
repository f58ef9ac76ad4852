"""``tf.create_partitioned_variables``: TF1's older way to build a variable split into
shards (``get_variable`` with a partitioner that returns ``slicing``).

Example:
    >>> parts = tk.create_partitioned_variables([5, 2], [2, 1], init, name="pv")
    >>> [p.name for p in parts]   # ['pv/part_0:0', 'pv/part_1:0'], shapes [3, 2], [2, 2]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import as_shape
from trainkit.ops.variable_scope import get_variable, get_variable_scope, variable_scope


def create_partitioned_variables(shape: Any, slicing: Any, initializer: Any,
                                 dtype: Any = _dt.float32, trainable: bool = True,
                                 collections: Any = None, name: str | None = None,
                                 reuse: Any = None) -> list:
    """The shards of a variable of ``shape`` cut ``slicing[d]`` ways along each
    dimension ``d`` (one dimension may be cut), named ``<name>/part_<i>``.

    Raises:
        ValueError: if ``shape`` and ``slicing`` differ in length, or ``shape`` is a
            scalar.
    """
    dims = as_shape(shape).as_list()
    cuts = list(slicing)
    if len(dims) != len(cuts):
        raise ValueError(f"The 'shape' and 'slicing' of a partitioned Variable must have "
                         f"the length: shape: {dims}, slicing: {cuts}")
    if len(dims) < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1: shape: {dims}")
    if name is None:
        with variable_scope(None, default_name="PartitionedVariable") as scope:
            pass
        name = scope.name.rsplit("/", 1)[-1]
    with variable_scope(get_variable_scope(), reuse=reuse or None):
        var = get_variable(name, shape=dims, dtype=dtype, initializer=initializer,
                           trainable=trainable, collections=collections,
                           partitioner=lambda **_: cuts)
    return list(var)


__all__ = ["create_partitioned_variables"]
