"""``tf.estimator.inputs``: ``numpy_input_fn`` and ``pandas_input_fn``."""

from __future__ import annotations

from trainkit.estimator.numpy_io import numpy_input_fn, pandas_input_fn

__all__ = ["numpy_input_fn", "pandas_input_fn"]
