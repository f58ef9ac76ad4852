"""``tk.keras.optimizers``: Keras's (legacy OptimizerV2) ``SGD``, ``Adam``, ``RMSprop``,
``Adagrad`` and ``Adadelta`` as tf_keras builds them in TF1 graph mode, and ``get``.

An optimizer keeps its hyperparameters in variables (``training/Adam/learning_rate:0``,
so ``backend.set_value(opt.lr, 0.01)`` works), an ``iter`` step counter and per-variable
slots named after the variable (``training/Adam/dense/kernel/m:0``). The update math is
tf_keras's: Adam's bias correction is computed from ``iter + 1`` and epsilon is added to
``sqrt(v)`` (not scaled), SGD's momentum is Keras's ``accum = mu * accum - lr * g;
var += accum``, RMSprop without momentum adds epsilon outside the square root (with
momentum, inside, as the fused kernel does), Adagrad adds epsilon to ``sqrt(accum)``.
Where the math is TF1's, the fused update kernels of ``trainkit.training`` run it.

A ``tk.train.Optimizer`` (``tf.train.AdamOptimizer()``) handed to ``Model.compile`` is
wrapped as tf_keras wraps it (:class:`TFOptimizer`). ``Adadelta``, ``Adamax``, ``Nadam``
and ``Ftrl`` come from :mod:`trainkit.keras.adaptive_optimizers`; ``serialize`` gives
``{'class_name', 'config'}`` and ``deserialize``/``get`` rebuild an optimizer from it.

Example:
    >>> model.compile(optimizer=tk.keras.optimizers.Adam(1e-3), loss="mse")
    >>> tk.keras.optimizers.get("sgd").get_config()["learning_rate"]
    0.01
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend
from trainkit.keras import learning_rate_schedules as schedules
from trainkit.keras.adaptive_optimizers import Adadelta, Adamax, Ftrl, Nadam
from trainkit.keras.optimizer_v2 import Optimizer, make_variable
from trainkit.ops import math_ops, state_ops
from trainkit.ops.variables import Variable
from trainkit.training import optimizer as tf1_optimizer
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


class SGD(Optimizer):
    """Gradient descent with Keras's momentum: ``accum = momentum * accum - lr * g``;
    ``var += accum`` (Nesterov: ``var += momentum * accum - lr * g``).

    Raises:
        ValueError: for a momentum outside ``[0, 1]``.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, name: str = "SGD", **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be between [0, 1]. Received: "
                             f"momentum={momentum} (of type {type(momentum)}).")
        self._set_hyper("momentum", momentum)
        self.nesterov = bool(nesterov)

    def get_config(self) -> dict:
        return {**super().get_config(), "nesterov": self.nesterov}

    def _create_slots(self, var_list: list) -> None:
        if self._hyper["momentum"]:
            for v in var_list:
                self.add_slot(v, "momentum")

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        lr = c["lr_t"]
        if not self._hyper["momentum"]:
            return apply_op("ApplyGradientDescent", [var], [lr], grad)
        mu = self._hyper_t("momentum", var.dtype.base_dtype)
        acc = self.get_slot(var, "momentum")
        acc_t = state_ops.assign(acc, acc * mu - lr * grad)
        step = acc_t * mu - lr * grad if self.nesterov else acc_t
        return state_ops.assign_add(var, step).op

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        if not self._hyper["momentum"]:
            return None  # var[i] -= lr g: the dense numbers
        mu = self._hyper_t("momentum", var.dtype.base_dtype)
        return apply_sparse_op("SparseApplyKerasMomentum",
                               [var, self.get_slot(var, "momentum")], [c["lr_t"], mu], grad,
                               attrs={"use_nesterov": self.nesterov})


class Adam(Optimizer):
    """Adam: ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``var -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`` with
    ``t = iterations + 1``; AMSGrad divides by ``sqrt(max(vhat, v))`` instead."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 name: str = "Adam", **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self.amsgrad = bool(amsgrad)

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon, "amsgrad": self.amsgrad}

    def _create_slots(self, var_list: list) -> None:
        for name in ("m", "v") + (("vhat",) if self.amsgrad else ()):
            for v in var_list:
                self.add_slot(v, name)

    def _prepare(self, dtype: Any) -> dict:
        c = super()._prepare(dtype)
        t = math_ops.cast(self.iterations + 1, dtype)
        b1, b2 = self._hyper_t("beta_1", dtype), self._hyper_t("beta_2", dtype)
        c.update(beta_1=b1, beta_2=b2, beta_1_power=math_ops.pow(b1, t),
                 beta_2_power=math_ops.pow(b2, t))
        return c

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        if not self.amsgrad:
            return apply_op("ApplyAdam", [var, m, v],
                            [c["beta_1_power"], c["beta_2_power"], c["lr_t"], c["beta_1"],
                             c["beta_2"], self.epsilon], grad)
        b1, b2 = c["beta_1"], c["beta_2"]
        lr = c["lr_t"] * math_ops.sqrt(1.0 - c["beta_2_power"]) / (1.0 - c["beta_1_power"])
        m_t = state_ops.assign(m, m * b1 + grad * (1.0 - b1))
        v_t = state_ops.assign(v, v * b2 + grad * grad * (1.0 - b2))
        vhat = self.get_slot(var, "vhat")
        vhat_t = state_ops.assign(vhat, math_ops.maximum(vhat, v_t))
        return state_ops.assign_sub(var, lr * m_t / (math_ops.sqrt(vhat_t) + self.epsilon)).op


class RMSprop(Optimizer):
    """RMSprop: ``rms = rho rms + (1 - rho) g^2``; without momentum
    ``var -= lr g / (sqrt(rms) + epsilon)``, with momentum
    ``mom = momentum mom + lr g / sqrt(rms + epsilon)``, ``var -= mom``; ``centered``
    subtracts the squared mean gradient from ``rms`` first."""

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, name: str = "RMSprop",
                 **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        self._set_hyper("rho", rho)
        self._set_hyper("momentum", momentum)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self.centered = bool(centered)

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon, "centered": self.centered}

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self.add_slot(v, "rms")
        if self._hyper["momentum"]:
            for v in var_list:
                self.add_slot(v, "momentum")
        if self.centered:
            for v in var_list:
                self.add_slot(v, "mg")

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        dtype = var.dtype.base_dtype
        lr, rho = c["lr_t"], self._hyper_t("rho", dtype)
        rms = self.get_slot(var, "rms")
        if self._hyper["momentum"]:
            scalars = [lr, rho, self._hyper_t("momentum", dtype), self.epsilon]
            mom = self.get_slot(var, "momentum")
            if self.centered:
                return apply_op("ApplyCenteredRMSProp",
                                [var, self.get_slot(var, "mg"), rms, mom], scalars, grad)
            return apply_op("ApplyRMSProp", [var, rms, mom], scalars, grad)
        rms_t = state_ops.assign(rms, rho * rms + (1.0 - rho) * math_ops.square(grad))
        denom = rms_t
        if self.centered:
            mg = self.get_slot(var, "mg")
            mg_t = state_ops.assign(mg, rho * mg + (1.0 - rho) * grad)
            denom = rms_t - math_ops.square(mg_t)
        return state_ops.assign(var, var - lr * grad / (math_ops.sqrt(denom) +
                                                        self.epsilon)).op

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        if not self._hyper["momentum"]:
            return None  # tf_keras decays every rms row then scatters: the dense numbers
        dtype = var.dtype.base_dtype
        scalars = [c["lr_t"], self._hyper_t("rho", dtype), self._hyper_t("momentum", dtype),
                   self.epsilon]
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self.centered:
            return apply_sparse_op("SparseApplyCenteredRMSProp",
                                   [var, self.get_slot(var, "mg"), rms, mom], scalars, grad)
        return apply_sparse_op("SparseApplyRMSProp", [var, rms, mom], scalars, grad)


class Adagrad(Optimizer):
    """Adagrad: ``accum += g^2``; ``var -= lr g / (sqrt(accum) + epsilon)``, the
    accumulator starting at ``initial_accumulator_value``.

    Raises:
        ValueError: for a negative ``initial_accumulator_value``.
    """

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, name: str = "Adagrad", **kwargs: Any):
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value must be non-negative: "
                             f"{initial_accumulator_value}")
        super().__init__(name, learning_rate, **kwargs)
        self._initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())

    def get_config(self) -> dict:
        return {**super().get_config(),
                "initial_accumulator_value": self._initial_accumulator_value,
                "epsilon": self.epsilon}

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self.add_slot(v, "accumulator", self._initial_accumulator_value)

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        acc = self.get_slot(var, "accumulator")
        acc_t = state_ops.assign_add(acc, math_ops.square(grad))
        return state_ops.assign_sub(var, c["lr_t"] * grad /
                                    (math_ops.sqrt(acc_t) + self.epsilon)).op


class TFOptimizer:
    """A ``tk.train.Optimizer`` used by ``Model.compile`` (tf_keras's ``TFOptimizer``):
    ``compute_gradients`` then ``apply_gradients`` with ``iterations`` as global step."""

    def __init__(self, optimizer: Any):
        self.optimizer = optimizer
        self._iterations: Variable | None = None

    @property
    def iterations(self) -> Variable:
        if self._iterations is None:
            self._iterations = make_variable(0, "iter", _dt.int64)
        return self._iterations

    def get_updates(self, loss: Any, params: list) -> list:
        pairs = self.optimizer.compute_gradients(loss, params)
        op = self.optimizer.apply_gradients(pairs, global_step=self.iterations)
        for v in self.optimizer.variables():   # its slots: the Keras session initializes them
            backend.track_variable(v)
        return [op]

    @property
    def weights(self) -> list:
        return [self.iterations] + list(self.optimizer.variables())

    def get_config(self) -> dict:
        return {"name": self.optimizer.get_name()}


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam, "ftrl": Ftrl}


def _unknown(name: Any) -> ValueError:
    return ValueError(f"Unknown optimizer: '{name}'. Please ensure you are using a "
                      "`keras.utils.custom_object_scope` and that this object is included in "
                      f"the scope. Known: {sorted(_BY_NAME)}.")


def serialize(optimizer: Any) -> dict:
    """``{'class_name': 'Adam', 'config': optimizer.get_config()}``.

    Raises:
        ValueError: for an object that is not a Keras optimizer.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"Could not serialize {optimizer!r}: not a Keras optimizer.")
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer described by ``{'class_name': ..., 'config': {...}}`` (class names in
    any case; ``custom_objects`` adds classes by exact name).

    Raises:
        ValueError: for an unknown class name.
        KeyError: for a dict without ``'class_name'`` or ``'config'``.
        TypeError: for a config key the class does not take.
    """
    name, kwargs = config["class_name"], config["config"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(str(name).lower())
    if cls is None:
        raise _unknown(name)
    return cls(**kwargs)


def get(identifier: Any) -> Any:
    """The optimizer for ``identifier``: a Keras optimizer (returned as is), a
    ``tk.train.Optimizer`` (wrapped in :class:`TFOptimizer`), a name (``'adam'``,
    ``'sgd'``, ``'rmsprop'``, ``'adagrad'``, ``'adadelta'``, ``'adamax'``, ``'nadam'``,
    ``'ftrl'``, any case) built with its defaults, or a :func:`serialize` dict.

    Raises:
        ValueError: for an unknown name or an object that is no optimizer.
    """
    if isinstance(identifier, Optimizer | TFOptimizer):
        return identifier
    if isinstance(identifier, tf1_optimizer.Optimizer):
        return TFOptimizer(identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
           "Ftrl", "TFOptimizer", "serialize", "deserialize", "get", "schedules"]
