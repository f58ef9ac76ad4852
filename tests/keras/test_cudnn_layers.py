"""``tk.keras.layers.CuDNNLSTM`` / ``CuDNNGRU`` run on the CPU, where TF's own have no
kernel (TF 2.21 fails at ``global_variables_initializer`` with "No OpKernel was
registered to support Op 'CudnnRNNV3'"). Checked against TF 2.21 + tf_keras 2.21
computing cuDNN's equations through the equivalent layers (``cudnn_scenarios.py``,
recorded by ``make_cudnn_reference.py``): outputs, final states, gradients wrt the
kernels and the input, forwards and backwards; and against a NumPy step; plus the
layers' names, bias initialisation, checkpoint round trip and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.cudnn_scenarios import scenarios

REF = json.loads(Path(__file__).with_name("cudnn_reference.json").read_text())


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.fixture(scope="module")
def ours():
    return scenarios(tk, trainkit=True)


@pytest.mark.parametrize("case", ["lstm", "lstm_back", "gru", "gru_back"])
def test_matches_tfs_equivalent_layers(ours, case):
    for key in ("outs", "grads"):
        for got, want in zip(ours[case][key], REF[case][key]):
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6,
                                       err_msg=f"{case} {key}")


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def test_one_lstm_and_gru_step_by_hand():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 1, 3)
    with tk.Graph().as_default():
        lstm = tk.keras.layers.CuDNNLSTM(2, return_state=True, dtype="float64")
        gru = tk.keras.layers.CuDNNGRU(2, dtype="float64")
        h_l, _, c_l = lstm(tk.constant(x))
        h_g = gru(tk.constant(x))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            (kl, _, bl), (kg, _, bg) = sess.run([lstm.weights, gru.weights])
            got_l, got_c, got_g = sess.run([h_l, c_l, h_g])
    z = x[:, 0] @ kl + bl[:8] + bl[8:]              # h_prev = c_prev = 0
    i, f, g, o = (z[:, 2 * q:2 * q + 2] for q in range(4))
    c = _sigmoid(i) * np.tanh(g)
    np.testing.assert_allclose(got_c, c, rtol=1e-12)
    np.testing.assert_allclose(got_l, _sigmoid(o) * np.tanh(c), rtol=1e-12)
    zg = x[:, 0] @ kg + bg[:6]
    zz = _sigmoid(zg[:, :2] + bg[6:8])
    r = _sigmoid(zg[:, 2:4] + bg[8:10])
    hh = np.tanh(zg[:, 4:] + r * bg[10:])
    np.testing.assert_allclose(got_g, (1 - zz) * hh, rtol=1e-12)
    assert bl.tolist() == [0.0] * 10 + [1.0, 1.0] + [0.0] * 4   # recurrent forget = 1


def test_names_checkpoints_and_training(tmp_path):
    rng = np.random.RandomState(1)
    xs, ys = rng.randn(16, 6, 3).astype(np.float32), rng.randn(16, 1).astype(np.float32)
    with tk.Graph().as_default():
        model = tk.keras.Sequential([tk.keras.layers.CuDNNGRU(4, input_shape=(6, 3)),
                                     tk.keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        assert [w.name for w in model.layers[0].weights] == [
            "cu_dnngru/kernel:0", "cu_dnngru/recurrent_kernel:0", "cu_dnngru/bias:0"]
        hist = model.fit(xs, ys, epochs=8, batch_size=8, verbose=0, shuffle=False)
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        path = str(tmp_path / "w.ckpt")
        model.save_weights(path)
        before = model.predict(xs)
        model.layers[0].set_weights([np.zeros(w.shape.as_list(), np.float32)
                                     for w in model.layers[0].weights])
        model.load_weights(path)
        np.testing.assert_array_equal(model.predict(xs), before)


def test_refusals():
    L = tk.keras.layers
    with tk.Graph().as_default():
        masked = L.Masking()(tk.placeholder(tk.float32, [None, 4, 2]))
        with pytest.raises(ValueError, match="Masking is not supported"):
            L.CuDNNLSTM(2)(masked)
        with pytest.raises(ValueError, match="last dimension"):
            L.CuDNNGRU(2)(tk.placeholder(tk.float32, [None, 4, None]))
    with pytest.raises(ValueError, match="units"):
        L.CuDNNLSTM(0)
    with pytest.raises(NotImplementedError, match="stateful"):
        L.CuDNNGRU(2, stateful=True)
