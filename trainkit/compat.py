"""``tk.compat``: the ``tf.compat.v1`` spelling. trainkit's public API *is* TF1's, so
``tk.compat.v1`` is the ``trainkit`` module itself (``tk.compat.v1.estimator``,
``tk.compat.v1.train`` ... are ``tk.estimator``, ``tk.train`` ...).

Example:
    >>> import trainkit as tf
    >>> tf.compat.v1.estimator.Estimator is tf.estimator.Estimator
    True
"""

from __future__ import annotations

import sys

v1 = sys.modules["trainkit"]

__all__ = ["v1"]
