"""Calling user functions the way TF's Estimator does: ``input_fn`` and ``model_fn``
get only the arguments their signatures name, and their results are checked with
clear, typed errors.

Example:
    >>> features, labels, hooks = call_input_fn(input_fn, ModeKeys.TRAIN, params, config)
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from trainkit.data.dataset import Dataset
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.model_fn import EstimatorSpec
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.training.session_run_hook import SessionRunHook

_LOG = logging.getLogger("trainkit.estimator")
VALID_MODEL_FN_ARGS = frozenset({"features", "labels", "mode", "params", "self", "config"})


def fn_args(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The names of ``fn``'s parameters (partials and bound methods resolved; ``*args``
    and ``**kwargs`` left out)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{fn!r} is not a callable with an inspectable signature: {e}") \
            from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
             inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in sig.parameters.values() if p.kind in kinds)


def verify_model_fn_args(model_fn: Callable[..., Any], params: Any) -> None:
    """TF's checks of a ``model_fn`` signature, with TF's messages.

    Raises:
        ValueError: no ``features`` argument, ``params`` given but not accepted, or
            arguments an Estimator cannot supply.
    """
    args = set(fn_args(model_fn))
    if "features" not in args:
        raise ValueError(f"model_fn ({model_fn}) must include features argument.")
    if params is not None and "params" not in args:
        raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                         f"params ({params}) is passed to Estimator.")
    if params is None and "params" in args:
        _LOG.warning("Estimator's model_fn (%s) includes params argument, but params are "
                     "not passed to Estimator.", model_fn)
    unexpected = sorted(args - VALID_MODEL_FN_ARGS)
    if unexpected:
        raise ValueError(f"model_fn ({model_fn}) has following not expected args: "
                         f"{unexpected}")


def _check_features(features: Any, what: str) -> None:
    ok = (Tensor, SparseTensor)
    if isinstance(features, ok):
        return
    if isinstance(features, Mapping):
        for key, value in features.items():
            if not isinstance(value, ok):
                raise TypeError(f"{what}[{key!r}] must be a Tensor or SparseTensor, got "
                                f"{type(value).__name__}: {value!r}.")
        return
    raise TypeError(f"{what} must be a Tensor or a dict of Tensors, got "
                    f"{type(features).__name__}: {features!r}.")


class DatasetInitializerHook(SessionRunHook):
    """Runs an initializable iterator's initializer once the session exists (the data
    of an evaluation or prediction always starts at the beginning)."""

    def __init__(self, iterator: Any):
        self._iterator = iterator

    def after_create_session(self, session: Any, coord: Any) -> None:
        session.run(self._iterator.initializer)


def call_input_fn(input_fn: Callable[..., Any], mode: str, params: Any, config: Any,
                  one_shot: bool = False) -> tuple[Any, Any, list, Any]:
    """Calls ``input_fn`` and splits its result.

    Returns:
        ``(features, labels, input_hooks, iterator)``; ``labels`` is None when the
        input has none; ``iterator`` is the one made from a returned Dataset (one-shot
        when ``one_shot``, so its position is checkpointed; else initializable, with a
        hook that initializes it).

    Raises:
        TypeError: ``input_fn`` is not callable, or its result (or the elements of its
            Dataset) is not ``features`` or ``(features, labels)`` of tensors.
        ValueError: a tuple or list result that is not of length 2.
    """
    if not callable(input_fn):
        raise TypeError(f"input_fn must be callable, got {input_fn!r}.")
    args = fn_args(input_fn)
    kwargs = {k: v for k, v in (("mode", mode), ("params", params), ("config", config))
              if k in args}
    result = input_fn(**kwargs)
    hooks: list = []
    iterator = None
    what = "input_fn's result"
    if isinstance(result, Dataset):
        what = "the elements of input_fn's Dataset"
        if one_shot:
            iterator = result.make_one_shot_iterator()
        else:
            iterator = result.make_initializable_iterator()
            hooks.append(DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, list | tuple):
        if len(result) != 2:
            raise ValueError(f"input_fn should return (features, labels) as a len 2 tuple; "
                             f"{what} has length {len(result)}.")
        features, labels = result
    else:
        features, labels = result, None
    _check_features(features, f"features in {what}")
    if labels is not None:
        _check_features(labels, f"labels in {what}")
    if mode == ModeKeys.PREDICT:
        labels = None
    return features, labels, hooks, iterator


def model_fn_kwargs(model_fn: Callable[..., Any], labels: Any, mode: str, params: Any,
                    config: Any) -> dict[str, Any]:
    """The keyword arguments besides ``features`` that ``model_fn``'s signature takes.

    Raises:
        ValueError: labels given to a model_fn without a ``labels`` argument.
    """
    args = fn_args(model_fn)
    kwargs: dict[str, Any] = {}
    if "labels" in args:
        kwargs["labels"] = labels
    elif labels is not None:
        raise ValueError("model_fn does not take labels, but input_fn returns labels.")
    if "mode" in args:
        kwargs["mode"] = mode
    if "params" in args:
        kwargs["params"] = params
    if "config" in args:
        kwargs["config"] = config
    return kwargs


def call_model_fn(model_fn: Callable[..., Any], features: Any, labels: Any, mode: str,
                  params: Any, config: Any) -> Any:
    """Calls ``model_fn`` with the arguments its signature takes.

    Raises:
        ValueError: labels given to a model_fn without a ``labels`` argument, or a
            result that is not an ``EstimatorSpec``.
    """
    spec = model_fn(features=features,
                    **model_fn_kwargs(model_fn, labels, mode, params, config))
    if not isinstance(spec, EstimatorSpec):
        raise ValueError(f"model_fn should return an EstimatorSpec, got "
                         f"{type(spec).__name__}.")
    return spec


__all__ = ["fn_args", "verify_model_fn_args", "call_input_fn", "call_model_fn",
           "model_fn_kwargs",
           "DatasetInitializerHook", "VALID_MODEL_FN_ARGS"]
