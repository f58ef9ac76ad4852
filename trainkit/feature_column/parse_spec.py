"""``tf.feature_column.make_parse_example_spec`` and
``categorical_column_with_vocabulary_file``.

``make_parse_example_spec(columns)`` gives the ``parse_example`` features dict the
columns need: ``FixedLenFeature`` for numeric (and bucketized) sources, ``VarLenFeature``
for categorical ones; the parsed ``SparseTensor``s feed the columns directly (they are
densified with ``''`` / ``-1`` for the missing slots).

Example:
    >>> spec = make_parse_example_spec([numeric_column("age"), indicator_column(city)])
    >>> features = tk.parse_example(serialized, spec)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import numpy as np

from trainkit.data.parsing_ops import FixedLenFeature, VarLenFeature
from trainkit.feature_column.categorical import (
    HashedCategoricalColumn,
    IdentityCategoricalColumn,
    VocabularyListCategoricalColumn,
    categorical_column_with_vocabulary_list,
)
from trainkit.feature_column.columns import (
    BucketizedColumn,
    EmbeddingColumn,
    IndicatorColumn,
    NumericColumn,
)
from trainkit.feature_column.crossed import CrossedColumn
from trainkit.feature_column.sequence import SequenceCategoricalColumn, SequenceNumericColumn
from trainkit.framework import dtypes as _dt


def _spec(column: Any) -> dict:
    if isinstance(column, NumericColumn):
        default = column.default_value
        if default is not None:  # TF stores it with the column's shape
            default = np.broadcast_to(np.asarray(default), column.shape).tolist()
        return {column.key: FixedLenFeature(column.shape, column.dtype, default)}
    if isinstance(column, BucketizedColumn):
        return _spec(column.source_column)
    if isinstance(column, IndicatorColumn | EmbeddingColumn):
        return _spec(column.categorical_column)
    if isinstance(column, SequenceNumericColumn):   # a value list per example
        return {column.key: VarLenFeature(column.dtype)}
    if isinstance(column, SequenceCategoricalColumn):
        return _spec(column.categorical_column)
    if isinstance(column, IdentityCategoricalColumn):
        return {column.key: VarLenFeature(_dt.int64)}
    if isinstance(column, VocabularyListCategoricalColumn | HashedCategoricalColumn):
        return {column.key: VarLenFeature(column.dtype)}
    if isinstance(column, CrossedColumn):
        out: dict = {}
        for k in column.keys:
            out.update({k: VarLenFeature(_dt.string)} if isinstance(k, str) else _spec(k))
        return out
    raise ValueError(f"All feature_columns must be FeatureColumn instances. Given: "
                     f"{column!r}")


def make_parse_example_spec(feature_columns: Iterable[Any]) -> dict:
    """The ``parse_example`` spec ``{key: FixedLenFeature | VarLenFeature}`` of
    ``feature_columns``.

    Differs from TF: sequence columns are accepted (a ``VarLenFeature`` each), as TF 2's
    ``tf.feature_column.make_parse_example_spec`` does; ``tf.compat.v1``'s refuses them.

    Raises:
        ValueError: an unknown column, or one key given two different specs.
    """
    result: dict = {}
    for column in feature_columns:
        for key, spec in _spec(column).items():
            if key in result and result[key] != spec:
                raise ValueError(f"feature_columns contain different parse_spec for key "
                                 f"{key}. Given {spec} and {result[key]}")
            result[key] = spec
    return result


def categorical_column_with_vocabulary_file(key: str, vocabulary_file: str,
                                            vocabulary_size: int | None = None,
                                            num_oov_buckets: int = 0,
                                            default_value: int | None = None,
                                            dtype: Any = _dt.string
                                            ) -> VocabularyListCategoricalColumn:
    """A vocabulary column whose entries are the lines of ``vocabulary_file`` (the first
    ``vocabulary_size``), ids as in ``categorical_column_with_vocabulary_list``. The
    file is read when the column is made (its size, as TF counts it) and again by the
    column's lookup table when ``tf.tables_initializer()`` runs.

    Raises:
        ValueError: an empty file name or vocabulary, or both a default and OOV buckets.
    """
    if not vocabulary_file:
        raise ValueError(f"Missing vocabulary_file in {key}.")
    with open(vocabulary_file, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if vocabulary_size is not None:
        if vocabulary_size < 1:
            raise ValueError(f"Invalid vocabulary_size in {key}.")
        lines = lines[:vocabulary_size]
    dt = _dt.as_dtype(dtype)
    vocab = [int(v) for v in lines] if dt.is_integer else lines
    column = categorical_column_with_vocabulary_list(
        key, vocab, dtype=dt, default_value=-1 if default_value is None else default_value,
        num_oov_buckets=num_oov_buckets)
    return dataclasses.replace(column, vocabulary_file=str(vocabulary_file))


def sequence_categorical_column_with_vocabulary_file(
        key: str, vocabulary_file: str, vocabulary_size: int | None = None,
        num_oov_buckets: int = 0, default_value: int | None = None,
        dtype: Any = _dt.string) -> SequenceCategoricalColumn:
    """:func:`categorical_column_with_vocabulary_file` per step (for
    ``SequenceFeatures``)."""
    return SequenceCategoricalColumn(categorical_column_with_vocabulary_file(
        key, vocabulary_file, vocabulary_size, num_oov_buckets, default_value, dtype))


__all__ = ["make_parse_example_spec", "categorical_column_with_vocabulary_file",
           "sequence_categorical_column_with_vocabulary_file"]
