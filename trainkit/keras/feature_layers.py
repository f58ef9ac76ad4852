"""``tk.keras.layers.DenseFeatures`` and ``tk.keras.experimental.SequenceFeatures``:
feature columns as the first layer of a Keras model (tf_keras's v1 layers,
``tf.compat.v1.keras.layers.DenseFeatures``).

``SequenceFeatures`` takes sequence columns (``sequence_numeric_column``, embedding and
indicator columns of ``sequence_categorical_column_with_*``) and returns
``([batch, steps, sum of sizes], [batch] int64 lengths)``, the lengths checked equal
across the columns at run time.

The layer takes a dict of feature tensors and returns the dense columns' outputs
concatenated in name order, ``[batch, sum of the columns' sizes]`` (what
``tk.feature_column.input_layer`` gives). The columns' variables (embedding tables) are
made once, on the first call, by ``get_variable`` in the variable scopes
``<layer name>/<column name>`` (``dense_features/thal_embedding/embedding_weights``, under
any enclosing variable scope but not under name scopes, as tf_keras's v1 layer makes
them), and become the layer's weights: a model lists, trains, saves and restores them
with the others. Later calls build their ops in ``dense_features_1/``, ... on the same
variables.

As in TF1 graph-mode Keras, nothing initializes the vocabulary tables of
``categorical_column_with_vocabulary_*`` columns: run ``tk.tables_initializer()`` in
``tk.keras.backend.get_session()`` once the layer is built (a ``LambdaCallback``'s
``on_train_begin`` serves when ``fit`` builds the model), else the first batch fails
with ``FailedPreconditionError: Table not initialized.``

Example:
    >>> thal = tk.feature_column.categorical_column_with_vocabulary_list(
    ...     "thal", ["fixed", "normal", "reversible"])
    >>> model = tk.keras.Sequential([
    ...     tk.keras.layers.DenseFeatures([tk.feature_column.numeric_column("age"),
    ...                                    tk.feature_column.embedding_column(thal, 8)]),
    ...     tk.keras.layers.Dense(1, activation="sigmoid")])
"""

from __future__ import annotations

from typing import Any

from trainkit.feature_column import sequence, serialization
from trainkit.feature_column.columns import FeatureCache
from trainkit.feature_column.layers import dense_columns, sorted_columns
from trainkit.feature_column.weighted_shared import SharedEmbeddingColumn
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, base_layer
from trainkit.ops import check_ops, identity_ops, join_ops, shape_ops
from trainkit.ops import variable_scope as vs


class _LayerVariables:
    """The feature columns' state for one layer: each variable made once by
    ``get_variable`` (in the scopes the layer's build opened) and kept as a weight of the
    layer; later requests get the same variable."""

    def __init__(self, layer: _FeaturesLayer):
        self.layer = layer
        self.made: dict[tuple[str, str], Any] = {}

    def get_variable(self, column: Any, name: str, shape: list[int], initializer: Any,
                     trainable: bool) -> Any:
        key = (column.name, name)
        if key not in self.made:
            if self.layer.built:
                raise RuntimeError(f"{type(self.layer).__name__} {self.layer.name!r}: column "
                                   f"{column.name!r} asked for a new variable {name!r} "
                                   "after the layer was built.")
            self.made[key] = self.layer.add_column_weight(name, shape, initializer,
                                                          trainable)
        return self.made[key]

    def get_shared_variable(self, shared_name: str, name: str, shape: list[int],
                            initializer: Any, trainable: bool) -> Any:
        raise ValueError("DenseFeatures takes no shared_embedding_columns (TF's v1 layer "
                         "refuses them too); use an embedding_column per feature.")


class _FeaturesLayer(base_layer.Layer):
    """What DenseFeatures and SequenceFeatures share (tf_keras's ``_BaseFeaturesLayer``):
    the columns in name order, their variables made in ``build``, the config."""

    def __init__(self, feature_columns: list, trainable: bool, name: str | None,
                 partitioner: Any, **kwargs: Any):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._feature_columns = feature_columns
        if partitioner is not None:
            raise NotImplementedError(f"{type(self).__name__}: trainkit has no partitioned "
                                      "variables; pass partitioner=None.")
        self._state = _LayerVariables(self)

    @property
    def feature_columns(self) -> list:
        """The columns, in the (name) order of the output."""
        return list(self._feature_columns)

    def build(self, input_shape: Any) -> None:
        """Makes the columns' variables in ``<layer name>/<column name>`` variable scopes
        (inside the enclosing variable scope)."""
        for column in self._feature_columns:
            create = getattr(column, "create_state", None)
            if create is not None:
                with vs.variable_scope(self.name), \
                        vs.variable_scope(_scope_name(column.name)):
                    create(self._state)
        self.built = True

    def add_column_weight(self, name: str, shape: list[int], initializer: Any,
                          trainable: bool) -> Any:
        """A column's variable by ``get_variable`` in the current variable scope, made a
        weight of this layer (trainable when both the column and the layer are)."""
        train = trainable and self.trainable
        var = vs.get_variable(name, shape, dtype=_dt.float32, initializer=initializer,
                              trainable=train)
        backend.track_variable(var)
        (self._trainable_weights if train else self._non_trainable_weights).append(var)
        return var

    def get_config(self) -> dict:
        """The layer's arguments, the columns serialized as TF does
        (``{'class_name': 'NumericColumn', 'config': {...}}``)."""
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                "feature_columns": [serialization.serialize_feature_column(c)
                                    for c in self._feature_columns]}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Any:
        """The layer that :meth:`get_config` describes (a ``normalizer_fn`` is looked up
        by name in ``custom_objects``)."""
        config = dict(config)
        config["feature_columns"] = [
            serialization.deserialize_feature_column(c, custom_objects)
            for c in config["feature_columns"]]
        return cls(**config)


class DenseFeatures(_FeaturesLayer):
    """A dense tensor from ``feature_columns`` (TF's ``DenseFeatures``).

    Args:
        feature_columns: dense columns (``numeric_column``, ``bucketized_column``,
            ``indicator_column``, ``embedding_column``), one or an iterable.
        trainable: whether the columns' variables train.
        name: the layer's name (default ``dense_features``, unique per graph).
        partitioner: must be None (trainkit has no partitioned embedding tables here).

    Raises:
        ValueError: no columns, duplicate column names, a column that is not dense
            (wrap a categorical column in ``indicator_column`` / ``embedding_column``),
            or a shared embedding column.
        NotImplementedError: for a partitioner.
    """

    def __init__(self, feature_columns: Any, trainable: bool = True, name: str | None = None,
                 partitioner: Any = None, **kwargs: Any):
        columns = dense_columns(feature_columns)
        for column in columns:
            if isinstance(column, SharedEmbeddingColumn):
                raise ValueError("Items of feature_columns must be a FeatureColumn. Given "
                                 f"(type {type(column).__name__}): {column}. DenseFeatures "
                                 "takes no shared_embedding_columns.")
        super().__init__(columns, trainable, name, partitioner, **kwargs)

    def call(self, features: Any, cols_to_output_tensors: dict | None = None,
             training: Any = None) -> Tensor:
        """The columns' dense tensors, each ``[batch, size]``, concatenated.

        Raises:
            ValueError: ``features`` is not a dict, or lacks a column's feature.
        """
        cache = _cache(features)
        graph = get_default_graph()
        outputs = []
        for column in self._feature_columns:
            with graph.name_scope(column.name):
                out = shape_ops.reshape(column.dense(cache, self._state),
                                        [-1, column.variable_shape])
            if cols_to_output_tensors is not None:
                cols_to_output_tensors[column] = out
            outputs.append(out)
        return join_ops.concat(outputs, -1)

    def get_config(self) -> dict:
        return {**super().get_config(), "partitioner": None}

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """``(batch, total size of the columns)``."""
        return (_batch(input_shape), sum(int(c.variable_shape)
                                         for c in self._feature_columns))


class SequenceFeatures(_FeaturesLayer):
    """Sequence inputs from sequence ``feature_columns`` (TF's
    ``tf.keras.experimental.SequenceFeatures``): ``(values [batch, steps, size],
    sequence_length [batch])``.

    Args:
        feature_columns: ``sequence_numeric_column``s and embedding / indicator columns
            of ``sequence_categorical_column_with_*``.
        trainable: whether the columns' variables train.
        name: the layer's name (default ``sequence_features``).

    Raises:
        ValueError: no columns, duplicate names, or a column that is not a sequence
            column.
    """

    def __init__(self, feature_columns: Any, trainable: bool = True, name: str | None = None,
                 **kwargs: Any):
        columns = sorted_columns(feature_columns)
        for column in columns:
            if not sequence.is_sequence_dense(column):
                raise ValueError("Items of feature_columns must be a SequenceDenseColumn. "
                                 "You can wrap a sequence_categorical_column_with_* in an "
                                 "embedding_column or indicator_column. Given: "
                                 f"{column}")
        super().__init__(columns, trainable, name, None, **kwargs)

    def call(self, features: Any, training: Any = None) -> tuple[Tensor, Tensor]:
        """The columns' sequences concatenated on the last axis, and their common length.

        Raises:
            ValueError: ``features`` is not a dict or lacks a column's feature.
            TypeError: a ``sequence_numeric_column``'s feature is not a SparseTensor.
        """
        cache = _cache(features)
        graph = get_default_graph()
        values, lengths = [], []
        for column in self._feature_columns:
            with graph.name_scope(column.name):
                value, length = sequence.sequence_dense(column, cache, self._state)
                value.set_shape([None, None, int(column.variable_shape)])
            values.append(value)
            lengths.append(length)
        return join_ops.concat(values, -1), _all_equal(lengths)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """``((batch, steps, total size), (batch,))``."""
        batch = _batch(input_shape)
        return ((batch, None, sum(int(c.variable_shape) for c in self._feature_columns)),
                (batch,))


def _cache(features: Any) -> FeatureCache:
    if not isinstance(features, dict):
        raise ValueError("We expected a dictionary here. Instead we got: ", features)
    return FeatureCache(features)


def _batch(input_shape: Any) -> Any:
    if isinstance(input_shape, dict) and input_shape:
        first = input_shape[sorted(input_shape)[0]]
        return base_layer.shape_tuple(first)[0] if first is not None else None
    if isinstance(input_shape, list | tuple) and input_shape:
        return input_shape[0]
    return None


def _all_equal(lengths: list) -> Tensor:
    """The first length, after run-time checks that the others equal it."""
    if len(lengths) == 1:
        return lengths[0]
    with get_default_graph().name_scope("assert_all_equal"):
        checks = [check_ops.assert_equal(lengths[0], other) for other in lengths[1:]]
        with control_dependencies(checks):
            return identity_ops.identity(lengths[0])


def _scope_name(name: str) -> str:
    """A column name usable as a variable scope (TF's
    ``_sanitize_column_name_for_variable_scope``)."""
    return "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in name)


__all__ = ["DenseFeatures", "SequenceFeatures"]
