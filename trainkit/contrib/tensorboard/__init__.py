"""``tk.contrib.tensorboard``: TF1's ``tf.contrib.tensorboard.plugins`` (the embedding
projector's config)."""

from __future__ import annotations

from trainkit.contrib.tensorboard import plugins

__all__ = ["plugins"]
