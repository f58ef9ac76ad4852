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


def log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def gather_tree(ids, parents, lengths, end):
    """Back-tracks [T, B, K] step ids through the parents; end_token after the first one."""
    t_max, batch, beam = ids.shape
    out = np.full(ids.shape, end, np.int32)
    for b in range(batch):
        n = min(t_max, lengths[b])
        for k in range(beam):
            p = k
            for t in range(n - 1, -1, -1):
                out[t, b, k] = ids[t, b, p]
                p = parents[t, b, p]
            seen = False
            for t in range(n):
                if seen:
                    out[t, b, k] = end
                seen = seen or out[t, b, k] == end
    return out


def beam_search(step, state, emb, start, end, beam, max_iter, length_penalty=0.0):
    """TF 1.15's beam search re-derived by hand: ``step(inputs [B*K, D], state [B*K, H])
    -> (logits [B*K, V], state)``. Returns per-step scores/ids/parents [T, B, K], the
    gathered ids [T, B, K], the final lengths [B, K] and the final state [B, K, H]."""
    batch = len(start)
    log_probs = np.full((batch, beam), -np.inf)
    log_probs[:, 0] = 0.0
    finished = np.zeros((batch, beam), bool)
    lengths = np.zeros((batch, beam), np.int64)
    inputs = np.repeat(emb[start][:, None], beam, 1)
    state = state.reshape(batch, beam, -1)
    rows = np.arange(batch)[:, None]
    scores_t, ids_t, parents_t = [], [], []
    for _ in range(max_iter):
        if finished.all():
            break
        logits, new_state = step(inputs.reshape(batch * beam, -1),
                                 state.reshape(batch * beam, -1))
        vocab = logits.shape[-1]
        slp = log_softmax(logits).reshape(batch, beam, vocab)
        eos_row = np.full(vocab, np.finfo(np.float32).min)
        eos_row[end] = 0.0
        slp = np.where(finished[:, :, None], eos_row, slp)
        total = log_probs[:, :, None] + slp
        add = (np.arange(vocab) != end)[None, None, :] & ~finished[:, :, None]
        new_len = lengths[:, :, None] + add
        scores = total / (((5.0 + new_len) / 6.0) ** length_penalty)
        flat = scores.reshape(batch, -1)
        idx = np.argsort(-flat, axis=1, kind="stable")[:, :beam]
        word, parent = idx % vocab, idx // vocab
        log_probs = total.reshape(batch, -1)[rows, idx]
        prev = finished[rows, parent]
        finished = prev | (word == end)
        lengths = lengths[rows, parent] + ~prev
        state = new_state.reshape(batch, beam, -1)[rows, parent]
        inputs = emb[word]
        scores_t.append(flat[rows, idx])
        ids_t.append(word)
        parents_t.append(parent)
    ids, parents = np.stack(ids_t), np.stack(parents_t)
    full = gather_tree(ids, parents, lengths.max(1), end)
    return np.stack(scores_t), ids, parents, full, lengths, state
