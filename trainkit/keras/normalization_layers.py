"""Keras's ``BatchNormalization`` in graph mode.

Training uses the batch's statistics and builds the two moving-average updates, which
(as in tf_keras) go to ``layer.updates`` / ``model.updates`` and NOT to ``UPDATE_OPS``::

    bn = tk.keras.layers.BatchNormalization()
    h = bn(x, training=True)
    with tk.control_dependencies(bn.updates):
        train_op = optimizer.minimize(loss)

Without ``training=``, the learning phase decides (a ``cond`` on
``tk.keras.backend.learning_phase()``).
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops.layers_impl import normalization


class BatchNormalization(base_layer.Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` over every axis but ``axis``;
    weights ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance``.

    Raises:
        ValueError: for an input of unknown rank, an ``axis`` out of range or an unknown
            normalized dimension.
        NotImplementedError: for ``renorm``, ``virtual_batch_size`` or ``adjustment``.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False,
                 virtual_batch_size: Any = None, adjustment: Any = None, fused: Any = None,
                 **kwargs: Any):
        for key in ("renorm_clipping", "renorm_momentum", "trainable_batch_norm"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("BatchNormalization: renorm, virtual_batch_size and "
                                      "adjustment are not supported.")
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self.fused = fused  # False: the non-fused layer (biased moving variance)
        self._inits = {"gamma": gamma_initializer, "beta": beta_initializer,
                       "moving_mean": moving_mean_initializer,
                       "moving_variance": moving_variance_initializer}
        self._regs = {"gamma": gamma_regularizer, "beta": beta_regularizer}
        self._cons = {"gamma": gamma_constraint, "beta": beta_constraint}

    def build(self, input_shape: Any) -> None:
        ndims = input_shape.ndims
        if ndims is None:
            raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
        if not isinstance(self.axis, int) or not -ndims <= self.axis < ndims:
            raise ValueError("Invalid value for `axis` argument. Expected 0 <= axis < "
                             f"inputs.rank (with inputs.rank={ndims}). Received: "
                             f"axis=({self.axis},)")
        depth = input_shape.as_list()[self.axis]
        if depth is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined "
                             f"dimension but the layer received an input with shape "
                             f"{input_shape}.")
        self.gamma = self.beta = None
        names = (["gamma"] if self.scale else []) + (["beta"] if self.center else [])
        for name in names + ["moving_mean", "moving_variance"]:
            trainable = name in ("gamma", "beta")
            var = self.add_weight(name, [depth], initializer=self._inits[name],
                                  regularizer=self._regs.get(name), trainable=trainable,
                                  constraint=self._cons.get(name))
            setattr(self, name, var)

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        training = base_layer.learning_phase_value(training)
        return normalization.batch_normalization(
            inputs, axis=self.axis, momentum=self.momentum, epsilon=self.epsilon,
            center=self.center, scale=self.scale, training=training,
            name=self.function_scope(), reuse=True, updates_out=self._updates,
            fused=self.fused)


__all__ = ["BatchNormalization"]
