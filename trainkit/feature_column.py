"""``trainkit.feature_column``: ``tf.compat.v1.feature_column``, re-exported from
``trainkit.estimator.feature_column``.

Example:
    >>> net = tk.feature_column.input_layer(features, [tk.feature_column.numeric_column("x")])
"""

from __future__ import annotations

from trainkit.estimator.feature_column import (
    bucketized_column,
    categorical_column_with_hash_bucket,
    categorical_column_with_identity,
    categorical_column_with_vocabulary_file,
    categorical_column_with_vocabulary_list,
    crossed_column,
    embedding_column,
    indicator_column,
    input_layer,
    linear_model,
    make_parse_example_spec,
    numeric_column,
    shared_embedding_columns,
    weighted_categorical_column,
)

__all__ = [
    "numeric_column", "categorical_column_with_identity", "categorical_column_with_hash_bucket",
    "categorical_column_with_vocabulary_list", "bucketized_column", "indicator_column",
    "embedding_column", "input_layer", "linear_model", "crossed_column",
    "make_parse_example_spec", "categorical_column_with_vocabulary_file",
    "weighted_categorical_column", "shared_embedding_columns",
]
