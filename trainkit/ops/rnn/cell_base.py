"""``RNNCell``: the TF1 recurrent-cell contract and its variable scoping.

A cell maps ``(inputs, state)`` to ``(output, new_state)``. Its variables live under the
scope it captured on its first call, exactly as TF1's layer-based cells do:

* called with ``scope=``: that scope (``myscope/kernel``);
* otherwise a unique sub-scope of the current variable scope named after the class
  (``rnn/basic_lstm_cell``, a second cell gets ``basic_lstm_cell_1``) or after ``name``.

Later calls re-enter the captured scope with ``reuse=True``, so one cell object shares
its weights across time steps and across ``static_rnn`` calls.

Example:
    >>> cell = tk.nn.rnn_cell.BasicLSTMCell(8)
    >>> state = cell.zero_state(4, tk.float32)
    >>> out, state = cell(x, state)            # variables basic_lstm_cell/kernel, /bias
"""

from __future__ import annotations

import collections
import numbers
import re
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops
from trainkit.ops import variable_scope as vs


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The state of an LSTM: ``(c, h)``, the cell state and the output (TF1's tuple)."""

    __slots__ = ()

    @property
    def dtype(self) -> Any:
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class RNNCell:
    """Base class of the recurrent cells (``tf.compat.v1.nn.rnn_cell.RNNCell``).

    Subclasses define ``state_size``, ``output_size``, ``build(inputs_shape)`` (create
    variables with :meth:`add_variable`) and ``call(inputs, state)``.

    Args:
        trainable: whether the cell's variables are trainable.
        name: the base name of the cell's variable scope (default: the class name in
            snake case, e.g. ``basic_lstm_cell``).
        dtype: the variables' dtype (default: the inputs').
        _reuse: TF1's ``reuse`` argument: share the variables of an existing scope.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 _reuse: Any = None, **kwargs: Any):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        self._trainable = trainable
        self._base_name = name or _snake(type(self).__name__)
        self._dtype = None if dtype is None else _dt.as_dtype(dtype)
        self._reuse = _reuse
        self._scope: vs.VariableScope | None = None
        self._name_scope_str: str | None = None
        self._variables: list = []
        self.built = False

    # -- the contract ---------------------------------------------------------------------
    @property
    def state_size(self) -> Any:
        """An int, a TensorShape or a nested structure of them (one per state tensor)."""
        raise NotImplementedError(f"{type(self).__name__} must define state_size.")

    @property
    def output_size(self) -> Any:
        """The size of the cell's output (an int or TensorShape)."""
        raise NotImplementedError(f"{type(self).__name__} must define output_size.")

    def build(self, inputs_shape: TensorShape) -> None:
        """Creates the cell's variables (called once, inside the cell's scope)."""
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, state).")

    @property
    def name(self) -> str:
        return self._scope.name if self._scope is not None else self._base_name

    @property
    def scope_name(self) -> str | None:
        return None if self._scope is None else self._scope.name

    @property
    def trainable_variables(self) -> list:
        return [v for v in self._variables if v.trainable]

    @property
    def variables(self) -> list:
        return list(self._variables)

    weights = variables
    trainable_weights = trainable_variables

    def add_variable(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None,
                     trainable: bool | None = None, **kwargs: Any) -> Any:
        """``get_variable`` in the cell's scope (TF1 ``Layer.add_variable``)."""
        v = vs.get_variable(name, shape, dtype=dtype or self._dtype, initializer=initializer,
                            trainable=self._trainable if trainable is None else trainable,
                            **kwargs)
        if v not in self._variables:
            self._variables.append(v)
        return v

    add_weight = add_variable

    # -- calling --------------------------------------------------------------------------
    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """Runs the cell on one time step: ``(output, new_state)``.

        Raises:
            TypeError: if ``scope`` is neither a string nor a VariableScope.
            ValueError: if the input depth is unknown when the cell builds its variables.
        """
        def run() -> tuple[Any, Any]:
            x = nest.map_structure(conversion.convert_to_tensor, inputs)
            self._build_for(x, nest.map_structure(lambda t: t.shape, x))
            return self.call(x, state)
        return self._scoped(scope, run)

    def fuses_sequences(self) -> bool:
        """Whether :meth:`call_sequence` runs a whole sequence as one op (``static_rnn``
        and ``dynamic_rnn`` then use it)."""
        return False

    def call_sequence(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        """Runs the cell over the time-major ``inputs [T, B, D]`` in one op:
        ``(outputs [T, B, ...], final_state)``, with the variables and scopes ``T``
        calls would use; with ``sequence_length`` (int32 ``[B]``) a row past its length
        gets zero outputs and keeps its state. Only for cells whose
        :meth:`fuses_sequences` is True."""
        def run() -> tuple[Any, Any]:
            x = conversion.convert_to_tensor(inputs)
            self._build_for(x, x.shape[1:])
            return self.sequence_call(x, state, sequence_length)
        return self._scoped(None, run)

    def sequence_call(self, inputs: Tensor, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        """The fused sequence (see :meth:`call_sequence`); cells that fuse define it."""
        raise NotImplementedError(f"{type(self).__name__} does not fuse sequences.")

    def _scoped(self, scope: Any, run: Any) -> Any:
        """``run()`` in the cell's variable scope: captured on the first call (the
        ``scope`` argument, or a unique scope named after the cell), re-entered with
        ``reuse=True`` afterwards."""
        graph = get_default_graph()
        if self._scope is None:
            if scope is not None and not isinstance(scope, str | vs.VariableScope):
                raise TypeError(f"{type(self).__name__}: scope must be a string or "
                                f"VariableScope, got {scope!r}.")
            if scope is not None:
                ctx = vs.variable_scope(scope, reuse=self._reuse)
            elif self._reuse:
                ctx = vs.variable_scope(self._base_name, reuse=self._reuse)
            else:
                ctx = vs.variable_scope(None, default_name=self._base_name)
            with ctx as captured:
                self._scope = captured
                self._name_scope_str = graph.get_name_scope()
                return run()
        with vs.variable_scope(self._scope, reuse=True, auxiliary_name_scope=False), \
                graph.name_scope(self._name_scope_str + "/" if self._name_scope_str
                                 else None):
            return run()

    def _build_for(self, inputs: Any, shapes: Any) -> None:
        if self._dtype is None:
            self._dtype = nest.flatten(inputs)[0].dtype.base_dtype
        if not self.built:
            self.build(shapes)
            self.built = True

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """Zero-filled state tensors ``[batch_size, size]`` shaped like ``state_size``."""
        dt = _dt.as_dtype(dtype)
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return nest.map_structure(lambda s: zeros_for_size(batch_size, s, dt), self.state_size)

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None,
                          dtype: Any = None) -> Any:
        """``zero_state`` with the batch size and dtype taken from ``inputs`` if given."""
        if inputs is not None:
            x = conversion.convert_to_tensor(inputs)
            dtype = dtype or x.dtype
            b = x.shape[0] if x.shape.ndims else None
            batch_size = b if b is not None else array_ops.shape(x)[0]
        if batch_size is None or dtype is None:
            raise ValueError("get_initial_state: give inputs, or batch_size and dtype.")
        return self.zero_state(batch_size, dtype)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def zeros_for_size(batch_size: Any, size: Any, dtype: _dt.DType) -> Tensor:
    """Zeros ``[batch_size] + size`` (``batch_size`` an int or a scalar tensor)."""
    dims = TensorShape(size).as_list() if not isinstance(size, numbers.Integral) \
        else [int(size)]
    if isinstance(batch_size, numbers.Integral):
        return array_ops.zeros([int(batch_size)] + dims, dtype=dtype)
    b = conversion.convert_to_tensor(batch_size, dtype=_dt.int32)
    shape = array_ops.concat([array_ops.reshape(b, [1]), dims], 0)
    z = array_ops.zeros(shape, dtype=dtype)
    z.set_shape([None] + dims)
    return z


def check_units(value: Any, what: str, cell: str) -> int:
    """A positive int argument (``num_units``, ``num_proj``) or a clear ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{cell}: {what} must be a positive integer, got {value!r}.")
    return int(value)


def input_depth(inputs_shape: Any, cell: str) -> int:
    """The static last dimension of a cell's input, or the TF1 ValueError."""
    shape = TensorShape(inputs_shape)
    if shape.ndims is None or shape.ndims < 1 or shape[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {shape} "
                         f"(cell {cell}).")
    return int(shape[-1])


def is_cell(obj: Any) -> bool:
    """Duck-typed check that ``obj`` can be used as an RNN cell (as TF1 does)."""
    return (hasattr(obj, "output_size") and hasattr(obj, "state_size")
            and hasattr(obj, "zero_state") and callable(obj))


def check_cell(cell: Any, who: str) -> None:
    """Refuses a non-cell where a wrapper or an rnn function needs one.

    Raises:
        TypeError: if ``cell`` is not an RNN cell.
    """
    if not is_cell(cell):
        raise TypeError(f"{who}: the cell passed is not an RNNCell (TF1: 'The parameter "
                        f"cell is not a RNNCell'): {cell!r}.")


def assert_like_rnncell(name: str, cell: Any) -> None:
    """TF1's duck-typed cell check of the rnn functions (``dynamic_rnn``, ``raw_rnn``):
    the sizes, ``zero_state`` and a call.

    Raises:
        TypeError: naming the argument and what the object lacks.
    """
    for attr in ("output_size", "state_size", "zero_state"):
        if not hasattr(cell, attr):
            raise TypeError(f"The argument {name!r} ({cell!r}) is not an RNNCell: "
                            f"'{attr}' property is missing.")
    if not callable(cell):
        raise TypeError(f"The argument {name!r} ({cell!r}) is not an RNNCell: it is not "
                        "callable.")


class CellWrapper(RNNCell):
    """A cell around ``cell``: its sizes are the wrapped cell's, and its variables are its
    own (if any) followed by the wrapped cell's."""

    def __init__(self, cell: Any, who: str, reuse: Any = None):
        super().__init__(_reuse=reuse)
        check_cell(cell, who)
        self._cell = cell

    @property
    def wrapped_cell(self) -> Any:
        return self._cell

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    @property
    def output_size(self) -> Any:
        return self._cell.output_size

    @property
    def variables(self) -> list:
        return list(self._variables) + list(getattr(self._cell, "variables", []))

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    weights = variables
    trainable_weights = trainable_variables


__all__ = ["RNNCell", "CellWrapper", "LSTMStateTuple", "assert_like_rnncell", "check_cell",
           "check_units", "input_depth", "is_cell", "zeros_for_size"]
