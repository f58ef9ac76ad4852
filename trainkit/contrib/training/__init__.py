"""``tk.contrib.training``: TF 1.15's ``tf.contrib.training``: the hyperparameter container
``HParams``, ``create_train_op`` / ``train``, the evaluation loop (``evaluate_once``,
``evaluate_repeatedly``, ``checkpoints_iterator``) and the parameter-server placement
strategies."""

from trainkit.contrib.training.device_strategies import (
    GreedyLoadBalancingStrategy,
    RandomStrategy,
    byte_size_load_fn,
)
from trainkit.contrib.training.evaluation import (
    StopAfterNEvalsHook,
    SummaryAtEndHook,
    checkpoints_iterator,
    evaluate_once,
    evaluate_repeatedly,
    get_or_create_eval_step,
    wait_for_new_checkpoint,
)
from trainkit.contrib.training.hparam import HParams, parse_values
from trainkit.contrib.training.training import (
    add_gradients_summaries,
    clip_gradient_norms,
    clip_gradient_norms_fn,
    create_train_op,
    multiply_gradients,
    train,
)

__all__ = ["HParams", "parse_values", "create_train_op", "train", "add_gradients_summaries",
           "clip_gradient_norms", "clip_gradient_norms_fn", "multiply_gradients",
           "evaluate_once", "evaluate_repeatedly", "checkpoints_iterator",
           "wait_for_new_checkpoint", "get_or_create_eval_step", "StopAfterNEvalsHook",
           "SummaryAtEndHook", "GreedyLoadBalancingStrategy", "RandomStrategy",
           "byte_size_load_fn"]
