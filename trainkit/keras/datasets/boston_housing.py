"""``tk.keras.datasets.boston_housing``: ``load_data``."""

from __future__ import annotations

import os

import numpy as np

from trainkit.keras.data_files import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113,
              cache_dir: str | None = None) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: the 506 rows of 13 features and their
    prices, shuffled by ``np.random.RandomState(seed)``, the last ``test_split`` of them
    the test split (tf_keras's order and split).

    Raises:
        ValueError: for ``test_split`` outside ``[0, 1)``, or a file whose SHA-256 is
            not the data set's.
        OSError: when the file cannot be downloaded.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be in [0, 1), got {test_split}")
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    local = get_file(path, origin=ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


__all__ = ["load_data"]
