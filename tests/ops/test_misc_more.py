"""YUV/YIQ conversions, resize_image_with_pad, lbeta, xlog1py, cumulative_logsumexp,
erfinv/ndtri (and erfinv's gradient), max_pool_v2/avg_pool_v2 against TF 2.21
(tf.compat.v1 on the same seeded inputs: shape, sum and index-weighted sum with
``nan_to_num``; recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(21)
IM = RNG.uniform(0, 1, (2, 4, 5, 3)).astype(np.float32)
X = RNG.normal(size=(2, 6, 7, 3)).astype(np.float32)
TF = {
    "yuv": ((2, 4, 5, 3), 24.196562632801943, 1430.910696072271),
    "yuvb": ((2, 4, 5, 3), 59.50993988342816, 3525.9783526155516),
    "yiq": ((2, 4, 5, 3), 25.932274511549622, 1569.067044726573),
    "yiqb": ((2, 4, 5, 3), 99.67623070953414, 5946.645492350217),
    "pad": ((2, 6, 4, 3), 36.07755744457245, 2346.535801127553),
    "pad2": ((2, 3, 9, 3), 27.085744336247444, 2061.9912045001984),
    "lbeta": ((2,), -0.711568104516226, -0.0184209239562807),
    "xl1": ((3,), 2.197224577336219, 3.58351893845611),
    "cls": ((2, 3), 3006.7208676519626, 12009.128473616407),
    "clsr": ((3,), -1.7976931348623157e+308, float('-inf')),
    "erfinv": ((5,), 0.8627727755194908, 8.443891584760454),
    "ndtri": ((4,), -0.8907844022088276, 5.355491440912122),
    "erfinv_g": ((5,), 30.832251388463522, 103.8682345616476),
    "mp2": ((2, 6, 4, 3), 100.13478631712496, 7741.716648267582),
    "ap1": ((2, 3, 3), -2.8428121663164347, -12.274516814621165),
    "mp4": ((2, 2, 3, 3), 41.603785663843155, 797.5015173852444),
}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        im, x, ti, tm = tk.constant(IM), tk.constant(X), tk.image, tk.math
        z = tk.constant([-0.9, -0.3, 0., 0.5, 0.99], tk.float64)
        f64 = tk.float64
        r = {"yuv": ti.rgb_to_yuv(im), "yuvb": ti.yuv_to_rgb(ti.rgb_to_yuv(im)),
             "yiq": ti.rgb_to_yiq(im), "yiqb": ti.yiq_to_rgb(im),
             "pad": ti.resize_image_with_pad(im, 6, 4),
             "pad2": ti.resize_image_with_pad(im, 3, 9),
             "lbeta": tm.lbeta(tk.constant([[1., 2.], [0.5, 3.5]], f64)),
             "xl1": tm.xlog1py(tk.constant([0., 2., 1.], f64), tk.constant([-1., .5, 3.], f64)),
             "cls": tm.cumulative_logsumexp(tk.constant([[1., 2., 3.], [1000., 0., -5.]], f64),
                                            axis=1),
             "clsr": tm.cumulative_logsumexp(tk.constant([1., 2., 3.], f64), exclusive=True,
                                             reverse=True),
             "erfinv": tm.erfinv(z),
             "ndtri": tm.ndtri(tk.constant([0.01, 0.3, 0.5, 0.975], f64)),
             "mp2": tk.nn.max_pool_v2(x, 2, [1, 2], "SAME"),
             "ap1": tk.nn.avg_pool_v2(x[:, 0], 3, 2, "VALID"),
             "mp4": tk.nn.max_pool_v2(x, [1, 3, 3, 1], [1, 2, 2, 1], "VALID")}
        r["erfinv_g"] = tk.gradients(tk.reduce_sum(tm.erfinv(z)), [z])[0]
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    v = np.asarray(results[name], np.float64)
    shape, total, weighted = TF[name]
    assert v.shape == shape
    v = np.nan_to_num(v)
    np.testing.assert_allclose(v.sum(), total, rtol=1e-6)
    with np.errstate(over="ignore"):
        got = (v * np.arange(v.size).reshape(v.shape)).sum()
    np.testing.assert_allclose(got, weighted, rtol=1e-6)
