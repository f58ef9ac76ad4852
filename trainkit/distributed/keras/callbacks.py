"""Horovod's Keras callbacks (``hvd.callbacks``): ``BroadcastGlobalVariablesCallback``,
``MetricAverageCallback``, and the learning-rate callbacks of :mod:`.lr_callbacks`
(``LearningRateScheduleCallback``, ``LearningRateWarmupCallback``).

Example:
    >>> callbacks = [hvd.callbacks.BroadcastGlobalVariablesCallback(0),
    ...              hvd.callbacks.MetricAverageCallback(),
    ...              hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=5, verbose=1)]
    >>> model.fit(x, y, callbacks=callbacks)
"""

from __future__ import annotations

import re

import numpy as np

import trainkit.distributed as hvd
from trainkit.distributed.keras import values
from trainkit.distributed.keras.lr_callbacks import (
    LearningRateScheduleCallback,
    LearningRateWarmupCallback,
)
from trainkit.framework import default_graph
from trainkit.framework import dtypes as _dt
from trainkit.keras import backend
from trainkit.keras.callbacks import Callback
from trainkit.ops import placeholders


class BroadcastGlobalVariablesCallback(Callback):
    """Broadcasts every global variable from ``root_rank`` when training begins, so all
    ranks start from the same weights (random or restored on the root alone).

    Runs in ``on_train_begin``, as Horovod's TF1-era Keras callback did (Horovod >= 0.17
    moved it to the end of the first batch for TF2's lazily created variables; in graph
    mode the weights exist before the first batch, and the first step's gradients must
    already come from the same weights on every rank). The Keras optimizer's variables
    are created by the first batch with the same zeros on every rank.

    Args:
        root_rank: the rank whose values every rank gets.
        device: accepted (one CPU device).

    Raises:
        TypeError: if ``root_rank`` is not an int.
        ValueError: when training begins before ``hvd.init()``, or for a ``root_rank``
            outside the group.
    """

    def __init__(self, root_rank: int, device: str = ""):
        super().__init__()
        if not isinstance(root_rank, int | np.integer) or isinstance(root_rank, bool):
            raise TypeError(f"BroadcastGlobalVariablesCallback: root_rank must be an int, "
                            f"got {root_rank!r}.")
        self.root_rank = int(root_rank)
        self.device = device

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not 0 <= self.root_rank < hvd.size():
            raise ValueError(f"BroadcastGlobalVariablesCallback: root_rank {self.root_rank} "
                             f"is not in [0, {hvd.size()}).")
        values.broadcast_global_variables(self.root_rank)


class MetricAverageCallback(Callback):
    """Replaces each value of the epoch's logs by its mean over the ranks, at the end of
    every epoch, so callbacks after it (``ReduceLROnPlateau``, ``EarlyStopping``,
    ``ModelCheckpoint``) and ``History`` see the same numbers on every rank.

    Put it in the list before those callbacks. The values are averaged as float32 (as
    Horovod's float32 variables do) in one fused allreduce, in the sorted order of the
    keys; the op is named after the keys, so ranks with different logs fail with an error
    naming both instead of averaging unrelated numbers.

    Args:
        device: accepted (one CPU device).

    Raises:
        ValueError: at the end of an epoch before ``hvd.init()``.
    """

    def __init__(self, device: str = ""):
        super().__init__()
        self.device = device
        self._reducers: dict[tuple, tuple[list, list]] = {}

    def _reducer(self, keys: tuple[str, ...]) -> tuple[list, list]:
        graph = default_graph.get_default_graph()
        key = (graph, keys)
        if key not in self._reducers:
            with graph.name_scope("MetricAverageCallback"):
                inputs = [placeholders.placeholder(_dt.float32, [], name=f"value_{i}")
                          for i in range(len(keys))]
                name = "average_" + "_".join(re.sub(r"[^A-Za-z0-9_.\-]", "_", k)
                                             for k in keys)
                self._reducers[key] = (inputs, hvd.grouped_allreduce(inputs, name=name))
        return self._reducers[key]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        hvd.size()
        if not logs:
            return
        keys = tuple(sorted(logs))
        inputs, reduced = self._reducer(keys)
        feed = {t: np.float32(logs[k]) for t, k in zip(inputs, keys)}
        for k, v in zip(keys, backend.get_session().run(reduced, feed)):
            logs[k] = v


__all__ = ["BroadcastGlobalVariablesCallback", "LearningRateScheduleCallback",
           "LearningRateWarmupCallback", "MetricAverageCallback"]
