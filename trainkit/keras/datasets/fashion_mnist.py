"""``tk.keras.datasets.fashion_mnist``: ``load_data``."""

from __future__ import annotations

import gzip
import os

import numpy as np

from trainkit.keras.data_files import get_file

BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def _labels(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)


def _images(path: str, count: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16)
    if raw.size != count * 28 * 28:
        raise ValueError(f"{path} holds {raw.size} pixels, expected {count} images of "
                         f"28 x 28 (as many as its label file has labels)")
    return raw.reshape(count, 28, 28)


def load_data(cache_dir: str | None = None) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 ``[60000, 28, 28]`` images and
    ``[60000]`` labels (10 clothing classes), ``[10000, ...]`` for the test split, from
    the four IDX files cached under ``cache_dir/datasets/fashion-mnist``.

    Raises:
        ValueError: when an image file does not hold 28 x 28 pixels per label.
        OSError: when a file cannot be downloaded.
    """
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    paths = [get_file(name, origin=BASE + name, cache_dir=cache_dir,
                      cache_subdir=os.path.join("datasets", "fashion-mnist"))
             for name in FILES]
    y_train, y_test = _labels(paths[0]), _labels(paths[2])
    return ((_images(paths[1], len(y_train)), y_train),
            (_images(paths[3], len(y_test)), y_test))


__all__ = ["load_data"]
