"""Keras's recurrent layers in TF1 graph mode: ``RNN`` (any cell, or a list of cells as
``StackedRNNCells``) and ``SimpleRNN``, ``GRU``, ``LSTM`` (``tf.compat.v1.keras``'s: GRU
with ``reset_after=False`` and both with ``hard_sigmoid`` gates by default).

Inputs are ``[batch, time, features]``. The layer returns the last output, or every
step's (``return_sequences``), followed by the final states with ``return_state``. A mask
(``mask=``, or one recorded by ``Masking``/``Embedding(mask_zero=True)``) makes masked
steps keep the previous state and output. Weights live in the cell, named
``<layer>/<cell>/kernel`` as in tf_keras (``lstm/lstm_cell/kernel:0``).

Differs from TF: ``stateful=True`` is refused (NotImplementedError); ``constants`` and
nested inputs are not supported.

Example:
    >>> h = tk.keras.layers.LSTM(32, return_sequences=True)(x)     # x [batch, time, in]
    >>> out, h_n, c_n = tk.keras.layers.LSTM(16, return_state=True)(h)
"""

from __future__ import annotations

import inspect
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, base_layer, rnn_loop
from trainkit.keras import sequence_masks as masking
from trainkit.keras.recurrent_cells import AbstractRNNCell, GRUCell, LSTMCell, SimpleRNNCell
from trainkit.ops import array_ops
from trainkit.ops.shape_ops import transpose


def _accepts_training(cell: Any) -> bool:
    try:
        params = inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _call_cell(cell: Any, inputs: Any, states: Any, training: Any) -> tuple:
    kwargs = {"training": training} if _accepts_training(cell) else {}
    out, new = cell.call(inputs, states, **kwargs)
    return out, (new if nest.is_nested(new) else [new])


def _cell_initial_state(cell: Any, batch_size: Any, dtype: Any) -> Any:
    """The cell's ``get_initial_state``, or zeros for each of its ``state_size``."""
    fn = getattr(cell, "get_initial_state", None)
    if fn is not None:
        return fn(inputs=None, batch_size=batch_size, dtype=dtype)
    return AbstractRNNCell.get_initial_state(cell, None, batch_size, dtype)


def _build_cell(cell: Any, shape: tuple) -> None:
    if isinstance(cell, base_layer.Layer) and not cell.built:
        with get_default_graph().name_scope(cell.name):
            cell.build(TensorShape(list(shape)))
            cell.built = True


def _reset_dropout(cell: Any) -> None:
    for c in getattr(cell, "cells", [cell]):
        for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            if hasattr(c, reset):
                getattr(c, reset)()


def clone_layer(layer: Any, **overrides: Any) -> Any:
    """A new, unbuilt layer (or cell) made from ``layer.get_config()`` with ``overrides``.

    Raises:
        NotImplementedError: if the layer has no ``get_config``.
    """
    if not hasattr(layer, "get_config"):
        raise NotImplementedError(f"{type(layer).__name__} has no `get_config`, so it cannot "
                                  "be copied: pass the copy explicitly (e.g. "
                                  "`Bidirectional(..., backward_layer=...)`).")
    config = dict(layer.get_config())
    config.update(overrides)
    return type(layer).from_config(config)


class StackedRNNCells(base_layer.Layer):
    """Cells run one after another within a time step, as one cell: the output of each
    is the input of the next; the states are the cells' states in order.

    Raises:
        ValueError: for a cell without ``call`` or ``state_size``.
    """

    def __init__(self, cells: list, **kwargs: Any):
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(f"All cells must have a `call` method. Received cell without "
                                 f"a `call` method: {cell}")
            if not hasattr(cell, "state_size"):
                raise ValueError("All cells must have a `state_size` attribute. Received "
                                 f"cells={cells}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> tuple:
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self) -> Any:
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is not None:
            return size
        state = last.state_size
        return state[0] if isinstance(state, list | tuple) else state

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None,
                          dtype: Any = None) -> list:
        return [_cell_initial_state(c, batch_size, dtype) for c in self.cells]

    def build(self, input_shape: Any) -> None:
        dims = list(TensorShape(input_shape).as_list())
        for cell in self.cells:
            _build_cell(cell, tuple(dims))
            size = getattr(cell, "output_size", None)
            if size is None:
                size = nest.flatten(cell.state_size)[0]
            dims = [dims[0], int(size)]
        self.built = True

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        nested = nest.pack_sequence_as(list(self.state_size), nest.flatten(states))
        new_states = []
        for cell, st in zip(self.cells, nested):
            inputs, new = _call_cell(cell, inputs, st if nest.is_nested(st) else [st],
                                     training)
            new_states.append(new if nest.is_nested(cell.state_size) else new[0])
        return inputs, new_states

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for c in self.cells for w in c.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return [w for c in self.cells for w in c.weights]
        return [w for c in self.cells for w in c.non_trainable_weights]

    @property
    def losses(self) -> list:
        return [x for c in self.cells for x in c.losses]

    def get_config(self) -> dict:
        return {"cells": [clone_layer(c) for c in self.cells], "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> StackedRNNCells:
        return cls(**config)


class RNN(base_layer.Layer):
    """Runs a cell (or a list of cells) over the time axis of its input.

    Args:
        cell: an object with ``call(inputs, states)`` and ``state_size`` (a Keras cell), or
            a list of them (stacked).
        return_sequences: return every step's output, ``[batch, time, units]``.
        return_state: also return the final states (``[output, *states]``).
        go_backwards: read the sequence last step first (the outputs come in that order).
        stateful: only False.
        unroll: build every step (needs a known number of steps) instead of a loop.
        time_major: inputs and outputs are ``[time, batch, ...]``.

    Raises:
        ValueError: for a cell without ``call``/``state_size``; on call, for inputs of rank
            other than 3, ``unroll`` with unknown steps, or an ``initial_state`` of the
            wrong length.
        NotImplementedError: for ``stateful=True``.
    """

    supports_masking = True

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 time_major: bool = False, **kwargs: Any):
        if isinstance(cell, list | tuple):
            cell = StackedRNNCells(list(cell))
        if not hasattr(cell, "call"):
            raise ValueError("Argument `cell` should have a `call` method. The RNN was "
                             f"passed: cell={cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have a `state_size` attribute (tuple of "
                             "integers, one integer per RNN state). Received: cell="
                             f"{cell}")
        if stateful:
            raise NotImplementedError("stateful=True RNN layers are not supported by "
                                      "trainkit: keep the final states with return_state=True "
                                      "and feed them back as initial_state.")
        self.zero_output_for_mask = bool(kwargs.pop("zero_output_for_mask", False))
        if "input_shape" not in kwargs and ("input_dim" in kwargs or "input_length" in kwargs):
            kwargs["input_shape"] = (kwargs.pop("input_length", None),
                                     kwargs.pop("input_dim", None))
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.time_major = bool(time_major)
        self._ndim = 3

    # -- weights are the cell's ----------------------------------------------------------
    @property
    def trainable_weights(self) -> list:
        return list(self.cell.trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return list(self.cell.weights)
        return list(self.cell.non_trainable_weights)

    @property
    def losses(self) -> list:
        return list(self._losses) + list(getattr(self.cell, "losses", []))

    @property
    def states(self) -> list:
        """``[None] * number of states`` (the layer is not stateful)."""
        return [None] * len(nest.flatten(self.cell.state_size))

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls the layer; Keras-tensor initial states join the inputs (``[x, *states]``)
        so that a functional model sees the layers that made them, as tf_keras does."""
        states = kwargs.get("initial_state")
        if isinstance(inputs, list | tuple) and len(inputs) > 1 and states is None:
            return super().__call__(list(inputs), *args, **kwargs)
        if isinstance(inputs, list | tuple) and len(inputs) == 1:
            inputs = inputs[0]
        flat = nest.flatten(states) if states is not None else []
        if flat and all(backend.is_keras_tensor(t) for t in flat) and \
                backend.is_keras_tensor(inputs):
            kwargs.pop("initial_state")
            return super().__call__([inputs, *flat], *args, **kwargs)
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape: Any) -> None:
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        dims = TensorShape(input_shape).as_list()
        step = tuple(dims[1:]) if self.time_major else (dims[0], *dims[2:])
        _build_cell(self.cell, step)
        self.built = True

    def get_initial_state(self, inputs: Tensor) -> list:
        """Zeros for each state (the cell's ``get_initial_state`` when it has one)."""
        batch = array_ops.shape(inputs)[1 if self.time_major else 0]
        state = _cell_initial_state(self.cell, batch, inputs.dtype)
        return list(state) if nest.is_nested(state) else [state]

    def call(self, inputs: Any, mask: Any = None, training: Any = None,
             initial_state: Any = None, constants: Any = None) -> Any:
        if constants is not None:
            raise NotImplementedError("RNN: `constants` are not supported by trainkit.")
        if isinstance(inputs, list | tuple):
            inputs, initial_state = inputs[0], list(inputs[1:]) or None
        x = conversion.convert_to_tensor(inputs)
        if mask is None:
            mask = masking.get_mask(inputs)
        mask = masking.as_bool_mask(nest.flatten(mask)[0] if nest.is_nested(mask) else mask)
        _reset_dropout(self.cell)
        states = self._initial_states(x, initial_state)
        if self.time_major:
            x = transpose(x, [1, 0, 2])
        training = base_layer.learning_phase_value(training)
        last, outputs, states = rnn_loop.rnn(
            lambda x_t, st: _call_cell(self.cell, x_t, st, training), x, states,
            go_backwards=self.go_backwards, mask=mask, unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences)
        if self.return_sequences:
            output = transpose(outputs, [1, 0, 2]) if self.time_major else outputs
            masking.set_mask(output, mask)
        else:
            output = last
        if self.return_state:
            return [output, *states]
        return output

    def _initial_states(self, x: Tensor, initial_state: Any) -> list:
        if initial_state is None:
            return self.get_initial_state(x)
        given = list(initial_state) if isinstance(initial_state, list | tuple) \
            else [initial_state]
        want = nest.flatten(self.cell.state_size)
        flat = [conversion.convert_to_tensor(s) for s in nest.flatten(given)]
        if len(flat) != len(want):
            raise ValueError(f"Layer {self.name} expects {len(want)} state(s), but it "
                             f"received {len(flat)} initial state(s). Input received: "
                             f"{given}")
        return nest.pack_sequence_as(_state_template(self.cell), flat)

    def get_config(self) -> dict:
        return {"cell": clone_layer(self.cell), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "unroll": self.unroll, "time_major": self.time_major, "name": self.name,
                "trainable": self.trainable, "zero_output_for_mask": self.zero_output_for_mask}

    @classmethod
    def from_config(cls, config: dict) -> RNN:
        return cls(**config)


def _state_template(cell: Any) -> list:
    """The nesting of a cell's states as the layer passes them (a list per cell)."""
    if isinstance(cell, StackedRNNCells):
        return [list(s) if isinstance(s, list | tuple) else s
                for s in (c.state_size for c in cell.cells)]
    size = cell.state_size
    return list(size) if isinstance(size, list | tuple) else [size]


_CELL_ARGS = ("activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "kernel_regularizer",
              "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
              "implementation", "reset_after", "unit_forget_bias")
_LAYER_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
               "time_major", "zero_output_for_mask")


class _CellLayer(RNN):
    """An RNN over one built-in cell, made from the constructor's cell arguments."""

    _cell_class: type
    _cell_name: str

    def __init__(self, units: int, **kwargs: Any):
        cell_kwargs = {k: kwargs.pop(k) for k in _CELL_ARGS if k in kwargs}
        layer_kwargs = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        self._ctor = {"units": units, **cell_kwargs, **layer_kwargs}
        cell = self._cell_class(units, name=self._cell_name, dtype=kwargs.get("dtype"),
                                trainable=kwargs.get("trainable", True), **cell_kwargs)
        super().__init__(cell, **layer_kwargs, **kwargs)
        self._ctor.update({k: v for k, v in kwargs.items() if k in ("dtype", "trainable")})

    def __getattr__(self, name: str) -> Any:
        # units, activation, dropout, reset_after, ...: the cell's (as tf_keras's layers)
        cell = self.__dict__.get("cell")
        if cell is not None and name in ("units", *_CELL_ARGS):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self) -> dict:
        return {**self._ctor, "name": self.name, "trainable": self.trainable,
                "go_backwards": self.go_backwards,
                "zero_output_for_mask": self.zero_output_for_mask}


class SimpleRNN(_CellLayer):
    """A fully connected RNN: ``h_t = activation(x_t W + h_{t-1} U + b)`` (cell
    ``simple_rnn_cell``). Arguments as :class:`SimpleRNNCell` and :class:`RNN`."""

    _cell_class = SimpleRNNCell
    _cell_name = "simple_rnn_cell"

    def __init__(self, units: int, activation: Any = "tanh", **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)


class GRU(_CellLayer):
    """The GRU of ``tf.compat.v1.keras`` (``reset_after=False``, ``hard_sigmoid`` gates;
    cell ``gru_cell``). Arguments as :class:`GRUCell` and :class:`RNN`."""

    _cell_class = GRUCell
    _cell_name = "gru_cell"

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", reset_after: bool = False,
                 **kwargs: Any):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation, reset_after=reset_after,
                         **kwargs)


class LSTM(_CellLayer):
    """The LSTM of ``tf.compat.v1.keras`` (``hard_sigmoid`` gates, ``unit_forget_bias``;
    cell ``lstm_cell``); states ``[h, c]``. Arguments as :class:`LSTMCell` and
    :class:`RNN`."""

    _cell_class = LSTMCell
    _cell_name = "lstm_cell"

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation,
                         unit_forget_bias=unit_forget_bias, **kwargs)


__all__ = ["RNN", "StackedRNNCells", "SimpleRNN", "GRU", "LSTM", "clone_layer"]
