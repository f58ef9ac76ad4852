"""The heads of the premade estimators: from logits and labels to the loss, the
predictions, TF's evaluation metrics and the train op, for each mode.

- binary classification (``n_classes=2``): sigmoid cross-entropy; predictions
  ``logits``, ``logistic``, ``probabilities``, ``class_ids``, ``classes``,
  ``all_class_ids``, ``all_classes``; metrics
  ``accuracy``, ``accuracy_baseline``, ``auc``, ``auc_precision_recall``,
  ``average_loss``, ``label/mean``, ``prediction/mean``, ``precision``, ``recall``;
- multi-class: softmax cross-entropy; ``logits``, ``probabilities``, ``class_ids``,
  ``classes``, ``all_class_ids``, ``all_classes``; ``accuracy``, ``average_loss``;
- regression: squared error; ``predictions``; ``average_loss``, ``label/mean``,
  ``prediction/mean``.

The training loss is the weighted **sum** over the batch (TF1's canned default
``Reduction.SUM``); the Estimator adds ``loss`` (its mean over eval batches).

Example:
    >>> head = ClassificationHead(n_classes=3)
    >>> spec = head.create_estimator_spec(features, mode, logits, labels, optimizer)

``optimizer`` is an ``Optimizer`` (minimized with the global step) or a
``train_op_fn(loss)`` returning the train op (which then steps the global step itself).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.model_fn import EstimatorSpec
from trainkit.feature_column.lookup_ops import feature_op
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    check_ops,
    control_flow_ops,
    join_ops,
    lookup_ops,
    losses_impl,
    math_ops,
    metrics_confusion,
    metrics_impl,
    nn_activations,
    nn_losses_ops,
    reduction_ops,
    shape_ops,
    unary_ops,
)
from trainkit.ops.op_util import make_op
from trainkit.summary import summary_ops
from trainkit.training import training_util


@registry.register_kernel("HeadClassNames")
def _class_names(ctx: registry.KernelContext, ids: np.ndarray) -> np.ndarray:
    names = ctx.attrs["names"]
    ids = np.asarray(ids)
    out = np.empty(ids.shape, dtype=object)
    for idx, i in np.ndenumerate(ids):
        out[idx] = names[int(i)]
    return out


registry.not_differentiable("HeadClassNames")


def _class_names_op(class_ids: Tensor, names: tuple[bytes, ...]) -> Tensor:
    return make_op("HeadClassNames", [class_ids], [_dt.string], name="str_classes",
                   attrs={"names": names}, shapes=[class_ids.shape]).outputs[0]


def _column(x: Any, dtype: Any, name: str) -> Tensor:
    x = conversion.convert_to_tensor(x)
    if x.shape.ndims == 1:
        x = shape_ops.expand_dims(x, -1)
    return math_ops.cast(x, dtype) if dtype is not None else x


def _weights(features: Any, weight_column: Any) -> Tensor | None:
    if weight_column is None:
        return None
    key = weight_column if isinstance(weight_column, str) else weight_column.key
    if not isinstance(features, dict) or key not in features:
        raise ValueError(f"weight_column {key!r} is not in the features "
                         f"dictionary.")
    return _column(features[key], _dt.float32, "weights")


class _Head:
    logits_dimension = 1

    def __init__(self, weight_column: Any = None):
        self._weight_column = weight_column

    def _train_op(self, loss: Tensor, optimizer: Any) -> Any:
        if not hasattr(optimizer, "minimize"):  # a ``train_op_fn(loss)``, as TF's heads take
            return optimizer(loss)
        return optimizer.minimize(loss, global_step=training_util.get_global_step())

    def _finish(self, mode: str, predictions: dict, loss: Tensor | None, metrics: Any,
                optimizer: Any, unreduced: Tensor | None, weights: Any) -> EstimatorSpec:
        if mode == ModeKeys.PREDICT:
            return EstimatorSpec(mode, predictions=predictions)
        if mode == ModeKeys.EVAL:
            with name_scope(None, "metrics"):
                ops = {"average_loss": metrics_impl.mean(unreduced, weights,
                                                         name="average_loss")}
                ops.update(metrics())
            return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                 eval_metric_ops=ops)
        summary_ops.scalar("average_loss", metrics_impl.safe_div(
            loss, math_ops.reduce_sum(array_ops.ones_like(unreduced) if weights is None
                                      else weights * array_ops.ones_like(unreduced))))
        return EstimatorSpec(mode, predictions=predictions, loss=loss,
                             train_op=self._train_op(loss, optimizer))

    @staticmethod
    def _reduce(unreduced: Tensor, weights: Any) -> Tensor:
        if weights is not None:
            unreduced = unreduced * weights
        loss = math_ops.reduce_sum(unreduced, name="loss")
        losses_impl.add_loss(loss)  # in LOSSES, as TF's compute_weighted_loss puts it
        return loss


class ClassificationHead(_Head):
    """Binary (sigmoid) or multi-class (softmax) classification.

    Args:
        n_classes: number of classes (>= 2).
        weight_column: a feature key (or numeric column) of per-example weights.
        label_vocabulary: the class names, if labels are strings.
    """

    def __init__(self, n_classes: int = 2, weight_column: Any = None,
                 label_vocabulary: Any = None):
        super().__init__(weight_column)
        if not isinstance(n_classes, int) or n_classes < 2:
            raise ValueError(f"n_classes must be > 1: {n_classes}")
        if label_vocabulary is not None:
            vocab = list(label_vocabulary)
            if not all(isinstance(v, str) for v in vocab):
                raise ValueError(f"label_vocabulary should be a list or a tuple of strings. "
                                 f"Given: {label_vocabulary}")
            if len(vocab) != n_classes:
                raise ValueError(f"label_vocabulary has {len(vocab)} entries but n_classes "
                                 f"is {n_classes}.")
        self._n = n_classes
        self._vocab = tuple(label_vocabulary) if label_vocabulary is not None else None
        self.logits_dimension = 1 if n_classes == 2 else n_classes

    def _label_ids(self, labels: Any) -> Tensor:
        labels = _column(labels, None, "labels")
        if self._vocab is not None:
            # a lookup table, as TF's head (initialized by tables_initializer)
            table = lookup_ops.index_table_from_tensor(list(self._vocab),
                                                       name="class_id_lookup")
            ids = feature_op("FeatureVocabularyIds", labels, {"missing": None},
                             "label_lookup", extra=[table.lookup(labels)])
        else:
            if labels.dtype is _dt.string:
                raise ValueError("Labels dtype should be integer. Instead got string; pass "
                                 "label_vocabulary to use string labels.")
            ids = math_ops.cast(labels, _dt.int64)
        checks = [check_ops.assert_non_negative(ids, message="Labels must be >= 0 (and "
                                                "in label_vocabulary)"),
                  check_ops.assert_less_equal(ids, np.int64(self._n - 1),
                                              message=f"Labels must be <= n_classes - 1 "
                                              f"= {self._n - 1}")]
        return control_flow_ops.with_dependencies(checks, ids)

    def create_estimator_spec(self, features: Any, mode: str, logits: Tensor, labels: Any,
                              optimizer: Any) -> EstimatorSpec:
        """The ``EstimatorSpec`` of this head for ``mode``."""
        names = tuple(v.encode() for v in self._vocab) if self._vocab else \
            tuple(str(i).encode() for i in range(self._n))
        with name_scope(None, "head"):
            if self._n == 2:
                logistic = unary_ops.sigmoid(logits)
                probabilities = join_ops.concat([1.0 - logistic, logistic], 1)
                class_ids = math_ops.cast(math_ops.greater(logits, 0.0), _dt.int64)
                predictions = {"logits": logits, "logistic": logistic,
                               "probabilities": probabilities, "class_ids": class_ids}
            else:
                probabilities = nn_activations.softmax(logits)
                class_ids = shape_ops.expand_dims(reduction_ops.argmax(logits, 1), -1)
                predictions = {"logits": logits, "probabilities": probabilities,
                               "class_ids": class_ids}
            predictions["classes"] = _class_names_op(class_ids, names)
            all_ids = array_ops.zeros_like(probabilities, dtype=_dt.int32) + \
                array_ops.range(self._n)
            predictions["all_class_ids"] = all_ids
            predictions["all_classes"] = _class_names_op(all_ids, names)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions)
            ids = self._label_ids(labels)
            weights = _weights(features, self._weight_column)
            if self._n == 2:
                unreduced = nn_losses_ops.sigmoid_cross_entropy_with_logits(
                    labels=math_ops.cast(ids, _dt.float32), logits=logits)
            else:
                unreduced = shape_ops.expand_dims(
                    nn_losses_ops.sparse_softmax_cross_entropy_with_logits(
                        labels=shape_ops.reshape(ids, [-1]), logits=logits), -1)
            loss = self._reduce(unreduced, weights)

            def metrics() -> dict:
                ops = {"accuracy": metrics_impl.accuracy(ids, class_ids, weights,
                                                         name="accuracy")}
                if self._n == 2:
                    ops.update(self._binary_metrics(ids, logistic, class_ids, weights))
                return ops

            return self._finish(mode, predictions, loss, metrics, optimizer, unreduced,
                                weights)

    @staticmethod
    def _binary_metrics(ids: Tensor, logistic: Tensor, class_ids: Tensor,
                        weights: Any) -> dict:
        labels = math_ops.cast(ids, _dt.float32)
        label_mean = metrics_impl.mean(labels, weights, name="label/mean")
        value, update = label_mean
        baseline = (math_ops.maximum(value, 1.0 - value),
                    math_ops.maximum(update, 1.0 - update))
        return {
            "precision": metrics_confusion.precision(ids, class_ids, weights,
                                                     name="precision"),
            "recall": metrics_confusion.recall(ids, class_ids, weights, name="recall"),
            "prediction/mean": metrics_impl.mean(logistic, weights, name="prediction/mean"),
            "label/mean": label_mean,
            "accuracy_baseline": baseline,
            "auc": metrics_confusion.auc(ids, logistic, weights, name="auc"),
            "auc_precision_recall": metrics_confusion.auc(
                ids, logistic, weights, curve="PR", name="auc_precision_recall",
                summation_method="careful_interpolation"),
        }


class RegressionHead(_Head):
    """Squared-error regression onto ``label_dimension`` outputs."""

    def __init__(self, label_dimension: int = 1, weight_column: Any = None):
        super().__init__(weight_column)
        if not isinstance(label_dimension, int) or label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        self.logits_dimension = label_dimension

    def create_estimator_spec(self, features: Any, mode: str, logits: Tensor, labels: Any,
                              optimizer: Any) -> EstimatorSpec:
        """The ``EstimatorSpec`` of this head for ``mode``."""
        with name_scope(None, "head"):
            predictions = {"predictions": logits}
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions)
            labels = _column(labels, _dt.float32, "labels")
            if not labels.shape.is_compatible_with([None, self.logits_dimension]):
                raise ValueError(f"Mismatched label shape. Expected labels dimension="
                                 f"{self.logits_dimension}. Received labels shape "
                                 f"{labels.shape}.")
            weights = _weights(features, self._weight_column)
            unreduced = math_ops.squared_difference(logits, labels)
            loss = self._reduce(unreduced, weights)

            def metrics() -> dict:
                return {"label/mean": metrics_impl.mean(labels, weights, name="label/mean"),
                        "prediction/mean": metrics_impl.mean(logits, weights,
                                                             name="prediction/mean")}

            return self._finish(mode, predictions, loss, metrics, optimizer, unreduced,
                                weights)


__all__ = ["ClassificationHead", "RegressionHead"]
