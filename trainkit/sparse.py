"""``tk.sparse``: sparse-tensor helpers (re-exports)."""

from __future__ import annotations

from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.ops.sparse_ops import sparse_tensor_to_dense, to_dense
