"""``tf.contrib.layers.optimize_loss``: a train op from a loss, a learning rate and an
optimizer given by name, class, instance or factory, with optional gradient clipping,
multipliers, noise and summaries.

Example:
    >>> train_op = optimize_loss(loss, tk.train.get_or_create_global_step(), 0.1, "SGD",
    ...                          clip_gradients=5.0, summaries=["loss"])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.ops import control_flow_ops, init_ops, random_ops
from trainkit.ops import variable_scope as vs
from trainkit.summary import summary_ops
from trainkit.training import clip_ops
from trainkit.training.optimizer import Optimizer
from trainkit.training.optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from trainkit.training.proximal_optimizers import FtrlOptimizer
from trainkit.training.training_util import assert_global_step, get_global_step

OPTIMIZER_CLS_NAMES: dict[str, Callable[..., Optimizer]] = {
    "Adagrad": AdagradOptimizer,
    "Adam": AdamOptimizer,
    "Ftrl": FtrlOptimizer,
    "Momentum": lambda learning_rate: MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": RMSPropOptimizer,
    "SGD": GradientDescentOptimizer,
}
OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]


def _learning_rate(learning_rate: Any) -> Any:
    if learning_rate is None:
        return None
    if isinstance(learning_rate, Tensor) and learning_rate.shape.ndims == 0:
        return learning_rate
    if isinstance(learning_rate, float):
        if learning_rate < 0.0:
            raise ValueError(f"Invalid learning_rate {learning_rate}.")
        return vs.get_variable("learning_rate", [], trainable=False,
                               initializer=init_ops.constant_initializer(learning_rate))
    raise ValueError(f"Learning rate should be 0d Tensor or float. Got {learning_rate} of "
                     f"type {type(learning_rate)}")


def _optimizer(optimizer: Any, lr: Any, learning_rate: Any) -> Optimizer:
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer "
                             f"is string ({optimizer}).")
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(f"Optimizer name should be one of "
                             f"[{', '.join(OPTIMIZER_CLS_NAMES)}], you provided {optimizer}.")
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer "
                             f"is class ({optimizer}).")
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, Optimizer):
            raise ValueError(f"Unrecognized optimizer: function should return subclass of "
                             f"Optimizer. Got {opt}.")
        return opt
    raise ValueError(f"Unrecognized optimizer: should be string, subclass of Optimizer, "
                     f"instance of subclass of Optimizer or function with one argument. Got "
                     f"{optimizer}.")


def _values(g: Any) -> Any:
    return g.values if isinstance(g, IndexedSlices) else g


def _multiply(grads: list, multipliers: dict) -> list:
    out = []
    for g, v in grads:
        # keyed by the variable or its tensor name ("v:0"), as TF's optimize_loss
        key = v if v in multipliers else v.name if v.name in multipliers else None
        if g is not None and key is not None:
            m = conversion.convert_to_tensor(multipliers[key], dtype=g.dtype)
            g = (IndexedSlices(g.values * m, g.indices, g.dense_shape)
                 if isinstance(g, IndexedSlices) else g * m)
        out.append((g, v))
    return out


def _add_noise(grads: list, scale: float) -> list:
    out = []
    for g, v in grads:
        if g is None:
            out.append((g, v))
            continue
        shape = g.dense_shape if isinstance(g, IndexedSlices) else g.shape
        noise = random_ops.random_normal(shape) * scale
        out.append((g + noise, v))
    return out


def optimize_loss(loss: Any, global_step: Any, learning_rate: Any, optimizer: Any,
                  gradient_noise_scale: float | None = None,
                  gradient_multipliers: dict | None = None, clip_gradients: Any = None,
                  learning_rate_decay_fn: Callable | None = None, update_ops: Any = None,
                  variables: list | None = None, name: str | None = None,
                  summaries: list | None = None, colocate_gradients_with_ops: bool = False,
                  increment_global_step: bool = True) -> Tensor:
    """The loss, after one optimizer step (and ``update_ops``) has run.

    ``optimizer`` is one of ``OPTIMIZER_CLS_NAMES`` ("SGD", "Adam", ...), an Optimizer
    class or instance, or ``fn(lr) -> Optimizer``. A float ``learning_rate`` becomes the
    non-trainable variable ``OptimizeLoss/learning_rate``. ``clip_gradients`` is a float
    (clip by global norm) or ``fn(grads_and_vars)``. ``summaries`` (default loss,
    learning_rate, global_gradient_norm) is a subset of ``OPTIMIZER_SUMMARIES``.

    Raises:
        ValueError: for a negative or non-scalar learning rate, an unknown optimizer or
            summary, a bad ``clip_gradients``, or no gradients left.
    """
    loss = conversion.convert_to_tensor(loss)
    if loss.shape.ndims not in (None, 0):
        raise ValueError(f"Expected scalar shape for {loss.name}, saw shape: {loss.shape}.")
    if global_step is None:
        global_step = get_global_step()
    else:
        assert_global_step(global_step)
    with vs.variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = list(dict.fromkeys(
                get_default_graph().get_collection(GraphKeys.UPDATE_OPS)))
        if update_ops:
            loss = control_flow_ops.with_dependencies(list(update_ops), loss)
        lr = _learning_rate(learning_rate)
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        for s in summaries:
            if s not in OPTIMIZER_SUMMARIES:
                raise ValueError(f"Summaries should be one of [{', '.join(OPTIMIZER_SUMMARIES)}"
                                 f"], you provided {s}.")
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                summary_ops.scalar("learning_rate", lr)
        opt = _optimizer(optimizer, lr, learning_rate)
        if variables is None:
            variables = get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
        grads = opt.compute_gradients(loss, variables,
                                      colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            grads = _add_noise(grads, gradient_noise_scale)
        if gradient_multipliers is not None:
            grads = _multiply(grads, gradient_multipliers)
            if not grads:
                raise ValueError("Empty list of (gradient, var) pairs encountered.")
        norms = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norms:
            summary_ops.scalar("global_norm/gradient_norm",
                               clip_ops.global_norm([g for g, _ in grads]))
        if isinstance(clip_gradients, float):
            clipped, _ = clip_ops.clip_by_global_norm([g for g, _ in grads], clip_gradients)
            grads = list(zip(clipped, [v for _, v in grads], strict=True))
        elif callable(clip_gradients):
            grads = clip_gradients(grads)
        elif clip_gradients is not None:
            raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")
        if "loss" in summaries:
            summary_ops.scalar("loss", loss)
        for g, v in grads:
            if g is None:
                continue
            var_name = v.name.replace(":", "_")
            if "gradients" in summaries:
                summary_ops.histogram(f"gradients/{var_name}", _values(g))
            if "gradient_norm" in summaries:
                summary_ops.scalar(f"gradient_norm/{var_name}",
                                   clip_ops.global_norm([_values(g)]))
        if clip_gradients is not None and norms:
            summary_ops.scalar("global_norm/clipped_gradient_norm",
                               clip_ops.global_norm([g for g, _ in grads]))
        step = opt.apply_gradients(grads, global_step=global_step if increment_global_step
                                   else None, name="train")
        return control_flow_ops.with_dependencies([step], loss)


__all__ = ["optimize_loss", "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES"]
