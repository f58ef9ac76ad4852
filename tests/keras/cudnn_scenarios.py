"""CuDNNLSTM / CuDNNGRU cases that run on either backend: under trainkit the CuDNN layers
themselves; under TF 2.21 (whose CuDNN layers have no CPU kernel) the tf_keras layers
that compute cuDNN's equations: ``LSTM(recurrent_activation="sigmoid")`` with the two
biases summed, and ``GRU(reset_after=True, recurrent_activation="sigmoid")`` with the
biases as its ``[2, 3 units]`` bias. ``make_cudnn_reference.py`` records the TF side;
``test_cudnn_layers.py`` compares. Imports no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np

UNITS = 3


def _w(shape: tuple, k: float) -> np.ndarray:
    n = int(np.prod(shape))
    return (0.6 * np.sin(np.arange(n) * 0.41 + k)).reshape(shape).astype(np.float32)


def _weights(gates: int, depth: int) -> tuple:
    n = gates * UNITS
    return _w((depth, n), 0.0), _w((UNITS, n), 1.0), _w((2 * n,), 2.0)


def _case(tf: Any, kind: str, go_backwards: bool, trainkit: bool) -> dict:
    gates = 4 if kind == "lstm" else 3
    kernel, recurrent, bias = _weights(gates, 2)
    x = tf.placeholder(tf.float32, [None, 5, 2])
    L = tf.keras.layers
    args = {"return_sequences": True, "return_state": True, "go_backwards": go_backwards}
    if trainkit:
        layer = (L.CuDNNLSTM if kind == "lstm" else L.CuDNNGRU)(UNITS, **args)
        outs = layer(x)
        layer.set_weights([kernel, recurrent, bias])
    elif kind == "lstm":
        layer = L.LSTM(UNITS, recurrent_activation="sigmoid", unit_forget_bias=False, **args)
        outs = layer(x)
        n = gates * UNITS
        layer.set_weights([kernel, recurrent, bias[:n] + bias[n:]])
    else:
        layer = L.GRU(UNITS, recurrent_activation="sigmoid", reset_after=True, **args)
        outs = layer(x)
        layer.set_weights([kernel, recurrent, bias.reshape(2, -1)])
    loss = 0.0
    for i, o in enumerate(outs):
        loss = loss + tf.reduce_sum(o * np.float32(0.4 + 0.1 * i)) + \
            tf.reduce_sum(tf.square(o)) * np.float32(0.05)
    grads = tf.gradients(loss, layer.weights[:2] + [x])
    xv = np.random.RandomState(3).randn(4, 5, 2).astype(np.float32)
    vals, gs = tf.keras.backend.get_session().run([outs, grads], {x: xv})
    return {"outs": [np.asarray(v, np.float64).tolist() for v in vals],
            "grads": [np.asarray(g, np.float64).tolist() for g in gs]}


def scenarios(tf: Any, trainkit: bool) -> dict:
    """Every case: outputs (sequence and states) and gradients wrt kernel, recurrent
    kernel and input."""
    out = {}
    for kind in ("lstm", "gru"):
        for back in (False, True):
            tf.keras.backend.clear_session()
            with tf.Graph().as_default():
                out[f"{kind}{'_back' if back else ''}"] = _case(tf, kind, back, trainkit)
    return out
