"""``tf.strings.unsorted_segment_join``: strings joined per segment (with a separator)
along the leading dimensions ``segment_ids`` covers; empty segments give ``""``.

Example:
    >>> tk.strings.unsorted_segment_join([["Y", "q"], ["p", "G"]], [1, 1], 2, ":")
    >>> # [["", ""], ["Y:p", "q:G"]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def unsorted_segment_join(inputs: Any, segment_ids: Any, num_segments: Any,
                          separator: str = "", name: str | None = None) -> Tensor:
    """``out[k, ...] = separator.join(inputs[i, ...] for i with segment_ids[i] == k)``
    (``segment_ids`` may cover several leading dimensions; ids outside
    ``[0, num_segments)`` are dropped as TF drops negative ids)."""
    x = conversion.convert_to_tensor(inputs, dtype=_dt.string, name="inputs")
    ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
    n = conversion.convert_to_tensor(num_segments, name="num_segments")
    return make_op("UnsortedSegmentJoin", [x, ids, n], [_dt.string],
                   name=name or "UnsortedSegmentJoin", attrs={"separator": str(separator)},
                   shapes=[None]).outputs[0]


@registry.register_kernel("UnsortedSegmentJoin")
def _join(ctx: registry.KernelContext, x: Any, ids: Any, n: Any) -> np.ndarray:
    arr, seg = np.asarray(x, dtype=object), np.asarray(ids)
    k = int(np.asarray(n))
    if arr.shape[:seg.ndim] != seg.shape:
        raise errors.InvalidArgumentError(
            None, None, f"segment_ids.shape = {list(seg.shape)} is not a prefix of "
                        f"inputs.shape = {list(arr.shape)}")
    if seg.size and seg.max() >= k:
        raise errors.InvalidArgumentError(
            None, None, f"segment_ids[...] = {int(seg.max())} is out of range [0, {k})")
    rest = arr.shape[seg.ndim:]
    parts: list = [[[] for _ in range(int(np.prod(rest)))] for _ in range(k)]
    flat = arr.reshape((seg.size, -1))
    sep = ctx.attrs["separator"].encode()
    for i, s in enumerate(seg.reshape(-1).tolist()):
        if s < 0:
            continue
        for j, v in enumerate(flat[i]):
            parts[s][j].append(v if isinstance(v, bytes) else str(v).encode())
    out = np.empty((k, int(np.prod(rest))), dtype=object)
    for s in range(k):
        for j in range(out.shape[1]):
            out[s, j] = sep.join(parts[s][j])
    return out.reshape((k,) + rest)


registry.not_differentiable("UnsortedSegmentJoin")

__all__ = ["unsorted_segment_join"]
