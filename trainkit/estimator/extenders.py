"""``tf.estimator.add_metrics``: an Estimator with extra evaluation metrics.

Example:
    >>> def my_auc(labels, predictions):
    ...     return {"auc": tk.metrics.auc(labels, predictions["logistic"])}
    >>> estimator = add_metrics(estimator, my_auc)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.estimator.calling import fn_args
from trainkit.estimator.estimator import Estimator
from trainkit.estimator.mode_keys import ModeKeys

_VALID_METRIC_FN_ARGS = frozenset({"features", "labels", "predictions", "config"})


def add_metrics(estimator: Estimator, metric_fn: Callable[..., dict]) -> Estimator:
    """A new Estimator (same directory, config and warm start) whose EVAL spec also has
    ``metric_fn``'s metrics; ``metric_fn`` takes any of ``features``, ``labels``,
    ``predictions``, ``config`` and returns ``{name: (value, update_op)}``.

    Raises:
        ValueError: ``metric_fn`` has other arguments (TF's message).
    """
    args = fn_args(metric_fn)
    invalid = sorted(set(args) - _VALID_METRIC_FN_ARGS)
    if invalid:
        raise ValueError(f"metric_fn ({metric_fn}) has following not expected args: "
                         f"{invalid}")
    base = estimator.model_fn

    def new_model_fn(features: Any, labels: Any, mode: str, config: Any) -> Any:
        spec = base(features, labels, mode, config)
        if mode != ModeKeys.EVAL:
            return spec
        values = {"features": features, "labels": labels, "predictions": spec.predictions,
                  "config": config}
        extra = metric_fn(**{k: values[k] for k in args})
        return spec._replace(eval_metric_ops={**spec.eval_metric_ops, **extra})

    return Estimator(new_model_fn, model_dir=estimator.model_dir, config=estimator.config,
                     warm_start_from=estimator.warm_start_settings)


__all__ = ["add_metrics"]
