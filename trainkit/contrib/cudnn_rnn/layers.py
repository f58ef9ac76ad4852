"""TF 1.15's ``tf.contrib.cudnn_rnn`` layers on the CPU: ``CudnnLSTM``, ``CudnnGRU``,
``CudnnRNNTanh``, ``CudnnRNNRelu``.

In TF these need a GPU (the ``CudnnRNN`` ops have no CPU kernel). Here the same layers
run cuDNN's equations with trainkit ops (``forward.py``), so gradients, optimizers and
checkpoints work as for any layer. A layer owns one variable, ``<name>/opaque_kernel``
(a flat buffer, ``params.py``), initialised from ``kernel_initializer`` (glorot-uniform)
per canonical weight matrix and ``bias_initializer`` (zeros) per bias vector; building it
registers a saveable (``saveable.py``) so ``Saver`` also writes the canonical weights
under the compatible cells' names.

``layer(inputs, initial_state=None, sequence_lengths=None, time_major=True,
training=True)`` takes ``[time, batch, depth]`` inputs (``[batch, time, depth]`` with
``time_major=False``) and returns ``(outputs, (h, c))`` for the LSTM, ``(outputs, (h,))``
otherwise: outputs ``[time, batch, num_dirs * num_units]``, states
``[num_layers * num_dirs, batch, num_units]`` (layer-major, forward first).

Differs from TF: ``skip_input`` (and ``auto_select`` when it would skip) and LSTM
projections raise NotImplementedError; gradients also flow with ``training=False`` (TF
refuses them); without ``initial_state`` and with ``time_major=False`` the zero state
uses the batch dimension (TF 1.15 takes ``inputs``' second dimension, the time);
``opaque_kernel`` has a static shape ``[params size]`` (TF's is unknown), so optimizer
slots need no special case.

Example:
    >>> lstm = tk.contrib.cudnn_rnn.CudnnLSTM(num_layers=2, num_units=64,
    ...                                       direction="bidirectional")
    >>> outputs, (h, c) = lstm(x_tbd, training=True)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from trainkit.contrib.cudnn_rnn import params as P
from trainkit.contrib.cudnn_rnn import saveable as S
from trainkit.contrib.cudnn_rnn.forward import forward
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.ops import array_ops, init_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.join_ops import stack
from trainkit.ops.layers_impl.classes import Layer

_FLOATS = (_dt.float16, _dt.float32, _dt.float64)


class _CudnnRNN(Layer):
    """The shared constructor, variable, checks and call of the four layers.

    Args:
        num_layers: the number of stacked layers.
        num_units: the units of each layer (and direction).
        input_mode: ``linear_input`` (default); see the module doc.
        direction: ``unidirectional`` (default) or ``bidirectional``.
        dropout: the dropout rate between layers while ``training`` (0 disables).
        seed: the op seed of the initializer and of the dropout.
        dtype: ``float16``, ``float32`` (default) or ``float64``.
        kernel_initializer: of each canonical weight matrix (default glorot-uniform).
        bias_initializer: of each canonical bias (default zeros).
        name: the variable scope (default ``cudnn_lstm``, ``cudnn_gru``, ...).

    Raises:
        ValueError: an invalid ``direction``, ``input_mode`` or ``dtype``;
            ``num_layers`` / ``num_units`` not positive ints; ``dropout`` outside
            ``[0, 1)``.
    """

    _rnn_mode = P.CUDNN_LSTM
    _saveable_cls: type = S.CudnnLSTMSaveable

    def __init__(self, num_layers: int, num_units: int,
                 input_mode: str = P.CUDNN_INPUT_LINEAR_MODE,
                 direction: str = P.CUDNN_RNN_UNIDIRECTION, dropout: float = 0.0,
                 seed: int | None = None, dtype: Any = _dt.float32,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 name: str | None = None):
        cls = type(self).__name__
        P.check_direction(direction)
        P.check_input_mode(input_mode)
        dtype = _dt.as_dtype(dtype)
        if dtype not in _FLOATS:
            raise ValueError(f"{cls}: only float16, float32, float64 are supported, "
                             f"provided {dtype.name}")
        for what, value in (("num_layers", num_layers), ("num_units", num_units)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{cls}: {what} must be a positive int, got {value!r}.")
        if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            raise ValueError(f"{cls}: dropout must be a rate in [0, 1), got {dropout!r}.")
        super().__init__(name=name, dtype=dtype)
        self._plain_dtype = dtype
        self._num_layers, self._num_units = int(num_layers), int(num_units)
        self._input_mode, self._direction = input_mode, direction
        self._dropout, self._seed = float(dropout), seed
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._input_size: int | None = None
        self._layout: P.Layout | None = None
        self._saveable: Any = None
        self.kernel: Any = None

    # -- TF's properties -------------------------------------------------------------------
    num_layers = property(lambda self: self._num_layers)
    num_units = property(lambda self: self._num_units)
    input_mode = property(lambda self: self._input_mode)
    rnn_mode = property(lambda self: self._rnn_mode)
    direction = property(lambda self: self._direction)
    saveable = property(lambda self: self._saveable)

    @property
    def num_dirs(self) -> int:
        return 1 if self._direction == P.CUDNN_RNN_UNIDIRECTION else 2

    @property
    def input_size(self) -> int:
        if not self._input_size:
            raise ValueError("'input_size' is unknown since layer has not been built.")
        return self._input_size

    def _built_layout(self, what: str) -> P.Layout:
        if self._layout is None:
            raise RuntimeError(f"{type(self).__name__}.{what} invoked before input shape "
                               "is known")
        return self._layout

    @property
    def canonical_weight_shapes(self) -> list:
        return [tuple(s) for s in self._built_layout("canonical_weight_shapes").weight_shapes]

    @property
    def canonical_bias_shapes(self) -> list:
        return [list(s) for s in self._built_layout("canonical_bias_shapes").bias_shapes]

    @property
    def variables(self) -> list:
        return [self.kernel] if self.kernel is not None else []

    weights = variables

    @property
    def trainable_variables(self) -> list:
        trainable = {id(v) for v in get_default_graph().get_collection(
            GraphKeys.TRAINABLE_VARIABLES)}
        return [v for v in self.variables if id(v) in trainable]

    trainable_weights = trainable_variables

    def state_shape(self, batch_size: Any) -> tuple:
        """The shapes of the initial states: ``[num_layers * num_dirs, batch, units]``."""
        shape = [self._num_layers * self.num_dirs, batch_size, self._num_units]
        return (shape, shape) if self._rnn_mode == P.CUDNN_LSTM else (shape,)

    # -- building ----------------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates ``opaque_kernel`` for inputs of ``input_shape`` (3 dims, known depth).

        Raises:
            ValueError: another rank than 3, or an unknown last dimension.
            NotImplementedError: as :class:`~params.Layout`.
        """
        if self.built:
            return
        shape = TensorShape(input_shape)
        if shape.ndims != 3:
            raise ValueError(f"{type(self).__name__}: expecting input_shape with 3 dims, "
                             f"got {shape.ndims} (shape {shape}).")
        if shape[-1] is None:
            raise ValueError("The last dimension of the inputs to `CudnnRNN` should be "
                             "defined. Found `None`.")
        layout = P.Layout(self._rnn_mode, self._num_layers, self._num_units, int(shape[-1]),
                          self._input_mode, self._direction)
        outer = vs.get_variable_scope()
        if self._scope is None:
            with vs.variable_scope(None, default_name=self._base_name) as scope:
                self._scope = scope
        dtype = self._plain_dtype
        with vs.variable_scope(self._scope):
            k_init = self._kernel_initializer or init_ops.glorot_uniform_initializer(
                seed=self._seed, dtype=dtype)
            b_init = self._bias_initializer or init_ops.constant_initializer(0.0, dtype=dtype)
            weights = [k_init(list(s), dtype=dtype) for s in layout.weight_shapes]
            biases = [b_init(list(s), dtype=dtype) for s in layout.bias_shapes]
            self.kernel = vs.get_variable("opaque_kernel", dtype=dtype,
                                          initializer=layout.cu_to_opaque(weights, biases))
        self._input_size, self._layout = layout.input_size, layout
        if outer.reuse is not True and self._saveable is None:
            self._saveable = self._saveable_cls(
                self.kernel, self._num_layers, self._num_units, layout.input_size,
                input_mode=self._input_mode, direction=self._direction, scope=outer,
                name=f"{self.kernel.op.name}_saveable")
            get_default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS, self._saveable)
        self.built = True

    # -- calling -----------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        # arrays become tensors first, so build sees their shape
        return super().__call__(conversion.convert_to_tensor(inputs, dtype=self._plain_dtype),
                                *args, **kwargs)

    def call(self, inputs: Any, initial_state: Any = None, sequence_lengths: Any = None,
             time_major: bool = True, training: bool = True) -> tuple:
        """Runs the RNN (see the module doc).

        Raises:
            TypeError: ``initial_state`` not a tuple; ``training`` not a Python bool.
            ValueError: inputs not of rank 3 or of another depth than the layer's; an
                initial state of the wrong length.
        """
        cls = type(self).__name__
        if initial_state is not None and not isinstance(initial_state, tuple):
            raise TypeError(f"Invalid initial_state type: {initial_state!r}, expecting tuple.")
        if not isinstance(training, bool | np.bool_):
            raise TypeError(f"{cls}: training must be a Python bool (it is an attribute of "
                            f"the cuDNN op), got {training!r}.")
        x = conversion.convert_to_tensor(inputs, dtype=self._plain_dtype)
        if x.shape.ndims != 3:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected ndim=3, found ndim={x.shape.ndims}. Full shape "
                             f"received: {x.shape}")
        if x.shape[-1] is not None and int(x.shape[-1]) != self._input_size:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected axis -1 of input shape to have value "
                             f"{self._input_size}, got shape {x.shape}")
        lstm = self._rnn_mode == P.CUDNN_LSTM
        n_states = 2 if lstm else 1
        if initial_state is None:
            batch = array_ops.shape(x)[1 if time_major else 0]
            shape = self.state_shape(batch)[0]
            if not time_major:
                shape = [shape[1], shape[0], shape[2]]
            initial_state = tuple(array_ops.zeros(stack(shape), dtype=self._plain_dtype)
                                  for _ in range(n_states))
        if len(initial_state) != n_states:
            raise ValueError(f"{cls}: initial_state must hold {n_states} tensor(s), got "
                             f"{len(initial_state)}.")
        states = [conversion.convert_to_tensor(s, dtype=self._plain_dtype)
                  for s in initial_state]
        outputs, h, c = forward(self._layout, self.kernel, x, states[0],
                                states[1] if lstm else None, sequence_lengths,
                                bool(time_major), bool(training), self._dropout, self._seed)
        return (outputs, (h, c)) if lstm else (outputs, (h,))


class CudnnLSTM(_CudnnRNN):
    """cuDNN's LSTM (gates ``i, f, c, o``, input and recurrent biases summed, no forget
    bias) on the CPU; arguments as :class:`_CudnnRNN`. Returns ``(outputs, (h, c))``."""

    _rnn_mode = P.CUDNN_LSTM
    _saveable_cls = S.CudnnLSTMSaveable


class CudnnGRU(_CudnnRNN):
    """cuDNN's GRU (the reset gate after the recurrent product, which keeps its own bias)
    on the CPU; arguments as :class:`_CudnnRNN`. Returns ``(outputs, (h,))``."""

    _rnn_mode = P.CUDNN_GRU
    _saveable_cls = S.CudnnGRUSaveable


class CudnnRNNTanh(_CudnnRNN):
    """``h' = tanh(x W + b_W + h R + b_R)``; arguments as :class:`_CudnnRNN`."""

    _rnn_mode = P.CUDNN_RNN_TANH
    _saveable_cls = S.CudnnRNNTanhSaveable


class CudnnRNNRelu(_CudnnRNN):
    """``h' = relu(x W + b_W + h R + b_R)``; arguments as :class:`_CudnnRNN`."""

    _rnn_mode = P.CUDNN_RNN_RELU
    _saveable_cls = S.CudnnRNNReluSaveable


__all__ = ["CudnnLSTM", "CudnnGRU", "CudnnRNNTanh", "CudnnRNNRelu"]
