"""The wide-and-deep premade estimators: ``DNNLinearCombinedClassifier`` and
``DNNLinearCombinedRegressor`` (TF1's ``tf.estimator`` / ``tf.compat.v1.estimator``).

The logits are the sum of a DNN's (variables under ``dnn/``, exactly
``DNNClassifier``'s) and a linear model's (under ``linear/``, exactly
``LinearClassifier``'s). Training runs two optimizers on the same loss, each over its
own part's trainable variables (the ``dnn`` and ``linear`` scopes' collection), groups
them and then increments the global step once. TF1's defaults: DNN ``Adagrad`` at 0.001,
linear ``Ftrl`` at ``min(0.005, 1/sqrt(#linear columns))`` (a learning rate given with an
optimizer name other than Ftrl is the linear default 0.005), summed loss.

Example:
    >>> est = DNNLinearCombinedClassifier(linear_feature_columns=wide,
    ...                                   dnn_feature_columns=deep, dnn_hidden_units=[8])
    >>> est.train(input_fn, steps=100)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.estimator.canned.head import ClassificationHead, RegressionHead
from trainkit.estimator.canned.optimizers import get_optimizer_instance
from trainkit.estimator.canned.premade import _dnn_logits, _validate_dnn
from trainkit.estimator.estimator import Estimator
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.feature_column.layers import linear_model
from trainkit.framework.default_graph import control_dependencies, get_collection
from trainkit.framework.graph_keys import GraphKeys
from trainkit.ops import control_flow_ops, nn_activations, state_ops, variable_scope
from trainkit.training import training_util

_DNN_LEARNING_RATE = 0.001
_LINEAR_LEARNING_RATE = 0.005


def _linear_optimizer(optimizer: Any, n_columns: int) -> Any:
    rate = min(_LINEAR_LEARNING_RATE, 1.0 / math.sqrt(n_columns))
    return get_optimizer_instance(optimizer, rate)


def _combined_model_fn(head: Any, linear_columns: list, linear_optimizer: Any,
                       dnn_columns: list, dnn_optimizer: Any, hidden_units: list[int],
                       activation_fn: Callable, dropout: float | None,
                       sparse_combiner: str) -> Callable[..., Any]:
    def model_fn(features: Any, labels: Any, mode: str, config: Any) -> Any:
        if not isinstance(features, dict):
            raise ValueError(f"features should be a dictionary of Tensors, got "
                             f"{type(features).__name__}.")
        parts = []  # (scope, optimizer) of each part that has columns
        logits = None
        if dnn_columns:
            logits = _dnn_logits(features, mode, hidden_units, dnn_columns,
                                 head.logits_dimension, activation_fn, dropout)
            parts.append(("dnn", dnn_optimizer))
        if linear_columns:
            with variable_scope.variable_scope("linear"):
                linear_logits = linear_model(features, linear_columns,
                                             units=head.logits_dimension,
                                             sparse_combiner=sparse_combiner)
            logits = linear_logits if logits is None else logits + linear_logits
            parts.append(("linear", linear_optimizer))

        def train_op_fn(loss: Any) -> Any:
            ops = []
            for scope, opt in parts:
                opt = (get_optimizer_instance(opt, _DNN_LEARNING_RATE) if scope == "dnn"
                       else _linear_optimizer(opt, len(linear_columns)))
                var_list = get_collection(GraphKeys.TRAINABLE_VARIABLES, scope=scope)
                ops.append(opt.minimize(loss, var_list=var_list))
            with control_dependencies([control_flow_ops.group(*ops)]):
                return state_ops.assign_add(training_util.get_global_step(), 1).op

        return head.create_estimator_spec(features, mode, logits, labels,
                                          train_op_fn if mode == ModeKeys.TRAIN else None)
    return model_fn


def _columns(linear: Any, dnn: Any, hidden_units: Any, dropout: Any) -> tuple:
    linear, dnn = list(linear or []), list(dnn or [])
    if not linear and not dnn:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    units = _validate_dnn(hidden_units, dropout) if dnn else []
    return linear, dnn, units


class DNNLinearCombinedClassifier(Estimator):
    """A wide-and-deep classifier (``tf.estimator.DNNLinearCombinedClassifier``).

    Raises:
        ValueError: no columns at all, DNN columns without ``dnn_hidden_units``, a bad
            dropout, ``n_classes < 2``, a bad label vocabulary or optimizer.
    """

    def __init__(self, model_dir: str | None = None,
                 linear_feature_columns: Sequence[Any] | None = None,
                 linear_optimizer: Any = "Ftrl",
                 dnn_feature_columns: Sequence[Any] | None = None,
                 dnn_optimizer: Any = "Adagrad", dnn_hidden_units: Sequence[int] | None = None,
                 dnn_activation_fn: Callable = nn_activations.relu,
                 dnn_dropout: float | None = None, n_classes: int = 2,
                 weight_column: Any = None, label_vocabulary: Any = None,
                 input_layer_partitioner: Any = None, config: Any = None,
                 warm_start_from: Any = None, loss_reduction: Any = None,
                 batch_norm: bool = False, linear_sparse_combiner: str = "sum"):
        linear, dnn, units = _columns(linear_feature_columns, dnn_feature_columns,
                                      dnn_hidden_units, dnn_dropout)
        if batch_norm:
            raise ValueError("DNNLinearCombinedClassifier(batch_norm=True) is not supported "
                             "by trainkit.")
        head = ClassificationHead(n_classes, weight_column, label_vocabulary)
        super().__init__(_combined_model_fn(head, linear, linear_optimizer, dnn,
                                            dnn_optimizer, units, dnn_activation_fn,
                                            dnn_dropout, linear_sparse_combiner),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


class DNNLinearCombinedRegressor(Estimator):
    """A wide-and-deep regressor (``tf.estimator.DNNLinearCombinedRegressor``)."""

    def __init__(self, model_dir: str | None = None,
                 linear_feature_columns: Sequence[Any] | None = None,
                 linear_optimizer: Any = "Ftrl",
                 dnn_feature_columns: Sequence[Any] | None = None,
                 dnn_optimizer: Any = "Adagrad", dnn_hidden_units: Sequence[int] | None = None,
                 dnn_activation_fn: Callable = nn_activations.relu,
                 dnn_dropout: float | None = None, label_dimension: int = 1,
                 weight_column: Any = None, input_layer_partitioner: Any = None,
                 config: Any = None, warm_start_from: Any = None,
                 loss_reduction: Any = None, batch_norm: bool = False,
                 linear_sparse_combiner: str = "sum"):
        linear, dnn, units = _columns(linear_feature_columns, dnn_feature_columns,
                                      dnn_hidden_units, dnn_dropout)
        if batch_norm:
            raise ValueError("DNNLinearCombinedRegressor(batch_norm=True) is not supported "
                             "by trainkit.")
        head = RegressionHead(label_dimension, weight_column)
        super().__init__(_combined_model_fn(head, linear, linear_optimizer, dnn,
                                            dnn_optimizer, units, dnn_activation_fn,
                                            dnn_dropout, linear_sparse_combiner),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


__all__ = ["DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor"]
