"""``tensorflow.contrib.learn.python.learn.datasets``: the same modules as
``trainkit.contrib.learn.datasets``."""

from trainkit.contrib.learn.datasets import base, mnist

__all__ = ["base", "mnist"]
