"""``hvd.SyncBatchNormalization`` (Horovod's ``horovod.tensorflow.SyncBatchNormalization``):
Keras's ``BatchNormalization`` whose training-time batch statistics are those of the
batch of ALL ranks.

Each rank computes its batch's mean ``m_r`` and mean of squares ``m_r**2 + v_r``; one
Sum allreduce of the two (stacked) divided by the size gives the global ``E[x]`` and
``E[x**2]``, and ``var = E[x**2] - E[x]**2``. With equal batch sizes on every rank
(Horovod's assumption) this is batch normalization over the concatenated batch. As in
Horovod, the layer is the non-fused one (``fused=False``: the moving variance takes the
biased batch variance) and its moving-average updates also go to ``UPDATE_OPS`` for TF1
training loops. Gradients flow through the allreduce (its gradient is the Sum allreduce
of the gradients), so the input gradient is that of the sum of all ranks' losses.

Example:
    >>> h = hvd.SyncBatchNormalization(momentum=0.9)(x, training=True)
    >>> with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    ...     train_op = opt.minimize(loss)
"""

from __future__ import annotations

from typing import Any

from trainkit.distributed import basics
from trainkit.distributed import mpi_ops as mo
from trainkit.framework import conversion
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.keras.normalization_layers import BatchNormalization
from trainkit.ops import array_ops, math_ops, nn_ops
from trainkit.ops.layers_impl import normalization


class SyncBatchNormalization(BatchNormalization):
    """Batch normalization with statistics synchronized over all ranks while training.

    Args:
        fused: must be False (the default): the statistics are computed unfused.
        **kwargs: ``tf.keras.layers.BatchNormalization``'s arguments.

    Raises:
        ValueError: for ``fused=True`` or ``fused=None`` (Horovod's error).
    """

    def __init__(self, fused: Any = False, **kwargs: Any):
        if fused in (True, None):
            raise ValueError("SyncBatchNormalization does not support fused=True.")
        super().__init__(fused=fused, **kwargs)

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        training = base_layer.learning_phase_value(training)
        updates: list = []
        out = normalization.batch_normalization(
            inputs, axis=self.axis, momentum=self.momentum, epsilon=self.epsilon,
            center=self.center, scale=self.scale, training=training,
            name=self.function_scope(), reuse=True, updates_out=updates, fused=False,
            moments_fn=self.synchronized_moments)
        self.add_update(updates)
        graph = get_default_graph()
        for op in updates:  # Horovod adds them for TF1 loops that run UPDATE_OPS
            graph.add_to_collection(GraphKeys.UPDATE_OPS, op)
        return out

    def synchronized_moments(self, x: Tensor, axes: list) -> tuple[Tensor, Tensor]:
        """The mean and (biased) variance of the batch of every rank (module doc)."""
        mean, var = nn_ops.moments(x, axes)
        size = basics.size()
        if size == 1:
            return mean, var
        stacked = array_ops.stack([mean, var + math_ops.square(mean)])
        (total,) = mo.fused_allreduce([stacked], mo.Sum, name="SyncBatchNormAllreduce")
        total = total / conversion.convert_to_tensor(float(size), dtype=total.dtype)
        group_mean, group_square = array_ops.unstack(total)
        return group_mean, group_square - math_ops.square(group_mean)


__all__ = ["SyncBatchNormalization"]
