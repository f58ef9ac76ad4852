"""``slim.learning``: ``create_train_op`` (the loss after an optimizer step that first runs
the ``UPDATE_OPS``, with gradient clipping, multipliers and summaries) and ``train`` (a
``Supervisor`` loop running ``train_step`` until ``number_of_steps``).

Example:
    >>> train_op = slim.learning.create_train_op(total_loss, optimizer,
    ...                                           clip_gradient_norm=4.0)
    >>> final_loss = slim.learning.train(train_op, logdir, number_of_steps=100,
    ...                                  save_summaries_secs=300, save_interval_secs=600)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from trainkit.contrib.training import training
from trainkit.contrib.training.training import (
    add_gradients_summaries,
    clip_gradient_norms,
    multiply_gradients,
)
from trainkit.errors import AbortedError, OutOfRangeError
from trainkit.framework import conversion
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import control_flow_ops, math_ops, state_ops
from trainkit.platform import tf_logging as logging
from trainkit.summary import summary_ops
from trainkit.training.saver import Saver
from trainkit.training.supervisor import Supervisor
from trainkit.training.training_util import get_or_create_global_step

_USE_GLOBAL_STEP = object()
_USE_DEFAULT = object()


def create_train_op(total_loss: Any, optimizer: Any, global_step: Any = _USE_GLOBAL_STEP,
                    update_ops: Any = None, variables_to_train: list | None = None,
                    clip_gradient_norm: float = 0, summarize_gradients: bool = False,
                    gate_gradients: int = 1, aggregation_method: Any = None,
                    colocate_gradients_with_ops: bool = False,
                    gradient_multipliers: dict | None = None,
                    check_numerics: bool = True) -> Tensor:
    """``total_loss`` (checked for inf/nan) after ``optimizer`` applied its gradients;
    the gradients are taken after ``update_ops`` (default ``UPDATE_OPS``) ran, scaled by
    ``gradient_multipliers`` and clipped to ``clip_gradient_norm``
    (``tf.contrib.training.create_train_op`` with that ``transform_grads_fn``). Added to
    ``TRAIN_OP``.

    Raises:
        AssertionError: if there is no variable to train (TF's ``assert``).
    """
    def transform_grads_fn(grads: list) -> list:
        g = get_default_graph()
        if gradient_multipliers:
            with g.name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with g.name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads

    if global_step is _USE_GLOBAL_STEP:
        global_step = get_or_create_global_step()
    return training.create_train_op(
        total_loss, optimizer, global_step=global_step, update_ops=update_ops,
        variables_to_train=variables_to_train, transform_grads_fn=transform_grads_fn,
        summarize_gradients=summarize_gradients, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
        check_numerics=check_numerics)


def train_step(sess: Any, train_op: Any, global_step: Any, train_step_kwargs: dict
               ) -> tuple[Any, bool]:
    """Runs ``train_op`` once; logs per ``should_log``; returns (loss, should_stop)."""
    start = time.time()
    total_loss, step = sess.run([train_op, global_step])
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        logging.info("global step %d: loss = %.4f (%.3f sec/step)", step, total_loss,
                     time.time() - start)
    should_stop = bool(sess.run(train_step_kwargs["should_stop"])) \
        if "should_stop" in train_step_kwargs else False
    return total_loss, should_stop


def train(train_op: Any, logdir: str | None, train_step_fn: Callable = train_step,
          train_step_kwargs: Any = _USE_DEFAULT, log_every_n_steps: int = 1,
          graph: Any = None, master: str = "", is_chief: bool = True, global_step: Any = None,
          number_of_steps: int | None = None, init_op: Any = _USE_DEFAULT,
          init_feed_dict: dict | None = None, local_init_op: Any = _USE_DEFAULT,
          init_fn: Callable | None = None, ready_op: Any = _USE_DEFAULT,
          summary_op: Any = _USE_DEFAULT, save_summaries_secs: float = 600,
          summary_writer: Any = _USE_DEFAULT, startup_delay_steps: int = 0,
          saver: Any = None, save_interval_secs: float = 600, sync_optimizer: Any = None,
          session_config: Any = None, session_wrapper: Callable | None = None,
          trace_every_n_steps: int | None = None, ignore_live_threads: bool = False) -> Any:
    """Trains with a :class:`Supervisor` until ``train_step_fn`` says stop (by default
    when ``global_step >= number_of_steps``); saves a final checkpoint in ``logdir``.
    Returns the last loss.

    Raises:
        ValueError: for a None ``train_op``, ``summary_op``/``saver`` without a
            ``logdir``, a non-positive ``number_of_steps``, or a ``sync_optimizer``.
    """
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op is not _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
    if sync_optimizer is not None:
        raise ValueError("sync_optimizer is not supported.")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    del trace_every_n_steps, startup_delay_steps
    graph = graph or get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = get_or_create_global_step()
        saver = saver or Saver()
        with graph.name_scope("init_ops"):
            if init_op is _USE_DEFAULT:
                init_op = state_ops.global_variables_initializer()
            if ready_op is _USE_DEFAULT:
                ready_op = state_ops.report_uninitialized_variables()
            if local_init_op is _USE_DEFAULT:
                local_init_op = control_flow_ops.group(state_ops.local_variables_initializer(),
                                                       state_ops.tables_initializer())
        if summary_op is _USE_DEFAULT:
            summary_op = summary_ops.merge_all()
        if train_step_kwargs is _USE_DEFAULT:
            with graph.name_scope("train_step"):
                train_step_kwargs = {
                    "should_stop": (math_ops.greater_equal(global_step, number_of_steps)
                                    if number_of_steps else
                                    conversion.convert_to_tensor(False))}
                if log_every_n_steps > 0:
                    train_step_kwargs["should_log"] = math_ops.equal(
                        math_ops.mod(global_step, log_every_n_steps), 0)
    sv = Supervisor(graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
                    init_feed_dict=init_feed_dict, local_init_op=local_init_op,
                    ready_op=ready_op, summary_op=summary_op,
                    summary_writer=(Supervisor.USE_DEFAULT if summary_writer is _USE_DEFAULT
                                    else summary_writer),
                    global_step=global_step, saver=saver,
                    save_summaries_secs=save_summaries_secs,
                    save_model_secs=save_interval_secs, init_fn=init_fn)
    total_loss = None
    should_retry = True
    while should_retry:
        should_retry = False
        try:
            with sv.managed_session(master, start_standard_services=False,
                                    config=session_config) as sess:
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief and logdir:
                    sv.start_standard_services(sess)
                threads = sv.start_queue_runners(sess)
                try:
                    while not sv.should_stop():
                        total_loss, stop = train_step_fn(sess, train_op, global_step,
                                                         train_step_kwargs)
                        if stop:
                            sv.request_stop()
                            break
                except OutOfRangeError as e:
                    logging.info("Caught OutOfRangeError. Stopping Training. %s", e)
                if logdir and sv.is_chief:
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                    # the writer is closed once, when managed_session ends
                    sv.stop(threads, close_summary_writer=False,
                            ignore_live_threads=ignore_live_threads)
        except AbortedError:
            should_retry = True
    return total_loss


__all__ = ["create_train_op", "train_step", "train", "add_gradients_summaries",
           "clip_gradient_norms", "multiply_gradients"]
