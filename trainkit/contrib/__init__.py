"""``tk.contrib``: the few ``tf.contrib`` modules whose names TF1 code commonly uses."""

from __future__ import annotations

from trainkit.contrib import legacy_seq2seq, lookup, metrics, rnn, seq2seq, signal, stateless

__all__ = ["rnn", "seq2seq", "legacy_seq2seq", "lookup", "signal", "stateless", "metrics"]
