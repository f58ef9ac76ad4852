"""``tf.train.replica_device_setter``: the device function of TF1's parameter-server
training. Variable ops (``ps_ops``) go to the ps tasks, round-robin or by
``ps_strategy``; every other op goes to the worker. Parts of a device an inner
``tk.device`` scope already set win (``merge_devices``).

trainkit records these devices on the ops (``op.device``) and runs everything on the CPU.

Example:
    >>> with tk.device(replica_device_setter(ps_tasks=2)):
    ...     w = tk.Variable(1.0, name="w")        # /job:ps/task:0
    ...     b = tk.Variable(1.0, name="b")        # /job:ps/task:1
    ...     y = w * b                             # /job:worker
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from trainkit.framework.device_spec import DeviceSpec
from trainkit.training.cluster_spec import ClusterSpec

_LOG = logging.getLogger("trainkit")

STANDARD_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable",
                   "MutableHashTableV2", "MutableHashTableOfTensors",
                   "MutableHashTableOfTensorsV2", "MutableDenseHashTable",
                   "MutableDenseHashTableV2", "VarHandleOp",
                   "BoostedTreesEnsembleResourceHandleOp",
                   "BoostedTreesQuantileStreamResourceHandleOp",
                   "ResourceConditionalAccumulator", "DecisionTreeResource")


class _RoundRobin:
    """The default ``ps_strategy``: ps tasks 0, 1, ..., n-1, 0, ... in turn."""

    def __init__(self, num_tasks: int) -> None:
        self._num_tasks = num_tasks
        self._next = 0

    def __call__(self, op: Any) -> int:
        task = self._next
        self._next = (self._next + 1) % self._num_tasks
        return task


class _ReplicaChooser:
    """The device function ``replica_device_setter`` returns (its ``device_function``)."""

    def __init__(self, ps_tasks: int, ps_device: str, worker_device: str,
                 merge_devices: bool, ps_ops: list, ps_strategy: Callable) -> None:
        self._ps_tasks = ps_tasks
        self._ps_device = ps_device
        self._worker_device = worker_device
        self._merge_devices = merge_devices
        self._ps_ops = ps_ops
        self._ps_strategy = ps_strategy

    def device_function(self, op: Any) -> str:
        """The device of ``op`` (an Operation or a NodeDef)."""
        if not self._merge_devices and op.device:
            return op.device
        current = DeviceSpec.from_string(op.device or "")
        op_type = op.op if isinstance(getattr(op, "op", None), str) else op.type
        if self._ps_tasks and self._ps_device and op_type in self._ps_ops:
            ps = DeviceSpec.from_string(self._ps_device)
            # the ps task is chosen only when an inner scope did not pick another job
            if ps.job and (not current.job or current.job == ps.job):
                ps = ps.replace(task=self._ps_strategy(op))
            return ps.make_merged_spec(current).to_string()
        worker = DeviceSpec.from_string(self._worker_device or "")
        return worker.make_merged_spec(current).to_string()


def replica_device_setter(ps_tasks: int = 0, ps_device: str = "/job:ps",
                          worker_device: str = "/job:worker", merge_devices: bool = True,
                          cluster: Any = None, ps_ops: Any = None,
                          ps_strategy: Callable | None = None) -> Callable | None:
    """A device function for ``tk.device`` placing ``ps_ops`` on the ps tasks and all
    other ops on ``worker_device``.

    Args:
        ps_tasks: the number of ps tasks (ignored when ``cluster`` is given).
        ps_device: the ps job's device name (its job names the ps job of ``cluster``).
        worker_device: the device of every other op.
        merge_devices: let parts set by inner ``tk.device`` scopes win (with False, an op
            that already has a device keeps it as it is).
        cluster: a ``ClusterSpec`` or its dict; its ps job gives the number of ps tasks.
        ps_ops: the op types placed on ps (default ``STANDARD_PS_OPS``: variables and
            mutable tables).
        ps_strategy: ``op -> ps task index`` (default: round-robin).

    Returns:
        The device function, or None when there are no ps tasks.

    Raises:
        TypeError: if ``cluster`` is not a dict or ClusterSpec, or ``ps_strategy`` is not
            callable.
    """
    if cluster is not None:
        spec = cluster.as_dict() if isinstance(cluster, ClusterSpec) else ClusterSpec(
            cluster).as_dict()
        ps_job = DeviceSpec.from_string(ps_device).job
        if ps_job not in spec or spec[ps_job] is None:
            return None
        ps_tasks = len(spec[ps_job])
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    if not merge_devices:
        _LOG.warning("DEPRECATION: It is recommended to set merge_devices=true in "
                     "replica_device_setter")
    if ps_strategy is None:
        ps_strategy = _RoundRobin(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    return _ReplicaChooser(ps_tasks, ps_device, worker_device, merge_devices, ps_ops,
                           ps_strategy).device_function


__all__ = ["replica_device_setter", "STANDARD_PS_OPS"]
