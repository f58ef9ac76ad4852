"""Categorical feature columns: integer ids, vocabulary lists and hash buckets, each
turned into int64 ids ``[batch, n]`` (``-1`` = no id) by one kernel of
:mod:`.lookup_ops`.

A vocabulary column looks its values up in a real lookup table
(``index_table_from_tensor``, or ``index_table_from_file`` for a vocabulary file), as
TF does: the table's initializer joins ``GraphKeys.TABLE_INITIALIZERS``, and running the
ids before ``tf.tables_initializer()`` fails with ``FailedPreconditionError: Table not
initialized.`` (``MonitoredSession`` / ``Scaffold`` / estimators run it in their
default ``local_init_op``).

Example:
    >>> city = categorical_column_with_vocabulary_list("city", ["paris", "rome"])
    >>> indicator_column(city)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trainkit.feature_column.columns import FeatureCache, check_key
from trainkit.feature_column.lookup_ops import feature_op
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import lookup_ops, math_ops


@dataclass(frozen=True)
class IdentityCategoricalColumn:
    """Integer ids used as they are (see :func:`categorical_column_with_identity`)."""

    key: str
    num_buckets: int
    default_value: int | None = None

    @property
    def name(self) -> str:
        return self.key

    def ids(self, cache: FeatureCache) -> Tensor:
        attrs = {"num_buckets": self.num_buckets, "default_value": self.default_value,
                 "column": self.key}
        return cache.get(self, lambda: feature_op(
            "FeatureIdentityIds", math_ops.cast(cache.raw(self.key), _dt.int64), attrs,
            f"{self.key}_lookup"))


def categorical_column_with_identity(key: str, num_buckets: int,
                                     default_value: int | None = None
                                     ) -> IdentityCategoricalColumn:
    """Ids in ``[0, num_buckets)``; others map to ``default_value`` or fail at run time
    (``InvalidArgumentError``); ``-1`` means "no id".

    Raises:
        ValueError: ``num_buckets < 1`` or a default outside the range.
    """
    check_key(key)
    if not isinstance(num_buckets, int) or num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    if default_value is not None and not 0 <= default_value < num_buckets:
        raise ValueError(f"default_value {default_value} not in range [0, {num_buckets}), "
                         f"column_name {key}")
    return IdentityCategoricalColumn(key, num_buckets, default_value)


@dataclass(frozen=True)
class VocabularyListCategoricalColumn:
    """Values looked up in an in-memory vocabulary."""

    key: str
    vocabulary_list: tuple
    dtype: Any = _dt.string
    default_value: int = -1
    num_oov_buckets: int = 0
    vocabulary_file: str | None = None   # the table reads this file when initialized

    @property
    def name(self) -> str:
        return self.key

    @property
    def num_buckets(self) -> int:
        return len(self.vocabulary_list) + self.num_oov_buckets

    def ids(self, cache: FeatureCache) -> Tensor:
        return cache.get(self, lambda: self._lookup(cache.raw(self.key)))

    def _lookup(self, raw: Tensor) -> Tensor:
        # TF's transform: integer values are looked up as int64 keys
        values = math_ops.cast(raw, _dt.int64) if self.dtype.is_integer else raw
        key_dtype = _dt.int64 if self.dtype.is_integer else _dt.string
        name = f"{self.key}_lookup"
        if self.vocabulary_file is not None:
            table = lookup_ops.index_table_from_file(
                self.vocabulary_file, num_oov_buckets=self.num_oov_buckets,
                vocab_size=len(self.vocabulary_list), default_value=self.default_value,
                key_dtype=key_dtype, name=name)
        else:
            table = lookup_ops.index_table_from_tensor(
                list(self.vocabulary_list), num_oov_buckets=self.num_oov_buckets,
                default_value=self.default_value, dtype=key_dtype, name=name)
        missing = b"" if key_dtype is _dt.string else -1
        return feature_op("FeatureVocabularyIds", values, {"missing": missing}, name,
                          extra=[table.lookup(values)])


def categorical_column_with_vocabulary_list(key: str, vocabulary_list: Sequence[Any],
                                            dtype: Any = None, default_value: int = -1,
                                            num_oov_buckets: int = 0
                                            ) -> VocabularyListCategoricalColumn:
    """Strings or ints mapped to their index in ``vocabulary_list``; unknown values get
    ``default_value`` (``-1``: no id) or one of ``num_oov_buckets`` hashed buckets.

    Raises:
        ValueError: an empty or duplicated vocabulary, both ``default_value`` and
            OOV buckets, or a dtype that does not match the vocabulary.
    """
    check_key(key)
    vocab = tuple(vocabulary_list or ())
    if not vocab:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: "
                         f"{key}")
    if len(set(vocab)) != len(vocab):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, "
                         f"column_name: {key}")
    if num_oov_buckets < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets}.")
    if default_value != -1 and num_oov_buckets:
        raise ValueError(f"Can't specify both default_value {default_value} and "
                         f"num_oov_buckets {num_oov_buckets}.")
    is_str = all(isinstance(v, str | bytes) for v in vocab)
    if not is_str and not all(isinstance(v, int) for v in vocab):
        raise ValueError(f"vocabulary_list must be all strings or all ints, column_name: "
                         f"{key}")
    dtype = _dt.as_dtype(dtype) if dtype is not None else (_dt.string if is_str else _dt.int64)
    if (dtype is _dt.string) != is_str:
        raise ValueError(f"dtype {dtype} does not match the vocabulary_list's values, "
                         f"column_name: {key}")
    return VocabularyListCategoricalColumn(key, vocab, dtype, default_value, num_oov_buckets)


@dataclass(frozen=True)
class HashedCategoricalColumn:
    """Values hashed into ``hash_bucket_size`` buckets."""

    key: str
    hash_bucket_size: int
    dtype: Any = _dt.string

    @property
    def name(self) -> str:
        return self.key

    @property
    def num_buckets(self) -> int:
        return self.hash_bucket_size

    def ids(self, cache: FeatureCache) -> Tensor:
        return cache.get(self, lambda: feature_op(
            "FeatureHashBucket", cache.raw(self.key), {"size": self.hash_bucket_size},
            f"{self.key}_lookup"))


def categorical_column_with_hash_bucket(key: str, hash_bucket_size: int,
                                        dtype: Any = _dt.string) -> HashedCategoricalColumn:
    """Strings (or ints, hashed as their decimal text) spread over ``hash_bucket_size``
    buckets; ``''`` / ``-1`` mean "no value". Buckets are TF's
    (``string_to_hash_bucket_fast``: FarmHash ``Fingerprint64`` modulo the size).

    Raises:
        ValueError: ``hash_bucket_size < 1`` or a non-string, non-int dtype.
    """
    check_key(key)
    if hash_bucket_size is None or not isinstance(hash_bucket_size, int) \
            or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be at least 1. hash_bucket_size: "
                         f"{hash_bucket_size}, key: {key}")
    dtype = _dt.as_dtype(dtype)
    if dtype is not _dt.string and not dtype.is_integer:
        raise ValueError(f"dtype must be string or integer. dtype: {dtype}, column_name: "
                         f"{key}")
    return HashedCategoricalColumn(key, hash_bucket_size, dtype)


__all__ = [
    "categorical_column_with_identity", "categorical_column_with_vocabulary_list",
    "categorical_column_with_hash_bucket", "IdentityCategoricalColumn",
    "VocabularyListCategoricalColumn", "HashedCategoricalColumn",
]
