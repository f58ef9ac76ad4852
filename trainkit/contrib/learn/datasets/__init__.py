"""``tf.contrib.learn.datasets``: the tutorials' MNIST reader (``mnist.read_data_sets``,
``base.Datasets``, ``base.maybe_download``); see :mod:`trainkit.data.mnist_data`."""

from trainkit.contrib.learn.datasets import base, mnist

__all__ = ["base", "mnist"]
