"""``tk.contrib``: the ``tf.contrib`` modules whose names TF1 code commonly uses
(``layers``, ``slim``, ``cudnn_rnn``, ``framework``, ``metrics``, ``opt``, ``image`` and ``losses``
included)."""

from __future__ import annotations

from trainkit.contrib import (
    crf,
    cudnn_rnn,
    data,
    distributions,
    framework,
    image,
    keras,
    layers,
    learn,
    legacy_seq2seq,
    lookup,
    losses,
    metrics,
    opt,
    predictor,
    rnn,
    seq2seq,
    signal,
    slim,
    stateless,
    tensorboard,
    training,
    util,
)

__all__ = ["rnn", "seq2seq", "legacy_seq2seq", "lookup", "signal", "stateless", "layers",
           "slim", "framework", "metrics", "training", "data", "crf", "learn", "tensorboard",
           "opt", "image", "losses", "distributions", "keras", "util", "predictor",
           "cudnn_rnn"]
