"""Running one recorded TF case of tests/ops/signal_*_tf.py through trainkit."""

from __future__ import annotations

import numpy as np

import trainkit as tk


def run_case(build, value_in, recorded, atol):
    """Builds ``build(placeholder)``, compares its value and (when recorded) the gradient
    for the recorded ``grad_ys`` with TF's."""
    want, grads = recorded
    x = tk.placeholder(tk.as_dtype(value_in.dtype), value_in.shape)
    y = build(x)
    fetch = [y]
    if grads is not None:
        fetch += tk.gradients(y, [x], grad_ys=tk.constant(grads[0]))
    with tk.Session() as sess:
        got = sess.run(fetch, {x: value_in})
    assert got[0].shape == want.shape and got[0].dtype == want.dtype
    assert y.shape.is_compatible_with(want.shape)
    np.testing.assert_allclose(got[0], want, rtol=1e-6, atol=atol)
    if grads is not None:
        assert got[1].dtype == value_in.dtype
        np.testing.assert_allclose(got[1], grads[1], rtol=1e-6, atol=atol)
