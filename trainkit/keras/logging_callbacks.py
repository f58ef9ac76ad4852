"""Callbacks that record or guard training as it runs: ``CSVLogger`` (one CSV row of the
epoch's logs per epoch) and ``TerminateOnNaN`` (stops at the first NaN or infinite batch
loss), with tf_keras 2.21's behaviour.

Example:
    >>> log = tk.keras.callbacks.CSVLogger("training.log", separator=";", append=True)
    >>> model.fit(x, y, epochs=5, callbacks=[log, tk.keras.callbacks.TerminateOnNaN()])
"""

from __future__ import annotations

import collections.abc
import csv
import math
import os
from typing import Any, TextIO

import numpy as np

from trainkit.keras.callback_base import Callback


def _csv_value(v: Any) -> Any:
    """Strings as they are, sequences as ``"[a, b]"``, anything else unchanged (the csv
    module writes numbers with ``str``)."""
    if isinstance(v, str):
        return v
    if isinstance(v, collections.abc.Iterable) and not (isinstance(v, np.ndarray)
                                                        and v.ndim == 0):
        return f'"[{", ".join(map(str, v))}]"'
    return v


class CSVLogger(Callback):
    """Writes ``epoch`` and the epoch's logs to ``filename``, one row per epoch.

    The columns are fixed at the first epoch's end: the log keys in sorted order, and
    when there are no ``val_`` keys, ``val_<key>`` for each as well (filled with ``NA``
    while no validation runs). ``append=True`` adds to an existing file, writing the
    header only when the file is empty.

    Args:
        filename: the CSV file.
        separator: the field delimiter.
        append: whether to append instead of overwriting.
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",",
                 append: bool = False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Any = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: TextIO | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        mode = "w"
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, newline="") as f:
                    self.append_header = not f.readline()
            mode = "a"
        self.csv_file = open(self.filename, mode, newline="")  # noqa: SIM115 (closed at end)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            dialect = type("CustomDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys],
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _csv_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` when a batch's ``loss`` is NaN or infinite (the
    epoch still ends normally, then training stops)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


__all__ = ["CSVLogger", "TerminateOnNaN"]
