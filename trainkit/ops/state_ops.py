"""Variable state: the ``VariableV2`` op, assignments, initialization checks, the variable
collections and the initializer ops.

A variable's value is a NumPy buffer in the running session,
``session._state.variables[<variable op name>]`` — the single source of truth that the
``VariableV2`` kernel returns, the assign kernels update in place, and savers read and
write directly. An uninitialized variable has no entry there.

Reading an uninitialized variable raises ``FailedPreconditionError("Attempting to use
uninitialized value <name>")``. Because ops that write a variable (``Assign``) or inspect it
(``IsVariableInitialized``) also take the variable as input 0, the ``VariableV2`` kernel
does not raise itself: it returns an :class:`UninitializedValue` placeholder, and the error
is raised by whatever first tries to use that placeholder as an array (a fetch, an
arithmetic kernel, ...), naming the variable.

Example:
    >>> import trainkit as tk
    >>> v = tk.Variable([1.0, 2.0], name="v")
    >>> inc = tk.assign_add(v, [1.0, 1.0])
    >>> with tk.Session() as sess:
    ...     _ = sess.run(tk.global_variables_initializer())
    ...     sess.run(inc)
    array([2., 3.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import GraphKeys, get_collection, get_default_graph
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import control_flow_ops


class UninitializedValue:
    """What the ``VariableV2`` kernel yields for a variable without a value.

    Any attempt to use it as an array (``np.asarray``, a ufunc, an attribute such as
    ``.shape``, arithmetic) raises the ``FailedPreconditionError`` TF raises for reading an
    uninitialized variable, with ``e.op`` set to the variable op.
    """

    __slots__ = ("_op",)
    __array_priority__ = 1000

    def __init__(self, op: Operation):
        object.__setattr__(self, "_op", op)

    def error(self) -> errors.FailedPreconditionError:
        """The error for using this value."""
        op = object.__getattribute__(self, "_op")
        return errors.FailedPreconditionError(
            None, op, f"Attempting to use uninitialized value {op.name}\n\t [[{op.name}]]")

    def __getattr__(self, name: str) -> Any:
        raise self.error()

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    def __array_ufunc__(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    def __array_function__(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    def _fail(self, *args: Any) -> Any:
        raise self.error()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = _fail
    __matmul__ = __rmatmul__ = __mod__ = __rmod__ = __neg__ = __abs__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __getitem__ = __len__ = __iter__ = _fail
    __bool__ = __float__ = __int__ = __index__ = _fail

    def __repr__(self) -> str:
        return f"<uninitialized value of {object.__getattribute__(self, '_op').name}>"


def variable_op_v2(shape: Any, dtype: Any, name: str = "Variable", container: str = "",
                   shared_name: str = "") -> Tensor:
    """Creates a bare ``VariableV2`` op and returns its (reference) output.

    ``name`` follows ``Graph.create_op``: a name ending in ``/`` is used verbatim.
    """
    dt = _dt.as_dtype(dtype)
    shp = as_shape(shape)
    op = get_default_graph().create_op(
        "VariableV2", [], [dt], name=name,
        attrs={"dtype": dt, "shape": shp, "container": container,
               "shared_name": shared_name}, shapes=[shp])
    return op.outputs[0]


def _ref_of(ref: Any, what: str) -> Tensor:
    """The ``VariableV2`` output behind a Variable or reference tensor."""
    get_ref = getattr(ref, "_ref", None)
    if get_ref is not None and not isinstance(ref, Tensor):
        return get_ref()
    if isinstance(ref, Tensor) and ref.op.type == "VariableV2":
        return ref
    raise TypeError(f"{what} needs a Variable (or a VariableV2 output) as 'ref', got {ref!r}.")


def _check_value(ref: Tensor, value: Any, op_type: str, name: str) -> Tensor:
    try:
        v = conversion.convert_to_tensor(value, dtype=ref.dtype, name="value")
    except (TypeError, ValueError) as e:
        raise type(e)(f"{op_type} '{name}' to variable '{ref.op.name}' "
                      f"({ref.dtype.name}): {e}") from None
    return v


def assign(ref: Any, value: Any, validate_shape: bool | None = None,
           use_locking: bool | None = None, name: str | None = None) -> Tensor:
    """Writes ``value`` into the variable ``ref``; returns the variable's new value.

    The buffer is updated in place when the shapes match; with ``validate_shape=False``
    a value of another shape replaces the buffer (and the variable's shape).

    Raises:
        TypeError: if ``ref`` is not a variable or ``value`` does not fit its dtype.
        ValueError: if ``validate_shape`` and the static shapes differ.
    """
    r = _ref_of(ref, "assign")
    name = name or "Assign"
    v = _check_value(r, value, "Assign", name)
    validate = True if validate_shape is None else bool(validate_shape)
    if validate and not r.shape.is_compatible_with(v.shape):
        raise ValueError(f"Shapes {r.shape} and {v.shape} are incompatible: cannot assign a "
                         f"value of shape {v.shape} to variable '{r.op.name}' of shape "
                         f"{r.shape} (op '{name}'). Use validate_shape=False to change it.")
    shape = r.shape.merge_with(v.shape) if validate else v.shape
    op = r.graph.create_op("Assign", [r, v], [r.dtype], name=name,
                           attrs={"T": r.dtype, "validate_shape": validate,
                                  "use_locking": bool(use_locking)}, shapes=[shape])
    return op.outputs[0]


def _update(op_type: str, ref: Any, value: Any, use_locking: bool | None,
            name: str | None) -> Tensor:
    r = _ref_of(ref, op_type)
    name = name or op_type
    v = _check_value(r, value, op_type, name)
    if not r.shape.is_compatible_with(v.shape):
        raise ValueError(f"Shapes {r.shape} and {v.shape} are incompatible: {op_type} "
                         f"'{name}' needs a value of the shape of variable '{r.op.name}'.")
    op = r.graph.create_op(op_type, [r, v], [r.dtype], name=name,
                           attrs={"T": r.dtype, "use_locking": bool(use_locking)},
                           shapes=[r.shape])
    return op.outputs[0]


def assign_add(ref: Any, value: Any, use_locking: bool | None = None,
               name: str | None = None) -> Tensor:
    """Adds ``value`` to the variable in place; returns the new value.

    Raises:
        TypeError / ValueError: for a non-variable ``ref`` or a mismatched value.
    """
    return _update("AssignAdd", ref, value, use_locking, name)


def assign_sub(ref: Any, value: Any, use_locking: bool | None = None,
               name: str | None = None) -> Tensor:
    """Subtracts ``value`` from the variable in place; returns the new value.

    Raises:
        TypeError / ValueError: for a non-variable ``ref`` or a mismatched value.
    """
    return _update("AssignSub", ref, value, use_locking, name)


def count_up_to(ref: Any, limit: int, name: str | None = None) -> Tensor:
    """Increments the integer variable ``ref`` until it reaches ``limit``; returns the value
    before the increment. Running it when the variable is already ``>= limit`` raises
    ``OutOfRangeError`` ("Reached limit of ..."), as ``tf.count_up_to`` does.

    Raises:
        TypeError: ``ref`` is not an int32/int64 variable.
    """
    r = _ref_of(ref, "count_up_to")
    if r.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(f"count_up_to needs an int32 or int64 variable, got {r.dtype.name} "
                        f"('{r.op.name}').")
    return r.graph.create_op("CountUpTo", [r], [r.dtype], name=name or "CountUpTo",
                             attrs={"limit": int(limit), "T": r.dtype},
                             shapes=[r.shape]).outputs[0]


def is_variable_initialized(variable: Any, name: str | None = None) -> Tensor:
    """A scalar bool tensor: whether ``variable`` has a value in the running session."""
    r = _ref_of(variable, "is_variable_initialized")
    return r.graph.create_op("IsVariableInitialized", [r], [_dt.bool_],
                             name=name or "IsVariableInitialized",
                             attrs={"dtype": r.dtype}, shapes=[TensorShape([])]).outputs[0]


def report_uninitialized_variables(var_list: list | None = None,
                                   name: str = "report_uninitialized_variables") -> Tensor:
    """A 1-D string tensor with the names (bytes) of the uninitialized variables.

    Args:
        var_list: variables to check; default: all global and local variables.
    """
    if var_list is None:
        var_list = global_variables() + local_variables()
    var_list = list(var_list)
    if not var_list:
        return constant(np.zeros([0], dtype=object), dtype=_dt.string, name=name)
    refs = [_ref_of(v, "report_uninitialized_variables") for v in var_list]
    return refs[0].graph.create_op(
        "ReportUninitializedVariables", refs, [_dt.string], name=name,
        shapes=[TensorShape([None])]).outputs[0]


# -- collections and initializers ------------------------------------------------------
def global_variables(scope: str | None = None) -> list:
    """The variables in ``GraphKeys.GLOBAL_VARIABLES`` (optionally filtered by name)."""
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables() -> list:
    """Deprecated alias of :func:`global_variables`."""
    return global_variables()


def trainable_variables(scope: str | None = None) -> list:
    """The variables in ``GraphKeys.TRAINABLE_VARIABLES``."""
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list:
    """The variables in ``GraphKeys.LOCAL_VARIABLES``."""
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list:
    """The variables in ``GraphKeys.MODEL_VARIABLES``."""
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: str | None = None) -> list:
    """The variables in ``GraphKeys.MOVING_AVERAGE_VARIABLES``."""
    return get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list: list, name: str = "init") -> Operation:
    """An op running the initializers of ``var_list`` (a no-op when it is empty).

    Raises:
        TypeError: if an item is not a Variable.
    """
    inits = []
    for v in var_list:
        init = getattr(v, "initializer", None)
        if not isinstance(init, Operation):
            raise TypeError(f"variables_initializer: {v!r} is not a Variable.")
        inits.append(init)
    if not inits:
        return control_flow_ops.no_op(name=name)
    return control_flow_ops.group(*inits, name=name)


def global_variables_initializer() -> Operation:
    """An op initializing all global variables (named ``init``)."""
    return variables_initializer(global_variables())


def local_variables_initializer() -> Operation:
    """An op initializing all local variables (named ``init``)."""
    return variables_initializer(local_variables())


def tables_initializer(name: str = "init_all_tables") -> Operation:
    """An op running every initializer in ``GraphKeys.TABLE_INITIALIZERS`` (a no-op when
    there are none: trainkit's feature columns need no lookup tables)."""
    inits = get_collection(GraphKeys.TABLE_INITIALIZERS)
    if not inits:
        return control_flow_ops.no_op(name=name)
    return control_flow_ops.group(*inits, name=name)


initialize_all_tables = tables_initializer
initialize_all_variables = global_variables_initializer
initialize_local_variables = local_variables_initializer
initialize_variables = variables_initializer


# -- kernels -----------------------------------------------------------------------------
@registry.register_kernel("VariableV2", stateful=True, aliases_input=True)
def _variable_kernel(ctx: registry.KernelContext) -> Any:
    v = ctx.state.variables.get(ctx.key)
    return v if v is not None else UninitializedValue(ctx.op)


def _new_buffer(ctx: registry.KernelContext, value: Any) -> np.ndarray:
    dt = ctx.attrs["T"]
    ref_op = ctx.op.inputs[0].op
    buf = np.array(value, dtype=dt.np_dtype, copy=True)
    if ctx.attrs.get("validate_shape", True):
        static = ref_op.attrs["shape"]
        if not static.is_compatible_with(TensorShape(buf.shape)):
            raise errors.InvalidArgumentError(
                None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                            f"{static} rhs shape= {list(buf.shape)} (variable "
                            f"'{ref_op.name}')")
    with ctx.state.lock:
        ctx.state.variables[ref_op.name] = buf
    return buf


@registry.register_kernel("Assign", stateful=True, aliases_input=True)
def _assign_kernel(ctx: registry.KernelContext, ref: Any, value: Any) -> Any:
    if type(ref) is np.ndarray:
        if ref.shape == np.shape(value):
            np.copyto(ref, value)
            return ref
        if ctx.attrs["validate_shape"]:
            raise errors.InvalidArgumentError(
                None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                            f"{list(ref.shape)} rhs shape= {list(np.shape(value))}")
    return _new_buffer(ctx, value)


def _in_place(ctx: registry.KernelContext, ref: Any, value: Any, fn: Any) -> np.ndarray:
    if type(ref) is not np.ndarray:
        raise ref.error() if isinstance(ref, UninitializedValue) else TypeError(
            f"{ctx.op.type} needs a variable buffer, got {type(ref).__name__}")
    if ref.shape != np.shape(value):
        raise errors.InvalidArgumentError(
            None, None, f"Must have the same shape: variable '{ctx.op.inputs[0].op.name}' "
                        f"has shape {list(ref.shape)}, value has {list(np.shape(value))}")
    fn(ref, value, out=ref)
    return ref


@registry.register_kernel("AssignAdd", stateful=True, aliases_input=True)
def _assign_add_kernel(ctx: registry.KernelContext, ref: Any, value: Any) -> Any:
    return _in_place(ctx, ref, value, np.add)


@registry.register_kernel("AssignSub", stateful=True, aliases_input=True)
def _assign_sub_kernel(ctx: registry.KernelContext, ref: Any, value: Any) -> Any:
    return _in_place(ctx, ref, value, np.subtract)


@registry.register_kernel("CountUpTo", stateful=True)
def _count_up_to_kernel(ctx: registry.KernelContext, ref: Any) -> Any:
    if type(ref) is not np.ndarray:
        raise ref.error() if isinstance(ref, UninitializedValue) else TypeError(
            f"CountUpTo needs a variable buffer, got {type(ref).__name__}")
    with ctx.state.lock:
        before = ref.copy()
        if before >= ctx.attrs["limit"]:
            raise errors.OutOfRangeError(None, None, f"Reached limit of {ctx.attrs['limit']}")
        ref += 1
    return before


@registry.register_kernel("IsVariableInitialized", stateful=True)
def _is_initialized_kernel(ctx: registry.KernelContext, ref: Any) -> Any:
    return np.bool_(type(ref) is np.ndarray)


@registry.register_kernel("ReportUninitializedVariables", stateful=True)
def _report_kernel(ctx: registry.KernelContext, *refs: Any) -> np.ndarray:
    names = [t.op.name.encode("utf-8") for t, r in zip(ctx.op.inputs, refs)
             if type(r) is not np.ndarray]
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out


registry.not_differentiable("CountUpTo")
registry.not_differentiable("VariableV2", "Assign", "AssignAdd", "AssignSub",
                            "IsVariableInitialized", "ReportUninitializedVariables")

__all__ = [
    "UninitializedValue", "variable_op_v2", "assign", "assign_add", "assign_sub",
    "is_variable_initialized", "report_uninitialized_variables", "global_variables",
    "count_up_to",
    "all_variables", "trainable_variables", "local_variables", "model_variables",
    "moving_average_variables", "variables_initializer", "global_variables_initializer",
    "local_variables_initializer", "initialize_all_variables",
    "initialize_local_variables", "initialize_variables", "tables_initializer",
    "initialize_all_tables",
]
