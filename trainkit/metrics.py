"""``trainkit.metrics``: streaming metrics (``tf.compat.v1.metrics``).

Example:
    >>> acc, update = tk.metrics.accuracy(labels, predictions)
"""

from __future__ import annotations

from trainkit.ops.metrics_impl import accuracy, mean
