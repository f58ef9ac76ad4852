"""``tk.keras.utils``: ``to_categorical``, class vectors as one-hot matrices; ``get_file``
(``keras/data_files.py``).

Example:
    >>> tk.keras.utils.to_categorical([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.keras.data_files import get_file


def to_categorical(y: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """One row per label with a 1 in the label's column (tf_keras's rule: a trailing
    dimension of size 1 is dropped first; ``num_classes`` defaults to ``max(y) + 1``).

    Args:
        y: integer class labels, any shape.
        num_classes: the number of columns.
        dtype: the result's dtype.

    Returns:
        An array of shape ``y.shape + (num_classes,)`` (after dropping a trailing 1).

    Raises:
        ValueError: for non-integer labels, or labels outside ``[0, num_classes)``.
    """
    y = np.asarray(y)
    if y.size and not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"to_categorical: labels must be integers, got {y.dtype} values "
                         f"such as {y.reshape(-1)[np.argmax(np.mod(y, 1).reshape(-1) != 0)]}.")
    y = y.astype(np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), got "
                         f"{int(y.min())}..{int(y.max())}.")
    out = np.zeros(y.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


__all__ = ["get_file", "to_categorical"]
