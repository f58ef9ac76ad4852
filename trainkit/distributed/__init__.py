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

from typing import Any

from trainkit.distributed.basics import (
    cross_rank,
    cross_size,
    is_homogeneous,
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
from trainkit.distributed.build_info import (
    ccl_built,
    cuda_built,
    ddl_built,
    gloo_built,
    gloo_enabled,
    nccl_built,
    rocm_built,
)
from trainkit.distributed.functions import (
    Compression,
    allgather,
    allreduce,
    alltoall,
    broadcast,
    broadcast_global_variables,
    broadcast_variables,
    grouped_allgather,
    grouped_allreduce,
    grouped_reducescatter,
    join,
    reducescatter,
)
from trainkit.distributed.hook import BroadcastGlobalVariablesHook
from trainkit.distributed.mpi_ops import Adasum, Average, Max, Min, Product, Sum
from trainkit.distributed.objects import allgather_object, broadcast_object, broadcast_object_fn
from trainkit.distributed.optimizer import DistributedOptimizer
from trainkit.distributed.process_sets import (
    ProcessSet,
    add_process_set,
    global_process_set,
    init,
    remove_process_set,
)
from trainkit.distributed.query_ops import (
    local_rank_op,
    local_size_op,
    process_set_included_op,
    rank_op,
    size_op,
)
from trainkit.distributed.timeline import start_timeline, stop_timeline


def __getattr__(name: str) -> Any:
    # SyncBatchNormalization is a Keras layer: Keras is imported only when it is used.
    if name == "SyncBatchNormalization":
        from trainkit.distributed.keras.sync_batch_norm import SyncBatchNormalization

        return SyncBatchNormalization
    raise AttributeError(f"module 'trainkit.distributed' has no attribute {name!r}")


__all__ = [
    "Adasum", "Average", "BroadcastGlobalVariablesHook", "Compression", "DistributedOptimizer",
    "Max", "Min", "ProcessSet", "Product", "Sum", "SyncBatchNormalization", "add_process_set",
    "allgather", "allgather_object", "allreduce", "alltoall", "broadcast",
    "broadcast_global_variables", "broadcast_object", "broadcast_object_fn", "broadcast_variables",
    "ccl_built", "cross_rank", "cross_size", "cuda_built", "ddl_built", "global_process_set",
    "gloo_built", "gloo_enabled", "grouped_allgather", "grouped_allreduce",
    "grouped_reducescatter", "init", "is_homogeneous", "is_initialized", "join", "local_rank",
    "local_rank_op", "local_size", "local_size_op", "mpi_built", "mpi_enabled",
    "mpi_threads_supported", "nccl_built", "process_set_included_op", "rank", "rank_op",
    "reducescatter", "remove_process_set", "rocm_built", "shutdown", "size", "size_op",
    "start_timeline", "stop_timeline",
]
