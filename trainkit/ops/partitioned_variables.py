"""``PartitionedVariable``: one logical variable stored as shards cut along one axis.

``get_variable(name, shape, partitioner=p)`` (or inside ``variable_scope(partitioner=p)``)
creates the shards ``name/part_0``, ``name/part_1``, ... as ordinary variables: they are
what ``tf.trainable_variables()`` lists and what optimizers update. Each shard carries a
``SaveSliceInfo`` (full name, full shape, its offset and shape) so the Saver writes the
shards as the one tensor ``name`` — a checkpoint restores into any partitioning.

Each shard is initialized by calling the initializer with the shard's shape and a
``partition_info`` holding the full shape and the shard's offset (``VarianceScaling``,
hence glorot, takes its fans from the full shape); a value or tensor initializer is
sliced.

Example:
    >>> emb = tk.get_variable("emb", [10, 4], partitioner=tk.fixed_size_partitioner(3))
    >>> [v.op.name for v in emb], [v.shape.as_list() for v in emb]
    (['emb/part_0', 'emb/part_1', 'emb/part_2'], [[4, 4], [3, 4], [3, 4]])
    >>> rows = tk.nn.embedding_lookup(emb, ids)          # a gather on each shard
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Tensor
from trainkit.ops import identity_ops, join_ops, slicing_ops
from trainkit.ops.partitioners import (
    PartitionInfo,
    call_partitioner,
    iter_slices,
    slice_dim_and_count,
)
from trainkit.ops.variables import SaveSliceInfo, Variable


class PartitionedVariable:
    """The shards of one partitioned variable (TF's ``PartitionedVariable``).

    Iterating gives the shard ``Variable`` s in offset order; ``as_tensor()`` (and
    ``tf.convert_to_tensor``) concatenates them along the cut axis.

    Args:
        name: the full variable's name.
        shape: its full shape. dtype: its dtype.
        variable_list: the shards, each with a ``SaveSliceInfo`` of this full shape.
        partitions: the number of shards per axis (one entry above 1 at most).

    Raises:
        TypeError: ``variable_list`` or ``partitions`` is not a list or tuple.
        ValueError: empty ``variable_list``, a partition count below 1, a shard without
            save-slice info or of another full shape.
    """

    def __init__(self, name: str, shape: Any, dtype: Any, variable_list: Any,
                 partitions: Any):
        if not isinstance(variable_list, list | tuple):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list!r}")
        if not isinstance(partitions, list | tuple):
            raise TypeError(f"partitions is not a list or tuple: {partitions!r}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {list(partitions)}")
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        shape = as_shape(shape)
        if len(partitions) != shape.ndims:
            raise ValueError(f"len(shape) != len(partitions): {shape} vs. {list(partitions)}")
        for v in variable_list:
            info = getattr(v, "_save_slice_info", None)
            if info is None:
                raise ValueError(f"All variables must have a save_slice_info available: "
                                 f"{[x.name for x in variable_list]}")
            if info.full_shape != shape.as_list():
                raise ValueError(f"All variables' full shapes must match shape: {shape}; but "
                                 f"full shapes were: {info.full_shape}")
        self._variable_list = sorted(variable_list,
                                     key=lambda v: v._save_slice_info.var_offset)
        self._name = name
        self._shape = shape
        self._dtype = _dt.as_dtype(dtype)
        self._partitions = list(partitions)

    def __iter__(self) -> Iterator[Variable]:
        return iter(self._variable_list)

    def __len__(self) -> int:
        return len(self._variable_list)

    def __repr__(self) -> str:
        return (f"<tk.PartitionedVariable '{self._name}' shape={self._shape} "
                f"dtype={self._dtype.name} partitions={self._partitions}>")

    name = property(lambda self: self._name, doc="The full variable's name.")
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape, doc="The full shape.")

    def get_shape(self) -> TensorShape:
        return self._shape

    def _get_variable_list(self) -> list[Variable]:
        return list(self._variable_list)

    def _get_partitions(self) -> list[int]:
        return list(self._partitions)

    def _partition_axis(self) -> int:
        return slice_dim_and_count(self._partitions)[0]

    def _concat(self) -> Tensor:
        graph = get_default_graph()
        if len(self._variable_list) == 1:
            with graph.name_scope(None):
                return identity_ops.identity(self._variable_list[0], name=self._name)
        with graph.name_scope(self._name + "/ConcatPartitions/"):
            whole = join_ops.concat(self._variable_list, self._partition_axis())
        with graph.name_scope(None):
            return identity_ops.identity(whole, name=self._name)

    def as_tensor(self) -> Tensor:
        """The full value: the shards concatenated (outside any control dependencies)."""
        with get_default_graph().control_dependencies(None):
            return self._concat()

    def _apply(self, method: str, value: Any, **kwargs: Any) -> list:
        if isinstance(value, PartitionedVariable):
            values = list(value)
        elif isinstance(value, list):
            if len(value) != len(self._variable_list):
                raise ValueError(f"{method}: {len(value)} values for the "
                                 f"{len(self._variable_list)} shards of {self._name}.")
            values = value
        else:
            axis = self._partition_axis()
            sizes = [v.shape.as_list()[axis] for v in self._variable_list]
            values = join_ops.split(value, sizes, axis=axis)
        return [getattr(v, method)(x, **kwargs) for v, x in zip(self._variable_list, values)]

    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> list:
        """Assigns each shard its part of ``value`` (a full tensor, a list per shard or
        another PartitionedVariable); returns the per-shard assign results."""
        out = self._apply("assign", value, use_locking=use_locking, name=name)
        return out if read_value else [t.op for t in out]

    def assign_add(self, value: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> list:
        """Adds each shard's part of ``value`` (see :meth:`assign`)."""
        out = self._apply("assign_add", value, use_locking=use_locking, name=name)
        return out if read_value else [t.op for t in out]

    def assign_sub(self, value: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> list:
        """Subtracts each shard's part of ``value`` (see :meth:`assign`)."""
        out = self._apply("assign_sub", value, use_locking=use_locking, name=name)
        return out if read_value else [t.op for t in out]


def _to_tensor(value: PartitionedVariable, dtype: Any = None, name: str | None = None,
               as_ref: bool = False) -> Tensor:
    if dtype is not None and _dt.as_dtype(dtype).base_dtype is not value.dtype:
        raise ValueError(f"Incompatible type conversion requested to type "
                         f"'{_dt.as_dtype(dtype).name}' for variable of type "
                         f"'{value.dtype.name}' ({value.name}).")
    if as_ref:
        raise NotImplementedError("PartitionedVariable doesn't support being used as a "
                                  "reference.")
    return value.as_tensor()


conversion.register_tensor_conversion_function(PartitionedVariable, _to_tensor)


def _reuse_existing(existing: PartitionedVariable, name: str, shape: TensorShape,
                    dtype: _dt.DType, partitions: list[int] | None, reuse: Any
                    ) -> PartitionedVariable:
    if reuse is False or reuse is None:
        raise ValueError(f"Partitioned variable with name {name} already exists. Did you mean "
                         "to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
    if not shape.is_compatible_with(existing.get_shape()):
        raise ValueError(f"Trying to reuse partitioned variable {name}, but specified shape "
                         f"{shape} and found shape {existing.get_shape()}.")
    if dtype.base_dtype is not existing.dtype:
        raise ValueError(f"Trying to reuse partitioned variable {name}, but specified dtype "
                         f"{dtype.name} and found dtype {existing.dtype.name}.")
    if partitions is not None and existing._get_partitions() != partitions:
        raise ValueError(f"Trying to reuse partitioned variable {name}, but specified "
                         f"partitions {partitions} and found partitions "
                         f"{existing._get_partitions()}.")
    return existing


def get_partitioned_variable(store: dict[str, Variable],
                             partitioned: dict[str, PartitionedVariable], name: str,
                             partitioner: Callable | None, shape: Any, dtype: _dt.DType,
                             initializer: Any, reuse: Any, make_shard: Callable[..., Variable],
                             **kwargs: Any) -> PartitionedVariable:
    """Gets or creates the partitioned variable ``name`` (TF's
    ``_VariableStore._get_partitioned_variable``); ``make_shard(name, shape=, dtype=,
    initializer=, partition_info=, reuse=, **kwargs)`` gets or creates one shard.

    Raises:
        ValueError: an unpartitioned variable of that name exists; reuse violations; a
            shape, dtype or partitioning that differs from the existing one; a bad
            partitioner result (see :func:`~trainkit.ops.partitioners.call_partitioner`);
            shards of another partitioning already in the store.
    """
    if name in store:
        raise ValueError(f"A partitioner was provided, but an unpartitioned version of the "
                         f"variable was found: {name}.  Perhaps a variable of the same name "
                         "was already created without partitioning?")
    shape = TensorShape(None) if shape is None else as_shape(shape)
    if initializer is not None and not callable(initializer):
        if not isinstance(initializer, Tensor):  # a value: sliced like a tensor
            initializer = conversion.convert_to_tensor(initializer, dtype=dtype)
        dtype = initializer.dtype.base_dtype
        shape = shape.merge_with(initializer.shape)
    partitions = None
    if not reuse or partitioner is not None:
        partitions = call_partitioner(partitioner, shape, dtype, name)
    if name in partitioned:
        return _reuse_existing(partitioned[name], name, shape, dtype, partitions, reuse)
    if reuse is True:
        raise ValueError(f"PartitionedVariable {name} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=False or "
                         "reuse=tf.AUTO_REUSE in VarScope?")
    axis, count = slice_dim_and_count(partitions)
    if f"{name}/part_0" in store:
        if f"{name}/part_{count - 1}" not in store:
            raise ValueError(f"Partitioner returned a different partitioning than what was "
                             f"already found.  Partitioner returned {count} shards, and shard "
                             f"{name}/part_0 was found, but {name}/part_{count - 1} was not.")
        if f"{name}/part_{count}" in store:
            raise ValueError(f"Partitioner returned a different partitioning than what was "
                             f"already found.  Partitioner returned {count} shards, and shard "
                             f"{name}/part_0 was found, but so was the extra shard "
                             f"{name}/part_{count}.")
    full = shape.as_list()
    # every shard's placement is checked before any is made (no half-built variable)
    slices = [(off, part, PartitionInfo(full, off)) for off, part in
              iter_slices(full, count, axis)]
    shards = []
    for i, (offset, part_shape, info) in enumerate(slices):
        shard_name = f"{name}/part_{i}"
        if initializer is None or callable(initializer):
            init, init_shape = initializer, part_shape
        else:
            with get_default_graph().name_scope(shard_name + "/PartitionedInitializer"):
                init = slicing_ops.slice_(initializer, offset, part_shape)
            init_shape = None
        var = make_shard(shard_name, shape=init_shape, dtype=dtype, initializer=init,
                         partition_info=info, reuse=reuse, **kwargs)
        var._set_save_slice_info(SaveSliceInfo(name, full, offset, part_shape))
        shards.append(var)
    result = PartitionedVariable(name, shape, dtype, shards, partitions)
    partitioned[name] = result
    return result


def save_slice_info(var: Any) -> SaveSliceInfo | None:
    """The ``SaveSliceInfo`` of a shard, None for a whole variable (or non-variable)."""
    return getattr(var, "_save_slice_info", None)


def slice_like_primary(primary: Any, slot: Variable) -> None:
    """Makes ``slot`` (``<shard>/<slot name>``, e.g. an optimizer's moment) the same
    slice of the full slot ``<full name>/<slot name>`` as ``primary`` is of its full
    variable, so a checkpoint holds one full slot too (TF's ``slot_creator``). A scalar
    slot, or a whole primary, is left alone."""
    info = save_slice_info(primary)
    n = slot.shape.ndims
    if info is None or n == 0:
        return
    own = slot.op.name[len(primary.op.name) + 1:]
    slot._set_save_slice_info(SaveSliceInfo(f"{info.full_name}/{own}", info.full_shape[:n],
                                            info.var_offset[:n], info.var_shape[:n]))


def is_partitioned(value: Any) -> bool:
    """Whether ``value`` is a :class:`PartitionedVariable`."""
    return isinstance(value, PartitionedVariable)


__all__ = ["PartitionedVariable", "get_partitioned_variable", "is_partitioned",
           "save_slice_info", "slice_like_primary"]
