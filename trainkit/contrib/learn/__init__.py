"""``tk.contrib.learn``: the part of ``tf.contrib.learn`` TF1 text programs still use,
``preprocessing.VocabularyProcessor``."""

from trainkit.contrib.learn import preprocessing

__all__ = ["preprocessing"]
