"""``tk.contrib.seq2seq``: ``sequence_loss`` (TF1's ``tf.contrib.seq2seq.sequence_loss``)."""

from __future__ import annotations

from trainkit.ops.seq2seq_losses import sequence_loss

__all__ = ["sequence_loss"]
