"""``tf.feature_column.crossed_column``: the hashed cross of categorical features, with
TF1's hash, so a cross lands in the same bucket as in TF.

Every combination of one value from each key (the ids of the categorical columns, then
the raw features named, each group in the order given, as TF's ``SparseCross`` orders its
sparse and dense inputs; the last varying fastest) becomes
``FingerprintCat64`` folded from the hash key over the values' fingerprints (FarmHash
``Fingerprint64`` of a string, the int64 value itself for integers), modulo
``hash_bucket_size`` (TF's ``SparseCrossHashed``). The ids are dense ``int64``
``[batch, n]`` with ``-1`` for "no id", like the other categorical columns; a raw feature's
``''`` (strings) or ``-1`` (integers) is a missing value, so it crosses with nothing.

Example:
    >>> edu_x_occ = crossed_column(["education", "occupation"], hash_bucket_size=1000)
    >>> logits = linear_model(features, [edu_x_occ])
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainkit.feature_column.categorical import HashedCategoricalColumn
from trainkit.feature_column.columns import FeatureCache
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.hash_functions import fingerprint64, fingerprint_cat64
from trainkit.ops.op_util import make_op

DEFAULT_HASH_KEY = 0xDECAFCAFFE  # TF's SparseCrossHashed default hash key


@dataclass(frozen=True)
class CrossedColumn:
    """A hashed cross of raw features and categorical columns (see
    :func:`crossed_column`)."""

    keys: tuple
    hash_bucket_size: int
    hash_key: int | None = None

    @property
    def name(self) -> str:
        return "_X_".join(sorted(k if isinstance(k, str) else k.name for k in self.keys))

    @property
    def num_buckets(self) -> int:
        return self.hash_bucket_size

    def leaves(self) -> list:
        """The keys with nested crosses flattened, in order."""
        out: list = []
        for k in self.keys:
            out += k.leaves() if isinstance(k, CrossedColumn) else [k]
        return out

    def ids(self, cache: FeatureCache) -> Tensor:
        def make() -> Tensor:
            # TF's SparseCross takes the sparse inputs (categorical columns' ids and raw
            # features given as SparseTensors) before the dense raw features, each group
            # in the order given.
            leaves = self.leaves()

            def sparse(k: Any) -> bool:
                return not isinstance(k, str) or cache.is_sparse(k)

            parts = [k.ids(cache) if not isinstance(k, str) else cache.raw(k)
                     for k in leaves if sparse(k)] + \
                [cache.raw(k) for k in leaves if not sparse(k)]
            key = DEFAULT_HASH_KEY if self.hash_key is None else self.hash_key
            batch = None
            for p in parts:
                if p.shape.ndims:
                    batch = batch or p.shape.as_list()[0]
            return make_op("FeatureCross", parts, [_dt.int64], name=f"{self.name}_cross",
                           attrs={"num_buckets": self.hash_bucket_size, "hash_key": key},
                           shapes=[[batch, None]]).outputs[0]
        return cache.get(self, make)


def _is_categorical(key: Any) -> bool:
    return hasattr(key, "ids") and hasattr(key, "num_buckets")


def crossed_column(keys: Any, hash_bucket_size: int, hash_key: int | None = None
                   ) -> CrossedColumn:
    """A categorical column of the hashed crosses of ``keys``.

    Args:
        keys: two or more feature names (strings) or categorical columns (not
            ``categorical_column_with_hash_bucket``), or crossed columns.
        hash_bucket_size: the number of buckets (``> 1``).
        hash_key: the key ``FingerprintCat64`` starts from (TF's default if None).

    Raises:
        ValueError: fewer than two keys, ``hash_bucket_size < 1``, a hashed categorical
            column, or a key of another type.
    """
    if not hash_bucket_size or isinstance(hash_bucket_size, bool) or \
            not isinstance(hash_bucket_size, numbers.Integral) or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: "
                         f"{hash_bucket_size}")
    if isinstance(keys, str) or not keys or len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    for key in keys:
        if isinstance(key, HashedCategoricalColumn):
            raise ValueError("categorical_column_with_hash_bucket is not supported for "
                             "crossing. Hashing before crossing will increase probability "
                             f"of collision. Instead, use the feature name as a string. "
                             f"Given: {key}")
        if not isinstance(key, str) and not _is_categorical(key):
            raise ValueError("Unsupported key type. All keys must be either string, or "
                             "categorical column except HashedCategoricalColumn. Given: "
                             f"{key}")
    if hash_key is not None and (isinstance(hash_key, bool) or
                                 not isinstance(hash_key, numbers.Integral)):
        raise ValueError(f"hash_key must be an integer, got {hash_key!r}.")
    return CrossedColumn(tuple(keys), int(hash_bucket_size), hash_key)


def _fingerprints(values: np.ndarray) -> list[list[int]]:
    """Per row, the fingerprints of its present values (``''`` / ``-1`` absent)."""
    arr = np.asarray(values)
    arr = arr.reshape(arr.shape[0], -1) if arr.ndim else arr.reshape(1, 1)
    rows = []
    for row in arr.tolist():
        fps = []
        for v in row:
            if isinstance(v, str):
                v = v.encode()
            if isinstance(v, bytes):
                if v:
                    fps.append(fingerprint64(v))
            elif int(v) != -1:
                fps.append(int(v) & ((1 << 64) - 1))
        rows.append(fps)
    return rows


@registry.register_kernel("FeatureCross")
def _cross(ctx: registry.KernelContext, *parts: Any) -> np.ndarray:
    columns = [_fingerprints(p) for p in parts]
    n_rows = max(len(c) for c in columns)
    if any(len(c) != n_rows for c in columns):
        raise ValueError(f"crossed_column: the crossed features have different batch "
                         f"sizes {[len(c) for c in columns]}")
    key, n = ctx.attrs["hash_key"], ctx.attrs["num_buckets"]
    rows = []
    for b in range(n_rows):
        ids = []
        for combo in itertools.product(*(c[b] for c in columns)):
            h = key
            for fp in combo:
                h = fingerprint_cat64(h, fp)
            ids.append(h % n)
        rows.append(ids)
    width = max((len(r) for r in rows), default=0)
    out = np.full((n_rows, width), -1, np.int64)
    for b, r in enumerate(rows):
        out[b, :len(r)] = r
    return out


registry.not_differentiable("FeatureCross")

__all__ = ["crossed_column", "CrossedColumn"]
