"""``DistributedOptimizer`` for Keras optimizers (``horovod.keras``'s): the returned
optimizer is a new instance of a subclass of the given optimizer's class, with the same
class name and configuration (rebuilt from ``get_config()``, as Horovod does), whose
``get_gradients`` averages the gradients over all ranks before Keras applies them.

All gradients of a step go out in one fused allreduce (one MPI call per dtype);
``IndexedSlices`` gradients are allgathered unless ``sparse_as_dense``. With one rank the
gradients are returned as they are (no op is added). The variables keep the plain
optimizer's names (``training/Adam/...``), so checkpoints restore without Horovod.

Example:
    >>> opt = hvd.DistributedOptimizer(tk.keras.optimizers.Adadelta(1.0 * hvd.size()))
    >>> model.compile(loss="categorical_crossentropy", optimizer=opt)
"""

from __future__ import annotations

from functools import cache
from typing import Any

import trainkit.distributed as hvd
from trainkit.distributed.functions import is_indexed_slices
from trainkit.framework import conversion
from trainkit.keras import optimizers
from trainkit.training.optimizer import Optimizer as TrainOptimizer


class _AveragedGradients:
    """Mixed in before the wrapped optimizer's class: averaged ``get_gradients``."""

    hvd_name: str = ""
    hvd_compression: Any = hvd.Compression.none
    hvd_sparse_as_dense: bool = False
    hvd_averaged_gradients: bool = False

    def get_gradients(self, loss: Any, params: list) -> list:
        """The wrapped optimizer's gradients, averaged over all ranks."""
        self.hvd_averaged_gradients = True
        grads = super().get_gradients(loss, params)  # type: ignore[misc]
        if hvd.size() == 1:
            return grads
        live = [i for i, g in enumerate(grads) if g is not None]
        dense = [conversion.convert_to_tensor(grads[i])
                 if self.hvd_sparse_as_dense and is_indexed_slices(grads[i]) else grads[i]
                 for i in live]
        out = list(grads)
        reduced = hvd.grouped_allreduce(dense, compression=self.hvd_compression,
                                        name=f"{self.hvd_name}_Allreduce")
        for i, g in zip(live, reduced):
            out[i] = g
        return out

    def apply_gradients(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped optimizer's ``apply_gradients``, only after ``get_gradients``.

        Raises:
            RuntimeError: when called on gradients that did not come from
                ``get_gradients`` (they would be applied without being averaged).
        """
        if not self.hvd_averaged_gradients:
            raise RuntimeError(f"{self.hvd_name}.apply_gradients() was called without a "
                               "call to get_gradients(): its gradients were not averaged "
                               "over the ranks. Let Model.fit build the update (it calls "
                               "get_updates), or call get_gradients first.")
        return super().apply_gradients(*args, **kwargs)  # type: ignore[misc]


@cache
def _distributed_class(base: type) -> type:
    """``base`` with averaged gradients, under ``base``'s own name (one class per base)."""
    return type(base.__name__, (_AveragedGradients, base),
                {"__module__": base.__module__, "__qualname__": base.__qualname__,
                 "__doc__": f"{base.__name__} whose gradients are averaged over the ranks."})


def DistributedOptimizer(  # noqa: N802 - Horovod's public name
        optimizer: Any, name: str | None = None, device_dense: str = "",
        device_sparse: str = "", compression: Any = hvd.Compression.none,
        sparse_as_dense: bool = False) -> Any:
    """Wraps a Keras optimizer so its gradients are averaged over all ranks.

    Args:
        optimizer: a ``tk.keras.optimizers`` optimizer (``Adadelta(1.0)``, ``SGD``, ...).
        name: names the allreduce op (default ``Distributed<OptimizerClass>``).
        device_dense, device_sparse: accepted (one CPU device).
        compression: ``hvd.Compression.none`` or ``hvd.Compression.fp16`` for the wire.
        sparse_as_dense: densify ``IndexedSlices`` gradients before reducing them.

    Returns:
        A new optimizer of a subclass of ``type(optimizer)`` with its configuration.

    Raises:
        TypeError: if ``optimizer`` is not a Keras optimizer (for a ``tf.train``
            optimizer use ``trainkit.distributed.DistributedOptimizer``), or ``name`` is
            not a string.
        ValueError: if ``compression`` is not one of ``hvd.Compression``'s.
    """
    del device_dense, device_sparse
    if not isinstance(optimizer, optimizers.Optimizer):
        hint = (" For a tf.train optimizer use trainkit.distributed.DistributedOptimizer."
                if isinstance(optimizer, TrainOptimizer | optimizers.TFOptimizer) else "")
        raise TypeError(f"DistributedOptimizer wraps a Keras optimizer "
                        f"(tk.keras.optimizers.Optimizer), got {optimizer!r}.{hint}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"DistributedOptimizer: name must be a string, got {name!r}.")
    if compression not in (hvd.Compression.none, hvd.Compression.fp16):
        raise ValueError(f"DistributedOptimizer: compression must be hvd.Compression.none "
                         f"or hvd.Compression.fp16, got {compression!r}.")
    base = type(optimizer)
    if isinstance(optimizer, _AveragedGradients):  # wrapping twice averages once
        base = base.__mro__[2]
    wrapped = _distributed_class(base)(**optimizer.get_config())
    wrapped.hvd_name = name or f"Distributed{base.__name__}"
    wrapped.hvd_compression = compression
    wrapped.hvd_sparse_as_dense = bool(sparse_as_dense)
    return wrapped


__all__ = ["DistributedOptimizer"]
