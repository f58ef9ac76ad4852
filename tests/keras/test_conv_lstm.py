"""``tk.keras.layers.ConvLSTM2D`` beyond the TF-recorded scenarios of
``rnn_scenarios.py`` (``conv_lstm``, ``conv_lstm_movies``): the cell's equations against
a NumPy step (same padding, default hard-sigmoid gates), the layer's attributes, and
the arguments trainkit rejects where tf_keras accepts them."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _np_conv_same(x, w):
    """``[N, H, W, C] * [3, 3, C, F]``, stride 1, SAME, as direct sums."""
    n, h, wd, _ = x.shape
    p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, h, wd, w.shape[3]))
    for i in range(3):
        for j in range(3):
            out += p[:, i:i + h, j:j + wd] @ w[i, j]
    return out


def _hard_sigmoid(v):
    return np.clip(0.2 * v + 0.5, 0.0, 1.0)


def test_two_steps_equal_the_numpy_equations():
    rng = np.random.RandomState(4)
    x = rng.randn(2, 2, 5, 4, 3)
    with tk.Graph().as_default():
        layer = tk.keras.layers.ConvLSTM2D(2, (3, 3), padding="same", return_state=True,
                                           dtype="float64")
        out, h, c = layer(tk.constant(x))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            k, rk, b = sess.run(layer.weights)
            got_h, got_c = sess.run([h, c])
    hh = np.zeros((2, 5, 4, 2))
    cc = np.zeros_like(hh)
    for t in range(2):
        z = _np_conv_same(x[:, t], k) + b + _np_conv_same(hh, rk)
        i, f, g, o = (z[..., 2 * q:2 * q + 2] for q in range(4))
        cc = _hard_sigmoid(f) * cc + _hard_sigmoid(i) * np.tanh(g)
        hh = _hard_sigmoid(o) * np.tanh(cc)
    np.testing.assert_allclose(got_h, hh, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_c, cc, rtol=1e-10, atol=1e-12)
    assert b[2:4].tolist() == [1.0, 1.0] and not b[:2].any()   # unit_forget_bias
    assert (layer.filters, layer.kernel_size, layer.padding) == (2, (3, 3), "same")


def test_rejected_arguments():
    L = tk.keras.layers
    with pytest.raises(ValueError, match="filters"):
        L.ConvLSTM2D(0, (3, 3))        # tf_keras accepts 0 and fails later
    with pytest.raises(ValueError, match="dropout"):
        L.ConvLSTM2D(2, (3, 3), dropout=2.0)
    with pytest.raises(ValueError, match="data_format"):
        L.ConvLSTM2D(2, (3, 3), data_format="channels_middle")
    with pytest.raises(NotImplementedError, match="stateful"):
        L.ConvLSTM2D(2, (3, 3), stateful=True)
