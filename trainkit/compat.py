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

from trainkit.platform.text_compat import as_bytes, as_str, as_text, path_to_str

v1 = sys.modules["trainkit"]

__all__ = ["v1", "as_bytes", "as_text", "as_str", "path_to_str"]
