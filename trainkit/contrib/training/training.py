"""``tf.contrib.training``'s training loop: ``create_train_op`` (the loss after one
optimizer step that first runs the ``UPDATE_OPS``, gradients optionally transformed and
summarized) and ``train`` (a ``MonitoredTrainingSession`` loop), plus the gradient
helpers it shares with ``slim.learning``.

Example:
    >>> train_op = tf.contrib.training.create_train_op(
    ...     loss, optimizer,
    ...     transform_grads_fn=tf.contrib.training.clip_gradient_norms_fn(4.0))
    >>> final_loss = tf.contrib.training.train(train_op, logdir,
    ...     hooks=[tf.train.StopAtStepHook(num_steps=100)])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.hooks.defaults import MonitoredTrainingSession
from trainkit.ops import check_ops, control_flow_ops
from trainkit.platform import tf_logging as logging
from trainkit.summary import summary_ops
from trainkit.training import clip_ops
from trainkit.training.training_util import get_or_create_global_step

_USE_GLOBAL_STEP = object()


def _values(g: Any) -> Any:
    return g.values if isinstance(g, IndexedSlices) else g


def add_gradients_summaries(grads_and_vars: list) -> list:
    """A histogram ``<var>_gradient`` and a scalar ``<var>_gradient_norm`` per gradient."""
    out = []
    for g, v in grads_and_vars:
        if g is None:
            logging.info("Var %s has no gradient", v.op.name)
            continue
        out.append(summary_ops.histogram(v.op.name + "_gradient", _values(g)))
        out.append(summary_ops.scalar(v.op.name + "_gradient_norm",
                                      clip_ops.global_norm([_values(g)])))
    return out


def clip_gradient_norms(gradients_to_variables: list, max_norm: float) -> list:
    """Clips each gradient to norm ``max_norm`` separately."""
    out = []
    for g, v in gradients_to_variables:
        if g is not None:
            if isinstance(g, IndexedSlices):
                g = IndexedSlices(clip_ops.clip_by_norm(g.values, max_norm), g.indices,
                                  g.dense_shape)
            else:
                g = clip_ops.clip_by_norm(g, max_norm)
        out.append((g, v))
    return out


def multiply_gradients(grads_and_vars: list, gradient_multipliers: dict) -> list:
    """Scales the gradients of the variables (or variable op names) in
    ``gradient_multipliers``.

    Raises:
        ValueError: if ``grads_and_vars`` is not a list or the multipliers are empty.
    """
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    out = []
    for g, v in grads_and_vars:
        key = v if v in gradient_multipliers else v.op.name
        if g is not None and key in gradient_multipliers:
            m = conversion.convert_to_tensor(gradient_multipliers[key], dtype=g.dtype)
            g = (IndexedSlices(g.values * m, g.indices, g.dense_shape)
                 if isinstance(g, IndexedSlices) else g * m)
        out.append((g, v))
    return out


def create_train_op(total_loss: Any, optimizer: Any, global_step: Any = _USE_GLOBAL_STEP,
                    update_ops: Any = None, variables_to_train: list | None = None,
                    transform_grads_fn: Callable[[list], list] | None = None,
                    summarize_gradients: bool = False, gate_gradients: int = 1,
                    aggregation_method: Any = None, colocate_gradients_with_ops: bool = False,
                    check_numerics: bool = True) -> Tensor:
    """``total_loss`` (checked for inf/nan) after ``optimizer`` applied its gradients,
    which are taken after ``update_ops`` (default ``UPDATE_OPS``) ran and passed through
    ``transform_grads_fn``. Added to ``TRAIN_OP``.

    Raises:
        AssertionError: if there is no variable to train (TF's ``assert``).
    """
    if global_step is _USE_GLOBAL_STEP:
        global_step = get_or_create_global_step()
    g = get_default_graph()
    global_updates = list(dict.fromkeys(g.get_collection(GraphKeys.UPDATE_OPS)))
    update_ops = global_updates if update_ops is None else list(dict.fromkeys(update_ops))
    if any(u not in update_ops for u in global_updates):
        logging.warning("update_ops in create_train_op does not contain all the update_ops "
                        "in GraphKeys.UPDATE_OPS")
    if update_ops:
        with control_dependencies(update_ops):
            barrier = control_flow_ops.no_op(name="update_barrier")
        total_loss = control_flow_ops.with_dependencies([barrier], total_loss)
    if variables_to_train is None:
        variables_to_train = g.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    if not variables_to_train:
        raise AssertionError("create_train_op: no variables to train.")  # TF's assert
    grads = optimizer.compute_gradients(
        total_loss, variables_to_train, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with g.name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with g.name_scope("train_op"):
        if check_numerics:
            total_loss = check_ops.check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = control_flow_ops.with_dependencies([grad_updates], total_loss)
    if train_op not in g.get_collection(GraphKeys.TRAIN_OP):
        g.add_to_collection(GraphKeys.TRAIN_OP, train_op)
    return train_op


def clip_gradient_norms_fn(max_norm: float) -> Callable[[list], list]:
    """A ``transform_grads_fn`` clipping each gradient to norm ``max_norm``."""
    return lambda grads_and_vars: clip_gradient_norms(grads_and_vars, max_norm)


def train(train_op: Any, logdir: str | None, master: str = "", is_chief: bool = True,
          scaffold: Any = None, hooks: list | None = None, chief_only_hooks: list | None = None,
          save_checkpoint_secs: float | None = 600, save_summaries_steps: int | None = 100,
          config: Any = None, max_wait_secs: float = 7200, run_metadata: Any = None) -> Any:
    """Runs ``train_op`` in a ``MonitoredTrainingSession`` until a hook stops; returns the
    last loss (None if no step ran).

    Raises:
        ValueError: no ``logdir`` on the chief while summaries or checkpoints are asked for.
    """
    if logdir is None and is_chief:
        if save_summaries_steps:
            raise ValueError("logdir cannot be None when save_summaries_steps is not None")
        if save_checkpoint_secs:
            raise ValueError("logdir cannot be None when save_checkpoint_secs is not None")
    loss = None
    with MonitoredTrainingSession(
            master=master, is_chief=is_chief, checkpoint_dir=logdir, scaffold=scaffold,
            hooks=hooks, chief_only_hooks=chief_only_hooks,
            save_checkpoint_secs=save_checkpoint_secs,
            save_summaries_steps=save_summaries_steps, config=config,
            max_wait_secs=max_wait_secs) as session:
        while not session.should_stop():
            loss = session.run(train_op, run_metadata=run_metadata)
    return loss


__all__ = ["create_train_op", "clip_gradient_norms_fn", "train", "add_gradients_summaries",
           "clip_gradient_norms", "multiply_gradients"]
