"""``tk.contrib.learn``: the part of ``tf.contrib.learn`` TF1 programs still use,
``preprocessing.VocabularyProcessor``, the MNIST reader ``datasets.mnist`` and
``ModeKeys``."""

from trainkit.contrib.learn import datasets, preprocessing
from trainkit.contrib.learn.mode_keys import ModeKeys

__all__ = ["datasets", "preprocessing", "ModeKeys"]
