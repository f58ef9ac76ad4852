"""``TensorBoard``: the TF1 Keras callback (tf_keras's ``callbacks_v1.TensorBoard``) that
writes the model's graph and its training scalars to an event file TensorBoard reads.

Scalars go through trainkit's ``summary.FileWriter`` as ``simple_value`` summaries: each
epoch's logs as ``epoch_<key>`` (``epoch_loss``, ``epoch_acc``, ``epoch_val_loss``, ...),
at step ``epoch`` with ``update_freq='epoch'``, else at the number of samples seen; with
``update_freq='batch'`` (every batch) or an int (every that many samples), the batch logs as
``batch_<key>`` at the step of the batches seen so far.

Example:
    >>> tb = tk.keras.callbacks.TensorBoard(log_dir=str(tmp_path), update_freq="batch")
    >>> model.fit(x, y, epochs=3, callbacks=[tb])
"""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np

from trainkit.framework import default_graph
from trainkit.keras.callback_base import Callback
from trainkit.summary.summary_proto import scalar_summary
from trainkit.summary.writer import FileWriter

_LOG = logging.getLogger("trainkit.keras")
_SKIPPED_KEYS = ("batch", "size", "num_steps")


class TensorBoard(Callback):
    """Writes the graph and the epoch (and optionally batch) logs for TensorBoard.

    Args:
        log_dir: the run directory.
        histogram_freq, write_grads, write_images, embeddings_freq: see below.
        batch_size, embeddings_layer_names, embeddings_metadata, embeddings_data,
            profile_batch: accepted for compatibility.
        write_graph: whether the event file starts with the graph.
        update_freq: ``'epoch'``, ``'batch'``, or a number of samples between batch
            writes.

    Differs from TF: weight/gradient histograms and images (``histogram_freq``,
    ``write_grads``, ``write_images``), embeddings (``embeddings_freq``) and the profiler
    (``profile_batch``) are not written; asking for the first three logs a warning.

    Raises:
        ValueError: for an ``update_freq`` that is neither ``'epoch'``, ``'batch'`` nor a
            positive int.
    """

    def __init__(self, log_dir: str | os.PathLike = "./logs", histogram_freq: int = 0,
                 batch_size: int = 32, write_graph: bool = True, write_grads: bool = False,
                 write_images: bool = False, embeddings_freq: int = 0,
                 embeddings_layer_names: Any = None, embeddings_metadata: Any = None,
                 embeddings_data: Any = None, update_freq: Any = "epoch",
                 profile_batch: int = 2):
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (isinstance(update_freq, bool) or
                                       not isinstance(update_freq, int | np.integer)
                                       or update_freq < 1):
            raise ValueError("TensorBoard update_freq must be 'epoch', 'batch' or a positive "
                             f"int, got {update_freq!r}.")
        for what, asked in (("histogram_freq", histogram_freq), ("write_grads", write_grads),
                            ("write_images", write_images),
                            ("embeddings_freq", embeddings_freq)):
            if asked:
                _LOG.warning("TensorBoard: %s is not supported by trainkit.keras; only the "
                             "graph and scalars are written.", what)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.batch_size = histogram_freq, batch_size
        self.write_graph, self.write_grads, self.write_images = write_graph, write_grads, \
            write_images
        self.embeddings_freq = embeddings_freq
        self.update_freq = update_freq
        self.writer: FileWriter | None = None
        self._samples_seen = self._samples_seen_at_last_write = 0
        self._total_batches_seen = 0

    def set_model(self, model: Any) -> None:
        """Opens the event file (with the graph) once a model is attached."""
        super().set_model(model)
        if model is None or (self.writer is not None and not self.writer.closed):
            return
        graph = default_graph.get_default_graph() if self.write_graph else None
        self.writer = FileWriter(self.log_dir, graph)

    def _write_scalars(self, step: int, logs: dict) -> None:
        for name, value in logs.items():
            if isinstance(value, np.ndarray):
                value = value.item()
            self.writer.add_summary(scalar_summary(name, np.float32(value)), step)
        self.writer.flush()

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self._samples_seen += logs.get("size", 1)
        since = self._samples_seen - self._samples_seen_at_last_write
        if self.update_freq != "epoch" and since >= self.update_freq:
            self._write_scalars(self._total_batches_seen, {
                f"batch_{k}": v for k, v in logs.items() if k not in _SKIPPED_KEYS})
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        step = epoch if self.update_freq == "epoch" else self._samples_seen
        self._write_scalars(step, {f"epoch_{k}": v for k, v in (logs or {}).items()
                                   if k not in _SKIPPED_KEYS})

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.writer is not None:
            self.writer.close()


__all__ = ["TensorBoard"]
