"""conv3d, max_pool3d/avg_pool3d and the 3-D layers against TF 2.21 (tf.compat.v1 on the
same seeded inputs: shape, sum and index-weighted sum recorded below), a NumPy reference
convolution (dilations too, which TF's CPU kernel lacks) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

RNG = np.random.default_rng(3)
X = RNG.normal(size=(2, 5, 4, 6, 3))
W = RNG.normal(size=(3, 2, 3, 3, 4))
W2 = RNG.normal(size=(2, 3, 3, 3, 2))

TF = {  # TF 2.21: (shape, sum, sum(a * arange(a.size)))
    "c_valid": ((2, 3, 3, 4, 4), -247.03315974262796, -32997.01204913586),
    "c_same_s": ((2, 3, 4, 3, 4), -84.36945230913335, -22061.411373194467),
    "mp_valid": ((2, 2, 2, 3, 3), 103.41267362236977, 3568.1306864619255),
    "mp_same": ((2, 3, 4, 3, 3), 342.4461375325918, 36060.41150043905),
    "ap_same": ((2, 3, 4, 3, 3), 20.872480291873217, 2515.8254620470107),
    "ap_valid": ((2, 4, 2, 3, 3), 10.634367812424898, 841.6959653496742),
    "g_c": ((2, 5, 4, 6, 3), 20.718747146730095, 10442.835550374366),
    "g_mp": ((2, 5, 4, 6, 3), 1.4960556887090206, 546.324323553592),
    "g_ap": ((2, 5, 4, 6, 3), 1.4960559224709868, 716.1106117516756),
    "l": ((2, 5, 4, 6, 4), 206.12199810147285, 101844.2210868448),
    "lp": ((2, 2, 2, 3, 4), 46.402430057525635, 2254.951909303665),
    "la": ((2, 5, 2, 2, 3), 6.654721701983362, 414.61610962543637)}


def _np_conv3d(x, w, strides, dil, padding):
    n, d, h, wd, c = x.shape
    k = w.shape[:3]
    eff = [(k[i] - 1) * dil[i] + 1 for i in range(3)]
    if padding == "SAME":
        outs = [-(-s // st) for s, st in zip((d, h, wd), strides)]
        pads = [max((o - 1) * st + e - s, 0) for o, st, e, s in zip(outs, strides, eff,
                                                                     (d, h, wd))]
        x = np.pad(x, [(0, 0)] + [(p // 2, p - p // 2) for p in pads] + [(0, 0)])
    else:
        outs = [(s - e) // st + 1 for s, e, st in zip((d, h, wd), eff, strides)]
    y = np.zeros((n, *outs, w.shape[-1]))
    for a in range(k[0]):
        for b in range(k[1]):
            for cc in range(k[2]):
                sl = x[:, a * dil[0]::strides[0], b * dil[1]::strides[1],
                       cc * dil[2]::strides[2]][:, :outs[0], :outs[1], :outs[2]]
                y += sl @ w[a, b, cc]
    return y


def _ops():
    x = tk.constant(X)
    x32 = tk.cast(x, tk.float32)
    r = {"c_valid": tk.nn.conv3d(x, W, [1, 1, 1, 1, 1], "VALID"),
         "c_same_s": tk.nn.conv3d(x, W, [1, 2, 1, 2, 1], "SAME"),
         "mp_valid": tk.nn.max_pool3d(x32, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"),
         "mp_same": tk.nn.max_pool3d(x32, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"),
         "ap_same": tk.nn.avg_pool3d(x32, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"),
         "ap_valid": tk.nn.avg_pool3d(x32, [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], "VALID")}
    wy = np.cos(np.arange(1000.))
    for key, src in (("g_c", "c_same_s"), ("g_mp", "mp_same"), ("g_ap", "ap_same")):
        y = r[src]
        n = int(np.prod(y.shape.as_list()))
        r[key] = tk.gradients(tk.reduce_sum(tk.cast(y, tk.float64) * wy[:n].reshape(
            y.shape.as_list())), [x])[0]
    with tk.variable_scope("L"):
        r["l"] = tk.layers.conv3d(x32, 4, (3, 2, 2), padding="same",
                                  kernel_initializer=tk.constant_initializer(0.05),
                                  bias_initializer=tk.constant_initializer(0.1))
        r["lp"] = tk.layers.max_pooling3d(r["l"], 2, 2)
        r["la"] = tk.layers.average_pooling3d(x32, (2, 2, 3), (1, 2, 3), padding="same")
    assert [v.name for v in tk.global_variables()] == ["L/conv3d/kernel:0", "L/conv3d/bias:0"]
    return r


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        ops = _ops()
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            return sess.run(ops)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    a = np.asarray(results[name], np.float64)
    shape, total, weighted = TF[name]
    assert a.shape == shape
    np.testing.assert_allclose(a.sum(), total, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose((a * np.arange(a.size).reshape(a.shape)).sum(), weighted,
                               rtol=1e-5)


def test_conv3d_equals_numpy_including_dilations_and_ncdhw():
    x = tk.constant(X)
    got = [tk.nn.conv3d(x, W, [1, 1, 1, 1, 1], "VALID"),
           tk.nn.conv3d(x, W2, [1, 1, 1, 1, 1], "SAME", dilations=[1, 2, 1, 1, 1]),
           tk.nn.conv3d(tk.transpose(x, [0, 4, 1, 2, 3]), W, [1, 2, 1, 2, 1], "SAME",
                        data_format="NCDHW")]
    with tk.Session() as sess:
        a, b, c = sess.run(got)
    np.testing.assert_allclose(a, _np_conv3d(X, W, (1, 1, 1), (1, 1, 1), "VALID"),
                               rtol=1e-10)
    np.testing.assert_allclose(b, _np_conv3d(X, W2, (1, 1, 1), (2, 1, 1), "SAME"),
                               rtol=1e-10)
    np.testing.assert_allclose(c.transpose(0, 2, 3, 4, 1),
                               _np_conv3d(X, W, (2, 1, 2), (1, 1, 1), "SAME"), rtol=1e-10)


def test_gradients_by_finite_differences():
    x = X[:1, :3, :3, :3, :2]
    check_grad(lambda t: tk.nn.conv3d(t, W[:2, :2, :2, :2, :2], [1, 1, 1, 1, 1], "SAME"), x)
    check_grad(lambda t, w: tk.nn.conv3d(t, w, [1, 2, 1, 1, 1], "VALID"), x,
               W[:2, :2, :2, :2, :1])
    check_grad(lambda t: tk.nn.avg_pool3d(t, [1, 2, 2, 2, 1], [1, 2, 1, 2, 1], "SAME"), x)
    layer = tk.layers.Conv3D(2, 2, padding="same")
    pool = tk.layers.MaxPooling3D(2, 2)
    assert pool(layer(tk.constant(X))).shape.as_list() == [2, 2, 2, 3, 2]
    assert tk.layers.AveragePooling3D(2, 1)(tk.constant(X)).shape.as_list() == [2, 4, 3, 5, 3]


@pytest.mark.parametrize("depth", [5, 4, 1])
def test_depth_known_only_at_run_time_gives_the_static_graph_values(depth):
    """A ``[N, None, H, W, C]`` input (Keras's ConvLSTM2D -> Conv3D on movies of any
    length): the padding, taps and output depth are computed in the graph; values and
    input gradients equal those of the same ops on a known depth, and the NumPy
    reference."""
    x = X[:, :depth]
    cases = [lambda t: tk.nn.conv3d(t, W, [1, 1, 1, 1, 1], "SAME"),
             lambda t: tk.nn.conv3d(t, W2, [1, 2, 1, 2, 1], "SAME"),
             lambda t: tk.nn.conv3d(t, W2, [1, 1, 1, 1, 1], "SAME",
                                    dilations=[1, 2, 1, 1, 1]),
             lambda t: tk.nn.max_pool3d(t, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"),
             lambda t: tk.nn.max_pool3d(t, [1, 1, 2, 2, 1], [1, 1, 2, 2, 1], "VALID")]
    if depth >= 3:
        cases.append(lambda t: tk.nn.conv3d(t, W, [1, 2, 1, 1, 1], "VALID"))
    with tk.Graph().as_default():
        fixed = tk.constant(x)
        free = tk.placeholder(tk.float64, [None, None, 4, 6, 3])
        pairs = [(f(fixed), f(free)) for f in cases]
        assert all(b.shape.as_list()[1] is None for _, b in pairs)
        grads = [tk.gradients(tk.reduce_sum(tk.square(b)), free)[0] for _, b in pairs]
        ref_grads = [tk.gradients(tk.reduce_sum(tk.square(a)), fixed)[0] for a, _ in pairs]
        with tk.Session() as sess:
            got = sess.run([[a, b] for a, b in pairs] + [grads, ref_grads], {free: x})
    for a, b in got[:-2]:
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    for g, r in zip(got[-2], got[-1]):
        np.testing.assert_array_equal(g, r)
    np.testing.assert_allclose(got[0][1], _np_conv3d(x, W, (1, 1, 1), (1, 1, 1), "SAME"),
                               rtol=1e-10)


def test_avg_pool3d_still_needs_a_known_depth_and_rank_is_required():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="depth must be known"):
            tk.nn.avg_pool3d(tk.placeholder(tk.float32, [None, None, 4, 4, 2]),
                             [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID")
        with pytest.raises(ValueError, match="must be 5-D"):
            tk.nn.conv3d(tk.placeholder(tk.float32), W.astype(np.float32),
                         [1, 1, 1, 1, 1], "SAME")
