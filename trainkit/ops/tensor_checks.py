"""``tf.is_tensor`` and ``tf.get_static_value``: questions about a value asked while the
graph is built.

Example:
    >>> tk.is_tensor(tk.constant(1.0)), tk.is_tensor(1.0)
    (True, False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.static_value import constant_value
from trainkit.ops.variables import Variable


def is_tensor(x: Any) -> bool:
    """True for a ``Tensor``, ``SparseTensor``, ``IndexedSlices`` or ``Variable`` (TF's
    "tensor-like" types); False for Python and NumPy values."""
    return isinstance(x, Tensor | SparseTensor | IndexedSlices | Variable)


def get_static_value(tensor: Any, partial: bool = False) -> np.ndarray | None:
    """The value of ``tensor`` if known while building the graph (a constant, the shape
    of a fully known shape, ...), else None; a NumPy value is returned as it is."""
    if not is_tensor(tensor):
        return tensor
    if isinstance(tensor, Variable):
        return None
    return constant_value(tensor)


__all__ = ["is_tensor", "get_static_value"]
