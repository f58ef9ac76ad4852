"""Class-style layers (``tf.compat.v1.layers.Dense``, ``Conv2D``, ...): objects that own
their variables, created on the first call and reused by every later call.

A layer captures its variable scope on the first call (``dense``, ``dense_1``, ... unique
in the enclosing variable scope, or its ``name``) and re-enters that scope, with reuse, on
every later call. Subclass :class:`Layer` with ``build(input_shape)`` (create variables
with ``add_weight``) and ``call(inputs, **kwargs)`` for your own layers.

Example:
    >>> dense = tk.layers.Dense(10, activation=tk.nn.relu)
    >>> y1, y2 = dense(x1), dense(x2)           # one kernel, one bias
    >>> dense.kernel.op.name, len(dense.trainable_variables)
    ('dense/kernel', 2)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base, conv, conv3d_layers, core, normalization, separable
from trainkit.ops.partitioned_variables import save_slice_info


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out).replace("3_d", "3d").replace("2_d", "2d").replace("1_d", "1d")


class Layer:
    """Base class of class-style layers (``tf.compat.v1.layers.Layer``).

    Args:
        trainable: whether the layer's variables go to ``TRAINABLE_VARIABLES``.
        name: the variable scope name (default: the snake-cased class name, made unique).
        dtype: accepted; the inputs' dtype is used.
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 **kwargs: Any):
        unknown = set(kwargs) - {"_reuse", "_scope", "activity_regularizer", "input_shape",
                                 "batch_input_shape", "autocast"}
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        self.trainable = trainable
        self._name_arg = name
        self._base_name = name or _snake(type(self).__name__)
        self._reuse = kwargs.get("_reuse")
        self._scope: vs.VariableScope | None = None
        self._variables: list[Any] = []
        self._updates: list[Any] = []
        self.built = False
        self.dtype = dtype

    # -- the protocol subclasses implement ----------------------------------------------
    def build(self, input_shape: TensorShape) -> None:
        """Creates the variables (called once, inside the layer's scope)."""

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation (called inside the layer's scope)."""
        return inputs

    # -- calling -------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        graph = get_default_graph()
        before = {id(v) for v in self._all_vars(graph)}
        n_updates = len(graph.get_collection(GraphKeys.UPDATE_OPS))
        if self._scope is None:
            if self._reuse is True:
                cm = vs.variable_scope(self._base_name, reuse=True)
            else:
                # TF1 makes even a given name unique: Dense(name="m") twice -> m, m_1
                cm = vs.variable_scope(None, default_name=self._base_name)
            with cm as scope:
                self._scope = scope
        with vs.variable_scope(self._scope, reuse=True if self.built else self._reuse):
            if not self.built:
                shape = getattr(inputs, "shape", None)
                self.build(shape if isinstance(shape, TensorShape) else TensorShape(None))
            out = self.call(inputs, *args, **kwargs)
            self.built = True
        self._variables += [v for v in self._all_vars(graph) if id(v) not in before]
        self._updates += graph.get_collection(GraphKeys.UPDATE_OPS)[n_updates:]
        return out

    def apply(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Same as calling the layer."""
        return self(inputs, *args, **kwargs)

    @staticmethod
    def _all_vars(graph: Any) -> list:
        return (graph.get_collection(GraphKeys.GLOBAL_VARIABLES) +
                graph.get_collection(GraphKeys.LOCAL_VARIABLES))

    def add_weight(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None,
                   regularizer: Callable | None = None, trainable: bool | None = None,
                   constraint: Any = None, **kwargs: Any) -> Any:
        """Creates (or, on reuse, gets) the variable ``<scope>/name`` (call in ``build``)."""
        train = self.trainable if trainable is None else trainable and self.trainable
        return vs.get_variable(name, shape, dtype=dtype, initializer=initializer,
                               regularizer=regularizer, trainable=train, constraint=constraint)

    add_variable = add_weight

    # -- what the layer owns ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._scope.name if self._scope is not None else self._base_name

    @property
    def scope_name(self) -> str:
        if self._scope is None:
            raise ValueError("No name available for layer scope because the layer "
                             f"{self._base_name!r} has not been used yet.")
        return self._scope.name

    @property
    def variables(self) -> list:
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self) -> list:
        trainable = {id(v) for v in get_default_graph().get_collection(
            GraphKeys.TRAINABLE_VARIABLES)}
        return [v for v in self._variables if id(v) in trainable]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self) -> list:
        ids = {id(v) for v in self.trainable_variables}
        return [v for v in self._variables if id(v) not in ids]

    non_trainable_weights = non_trainable_variables

    @property
    def updates(self) -> list:
        return list(self._updates)

    def _var(self, suffix: str) -> Any:
        for v in self._variables:
            if v.op.name.endswith("/" + suffix):
                return v
            info = save_slice_info(v)  # a shard: the layer's weight is its variable
            if info is not None and info.full_name.endswith("/" + suffix):
                return vs.partitioned_variable_store(v.op.graph).get(info.full_name)
        return None


class _Functional(Layer):
    """A built-in layer that runs the functional layer in its captured scope."""

    _fn: Callable

    def __init__(self, trainable: bool = True, name: str | None = None, **config: Any):
        params = inspect.signature(type(self)._fn).parameters
        layer_kw = {k: config.pop(k) for k in list(config) if k not in params}
        super().__init__(trainable=trainable, name=name, **layer_kw)
        self._config = config

    def call(self, inputs: Any, **kwargs: Any) -> Tensor:
        return type(self)._fn(inputs, name=self._scope, **self._config, **kwargs,
                              **self._extra())

    def _extra(self) -> dict:
        return {"trainable": self.trainable, "reuse": True if self.built else self._reuse}


class Dense(_Functional):
    """``tf.layers.Dense(units, activation=None, use_bias=True, ...)``."""

    _fn = staticmethod(core.dense)

    def __init__(self, units: int, activation: Callable | None = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True,
                 name: str | None = None, **kwargs: Any):
        super().__init__(trainable, name, units=units, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
        self.units = units

    kernel = property(lambda self: self._var("kernel"))
    bias = property(lambda self: self._var("bias"))


class _ConvBase(_Functional):
    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 activation: Callable | None = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True,
                 name: str | None = None, **kwargs: Any):
        super().__init__(trainable, name, filters=filters, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
        self.filters = filters

    kernel = property(lambda self: self._var("kernel"))
    bias = property(lambda self: self._var("bias"))


class Conv2D(_ConvBase):
    """``tf.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...)``."""

    _fn = staticmethod(conv.conv2d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1), **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate=dilation_rate, **kwargs)


class Conv1D(_ConvBase):
    """``tf.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', ...)``."""

    _fn = staticmethod(conv.conv1d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = 1, **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate=dilation_rate, **kwargs)


class Conv3D(_ConvBase):
    """``tf.layers.Conv3D(filters, kernel_size, strides=(1, 1, 1), padding='valid', ...)``."""

    _fn = staticmethod(conv3d_layers.conv3d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1, 1), **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate=dilation_rate, **kwargs)


class Conv2DTranspose(_ConvBase):
    """``tf.layers.Conv2DTranspose(filters, kernel_size, strides=(1, 1), ...)``."""

    _fn = staticmethod(conv.conv2d_transpose)


class SeparableConv2D(_Functional):
    """``tf.layers.SeparableConv2D(filters, kernel_size, strides=(1, 1), padding='valid',
    data_format='channels_last', dilation_rate=(1, 1), depth_multiplier=1, ...)``; its
    variables are ``depthwise_kernel``, ``pointwise_kernel`` and ``bias``."""

    _fn = staticmethod(separable.separable_conv2d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                 activation: Callable | None = None, use_bias: bool = True,
                 trainable: bool = True, name: str | None = None, **kwargs: Any):
        super().__init__(trainable, name, filters=filters, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                         activation=activation, use_bias=use_bias, **kwargs)
        self.filters = filters

    depthwise_kernel = property(lambda self: self._var("depthwise_kernel"))
    pointwise_kernel = property(lambda self: self._var("pointwise_kernel"))
    bias = property(lambda self: self._var("bias"))


class SeparableConv1D(_Functional):
    """``tf.layers.SeparableConv1D(filters, kernel_size, strides=1, padding='valid',
    data_format='channels_last', dilation_rate=1, depth_multiplier=1, ...)``; its
    variables are ``depthwise_kernel``, ``pointwise_kernel`` and ``bias``."""

    _fn = staticmethod(separable.separable_conv1d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = 1, depth_multiplier: int = 1,
                 activation: Callable | None = None, use_bias: bool = True,
                 trainable: bool = True, name: str | None = None, **kwargs: Any):
        super().__init__(trainable, name, filters=filters, kernel_size=kernel_size,
                         strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                         activation=activation, use_bias=use_bias, **kwargs)
        self.filters = filters

    depthwise_kernel = property(lambda self: self._var("depthwise_kernel"))
    pointwise_kernel = property(lambda self: self._var("pointwise_kernel"))
    bias = property(lambda self: self._var("bias"))


class _Stateless(_Functional):
    def _extra(self) -> dict:
        return {}


class _Pooling(_Stateless):
    """The pooling layers' shared constructor (TF1's ``Pooling1D/2D/3D`` arguments)."""

    def __init__(self, pool_size: Any, strides: Any, padding: str = "valid",
                 data_format: str = "channels_last", name: str | None = None, **kwargs: Any):
        super().__init__(True, name, pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """``tf.layers.MaxPooling2D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv.max_pooling2d)


class AveragePooling2D(_Pooling):
    """``tf.layers.AveragePooling2D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv.average_pooling2d)


class MaxPooling1D(_Pooling):
    """``tf.layers.MaxPooling1D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv.max_pooling1d)


class AveragePooling1D(_Pooling):
    """``tf.layers.AveragePooling1D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv.average_pooling1d)


class MaxPooling3D(_Pooling):
    """``tf.layers.MaxPooling3D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv3d_layers.max_pooling3d)


class AveragePooling3D(_Pooling):
    """``tf.layers.AveragePooling3D(pool_size, strides, padding='valid', ...)``."""

    _fn = staticmethod(conv3d_layers.average_pooling3d)


class Flatten(_Stateless):
    """``tf.layers.Flatten()``: ``[batch, ...]`` to ``[batch, -1]``."""

    _fn = staticmethod(core.flatten)

    def __init__(self, data_format: str = "channels_last", name: str | None = None,
                 **kwargs: Any):
        super().__init__(True, name, data_format=data_format, **kwargs)


class Dropout(_Stateless):
    """``tf.layers.Dropout(rate=0.5, noise_shape=None, seed=None)``; call with
    ``training=`` (default False: the identity)."""

    _fn = staticmethod(core.dropout)

    def __init__(self, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(True, name, rate=rate, noise_shape=noise_shape, seed=seed, **kwargs)
        self.rate = rate

    def call(self, inputs: Any, training: Any = False) -> Tensor:
        return core.dropout(inputs, name=self._scope, training=training, **self._config)


class BatchNormalization(_Functional):
    """``tf.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, ...)``; call
    with ``training=``; the moving-average updates are in ``updates`` and ``UPDATE_OPS``."""

    _fn = staticmethod(normalization.batch_normalization)

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, trainable: bool = True,
                 name: str | None = None, **kwargs: Any):
        super().__init__(trainable, name, axis=axis, momentum=momentum, epsilon=epsilon,
                         center=center, scale=scale, **kwargs)

    def call(self, inputs: Any, training: Any = False) -> Tensor:
        return normalization.batch_normalization(inputs, name=self._scope, training=training,
                                                 **self._config, **self._extra())

    gamma = property(lambda self: self._var("gamma"))
    beta = property(lambda self: self._var("beta"))
    moving_mean = property(lambda self: self._var("moving_mean"))
    moving_variance = property(lambda self: self._var("moving_variance"))


__all__ = ["Layer", "Dense", "Conv2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D",
           "Flatten", "Dropout", "BatchNormalization"]
