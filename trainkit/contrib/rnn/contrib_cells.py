"""TF 1.15's smaller ``tf.contrib.rnn`` cells, with their equations and variable names.

* ``UGRNNCell`` (Collins et al. 2017): ``g, c = split([x, h] @ kernel + bias, 2)``;
  ``h' = sigmoid(g + forget_bias) * h + (1 - sigmoid(..)) * act(c)``.
* ``SRUCell`` (Lei et al. 2017): ``x_bar, f, r, x_tx = split(x @ kernel, 4)``;
  ``f, r = sigmoid([f, r] + bias)``; ``c' = f * c + (1 - f) * x_bar``;
  ``h = r * act(c') + (1 - r) * x_tx``; the state is ``c'``, the output ``h``.
* ``IndRNNCell`` (Li et al. 2018): ``h' = act(x @ kernel_w + h * kernel_u + bias)``,
  ``kernel_u`` ``[1, N]`` (uniform in [-1, 1]), default activation ``relu``.
* ``NASCell`` (Zoph & Le 2017): eight branches of ``x @ kernel`` and
  ``h @ recurrent_kernel`` combined by TF's fixed tree; optional ``bias`` and
  ``projection_weights``.
* ``CoupledInputForgetGateLSTMCell`` (Greff et al.): ``j, f, o`` only, the input gate is
  ``1 - f``; variables ``W_0`` (``W_i`` for ``num_unit_shards`` shards), ``B``,
  ``W_F_diag``/``W_O_diag`` with peepholes, ``W_P_0`` with a projection, and the
  ``transform|forget|output|state/{gamma,beta}`` of its layer normalization.

Example:
    >>> outputs, state = tk.nn.dynamic_rnn(SRUCell(16), x, dtype=tk.float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.contrib.rnn.layer_norm_lstm import gain_shift_norm
from trainkit.ops import array_ops, init_ops, math_ops, nn_ops
from trainkit.ops.nn_activations import bias_add
from trainkit.ops.rnn.basic_cells import check_activation
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units, input_depth
from trainkit.ops.rnn.core_rnn_cell import Linear


def _rank2_depth(inputs: Any, cell: str) -> int:
    shape = inputs.shape
    if shape.ndims is not None and shape.ndims != 2:
        raise ValueError(f"{cell}: inputs must have rank 2 ([batch, depth]), got {shape}.")
    if shape.ndims is None or shape[1] is None:
        raise ValueError(f"{cell}: Could not infer input size from inputs.get_shape()[-1] "
                         f"(shape {shape}).")
    return int(shape[1])


class _Tracked(RNNCell):
    """A cell that makes its variables while it runs (TF's non-layer cells)."""

    def _linear(self, args: list, size: int, bias: bool = True,
                kernel_initializer: Any = None) -> Any:
        lin = Linear(args, size, bias, kernel_initializer=kernel_initializer)
        for v in (lin.kernel, lin.bias):
            if v is not None and v not in self._variables:
                self._variables.append(v)
        return lin(args)


class UGRNNCell(_Tracked):
    """Update Gate RNN cell (TF 1.15's ``UGRNNCell``; see the module doc).

    Args:
        num_units: the number of units.
        initializer: the kernel's initializer (default: the scope's).
        forget_bias: added to the gate's pre-activation (default 1.0).
        activation: of the candidate (default ``tanh``).
        reuse: share the variables of an existing scope.

    Raises:
        ValueError: ``num_units`` not a positive int; inputs not ``[batch, depth]``.
    """

    def __init__(self, num_units: int, initializer: Any = None, forget_bias: float = 1.0,
                 activation: Callable | None = None, reuse: Any = None):
        super().__init__(_reuse=reuse)
        self._num_units = check_units(num_units, "num_units", "UGRNNCell")
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._activation = check_activation(activation, "UGRNNCell")

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        _rank2_depth(inputs, "UGRNNCell")
        z = self._linear([inputs, state], 2 * self._num_units,
                         kernel_initializer=self._initializer)
        g_act, c_act = array_ops.split(z, 2, axis=1)
        c = self._activation(c_act)
        g = math_ops.sigmoid(g_act + self._forget_bias)
        new = g * state + (1.0 - g) * c
        return new, new


class SRUCell(RNNCell):
    """Simple Recurrent Unit (TF 1.15's ``SRUCell``; see the module doc).

    Args:
        num_units: the number of units.
        activation: of the cell state in the output (default ``tanh``).
        reuse: share the variables of an existing scope.
        name: the scope's base name (default ``sru_cell``).

    Raises:
        ValueError: ``num_units`` not a positive int; an unknown input depth.
    """

    def __init__(self, num_units: int, activation: Callable | None = None, reuse: Any = None,
                 name: str | None = None):
        super().__init__(_reuse=reuse, name=name)
        self._num_units = check_units(num_units, "num_units", "SRUCell")
        self._activation = check_activation(activation, "SRUCell")

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, "SRUCell")
        self._kernel = self.add_variable("kernel", [d, 4 * self._num_units])
        self._bias = self.add_variable("bias", [2 * self._num_units],
                                       initializer=init_ops.constant_initializer(0.0))
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        u = math_ops.matmul(inputs, self._kernel)
        x_bar, f_pre, r_pre, x_tx = array_ops.split(u, 4, axis=1)
        f_r = math_ops.sigmoid(bias_add(array_ops.concat([f_pre, r_pre], 1), self._bias))
        f, r = array_ops.split(f_r, 2, axis=1)
        c = f * state + (1.0 - f) * x_bar
        h = r * self._activation(c) + (1.0 - r) * x_tx
        return h, c


class IndRNNCell(RNNCell):
    """Independently recurrent cell (TF 1.15's ``IndRNNCell``; see the module doc).

    Args:
        num_units: the number of units.
        activation: default ``relu``.
        reuse, name, dtype: as :class:`RNNCell` (default scope ``ind_rnn_cell``).

    Raises:
        ValueError: ``num_units`` not a positive int; an unknown input depth.
    """

    def __init__(self, num_units: int, activation: Callable | None = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = check_units(num_units, "num_units", "IndRNNCell")
        self._activation = (nn_ops.relu if activation is None
                            else check_activation(activation, "IndRNNCell"))

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, "IndRNNCell")
        n = self._num_units
        self._kernel_w = self.add_variable("kernel_w", [d, n])
        self._kernel_u = self.add_variable(
            "kernel_u", [1, n], initializer=init_ops.random_uniform_initializer(-1.0, 1.0))
        self._bias = self.add_variable("bias", [n], initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        z = math_ops.add(math_ops.matmul(inputs, self._kernel_w),
                         math_ops.multiply(state, self._kernel_u))
        out = self._activation(bias_add(z, self._bias))
        return out, out


class NASCell(_Tracked):
    """The recurrent cell found by Neural Architecture Search (TF 1.15's ``NASCell``).

    Args:
        num_units: the number of units.
        num_proj: project the output to this width (``projection_weights``).
        use_biases: add a ``bias`` ``[8N]`` to the recurrent branch.
        reuse: share the variables of an existing scope.

    Raises:
        ValueError: a non-positive ``num_units`` / ``num_proj``; inputs not
            ``[batch, depth]`` with a known depth.
    """

    def __init__(self, num_units: int, num_proj: int | None = None, use_biases: bool = False,
                 reuse: Any = None):
        super().__init__(_reuse=reuse)
        self._num_units = check_units(num_units, "num_units", "NASCell")
        self._num_proj = None if num_proj is None else check_units(num_proj, "num_proj",
                                                                   "NASCell")
        self._use_biases = bool(use_biases)

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_proj or self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def call(self, inputs: Any, state: Any) -> tuple[Any, LSTMStateTuple]:
        n = self._num_units
        c_prev, m_prev = state
        d = _rank2_depth(inputs, "NASCell")
        dt = inputs.dtype
        w_m = self.add_variable("recurrent_kernel", [self._num_proj or n, 8 * n], dtype=dt)
        w_x = self.add_variable("kernel", [d, 8 * n], dtype=dt)
        m_mat = math_ops.matmul(m_prev, w_m)
        x_mat = math_ops.matmul(inputs, w_x)
        if self._use_biases:
            b = self.add_variable("bias", [8 * n], dtype=dt,
                                  initializer=init_ops.zeros_initializer())
            m_mat = bias_add(m_mat, b)
        ms = array_ops.split(m_mat, 8, axis=1)
        xs = array_ops.split(x_mat, 8, axis=1)
        sig, tanh, relu = math_ops.sigmoid, math_ops.tanh, nn_ops.relu
        l1 = [sig(xs[0] + ms[0]), relu(xs[1] + ms[1]), sig(xs[2] + ms[2]),
              relu(xs[3] * ms[3]), tanh(xs[4] + ms[4]), sig(xs[5] + ms[5]),
              tanh(xs[6] + ms[6]), sig(xs[7] + ms[7])]
        l2_0 = tanh(tanh(l1[0] * l1[1]) + c_prev)      # the cell is injected here
        l2_1 = tanh(l1[2] + l1[3])
        l2_2 = tanh(l1[4] * l1[5])
        l2_3 = sig(l1[6] + l1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            w_p = self.add_variable("projection_weights", [n, self._num_proj], dtype=dt)
            new_m = math_ops.matmul(new_m, w_p)
        return new_m, LSTMStateTuple(new_c, new_m)


class CoupledInputForgetGateLSTMCell(_Tracked):
    """LSTM whose input gate is ``1 - forget gate`` (TF 1.15's CIFG cell).

    ``j, f, o = split([x, m] @ W (+ B unless layer_norm), 3)`` (each layer-normalized
    with ``layer_norm``); ``f = sigmoid(f + forget_bias [+ W_F_diag * c])``;
    ``c' = f * c + (1 - f) * act(j)`` (then normalized); ``m = sigmoid(o [+ W_O_diag * c'])
    * act(c')``, projected by ``W_P`` and clipped to ``proj_clip`` with ``num_proj``.

    Args:
        num_units, use_peepholes, num_proj, proj_clip, forget_bias, state_is_tuple,
        activation, reuse, layer_norm, norm_gain, norm_shift: as TF 1.15.
        initializer: accepted and, as in TF 1.15, not used.
        num_unit_shards, num_proj_shards: split ``W`` / ``W_P`` by rows into this many
            variables ``W_0 .. W_<k-1>`` (concatenated for the product).

    Raises:
        ValueError: a non-positive size; more shards than rows; an unknown input depth.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, initializer: Any = None,
                 num_proj: int | None = None, proj_clip: float | None = None,
                 num_unit_shards: int = 1, num_proj_shards: int = 1,
                 forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Callable | None = None, reuse: Any = None,
                 layer_norm: bool = False, norm_gain: float = 1.0, norm_shift: float = 0.0):
        super().__init__(_reuse=reuse)
        cls = "CoupledInputForgetGateLSTMCell"
        self._num_units = check_units(num_units, "num_units", cls)
        self._num_proj = None if num_proj is None else check_units(num_proj, "num_proj", cls)
        self._unit_shards = check_units(num_unit_shards, "num_unit_shards", cls)
        self._proj_shards = check_units(num_proj_shards, "num_proj_shards", cls)
        self._use_peepholes = bool(use_peepholes)
        self._initializer = initializer
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = bool(state_is_tuple)
        self._activation = check_activation(activation, cls)
        self._layer_norm = bool(layer_norm)
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self) -> Any:
        n, p = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, p) if self._state_is_tuple else n + p

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def _sharded(self, name: str, shape: list, shards: int, dtype: Any) -> Any:
        """TF's ``_get_concat_variable``: ``<name>_0 ..`` row shards, concatenated."""
        rows = shape[0]
        if shards > rows:
            raise ValueError(f"Too many shards: shape={shape}, num_shards={shards}")
        unit, extra = divmod(rows, shards)
        parts = [self.add_variable(f"{name}_{i}", [unit + (1 if i < extra else 0)]
                                   + shape[1:], dtype=dtype) for i in range(shards)]
        return parts[0] if shards == 1 else array_ops.concat(parts, 0, name=name + "/concat")

    def _norm(self, x: Any, scope: str) -> Any:
        return gain_shift_norm(self, x, scope, self._norm_gain, self._norm_shift)

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        n = self._num_units
        p = self._num_proj or n
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev, m_prev = state[:, :n], state[:, n:n + p]
        dt = inputs.dtype
        d = _rank2_depth(inputs, "CoupledInputForgetGateLSTMCell")
        w = self._sharded("W", [d + p, 3 * n], self._unit_shards, dt)
        b = self.add_variable("B", [3 * n], dtype=dt, initializer=init_ops.zeros_initializer())
        z = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), w)
        if not self._layer_norm:
            z = bias_add(z, b)
        j, f, o = array_ops.split(z, 3, axis=1)
        if self._layer_norm:
            j, f, o = (self._norm(j, "transform"), self._norm(f, "forget"),
                       self._norm(o, "output"))
        if self._use_peepholes:
            w_f = self.add_variable("W_F_diag", [n], dtype=dt)
            w_o = self.add_variable("W_O_diag", [n], dtype=dt)
            f_act = math_ops.sigmoid(f + self._forget_bias + w_f * c_prev)
        else:
            f_act = math_ops.sigmoid(f + self._forget_bias)
        c = f_act * c_prev + (1 - f_act) * self._activation(j)
        if self._layer_norm:
            c = self._norm(c, "state")
        o_pre = o + w_o * c if self._use_peepholes else o
        m = math_ops.sigmoid(o_pre) * self._activation(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._sharded("W_P", [n, self._num_proj],
                                                 self._proj_shards, dt))
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else \
            array_ops.concat([c, m], 1)
        return m, new_state


__all__ = ["UGRNNCell", "SRUCell", "IndRNNCell", "NASCell", "CoupledInputForgetGateLSTMCell"]
