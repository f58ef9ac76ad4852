"""TF 1.15's ``tf.contrib.rnn.LayerNormBasicLSTMCell``: a basic LSTM with layer
normalization of each gate and of the new cell state, and recurrent dropout of the
candidate (Semeniuta et al. 2016).

Equations (``LN_s(v) = (v - mean(v)) / sqrt(var(v) + 1e-12) * s/gamma + s/beta`` over the
unit axis, contrib ``layer_norm``)::

    i, j, f, o = split([x, h] @ kernel [+ bias], 4)      # bias only without layer_norm
    i, j, f, o = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)
    g = dropout(act(j), keep_prob)                         # when keep_prob < 1 or a tensor
    c' = LN_state(c * sigmoid(f + forget_bias) + sigmoid(i) * g)
    h' = act(c') * sigmoid(o)

Variables (TF's names): ``kernel [D + N, 4N]``, ``bias [4N]`` (only with
``layer_norm=False``), and ``{input,transform,forget,output,state}/{gamma,beta}`` ``[N]``
initialised to ``norm_gain`` / ``norm_shift``.

Example:
    >>> cell = LayerNormBasicLSTMCell(32, dropout_keep_prob=0.9)
    >>> outputs, state = tk.nn.dynamic_rnn(cell, x, dtype=tk.float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.contrib.layers.normalization import layer_norm
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, init_ops, math_ops, nn_ops
from trainkit.ops.nn_activations import bias_add
from trainkit.ops.rnn.basic_cells import check_activation
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units, input_depth

NORM_SCOPES = ("input", "transform", "forget", "output", "state")


def gain_shift_norm(cell: RNNCell, x: Tensor, scope: str, gain: float,
                    shift: float) -> Tensor:
    """TF 1.15's ``rnn_cell._norm``: makes (or reuses) ``<scope>/gamma`` and
    ``<scope>/beta`` ``[width]`` initialised to ``gain`` / ``shift`` in the cell's current
    scope, then applies contrib ``layer_norm`` with them."""
    width = x.shape.as_list()[-1:]
    cell.add_variable(f"{scope}/gamma", width, dtype=x.dtype,
                      initializer=init_ops.constant_initializer(gain))
    cell.add_variable(f"{scope}/beta", width, dtype=x.dtype,
                      initializer=init_ops.constant_initializer(shift))
    return layer_norm(x, reuse=True, scope=scope)


class LayerNormBasicLSTMCell(RNNCell):
    """LSTM unit with layer normalization and recurrent dropout (see the module doc).

    Args:
        num_units: the number of units.
        forget_bias: added to the forget gate (after its normalization).
        input_size: deprecated and unused (as in TF).
        activation: of the candidate and of the cell state (default ``tanh``).
        layer_norm: normalize the gates and the cell state (default True).
        norm_gain, norm_shift: initial values of the ``gamma`` / ``beta`` variables.
        dropout_keep_prob: keep probability of the candidate's recurrent dropout (a
            float or a scalar tensor; the float 1.0 means no dropout).
        dropout_prob_seed: the dropout's op-level seed.
        reuse: share the variables of an existing scope.

    Raises:
        ValueError: ``num_units`` not a positive int; an unknown input depth.
        TypeError: a non-callable ``activation``.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, input_size: Any = None,
                 activation: Callable | None = None, layer_norm: bool = True,
                 norm_gain: float = 1.0, norm_shift: float = 0.0,
                 dropout_keep_prob: Any = 1.0, dropout_prob_seed: int | None = None,
                 reuse: Any = None):
        super().__init__(_reuse=reuse)
        del input_size  # deprecated and unused in TF 1.15
        self._num_units = check_units(num_units, "num_units", "LayerNormBasicLSTMCell")
        self._forget_bias = forget_bias
        self._activation = check_activation(activation, "LayerNormBasicLSTMCell")
        self._layer_norm = bool(layer_norm)
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, "LayerNormBasicLSTMCell")
        n = self._num_units
        self._kernel = self.add_variable("kernel", [d + n, 4 * n])
        self._bias = None
        if not self._layer_norm:
            self._bias = self.add_variable("bias", [4 * n])
        else:
            for scope in NORM_SCOPES:
                self.add_variable(f"{scope}/gamma", [n],
                                  initializer=init_ops.constant_initializer(self._norm_gain))
                self.add_variable(f"{scope}/beta", [n],
                                  initializer=init_ops.constant_initializer(self._norm_shift))
        self.built = True

    def _norm(self, x: Tensor, scope: str) -> Tensor:
        # the gamma/beta made in build() are reused by name, as TF's _norm does
        return layer_norm(x, reuse=True, scope=scope)

    def _dropout_active(self) -> bool:
        # TF applies dropout unless keep_prob is a Python float >= 1
        keep = self._keep_prob
        return not isinstance(keep, float) or keep < 1

    def call(self, inputs: Any, state: Any) -> tuple[Any, LSTMStateTuple]:
        c, h = state
        z = math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel)
        if self._bias is not None:
            z = bias_add(z, self._bias)
        i, j, f, o = array_ops.split(z, 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(t, s) for t, s in zip((i, j, f, o), NORM_SCOPES))
        g = self._activation(j)
        if self._dropout_active():
            g = nn_ops.dropout(g, self._keep_prob, seed=self._seed)
        new_c = math_ops.add(math_ops.multiply(c, math_ops.sigmoid(f + self._forget_bias)),
                             math_ops.multiply(math_ops.sigmoid(i), g))
        if self._layer_norm:
            new_c = self._norm(new_c, "state")
        new_h = math_ops.multiply(self._activation(new_c), math_ops.sigmoid(o))
        return new_h, LSTMStateTuple(new_c, new_h)


__all__ = ["LayerNormBasicLSTMCell", "gain_shift_norm", "NORM_SCOPES"]
