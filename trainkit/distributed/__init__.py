"""Data-parallel training over MPI with Horovod's TF1 API: ``import trainkit.distributed
as hvd`` runs a ``horovod.tensorflow`` program unchanged.

Launch with ``mpiexec -n 2 python train.py`` (``pip install 'trainkit[mpi]'`` brings
``mpi4py`` and an MPI). Started without ``mpiexec`` or without ``mpi4py``, the group is
this process alone (size 1, rank 0) and nothing changes.

Example:
    >>> import trainkit as tf
    >>> import trainkit.distributed as hvd
    >>> hvd.init()
    >>> opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.001 * hvd.size()))
    >>> hooks = [hvd.BroadcastGlobalVariablesHook(0)]
"""

from trainkit.distributed.basics import (
    cross_rank,
    cross_size,
    init,
    is_initialized,
    local_rank,
    local_size,
    mpi_built,
    mpi_enabled,
    mpi_threads_supported,
    rank,
    shutdown,
    size,
)
from trainkit.distributed.functions import (
    Compression,
    allgather,
    allreduce,
    broadcast,
    broadcast_global_variables,
    broadcast_variables,
    grouped_allreduce,
)
from trainkit.distributed.hook import BroadcastGlobalVariablesHook
from trainkit.distributed.mpi_ops import Adasum, Average, Max, Min, Product, Sum
from trainkit.distributed.objects import allgather_object, broadcast_object
from trainkit.distributed.optimizer import DistributedOptimizer

__all__ = [
    "Adasum", "Average", "BroadcastGlobalVariablesHook", "Compression",
    "DistributedOptimizer", "Max", "Min", "Product", "Sum", "allgather", "allgather_object",
    "allreduce", "broadcast", "broadcast_global_variables", "broadcast_object",
    "broadcast_variables", "cross_rank", "cross_size", "grouped_allreduce", "init",
    "is_initialized", "local_rank", "local_size", "mpi_built", "mpi_enabled",
    "mpi_threads_supported", "rank", "shutdown", "size",
]
