"""``tk.contrib.util``: TF1's tensor-proto helpers under their contrib names.

Example:
    >>> tk.contrib.util.constant_value(tk.constant([1, 2]))   # array([1, 2], dtype=int32)
"""

from __future__ import annotations

from trainkit.ops.tensor_checks import get_static_value as constant_value
from trainkit.ops.tensor_proto_ops import make_ndarray, make_tensor_proto

__all__ = ["constant_value", "make_ndarray", "make_tensor_proto"]
