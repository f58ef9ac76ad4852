"""The NumPy kernels of categorical feature columns: id validation, vocabulary lookup
and bucketizing. Ids are dense ``int64`` tensors ``[batch, n]`` with ``-1`` for "no
id" (trainkit's stand-in for TF's ``SparseTensor`` of ids).

Op types: ``FeatureIdentityIds``, ``FeatureVocabularyIds`` (ids a lookup table gave,
with missing values marked), ``FeatureHashBucket``, ``FeatureBucketize``.
"""

from __future__ import annotations

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.hash_functions import fingerprint64
from trainkit.ops.op_util import make_op


def _as_2d(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    return arr.reshape(arr.shape[0], -1) if arr.ndim else arr.reshape(1, 1)


def feature_op(op_type: str, x: Tensor, attrs: dict, name: str,
               extra: list[Tensor] | None = None) -> Tensor:
    """Builds one of this module's ops on ``x`` and ``extra`` inputs (-> int64 ids
    ``[batch, n]``)."""
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    n = None
    if dims is not None:
        n = 1
        for d in dims[1:]:
            n = None if (d is None or n is None) else n * d
    batch = dims[0] if dims else None
    return make_op(op_type, [x, *(extra or [])], [_dt.int64], name=name, attrs=attrs,
                   shapes=[[batch, n]]).outputs[0]


@registry.register_kernel("FeatureIdentityIds")
def _identity_ids(ctx: registry.KernelContext, values: np.ndarray) -> np.ndarray:
    a = ctx.attrs
    ids = _as_2d(values).astype(np.int64)
    missing = ids == -1  # a dense -1 means "no id", as TF's dense-to-sparse conversion
    bad = ~missing & ((ids < 0) | (ids >= a["num_buckets"]))
    if bad.any():
        if a["default_value"] is None:
            raise errors.InvalidArgumentError(
                None, None, f"Returned id {ids[bad][0]} is not in [0, {a['num_buckets']}) "
                f"for column {a['column']!r}; pass default_value to map such ids.")
        ids = np.where(bad, a["default_value"], ids)
    return np.where(missing, -1, ids)


def _oov_bucket(value: object, n: int) -> int:
    """TF's bucket: ``string_to_hash_bucket_fast`` of the string, or of an int's decimal
    text (TF's ``as_string``)."""
    data = value if isinstance(value, bytes) else str(value).encode()
    return fingerprint64(data) % n


@registry.register_kernel("FeatureVocabularyIds")
def _vocabulary_ids(ctx: registry.KernelContext, values: np.ndarray,
                    looked_up: np.ndarray) -> np.ndarray:
    """The ids a vocabulary table gave ``values``, as ``[batch, n]``, with ``-1`` where
    the value is missing (``''`` / ``-1``, which TF's dense-to-sparse step drops)."""
    flat = _as_2d(values)
    missing = ctx.attrs["missing"]
    if missing is None:   # every value counts (labels)
        gone = np.zeros(flat.shape, bool)
    elif missing == b"":
        gone = np.array([v in (b"", "") for v in flat.ravel()], bool).reshape(flat.shape)
    else:
        gone = flat == missing
    return np.where(gone, -1, _as_2d(looked_up).astype(np.int64))


@registry.register_kernel("FeatureHashBucket")
def _hash_bucket(ctx: registry.KernelContext, values: np.ndarray) -> np.ndarray:
    flat = _as_2d(values)
    out = np.empty(flat.shape, np.int64)
    for idx, v in np.ndenumerate(flat):
        key = v if isinstance(v, bytes) else str(v).encode()
        # a dense '' (strings) or -1 (ints) means "no value"
        out[idx] = -1 if key in (b"", b"-1") else _oov_bucket(key, ctx.attrs["size"])
    return out


@registry.register_kernel("FeatureBucketize")
def _bucketize(ctx: registry.KernelContext, values: np.ndarray) -> np.ndarray:
    a = ctx.attrs
    flat = _as_2d(values)
    buckets = np.searchsorted(np.asarray(a["boundaries"], np.float64),
                              flat.astype(np.float64), side="right")
    # the i-th element of the source gets its own block of buckets
    offsets = np.arange(flat.shape[1], dtype=np.int64) * (len(a["boundaries"]) + 1)
    return (buckets + offsets[None, :]).astype(np.int64)


registry.not_differentiable("FeatureIdentityIds", "FeatureVocabularyIds", "FeatureHashBucket",
                            "FeatureBucketize")

__all__ = ["feature_op"]
