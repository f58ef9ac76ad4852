"""Cells built from cells: ``MultiRNNCell`` (stacked layers), ``DropoutWrapper``,
``ResidualWrapper`` and ``DeviceWrapper``, with TF1's scoping: a stack puts layer ``k``
under ``multi_rnn_cell/cell_k/``; wrappers add no scope of their own.

Example:
    >>> cell = MultiRNNCell([DropoutWrapper(BasicLSTMCell(32), output_keep_prob=0.8)
    ...                      for _ in range(2)])
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.ops import array_ops, math_ops, nn_ops, random_ops, unary_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.rnn.cell_base import CellWrapper, LSTMStateTuple, RNNCell, check_cell


def _state_width(size: Any) -> int:
    if isinstance(size, numbers.Integral):
        return int(size)
    return int(TensorShape(size).num_elements())


class MultiRNNCell(RNNCell):
    """A stack of cells: the output of layer ``k`` is the input of layer ``k + 1``.

    Args:
        cells: a non-empty list of cells.
        state_is_tuple: the state is a tuple with one entry per layer (default), else
            the layers' states concatenated along axis 1.

    Raises:
        TypeError: if ``cells`` is not a list/tuple of cells.
        ValueError: if ``cells`` is empty, or ``state_is_tuple=False`` with a layer whose
            state is a tuple.
    """

    def __init__(self, cells: Any, state_is_tuple: bool = True):
        super().__init__()
        if not isinstance(cells, list | tuple):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells!r}.")
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        for c in cells:
            check_cell(c, "MultiRNNCell")
        self._cells = list(cells)
        self._state_is_tuple = bool(state_is_tuple)
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in cells):
            raise ValueError(f"Some cells return tuples of states, but the flag "
                             f"state_is_tuple is not set. State sizes are: "
                             f"{[c.state_size for c in cells]}")

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(_state_width(c.state_size) for c in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        if self._state_is_tuple:
            with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
                return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
        return super().zero_state(batch_size, dtype)

    @property
    def variables(self) -> list:
        return [v for c in self._cells for v in c.variables]

    @property
    def trainable_variables(self) -> list:
        return [v for c in self._cells for v in c.trainable_variables]

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        cur = inputs
        new_states = []
        pos = 0
        if self._state_is_tuple and (not nest.is_nested(state)
                                     or len(state) != len(self._cells)):
            raise ValueError(f"Expected state to be a tuple of length {len(self._cells)}, "
                             f"but received: {state!r}")
        for k, cell in enumerate(self._cells):
            with vs.variable_scope(f"cell_{k}"):
                if self._state_is_tuple:
                    cur_state = state[k]
                else:
                    w = _state_width(cell.state_size)
                    cur_state = array_ops.slice(state, [0, pos], [-1, w])
                    pos += w
                cur, new = cell(cur, cur_state)
                new_states.append(new)
        if self._state_is_tuple:
            return cur, tuple(new_states)
        return cur, array_ops.concat(new_states, 1)

    def fuses_sequences(self) -> bool:
        """True when every layer fuses sequences (and the state is a tuple): a whole
        sequence is then one op per layer, layer after layer (the same values as step
        by step: layer ``k`` only reads layer ``k - 1``'s outputs)."""
        return (self._state_is_tuple and type(self).call is MultiRNNCell.call
                and all(getattr(c, "fuses_sequences", lambda: False)() for c in self._cells))

    def sequence_call(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        if not nest.is_nested(state) or len(state) != len(self._cells):
            raise ValueError(f"Expected state to be a tuple of length {len(self._cells)}, "
                             f"but received: {state!r}")
        cur = inputs
        new_states = []
        for k, cell in enumerate(self._cells):
            with vs.variable_scope(f"cell_{k}"):
                cur, new = cell.call_sequence(cur, state[k], sequence_length)
                new_states.append(new)
        return cur, tuple(new_states)


class _Wrapper(CellWrapper):
    """A cell delegating to ``cell`` without a variable scope of its own."""

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


def _keep_prob(value: Any, what: str) -> Any:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not 0.0 < float(value) <= 1.0:
            raise ValueError(f"Parameter {what} must be between 0 and 1: {value!r}")
        return float(value)
    return conversion.convert_to_tensor(value, dtype=_dt.float32, name=what)


def _should_drop(p: Any) -> bool:
    return not isinstance(p, float) or p < 1.0


def _default_state_filter(substate: Any) -> Any:
    """TF1's default: drop every state tensor except an LSTM's memory ``c``."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _drop_mask(fn: Callable, s: Any) -> Any:
    """A structure like ``s`` of bools: which leaves the state filter lets drop."""
    r = fn(s)
    if isinstance(r, bool):
        if not r:
            return nest.map_structure(lambda _: False, s)
        if not nest.is_nested(s):
            return True
        return nest.pack_sequence_as(s, [_drop_mask(fn, c) for c in _children(s)]) \
            if not isinstance(s, dict) else {k: _drop_mask(fn, v) for k, v in s.items()}
    kids = _children(s)
    flags = _children(r)
    if len(kids) != len(flags):
        raise ValueError(f"dropout_state_filter_visitor returned {r!r}, which does not "
                         f"match the state structure {s!r}.")
    parts = [_drop_mask(fn, c) if f else nest.map_structure(lambda _: False, c)
             for c, f in zip(kids, flags)]
    return type(s)(*parts) if nest.is_namedtuple(s) else type(s)(parts)


def _children(s: Any) -> list:
    return list(s.values()) if isinstance(s, dict) else list(s)


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and (new) state, as TF1's ``DropoutWrapper``.

    Args:
        cell: the wrapped cell.
        input_keep_prob, output_keep_prob, state_keep_prob: keep probabilities (floats in
            ``(0, 1]`` or scalar tensors); 1.0 adds no op.
        variational_recurrent: one mask per ``session.run`` shared by every time step
            (Gal & Ghahramani); needs ``dtype`` and, for input dropout, ``input_size``.
        input_size: the (nested) depth of the inputs, for variational input dropout.
        dtype: the dtype of the variational noise.
        seed: makes the masks reproducible (per-use seeds derived as TF1 does).
        dropout_state_filter_visitor: ``fn(substate) -> bool | structure of bools``
            choosing the state tensors to drop (default: all but an LSTM's ``c``).

    Raises:
        ValueError: for a keep probability outside ``(0, 1]`` or missing variational
            arguments. TypeError: if ``cell`` is not a cell.
    """

    def __init__(self, cell: Any, input_keep_prob: Any = 1.0, output_keep_prob: Any = 1.0,
                 state_keep_prob: Any = 1.0, variational_recurrent: bool = False,
                 input_size: Any = None, dtype: Any = None, seed: int | None = None,
                 dropout_state_filter_visitor: Callable | None = None):
        super().__init__(cell, "DropoutWrapper")
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable.")
        self._in = _keep_prob(input_keep_prob, "input_keep_prob")
        self._out = _keep_prob(output_keep_prob, "output_keep_prob")
        self._st = _keep_prob(state_keep_prob, "state_keep_prob")
        self._seed = seed
        self._filter = dropout_state_filter_visitor or _default_state_filter
        self._variational = bool(variational_recurrent)
        self._noise: dict[str, Any] = {}
        if self._variational:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")
            dt = _dt.as_dtype(dtype)
            with get_default_graph().name_scope("DropoutWrapperInit"):
                if _should_drop(self._in):
                    if input_size is None:
                        raise ValueError("When variational_recurrent=True and "
                                         "input_keep_prob < 1.0 or is unknown, input_size "
                                         "must be provided")
                    self._noise["input"] = self._batch_noise(input_size, "input", dt)
                self._noise["state"] = self._batch_noise(cell.state_size, "state", dt)
                self._noise["output"] = self._batch_noise(cell.output_size, "output", dt)

    def _gen_seed(self, salt: str, index: int) -> int | None:
        if self._seed is None:
            return None
        digest = hashlib.md5(f"{self._seed}{salt}_{index}".encode()).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _batch_noise(self, sizes: Any, salt: str, dt: _dt.DType) -> list:
        flat = nest.flatten(sizes)
        return [random_ops.random_uniform([1] + TensorShape(s).as_list(), dtype=dt,
                                          seed=self._gen_seed(salt, i))
                for i, s in enumerate(flat)]

    def _dropout(self, values: Any, salt: str, keep: Any, mask: Any = None) -> Any:
        flat = nest.flatten(values)
        drop = nest.flatten(mask) if mask is not None else [True] * len(flat)
        out = []
        for i, (v, d) in enumerate(zip(flat, drop)):
            if not d:
                out.append(v)
            elif self._variational:
                k = math_ops.cast(keep, v.dtype) if not isinstance(keep, float) else keep
                binary = unary_ops.floor(k + self._noise[salt][i])
                out.append(math_ops.divide(v, k) * binary)
            else:
                out.append(nn_ops.dropout(v, keep_prob=keep, seed=self._gen_seed(salt, i)))
        return nest.pack_sequence_as(values, out)

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        if _should_drop(self._in):
            inputs = self._dropout(inputs, "input", self._in)
        output, new_state = self._cell(inputs, state, scope=scope)
        if _should_drop(self._st):
            new_state = self._dropout(new_state, "state", self._st,
                                      _drop_mask(self._filter, new_state))
        if _should_drop(self._out):
            output = self._dropout(output, "output", self._out)
        return output, new_state


class ResidualWrapper(_Wrapper):
    """Adds the cell's input to its output: ``output = residual_fn(inputs, cell_output)``
    (default ``inputs + cell_output``, leaf by leaf).

    Raises:
        ValueError: (when called) if an input and output shape differ.
    """

    def __init__(self, cell: Any, residual_fn: Callable | None = None):
        super().__init__(cell, "ResidualWrapper")
        if residual_fn is not None and not callable(residual_fn):
            raise TypeError(f"ResidualWrapper: residual_fn must be callable, got "
                            f"{residual_fn!r}.")
        self._residual_fn = residual_fn

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        nest.assert_same_structure(inputs, output)

        def add(i: Any, o: Any) -> Any:
            i = conversion.convert_to_tensor(i)
            if not i.shape.is_compatible_with(o.shape):
                raise ValueError(f"ResidualWrapper: input shape {i.shape} and cell output "
                                 f"shape {o.shape} differ; the residual needs equal shapes.")
            return i + o
        return nest.map_structure(add, inputs, output), new_state


class DeviceWrapper(_Wrapper):
    """Builds the cell's ops under ``tf.device(device)`` (recorded on the ops; trainkit
    runs them on the CPU)."""

    def __init__(self, cell: Any, device: str):
        super().__init__(cell, "DeviceWrapper")
        self._device = device

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        with get_default_graph().device(self._device):
            return self._cell(inputs, state, scope=scope)


__all__ = ["MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper"]
