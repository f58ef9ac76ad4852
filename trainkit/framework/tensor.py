"""``Operation`` (a node) and ``Tensor`` (one output of a node) — symbolic handles.

Python operators on tensors (``+ - * / // % ** @``, unary ``-``, ``abs``, ``< <= > >=``,
``& | ^ ~`` and ``[]``) dispatch through a small table the op library fills at import
(:func:`register_operator`), so this module does not import any op.

Example:
    >>> import trainkit as tk
    >>> x = tk.constant([1.0, 2.0])
    >>> y = x * 2 + 1
    >>> y.op.type, y.shape.as_list()
    ('AddV2', [2])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import default_session
from trainkit.framework.dtypes import DType
from trainkit.framework.shapes import TensorShape, as_shape, v1_shape

# A graph is a ``trainkit.framework.graph.Graph``, which imports this module.
_Graph = Any

_OPERATORS: dict[str, Callable[..., Any]] = {}


def register_operator(name: str, fn: Callable[..., Any]) -> None:
    """Registers the function behind a tensor operator (``"add"``, ``"getitem"``, ...)."""
    _OPERATORS[name] = fn


def _operator(name: str) -> Callable[..., Any]:
    try:
        return _OPERATORS[name]
    except KeyError:
        raise NotImplementedError(
            f"Tensor operator '{name}' is unavailable: import trainkit first.") from None


def _binary(name: str, reverse: bool = False) -> Callable[[Tensor, Any], Tensor]:
    if reverse:
        def method(self: Tensor, other: Any) -> Tensor:
            return _operator(name)(other, self)
    else:
        def method(self: Tensor, other: Any) -> Tensor:
            return _operator(name)(self, other)
    method.__name__ = f"__{'r' if reverse else ''}{name}__"
    return method


def _session_for_eval(session: Any, what: str) -> Any:
    if session is None:
        session = default_session.get_default_session()
        if session is None:
            raise ValueError(
                f"Cannot evaluate {what} using {'eval' if what == 'tensor' else 'run'}(): "
                "No default session is registered. Use `with sess.as_default()` or pass an "
                "explicit session to eval(session=sess)")
    return session


class Operation:
    """A node of a :class:`Graph`: an op type, inputs, attributes and outputs."""

    __slots__ = ("_graph", "_name", "_type", "_inputs", "_outputs", "_control_inputs",
                 "_attrs", "_id", "_grad_type", "_cond_gates", "_device", "__weakref__")

    def __init__(self, graph: _Graph, name: str, op_type: str, inputs: tuple,
                 control_inputs: list, attrs: dict, op_id: int):
        self._graph = graph
        self._name = name
        self._type = op_type
        self._inputs = inputs
        self._outputs: tuple[Tensor, ...] = ()
        self._control_inputs = control_inputs
        self._attrs = attrs
        self._id = op_id
        self._grad_type: str | None = None
        # (pred, branch) pairs: the op runs only when bool(pred) == branch for all of them.
        self._cond_gates: tuple = ()
        self._device = ""

    @property
    def name(self) -> str:
        """The unique, scoped op name, e.g. ``'dense/MatMul'``."""
        return self._name

    @property
    def type(self) -> str:
        """The op type, e.g. ``'MatMul'``."""
        return self._type

    @property
    def graph(self) -> _Graph:
        return self._graph

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        """The input tensors."""
        return self._inputs

    @property
    def outputs(self) -> tuple[Tensor, ...]:
        """The output tensors."""
        return self._outputs

    def values(self) -> tuple[Tensor, ...]:
        return self._outputs

    @property
    def control_inputs(self) -> list[Operation]:
        """Ops that must run before this one."""
        return list(self._control_inputs)

    @property
    def attrs(self) -> dict:
        """The attribute dict (treat as read-only)."""
        return self._attrs

    @property
    def creation_index(self) -> int:
        """The op's position in its graph's creation order, a topological order (a
        trainkit extension; TF keeps it private as ``_id``)."""
        return self._id

    @property
    def cond_gates(self) -> tuple:
        """``(pred_tensor, branch)`` pairs of the ``cond`` branches this op was built in:
        it runs only when ``bool(pred) == branch`` for each (a trainkit extension)."""
        return self._cond_gates

    @property
    def gradient_override_type(self) -> str | None:
        """The op type whose gradient rule applies to this op, set by
        ``Graph.gradient_override_map``; None means the op's own type."""
        return self._grad_type

    @property
    def device(self) -> str:
        """The device name TF1 would record for this op (``''`` when none was asked for),
        e.g. ``'/job:ps/task:0'``. trainkit runs every op on the CPU whatever it says."""
        return self._device

    def set_device(self, device: Any) -> None:
        """Sets the recorded device, a string or ``DeviceSpec`` (a trainkit extension:
        TF's private ``_set_device``, which some TF1 programs call, is an alias)."""
        self._device = device if isinstance(device, str) else device.to_string()
        self._graph._note_edit()

    _set_device = set_device
    _set_device_from_string = set_device

    def colocation_groups(self) -> list[bytes]:
        """The colocation groups of this op: the ``loc:@name`` entries of its ``_class``
        attribute, else ``[b"loc:@<its own name>"]``."""
        groups = [g for g in (c if isinstance(c, bytes) else str(c).encode()
                              for c in self._attrs.get("_class", ())) if g.startswith(b"loc:@")]
        return groups or [f"loc:@{self._name}".encode()]

    def get_attr(self, name: str) -> Any:
        """The value of attribute ``name``.

        Raises:
            ValueError: if the op has no such attribute.
        """
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.") from None

    @property
    def node_def(self) -> Any:
        """This op as a ``NodeDef`` protocol buffer."""
        return self._graph._node_def_of(self)

    def _add_control_input(self, op: Operation) -> None:
        if op not in self._control_inputs:
            self._control_inputs.append(op)
            self._graph._invalidate_plans()

    def run(self, feed_dict: dict | None = None, session: Any = None) -> None:
        """Runs this op in ``session`` (default: the default session).

        Raises:
            ValueError: if there is no session to run it in.
        """
        _session_for_eval(session, "operation").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tk.Operation '{self._name}' type={self._type}>"

    def __str__(self) -> str:
        return f'name: "{self._name}"\nop: "{self._type}"\n' + "".join(
            f'input: "{t.op.name}{"" if t.value_index == 0 else ":" + str(t.value_index)}"\n'
            for t in self._inputs)


class Tensor:
    """A symbolic handle to one output of an :class:`Operation`."""

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_consumers", "__weakref__")
    __array_priority__ = 100

    def __init__(self, op: Operation, value_index: int, dtype: DType, shape: TensorShape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers: list[Operation] = []

    @property
    def op(self) -> Operation:
        return self._op

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def graph(self) -> _Graph:
        return self._op._graph

    @property
    def name(self) -> str:
        """``'<op name>:<output index>'``."""
        return f"{self._op._name}:{self._value_index}"

    @property
    def device(self) -> str:
        """The device of the op that produces this tensor."""
        return self._op._device

    @property
    def shape(self) -> TensorShape:
        """The static shape (dimensions may be None)."""
        return self._shape

    def get_shape(self) -> TensorShape:
        """The static shape, TF1 view: ``get_shape()[i].value`` is None when unknown."""
        return v1_shape(self._shape)

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape.

        Raises:
            ValueError: if ``shape`` is incompatible with the current shape.
        """
        new = self._shape.merge_with(as_shape(shape))
        if new != self._shape:
            self._shape = new
            self.graph._invalidate_plans()

    def consumers(self) -> list[Operation]:
        """Ops that take this tensor as an input."""
        return list(self._consumers)

    def eval(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """Computes this tensor in ``session`` (default: the default session).

        Raises:
            ValueError: if there is no session to evaluate it in.
        """
        return _session_for_eval(session, "tensor").run(self, feed_dict)

    def __str__(self) -> str:
        # TF1's graph-mode form: the shape only when the rank is known, the device if set.
        shape = f", shape={self._shape}" if self._shape.ndims is not None else ""
        device = f", device={self.device}" if self.device else ""
        return f'Tensor("{self.name}"{shape}, dtype={self._dtype.name}{device})'

    def __repr__(self) -> str:
        return f"<tk.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    # Identity hashing in C (object's own): tensors key the session's and the hooks' dicts
    # on every step, and a Python-level __hash__ cost ~0.3 us per lookup.
    __hash__ = object.__hash__

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a tk.Tensor as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` or run the tensor in a session to use its value.")

    def __iter__(self) -> Any:
        raise TypeError("Tensor objects are only iterable when their value is known: run "
                        "the tensor in a session, or use tk.unstack.")

    def __len__(self) -> int:
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}). "
                        "Use tk.shape or x.shape instead.")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise NotImplementedError(
            f"Cannot convert a symbolic Tensor ({self.name}) to a numpy array; run it in a "
            "session instead.")

    __add__ = _binary("add")
    __radd__ = _binary("add", reverse=True)
    __sub__ = _binary("sub")
    __rsub__ = _binary("sub", reverse=True)
    __mul__ = _binary("mul")
    __rmul__ = _binary("mul", reverse=True)
    __truediv__ = _binary("truediv")
    __rtruediv__ = _binary("truediv", reverse=True)
    __floordiv__ = _binary("floordiv")
    __rfloordiv__ = _binary("floordiv", reverse=True)
    __mod__ = _binary("mod")
    __rmod__ = _binary("mod", reverse=True)
    __pow__ = _binary("pow")
    __rpow__ = _binary("pow", reverse=True)
    __matmul__ = _binary("matmul")
    __rmatmul__ = _binary("matmul", reverse=True)
    __lt__ = _binary("lt")
    __le__ = _binary("le")
    __gt__ = _binary("gt")
    __ge__ = _binary("ge")
    __and__ = _binary("and")
    __rand__ = _binary("and", reverse=True)
    __or__ = _binary("or")
    __ror__ = _binary("or", reverse=True)
    __xor__ = _binary("xor")
    __rxor__ = _binary("xor", reverse=True)

    def __neg__(self) -> Tensor:
        return _operator("neg")(self)

    def __abs__(self) -> Tensor:
        return _operator("abs")(self)

    def __invert__(self) -> Tensor:
        return _operator("invert")(self)

    def __getitem__(self, key: Any) -> Tensor:
        return _operator("getitem")(self, key)


__all__ = ["Operation", "Tensor", "register_operator"]
