"""NumPy references for the tf.contrib.seq2seq tests: the cells, TF 1.15's attention
math (tensorflow/contrib/seq2seq/python/ops/attention_wrapper.py, re-derived by hand) and
the decode loops, written with plain loops over time."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def rnn_step(w, x, h):
    """BasicRNNCell: tanh([x, h] @ kernel + bias)."""
    h = np.tanh(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"])
    return h, h


def lstm_step(w, x, state):
    """BasicLSTMCell (forget_bias 1): gates i, j, f, o of [x, h] @ kernel + bias."""
    c, h = state
    z = np.concatenate([x, h], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = np.split(z, 4, axis=1)
    c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    return h, (c, h)


def masked_memory(memory, lengths):
    if lengths is None:
        return memory
    mask = np.arange(memory.shape[1])[None, :] < np.asarray(lengths)[:, None]
    return memory * mask[:, :, None]


def alignments(kind, w, keys, query, lengths):
    """Bahdanau (optionally normalized) or Luong (optionally scaled) alignments."""
    if kind.startswith("bahdanau"):
        v = w["attention_v"]
        pq = (query @ w["query_layer"])[:, None, :]
        if "attention_g" in w:
            v = w["attention_g"] * v / np.sqrt(np.sum(v * v))
            score = np.sum(v * np.tanh(keys + pq + w["attention_b"]), 2)
        else:
            score = np.sum(v * np.tanh(keys + pq), 2)
    else:
        score = np.einsum("bd,btd->bt", query, keys)
        if "attention_g" in w:
            score = w["attention_g"] * score
    if lengths is not None:
        mask = np.arange(keys.shape[1])[None, :] < np.asarray(lengths)[:, None]
        score = np.where(mask, score, -np.inf)
    return softmax(score)


def attention_decode(kind, w, memory, lengths, inputs, steps, output_attention=True,
                     attention_layer=True):
    """Teacher-forced AttentionWrapper(BasicLSTMCell) over ``inputs [B, T, D]`` for
    ``steps`` steps: per step outputs, the alignments and the final cell state."""
    values = masked_memory(memory, lengths)
    keys = values @ w["memory_layer"]
    b = memory.shape[0]
    units = w["kernel"].shape[1] // 4
    att_depth = w["attention_layer"].shape[1] if attention_layer else memory.shape[2]
    state = (np.zeros((b, units)), np.zeros((b, units)))
    attention = np.zeros((b, att_depth))
    outs, aligns = [], []
    for t in range(steps):
        cell_out, state = lstm_step(w, np.concatenate([inputs[:, t], attention], 1), state)
        a = alignments(kind, w, keys, cell_out, lengths)
        context = np.einsum("bt,btd->bd", a, values)
        attention = (np.concatenate([cell_out, context], 1) @ w["attention_layer"]
                     if attention_layer else context)
        outs.append(attention if output_attention else cell_out)
        aligns.append(a)
    return np.stack(outs, 1), np.stack(aligns, 0), state
