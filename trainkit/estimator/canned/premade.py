"""The premade estimators: ``DNNClassifier``, ``DNNRegressor``, ``LinearClassifier``,
``LinearRegressor`` — an ``Estimator`` whose ``model_fn`` is a logits network over
feature columns plus a head (:mod:`.head`).

Variable names are TF1's: ``dnn/hiddenlayer_<i>/kernel``, ``dnn/logits/kernel``,
``dnn/input_from_feature_columns/input_layer/...``; ``linear/linear_model/<col>/weights``
and ``linear/linear_model/bias_weights``.

Example:
    >>> est = DNNClassifier(hidden_units=[32, 16], feature_columns=[numeric_column("x",
    ...                     shape=64)], n_classes=10, optimizer="Adam")
    >>> est.train(input_fn, steps=200)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.estimator.canned.head import ClassificationHead, RegressionHead
from trainkit.estimator.canned.optimizers import get_optimizer_instance
from trainkit.estimator.estimator import Estimator
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.feature_column.layers import input_layer, linear_model
from trainkit.ops import nn_activations, variable_scope
from trainkit.ops.layers_impl.core import dense
from trainkit.ops.layers_impl.core import dropout as dropout_layer

_DNN_LEARNING_RATE = 0.05
_LINEAR_LEARNING_RATE = 0.2


def _check_columns(feature_columns: Any) -> list:
    columns = list(feature_columns or [])
    if not columns:
        raise ValueError("feature_columns must not be empty.")
    return columns


def _dnn_logits(features: Any, mode: str, hidden_units: Sequence[int], columns: list,
                units: int, activation_fn: Callable, dropout: float | None) -> Any:
    with variable_scope.variable_scope("dnn"):
        with variable_scope.variable_scope("input_from_feature_columns"):
            net = input_layer(features, columns)
        for i, n in enumerate(hidden_units):
            net = dense(net, n, activation=activation_fn, name=f"hiddenlayer_{i}")
            if dropout is not None and mode == ModeKeys.TRAIN:
                net = dropout_layer(net, rate=dropout, training=True)
        return dense(net, units, name="logits")


def _validate_dnn(hidden_units: Any, dropout: Any) -> list[int]:
    units = list(hidden_units or [])
    if not units or any(not isinstance(u, int) or u < 1 for u in units):
        raise ValueError(f"hidden_units must be a non-empty list of positive ints, got "
                         f"{hidden_units!r}.")
    if dropout is not None and not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    return units


def _dnn_model_fn(head: Any, hidden_units: list[int], columns: list, optimizer: Any,
                  activation_fn: Callable, dropout: float | None) -> Callable[..., Any]:
    def model_fn(features: Any, labels: Any, mode: str, config: Any) -> Any:
        logits = _dnn_logits(features, mode, hidden_units, columns, head.logits_dimension,
                             activation_fn, dropout)
        opt = get_optimizer_instance(optimizer, _DNN_LEARNING_RATE) \
            if mode == ModeKeys.TRAIN else None
        return head.create_estimator_spec(features, mode, logits, labels, opt)
    return model_fn


def _linear_model_fn(head: Any, columns: list, optimizer: Any,
                     sparse_combiner: str) -> Callable[..., Any]:
    def model_fn(features: Any, labels: Any, mode: str, config: Any) -> Any:
        with variable_scope.variable_scope("linear"):
            logits = linear_model(features, columns, units=head.logits_dimension,
                                  sparse_combiner=sparse_combiner)
        opt = None
        if mode == ModeKeys.TRAIN:
            if optimizer == "Ftrl" or optimizer is None:
                rate = min(_LINEAR_LEARNING_RATE, 1.0 / math.sqrt(len(columns)))
                opt = get_optimizer_instance("Ftrl", rate)
            else:
                opt = get_optimizer_instance(optimizer, _LINEAR_LEARNING_RATE)
        return head.create_estimator_spec(features, mode, logits, labels, opt)
    return model_fn


class DNNClassifier(Estimator):
    """A feed-forward network classifier (``tf.estimator.DNNClassifier``, TF1 defaults:
    Adagrad at 0.05, ReLU, summed loss).

    Raises:
        ValueError: empty ``hidden_units`` or ``feature_columns``, ``n_classes < 2``, a
            bad dropout, label vocabulary or optimizer.
    """

    def __init__(self, hidden_units: Sequence[int], feature_columns: Sequence[Any],
                 model_dir: str | None = None, n_classes: int = 2, weight_column: Any = None,
                 label_vocabulary: Any = None, optimizer: Any = "Adagrad",
                 activation_fn: Callable = nn_activations.relu, dropout: float | None = None,
                 input_layer_partitioner: Any = None, config: Any = None,
                 warm_start_from: Any = None, loss_reduction: Any = None,
                 batch_norm: bool = False):
        units = _validate_dnn(hidden_units, dropout)
        head = ClassificationHead(n_classes, weight_column, label_vocabulary)
        if batch_norm:
            raise ValueError("DNNClassifier(batch_norm=True) is not supported by trainkit.")
        super().__init__(_dnn_model_fn(head, units, _check_columns(feature_columns),
                                       optimizer, activation_fn, dropout),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


class DNNRegressor(Estimator):
    """A feed-forward network regressor (``tf.estimator.DNNRegressor``)."""

    def __init__(self, hidden_units: Sequence[int], feature_columns: Sequence[Any],
                 model_dir: str | None = None, label_dimension: int = 1,
                 weight_column: Any = None, optimizer: Any = "Adagrad",
                 activation_fn: Callable = nn_activations.relu, dropout: float | None = None,
                 input_layer_partitioner: Any = None, config: Any = None,
                 warm_start_from: Any = None, loss_reduction: Any = None,
                 batch_norm: bool = False):
        units = _validate_dnn(hidden_units, dropout)
        head = RegressionHead(label_dimension, weight_column)
        if batch_norm:
            raise ValueError("DNNRegressor(batch_norm=True) is not supported by trainkit.")
        super().__init__(_dnn_model_fn(head, units, _check_columns(feature_columns),
                                       optimizer, activation_fn, dropout),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


class LinearClassifier(Estimator):
    """A linear classifier over feature columns (``tf.estimator.LinearClassifier``;
    default optimizer Ftrl at ``min(0.2, 1/sqrt(#columns))``)."""

    def __init__(self, feature_columns: Sequence[Any], model_dir: str | None = None,
                 n_classes: int = 2, weight_column: Any = None, label_vocabulary: Any = None,
                 optimizer: Any = "Ftrl", config: Any = None, partitioner: Any = None,
                 warm_start_from: Any = None, loss_reduction: Any = None,
                 sparse_combiner: str = "sum"):
        head = ClassificationHead(n_classes, weight_column, label_vocabulary)
        super().__init__(_linear_model_fn(head, _check_columns(feature_columns), optimizer,
                                          sparse_combiner),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


class LinearRegressor(Estimator):
    """A linear regressor over feature columns (``tf.estimator.LinearRegressor``)."""

    def __init__(self, feature_columns: Sequence[Any], model_dir: str | None = None,
                 label_dimension: int = 1, weight_column: Any = None,
                 optimizer: Any = "Ftrl", config: Any = None, partitioner: Any = None,
                 warm_start_from: Any = None, loss_reduction: Any = None,
                 sparse_combiner: str = "sum"):
        head = RegressionHead(label_dimension, weight_column)
        super().__init__(_linear_model_fn(head, _check_columns(feature_columns), optimizer,
                                          sparse_combiner),
                         model_dir=model_dir, config=config, warm_start_from=warm_start_from)


__all__ = ["DNNClassifier", "DNNRegressor", "LinearClassifier", "LinearRegressor"]
