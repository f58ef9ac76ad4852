"""Recurrent models for the CLI: each example is read as a sequence by an LSTM or GRU
(``static_rnn``) and the last output is classified.

An image ``[H, W, C]`` is read row by row (``H`` steps of ``W * C`` values: the bundled
8x8 digits are 8 steps of 8 pixels); a ``[T, D]`` array from an ``.npz`` file is ``T``
steps of ``D``; a flat ``[T]`` vector is ``T`` steps of one value.

Example config::

    [model]
    type = "lstm"
    hidden_units = [64]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np

import trainkit as tk
from trainkit.cli.schema import Fraction, Positive

Units = Annotated[list[int], Positive]
Dropout = Annotated[float, Fraction]


def as_steps(features: Any) -> list:
    """The time steps ``[batch, depth]`` of a batch of examples (see the module doc).

    Raises:
        ValueError: for features of unknown rank or rank above 4.
    """
    x = tk.convert_to_tensor(features)
    rank = x.shape.ndims
    if rank is None or rank > 4:
        raise ValueError(f"rnn models read features of rank 2 to 4, got shape {x.shape}.")
    dims = x.shape.as_list()
    if rank == 4:
        x = tk.reshape(x, [-1, dims[1], dims[2] * dims[3]])
    elif rank == 2:
        x = tk.expand_dims(x, -1)
    return tk.unstack(x, axis=1)


def rnn_classifier(features: Any, num_outputs: int, training: Any,
                   hidden_units: Sequence[int] = (64,), cell: str = "lstm",
                   dropout: float = 0.0) -> Any:
    """Stacked ``cell`` layers (``lstm`` or ``gru``) of ``hidden_units``, output dropout
    ``dropout`` while training, then a dense layer on the last step's output."""
    make = {"lstm": tk.nn.rnn_cell.BasicLSTMCell, "gru": tk.nn.rnn_cell.GRUCell}[cell]
    layers = [make(int(u)) for u in hidden_units]
    if dropout > 0:
        keep = 1.0 - dropout * tk.cast(training, tk.float32)
        layers = [tk.nn.rnn_cell.DropoutWrapper(c, output_keep_prob=keep) for c in layers]
    stack = layers[0] if len(layers) == 1 else tk.nn.rnn_cell.MultiRNNCell(layers)
    outputs, _ = tk.nn.static_rnn(stack, as_steps(features), dtype=tk.float32)
    return tk.layers.dense(outputs[-1], num_outputs, name="logits")


def lstm(features: Any, num_outputs: int, training: Any, hidden_units: Units = (64,),
         dropout: Dropout = 0.0) -> Any:
    """Stacked LSTM layers (``hidden_units``) reading each example as a sequence (an image
    row by row), output dropout ``dropout`` while training, then the logits."""
    return rnn_classifier(features, num_outputs, training, hidden_units, "lstm", dropout)


def gru(features: Any, num_outputs: int, training: Any, hidden_units: Units = (64,),
        dropout: Dropout = 0.0) -> Any:
    """As :func:`lstm` with GRU cells."""
    return rnn_classifier(features, num_outputs, training, hidden_units, "gru", dropout)


def _steps_and_depth(input_shape: tuple[int, ...]) -> tuple[int, int]:
    shape = tuple(int(d) for d in input_shape)
    if len(shape) == 1:
        return shape[0], 1
    return shape[0], int(np.prod(shape[1:]))


def _rnn_size(gates: int) -> Any:
    def size(args: dict[str, Any], input_shape: tuple[int, ...], num_outputs: int
             ) -> tuple[int, int]:
        """(activation floats per example, parameter count) of a stacked RNN."""
        steps, depth = _steps_and_depth(input_shape)
        floats, params = steps * depth, 0
        for units in args.get("hidden_units", (64,)):
            params += gates * ((depth + units) * units + units)
            floats += steps * (gates + 2) * units
            depth = units
        return floats + num_outputs, params + depth * num_outputs + num_outputs
    return size


lstm_size = _rnn_size(4)
gru_size = _rnn_size(3)

__all__ = ["as_steps", "rnn_classifier", "lstm", "gru", "lstm_size", "gru_size"]
