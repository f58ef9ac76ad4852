"""``tensorflow.contrib.learn.python.learn.datasets``: the very modules of
``trainkit.contrib.learn.datasets`` (``base``, ``mnist``), registered under this path
too, so ``from ...python.learn.datasets.mnist import read_data_sets`` works."""

import sys

from trainkit.contrib.learn.datasets import base, mnist

sys.modules[f"{__name__}.base"] = base
sys.modules[f"{__name__}.mnist"] = mnist

__all__ = ["base", "mnist"]
