"""``tk.contrib.learn``: the part of ``tf.contrib.learn`` TF1 programs still use,
``preprocessing.VocabularyProcessor`` and the MNIST reader ``datasets.mnist``."""

from trainkit.contrib.learn import datasets, preprocessing

__all__ = ["datasets", "preprocessing"]
