"""``tf.estimator.EstimatorSpec``: what a ``model_fn`` returns, validated per mode with
TF's messages.

- TRAIN needs ``loss`` and ``train_op``; EVAL needs ``loss``; PREDICT needs
  ``predictions``. Other fields may be set in any mode and are ignored where unused.
- ``loss`` must be a scalar (a ``[1]``-shaped loss is reshaped, as TF does);
  ``predictions`` a tensor or a dict of tensors; ``eval_metric_ops`` a dict of
  ``(value, update_op)`` pairs; hooks ``SessionRunHook``s; every tensor from the graph
  the ``model_fn`` was called in.

Example:
    >>> def model_fn(features, labels, mode):
    ...     ...
    ...     return EstimatorSpec(mode, loss=loss, train_op=train_op,
    ...                          predictions={"y": y}, eval_metric_ops={"mae": mae})
"""

from __future__ import annotations

import collections
from typing import Any

from trainkit.estimator.mode_keys import ModeKeys
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import shape_ops
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_run_hook import SessionRunHook

LOSS_METRIC_KEY = "loss"
AVERAGE_LOSS_METRIC_KEY = "average_loss"

_GRAPH_ERROR = (
    '{0} with "{1}" must be from the default graph. Possible causes of this error '
    "include: \n\n1) {0} was created outside the context of the default graph.\n\n2) The "
    'object passed through to EstimatorSpec was not created in the most recent call to '
    '"model_fn".')

_FIELDS = ("mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
           "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
           "prediction_hooks")


def _in_graph(x: Any, what: str, name: str) -> None:
    if x.graph is not get_default_graph():
        raise ValueError(_GRAPH_ERROR.format(what, name))


def _tensor(x: Any, what: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{what} must be Tensor, given: {x}")
    return x


def _train_op(train_op: Any, mode: str) -> Any:
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if not isinstance(train_op, Tensor | Operation):
        raise TypeError(f"train_op must be Operation or Tensor, given: {train_op}")
    _in_graph(train_op, "train_op", train_op.name)
    return train_op


def _loss(loss: Any, mode: str) -> Tensor | None:
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _tensor(loss, "loss")
    shape = loss.shape
    if shape.ndims is not None and shape.num_elements() not in (None, 1):
        raise ValueError(f"Loss must be scalar, given: {loss}")
    if shape.ndims != 0:
        loss = shape_ops.reshape(loss, [])
    _in_graph(loss, "loss", loss.name)
    return loss


def _predictions(predictions: Any, mode: str) -> Any:
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        out = {k: _tensor(v, f"predictions[{k}]") for k, v in predictions.items()}
        for k, v in out.items():
            _in_graph(v, "prediction values", f"{k}: {v.name}")
        return out
    _tensor(predictions, "predictions")
    _in_graph(predictions, "prediction values", predictions.name)
    return predictions


def _hooks(hooks: Any) -> tuple:
    hooks = tuple(hooks or ())
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
    return hooks


def _metric_ops(eval_metric_ops: Any) -> dict:
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
    for key, value in eval_metric_ops.items():
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) "
                            f"tuples, given: {value} for key: {key}")
        for item in value:
            if not isinstance(item, Tensor | Operation):
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, "
                                f"update_op) tuples, given: {value} for key: {key}")
            _in_graph(item, "eval_metric_ops", f"{key}: {item.name}")
    return dict(eval_metric_ops)


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _FIELDS)):
    """Ops and objects returned from a ``model_fn`` (``tf.estimator.EstimatorSpec``).

    Args:
        mode: a :class:`ModeKeys` value.
        predictions: a tensor or dict of tensors (required in PREDICT).
        loss: a scalar tensor (required in TRAIN and EVAL).
        train_op: the op of one training step (required in TRAIN).
        eval_metric_ops: ``{name: (value, update_op)}``, e.g. from ``tk.metrics``.
        export_outputs: in PREDICT mode, signature key -> ``tk.estimator.export``
            ``ExportOutput``; used by ``Estimator.export_saved_model``.
        training_chief_hooks, training_hooks, evaluation_hooks, prediction_hooks:
            ``SessionRunHook``s for the matching mode.
        scaffold: a ``tk.train.Scaffold`` (default: a new one).

    Raises:
        ValueError: a field the mode needs is missing, a non-scalar loss, or a tensor
            from another graph.
        TypeError: a field of the wrong type.
    """

    def __new__(cls, mode: str, predictions: Any = None, loss: Any = None,
                train_op: Any = None, eval_metric_ops: Any = None, export_outputs: Any = None,
                training_chief_hooks: Any = None, training_hooks: Any = None,
                scaffold: Any = None, evaluation_hooks: Any = None,
                prediction_hooks: Any = None) -> EstimatorSpec:
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
            raise ValueError(f"mode must be one of ModeKeys.TRAIN/EVAL/PREDICT, got {mode!r}.")
        train_op = _train_op(train_op, mode)
        loss = _loss(loss, mode)
        predictions = _predictions(predictions, mode)
        training_hooks = _hooks(training_hooks)
        evaluation_hooks = _hooks(evaluation_hooks)
        prediction_hooks = _hooks(prediction_hooks)
        training_chief_hooks = _hooks(training_chief_hooks)
        eval_metric_ops = _metric_ops(eval_metric_ops)
        if scaffold is None:
            scaffold = Scaffold()
        elif not isinstance(scaffold, Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        return super().__new__(
            cls, mode=mode, predictions=predictions, loss=loss, train_op=train_op,
            eval_metric_ops=eval_metric_ops, export_outputs=export_outputs,
            training_chief_hooks=training_chief_hooks, training_hooks=training_hooks,
            scaffold=scaffold, evaluation_hooks=evaluation_hooks,
            prediction_hooks=prediction_hooks)

    def _replace(self, **kwargs: Any) -> EstimatorSpec:
        if "mode" in kwargs and kwargs["mode"] != self.mode:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        fields = dict(zip(self._fields, self))
        fields.update(kwargs)
        return EstimatorSpec(**fields)


__all__ = ["EstimatorSpec", "LOSS_METRIC_KEY", "AVERAGE_LOSS_METRIC_KEY"]
