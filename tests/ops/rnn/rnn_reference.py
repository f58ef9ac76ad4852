"""Hand-written NumPy references of TF1's recurrent-cell equations (tests only)."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def basic_rnn(x, h, kernel, bias, act=np.tanh):
    out = act(np.concatenate([x, h], 1) @ kernel + bias)
    return out, out


def basic_lstm(x, c, h, kernel, bias, forget_bias=1.0, act=np.tanh):
    z = np.concatenate([x, h], 1) @ kernel + bias
    n = c.shape[1]
    i, j, f, o = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
    new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * act(j)
    new_h = act(new_c) * sigmoid(o)
    return new_h, (new_c, new_h)


def lstm(x, c, m, p, forget_bias=1.0, peepholes=False, cell_clip=None, proj_clip=None):
    z = np.concatenate([x, m], 1) @ p["kernel"] + p["bias"]
    n = c.shape[1]
    i, j, f, o = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
    if peepholes:
        new_c = (sigmoid(f + forget_bias + p["w_f_diag"] * c) * c
                 + sigmoid(i + p["w_i_diag"] * c) * np.tanh(j))
    else:
        new_c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    if cell_clip is not None:
        new_c = np.clip(new_c, -cell_clip, cell_clip)
    if peepholes:
        new_m = sigmoid(o + p["w_o_diag"] * new_c) * np.tanh(new_c)
    else:
        new_m = sigmoid(o) * np.tanh(new_c)
    if "projection/kernel" in p:
        new_m = new_m @ p["projection/kernel"]
        if proj_clip is not None:
            new_m = np.clip(new_m, -proj_clip, proj_clip)
    return new_m, (new_c, new_m)


def gru(x, h, p, act=np.tanh):
    n = h.shape[1]
    g = sigmoid(np.concatenate([x, h], 1) @ p["gates/kernel"] + p["gates/bias"])
    r, u = g[:, :n], g[:, n:]
    cand = act(np.concatenate([x, r * h], 1) @ p["candidate/kernel"] + p["candidate/bias"])
    new_h = u * h + (1 - u) * cand
    return new_h, new_h
