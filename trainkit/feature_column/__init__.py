"""``trainkit.feature_column``: ``tf.compat.v1.feature_column``, how raw features become
model inputs.

A layer of its own (on framework, ops and data's parsing specs) so that both the
estimators (``input_layer``/``linear_model`` in the canned models) and Keras
(``tk.keras.layers.DenseFeatures``) build on it; see ``docs/internals.md``.

Example:
    >>> net = tk.feature_column.input_layer(features, [tk.feature_column.numeric_column("x")])
"""

from __future__ import annotations

from trainkit.feature_column.categorical import (
    categorical_column_with_hash_bucket,
    categorical_column_with_identity,
    categorical_column_with_vocabulary_list,
)
from trainkit.feature_column.columns import (
    bucketized_column,
    embedding_column,
    indicator_column,
    numeric_column,
)
from trainkit.feature_column.crossed import crossed_column
from trainkit.feature_column.layers import input_layer, linear_model
from trainkit.feature_column.parse_spec import (
    categorical_column_with_vocabulary_file,
    make_parse_example_spec,
    sequence_categorical_column_with_vocabulary_file,
)
from trainkit.feature_column.sequence import (
    sequence_categorical_column_with_hash_bucket,
    sequence_categorical_column_with_identity,
    sequence_categorical_column_with_vocabulary_list,
    sequence_numeric_column,
)
from trainkit.feature_column.weighted_shared import (
    shared_embedding_columns,
    weighted_categorical_column,
)

__all__ = [
    "numeric_column", "categorical_column_with_identity", "categorical_column_with_hash_bucket",
    "categorical_column_with_vocabulary_list", "bucketized_column", "indicator_column",
    "embedding_column", "input_layer", "linear_model", "crossed_column",
    "make_parse_example_spec", "categorical_column_with_vocabulary_file",
    "weighted_categorical_column", "shared_embedding_columns", "sequence_numeric_column",
    "sequence_categorical_column_with_identity",
    "sequence_categorical_column_with_vocabulary_list",
    "sequence_categorical_column_with_hash_bucket",
    "sequence_categorical_column_with_vocabulary_file",
]
