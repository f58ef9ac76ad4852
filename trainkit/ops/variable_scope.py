"""``variable_scope`` and ``get_variable``: variables named by scope and shared by name.

Each graph has one variable store (the variables made by ``get_variable``, keyed by full
name) and a current :class:`VariableScope`. Reuse follows TF1:

* ``reuse=None``/``False`` inherits the enclosing scope's flag (the root's is False);
* with reuse off, ``get_variable`` of an existing name raises
  ``ValueError('Variable x already exists, disallowed...')``;
* with ``reuse=True``, a missing name raises ``ValueError('Variable x does not exist...')``;
* with ``AUTO_REUSE`` the variable is created when missing and returned otherwise.

Example:
    >>> import trainkit as tk
    >>> with tk.variable_scope("layer"):
    ...     w = tk.get_variable("w", [2, 3])
    >>> with tk.variable_scope("layer", reuse=True):
    ...     w2 = tk.get_variable("w")
    >>> w is w2, w.op.name
    (True, 'layer/w')
"""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Callable
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import Graph, GraphKeys, get_default_graph
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Tensor
from trainkit.ops import init_ops
from trainkit.ops.partitioned_variables import PartitionedVariable, get_partitioned_variable
from trainkit.ops.variables import Variable, VariableAggregation, VariableSynchronization

_STORE_KEY = "__variable_store"


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """The settings ``get_variable`` uses inside a ``variable_scope``: a name prefix, a
    reuse flag and defaults (initializer, regularizer, dtype, custom getter, ...)."""

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None,
                 regularizer: Callable | None = None, caching_device: Any = None,
                 partitioner: Any = None, custom_getter: Callable | None = None,
                 name_scope: str = "", dtype: Any = _dt.float32, use_resource: Any = None,
                 constraint: Callable | None = None):
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter!r}")
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = _dt.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """Turns reuse on for this scope (and the scopes opened inside it from now on)."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_regularizer(self, regularizer: Callable | None) -> None:
        self._regularizer = regularizer

    def set_dtype(self, dtype: Any) -> None:
        self._dtype = _dt.as_dtype(dtype)

    def set_partitioner(self, partitioner: Any) -> None:
        self._partitioner = partitioner

    def set_caching_device(self, caching_device: Any) -> None:
        self._caching_device = caching_device

    def set_use_resource(self, use_resource: Any) -> None:
        self._use_resource = use_resource

    def set_custom_getter(self, custom_getter: Callable | None) -> None:
        self._custom_getter = custom_getter

    def get_collection(self, name: str) -> list:
        """Items of collection ``name`` whose names start with this scope."""
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope or None)

    def global_variables(self) -> list:
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self) -> list:
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self) -> list:
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store: Any, name: str, *args: Any, **kwargs: Any) -> Variable:
        """``get_variable`` with this scope's settings (``var_store`` is ignored)."""
        with _scope_as_current(self):
            return get_variable(name, *args, **kwargs)

    def _copy(self, **changes: Any) -> VariableScope:
        new = VariableScope.__new__(VariableScope)
        new.__dict__.update(self.__dict__)
        for k, v in changes.items():
            setattr(new, "_" + k, v)
        return new

    def __repr__(self) -> str:
        return f"<VariableScope name={self._name!r} reuse={self._reuse!r}>"


class _VariableStore:
    """Per-graph state: variables by name, the current scope, scope-name use counts."""

    def __init__(self) -> None:
        self.vars: dict[str, Variable] = {}
        self.partitioned: dict[str, PartitionedVariable] = {}
        self.current = VariableScope(False)
        self.counts: dict[str, int] = {}

    def open_scope(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def close_subscopes(self, name: str) -> None:
        prefix = name + "/" if name else ""
        for k in self.counts:
            if not name or k.startswith(prefix):
                self.counts[k] = 0


def _store(graph: Graph | None = None) -> _VariableStore:
    ref = (graph or get_default_graph()).get_collection_ref(_STORE_KEY)
    if not ref:
        ref.append(_VariableStore())
    return ref[0]


def variable_store(graph: Graph | None = None) -> dict[str, Variable]:
    """The variables ``get_variable`` made in ``graph`` (default graph), by full name."""
    return _store(graph).vars


def partitioned_variable_store(graph: Graph | None = None) -> dict[str, PartitionedVariable]:
    """The partitioned variables ``get_variable`` made in ``graph``, by full name."""
    return _store(graph).partitioned


def get_variable_scope() -> VariableScope:
    """The current variable scope of the default graph."""
    return _store().current


@contextlib.contextmanager
def _scope_as_current(scope: VariableScope) -> Any:
    store = _store()
    old = store.current
    store.current = scope
    try:
        yield scope
    finally:
        store.current = old


def _unique_scope_name(store: _VariableStore, prefix: str) -> str:
    base = store.current.name + "/" + prefix if store.current.name else prefix
    if store.counts.get(base, 0) == 0:
        return prefix
    i = 1
    while store.counts.get(f"{base}_{i}", 0) > 0:
        i += 1
    return f"{prefix}_{i}"


class variable_scope:  # noqa: N801 - TF's public name
    """Opens a variable scope (and, by default, a name scope of the same name).

    Args:
        name_or_scope: a scope name, or a :class:`VariableScope` to re-enter.
        default_name: used (made unique) when ``name_or_scope`` is None.
        values: accepted for compatibility.
        initializer, regularizer, dtype, custom_getter, constraint: new defaults for
            ``get_variable`` in the scope (inherited by sub-scopes).
        reuse: True, ``AUTO_REUSE``, or None/False to inherit.
        partitioner: ``get_variable`` 's default partitioner in the scope.
        caching_device: ``get_variable`` 's default caching device in the scope (where
            a variable's read op is recorded).
        use_resource: accepted.
        auxiliary_name_scope: also open a name scope (default True).

    Raises:
        TypeError: when neither ``name_or_scope`` nor ``default_name`` is given, or the
            scope is neither a string nor a VariableScope.
        ValueError: for ``reuse=True`` with only a ``default_name``.
    """

    def __init__(self, name_or_scope: str | VariableScope | None, default_name: str | None = None,
                 values: Any = None, initializer: Any = None, regularizer: Any = None,
                 caching_device: Any = None, partitioner: Any = None,
                 custom_getter: Callable | None = None, reuse: Any = None, dtype: Any = None,
                 use_resource: Any = None, constraint: Callable | None = None,
                 auxiliary_name_scope: bool = True):
        if name_or_scope is None and default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, str | VariableScope):
            raise TypeError(f"VariableScope: name_or_scope must be a string or VariableScope, "
                            f"got {name_or_scope!r}.")
        if name_or_scope is None and reuse is True:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        if reuse not in (None, False, True, AUTO_REUSE):
            raise ValueError(f"reuse must be True, False, None or AUTO_REUSE, got {reuse!r}.")
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter!r}")
        self._args = dict(initializer=initializer, regularizer=regularizer,
                          caching_device=caching_device, partitioner=partitioner,
                          dtype=None if dtype is None else _dt.as_dtype(dtype),
                          use_resource=use_resource, constraint=constraint)
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._custom_getter = custom_getter
        self._reuse = reuse or None
        self._aux = auxiliary_name_scope
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> VariableScope:
        graph = get_default_graph()
        store = _store(graph)
        old = store.current
        stack = contextlib.ExitStack()
        nos = self._name_or_scope
        if isinstance(nos, VariableScope):
            base = nos
            var_name = nos.name
            ns = nos.original_name_scope
            if self._aux:
                ns = stack.enter_context(graph.name_scope(ns or None))
            reuse = self._reuse or nos.reuse
        else:
            base = old
            if nos is not None:
                rel = nos
            else:
                rel = _unique_scope_name(store, self._default_name)
            var_name = old.name + "/" + rel if old.name else rel
            ns = old.original_name_scope
            if self._aux:
                ns = stack.enter_context(graph.name_scope(nos or self._default_name))
            reuse = self._reuse or old.reuse
        store.open_scope(var_name)
        store.close_subscopes(var_name)
        changes = {k: v for k, v in self._args.items() if v is not None}
        getter = base.custom_getter
        if self._custom_getter is not None:
            getter = (self._custom_getter if getter is None
                      else _compose_getters(getter, self._custom_getter))
        new = base._copy(name=var_name, reuse=reuse, name_scope=ns, custom_getter=getter,
                         **changes)
        store.current = new
        stack.callback(setattr, store, "current", old)
        self._stack = stack
        return new

    def __exit__(self, *exc: Any) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()


def _compose_getters(outer: Callable, inner: Callable) -> Callable:
    """A custom getter calling ``inner`` with a getter that goes through ``outer``."""
    def getter(next_getter: Callable, *args: Any, **kwargs: Any) -> Any:
        return inner(functools.partial(outer, next_getter), *args, **kwargs)
    return getter


def _default_initializer(name: str, dtype: _dt.DType) -> Any:
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype is _dt.string:
        return init_ops.zeros_initializer() if dtype is not _dt.string else ""
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


def _true_getter(name: str, shape: Any = None, dtype: Any = _dt.float32, initializer: Any = None,
                 regularizer: Callable | None = None, reuse: Any = None,
                 trainable: bool | None = None, collections: Any = None,
                 caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None,
                 constraint: Callable | None = None,
                 synchronization: Any = VariableSynchronization.AUTO,
                 aggregation: Any = VariableAggregation.NONE, partition_info: Any = None,
                 **_: Any) -> Variable | PartitionedVariable:
    store = _store()
    dtype = _dt.as_dtype(dtype)
    is_scalar = isinstance(shape, list | tuple) and not shape  # TF: [] is never partitioned
    if (partitioner is not None and not is_scalar) or (
            reuse is True and partitioner is None and name in store.partitioned):
        if partitioner is not None and not callable(partitioner):
            raise ValueError(f"Partitioner must be callable, but received: {partitioner!r}")
        with get_default_graph().name_scope(None):
            return get_partitioned_variable(
                store.vars, store.partitioned, name, partitioner, shape, dtype, initializer,
                reuse, _true_getter, regularizer=regularizer, trainable=trainable,
                collections=collections, caching_device=caching_device,
                validate_shape=validate_shape, use_resource=use_resource,
                constraint=constraint, synchronization=synchronization,
                aggregation=aggregation)
    if f"{name}/part_0" in store.vars and partition_info is None:
        raise ValueError(f"No partitioner was provided, but a partitioned version of the "
                         f"variable was found: {name}/part_0. Perhaps a variable of the same "
                         "name was already created with partitioning?")
    from_value = initializer is not None and not callable(initializer)
    if from_value and shape is not None:
        raise ValueError(f"If initializer is a constant, do not specify shape (variable "
                         f"{name}).")
    shape = None if shape is None else as_shape(shape)
    found = store.vars.get(name)
    if found is not None:
        if not (reuse is True or reuse is AUTO_REUSE):
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
        if shape is not None and not shape.is_compatible_with(found.shape):
            raise ValueError(f"Trying to share variable {name}, but specified shape {shape} "
                             f"and found shape {found.shape}.")
        if not from_value and dtype is not found.dtype:
            raise ValueError(f"Trying to share variable {name}, but specified dtype "
                             f"{dtype.name} and found dtype {found.dtype.name}.")
        return found
    if reuse is True:
        raise ValueError(f"Variable {name} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                         "VarScope?")
    if initializer is None:
        initializer = _default_initializer(name, dtype)
        from_value = not callable(initializer)
    if from_value:
        init_val: Any = initializer
        var_dtype = None if isinstance(initializer, Tensor) else dtype
    else:
        if isinstance(initializer, type):
            initializer = initializer(dtype=dtype)
        if shape is None or not shape.is_fully_defined():
            raise ValueError(f"Shape of a new variable ({name}) must be fully defined, but "
                             f"instead was {shape if shape is not None else TensorShape(None)}.")
        dims = shape.as_list()
        init_val = functools.partial(initializer, dims, dtype=dtype,
                                     partition_info=partition_info)
        var_dtype = dtype
    graph = get_default_graph()
    with graph.name_scope(None):
        v = Variable(init_val, trainable=trainable, collections=collections, name=name,
                     dtype=var_dtype, validate_shape=validate_shape, constraint=constraint,
                     caching_device=caching_device, use_resource=use_resource,
                     synchronization=synchronization, aggregation=aggregation)
    store.vars[name] = v
    if regularizer is not None:
        with graph.name_scope(name + "/Regularizer/"):
            loss = regularizer(v)
        if loss is not None:
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                 regularizer: Callable | None = None, trainable: bool | None = None,
                 collections: Any = None, caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None,
                 custom_getter: Callable | None = None, constraint: Callable | None = None,
                 synchronization: Any = VariableSynchronization.AUTO,
                 aggregation: Any = VariableAggregation.NONE
                 ) -> Variable | PartitionedVariable:
    """Gets the variable ``<scope>/name`` or creates it (TF1 ``tf.get_variable``).

    Args:
        name: the name relative to the current variable scope.
        shape: required (fully defined) unless ``initializer`` is a value or tensor.
        dtype: default: the scope's dtype (float32).
        initializer: an initializer (instance or class), a tensor or a value; default: the
            scope's, else glorot-uniform for floats and zeros for integers.
        regularizer: ``fn(variable) -> loss``; a non-None loss goes to
            ``REGULARIZATION_LOSSES`` (only when the variable is created).
        trainable: default True. collections: default ``[GLOBAL_VARIABLES]``.
        custom_getter: ``fn(getter, name, *args, **kwargs)`` wrapping the creation.
        partitioner: ``fn(shape, dtype) -> partitions`` (e.g.
            :func:`~trainkit.ops.partitioners.fixed_size_partitioner`); default: the
            scope's. A variable of rank >= 1 (a shape other than ``[]``) is then a
            :class:`~trainkit.ops.partitioned_variables.PartitionedVariable` of shards
            ``name/part_<i>``; with ``reuse=True`` the partitioner may be omitted.

    Raises:
        ValueError: for reuse violations (see the module docstring), a shape or dtype that
            differs from the shared variable, a missing or partially known shape, or a
            shape given together with a constant initializer.
    """
    scope = get_variable_scope()
    if custom_getter is not None and not callable(custom_getter):
        raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter!r}")
    full = scope.name + "/" + name if scope.name else name
    init = initializer if initializer is not None else scope.initializer
    kwargs = dict(
        shape=shape, dtype=_value_dtype(full, init, dtype, scope.dtype),
        initializer=init,
        regularizer=regularizer if regularizer is not None else scope.regularizer,
        reuse=scope.reuse, trainable=trainable, collections=collections,
        caching_device=caching_device if caching_device is not None else scope.caching_device,
        partitioner=partitioner if partitioner is not None else scope.partitioner,
        validate_shape=validate_shape, use_resource=use_resource,
        constraint=constraint if constraint is not None else scope.constraint,
        synchronization=synchronization, aggregation=aggregation)
    getter = scope.custom_getter
    if custom_getter is not None:
        getter = custom_getter if getter is None else _compose_getters(getter, custom_getter)
    if getter is not None:
        return getter(_true_getter, full, **kwargs)
    return _true_getter(full, **kwargs)


def _value_dtype(name: str, init: Any, dtype: Any, scope_dtype: _dt.DType) -> _dt.DType:
    """The variable's dtype: a value initializer (``0``, a list, an array, a tensor) gives
    its own dtype (int32 for ``0``, as TF converts it) and must match an explicit one."""
    if init is None or callable(init):
        return _dt.as_dtype(dtype) if dtype is not None else scope_dtype
    own = getattr(init, "dtype", None)
    own = _dt.as_dtype(own) if own is not None else _dt.dtype_of_value(init)
    own = getattr(own, "base_dtype", own)
    if dtype is not None and _dt.as_dtype(dtype) is not own:
        raise ValueError(f"Initializer type '{own.name}' and explicit dtype "
                         f"'{_dt.as_dtype(dtype).name}' don't match (variable {name}).")
    return own


def get_local_variable(name: str, shape: Any = None, dtype: Any = None,
                       initializer: Any = None, regularizer: Callable | None = None,
                       trainable: bool = False, collections: Any = None,
                       **kwargs: Any) -> Variable:
    """:func:`get_variable` into ``LOCAL_VARIABLES`` (not trainable)."""
    cols = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, trainable=False,
                        collections=cols, **kwargs)


def no_regularizer(_: Any) -> None:
    """A regularizer that adds no loss (overrides a scope's regularizer)."""
    return None


__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable",
           "get_local_variable", "get_variable_scope", "no_regularizer",
           "partitioned_variable_store", "variable_store"]
