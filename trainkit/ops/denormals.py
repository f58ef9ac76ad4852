"""Flush-to-zero, as TF's CPU kernels compute: TF runs its op threads with the FTZ/DAZ
floating-point flags set, so a float result smaller in magnitude than the smallest
normal number (``np.finfo(dtype).tiny``) comes out as zero. NumPy keeps such subnormal
values; the kernels whose results underflow in ordinary programs (``Exp`` and
``Softmax`` of very negative inputs) flush them here, so that, as in TF,
``log(softmax(x))`` is ``-inf`` there and ``0 * log(...)`` is ``nan``.

Example:
    >>> import numpy as np
    >>> flush_to_zero(np.exp(np.float32([-90.0, 0.0]))).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

import numpy as np

_TINY = {np.dtype(np.float32): np.finfo(np.float32).tiny,
         np.dtype(np.float64): np.finfo(np.float64).tiny}


def flush_to_zero(a: np.ndarray) -> np.ndarray:
    """Sets the subnormal entries of a float32/float64 array to zero, in place, and
    returns it (other dtypes pass through; a NumPy scalar comes back as a scalar).

    Args:
        a: the kernel's result.

    Returns:
        ``a`` with every ``0 < |a| < tiny`` entry set to (signed) zero.
    """
    tiny = _TINY.get(getattr(a, "dtype", None))
    if tiny is None:
        return a
    if not isinstance(a, np.ndarray):
        return a if not 0 < abs(a) < tiny else a.dtype.type(0.0) * np.sign(a)
    # The callers' results are never negative: one reduction pass (no temporary) settles
    # the common case where every entry is a normal number. (A NaN makes the min NaN and
    # an exact zero makes it 0: both take the masked pass.)
    if a.size == 0 or np.min(a) >= tiny:
        return a
    small = np.abs(a) < tiny
    if small.any():
        a[small] *= 0  # keeps the sign, as the hardware flush does
    return a


__all__ = ["flush_to_zero"]
