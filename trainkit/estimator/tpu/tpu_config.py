"""``tf.estimator.tpu`` / ``tf.contrib.tpu`` configuration: ``TPUConfig``,
``InputPipelineConfig`` and the TPU ``RunConfig``, validated with TF's messages.

trainkit has no TPU, so these only matter for what they tell a ``TPUEstimator`` running
on the CPU (``use_tpu=False``): ``iterations_per_loop`` sets how often it logs
``examples/sec``.

Example:
    >>> config = RunConfig(model_dir="/tmp/m", tpu_config=TPUConfig(iterations_per_loop=100))
"""

from __future__ import annotations

import collections
import json
import os
import re
from typing import Any

import numpy as np

from trainkit.estimator.run_config import RunConfig as _BaseRunConfig

_ITERATIONS_RE = re.compile(r"^(?P<value>[1-9]\d*)((?P<suffix>[s|m|h])$|$)")

#: ``iterations_per_loop`` parsed: a count of steps or a number of seconds.
IterationsPerLoop = collections.namedtuple("IterationsPerLoop", ["value", "unit"])


def parse_iterations_per_loop(iterations_per_loop: Any) -> IterationsPerLoop:
    """``100`` -> ``(100, 'count')``; ``'2m'`` -> ``(120, 'seconds')`` (``s``, ``m``, ``h``).

    Raises:
        ValueError: anything but a positive integer or ``<N><s|m|h>``.
    """
    m = _ITERATIONS_RE.match(str(iterations_per_loop))
    if m is None:
        raise ValueError(
            "Invalid TPUConfig `iterations_per_loop` value. Value must be positive integer "
            "value or time-based value `<N><s|m|h>` where <N> is any positive integer and "
            "`s`, `m`, `h` are unit of time in seconds, minutes, hours respectively. "
            "Examples of valid values: `3600s`, `60m`, `1h`.")
    value = int(m.group("value")) * {"s": 1, "m": 60, "h": 3600, None: 1}[m.group("suffix")]
    return IterationsPerLoop(value, "seconds" if m.group("suffix") else "count")


def check_positive_integer(value: Any, name: str) -> None:
    """TF's check of a batch size or count.

    Raises:
        TypeError: not an integer. ValueError: not positive.
    """
    if not isinstance(value, int | np.integer) or isinstance(value, bool):
        raise TypeError(f"{name} must be int, got {type(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


class InputPipelineConfig:
    """How a TPU input pipeline is laid out (``TPUConfig.per_host_input_for_training``)."""

    PER_SHARD_V1 = 1
    PER_HOST_V1 = 2
    PER_HOST_V2 = 3
    BROADCAST = 4
    SLICED = 5


_TPU_FIELDS = ("iterations_per_loop", "num_shards", "num_cores_per_replica",
               "per_host_input_for_training", "tpu_job_name", "initial_infeed_sleep_secs",
               "input_partition_dims", "eval_training_input_configuration",
               "experimental_host_call_every_n_steps",
               "experimental_allow_per_host_v2_parallel_get_next", "experimental_feed_hook")


class TPUConfig(collections.namedtuple("TPUConfig", _TPU_FIELDS)):
    """TPU settings of a :class:`RunConfig` (``tf.estimator.tpu.TPUConfig``).

    Args:
        iterations_per_loop: steps per TPU loop (or a time, ``'60m'``); on the CPU it
            divides ``log_step_count_steps`` for the ``examples/sec`` logging.
        num_shards, num_cores_per_replica, per_host_input_for_training, tpu_job_name,
        initial_infeed_sleep_secs, input_partition_dims,
        eval_training_input_configuration, experimental_*: checked as TF does and kept;
            nothing on the CPU reads them. ``per_host_input_for_training`` True/False
            become ``PER_HOST_V1``/``PER_SHARD_V1``.

    Raises:
        ValueError / TypeError: TF's checks (bad ``iterations_per_loop``, non-positive
            ``num_shards``, ``num_cores_per_replica`` not a power of 2 up to 128, ...).
    """

    def __new__(cls, iterations_per_loop: Any = 2, num_shards: int | None = None,
                num_cores_per_replica: int | None = None,
                per_host_input_for_training: Any = True, tpu_job_name: str | None = None,
                initial_infeed_sleep_secs: int | None = None, input_partition_dims: Any = None,
                eval_training_input_configuration: int = InputPipelineConfig.PER_HOST_V1,
                experimental_host_call_every_n_steps: int = 1,
                experimental_allow_per_host_v2_parallel_get_next: bool = False,
                experimental_feed_hook: Any = None) -> TPUConfig:
        parse_iterations_per_loop(iterations_per_loop)
        if num_shards is not None:
            check_positive_integer(num_shards, "TPUConfig num_shards")
        if input_partition_dims is not None:
            if len(input_partition_dims) not in (1, 2):
                raise ValueError("input_partition_dims must be a list/tuple with one or two "
                                 "elements.")
            if per_host_input_for_training is not InputPipelineConfig.PER_HOST_V2:
                raise ValueError("input_partition_dims is only supported in PER_HOST_V2 mode.")
            if num_cores_per_replica is None:
                raise ValueError("input_partition_dims requires setting num_cores_per_replica.")
        if num_cores_per_replica is not None and \
                num_cores_per_replica not in (1, 2, 4, 8, 16, 32, 64, 128):
            raise ValueError(f"num_cores_per_replica must be 1, 2, 4, 8, 16, 32, 64, 128; got "
                             f"{num_cores_per_replica}")
        if eval_training_input_configuration not in (InputPipelineConfig.PER_HOST_V1,
                                                     InputPipelineConfig.SLICED):
            raise ValueError(f"eval_training_input_configuration must be PER_HOST_V1 or "
                             f"SLICED; got {eval_training_input_configuration}")
        if per_host_input_for_training is False:
            per_host_input_for_training = InputPipelineConfig.PER_SHARD_V1
        elif per_host_input_for_training is True:
            per_host_input_for_training = InputPipelineConfig.PER_HOST_V1
        if initial_infeed_sleep_secs:
            check_positive_integer(initial_infeed_sleep_secs,
                                   "TPUConfig initial_infeed_sleep_secs")
        if not tpu_job_name:  # as TF: TF_CONFIG's service.tpu_worker_job_name
            tf_config = json.loads(os.environ.get("TF_CONFIG", "{}"))
            tpu_job_name = tf_config.get("service", {}).get("tpu_worker_job_name")
        return super().__new__(
            cls, iterations_per_loop, num_shards, num_cores_per_replica,
            per_host_input_for_training, tpu_job_name, initial_infeed_sleep_secs,
            input_partition_dims, eval_training_input_configuration,
            experimental_host_call_every_n_steps,
            experimental_allow_per_host_v2_parallel_get_next, experimental_feed_hook)


class RunConfig(_BaseRunConfig):
    """A :class:`trainkit.estimator.RunConfig` with a ``tpu_config``
    (``tf.estimator.tpu.RunConfig``, ``tf.contrib.tpu.RunConfig``).

    Args:
        tpu_config: a :class:`TPUConfig` (default ``TPUConfig()``).
        evaluation_master: defaults to ``master``.
        master: the TPU master address (kept; trainkit runs locally).
        cluster: a cluster resolver (kept; its ``master()`` becomes ``master``).
        **kwargs: the base ``RunConfig``'s arguments.

    Raises:
        ValueError: both ``master`` and ``cluster`` given.
    """

    def __init__(self, tpu_config: TPUConfig | None = None, evaluation_master: str | None = None,
                 master: str | None = None, cluster: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._tpu_config = tpu_config or TPUConfig()
        self._cluster = cluster
        if master is not None and cluster is not None:
            raise ValueError("Both master and cluster are set.")
        self._master = master if master is not None else (cluster.master() if cluster else "")
        self._evaluation_master = (evaluation_master if evaluation_master is not None
                                   else self._master)

    tpu_config = property(lambda self: self._tpu_config)
    cluster = property(lambda self: self._cluster)
    master = property(lambda self: self._master)
    evaluation_master = property(lambda self: self._evaluation_master)

    def replace(self, **kwargs: Any) -> RunConfig:
        """A copy with the given properties (``tpu_config`` included) replaced."""
        tpu_config = kwargs.pop("tpu_config", self._tpu_config)
        new = super().replace(**kwargs)
        new._tpu_config = tpu_config
        return new


__all__ = ["InputPipelineConfig", "TPUConfig", "RunConfig", "parse_iterations_per_loop",
           "check_positive_integer"]
