"""``tf.contrib.learn.datasets.base``: ``Datasets`` and ``maybe_download``."""

from trainkit.data.downloads import maybe_download
from trainkit.data.mnist_data import Datasets

__all__ = ["Datasets", "maybe_download"]
