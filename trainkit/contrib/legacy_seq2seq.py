"""``tk.contrib.legacy_seq2seq``: the sequence losses of TF1's
``tf.contrib.legacy_seq2seq`` (lists of per-step tensors)."""

from __future__ import annotations

from trainkit.ops.seq2seq_losses import legacy_sequence_loss as sequence_loss
from trainkit.ops.seq2seq_losses import sequence_loss_by_example

__all__ = ["sequence_loss", "sequence_loss_by_example"]
