"""``tk.compat``: the ``tf.compat`` helpers and the ``tf.compat.v1`` spelling.

trainkit's public API *is* TF1's, so ``tk.compat.v1`` is the ``trainkit`` module itself
(``tk.compat.v1.estimator``, ``tk.compat.v1.train`` ... are ``tk.estimator``,
``tk.train`` ...). The text helpers (``as_bytes``, ``as_text``, ...), the shape helpers and
``forward_compatible`` are TF's. Re-exports only.

Example:
    >>> import trainkit as tf
    >>> tf.compat.v1.estimator.Estimator is tf.estimator.Estimator
    True
    >>> tf.compat.as_text(b"abc")
    'abc'
"""

from __future__ import annotations

import sys

from trainkit.framework.dimension import dimension_at_index, dimension_value
from trainkit.platform.compat_text import (
    as_bytes,
    as_str,
    as_str_any,
    as_text,
    bytes_or_text_types,
    complex_types,
    integral_types,
    path_to_str,
    real_types,
)
from trainkit.platform.forward_compat import forward_compatibility_horizon, forward_compatible

v1 = sys.modules["trainkit"]

__all__ = ["v1", "as_bytes", "as_str", "as_str_any", "as_text", "path_to_str",
           "bytes_or_text_types", "complex_types", "integral_types", "real_types",
           "dimension_at_index", "dimension_value", "forward_compatible",
           "forward_compatibility_horizon"]
