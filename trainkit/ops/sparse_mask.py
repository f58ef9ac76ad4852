"""``tf.sparse.mask``: an ``IndexedSlices`` without the slices whose indices are listed.

Example:
    >>> kept = tk.sparse.mask(grad, tk.constant([3]))   # drops row 3's slice
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.ops import array_ops
from trainkit.ops.misc_ops import setdiff1d


def mask(a: IndexedSlices, mask_indices: Any, name: str | None = None) -> IndexedSlices:
    """``a`` with the slices at ``mask_indices`` removed (the rest in their order).

    Raises:
        TypeError: if ``a`` is not an ``IndexedSlices``.
    """
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"sparse.mask takes IndexedSlices, got {type(a).__name__}.")
    with name_scope(name, "sparse_mask", [a, mask_indices]):
        drop = conversion.convert_to_tensor(mask_indices, dtype=a.indices.dtype)
        kept, where = setdiff1d(a.indices, drop)
        return IndexedSlices(array_ops.gather(a.values, where), kept, a.dense_shape)


__all__ = ["mask"]
