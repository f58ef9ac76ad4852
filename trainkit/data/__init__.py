"""``trainkit.data``: in-graph input pipelines (``tf.compat.v1.data``) and bundled data."""

from trainkit.data import experimental
from trainkit.data.dataset import Dataset
from trainkit.data.dataset_ops import AUTOTUNE
from trainkit.data.file_datasets import (
    FixedLengthRecordDataset,
    TextLineDataset,
    TFRecordDataset,
)
from trainkit.data.iterator import Iterator
from trainkit.data.options import Options


def make_one_shot_iterator(dataset: Dataset) -> Iterator:
    """``tf.compat.v1.data.make_one_shot_iterator(dataset)``."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset: Dataset) -> Iterator:
    """``tf.compat.v1.data.make_initializable_iterator(dataset)``."""
    return dataset.make_initializable_iterator()


__all__ = ["Dataset", "Iterator", "Options", "experimental", "make_one_shot_iterator",
           "make_initializable_iterator",
           "TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset", "AUTOTUNE"]
