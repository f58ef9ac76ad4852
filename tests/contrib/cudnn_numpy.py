"""A NumPy reference of cuDNN's RNNs, written from cuDNN's documented equations
(``cudnnRNNMode_t``) and TF 1.15's canonical parameter layout, for the
``tk.contrib.cudnn_rnn`` tests. Imports nothing of trainkit.

Canonical parameters per layer and direction (forward first): ``2 G`` matrices
``[units, width]`` (``0 .. G-1`` on the input, ``G .. 2G-1`` on the recurrent state) and
``2 G`` bias vectors; gate order LSTM ``i, f, c, o``, GRU ``r, z, h``. The opaque buffer
is every matrix flattened row-major, then every bias.
"""

from __future__ import annotations

import numpy as np

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def random_canonical(rng, mode, num_layers, units, input_size, dirs, scale=0.5):
    """Random canonical ``(weights, biases)`` lists in canonical order."""
    g = GATES[mode]
    weights, biases = [], []
    for layer in range(num_layers):
        width = input_size if layer == 0 else units * dirs
        for _ in range(dirs):
            weights += [rng.uniform(-scale, scale, (units, width)) for _ in range(g)]
            weights += [rng.uniform(-scale, scale, (units, units)) for _ in range(g)]
            biases += [rng.uniform(-scale, scale, units) for _ in range(2 * g)]
    return weights, biases


def opaque(weights, biases):
    return np.concatenate([w.ravel() for w in weights] + list(biases))


def _step(mode, W, R, bW, bR, x, h, c):
    """One step of cuDNN's equations (``W[k] x + R[k] h + bW[k] + bR[k]`` per gate)."""
    if mode == "lstm":
        pre = [x @ W[k].T + bW[k] + h @ R[k].T + bR[k] for k in range(4)]
        i, f, o = sigmoid(pre[0]), sigmoid(pre[1]), sigmoid(pre[3])
        c_new = f * c + i * np.tanh(pre[2])
        return o * np.tanh(c_new), c_new
    if mode == "gru":
        r = sigmoid(x @ W[0].T + bW[0] + h @ R[0].T + bR[0])
        z = sigmoid(x @ W[1].T + bW[1] + h @ R[1].T + bR[1])
        cand = np.tanh(x @ W[2].T + bW[2] + r * (h @ R[2].T + bR[2]))
        return (1 - z) * cand + z * h, c
    pre = x @ W[0].T + bW[0] + h @ R[0].T + bR[0]
    return (np.tanh(pre) if mode == "rnn_tanh" else np.maximum(pre, 0)), c


def run(mode, weights, biases, x, h0, c0=None, num_layers=1, dirs=1, lengths=None):
    """cuDNN's RNN over time-major ``x [T, B, D]``: ``(outputs, h_n, c_n)``; rows past
    their ``lengths`` output zeros and keep their last state."""
    g = GATES[mode]
    T, B = x.shape[:2]
    lengths = np.full(B, T) if lengths is None else np.asarray(lengths)
    c0 = np.zeros_like(h0) if c0 is None else c0
    hn, cn = np.zeros_like(h0), np.zeros_like(c0)
    inp = x
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            W = weights[2 * g * k:2 * g * k + g]
            R = weights[2 * g * k + g:2 * g * (k + 1)]
            bW = biases[2 * g * k:2 * g * k + g]
            bR = biases[2 * g * k + g:2 * g * (k + 1)]
            out = np.zeros((T, B, h0.shape[2]))
            for b in range(B):
                h, c = h0[k, b:b + 1], c0[k, b:b + 1]
                steps = range(lengths[b]) if d == 0 else reversed(range(lengths[b]))
                for t in steps:
                    h, c = _step(mode, W, R, bW, bR, inp[t, b:b + 1], h, c)
                    out[t, b] = h[0]
                hn[k, b], cn[k, b] = h[0], c[0]
            outs.append(out)
        inp = np.concatenate(outs, axis=2)
    return inp, hn, cn
