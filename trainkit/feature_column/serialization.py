"""Feature columns as plain configs and back (TF's ``serialize_feature_column`` /
``deserialize_feature_column``): ``{'class_name': 'NumericColumn', 'config': {...}}``
with nested columns, dtypes by name and initializers as ``{'class_name', 'config'}``;
what ``DenseFeatures.get_config`` holds.

Differs from TF: a config lists the fields trainkit's columns have (no
``ckpt_to_load_from``, ``max_norm``, ``use_safe_embedding_lookup``); a ``normalizer_fn``
is stored by its ``__name__`` and found again only through ``custom_objects``.

Example:
    >>> config = serialize_feature_column(numeric_column("age"))
    >>> deserialize_feature_column(config) == numeric_column("age")
    True
"""

from __future__ import annotations

import dataclasses
from typing import Any

from trainkit.feature_column.categorical import (
    HashedCategoricalColumn,
    IdentityCategoricalColumn,
    VocabularyListCategoricalColumn,
)
from trainkit.feature_column.columns import (
    BucketizedColumn,
    EmbeddingColumn,
    IndicatorColumn,
    NumericColumn,
)
from trainkit.feature_column.crossed import CrossedColumn
from trainkit.feature_column.sequence import SequenceCategoricalColumn, SequenceNumericColumn
from trainkit.feature_column.weighted_shared import (
    SharedEmbeddingColumn,
    WeightedCategoricalColumn,
)
from trainkit.framework import dtypes as _dt
from trainkit.ops import init_ops

COLUMN_CLASSES = {cls.__name__: cls for cls in (
    NumericColumn, BucketizedColumn, IndicatorColumn, EmbeddingColumn,
    IdentityCategoricalColumn, VocabularyListCategoricalColumn, HashedCategoricalColumn,
    CrossedColumn, WeightedCategoricalColumn, SharedEmbeddingColumn, SequenceNumericColumn,
    SequenceCategoricalColumn)}


def serialize_feature_column(column: Any) -> Any:
    """``column`` as ``{'class_name': ..., 'config': {...}}`` (a crossed column's string
    keys stay strings).

    Raises:
        ValueError: for something that is not one of trainkit's feature columns.
    """
    if isinstance(column, str):
        return column
    name = type(column).__name__
    if COLUMN_CLASSES.get(name) is not type(column):
        raise ValueError(f"Instance: {column!r} is not a FeatureColumn")
    return {"class_name": name,
            "config": {f.name: _to_config(getattr(column, f.name))
                       for f in dataclasses.fields(column)}}


def _to_config(value: Any) -> Any:
    if type(value).__name__ in COLUMN_CLASSES:
        return serialize_feature_column(value)
    if isinstance(value, tuple):
        return tuple(_to_config(v) for v in value)
    if isinstance(value, _dt.DType):
        return value.name
    if isinstance(value, init_ops.Initializer):
        return {"class_name": type(value).__name__, "config": value.get_config()}
    if callable(value):
        return getattr(value, "__name__", repr(value))
    return value


def deserialize_feature_column(config: Any, custom_objects: dict | None = None) -> Any:
    """The column ``config`` describes (see :func:`serialize_feature_column`).

    Raises:
        ValueError: an unknown class name, a malformed config, or a ``normalizer_fn``
            name missing from ``custom_objects``.
    """
    if isinstance(config, str):
        return config
    if not isinstance(config, dict) or set(config) != {"class_name", "config"}:
        raise ValueError(f"Improper config format for {config!r}. Expecting python dict "
                         "contains `class_name` and `config` as keys")
    cls = COLUMN_CLASSES.get(config["class_name"])
    if cls is None:
        raise ValueError(f"Unknown feature column class: {config['class_name']!r}; "
                         f"expected one of {sorted(COLUMN_CLASSES)}")
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(config["config"]) - fields)
    if unknown:
        raise ValueError(f"{config['class_name']} config: unknown keys {unknown}")
    kwargs = {k: _from_config(k, v, custom_objects or {})
              for k, v in config["config"].items()}
    return cls(**kwargs)


def _from_config(field: str, value: Any, custom_objects: dict) -> Any:
    if isinstance(value, dict) and set(value) == {"class_name", "config"}:
        if value["class_name"] in COLUMN_CLASSES:
            return deserialize_feature_column(value, custom_objects)
        init = getattr(init_ops, value["class_name"], None)
        if not (isinstance(init, type) and issubclass(init, init_ops.Initializer)):
            raise ValueError(f"Unknown initializer {value['class_name']!r} in a feature "
                             "column config.")
        return init(**value["config"])
    if field == "dtype" and value is not None:
        return _dt.as_dtype(value)
    if field == "normalizer_fn" and value is not None:
        if value not in custom_objects:
            raise ValueError(f"normalizer_fn {value!r} is not in custom_objects; pass "
                             f"custom_objects={{{value!r}: fn}}.")
        return custom_objects[value]
    if isinstance(value, list | tuple):
        return tuple(_from_config(field, v, custom_objects) for v in value)
    return value


__all__ = ["serialize_feature_column", "deserialize_feature_column", "COLUMN_CLASSES"]
