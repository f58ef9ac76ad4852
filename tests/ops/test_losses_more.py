"""log_loss, hinge_loss, cosine_distance and mean_pairwise_squared_error, and the
natural_exp / linear_cosine / cosine-restarts learning-rate schedules, equal to TF 2.21
(tf.compat.v1, the same inputs; numbers recorded below; TF's losses run in float32, so
the tolerance is float32's)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

LAB = [[1., 0., 1.], [0., 1., 0.]]
PR = [[0.9, 0.2, 0.6], [0.3, 0.8, 0.05]]
LG = [[2., -0.5, 0.3], [0.2, 1.5, -3.]]
R = tk.losses.Reduction


def _unit(rows):
    a = np.array(rows, np.float64)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_losses_equal_tf():
    lab, pr = tk.constant(LAB, tk.float64), tk.constant(PR, tk.float64)
    u, v = _unit([[1, 2, 2], [0, 3, 4]]), _unit([[1, 0, 1], [1, 1, 0]])
    cube = np.arange(12.).reshape(2, 3, 2)
    got = _run([
        tk.losses.log_loss(lab, pr),
        tk.losses.log_loss(lab, pr, weights=[[1.], [0.]], reduction=R.SUM),
        tk.losses.hinge_loss(lab, tk.constant(LG, tk.float64)),
        tk.losses.hinge_loss(lab, tk.constant(LG, tk.float64), reduction=R.NONE),
        tk.losses.cosine_distance(u, v, axis=1),
        tk.losses.cosine_distance(u, v, dim=1, reduction=R.NONE),
        tk.losses.mean_pairwise_squared_error(lab, pr),
        tk.losses.mean_pairwise_squared_error(lab, pr, weights=[[2.], [0.5]]),
        tk.losses.mean_pairwise_squared_error(cube * 0.1, cube ** 2 * 0.01)])
    want = [0.24507339298725128, 0.839329183101654, 0.4000000059604645,
            [[0.0, 0.5, 0.7], [1.2, 0.0, 0.0]], 0.4343145787715912,
            [[0.2928932309150696], [0.5757359266281128]], 0.304999977350235,
            0.42249998450279236, 0.054786667227745056]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=2e-6, atol=1e-7)
    assert len(tk.losses.get_losses()) == 9                      # TF 2.21: 9 as well


def test_mean_pairwise_gradient_equals_tf_and_finite_differences():
    pr = tk.constant(PR, tk.float64)
    (g,) = tk.gradients(tk.losses.mean_pairwise_squared_error(LAB, pr), [pr])
    np.testing.assert_allclose(_run(g), [[0.0, 0.6, -0.6], [0.5, -0.5, 0.0]], atol=1e-6)
    check_grad(lambda p: tk.losses.mean_pairwise_squared_error(
        tk.constant(LAB, tk.float64), p, weights=[[2.], [0.5]]), np.array(PR))
    check_grad(lambda p: tk.losses.log_loss(tk.constant(LAB, tk.float64), p), np.array(PR))
    with pytest.raises(ValueError, match="axis"):
        tk.losses.cosine_distance(LAB, PR)


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


STEPS = [0, 3, 7, 10, 25]
# TF 2.21 tf.compat.v1.train.<schedule>(0.1, step, ...) at STEPS
SCHEDULES = {
    "nat": (lambda s: tk.train.natural_exp_decay(0.1, s, 5, 0.5),
            [0.1, 0.07408182322978973, 0.049658533185720444, 0.03678794577717781,
             0.008208501152694225]),
    "nat_s": (lambda s: tk.train.natural_exp_decay(0.1, s, 5, 0.5, staircase=True),
              [0.1, 0.1, 0.060653068125247955, 0.03678794577717781, 0.008208501152694225]),
    "lin": (lambda s: tk.train.linear_cosine_decay(0.1, s, 10),
            [0.10010000318288803, 0.055672477930784225, 0.006283222232013941, 1e-4, 1e-4]),
    "lin2": (lambda s: tk.train.linear_cosine_decay(0.1, s, 10, num_periods=2, alpha=0.1,
                                                    beta=0.01),
             [0.11100000143051147, 0.008639330044388771, 0.004819662310183048, 0.011, 0.011]),
    "sgdr": (lambda s: tk.train.cosine_decay_restarts(0.1, s, 4),
             [0.1, 0.014644661918282509, 0.0691341683268547, 0.014644661918282509,
              0.008426517248153687]),
    "sgdr1": (lambda s: tk.train.cosine_decay_restarts(0.1, s, 4, t_mul=1.0, m_mul=0.5,
                                                       alpha=0.1),
              [0.1, 0.023180196061730385, 0.016590097919106483, 0.021250000223517418,
               0.011200309731066227]),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_learning_rate_schedules_equal_tf(name):
    build, want = SCHEDULES[name]
    step = tk.placeholder(tk.int64, [])
    lr = build(step)
    with tk.Session() as sess:
        got = [sess.run(lr, {step: s}) for s in STEPS]
    np.testing.assert_allclose(got, want, rtol=5e-6)  # TF evaluates in float32
    assert tk.train.piecewise_constant_decay is tk.train.piecewise_constant
