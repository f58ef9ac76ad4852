"""``tk.contrib.legacy_seq2seq``: TF1's ``tf.contrib.legacy_seq2seq`` (lists of per-step
tensors): the RNN and attention encoder-decoder models, the sequence losses and
``model_with_buckets``."""

from __future__ import annotations

from trainkit.ops.rnn.legacy_attention import (
    attention_decoder,
    embedding_attention_decoder,
    embedding_attention_seq2seq,
)
from trainkit.ops.rnn.legacy_buckets import model_with_buckets
from trainkit.ops.rnn.legacy_seq2seq import (
    basic_rnn_seq2seq,
    embedding_rnn_decoder,
    embedding_rnn_seq2seq,
    rnn_decoder,
    tied_rnn_seq2seq,
)
from trainkit.ops.seq2seq_losses import legacy_sequence_loss as sequence_loss
from trainkit.ops.seq2seq_losses import sequence_loss_by_example

__all__ = ["sequence_loss", "sequence_loss_by_example", "rnn_decoder", "attention_decoder",
           "basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_decoder",
           "embedding_rnn_seq2seq", "embedding_attention_decoder",
           "embedding_attention_seq2seq", "model_with_buckets"]
