"""``tk.keras.datasets``: ``mnist``, ``fashion_mnist`` and ``boston_housing``'s
``load_data`` (downloaded once into ``~/.keras/datasets``, hash-checked, as tf_keras
does). The loaders whose files are Python pickles (CIFAR-10/100) or object arrays
(IMDB, Reuters) are not provided: trainkit loads no pickle."""

from trainkit.keras.datasets import boston_housing, fashion_mnist, mnist

__all__ = ["boston_housing", "fashion_mnist", "mnist"]
