"""``tk.nn.xw_plus_b`` / ``relu_layer``: values and gradients against NumPy, and TF1's
op naming (the scope name goes to the last op)."""

from __future__ import annotations

import numpy as np

import trainkit as tk


def _inputs():
    rng = np.random.RandomState(3)
    return (rng.randn(5, 3).astype(np.float32), rng.randn(3, 4).astype(np.float32),
            rng.randn(4).astype(np.float32))


def test_xw_plus_b_value_gradient_and_names():
    xv, wv, bv = _inputs()
    with tk.Graph().as_default():
        x, w, b = tk.constant(xv), tk.Variable(wv), tk.Variable(bv)
        y = tk.nn.xw_plus_b(x, w, b, name="scores")
        default = tk.nn.xw_plus_b(x, w, b)
        assert (y.op.name, y.op.type, default.op.name) == ("scores", "BiasAdd", "xw_plus_b")
        gw, gb = tk.gradients(tk.reduce_sum(y * y), [w, b])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got, gwv, gbv = sess.run([y, gw, gb])
    want = xv @ wv + bv
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(gwv, xv.T @ (2 * want), rtol=1e-5)
    np.testing.assert_allclose(gbv, (2 * want).sum(0), rtol=1e-5)


def test_relu_layer():
    xv, wv, bv = _inputs()
    with tk.Graph().as_default():
        y = tk.nn.relu_layer(xv, wv, bv)
        assert (y.op.name, y.op.type) == ("relu_layer", "Relu")
        got = tk.Session().run(y)
    np.testing.assert_allclose(got, np.maximum(xv @ wv + bv, 0), rtol=1e-6)
