"""``tf.contrib.training``'s parameter-server placement strategies, for
``tf.train.replica_device_setter(ps_strategy=...)``: a greedy load balancer (by
``byte_size_load_fn``, the bytes of a variable) and a hash-based random placement.

Example:
    >>> strategy = GreedyLoadBalancingStrategy(2, byte_size_load_fn)
    >>> with tf.device(tf.train.replica_device_setter(ps_tasks=2, ps_strategy=strategy)):
    ...     w = tf.get_variable("w", [1000, 10])
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework.shapes import TensorShape


class RandomStrategy:
    """Places an op on task ``md5("<op name>_<seed>") % num_ps_replicas``: stable across
    runs, spread evenly on average."""

    def __init__(self, num_ps_replicas: int, seed: int = 0):
        self._num_ps_replicas = num_ps_replicas
        self._seed = seed

    def __call__(self, op: Any) -> int:
        key = f"{op.name}_{self._seed}".encode()
        return int(hashlib.md5(key).hexdigest(), 16) % self._num_ps_replicas


class GreedyLoadBalancingStrategy:
    """Places each op on the least loaded task so far (the first on ties), then adds
    ``load_fn(op)`` to that task's load."""

    def __init__(self, num_tasks: int, load_fn: Callable[[Any], float]):
        self._num_tasks = num_tasks
        self._load_fn = load_fn
        self._ps_loads = np.zeros(num_tasks)

    def __call__(self, op: Any) -> int:
        task = int(np.argmin(self._ps_loads))
        self._ps_loads[task] += self._load_fn(op)
        return task


def byte_size_load_fn(op: Any) -> int:
    """The bytes of ``op``'s single output (a variable's value): elements times the
    dtype's size; a shape unknown at creation is read from the op's ``shape`` attr.

    Raises:
        ValueError: ``op`` has not exactly one output, or its shape is not fully known.
    """
    if len(op.outputs) != 1:
        raise ValueError(f"Op {op} must have a single output")
    output = op.outputs[0]
    shape = output.get_shape()
    if not shape.is_fully_defined():
        shape = TensorShape(op.get_attr("shape"))
    shape.assert_is_fully_defined()
    return shape.num_elements() * output.dtype.size


__all__ = ["RandomStrategy", "GreedyLoadBalancingStrategy", "byte_size_load_fn"]
