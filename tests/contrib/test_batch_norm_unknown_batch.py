"""``tf.contrib.layers.batch_norm`` on a ``[None, c]`` input (fused path, TF 1.15 /
tf_slim 1.1.0): the moving variance moves toward the *unbiased* batch variance counted
at run time, as TF's fused kernel does (hunkim's lab-10-7 feeds ``[None, 784]``). The
numbers were computed with TF 2.21 + tf_slim 1.1.0 (``updates_collections=None``,
``decay=0.9``, one training run on ``RandomState(0).normal(size=(5, 3))``); they equal
``0.9 + 0.1 * var(ddof=1)``."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

DATA = np.random.RandomState(0).normal(size=(5, 3)).astype(np.float32)
TF_MOVING_VARIANCE = [0.9569176, 0.9642876, 0.9897546]
TF_OUTPUT_ROW0 = [0.7974751, -0.10623211, 0.7305321]
TF_INFERENCE_ROW0 = [1.6771883, 0.35879806, 0.9471993]


@pytest.mark.parametrize("training", ["placeholder", "python"])
def test_moving_variance_is_unbiased_with_an_unknown_batch(training):
    x = tk.placeholder(tk.float32, [None, 3])
    is_training = tk.placeholder(tk.bool) if training == "placeholder" else True
    y = tk.contrib.layers.batch_norm(x, is_training=is_training, decay=0.9,
                                     updates_collections=None)
    feed = {x: DATA}
    if training == "placeholder":
        feed[is_training] = True
    variables = {v.op.name: v for v in tk.global_variables()}
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out = sess.run(y, feed)
        moving_var = sess.run(variables["BatchNorm/moving_variance"])
        if training == "placeholder":
            inference = sess.run(y, {x: DATA, is_training: False})
            np.testing.assert_allclose(inference[0], TF_INFERENCE_ROW0, rtol=1e-5)
    np.testing.assert_allclose(out[0], TF_OUTPUT_ROW0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(moving_var, TF_MOVING_VARIANCE, rtol=1e-6)
    np.testing.assert_allclose(moving_var, 0.9 + 0.1 * DATA.var(0, ddof=1), rtol=1e-6)


def test_one_row_batch_keeps_the_moving_variance_finite():
    """``n = 1``: the correction's denominator is held at 1 (no division by zero), so the
    moving variance moves toward the batch's zero variance: ``0.5 * 1 + 0.5 * 0``."""
    x = tk.placeholder(tk.float32, [None, 2])
    y = tk.contrib.layers.batch_norm(x, is_training=True, decay=0.5,
                                     updates_collections=None)
    variables = {v.op.name: v for v in tk.global_variables()}
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(y, {x: np.ones((1, 2), np.float32)})
        moving_var = sess.run(variables["BatchNorm/moving_variance"])
    np.testing.assert_array_equal(moving_var, [0.5, 0.5])
