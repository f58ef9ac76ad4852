"""Keras's ``Adadelta``, ``Adamax``, ``Nadam`` and ``Ftrl`` (tf_keras's legacy
``OptimizerV2`` classes, which ``tf.compat.v1.keras.optimizers`` exports), with their
argument names (``learning_rate`` or ``lr``, ``decay``), slot names and update math.

``Adadelta`` and ``Ftrl`` run TF's fused kernels (``ApplyAdadelta``, ``ApplyFtrlV2``);
``Adamax`` and ``Nadam`` are built from graph ops in the kernels' order of operations.
The decay ``lr / (1 + decay * iterations)`` applies to all but ``Nadam``, whose ``decay``
is its momentum-schedule decay (``schedule_decay``, 0.004; a ``decay`` argument is
ignored, as in tf_keras).

Example:
    >>> model.compile(optimizer=tk.keras.optimizers.Nadam(0.002), loss="mse")
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend
from trainkit.keras.optimizer_v2 import Optimizer, make_variable
from trainkit.ops import array_extras, array_ops, math_ops, scatter_ops, slicing_ops, state_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.variables import Variable

# FtrlOptimizer's module registers the ApplyFtrlV2 kernel that Ftrl runs.
from trainkit.training import proximal_optimizers  # noqa: F401
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


def _deduplicated(grad: IndexedSlices) -> tuple[Tensor, Tensor]:
    """The gradient's rows summed per distinct index, and those indices (tf_keras's
    ``_deduplicate_indexed_slices``)."""
    idx, pos = array_extras.unique(grad.indices)
    summed = unsorted_segment_sum(grad.values, pos, array_ops.shape(idx)[0])
    return summed, idx


def _epsilon(epsilon: float | None) -> float:
    return float(epsilon or backend.epsilon())


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012) with TF's fused rule: ``accum_grad = rho accum_grad +
    (1 - rho) g^2``; ``update = sqrt(accum_var + eps) / sqrt(accum_grad + eps) g``;
    ``accum_var = rho accum_var + (1 - rho) update^2``; ``var -= lr update``.
    Slots ``accum_grad`` and ``accum_var``."""

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.95,
                 epsilon: float = 1e-7, name: str = "Adadelta", **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        self._set_hyper("rho", rho)
        self.epsilon = _epsilon(epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon}

    def _create_slots(self, var_list: list) -> None:
        for slot in ("accum_grad", "accum_var"):
            for v in var_list:
                self.add_slot(v, slot)

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        slots = [self.get_slot(var, "accum_grad"), self.get_slot(var, "accum_var")]
        rho = self._hyper_t("rho", var.dtype.base_dtype)
        return apply_op("ApplyAdadelta", [var, *slots], [c["lr_t"], rho, self.epsilon], grad)

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        slots = [self.get_slot(var, "accum_grad"), self.get_slot(var, "accum_var")]
        rho = self._hyper_t("rho", var.dtype.base_dtype)
        return apply_sparse_op("SparseApplyAdadelta", [var, *slots],
                               [c["lr_t"], rho, self.epsilon], grad)


class Adamax(Optimizer):
    """AdaMax (Kingma & Ba, section 7.1): ``m += (g - m)(1 - beta_1)``;
    ``v = max(beta_2 v, |g|)``; ``var -= lr / (1 - beta_1^t) * m / (v + epsilon)`` with
    ``t = iterations + 1``. Slots ``m`` and ``v``."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, name: str = "Adamax",
                 **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = _epsilon(epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon}

    def _create_slots(self, var_list: list) -> None:
        for slot in ("m", "v"):
            for v in var_list:
                self.add_slot(v, slot)

    def _prepare(self, dtype: Any) -> dict:
        c = super()._prepare(dtype)
        t = math_ops.cast(self.iterations + 1, dtype)
        b1 = self._hyper_t("beta_1", dtype)
        c.update(beta_1=b1, beta_2=self._hyper_t("beta_2", dtype),
                 beta_1_power=math_ops.pow(b1, t))
        return c

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = state_ops.assign_add(m, (grad - m) * (1.0 - c["beta_1"]))
        v_t = state_ops.assign(v, math_ops.maximum(c["beta_2"] * v, math_ops.abs(grad)))
        step = c["lr_t"] / (1.0 - c["beta_1_power"]) * (m_t / (v_t + self.epsilon))
        return state_ops.assign_sub(var, step).op

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        # tf_keras: m, v and var change on the looked-up rows only
        g, idx = _deduplicated(grad)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = slicing_ops.gather(m, idx) * c["beta_1"] + g * (1.0 - c["beta_1"])
        v_t = math_ops.maximum(slicing_ops.gather(v, idx) * c["beta_2"], math_ops.abs(g))
        m_up = scatter_ops.scatter_update(m, idx, m_t)
        v_up = scatter_ops.scatter_update(v, idx, v_t)
        step = -(c["lr_t"] / (1.0 - c["beta_1_power"])) * (m_t / (v_t + self.epsilon))
        with default_graph.get_default_graph().control_dependencies([m_up, v_up]):
            return scatter_ops.scatter_add(var, idx, step).op


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule:
    ``mu_t = beta_1 (1 - 0.5 * 0.96^(schedule_decay * t))``, the running product
    ``momentum_cache *= mu_t``; ``m`` and ``v`` as Adam's; the step is
    ``lr * ((1 - mu_t) g / (1 - cache) + mu_{t+1} m / (1 - cache mu_{t+1})) /
    (sqrt(v / (1 - beta_2^t)) + epsilon)``. Slots ``m`` and ``v``, and the weight
    ``momentum_cache``.

    Raises:
        ValueError: for a learning-rate schedule (not supported by Nadam in tf_keras).
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, name: str = "Nadam",
                 **kwargs: Any):
        kwargs["decay"] = kwargs.pop("schedule_decay", 0.004)
        if callable(kwargs.get("lr", learning_rate)):
            raise ValueError("The Nadam optimizer does not support "
                             "tf.keras.optimizers.LearningRateSchedules as the learning rate.")
        super().__init__(name, learning_rate, **kwargs)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = _epsilon(epsilon)
        self._m_cache: Variable | None = None

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon}

    @property
    def weights(self) -> list:
        """``iter``, ``momentum_cache``, then the slots."""
        first = [self._iterations] if self._iterations is not None else []
        cache = [self._m_cache] if self._m_cache is not None else []
        return first + cache + list(self._slot_order)

    def _create_slots(self, var_list: list) -> None:
        if self._m_cache is None:
            self._m_cache = make_variable(1.0, "momentum_cache", var_list[0].dtype.base_dtype)
        for slot in ("m", "v"):
            for v in var_list:
                self.add_slot(v, slot)

    def _prepare(self, dtype: Any) -> dict:
        lr = self._hyper_t("learning_rate", dtype)
        b1, b2 = self._hyper_t("beta_1", dtype), self._hyper_t("beta_2", dtype)
        t = math_ops.cast(self.iterations + 1, dtype)
        t_next = math_ops.cast(self.iterations + 2, dtype)
        base = math_ops.cast(0.96, dtype)
        mu_t = b1 * (1.0 - 0.5 * math_ops.pow(base, self._initial_decay * t))
        mu_next = b1 * (1.0 - 0.5 * math_ops.pow(base, self._initial_decay * t_next))
        cache = self._m_cache
        schedule_new = state_ops.assign(cache, math_ops.cast(cache, dtype) * mu_t) \
            if cache.dtype.base_dtype == dtype else math_ops.cast(cache, dtype) * mu_t
        schedule_next = schedule_new * mu_next
        return {"lr_t": lr, "beta_1": b1, "beta_2": b2, "mu_t": mu_t, "mu_next": mu_next,
                "one_minus_schedule_new": 1.0 - schedule_new,
                "one_minus_schedule_next": 1.0 - schedule_next,
                "v_denominator": 1.0 - math_ops.pow(b2, t)}

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        g_prime = grad / c["one_minus_schedule_new"]
        m_t = state_ops.assign(m, c["beta_1"] * m + (1.0 - c["beta_1"]) * grad)
        m_t_prime = m_t / c["one_minus_schedule_next"]
        v_t = state_ops.assign(v, c["beta_2"] * v + (1.0 - c["beta_2"]) * math_ops.square(grad))
        v_t_prime = v_t / c["v_denominator"]
        m_t_bar = (1.0 - c["mu_t"]) * g_prime + c["mu_next"] * m_t_prime
        step = c["lr_t"] * m_t_bar / (math_ops.sqrt(v_t_prime) + self.epsilon)
        return state_ops.assign(var, var - step).op

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        # tf_keras: m and v decay on every row, the gradient lands on the looked-up ones,
        # and only those rows of var move
        g, idx = _deduplicated(grad)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        g_prime = g / c["one_minus_schedule_new"]
        graph = default_graph.get_default_graph()
        with graph.control_dependencies([state_ops.assign(m, m * c["beta_1"])]):
            m_t = scatter_ops.scatter_add(m, idx, g * (1.0 - c["beta_1"]))
        m_slice = slicing_ops.gather(m_t, idx)
        m_t_bar = (1.0 - c["mu_t"]) * g_prime + c["mu_next"] * (
            m_slice / c["one_minus_schedule_next"])
        with graph.control_dependencies([state_ops.assign(v, v * c["beta_2"])]):
            v_t = scatter_ops.scatter_add(v, idx, g * g * (1.0 - c["beta_2"]))
        v_slice = slicing_ops.gather(v_t, idx) / c["v_denominator"]
        step = -c["lr_t"] * m_t_bar / (math_ops.sqrt(v_slice) + self.epsilon)
        return scatter_ops.scatter_add(var, idx, step).op


class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al., 2013) with TF's fused rule (``ApplyFtrlV2``):
    slots ``accumulator`` (starting at ``initial_accumulator_value``) and ``linear``;
    ``beta`` adds ``beta / (2 lr)`` to the L2 strength.

    Raises:
        ValueError: for a positive ``learning_rate_power`` or a negative accumulator value
            or regularization strength.
    """

    def __init__(self, learning_rate: float = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, name: str = "Ftrl",
                 l2_shrinkage_regularization_strength: float = 0.0, beta: float = 0.0,
                 **kwargs: Any):
        super().__init__(name, learning_rate, **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for key, value in checks.items():
            if value < 0.0:
                raise ValueError(f"`{key}` needs to be positive or zero. Received: "
                                 f"{key}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self._set_hyper("learning_rate_power", learning_rate_power)
        self._set_hyper("l1_regularization_strength", l1_regularization_strength)
        self._set_hyper("l2_regularization_strength", l2_regularization_strength)
        self._set_hyper("beta", beta)
        self._initial_accumulator_value = float(initial_accumulator_value)
        self._l2_shrinkage = float(l2_shrinkage_regularization_strength)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "initial_accumulator_value": self._initial_accumulator_value,
                "l2_shrinkage_regularization_strength": self._l2_shrinkage}

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:     # tf_keras's order: each variable's two slots together
            self.add_slot(v, "accumulator", self._initial_accumulator_value)
            self.add_slot(v, "linear")

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        dtype = var.dtype.base_dtype
        lr = c["lr_t"]
        l2 = self._hyper_t("l2_regularization_strength", dtype) + \
            self._hyper_t("beta", dtype) / (2.0 * lr)
        scalars = [lr, self._hyper_t("l1_regularization_strength", dtype), l2,
                   math_ops.cast(self._l2_shrinkage, dtype),
                   self._hyper_t("learning_rate_power", dtype)]
        return apply_op("ApplyFtrlV2", [var, self.get_slot(var, "accumulator"),
                                        self.get_slot(var, "linear")], scalars, grad)

    def _apply_sparse(self, grad: Any, var: Any, c: dict) -> Any:
        # only the looked-up rows change: a dense zero gradient would recompute every
        # row from its linear slot
        dtype = var.dtype.base_dtype
        lr = c["lr_t"]
        l2 = self._hyper_t("l2_regularization_strength", dtype) + \
            self._hyper_t("beta", dtype) / (2.0 * lr)
        scalars = [lr, self._hyper_t("l1_regularization_strength", dtype), l2,
                   math_ops.cast(self._l2_shrinkage, dtype),
                   self._hyper_t("learning_rate_power", dtype)]
        return apply_sparse_op("SparseApplyFtrlV2", [var, self.get_slot(var, "accumulator"),
                                                     self.get_slot(var, "linear")],
                               scalars, grad)


__all__ = ["Adadelta", "Adamax", "Nadam", "Ftrl"]
