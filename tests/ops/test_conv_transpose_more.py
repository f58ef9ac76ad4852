"""conv1d_transpose and conv3d_transpose (values and gradients) equal to TF 2.21
(tf.compat.v1, float64, the same seeded inputs; recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(17)
X1, W1 = RNG.normal(size=(2, 5, 3)), RNG.normal(size=(3, 4, 3))
X3, W3 = RNG.normal(size=(1, 3, 4, 3, 2)), RNG.normal(size=(2, 3, 2, 4, 2))
TF = {"c1": ((2, 10, 4), 31.618635377206612, 1602.1983473992727),
      "c1v": ((2, 11, 4), 31.682661134754234, 1864.5580705248128),
      "c3": ((1, 6, 8, 6, 4), 22.564170776283447, -12380.914693873565),
      "c3v": ((1, 4, 6, 4, 4), -12.376783089697952, -11724.896001743695),
      "g3x": ((1, 3, 4, 3, 2), 1.2883723716075899, 63.8981022349833),
      "g3w": ((2, 3, 2, 4, 2), 3.6869257573324656, 584.344082566314)}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        x1, w1, x3, w3 = (tk.constant(a) for a in (X1, W1, X3, W3))
        r = {"c1": tk.nn.conv1d_transpose(x1, w1, [2, 10, 4], 2, "SAME"),
             "c1v": tk.nn.conv1d_transpose(x1, w1, [2, 11, 4], 2, "VALID"),
             "c3": tk.nn.conv3d_transpose(x3, w3, [1, 6, 8, 6, 4], [1, 2, 2, 2, 1], "SAME"),
             "c3v": tk.nn.conv3d_transpose(x3, w3, [1, 4, 6, 4, 4], [1, 1, 1, 1, 1], "VALID")}
        wy = tk.constant(np.cos(np.arange(1152.)).reshape(1, 6, 8, 6, 4))
        r["g3x"], r["g3w"] = tk.gradients(tk.reduce_sum(r["c3"] * wy), [x3, w3])
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    v = np.asarray(results[name], np.float64)
    shape, total, weighted = TF[name]
    assert v.shape == shape
    np.testing.assert_allclose(v.sum(), total, rtol=1e-12)
    np.testing.assert_allclose((v * np.arange(v.size).reshape(v.shape)).sum(), weighted,
                               rtol=1e-12)
