"""Keras's recurrent cells as ``tf.compat.v1.keras.layers`` has them: ``SimpleRNNCell``,
``GRUCell`` (v1: ``reset_after=False``) and ``LSTMCell`` (v1: ``hard_sigmoid`` gates,
``unit_forget_bias``), plus ``AbstractRNNCell`` for cells of one's own.

A cell computes one time step: ``call(inputs [batch, in], states) -> (output, new_states)``
with ``states`` a list (``[h]``, or ``[h, c]`` for the LSTM). The ``RNN`` layer runs it over
time. The weights are Keras's, in Keras's order and layout, so ``get_weights`` /
``set_weights`` exchange arrays with tf_keras: ``kernel [in, k*units]``,
``recurrent_kernel [units, k*units]``, ``bias [k*units]`` (GRU with ``reset_after``:
``[2, 3*units]``), gates ordered ``z, r, h`` (GRU) and ``i, f, c, o`` (LSTM).

Dropout (``dropout`` on the inputs, ``recurrent_dropout`` on the previous output) applies
only in the training phase, with one mask per gate drawn once per layer call and reused
at every step, as Keras does.

Example:
    >>> cell = tk.keras.layers.LSTMCell(16)
    >>> y = tk.keras.layers.RNN(cell, return_sequences=True)(x)   # x [batch, time, in]
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, initializers
from trainkit.ops import array_ops, math_ops, nn_ops
from trainkit.ops.control_flow_ops import cond

hard_sigmoid = activations.hard_sigmoid
get_activation = activations.get


def _units(units: Any, who: str) -> int:
    if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
        raise ValueError(f"Received an invalid value for argument `units`, expected a "
                         f"positive integer, got {units!r} ({who}).")
    return int(units)


def _rate(value: Any, what: str) -> float:
    """A dropout rate clipped into ``[0, 1]`` (as tf_keras does)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{what}` must be a float between 0 and 1, got {value!r}.")
    return min(1.0, max(0.0, float(value)))


def _zeros_state(size: Any, batch_size: Any, dtype: Any) -> Any:
    """Zeros ``[batch_size, n]`` for each int ``n`` of ``size`` (nested as ``size``)."""
    if isinstance(size, list | tuple):
        return [_zeros_state(s, batch_size, dtype) for s in size]
    dims = [batch_size, int(size)]
    return array_ops.zeros(array_ops.stack(dims) if isinstance(batch_size, Tensor) else dims,
                           dtype=dtype)


class AbstractRNNCell(base_layer.Layer):
    """Base class of a cell for ``RNN``: define ``state_size``, ``output_size`` and
    ``call(inputs, states) -> (output, new_states)``.

    Example:
        >>> class Minimal(tk.keras.layers.AbstractRNNCell):
        ...     state_size = output_size = 4
        ...     def build(self, shape): self.k = self.add_weight("k", [shape[-1], 4])
        ...     def call(self, x, states): h = tk.matmul(x, self.k) + states[0]; return h, [h]
    """

    @property
    def state_size(self) -> Any:
        raise NotImplementedError("AbstractRNNCell subclasses define `state_size`.")

    @property
    def output_size(self) -> Any:
        raise NotImplementedError("AbstractRNNCell subclasses define `output_size`.")

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None,
                          dtype: Any = None) -> Any:
        """Zeros of ``[batch_size] + state_size`` for each state."""
        return _zeros_state(self.state_size, batch_size, dtype or self.dtype)


class DropoutRNNCellMixin:
    """Per-call dropout masks of a cell: drawn on the first step of a layer call (outside
    the time loop), reused on every step, cleared by the ``RNN`` layer before a call."""

    dropout: float = 0.0
    recurrent_dropout: float = 0.0

    def reset_dropout_mask(self) -> None:
        """Forgets the input dropout masks (the next call draws new ones)."""
        self._input_masks: list | None = None

    def reset_recurrent_dropout_mask(self) -> None:
        """Forgets the recurrent dropout masks."""
        self._state_masks: list | None = None

    def _masks(self, attr: str, rate: float, like: Any, training: Any, count: int) -> Any:
        if rate == 0:
            return None
        cached = getattr(self, attr, None)
        if cached is None:
            training = base_layer.learning_phase_value(training)
            ones = array_ops.ones_like(like)
            if training is False:
                cached = [ones] * count
            elif training is True:
                cached = [nn_ops.dropout(ones, rate=rate) for _ in range(count)]
            else:
                cached = [cond(training, lambda: nn_ops.dropout(ones, rate=rate),
                               lambda: array_ops.identity(ones)) for _ in range(count)]
            setattr(self, attr, cached)
        return cached

    def get_dropout_mask_for_cell(self, inputs: Any, training: Any, count: int = 1) -> Any:
        """``count`` masks shaped like ``inputs`` (None without dropout)."""
        return self._masks("_input_masks", self.dropout, inputs, training, count)

    def get_recurrent_dropout_mask_for_cell(self, inputs: Any, training: Any,
                                            count: int = 1) -> Any:
        """``count`` masks shaped like the previous output (None without dropout)."""
        return self._masks("_state_masks", self.recurrent_dropout, inputs, training, count)


class _GatedCell(DropoutRNNCellMixin, AbstractRNNCell):
    """The shared constructor and weights of the three Keras cells (``_gates`` blocks)."""

    _gates = 1

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 recurrent_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs: Any):
        self.implementation = int(kwargs.pop("implementation", 1))
        if self.implementation not in (1, 2):
            raise ValueError(f"`implementation` must be 1 or 2, got {self.implementation}.")
        super().__init__(**kwargs)
        self.units = _units(units, type(self).__name__)
        self.activation = get_activation(activation)
        self.recurrent_activation = get_activation(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regularizers = (kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = _rate(dropout, "dropout")
        self.recurrent_dropout = _rate(recurrent_dropout, "recurrent_dropout")
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
        self._ctor = {"units": units, "activation": activation,
                      "recurrent_activation": recurrent_activation, "use_bias": use_bias,
                      "kernel_initializer": kernel_initializer,
                      "recurrent_initializer": recurrent_initializer,
                      "bias_initializer": bias_initializer,
                      "kernel_regularizer": kernel_regularizer,
                      "recurrent_regularizer": recurrent_regularizer,
                      "bias_regularizer": bias_regularizer,
                      "kernel_constraint": kernel_constraint,
                      "recurrent_constraint": recurrent_constraint,
                      "bias_constraint": bias_constraint, "dropout": dropout,
                      "recurrent_dropout": recurrent_dropout,
                      "implementation": self.implementation,
                      "dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}

    def get_config(self) -> dict:
        """The constructor arguments (``from_config`` makes an unbuilt copy)."""
        return {**self._ctor, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> _GatedCell:
        """A new cell from :meth:`get_config`'s dict."""
        return cls(**config)

    @property
    def state_size(self) -> Any:
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def build(self, input_shape: Any) -> None:
        dims = list(input_shape) if not hasattr(input_shape, "as_list") \
            else input_shape.as_list()
        if not dims or dims[-1] is None:
            raise ValueError(f"{type(self).__name__}: the last dimension of the inputs must "
                             f"be defined, got input shape {tuple(dims)}.")
        n = self._gates * self.units
        self.kernel = self.add_weight("kernel", [int(dims[-1]), n],
                                      initializer=self.kernel_initializer,
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self.units, n],
                                                initializer=self.recurrent_initializer,
                                                regularizer=self._regularizers[1],
                                                constraint=self._constraints[1])
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(),
                                        initializer=self._bias_init(),
                                        regularizer=self._regularizers[2],
                                        constraint=self._constraints[2])
        self.built = True

    def _bias_shape(self) -> list:
        return [self._gates * self.units]

    def _bias_init(self) -> Any:
        return self.bias_initializer

    def _blocks(self, x: Tensor, masks: list | None, weight: Any, bias: Any) -> list:
        """``[x * mask_g] @ weight_g (+ bias_g)`` for each gate block ``g`` (one product
        split in blocks when there is no dropout mask)."""
        u, k = self.units, self._gates
        if masks is None:
            y = math_ops.matmul(x, weight)
            if bias is not None:
                y = nn_ops.bias_add(y, bias)
            return [y] if k == 1 else array_ops.split(y, k, axis=1)
        out = []
        for g in range(k):
            y = math_ops.matmul(x * masks[g], weight[:, g * u:(g + 1) * u])
            if bias is not None:
                y = nn_ops.bias_add(y, bias[g * u:(g + 1) * u])
            out.append(y)
        return out


def _first_state(states: Any) -> Tensor:
    return states[0] if nest.is_nested(states) else states


class SimpleRNNCell(_GatedCell):
    """``h = activation(x @ kernel + bias + h_prev @ recurrent_kernel)``.

    Raises:
        ValueError: for non-positive ``units``, a dropout rate outside ``[0, 1]``, an
            unknown activation, or inputs with an unknown last dimension.
    """

    _gates = 1

    def __init__(self, units: int, activation: Any = "tanh", **kwargs: Any):
        if "recurrent_activation" in kwargs:
            raise TypeError("Keyword argument not understood:", "recurrent_activation")
        super().__init__(units, activation=activation, **kwargs)
        self._ctor.pop("recurrent_activation")

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        prev = _first_state(states)
        dp = self.get_dropout_mask_for_cell(inputs, training)
        rec = self.get_recurrent_dropout_mask_for_cell(prev, training)
        h = self._blocks(inputs, dp, self.kernel, self.bias)[0]
        if rec is not None:
            prev = prev * rec[0]
        output = self.activation(h + math_ops.matmul(prev, self.recurrent_kernel))
        return output, ([output] if nest.is_nested(states) else output)


class GRUCell(_GatedCell):
    """Keras's GRU step (v1 default ``reset_after=False``: the reset gate scales the
    previous output before its product with the candidate's recurrent kernel):
    ``h = z * h_prev + (1 - z) * hh``.

    Raises:
        ValueError: as :class:`SimpleRNNCell`.
    """

    _gates = 3

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", reset_after: bool = False,
                 **kwargs: Any):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)
        self._ctor["reset_after"] = self.reset_after

    def _bias_shape(self) -> list:
        return [2, 3 * self.units] if self.reset_after else [3 * self.units]

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h_prev = _first_state(states)
        u = self.units
        dp = self.get_dropout_mask_for_cell(inputs, training, count=3)
        rec = self.get_recurrent_dropout_mask_for_cell(h_prev, training, count=3)
        in_bias, rec_bias = self.bias, None
        if self.use_bias and self.reset_after:
            in_bias, rec_bias = self.bias[0], self.bias[1]
        x_z, x_r, x_h = self._blocks(inputs, dp, self.kernel, in_bias)
        rk = self.recurrent_kernel
        hz, hr, hh_in = (h_prev, h_prev, h_prev) if rec is None else \
            (h_prev * rec[0], h_prev * rec[1], h_prev * rec[2])
        if self.reset_after:
            r_z, r_r, r_h = self._blocks(h_prev, rec, rk, rec_bias)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            recurrent_h = r * r_h
        else:
            z = self.recurrent_activation(x_z + math_ops.matmul(hz, rk[:, :u]))
            r = self.recurrent_activation(x_r + math_ops.matmul(hr, rk[:, u:2 * u]))
            recurrent_h = math_ops.matmul(r * hh_in, rk[:, 2 * u:])
        hh = self.activation(x_h + recurrent_h)
        h = z * h_prev + (1 - z) * hh
        return h, ([h] if nest.is_nested(states) else h)


class _ForgetBias:
    """The LSTM bias initializer with ``unit_forget_bias``: the forget block is ones."""

    def __init__(self, base: Any, units: int):
        self.base, self.units = base, units

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        u = self.units
        base = self.base or initializers.Zeros()
        return array_ops.concat([base([u], dtype=dtype), array_ops.ones([u], dtype=dtype),
                                 base([2 * u], dtype=dtype)], 0)


class LSTMCell(_GatedCell):
    """Keras's LSTM step, gates ``i, f, c, o``: ``c = f * c_prev + i * activation(..)``,
    ``h = o * activation(c)``; states ``[h, c]``.

    Raises:
        ValueError: as :class:`SimpleRNNCell`.
    """

    _gates = 4

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._ctor["unit_forget_bias"] = self.unit_forget_bias

    @property
    def state_size(self) -> list:
        return [self.units, self.units]

    def _bias_init(self) -> Any:
        if self.unit_forget_bias:
            return _ForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h_prev, c_prev = states[0], states[1]
        dp = self.get_dropout_mask_for_cell(inputs, training, count=4)
        rec = self.get_recurrent_dropout_mask_for_cell(h_prev, training, count=4)
        xs = self._blocks(inputs, dp, self.kernel, self.bias)
        hs = self._blocks(h_prev, rec, self.recurrent_kernel, None)
        act, gate = self.activation, self.recurrent_activation
        i = gate(xs[0] + hs[0])
        f = gate(xs[1] + hs[1])
        c = f * c_prev + i * act(xs[2] + hs[2])
        o = gate(xs[3] + hs[3])
        h = o * act(c)
        return h, [h, c]


__all__ = ["AbstractRNNCell", "DropoutRNNCellMixin", "SimpleRNNCell", "GRUCell",
           "LSTMCell", "hard_sigmoid", "get_activation"]
