"""``tf.estimator.RunConfig``: where an Estimator writes and how often.

Example:
    >>> config = RunConfig(model_dir="/tmp/m", save_checkpoints_steps=50)
    >>> config.replace(keep_checkpoint_max=2).keep_checkpoint_max
    2
"""

from __future__ import annotations

import copy
import os
from typing import Any

_USE_DEFAULT: Any = object()
_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."
_REPLACEABLE = (
    "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
    "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
    "keep_checkpoint_every_n_hours", "log_step_count_steps", "train_distribute", "device_fn",
    "protocol", "eval_distribute", "experimental_distribute",
    "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
    "checkpoint_save_graph_def",
)


def _check_int(name: str, value: Any, minimum: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum} (or None), got {value!r}.")


class RunConfig:
    """How an Estimator runs: its directory, seed, and the summary / checkpoint /
    logging periods.

    Args:
        model_dir: checkpoints and event files go here (None: the Estimator's own).
        tf_random_seed: the graph-level seed set in every graph the Estimator builds.
        save_summary_steps: summaries every this many steps (None/0: off).
        save_checkpoints_steps / save_checkpoints_secs: at most one of them; with
            neither, checkpoints every 600 seconds (as TF). Both None: no checkpoints.
        session_config: a ``ConfigProto`` for the sessions.
        keep_checkpoint_max: how many recent checkpoints to keep (0/None: all).
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
        log_step_count_steps: loss/step logging and steps/sec every this many steps.
        train_distribute, device_fn, protocol, eval_distribute, experimental_distribute,
        experimental_max_worker_delay_secs, session_creation_timeout_secs: accepted for
            TF compatibility; trainkit runs one local process (use
            ``trainkit.distributed`` for data parallelism).
        checkpoint_save_graph_def: write the graph with checkpoints.

    Raises:
        ValueError: both checkpoint periods set, or a negative / non-int period.
    """

    def __init__(self, model_dir: str | None = None, tf_random_seed: int | None = None,
                 save_summary_steps: int | None = 100,
                 save_checkpoints_steps: Any = _USE_DEFAULT,
                 save_checkpoints_secs: Any = _USE_DEFAULT, session_config: Any = None,
                 keep_checkpoint_max: int | None = 5,
                 keep_checkpoint_every_n_hours: float = 10000,
                 log_step_count_steps: int | None = 100, train_distribute: Any = None,
                 device_fn: Any = None, protocol: Any = None, eval_distribute: Any = None,
                 experimental_distribute: Any = None,
                 experimental_max_worker_delay_secs: Any = None,
                 session_creation_timeout_secs: int = 7200,
                 checkpoint_save_graph_def: bool = True):
        steps_default = save_checkpoints_steps is _USE_DEFAULT
        secs_default = save_checkpoints_secs is _USE_DEFAULT
        if steps_default and secs_default:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif secs_default:
            save_checkpoints_secs = None
        elif steps_default:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        _check_int("save_summary_steps", save_summary_steps, 0)
        _check_int("save_checkpoints_steps", save_checkpoints_steps, 0)
        _check_int("keep_checkpoint_max", keep_checkpoint_max, 0)
        _check_int("log_step_count_steps", log_step_count_steps, 0)
        _check_int("tf_random_seed", tf_random_seed, 0)
        if save_checkpoints_secs is not None and save_checkpoints_secs < 0:
            raise ValueError(f"save_checkpoints_secs must be >= 0, got "
                             f"{save_checkpoints_secs!r}.")
        self._model_dir = os.fspath(model_dir) if model_dir is not None else None
        self._tf_random_seed = tf_random_seed
        self._save_summary_steps = save_summary_steps
        self._save_checkpoints_steps = save_checkpoints_steps
        self._save_checkpoints_secs = save_checkpoints_secs
        self._session_config = session_config
        self._keep_checkpoint_max = keep_checkpoint_max
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._log_step_count_steps = log_step_count_steps
        self._train_distribute = train_distribute
        self._device_fn = device_fn
        self._protocol = protocol
        self._eval_distribute = eval_distribute
        self._experimental_distribute = experimental_distribute
        self._experimental_max_worker_delay_secs = experimental_max_worker_delay_secs
        self._session_creation_timeout_secs = session_creation_timeout_secs
        self._checkpoint_save_graph_def = checkpoint_save_graph_def

    def replace(self, **kwargs: Any) -> RunConfig:
        """A copy with the given properties replaced.

        Setting one checkpoint period clears the other, as TF does.

        Raises:
            ValueError: for a property that cannot be replaced, or both periods set.
        """
        for key in kwargs:
            if key not in _REPLACEABLE:
                raise ValueError(f"{key} is not supported by RunConfig.replace. Allowed "
                                 f"properties are {list(_REPLACEABLE)}.")
        if (kwargs.get("save_checkpoints_steps") is not None
                and kwargs.get("save_checkpoints_secs") is not None):
            raise ValueError(_SAVE_CKPT_ERR)
        new = copy.copy(self)
        for key, value in kwargs.items():
            setattr(new, "_" + key, value)
        if kwargs.get("save_checkpoints_steps") is not None:
            new._save_checkpoints_secs = None
        elif kwargs.get("save_checkpoints_secs") is not None:
            new._save_checkpoints_steps = None
        return new

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in _REPLACEABLE[:9])
        return f"RunConfig({fields})"

    # -- read-only properties, as TF -----------------------------------------------------
    model_dir = property(lambda self: self._model_dir)
    tf_random_seed = property(lambda self: self._tf_random_seed)
    save_summary_steps = property(lambda self: self._save_summary_steps)
    save_checkpoints_steps = property(lambda self: self._save_checkpoints_steps)
    save_checkpoints_secs = property(lambda self: self._save_checkpoints_secs)
    session_config = property(lambda self: self._session_config)
    keep_checkpoint_max = property(lambda self: self._keep_checkpoint_max)
    keep_checkpoint_every_n_hours = property(lambda self: self._keep_checkpoint_every_n_hours)
    log_step_count_steps = property(lambda self: self._log_step_count_steps)
    train_distribute = property(lambda self: self._train_distribute)
    device_fn = property(lambda self: self._device_fn)
    protocol = property(lambda self: self._protocol)
    eval_distribute = property(lambda self: self._eval_distribute)
    experimental_distribute = property(lambda self: self._experimental_distribute)
    experimental_max_worker_delay_secs = property(
        lambda self: self._experimental_max_worker_delay_secs)
    session_creation_timeout_secs = property(lambda self: self._session_creation_timeout_secs)
    checkpoint_save_graph_def = property(lambda self: self._checkpoint_save_graph_def)
    is_chief = property(lambda self: True)
    master = property(lambda self: "")
    num_worker_replicas = property(lambda self: 1)
    num_ps_replicas = property(lambda self: 0)
    task_type = property(lambda self: "worker")
    task_id = property(lambda self: 0)
    cluster_spec = property(lambda self: None)
    evaluation_master = property(lambda self: "")
    global_id_in_cluster = property(lambda self: 0)
    service = property(lambda self: None)


__all__ = ["RunConfig"]
