"""``tensorflow.contrib.learn.python.learn.datasets.base``."""

from trainkit.contrib.learn.datasets.base import Datasets, maybe_download

__all__ = ["Datasets", "maybe_download"]
