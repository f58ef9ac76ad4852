"""Horovod's Keras API for TF1 (``horovod.keras`` / ``horovod.tensorflow.keras``) on
``tk.keras``: ``import trainkit.distributed.keras as hvd`` runs a Horovod Keras program.

What is here: the process group (``init``, ``shutdown``, ``size``, ``rank``,
``local_size``, ``local_rank``, ``mpi_*``), ``DistributedOptimizer`` (a Keras optimizer
whose gradients are averaged over the ranks), ``broadcast_global_variables`` and the value
collectives ``allreduce``/``allgather``/``broadcast`` (run at once in Keras's session),
``Compression``, and ``callbacks`` (``BroadcastGlobalVariablesCallback``,
``MetricAverageCallback``, ``LearningRateScheduleCallback``,
``LearningRateWarmupCallback``).

Not here: ``load_model`` (trainkit writes no h5 models; restore weights on rank 0 with
``model.load_weights`` and let ``BroadcastGlobalVariablesCallback`` share them).

Example:
    >>> import trainkit.distributed.keras as hvd
    >>> hvd.init()
    >>> opt = hvd.DistributedOptimizer(tk.keras.optimizers.Adadelta(1.0 * hvd.size()))
    >>> model.compile(loss="categorical_crossentropy", optimizer=opt)
    >>> model.fit(x, y, callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0)])
"""

from trainkit.distributed import (
    Compression,
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
from trainkit.distributed.keras import callbacks
from trainkit.distributed.keras.optimizer import DistributedOptimizer
from trainkit.distributed.keras.values import (
    allgather,
    allreduce,
    broadcast,
    broadcast_global_variables,
)

__all__ = [
    "Compression", "DistributedOptimizer", "allgather", "allreduce", "broadcast",
    "broadcast_global_variables", "callbacks", "init", "is_initialized", "local_rank",
    "local_size", "mpi_built", "mpi_enabled", "mpi_threads_supported", "rank", "shutdown",
    "size",
]
