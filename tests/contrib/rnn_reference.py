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


def highway(x, out, p, coupled=True):
    carry = sigmoid(x @ p["carry_w"] + p["carry_b"])
    transform = 1 - carry if coupled else sigmoid(x @ p["transform_w"] + p["transform_b"])
    return x * carry + out * transform


def softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def attention_wrapper(cell_step, x, state, p, attn_length):
    """``AttentionCellWrapper`` around ``cell_step`` with the tuple state."""
    cell_state, attns, flat = state
    n_attn = attns.shape[1]
    window = flat.reshape(-1, attn_length, n_attn)
    cell_out, new_cs = cell_step(np.concatenate([x, attns], 1) @ p["kernel"] + p["bias"],
                                 cell_state)
    query = np.concatenate(list(new_cs) if isinstance(new_cs, tuple) else [new_cs], 1)
    features = window @ p["attention/attn_w"][0, 0]                    # [B, L, V]
    y = query @ p["attention/kernel"] + p["attention/bias"]            # [B, V]
    score = (p["attention/attn_v"] * np.tanh(features + y[:, None])).sum(-1)
    a = softmax(score)
    new_attns = (a[:, :, None] * window).sum(1)
    output = (np.concatenate([cell_out, new_attns], 1) @ p["attn_output_projection/kernel"]
              + p["attn_output_projection/bias"])
    new_window = np.concatenate([window[:, 1:], output[:, None]], 1)
    return output, (new_cs, new_attns, new_window.reshape(len(x), -1))


def ugrnn(x, h, p, forget_bias=1.0):
    n = h.shape[1]
    z = np.concatenate([x, h], 1) @ p["kernel"] + p["bias"]
    g = sigmoid(z[:, :n] + forget_bias)
    new = g * h + (1 - g) * np.tanh(z[:, n:])
    return new, new


def sru(x, c, p):
    n = c.shape[1]
    u = x @ p["kernel"]
    x_bar, f, r, x_tx = (u[:, k * n:(k + 1) * n] for k in range(4))
    fr = sigmoid(np.concatenate([f, r], 1) + p["bias"])
    f, r = fr[:, :n], fr[:, n:]
    new_c = f * c + (1 - f) * x_bar
    return r * np.tanh(new_c) + (1 - r) * x_tx, new_c


def indrnn(x, h, p):
    out = np.maximum(x @ p["kernel_w"] + h * p["kernel_u"] + p["bias"], 0)
    return out, out


def nas(x, state, p, use_biases=False):
    c, m = state
    n = c.shape[1]
    mm = m @ p["recurrent_kernel"] + (p["bias"] if use_biases else 0)
    xm = x @ p["kernel"]
    ms = [mm[:, k * n:(k + 1) * n] for k in range(8)]
    xs = [xm[:, k * n:(k + 1) * n] for k in range(8)]
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    a = [sigmoid(xs[0] + ms[0]), relu(xs[1] + ms[1]), sigmoid(xs[2] + ms[2]),
         relu(xs[3] * ms[3]), np.tanh(xs[4] + ms[4]), sigmoid(xs[5] + ms[5]),
         np.tanh(xs[6] + ms[6]), sigmoid(xs[7] + ms[7])]
    b0 = np.tanh(np.tanh(a[0] * a[1]) + c)
    b1 = np.tanh(a[2] + a[3])
    b2 = np.tanh(a[4] * a[5])
    b3 = sigmoid(a[6] + a[7])
    new_c = b0 * b1
    new_m = np.tanh(new_c * np.tanh(b2 + b3))
    if "projection_weights" in p:
        new_m = new_m @ p["projection_weights"]
    return new_m, (new_c, new_m)


def cifg(x, state, p, forget_bias=1.0, peep=False, ln=False, proj_clip=None):
    c, m = state
    n = c.shape[1]
    w = np.concatenate([p[k] for k in sorted(k for k in p if k.startswith("W_")
                                             and k[2:].isdigit())], 0)
    z = np.concatenate([x, m], 1) @ w
    if not ln:
        z = z + p["B"]
    j, f, o = (z[:, k * n:(k + 1) * n] for k in range(3))
    if ln:
        j, f, o = (layer_norm(v, p[f"{s}/gamma"], p[f"{s}/beta"])
                   for v, s in zip((j, f, o), ("transform", "forget", "output")))
    f_act = sigmoid(f + forget_bias + (p["W_F_diag"] * c if peep else 0))
    new_c = f_act * c + (1 - f_act) * np.tanh(j)
    if ln:
        new_c = layer_norm(new_c, p["state/gamma"], p["state/beta"])
    new_m = sigmoid(o + (p["W_O_diag"] * new_c if peep else 0)) * np.tanh(new_c)
    if "W_P_0" in p:
        new_m = new_m @ p["W_P_0"]
        if proj_clip is not None:
            new_m = np.clip(new_m, -proj_clip, proj_clip)
    return new_m, (new_c, new_m)


def conv2d_same(x, k):
    """Stride-1 ``SAME`` 2-D convolution ``[B, H, W, C] * [kh, kw, C, F]`` (TF padding:
    the smaller half before)."""
    kh, kw = k.shape[:2]
    ph, pw = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((0, 0), (ph, kh - 1 - ph), (pw, kw - 1 - pw), (0, 0)))
    h, w = x.shape[1:3]
    out = np.zeros(x.shape[:3] + (k.shape[3],))
    for a in range(kh):
        for b in range(kw):
            out += xp[:, a:a + h, b:b + w] @ k[a, b]
    return out


def conv_lstm2d(x, state, p, forget_bias=1.0):
    c, h = state
    z = conv2d_same(np.concatenate([x, h], -1), p["kernel"]) + p["biases"]
    i, j, f, o = np.split(z, 4, axis=-1)
    new_c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    out = np.tanh(new_c) * sigmoid(o)
    return out, (new_c, out)
