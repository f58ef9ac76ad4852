"""Small real datasets shipped with trainkit, with deterministic splits.

Example:
    >>> from trainkit.data.datasets import load_digits
    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape
    ((1438, 64), (359, 64))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_DIR = Path(__file__).resolve().parent
DATASETS = ("digits",)


def _stratified_split(labels: np.ndarray, test_fraction: float, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    train, test = [], []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        idx = idx[rng.permutation(len(idx))]
        n_test = int(round(len(idx) * test_fraction))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    train_idx, test_idx = np.concatenate(train), np.concatenate(test)
    return train_idx[rng.permutation(len(train_idx))], test_idx[rng.permutation(len(test_idx))]


def load_digits(test_fraction: float = 0.2, seed: int = 0, flatten: bool = True,
                normalize: bool = True, dtype: str = "float32"
                ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The UCI 8×8 handwritten digits, split into ``(train, test)`` deterministically.

    Args:
        test_fraction: share of each class held out for the test split (0 < f < 1).
        seed: seed of the split; the default split is identical on every machine.
        flatten: images as 64-vectors (else ``[N, 8, 8, 1]``, NHWC for conv nets).
        normalize: scale pixels from 0..16 to 0..1.
        dtype: dtype of the images.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``; labels are int64 class ids 0..9.

    Raises:
        ValueError: if ``test_fraction`` is not strictly between 0 and 1.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}.")
    with np.load(_DIR / "digits.npz", allow_pickle=False) as f:
        images, labels = f["images"], f["labels"].astype(np.int64)
    x = images.astype(dtype)
    if normalize:
        x /= 16.0
    x = x.reshape(len(x), 64) if flatten else x.reshape(len(x), 8, 8, 1)
    tr, te = _stratified_split(labels, test_fraction, seed)
    return (x[tr], labels[tr]), (x[te], labels[te])


def load(name: str, **kwargs: object) -> tuple:
    """Loads a bundled dataset by name (``"digits"``).

    Raises:
        ValueError: for an unknown name, listing the available ones.
    """
    if name == "digits":
        return load_digits(**kwargs)  # type: ignore[arg-type]
    raise ValueError(f"Unknown dataset {name!r}; available: {', '.join(DATASETS)}.")


__all__ = ["load_digits", "load", "DATASETS"]
