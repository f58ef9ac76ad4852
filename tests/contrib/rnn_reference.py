"""NumPy references of TF 1.15's ``tf.contrib.rnn`` equations (tests only), written from
the equations in ``tensorflow/contrib/rnn/python/ops/{rnn_cell,lstm_ops,gru_ops,rnn}.py``
and the ``LSTMBlockCell`` / ``GRUBlockCell`` kernel docs."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def layer_norm(v, gamma, beta, eps=1e-12):
    """contrib ``layer_norm`` over the last axis (``nn.batch_normalization``'s form)."""
    mean = v.mean(-1, keepdims=True)
    var = ((v - mean) ** 2).mean(-1, keepdims=True)
    inv = gamma / np.sqrt(var + eps)
    return v * inv + (beta - mean * inv)


def layer_norm_lstm(x, state, p, forget_bias=1.0, use_ln=True):
    """``LayerNormBasicLSTMCell`` without dropout; ``p`` maps TF's variable names."""
    c, h = state
    n = c.shape[1]
    z = np.concatenate([x, h], 1) @ p["kernel"]
    if not use_ln:
        z = z + p["bias"]
    gates = [z[:, k * n:(k + 1) * n] for k in range(4)]
    if use_ln:
        gates = [layer_norm(g, p[f"{s}/gamma"], p[f"{s}/beta"])
                 for g, s in zip(gates, ("input", "transform", "forget", "output"))]
    i, j, f, o = gates
    new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
    if use_ln:
        new_c = layer_norm(new_c, p["state/gamma"], p["state/beta"])
    new_h = np.tanh(new_c) * sigmoid(o)
    return new_h, (new_c, new_h)


def lstm_block(x, state, p, forget_bias=1.0, cell_clip=None, peephole=False):
    """The ``LSTMBlockCell`` kernel: ``[i, ci, f, o] = xh @ w + b`` and TF's clip rule
    (only a ``cell_clip > 0`` clips)."""
    cs_prev, h_prev = state
    n = cs_prev.shape[1]
    z = np.concatenate([x, h_prev], 1) @ p["kernel"] + p["bias"]
    i, ci, f, o = (z[:, k * n:(k + 1) * n] for k in range(4))
    zero = np.zeros(n)
    wci, wcf, wco = ((p["w_i_diag"], p["w_f_diag"], p["w_o_diag"]) if peephole
                     else (zero, zero, zero))
    i = sigmoid(cs_prev * wci + i)
    f = sigmoid(cs_prev * wcf + f + forget_bias)
    cs = np.tanh(ci) * i + cs_prev * f
    if cell_clip is not None and cell_clip > 0:
        cs = np.clip(cs, -cell_clip, cell_clip)
    o = sigmoid(cs * wco + o)
    h = np.tanh(cs) * o
    return h, (cs, h)


def gru_block(x, h_prev, w_ru, b_ru, w_c, b_c):
    """The ``GRUBlockCell`` kernel (``w_ru`` the gate kernel, ``w_c`` the candidate's)."""
    n = h_prev.shape[1]
    ru = sigmoid(np.concatenate([x, h_prev], 1) @ w_ru + b_ru)
    r, u = ru[:, :n], ru[:, n:]
    c = np.tanh(np.concatenate([x, h_prev * r], 1) @ w_c + b_c)
    h = (1 - u) * c + u * h_prev
    return h, h


def unroll(step, xs, state, lengths=None):
    """TF1's rnn semantics over batch-major ``xs [B, T, D]``: past a row's length its
    output is zero and its state is carried. Returns ``(outputs [B, T, ...], state)``."""
    b, t = xs.shape[:2]
    lengths = np.full(b, t) if lengths is None else np.asarray(lengths)
    outs = []
    for k in range(t):
        out, new = step(xs[:, k], state)
        live = (k < lengths)[:, None]
        outs.append(np.where(live, out, 0.0))
        state = _tree_where(live, new, state)
    return np.stack(outs, 1), state


def _tree_where(live, new, old):
    if isinstance(new, tuple):
        return tuple(_tree_where(live, a, b) for a, b in zip(new, old))
    return np.where(live, new, old)


def reverse_rows(xs, lengths):
    """Each row's first ``length`` steps reversed (``reverse_sequence``)."""
    out = xs.copy()
    for r, n in enumerate(lengths):
        out[r, :n] = xs[r, :n][::-1]
    return out


def bidirectional(step_fw, step_bw, xs, state_fw, state_bw, lengths):
    """``bidirectional_dynamic_rnn``: ``(concat(out_fw, out_bw), state_fw, state_bw)``."""
    out_fw, st_fw = unroll(step_fw, xs, state_fw, lengths)
    tmp, st_bw = unroll(step_bw, reverse_rows(xs, lengths), state_bw, lengths)
    return np.concatenate([out_fw, reverse_rows(tmp, lengths)], 2), st_fw, st_bw
