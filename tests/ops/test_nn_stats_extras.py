"""weighted_moments, sufficient_statistics/normalize_moments, fused_batch_norm,
log_poisson_loss and TF1's conv2d_backprop_input/filter signatures against TF 2.21
(tf.compat.v1 on the same seeded inputs: each output's sum and index-weighted sum
recorded below) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

RNG = np.random.default_rng(1)
X = RNG.normal(size=(2, 3, 4, 5))
FW = RNG.uniform(0.5, 2, (2, 1, 4, 1))
WK = RNG.normal(size=(3, 3, 5, 2))
DY = RNG.normal(size=(2, 2, 2, 2))
SC, OF = np.linspace(0.5, 1.5, 5), np.linspace(-1, 1, 5)

TF = {  # TF 2.21: (sum, sum(a * arange(a.size)))
    "wm_m": (-0.9618393483540577, -7.54827536077195), "wm_v": (9.83071215150005,
                                                             72.93490342197263),
    "ss_c": (12.0, 0.0), "ss_m": (-42.20154991424558, -183.5919303529661),
    "ss_v": (100.490678093072, 441.315609572256),
    "nm_m": (-0.5167958261871318, -1.7993275294138402),
    "nm_v": (6.70453746218307, 28.280188125772078),
    "fb_y": (-6.705522537231445e-08, 270.5501416698098),
    "fb_m": (-0.2583979070186615, -0.21849611401557922),
    "fb_v": (3.5809222757816315, 7.179372876882553),
    "fb2_m": (-0.025839792098850012, -0.0218496136367321),
    "fb2_v": (4.858092129230499, 9.717937171459198),
    "fb3_y": (-20.89280755270738, -1188.6649704024894),
    "fbc_y": (-6.705522537231445e-08, 1528.8404091224074),
    "fb_gx": (-1.0523945093154907e-06, 77.37605183571577),
    "lp": (-3.1310851321049595, -27.626045101514432),
    "lpf": (7.798067547162154, 21.536135753921418),
    "bpi": (17.551190307953014, 991.8078371006497),
    "bpf": (9.964055134624623, 479.666364998424)}


def _ops():
    x = tk.constant(X)
    x32, sc, of = tk.cast(x, tk.float32), tk.constant(SC, tk.float32), tk.constant(OF,
                                                                                    tk.float32)
    r = {}
    r["wm_m"], r["wm_v"] = tk.nn.weighted_moments(x, [0, 2], tk.constant(FW))
    c, ms, vs, sh = tk.nn.sufficient_statistics(x, [1, 2], shift=tk.constant(0.3, tk.float64))
    r["ss_c"], r["ss_m"], r["ss_v"] = c, ms, vs
    r["nm_m"], r["nm_v"] = tk.nn.normalize_moments(c, ms, vs, sh)
    y, r["fb_m"], r["fb_v"] = tk.nn.fused_batch_norm(x32, sc, of)
    r["fb_y"] = y
    _, r["fb2_m"], r["fb2_v"] = tk.nn.fused_batch_norm(
        x32, sc, of, mean=tk.zeros([5]), variance=tk.ones([5]), exponential_avg_factor=0.1)
    r["fb3_y"] = tk.nn.fused_batch_norm(x32, sc, of, mean=of, variance=sc,
                                        is_training=False)[0]
    r["fbc_y"] = tk.nn.fused_batch_norm(tk.transpose(x32, [0, 3, 1, 2]), sc, of,
                                        data_format="NCHW")[0]
    w = tk.constant(np.cos(np.arange(120.)).reshape(2, 3, 4, 5), tk.float32)
    r["fb_gx"] = tk.gradients(tk.reduce_sum(y * w), [x])[0]
    tg = tk.constant([[0., 1., 2.], [3., 0.5, 7.]], tk.float64)
    li = tk.constant([[0.1, -0.3, 0.7], [1.2, 0., 2.]], tk.float64)
    r["lp"] = tk.nn.log_poisson_loss(tg, li)
    r["lpf"] = tk.nn.log_poisson_loss(tg, li, compute_full_loss=True)
    r["bpi"] = tk.nn.conv2d_backprop_input([2, 3, 4, 5], tk.constant(WK), tk.constant(DY),
                                           [1, 2, 2, 1], "SAME")
    r["bpf"] = tk.nn.conv2d_backprop_filter(x, [3, 3, 5, 2], tk.constant(DY), [1, 2, 2, 1],
                                            "SAME")
    return r


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default(), tk.Session() as sess:
        return sess.run(_ops())


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    a = np.asarray(results[name], np.float64)
    total, weighted = TF[name]
    f32 = name.startswith("fb")
    np.testing.assert_allclose(a.sum(), total, rtol=1e-5 if f32 else 1e-10,
                               atol=2e-5 if f32 else 1e-10)
    np.testing.assert_allclose((a * np.arange(a.size).reshape(a.shape)).sum(), weighted,
                               rtol=1e-5 if f32 else 1e-10, atol=1e-9)


def test_gradients_by_finite_differences():
    check_grad(lambda t: tk.nn.weighted_moments(t, [0, 2], FW[:, :, :2])[1], X[:, :, :2, :2])
    check_grad(lambda t: tk.nn.fused_batch_norm(t, SC[:2], OF[:2])[0], X[:, :2, :2, :2],
               rtol=1e-5)
    check_grad(lambda t: tk.nn.log_poisson_loss([[0., 3.]], t, compute_full_loss=True),
               np.array([[0.2, -0.4]]))


def test_fused_moments_second_derivatives_are_exact():
    # the Jacobian of d(sum(c * var))/dx against finite differences of itself: exact for
    # fused_moments; tf.nn.moments' stop_gradient(mean) gives another (TF's) Hessian
    from trainkit.ops.nn_stats_extras import fused_moments

    xs = RNG.normal(size=(6, 3))
    c = tk.constant(RNG.uniform(0.5, 2.0, size=3))
    x = tk.placeholder(tk.float64, [6, 3])
    errors = []
    for fn in (fused_moments, tk.nn.moments):
        mean, var = fn(x, [0])
        g = tk.gradients(tk.reduce_sum(c * var) + tk.reduce_sum(mean ** 3), x)[0]
        with tk.Session():
            errors.append(tk.test.compute_gradient_error(x, [6, 3], g, [6, 3],
                                                         x_init_value=xs, delta=1e-5))
    assert errors[0] < 1e-7
    assert errors[1] > 1e-2
