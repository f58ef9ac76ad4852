"""``Variable``: a named, mutable tensor whose value lives in each session.

A variable ``v`` is four ops, named as in TF1: ``v/initial_value`` (or an
``v/Initializer/...`` subgraph), ``v`` (``VariableV2``), ``v/Assign`` (the initializer)
and ``v/read`` (an aliasing ``Identity`` that every use of ``v`` as a tensor goes
through). Its value is the buffer ``session._state.variables['v']``.

Fetching ``v`` (or ``v.value()``, ``v.read_value()``) returns the value at the *end* of the
run, after all of the run's updates, because the session copies aliased buffers only
when the run ends (see docs/internals.md).

Example:
    >>> import trainkit as tk
    >>> w = tk.Variable([[0.0, 0.0]], name="w")
    >>> w.op.name, w.name, w.shape.as_list()
    ('w', 'w:0', [1, 2])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import Graph, GraphKeys, get_default_graph
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, control_flow_ops, state_ops


class VariableSynchronization:
    """Accepted for compatibility (``tf.VariableSynchronization``)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation:
    """Accepted for compatibility (``tf.VariableAggregation``)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def _check_collections(collections: Any) -> list:
    if collections is None:
        return [GraphKeys.GLOBAL_VARIABLES]
    if not isinstance(collections, list | tuple | set):
        raise ValueError(f"collections argument to Variable constructor must be a list, "
                         f"tuple, or set. Got {collections!r} of type "
                         f"{type(collections).__name__}")
    return list(collections)


class SaveSliceInfo:
    """Where a shard of a partitioned variable sits in the full variable (TF's
    ``Variable.SaveSliceInfo``): the Saver writes shards as one tensor ``full_name``.

    Args:
        full_name: the full variable's name (the checkpoint key).
        full_shape, var_offset, var_shape: lists of ints, one per axis.
    """

    def __init__(self, full_name: str | None = None, full_shape: Any = None,
                 var_offset: Any = None, var_shape: Any = None):
        self.full_name = full_name
        self.full_shape = None if full_shape is None else [int(d) for d in full_shape]
        self.var_offset = None if var_offset is None else [int(d) for d in var_offset]
        self.var_shape = None if var_shape is None else [int(d) for d in var_shape]

    @property
    def spec(self) -> str:
        """TF's slice spec, e.g. ``'5 3 0,3:0,3'`` (full shape, then offset,size per axis)."""
        full = " ".join(str(d) for d in self.full_shape) + " "
        return full + ":".join(f"{o},{s}" for o, s in zip(self.var_offset, self.var_shape))

    def __repr__(self) -> str:
        return f"<SaveSliceInfo {self.full_name!r} {self.spec!r}>"


class Variable:
    """A TF1 (reference) variable.

    Args:
        initial_value: a tensor, a Python/NumPy value, or a callable returning one.
        trainable: also add the variable to ``TRAINABLE_VARIABLES``.
        collections: graph collections (default ``[GLOBAL_VARIABLES]``).
        validate_shape: when False the variable may be assigned values of other shapes
            and its static shape is unknown.
        name: the variable (op) name, uniquified in the current name scope.
        dtype: convert the initial value to this dtype.
        constraint: a function applied to the variable by optimizers after updates.
        shape: the static shape (default: the initial value's).
        variable_def: a ``VariableDef`` proto naming existing ops (``import_meta_graph``);
            ``import_scope`` prefixes its names.
        caching_device, expected_shape, use_resource, synchronization,
        aggregation: accepted for compatibility.

    Differs from TF: ``dtype`` is the base dtype (``float32``), not ``float32_ref``, and
    ``use_resource=True`` still builds a reference variable.

    Raises:
        ValueError: without an initial value, with a bad ``collections`` argument, or when
            the initial value's shape is not fully defined and ``validate_shape`` is True.
        ValueError: for a ``variable_def`` naming ops that are not in the graph.
    """

    __array_priority__ = 100
    SaveSliceInfo = SaveSliceInfo
    _save_slice_info: SaveSliceInfo | None = None

    def __init__(self, initial_value: Any = None, trainable: bool | None = None,
                 collections: Any = None, validate_shape: bool = True,
                 caching_device: Any = None, name: str | None = None,
                 variable_def: Any = None, dtype: Any = None, expected_shape: Any = None,
                 import_scope: str | None = None, constraint: Callable | None = None,
                 use_resource: bool | None = None,
                 synchronization: int = VariableSynchronization.AUTO,
                 aggregation: int = VariableAggregation.NONE, shape: Any = None):
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_def(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"The `constraint` argument must be a callable, got "
                             f"{constraint!r}.")
        trainable = True if trainable is None else bool(trainable)
        cols = _check_collections(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in cols:
            cols.append(GraphKeys.TRAINABLE_VARIABLES)
        dt = None if dtype is None else _dt.as_dtype(dtype)
        self._trainable = trainable
        self._constraint = constraint
        self._synchronization = synchronization
        self._aggregation = aggregation
        self._caching_device = caching_device
        graph = get_default_graph()
        with graph.control_dependencies(None), graph.name_scope(name or "Variable") as scope:
            # Placement as TF: a callable initializer runs colocated (``_class``) with the
            # variable and outside any device scope; assign and read ops are colocated
            # with the variable op, the read goes to ``caching_device`` when given.
            if callable(initial_value):
                with graph.attr_scope({"_class": [f"loc:@{scope[:-1]}".encode()]}):
                    with graph.name_scope("Initializer"), graph.device(None):
                        init = conversion.convert_to_tensor(
                            initial_value(), dtype=dt, name="initial_value")
                    static = self._static_shape(init, shape, validate_shape, scope[:-1])
                    self._variable = state_ops.variable_op_v2(static, init.dtype, name=scope)
            else:
                init = conversion.convert_to_tensor(initial_value, dtype=dt,
                                                    name="initial_value")
                static = self._static_shape(init, shape, validate_shape, scope[:-1])
                self._variable = state_ops.variable_op_v2(static, init.dtype, name=scope)
            self._initial_value = init
            with graph.colocate_with(self._variable.op):
                self._initializer_op = state_ops.assign(
                    self._variable, init, validate_shape=validate_shape, name="Assign").op
            with (graph.device(caching_device) if caching_device is not None
                  else graph.colocate_with(self._variable.op)):
                self._snapshot = array_ops.identity(self._variable, name="read")
        graph.add_to_collections(cols, self)

    def _init_from_def(self, variable_def: Any, import_scope: str | None) -> None:
        """Wraps the ops a ``VariableDef`` names (already in the default graph)."""
        graph = get_default_graph()

        def find(name: str) -> Any:
            if not name:
                return None
            full = f"{import_scope}/{name}" if import_scope else name
            try:
                return graph.as_graph_element(full)
            except (KeyError, ValueError) as e:
                raise ValueError(f"Variable(variable_def=...): {full!r} is not in the "
                                 f"graph ({e}).") from None

        self._variable = find(variable_def.variable_name)
        if not isinstance(self._variable, Tensor) or self._variable.op.type != "VariableV2":
            raise ValueError(f"Variable(variable_def=...): {variable_def.variable_name!r} is "
                             "not the output of a VariableV2 op.")
        self._initializer_op = find(variable_def.initializer_name)
        self._snapshot = find(variable_def.snapshot_name)
        self._initial_value = find(getattr(variable_def, "initial_value_name", ""))
        self._trainable = bool(getattr(variable_def, "trainable", True))
        self._constraint = None
        self._synchronization = VariableSynchronization.AUTO
        self._aggregation = VariableAggregation.NONE
        self._caching_device = None
        info = getattr(variable_def, "save_slice_info_def", None)
        if info is not None and info.full_name:
            full = f"{import_scope}/{info.full_name}" if import_scope else info.full_name
            self._save_slice_info = SaveSliceInfo(full, info.full_shape, info.var_offset,
                                                  info.var_shape)

    def _set_save_slice_info(self, info: SaveSliceInfo) -> None:
        """Marks this variable as a shard of ``info.full_name`` (see the Saver)."""
        self._save_slice_info = info

    def _get_save_slice_info(self) -> SaveSliceInfo | None:
        return self._save_slice_info

    def to_proto(self, export_scope: str | None = None) -> Any:
        """This variable as a ``VariableDef`` proto (names relative to ``export_scope``)."""
        from trainkit.framework.meta_graph_proto import protos

        def rel(name: str) -> str:
            if export_scope and name.startswith(export_scope + "/"):
                return name[len(export_scope) + 1:]
            return name

        pb = protos()
        info = self._save_slice_info
        return pb.VariableDef(
            variable_name=rel(self._variable.name),
            initializer_name=rel(self._initializer_op.name),
            snapshot_name=rel(self._snapshot.name),
            initial_value_name=rel(self._initial_value.name) if self._initial_value is not None
            else "", trainable=self._trainable,
            save_slice_info_def=None if info is None else pb.SaveSliceInfoDef(
                full_name=rel(info.full_name), full_shape=info.full_shape,
                var_offset=info.var_offset, var_shape=info.var_shape))

    @staticmethod
    def from_proto(variable_def: Any, import_scope: str | None = None) -> Variable:
        """The :class:`Variable` of a ``VariableDef`` whose ops are in the default graph."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    @staticmethod
    def _static_shape(init: Tensor, shape: Any, validate_shape: bool, name: str
                      ) -> TensorShape:
        if shape is not None:
            s = as_shape(shape)
            if not s.is_compatible_with(init.shape):
                raise ValueError(f"Variable '{name}': shape {s} is incompatible with the "
                                 f"initial value's shape {init.shape}.")
            return s if validate_shape else TensorShape(None)
        if not validate_shape:
            return TensorShape(None)
        if not init.shape.is_fully_defined():
            raise ValueError(f"initial_value must have a shape specified: {init!r} "
                             f"(variable '{name}'); pass validate_shape=False or shape=.")
        return init.shape

    # -- identity --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """``'<op name>:0'``."""
        return self._variable.name

    @property
    def op(self) -> Operation:
        """The ``VariableV2`` op."""
        return self._variable.op

    @property
    def dtype(self) -> _dt.DType:
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.get_shape()

    @property
    def graph(self) -> Graph:
        return self._variable.graph

    @property
    def device(self) -> str:
        """The device recorded on the ``VariableV2`` op (see ``tk.device``)."""
        return self._variable.device

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Callable | None:
        return self._constraint

    @property
    def synchronization(self) -> int:
        return self._synchronization

    @property
    def aggregation(self) -> int:
        return self._aggregation

    @property
    def initializer(self) -> Operation:
        """The op that assigns the initial value."""
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def _ref(self) -> Tensor:
        """The ``VariableV2`` output (what assign ops take as input 0)."""
        return self._variable

    def _as_graph_element(self) -> Tensor:
        return self._snapshot

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __repr__(self) -> str:
        return (f"<tk.Variable '{self.name}' shape={self.shape} "
                f"dtype={self.dtype.name}_ref>")

    # -- reading --------------------------------------------------------------------------
    def value(self) -> Tensor:
        """The ``<name>/read`` tensor."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new ``Identity`` reading the variable (named ``read`` in the current scope)."""
        return array_ops.identity(self._variable, name="read")

    def initialized_value(self) -> Tensor:
        """The value, after initializing the variable if needed: use it to initialize
        another variable from this one."""
        with self.graph.control_dependencies(None):
            return control_flow_ops.cond(self.is_initialized(), self.read_value,
                                         lambda: self._initial_value)

    def is_initialized(self, name: str | None = None) -> Tensor:
        return state_ops.is_variable_initialized(self, name=name)

    def eval(self, session: Any = None) -> Any:
        """The value in ``session`` (default: the default session)."""
        return self._snapshot.eval(session=session)

    # -- writing ---------------------------------------------------------------------------
    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Tensor | Operation:
        """Assigns ``value``; returns the new value (or the op when ``read_value`` is False)."""
        t = state_ops.assign(self, value, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_add(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Tensor | Operation:
        """Adds ``delta`` in place."""
        t = state_ops.assign_add(self, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_sub(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Tensor | Operation:
        """Subtracts ``delta`` in place."""
        t = state_ops.assign_sub(self, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def load(self, value: Any, session: Any = None) -> None:
        """Writes ``value`` into the variable in ``session`` without adding ops (feeds the
        initializer's value).

        Raises:
            ValueError: if there is no session, or the value's shape does not fit.
        """
        if session is None:
            from trainkit.framework import default_session

            session = default_session.get_default_session()
            if session is None:
                raise ValueError("Either session argument should be provided or default "
                                 "session should be established")
        session.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape of the variable and its read tensor."""
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def count_up_to(self, limit: int) -> Tensor:
        """Increments this integer variable until ``limit`` (see ``state_ops.count_up_to``)."""
        return state_ops.count_up_to(self, limit)

    def __iter__(self) -> Any:
        raise TypeError("'Variable' object is not iterable.")

    def __bool__(self) -> bool:
        raise TypeError("Using a tk.Variable as a Python `bool` is not allowed.")


def _delegate(name: str) -> Callable:
    def method(self: Variable, *args: Any) -> Any:
        return getattr(self._snapshot, name)(*args)
    method.__name__ = name
    return method


for _m in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
           "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
           "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__lt__", "__le__",
           "__gt__", "__ge__", "__and__", "__rand__", "__or__", "__ror__", "__xor__",
           "__rxor__", "__neg__", "__abs__", "__invert__", "__getitem__"):
    setattr(Variable, _m, _delegate(_m))


def _to_tensor(value: Variable, dtype: Any = None, name: str | None = None,
               as_ref: bool = False) -> Tensor:
    t = value._variable if as_ref else value._snapshot
    if dtype is not None and _dt.as_dtype(dtype) is not t.dtype:
        raise ValueError(f"Incompatible type conversion requested to type "
                         f"'{_dt.as_dtype(dtype).name}' for variable of type "
                         f"'{t.dtype.name}' ({value.op.name}).")
    return t


conversion.register_tensor_conversion_function(Variable, _to_tensor)

VariableV1 = Variable
RefVariable = Variable

def replace_initial_value(var: Variable, value: Tensor) -> None:
    """Makes ``value`` the initial value of ``var``: its ``initializer`` becomes an
    ``Assign`` of ``value`` (what ``tf.train.init_from_checkpoint`` does)."""
    graph = var._variable.graph
    with graph.control_dependencies(None), graph.name_scope(var._variable.op.name + "/"):
        var._initial_value = value
        var._initializer_op = state_ops.assign(var._variable, value,
                                               name="checkpoint_initializer").op


__all__ = ["SaveSliceInfo", "Variable", "VariableV1", "RefVariable", "VariableSynchronization",
           "VariableAggregation", "replace_initial_value"]
