"""``tk.nn.weighted_cross_entropy_with_logits`` against the plain NumPy formula, TF 2.21
values and gradients, finite differences, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _np_weighted(z, x, q):
    sig = 1.0 / (1.0 + np.exp(-x))
    return -q * z * np.log(sig) - (1 - z) * np.log(1 - sig)


def test_matches_numpy_and_tf():
    x = np.array([[-3.0, 0.5, 4.0], [1.0, -2.0, 0.0]])
    z = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]])
    with tk.Graph().as_default():
        xt, zt = tk.constant(x), tk.constant(z)
        loss = tk.nn.weighted_cross_entropy_with_logits(targets=zt, logits=xt, pos_weight=2.5)
        assert loss.op.name == "logistic_loss"
        gx, gz = tk.gradients(tk.reduce_sum(loss), [xt, zt])
        with tk.Session() as s:
            got, gxv, gzv = s.run([loss, gx, gz])
    np.testing.assert_allclose(got, _np_weighted(z, x, 2.5), rtol=1e-12)
    # tf.compat.v1.nn.weighted_cross_entropy_with_logits in TF 2.21 (float64)
    np.testing.assert_allclose(got, [[7.621468378934355, 0.9740769841801067, 2.826317395480824],
                                     [1.3132616875182228, 5.3173200276074315,
                                      1.7328679513998633]], rtol=1e-12)
    np.testing.assert_allclose(gxv, [[-2.38143532, 0.62245933, 0.67392],
                                     [0.73105858, -2.20199269, 0.0]], atol=1e-8)
    np.testing.assert_allclose(gzv, [[7.57288103, 0.21111548, -3.97277511],
                                     [-0.53010747, 5.19039202, 1.03972077]], atol=1e-8)


def test_stable_for_large_logits():
    with tk.Graph().as_default(), tk.Session() as s:
        got = s.run(tk.nn.weighted_cross_entropy_with_logits(
            [1.0, 0.0, 1.0, 0.0], [800.0, 800.0, -800.0, -800.0], 3.0))
    np.testing.assert_allclose(got, [0.0, 800.0, 2400.0, 0.0], atol=1e-12)


def test_gradients_finite_differences():
    rs = np.random.RandomState(0)
    check_grad(lambda z, x, q: tk.nn.weighted_cross_entropy_with_logits(z, x, q),
               rs.rand(3, 4), rs.randn(3, 4) * 3, np.array(1.7), rtol=1e-6, atol=1e-7)


def test_errors():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="same shape"):
            tk.nn.weighted_cross_entropy_with_logits(tk.zeros([2, 3]), tk.zeros([3, 2]), 2.0)
        with pytest.raises(ValueError, match="Cannot specify both"):
            tk.nn.weighted_cross_entropy_with_logits(labels=[1.0], targets=[1.0],
                                                     logits=[0.0], pos_weight=1.0)
        with pytest.raises(ValueError, match="pos_weight"):
            tk.nn.weighted_cross_entropy_with_logits([1.0], [0.0])
        with pytest.raises(TypeError, match="floating"):
            tk.nn.weighted_cross_entropy_with_logits([1], [0], 2.0)
