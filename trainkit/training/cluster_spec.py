"""``tf.train.ClusterSpec``: TF1's description of a parameter-server cluster, its jobs and
their task addresses (``replica_device_setter`` places ops on them: ``device_setter``).
trainkit runs every op on the CPU; it reproduces TF's answers for code that builds or
prints clusters.

Example:
    >>> cluster = ClusterSpec({"ps": ["ps0:2222"], "worker": ["w0:2222", "w1:2222"]})
    >>> cluster.num_tasks("worker")
    2
"""

from __future__ import annotations

from typing import Any


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


__all__ = ["ClusterSpec"]
