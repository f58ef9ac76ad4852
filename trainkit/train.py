"""``trainkit.train``: sessions, hooks, optimizers, checkpoints (``tf.compat.v1.train``).

A thin façade: every name is defined in ``trainkit.training``, ``trainkit.hooks`` or
``trainkit.summary`` and only re-exported here.
"""

from __future__ import annotations

from trainkit.summary.event_reader import summary_iterator  # noqa: F401
