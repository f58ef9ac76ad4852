"""``trainkit.io`` (``tf.io``): file access and record formats. Re-exports only."""

from __future__ import annotations

from trainkit.platform import gfile
