"""``tk.contrib.tensorboard.plugins``: ``projector``."""

from __future__ import annotations

from trainkit.contrib.tensorboard.plugins import projector

__all__ = ["projector"]
