"""``tf.feature_column.input_layer`` and ``linear_model``: feature columns to a dense
input tensor or to a linear model's logits, with TF1's variable names
(``input_layer/<col>_embedding/embedding_weights``, ``linear_model/<col>/weights``,
``linear_model/bias_weights``).

Example:
    >>> net = input_layer(features, [numeric_column("x"), embedding_column(city, 4)])
    >>> logits = linear_model(features, [numeric_column("x"), city], units=3)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trainkit.feature_column.columns import (
    FeatureCache,
    combine_embeddings,
    id_weights,
)
from trainkit.feature_column.state import ScopeVariables
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    init_ops,
    join_ops,
    math_ops,
    matmul_ops,
    shape_ops,
    variable_scope,
)


def _is_dense(column: Any) -> bool:
    return hasattr(column, "dense") and hasattr(column, "variable_shape")


def _is_categorical(column: Any) -> bool:
    return hasattr(column, "ids") and hasattr(column, "num_buckets")


def sorted_columns(feature_columns: Any) -> list:
    """``feature_columns`` (one column or an iterable) as a list in name order, the order
    in which every layer concatenates or sums them (TF's
    ``_normalize_feature_columns``).

    Raises:
        ValueError: no columns, or two columns of one name.
    """
    if feature_columns is None or (hasattr(feature_columns, "__len__")
                                   and len(feature_columns) == 0):
        raise ValueError("feature_columns must not be empty.")
    if _is_dense(feature_columns) or _is_categorical(feature_columns):
        feature_columns = [feature_columns]
    columns = list(feature_columns)
    names = [getattr(c, "name", repr(c)) for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"Duplicate feature column name found for columns: {dupes}.")
    return sorted(columns, key=lambda c: getattr(c, "name", repr(c)))


def dense_columns(feature_columns: Any) -> list:
    """:func:`sorted_columns`, each checked to be a dense column.

    Raises:
        ValueError: as :func:`sorted_columns`, or a column that is not dense (a
            categorical column not wrapped in ``indicator_column``/``embedding_column``,
            or something that is no feature column).
    """
    columns = sorted_columns(feature_columns)
    for column in columns:
        if not _is_dense(column):
            raise ValueError(f"Items of feature_columns must be a _DenseColumn. You can wrap "
                             f"a categorical column with an embedding_column or "
                             f"indicator_column. Given: {column}")
    return columns


def _collections(weight_collections: Any) -> list[str]:
    out = list(weight_collections or [])
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
        if key not in out:
            out.append(key)
    return out


def input_layer(features: dict, feature_columns: Sequence[Any],
                weight_collections: Any = None, trainable: bool = True,
                cols_to_vars: dict | None = None,
                cols_to_output_tensors: dict | None = None) -> Tensor:
    """The dense columns' tensors, each ``[batch, d]``, concatenated in name order.

    Args:
        features: feature name -> tensor.
        feature_columns: dense columns (numeric, bucketized, indicator, embedding).
        weight_collections: extra collections for created variables.
        trainable: whether embedding tables are trainable.
        cols_to_vars: if a dict, filled with column -> list of its variables.
        cols_to_output_tensors: if a dict, filled with column -> its output tensor.

    Raises:
        ValueError: no columns, a categorical column not wrapped in ``indicator_column``
            or ``embedding_column``, duplicate names, or a missing feature.
    """
    columns = dense_columns(feature_columns)
    cache = FeatureCache(features)
    outputs = []
    with variable_scope.variable_scope(None, default_name="input_layer") as outer:
        state = ScopeVariables(outer, trainable, _collections(weight_collections))
        for column in columns:
            with variable_scope.variable_scope(None, default_name=column.name):
                out = shape_ops.reshape(column.dense(cache, state),
                                        [-1, column.variable_shape])
                outputs.append(out)
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = out
        if cols_to_vars is not None:
            _record_vars(cols_to_vars, columns, "input_layer/")
        return join_ops.concat(outputs, 1)


def _record_vars(cols_to_vars: dict, columns: list, prefix: str) -> None:
    from trainkit.ops import state_ops

    for column in columns:
        scope = f"{prefix}{column.name}/"
        cols_to_vars[column] = [v for v in state_ops.global_variables()
                                if v.op.name.startswith(scope)]


def linear_model(features: dict, feature_columns: Sequence[Any], units: int = 1,
                 sparse_combiner: str = "sum", weight_collections: Any = None,
                 trainable: bool = True, cols_to_vars: dict | None = None) -> Tensor:
    """``[batch, units]`` logits: the sum over columns of ``dense @ weights`` (dense
    columns) or of the weights rows picked by the ids (categorical columns, combined
    by ``sparse_combiner``), plus ``bias_weights``. All weights start at zero.

    Raises:
        ValueError: no columns, duplicates, an unknown combiner, or a column that is
            neither dense nor categorical.
    """
    if sparse_combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"sparse_combiner must be one of 'sum', 'mean', 'sqrtn', got "
                         f"{sparse_combiner!r}.")
    columns = sorted_columns(feature_columns)
    cache = FeatureCache(features)
    collections = _collections(weight_collections)
    state = ScopeVariables(None, trainable, collections)
    zeros = init_ops.zeros_initializer()
    sums = []
    with variable_scope.variable_scope(None, default_name="linear_model"):
        for column in columns:
            with variable_scope.variable_scope(None, default_name=column.name):
                if _is_categorical(column):
                    w = variable_scope.get_variable(
                        "weights", [column.num_buckets, units], dtype=_dt.float32,
                        initializer=zeros, trainable=trainable, collections=collections)
                    sums.append(combine_embeddings(w, column.ids(cache), sparse_combiner,
                                                   id_weights(column, cache)))
                elif _is_dense(column):
                    dense = shape_ops.reshape(column.dense(cache, state),
                                              [-1, column.variable_shape])
                    w = variable_scope.get_variable(
                        "weights", [column.variable_shape, units], dtype=_dt.float32,
                        initializer=zeros, trainable=trainable, collections=collections)
                    sums.append(matmul_ops.matmul(dense, w))
                else:
                    raise ValueError(f"Items of feature_columns must be either a "
                                     f"_DenseColumn or _CategoricalColumn. Given: {column}")
        bias = variable_scope.get_variable("bias_weights", [units], dtype=_dt.float32,
                                           initializer=zeros, trainable=trainable,
                                           collections=collections)
        logits = math_ops.add_n(sums) + bias if len(sums) > 1 else sums[0] + bias
        if cols_to_vars is not None:
            _record_vars(cols_to_vars, columns, "linear_model/")
            cols_to_vars["bias"] = [bias]
        return logits


__all__ = ["input_layer", "linear_model", "sorted_columns", "dense_columns"]
