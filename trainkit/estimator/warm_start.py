"""Warm-starting a new model from another model's checkpoint
(``Estimator(warm_start_from=...)``).

Example:
    >>> scaffold = Scaffold(init_fn=warm_start_init_fn("/tmp/old_model", Scaffold()))
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from trainkit.ops import state_ops
from trainkit.training import checkpoint_reader

_LOG = logging.getLogger("trainkit.estimator")


def warm_start_init_fn(ckpt_dir_or_file: str, scaffold: Any) -> Callable[[Any, Any], None]:
    """An ``init_fn(scaffold, session)`` that runs ``scaffold``'s own ``init_fn`` and then
    loads every trainable variable of the same name and shape from the checkpoint
    (TF's default ``WarmStartSettings(vars_to_warm_start='.*')``).

    Raises:
        ValueError: (when called) if ``ckpt_dir_or_file`` holds no checkpoint.
    """
    user_init = getattr(scaffold, "init_fn", None)

    def init_fn(scaffold_: Any, session: Any) -> None:
        if user_init is not None:
            user_init(session)
        path = checkpoint_reader.resolve_checkpoint(ckpt_dir_or_file)
        available = dict(checkpoint_reader.list_variables(path))
        for var in state_ops.trainable_variables():
            name = var.op.name
            if name in available and list(available[name]) == var.shape.as_list():
                var.load(checkpoint_reader.load_variable(path, name), session)
                _LOG.info("Warm-started %s from %s", name, path)
    return init_fn


__all__ = ["warm_start_init_fn"]
