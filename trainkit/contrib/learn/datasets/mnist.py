"""``tf.contrib.learn.datasets.mnist``: TF1's MNIST reader (:mod:`trainkit.data.mnist_data`)."""

from trainkit.data.mnist_data import (
    DEFAULT_SOURCE_URL,
    DataSet,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    load_mnist,
    read_data_sets,
)

__all__ = ["DEFAULT_SOURCE_URL", "DataSet", "dense_to_one_hot", "extract_images",
           "extract_labels", "load_mnist", "read_data_sets"]
