"""Keras's core layers: ``Dense``, ``Activation``, ``Dropout``, ``Flatten``, ``Reshape``,
``Lambda`` and ``Embedding`` (graph mode, over ``tk.layers`` and ``tk.nn``).

Example:
    >>> h = tk.keras.layers.Dense(128, activation="relu")(x)
    >>> h = tk.keras.layers.Dropout(0.2)(h)       # active when the learning phase is 1
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, sequence_masks
from trainkit.ops import array_ops, comparison_ops, embedding_ops, math_ops
from trainkit.ops.layers_impl import core


def _positive(value: Any, what: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"Received an invalid value for `{what}`, expected a positive "
                         f"integer. Received: {what}={value!r}")
    return int(value)


class Dense(base_layer.Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis; weights ``kernel``
    ``[in, units]`` (glorot-uniform) and ``bias`` ``[units]`` (zeros).

    Differs from TF: ``units=0`` is refused when constructed (TF accepts it and builds
    an empty kernel).

    Raises:
        ValueError: for a non-positive ``units``, an unknown activation name, an input
            of rank below 2 or with an unknown last dimension.
    """

    _min_ndim = 2

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _positive(units, "units", "Dense")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)

    def build(self, input_shape: Any) -> None:
        last = input_shape.as_list()[-1] if input_shape.ndims else None
        if last is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             "defined. Found None. Full input shape received: "
                             f"{base_layer.shape_tuple(input_shape)}")
        self.kernel = self.add_weight("kernel", [last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                    regularizer=self._regularizers[1],
                                    constraint=self._constraints[1]) if self.use_bias else None

    def call(self, inputs: Any) -> Tensor:
        return core.dense(inputs, self.units, activation=self.activation,
                          use_bias=self.use_bias, name=self.function_scope(), reuse=True)


class Activation(base_layer.Layer):
    """Applies an activation function (a name such as ``'relu'`` or a callable).

    Raises:
        ValueError: for an unknown activation name.
    """

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Tensor:
        return self.activation(conversion.convert_to_tensor(inputs))


class Dropout(base_layer.Layer):
    """Zeroes each entry with probability ``rate`` (scaling the rest by
    ``1 / (1 - rate)``) when training: ``training=`` in the call, else the learning phase
    (``tk.keras.backend.learning_phase()``, False unless fed or set).

    Raises:
        ValueError: for a ``rate`` outside ``[0, 1]``.
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(rate, numbers.Real) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             "between 0 and 1.")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        training = base_layer.learning_phase_value(training)
        if self.rate == 0 or training is False:
            return array_ops.identity(conversion.convert_to_tensor(inputs))
        return core.dropout(inputs, rate=self.rate, noise_shape=self.noise_shape,
                            seed=self.seed, training=training, name=self.function_scope())


class Flatten(base_layer.Layer):
    """``[batch, d1, d2, ...]`` to ``[batch, d1 * d2 * ...]`` (``[batch]`` to
    ``[batch, 1]``)."""

    _min_ndim = 1

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs: Any) -> Tensor:
        return core.flatten(inputs, name=self.function_scope(), data_format=self.data_format)


class Reshape(base_layer.Layer):
    """Reshapes each example to ``target_shape`` (the batch dimension is kept; one entry
    may be -1).

    Differs from TF: more than one -1 is refused when constructed (TF fails on the call).

    Raises:
        ValueError: for more than one -1, or sizes that do not match the input's.
    """

    def __init__(self, target_shape: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError("There must be at most one unknown dimension in output_shape. "
                             f"Received: output_shape={self.target_shape}.")

    def _output_dims(self, in_dims: list) -> list:
        target = list(self.target_shape)
        known = in_dims[1:]
        if any(d is None for d in known):
            return [in_dims[0], *[None if d == -1 else d for d in target]]
        size = math.prod(known)
        fixed = math.prod(d for d in target if d != -1)
        if -1 in target:
            if fixed == 0 or size % fixed:
                raise ValueError(f"total size of new array must be unchanged, input_shape = "
                                 f"{known}, output_shape = {target}")
            target[target.index(-1)] = size // fixed
        elif size != fixed:
            raise ValueError(f"total size of new array must be unchanged, input_shape = "
                             f"{known}, output_shape = {target}")
        return [in_dims[0], *target]

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        dims = self._output_dims(x.shape.as_list()) if x.shape.ndims else None
        shape = array_ops.concat([array_ops.shape(x)[:1],
                                  conversion.convert_to_tensor(list(self.target_shape),
                                                               dtype=_dt.int32)], 0)
        y = array_ops.reshape(x, shape)
        if dims is not None:
            y.set_shape(dims)
        return y


class Lambda(base_layer.Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer (it owns no weights)."""

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {function!r}.")
        self.function = function
        self.arguments = dict(arguments or {})

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        return self.function(inputs, **self.arguments, **kwargs)


class Embedding(base_layer.Layer):
    """Looks up rows of ``embeddings`` ``[input_dim, output_dim]`` (uniform in
    ``±0.05`` by default) for integer ids.

    Raises:
        ValueError: for non-positive ``input_dim`` or ``output_dim``.
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False,
                 input_length: int | None = None, **kwargs: Any):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        if (isinstance(input_dim, numbers.Integral) and isinstance(output_dim, numbers.Integral)
                and (input_dim <= 0 or output_dim <= 0)):
            raise ValueError("Both `input_dim` and `output_dim` should be positive, "
                             f"Received input_dim = {input_dim} and output_dim = {output_dim}")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim = _positive(input_dim, "input_dim", "Embedding")
        self.output_dim = _positive(output_dim, "output_dim", "Embedding")
        self.embeddings_initializer = embeddings_initializer
        self._regularizer = embeddings_regularizer
        self._constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self.input_length = input_length

    def build(self, input_shape: Any) -> None:
        self.embeddings = self.add_weight("embeddings", [self.input_dim, self.output_dim],
                                          initializer=self.embeddings_initializer,
                                          regularizer=self._regularizer,
                                          constraint=self._constraint)

    def call(self, inputs: Any) -> Tensor:
        ids = conversion.convert_to_tensor(inputs)
        if ids.dtype.base_dtype not in (_dt.int32, _dt.int64):
            ids = math_ops.cast(ids, _dt.int32)
        out = embedding_ops.embedding_lookup(self.embeddings, ids)
        if self.mask_zero:  # id 0 is padding: the recurrent layers skip those steps
            sequence_masks.set_mask(out, comparison_ops.not_equal(ids, 0))
        return out


__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda", "Embedding"]
