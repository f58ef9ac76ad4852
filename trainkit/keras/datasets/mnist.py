"""``tk.keras.datasets.mnist``: ``load_data``."""

from __future__ import annotations

import os

import numpy as np

from trainkit.keras.data_files import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz", cache_dir: str | None = None) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 ``[60000, 28, 28]`` images and
    ``[60000]`` labels, ``[10000, ...]`` for the test split, from ``mnist.npz`` (cached
    as ``path`` under ``cache_dir/datasets``, default ``~/.keras``).

    Raises:
        ValueError: when the cached or downloaded file's SHA-256 is not MNIST's.
        OSError: when the file cannot be downloaded.
    """
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    local = get_file(path, origin=ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir)
    with np.load(local, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


__all__ = ["load_data"]
