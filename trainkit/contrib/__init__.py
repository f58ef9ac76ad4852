"""``tk.contrib``: the few ``tf.contrib`` modules whose names TF1 code commonly uses."""

from __future__ import annotations

from trainkit.contrib import rnn

__all__ = ["rnn"]
