"""``trainkit.app`` (``tf.app``): ``run`` and ``flags``. Re-exports only."""

from __future__ import annotations

from trainkit import flags
from trainkit.platform.app import run

__all__ = ["run", "flags"]
