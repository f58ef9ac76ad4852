"""``tensorflow.examples.tutorials.mnist.input_data``: ``read_data_sets`` and the rest of
TF1's MNIST reader (:mod:`trainkit.data.mnist_data`), as the tutorials import it."""

from trainkit.data.mnist_data import (
    DEFAULT_SOURCE_URL,
    DataSet,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    read_data_sets,
)

__all__ = ["DEFAULT_SOURCE_URL", "DataSet", "dense_to_one_hot", "extract_images",
           "extract_labels", "read_data_sets"]
