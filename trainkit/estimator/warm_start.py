"""Warm-starting a new model from another model's checkpoint
(``Estimator(warm_start_from=...)``, ``tf.estimator.WarmStartSettings``).

Example:
    >>> settings = WarmStartSettings("/tmp/old_model", vars_to_warm_start="dnn/.*")
    >>> Estimator(model_fn, "/tmp/new", warm_start_from=settings)
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Callable
from typing import Any

from trainkit.training import checkpoint_reader
from trainkit.training.warm_start import select_variables

_LOG = logging.getLogger("trainkit.estimator")


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """Which variables to initialize from which checkpoint (TF's fields).

    Args:
        ckpt_to_initialize_from: a checkpoint prefix or a directory.
        vars_to_warm_start: a regex over *trainable* variable names (default ``'.*'``),
            a list of regexes or variables (then any global variable may match), or
            None (nothing is warm-started).
        var_name_to_vocab_info: not supported (must be empty).
        var_name_to_prev_var_name: ``{new name: name in the checkpoint}``.

    Raises:
        ValueError: no checkpoint path, or vocabulary remapping asked for.
    """

    def __new__(cls, ckpt_to_initialize_from: str, vars_to_warm_start: Any = ".*",
                var_name_to_vocab_info: dict | None = None,
                var_name_to_prev_var_name: dict | None = None) -> WarmStartSettings:
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        if var_name_to_vocab_info:
            raise ValueError("WarmStartSettings(var_name_to_vocab_info=...) is not supported "
                             "by trainkit.")
        return super().__new__(cls, os.fspath(ckpt_to_initialize_from), vars_to_warm_start,
                               dict(var_name_to_vocab_info or {}),
                               dict(var_name_to_prev_var_name or {}))


def as_warm_start_settings(warm_start_from: Any) -> WarmStartSettings | None:
    """``warm_start_from`` as settings (a path becomes ``WarmStartSettings(path)``).

    Raises:
        ValueError: anything but None, a path or ``WarmStartSettings`` (TF's message).
    """
    if warm_start_from is None or isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    if isinstance(warm_start_from, str | os.PathLike):
        return WarmStartSettings(os.fspath(warm_start_from))
    raise ValueError(f"warm_start_from must be a string or a WarmStartSettings, instead "
                     f"got {type(warm_start_from)}")


def _selected(settings: WarmStartSettings) -> list:
    return select_variables(settings.vars_to_warm_start)


def warm_start_init_fn(settings: WarmStartSettings, scaffold: Any
                       ) -> Callable[[Any, Any], None]:
    """An ``init_fn(scaffold, session)`` that runs ``scaffold``'s own ``init_fn`` and then
    loads the selected variables from the checkpoint (by their names there).

    Raises:
        ValueError: (when called) no checkpoint at the path, or a selected variable
            missing from it or of another shape.
    """
    user_init = getattr(scaffold, "init_fn", None)

    def init_fn(scaffold_: Any, session: Any) -> None:
        if user_init is not None:
            user_init(session)
        path = checkpoint_reader.resolve_checkpoint(settings.ckpt_to_initialize_from)
        available = dict(checkpoint_reader.list_variables(path))
        for var in _selected(settings):
            name = settings.var_name_to_prev_var_name.get(var.op.name, var.op.name)
            if name not in available:
                raise ValueError(f"Warm-starting {var.op.name}: {name!r} is not in the "
                                 f"checkpoint {path}.")
            if list(available[name]) != var.shape.as_list():
                raise ValueError(f"Warm-starting {var.op.name}: shape {var.shape} does not "
                                 f"match {list(available[name])} of {name!r} in {path}.")
            var.load(checkpoint_reader.load_variable(path, name), session)
            _LOG.info("Warm-started %s from %s:%s", var.op.name, path, name)
    return init_fn


__all__ = ["WarmStartSettings", "as_warm_start_settings", "warm_start_init_fn"]
