"""``tf.sparse.cross`` / ``cross_hashed`` (TF's ``SparseCross``): per batch row, every
combination of one value from each input -- the sparse inputs first, then the dense
ones, each group in the order given, the last varying fastest -- as ``"a_X_b"`` strings,
or hashed as TF's ``SparseCrossHashed`` does (``FingerprintCat64`` folded from the hash
key over the values' FarmHash ``Fingerprint64``, an integer's value as is), optionally
modulo ``num_buckets``.

Example:
    >>> tk.sparse.cross([st1, st2])            # values like b"a_X_d"
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.ops.hash_functions import fingerprint64, fingerprint_cat64
from trainkit.ops.op_util import make_op

DEFAULT_HASH_KEY = 0xDECAFCAFFE


def cross(inputs: list, name: str | None = None, separator: str | None = None
          ) -> SparseTensor:
    """The string crosses of ``inputs`` (``SparseTensor``s and 2-D dense tensors)."""
    return _cross(inputs, False, 0, DEFAULT_HASH_KEY, separator or "_X_",
                  name or "SparseCross")


def cross_hashed(inputs: list, num_buckets: int = 0, hash_key: int | None = None,
                 name: str | None = None) -> SparseTensor:
    """The hashed crosses of ``inputs`` as int64 (modulo ``num_buckets`` when > 0)."""
    if num_buckets < 0:
        raise ValueError(f"num_buckets must be >= 0, got {num_buckets}")
    return _cross(inputs, True, int(num_buckets),
                  DEFAULT_HASH_KEY if hash_key is None else int(hash_key), "_X_",
                  name or "SparseCrossHashed")


def _cross(inputs: list, hashed: bool, buckets: int, key: int, separator: str,
           name: str) -> SparseTensor:
    if not isinstance(inputs, list | tuple) or not inputs:
        raise TypeError("Inputs must be a non-empty list of SparseTensors and Tensors.")
    sparse, dense = [], []
    for x in inputs:
        if isinstance(x, SparseTensorValue):
            x = SparseTensor.from_value(x)
        if isinstance(x, SparseTensor):
            sparse.append(x)
        else:
            t = conversion.convert_to_tensor(x)
            if t.shape.ndims not in (None, 2):
                raise ValueError(f"Dense inputs must be 2-D, got shape {t.shape}.")
            dense.append(t)
    flat = [t for sp in sparse for t in (sp.indices, sp.values, sp.dense_shape)] + dense
    op = make_op("TkSparseCross", flat, [_dt.int64, _dt.int64 if hashed else _dt.string,
                                         _dt.int64], name=name,
                 attrs={"num_sparse": len(sparse), "hashed": hashed, "num_buckets": buckets,
                        "hash_key": key, "separator": separator},
                 shapes=[TensorShape([None, 2]), TensorShape([None]), TensorShape([2])])
    return SparseTensor(*op.outputs)


def _text(v: Any) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(int(v)) if isinstance(v, np.integer | int) else str(v)


def _hash(v: Any) -> int:
    if isinstance(v, bytes | str):
        return fingerprint64(v.encode() if isinstance(v, str) else v)
    return int(np.int64(v)) & 0xFFFFFFFFFFFFFFFF


@registry.register_kernel("TkSparseCross")
def _cross_kernel(ctx: registry.KernelContext, *flat: Any) -> tuple:
    a = ctx.attrs
    ns = a["num_sparse"]
    rows: list[list[list]] = []
    batch = None
    per_input: list[list[list]] = []
    for i in range(ns):
        idx, vals, shape = (np.asarray(flat[3 * i + k]) for k in range(3))
        n = int(shape[0])
        groups: list[list] = [[] for _ in range(n)]
        for (r, *_), v in zip(idx.tolist(), vals.tolist()):
            groups[r].append(v)
        per_input.append(groups)
        batch = n if batch is None else batch
    for d in flat[3 * ns:]:
        arr = np.asarray(d)
        per_input.append([list(row) for row in arr.tolist()])
        batch = arr.shape[0] if batch is None else batch
    if any(len(g) != batch for g in per_input):
        raise errors.InvalidArgumentError(None, None, "Inputs of SparseCross must have the "
                                                      "same batch size")
    for r in range(batch or 0):
        rows.append([g[r] for g in per_input])
    out_idx, out_vals, width = [], [], 0
    for r, groups in enumerate(rows):
        k = 0
        for combo in itertools.product(*groups):
            if a["hashed"]:
                h = a["hash_key"]
                for v in combo:
                    h = fingerprint_cat64(h, _hash(v))
                if a["num_buckets"]:
                    h %= a["num_buckets"]
                out_vals.append(np.uint64(h).astype(np.int64))
            else:
                out_vals.append(a["separator"].join(_text(v) for v in combo).encode())
            out_idx.append([r, k])
            k += 1
        width = max(width, k)
    idx = np.asarray(out_idx, np.int64).reshape(-1, 2)
    vals = (np.asarray(out_vals, np.int64) if a["hashed"] else
            np.asarray(out_vals, dtype=object))
    return idx, vals, np.asarray([batch or 0, width], np.int64)


registry.not_differentiable("TkSparseCross")

__all__ = ["cross", "cross_hashed"]
