"""``LocallyConnected1D/2D`` and ``Conv3DTranspose`` beyond the TF 2.21 scenarios of
``layers2_scenarios.py``: a NumPy oracle of the unshared convolution, the window indices,
run-time shapes, and the documented differences from TF (implementation 2/3, zero
strides, an unknown depth for Conv3DTranspose) with their typed errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.keras.locally_connected_layers import window_indices

L = tk.keras.layers


def _run(fetches, feed):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches, feed)


def _local2d_numpy(x, kernel, bias, k, s):
    """Unshared 2-D convolution, channels_last, written out position by position."""
    n, rows, cols, _ = x.shape
    out_r, out_c = (rows - k[0]) // s[0] + 1, (cols - k[1]) // s[1] + 1
    y = np.zeros((n, out_r, out_c, kernel.shape[-1]))
    for i in range(out_r):
        for j in range(out_c):
            win = x[:, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1], :]
            y[:, i, j] = win.reshape(n, -1) @ kernel[i * out_c + j]
    return y + bias


def test_local2d_matches_a_numpy_loop():
    rng = np.random.default_rng(0)
    x = tk.placeholder(tk.float32, [None, 5, 6, 2])
    layer = L.LocallyConnected2D(3, (2, 3), strides=(2, 1))
    y = layer(x)
    xs = rng.standard_normal((3, 5, 6, 2)).astype(np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        kernel = rng.standard_normal((8, 12, 3)).astype(np.float32)
        bias = rng.standard_normal((2, 4, 3)).astype(np.float32)
        layer.set_weights([kernel, bias])
        got = sess.run(y, {x: xs})
    np.testing.assert_allclose(got, _local2d_numpy(xs, kernel, bias, (2, 3), (2, 1)),
                               rtol=1e-5, atol=1e-5)


def test_window_indices_follow_the_layout_order():
    # 1-D, length 4, 2 channels, kernel 2, stride 2: channels_last flat index = t*2 + c
    np.testing.assert_array_equal(window_indices((4,), 2, (2,), (2,), (2,), False),
                                  [[0, 1, 2, 3], [4, 5, 6, 7]])
    # channels_first flat index = c*4 + t, window ordered [channel, time]
    np.testing.assert_array_equal(window_indices((4,), 2, (2,), (2,), (2,), True),
                                  [[0, 1, 4, 5], [2, 3, 6, 7]])


def test_local1d_runs_on_any_batch_size():
    x = tk.placeholder(tk.float32, [None, 6, 2])
    y = L.LocallyConnected1D(4, 3, strides=3)(x)
    assert y.shape.as_list() == [None, 2, 4]
    assert _run(y, {x: np.ones((5, 6, 2), np.float32)}).shape == (5, 2, 4)


@pytest.mark.parametrize("layer", [L.LocallyConnected1D, L.LocallyConnected2D])
@pytest.mark.parametrize("implementation", [2, 3])
def test_implementations_2_and_3_are_refused(layer, implementation):
    """Differs from TF: tf_keras 2.21 accepts them (masked dense and sparse kernels)."""
    with pytest.raises(ValueError, match="only implementation=1"):
        layer(2, 2, implementation=implementation)


def test_unknown_implementation_and_zero_stride_are_refused():
    with pytest.raises(ValueError, match="unrecognized implementation mode: 0"):
        L.LocallyConnected2D(2, 2, implementation=0)
    with pytest.raises(ValueError, match="strides"):  # TF: ZeroDivisionError when built
        L.LocallyConnected1D(2, 2, strides=0)


def test_local2d_names_the_unknown_dimension():
    with pytest.raises(ValueError, match="fully-defined"):
        L.LocallyConnected2D(2, 2)(tk.placeholder(tk.float32, [None, 4, None, 1]))


def test_conv3d_transpose_with_runtime_height_and_width():
    x = tk.placeholder(tk.float32, [None, 2, None, None, 1])
    y = L.Conv3DTranspose(2, 2, strides=2, padding="same")(x)
    assert y.shape.as_list() == [None, 4, None, None, 2]
    assert _run(y, {x: np.ones((1, 2, 3, 5, 1), np.float32)}).shape == (1, 4, 6, 10, 2)


def test_conv3d_transpose_needs_a_known_depth():
    """Differs from TF: trainkit's conv3d_transpose needs the output depth when built."""
    x = tk.placeholder(tk.float32, [None, None, 3, 3, 1])
    with pytest.raises(ValueError, match="output depth must be known"):
        L.Conv3DTranspose(2, 2)(x)
