"""``trainkit.data``: in-graph input pipelines (``tf.compat.v1.data``) and bundled data."""

from typing import Any

from trainkit.data import experimental
from trainkit.data.dataset import Dataset
from trainkit.data.dataset_ops import AUTOTUNE
from trainkit.data.experimental import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from trainkit.data.file_datasets import (
    FixedLengthRecordDataset,
    TextLineDataset,
    TFRecordDataset,
)
from trainkit.data.iterator import Iterator
from trainkit.data.options import Options, ThreadingOptions


def _structure_of(dataset_or_iterator: Any, what: str) -> Any:
    if not isinstance(dataset_or_iterator, Dataset | Iterator):
        raise TypeError(f"Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a "
                        f"`tf.data.Dataset` or tf.data.Iterator object, but got "
                        f"{type(dataset_or_iterator)}.")
    return getattr(dataset_or_iterator, what)


def get_output_shapes(dataset_or_iterator: Any) -> Any:
    """The ``TensorShape`` of each element component (``tf.compat.v1.data.get_output_shapes``).

    Raises:
        TypeError: if the argument is neither a ``Dataset`` nor an ``Iterator``.
    """
    return _structure_of(dataset_or_iterator, "output_shapes")


def get_output_types(dataset_or_iterator: Any) -> Any:
    """The ``DType`` of each element component (``tf.compat.v1.data.get_output_types``).

    Raises:
        TypeError: if the argument is neither a ``Dataset`` nor an ``Iterator``.
    """
    return _structure_of(dataset_or_iterator, "output_types")


def get_output_classes(dataset_or_iterator: Any) -> Any:
    """The class of each element component (``tf.compat.v1.data.get_output_classes``).

    Raises:
        TypeError: if the argument is neither a ``Dataset`` nor an ``Iterator``.
    """
    return _structure_of(dataset_or_iterator, "output_classes")


def make_one_shot_iterator(dataset: Dataset) -> Iterator:
    """``tf.compat.v1.data.make_one_shot_iterator(dataset)``."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset: Dataset) -> Iterator:
    """``tf.compat.v1.data.make_initializable_iterator(dataset)``."""
    return dataset.make_initializable_iterator()


__all__ = ["Dataset", "Iterator", "Options", "experimental", "make_one_shot_iterator",
           "make_initializable_iterator", "get_output_shapes", "get_output_types",
           "get_output_classes",
           "TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset", "AUTOTUNE",
           "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "ThreadingOptions"]
