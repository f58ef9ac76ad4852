"""The base of the Keras optimizers (tf_keras's legacy ``OptimizerV2`` in TF1 graph mode):
hyperparameters kept in variables, the ``iter`` step counter, per-variable slots, the
learning-rate decay ``lr / (1 + decay * iterations)``, the gradient clipping of
``clipvalue``/``clipnorm``/``global_clipnorm``, and ``apply_gradients`` calling one
``_apply_dense`` rule per subclass.

Example:
    >>> class Plain(Optimizer):
    ...     def _apply_dense(self, grad, var, c):
    ...         return tk.assign_sub(var, c["lr_t"] * grad).op
"""

from __future__ import annotations

from typing import Any

from trainkit.autodiff.gradients import gradients
from trainkit.framework import conversion, default_graph
from trainkit.framework import dtypes as _dt
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation, Tensor
from trainkit.keras import backend
from trainkit.keras.learning_rate_schedules import LearningRateSchedule, serialize
from trainkit.ops import array_ops, math_ops, state_ops
from trainkit.ops.variables import Variable
from trainkit.training import clip_ops


def make_variable(value: Any, name: str, dtype: Any = None) -> Variable:
    """A non-trainable variable Keras initializes in its session (hyperparameters, slots)."""
    v = Variable(value, trainable=False, name=name, dtype=dtype)
    backend.track_variable(v)
    return v


class Optimizer:
    """Base of the Keras optimizers: hyperparameters as variables, slots, and one
    ``_apply_dense(grad, var, coefficients)`` rule per subclass.

    Raises:
        ValueError: for a negative learning rate or decay, or an unknown keyword.
    """

    _HYPER_ORDER: tuple[str, ...] = ()

    def __init__(self, name: str, learning_rate: float = 0.01, **kwargs: Any):
        allowed = ("clipnorm", "clipvalue", "lr", "decay", "global_clipnorm")
        for key, value in kwargs.items():
            if key not in allowed:
                raise TypeError(f"Unexpected keyword argument passed to optimizer: {key}. "
                                f"Allowed kwargs are {set(allowed)}.")
            if value is not None and not isinstance(value, LearningRateSchedule) \
                    and value < 0:
                raise ValueError(f"Expected {key} >= 0, received: {value}")
        lr = kwargs.pop("lr", learning_rate)
        decay = kwargs.pop("decay", 0.0)
        self.clipnorm = kwargs.pop("clipnorm", None)
        self.clipvalue = kwargs.pop("clipvalue", None)
        self.global_clipnorm = kwargs.pop("global_clipnorm", None)
        if self.clipnorm is not None and self.global_clipnorm is not None:
            raise ValueError(f"Cannot accept both `clipnorm` and `global_clipnorm`. Received: "
                             f"`clipnorm`={self.clipnorm}, "
                             f"`global_clipnorm`={self.global_clipnorm}.")
        schedule = lr if isinstance(lr, LearningRateSchedule) else None
        if schedule is None and (not isinstance(lr, int | float) or lr < 0):
            raise ValueError(f"Expected learning_rate to be a non-negative number or a "
                             f"LearningRateSchedule, received learning_rate={lr!r}.")
        if decay < 0:
            raise ValueError(f"decay cannot be less than 0. Received: decay={decay}.")
        self._name = name
        #: a ``keras.optimizers.schedules`` learning rate, called with ``iterations``
        self._schedule = schedule
        self._hyper: dict[str, Any] = {"learning_rate": schedule or float(lr),
                                       "decay": float(decay)}
        self._initial_decay = float(decay)
        self._hyper_vars: dict[str, Variable] = {}
        self._iterations: Variable | None = None
        self._slots: dict[tuple[str, str], Variable] = {}
        self._slot_order: list[Variable] = []

    # -- hyperparameters and state ----------------------------------------------------
    def _set_hyper(self, name: str, value: float) -> None:
        self._hyper[name] = float(value)

    def _create_hypers(self) -> None:
        if self._hyper_vars:
            return
        for name in sorted(self._hyper):
            if isinstance(self._hyper[name], LearningRateSchedule):
                continue           # called at each step, no variable
            self._hyper_vars[name] = make_variable(self._hyper[name], name, _dt.float32)

    @property
    def iterations(self) -> Variable:
        """The ``iter`` int64 variable: steps applied so far."""
        if self._iterations is None:
            self._iterations = make_variable(0, "iter", _dt.int64)
        return self._iterations

    def __getattr__(self, name: str) -> Any:
        hyper = self.__dict__.get("_hyper", {})
        key = "learning_rate" if name == "lr" else name
        if key in hyper:
            if isinstance(hyper[key], LearningRateSchedule):
                return hyper[key]      # tf_keras gives the schedule itself
            self._create_hypers()
            return self._hyper_vars[key]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def add_slot(self, var: Any, slot_name: str, initial: float = 0.0) -> Variable:
        """The ``slot_name`` slot of ``var`` (created, filled with ``initial``, if new)."""
        key = (var.op.name, slot_name)
        if key not in self._slots:
            value = array_ops.fill(var.shape.as_list(),
                                   math_ops.cast(initial, var.dtype.base_dtype))
            slot = make_variable(value, f"{var.op.name}/{slot_name}", var.dtype.base_dtype)
            self._slots[key] = slot
            self._slot_order.append(slot)
        return self._slots[key]

    def get_slot(self, var: Any, slot_name: str) -> Variable:
        """The slot variable ``slot_name`` of ``var``.

        Raises:
            KeyError: if it was never created.
        """
        return self._slots[(var.op.name, slot_name)]

    @property
    def weights(self) -> list:
        """``iter`` then the slots, in creation order (as tf_keras lists them)."""
        first = [self._iterations] if self._iterations is not None else []
        return first + list(self._slot_order)

    def variables(self) -> list:
        return self.weights

    def get_config(self) -> dict:
        config = {"name": self._name, **self._hyper}
        if self._schedule is not None:
            config["learning_rate"] = serialize(self._schedule)
        for key in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, key) is not None:
                config[key] = getattr(self, key)
        return config

    # -- building the update ----------------------------------------------------------
    def get_gradients(self, loss: Any, params: list) -> list:
        """``d loss / d params``.

        Raises:
            ValueError: if a parameter has no gradient.
        """
        grads = gradients(loss, params)
        for g, p in zip(grads, params):
            if g is None:
                raise ValueError(f"Variable {p.name} has `None` for gradient. Please make sure "
                                 "that all of your ops have a gradient defined (i.e. are "
                                 "differentiable).")
        return grads

    def get_updates(self, loss: Any, params: list) -> list:
        """The update ops for one step on ``loss`` (Keras's graph-mode entry point)."""
        grads = self.get_gradients(loss, params)
        return [self.apply_gradients(list(zip(grads, params)))]

    def apply_gradients(self, grads_and_vars: Any, name: str | None = None) -> Operation:
        """Applies each ``(grad, var)`` then adds one to ``iterations``.

        Raises:
            ValueError: if no variable has a gradient.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        pairs = self._transform_gradients(pairs)
        graph = default_graph.get_default_graph()
        with graph.name_scope(name or self._name):
            step = self.iterations
            self._create_hypers()
            self._create_slots([v for _, v in pairs])
            with graph.name_scope("update"):
                coefficients = self._prepare(pairs[0][1].dtype.base_dtype)
                ops = [self._apply_one(g, v, coefficients) for g, v in pairs]
            with graph.control_dependencies(ops):
                return state_ops.assign_add(step, 1).op

    def _transform_gradients(self, pairs: list) -> list:
        """tf_keras's clipping of the gradients before the update, in its order:
        ``clipvalue`` (each element), ``clipnorm`` (each gradient by its own L2 norm),
        ``global_clipnorm`` (all gradients by their joint norm). A sparse gradient is
        clipped by its values, as ``tf.clip_by_norm`` does for ``IndexedSlices``."""
        if self.clipvalue is not None:
            v = self.clipvalue
            pairs = [(_on_values(g, lambda t: math_ops.clip_by_value(t, -v, v)), var)
                     for g, var in pairs]
        if self.clipnorm is not None:
            n = self.clipnorm
            pairs = [(_on_values(g, lambda t: clip_ops.clip_by_norm(t, n)), var)
                     for g, var in pairs]
        if self.global_clipnorm is not None:
            clipped, _ = clip_ops.clip_by_global_norm([g for g, _ in pairs],
                                                      self.global_clipnorm)
            pairs = [(g, var) for g, (_, var) in zip(clipped, pairs)]
        return pairs

    def _lr(self, dtype: Any) -> Tensor:
        if self._schedule is not None:   # tf_keras's _decayed_lr: the schedule at iterations
            lr = math_ops.cast(self._schedule(math_ops.cast(self.iterations, dtype)), dtype)
        else:
            lr = math_ops.cast(self._hyper_vars["learning_rate"], dtype)
        if self._initial_decay > 0.0:
            decay = math_ops.cast(self._hyper_vars["decay"], dtype)
            lr = lr / (1.0 + decay * math_ops.cast(self.iterations, dtype))
        return lr

    def _prepare(self, dtype: Any) -> dict:
        return {"lr_t": self._lr(dtype)}

    def _create_slots(self, var_list: list) -> None:
        pass

    def _apply_one(self, grad: Any, var: Any, c: dict) -> Any:
        """A sparse gradient (``Embedding``) takes the optimizer's sparse rule when it
        has one (tf_keras's ``_resource_apply_sparse``: only the looked-up rows change,
        repeated rows summed first); the others' sparse rules give the dense numbers."""
        if isinstance(grad, IndexedSlices):
            op = self._apply_sparse(grad, var, c)
            if op is not None:
                return op
        return self._apply_dense(conversion.convert_to_tensor(grad), var, c)

    def _apply_sparse(self, grad: IndexedSlices, var: Any, c: dict) -> Any:
        """The sparse rule, or None where the dense form gives the same numbers."""
        return None

    def _apply_dense(self, grad: Tensor, var: Any, c: dict) -> Any:
        raise NotImplementedError

    def _hyper_t(self, name: str, dtype: Any) -> Tensor:
        return math_ops.cast(self._hyper_vars[name], dtype)


def _on_values(grad: Any, fn: Any) -> Any:
    """``fn`` applied to a dense gradient, or to the values of an ``IndexedSlices``."""
    if isinstance(grad, IndexedSlices):
        return IndexedSlices(fn(grad.values), grad.indices, grad.dense_shape)
    return fn(grad)


__all__ = ["Optimizer", "make_variable"]
