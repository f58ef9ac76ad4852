"""``tf.train.ClusterSpec`` and ``tf.train.replica_device_setter``: TF1's description of
a parameter-server cluster and its variable placement. trainkit runs every op on the
CPU (``tk.device`` is accepted and ignored), so these only reproduce TF's answers — the
device strings — for code that builds or prints them.

Example:
    >>> cluster = ClusterSpec({"ps": ["ps0:2222"], "worker": ["w0:2222", "w1:2222"]})
    >>> with tk.device(replica_device_setter(cluster=cluster)):
    ...     w = tk.get_variable("w", [10])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable",
           "MutableHashTableV2", "MutableHashTableOfTensors", "MutableHashTableOfTensorsV2",
           "MutableDenseHashTable", "MutableDenseHashTableV2", "VarHandleOp",
           "BoostedTreesEnsembleResourceHandleOp")


class ClusterSpec:
    """Jobs and their task addresses: ``{"job": ["host:port", ...]}`` (or
    ``{"job": {index: "host:port"}}``).

    Raises:
        TypeError: a cluster that is not a dict or ClusterSpec.
    """

    def __init__(self, cluster: Any):
        if isinstance(cluster, ClusterSpec):
            cluster = cluster.as_dict()
        if not isinstance(cluster, dict):
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to "
                            "lists of network addresses, or a `ClusterDef` protocol buffer")
        self._jobs: dict[str, dict[int, str]] = {}
        for job, tasks in cluster.items():
            if isinstance(tasks, dict):
                self._jobs[job] = {int(i): str(a) for i, a in tasks.items()}
            else:
                self._jobs[job] = dict(enumerate(str(a) for a in tasks))

    @property
    def jobs(self) -> list[str]:
        return list(self._jobs)

    def as_dict(self) -> dict:
        """Jobs to address lists (dicts for jobs with gaps in their task indices)."""
        out: dict[str, Any] = {}
        for job, tasks in self._jobs.items():
            dense = sorted(tasks) == list(range(len(tasks)))
            out[job] = [tasks[i] for i in sorted(tasks)] if dense else dict(tasks)
        return out

    def num_tasks(self, job_name: str) -> int:
        """The number of tasks of ``job_name`` (ValueError if unknown)."""
        return len(self._job(job_name))

    def task_indices(self, job_name: str) -> list[int]:
        return sorted(self._job(job_name))

    def task_address(self, job_name: str, task_index: int) -> str:
        """The address of one task (ValueError if unknown)."""
        tasks = self._job(job_name)
        if task_index not in tasks:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}")
        return tasks[task_index]

    def job_tasks(self, job_name: str) -> list[str | None]:
        """Addresses by task index, None for missing indices."""
        tasks = self._job(job_name)
        return [tasks.get(i) for i in range(max(tasks, default=-1) + 1)]

    def _job(self, job_name: str) -> dict[int, str]:
        if job_name not in self._jobs:
            raise ValueError(f"No such job in cluster: {job_name!r}")
        return self._jobs[job_name]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClusterSpec) and self.as_dict() == other.as_dict()

    def __bool__(self) -> bool:
        return bool(self._jobs)

    def __repr__(self) -> str:
        return f"ClusterSpec({self.as_dict()!r})"


def replica_device_setter(ps_tasks: int = 0, ps_device: str = "/job:ps",
                          worker_device: str = "/job:worker", merge_devices: bool = True,
                          cluster: Any = None, ps_ops: Any = None,
                          ps_strategy: Callable | None = None) -> Callable | None:
    """A device function placing variable ops round-robin on ``/job:ps/task:i`` and the
    rest on ``worker_device``; None when there are no ps tasks (TF's answers).

    Raises:
        TypeError: a ``ps_strategy`` that is not callable.
    """
    if cluster is not None:
        spec = cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)
        ps_tasks = len(spec.as_dict().get("ps", [])) if "ps" in spec.jobs else 0
    if not ps_tasks:
        return None
    if ps_strategy is not None and not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    kinds = tuple(ps_ops) if ps_ops is not None else _PS_OPS
    counter = [0]

    def choose(op: Any) -> str:
        node_type = getattr(op, "type", None)
        if node_type not in kinds:
            return worker_device
        if ps_strategy is not None:
            task = int(ps_strategy(op))
        else:
            task = counter[0]
            counter[0] = (counter[0] + 1) % ps_tasks
        return f"{ps_device}/task:{task}"

    return choose


__all__ = ["ClusterSpec", "replica_device_setter"]
