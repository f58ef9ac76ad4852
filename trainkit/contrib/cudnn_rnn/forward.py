"""The forward pass of a cuDNN RNN on the CPU, built from trainkit ops (so
``tk.gradients`` differentiates it): layers one after another, each direction over the
layer's input, cuDNN's equations (``ops/rnn/cudnn_equations.py``).

* LSTM: the input and recurrent biases only ever appear summed, so a layer and
  direction is one ``LSTMSequence`` op (the fused whole-sequence LSTM of
  ``LSTMBlockCell``) over the compatible cell's ``kernel`` / ``bias`` with
  ``forget_bias=0``.
* GRU, RNN tanh / relu: the input products of every step are one matmul before the loop
  (as cuDNN does); a ``dynamic_rnn`` loop does the recurrent product and the step.
* Bidirectional: the backward direction reads the input reversed in time (each row's
  first ``sequence_lengths`` steps) and its outputs are reversed back; a layer's output
  is ``concat([forward, backward], 2)``.
* ``sequence_lengths``: a row's outputs past its length are zeros and its final state
  is the one at its last step.
* Dropout (``rate = dropout``) on the input of every layer but the first, only when
  ``training``.

Example:
    >>> out, h, c = forward(layout, opaque, x, h0, c0, None, True, True, 0.0, None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.contrib.cudnn_rnn.params import (
    CONVERTERS,
    CUDNN_GRU,
    CUDNN_LSTM,
    CUDNN_RNN_RELU,
    Layout,
)
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, nn_ops
from trainkit.ops.cast_ops import cast
from trainkit.ops.dynamic_rnn import dynamic_rnn
from trainkit.ops.join_ops import concat, stack
from trainkit.ops.nn_activations import relu
from trainkit.ops.rnn.cudnn_equations import gru_step
from trainkit.ops.rnn.lstm_sequence import lstm_sequence
from trainkit.ops.sequence_ops import reverse, reverse_sequence
from trainkit.ops.shape_ops import transpose


class _Recurrence:
    """The recurrent half of a step, as an RNN cell for ``dynamic_rnn``: its input is the
    step's precomputed ``x W + b_W``, its state ``h``."""

    def __init__(self, units: int, rec: Tensor, bias: Tensor, step: Callable):
        self.state_size = self.output_size = units
        self._rec, self._bias, self._step = rec, bias, step

    def zero_state(self, batch_size: Any, dtype: Any) -> Tensor:
        return array_ops.zeros(stack([batch_size, self.output_size]), dtype)

    def __call__(self, x_part: Tensor, h: Tensor) -> tuple[Tensor, Tensor]:
        h_new = self._step(x_part, math_ops.matmul(h, self._rec) + self._bias, h)
        return h_new, h_new


def _simple_step(activation: Callable) -> Callable:
    def step(x_part: Tensor, h_part: Tensor, h: Tensor) -> Tensor:
        del h
        return activation(x_part + h_part)
    return step


def _t(x: Tensor) -> Tensor:
    return transpose(x, [1, 0])


def _columns(mats: list, order: tuple) -> Tensor:
    """``[width, G u]``: the transposed canonical matrices side by side, in ``order``."""
    return concat([_t(mats[k]) for k in order], 1)


def _input_products(x: Tensor, kernel: Tensor, bias: Tensor) -> Tensor:
    """``x W + b_W`` for every step at once: ``[T, B, D] -> [T, B, G u]``."""
    depth, out = int(kernel.shape[0]), int(kernel.shape[1])
    flat = math_ops.matmul(array_ops.reshape(x, [-1, depth]), kernel) + bias
    dims = array_ops.shape(x)
    y = array_ops.reshape(flat, concat([dims[:2], [out]], 0))
    y.set_shape(x.shape.as_list()[:2] + [out])
    return y


def _one_direction(lay: Layout, weights: list, biases: list, x: Tensor, h0: Tensor,
                   c0: Any, lens: Any) -> tuple[Tensor, Tensor, Any]:
    """One layer in one direction over the time-major ``x``: ``(outputs, h, c)``."""
    if lay.mode == CUDNN_LSTM:
        conv = CONVERTERS[CUDNN_LSTM](lay.num_layers, lay.num_units, lay.input_size,
                                      direction=lay.direction)
        (kernel,), (bias,) = conv.tf_weights_of(weights), conv.tf_biases_of(biases)
        _, outputs, c, h = lstm_sequence(x, c0, h0, kernel, bias, forget_bias=0.0,
                                         sequence_length=lens)
        return outputs, h, c
    g = lay.gates
    # GRU columns z, r, h (gru_step's order) from cuDNN's r, z, h
    order = (1, 0, 2) if lay.mode == CUDNN_GRU else (0,)
    step = gru_step if lay.mode == CUDNN_GRU else _simple_step(
        relu if lay.mode == CUDNN_RNN_RELU else math_ops.tanh)
    x_part = _input_products(x, _columns(weights[:g], order),
                             concat([biases[k] for k in order], 0))
    cell = _Recurrence(lay.num_units, _columns(weights[g:], order),
                       concat([biases[g + k] for k in order], 0), step)
    outputs, h = dynamic_rnn(cell, x_part, sequence_length=lens, initial_state=h0,
                             time_major=True, scope="cudnn_rnn")
    return outputs, h, None


def forward(lay: Layout, opaque: Any, inputs: Tensor, h: Tensor, c: Any,
            sequence_lengths: Any, time_major: bool, training: bool, dropout: float,
            seed: Any) -> tuple[Tensor, Tensor, Any]:
    """The RNN over ``inputs`` from the initial states ``h`` (and ``c`` for an LSTM),
    each ``[num_layers * num_dirs, batch, num_units]`` (``[batch, ...]`` when not
    ``time_major``); returns ``(outputs, h, c)`` (``c`` None but for an LSTM)."""
    lstm = lay.mode == CUDNN_LSTM
    x = inputs if time_major else transpose(inputs, [1, 0, 2])
    if not time_major:
        h = transpose(h, [1, 0, 2])
        c = transpose(c, [1, 0, 2]) if lstm else c
    lens = None if sequence_lengths is None else cast(sequence_lengths, _dt.int32)

    def rev(t: Tensor) -> Tensor:
        if lens is None:
            return reverse(t, axis=[0])
        return reverse_sequence(t, lens, seq_axis=0, batch_axis=1)

    cu_w, cu_b = lay.opaque_to_cu(opaque)
    hs, cs = [], []
    for layer in range(lay.num_layers):
        if layer and training and dropout:
            x = nn_ops.dropout(x, rate=dropout, seed=seed)
        outs = []
        for d in range(lay.num_dirs):
            k = layer * lay.num_dirs + d
            out, h_k, c_k = _one_direction(
                lay, lay.block(cu_w, layer, d), lay.block(cu_b, layer, d),
                rev(x) if d else x, h[k], c[k] if lstm else None, lens)
            outs.append(rev(out) if d else out)
            hs.append(h_k)
            cs.append(c_k)
        x = concat(outs, 2) if len(outs) > 1 else outs[0]
    h_out, c_out = stack(hs, 0), stack(cs, 0) if lstm else None
    if not time_major:
        x = transpose(x, [1, 0, 2])
        h_out = transpose(h_out, [1, 0, 2])
        c_out = transpose(c_out, [1, 0, 2]) if lstm else None
    return x, h_out, c_out


__all__ = ["forward"]
