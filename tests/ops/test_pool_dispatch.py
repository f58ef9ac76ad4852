"""max_pool_with_argmax (indices, ties, include_batch_in_index), tf.nn.convolution and
tf.nn.pool against TF 2.21 (tf.compat.v1 on the same seeded inputs; recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(13)
X = RNG.normal(size=(2, 5, 7, 3)).astype(np.float32)
X[0, 0, 0, 0] = X[0, 0, 1, 0]                                   # a tie inside a window
W = RNG.normal(size=(3, 2, 3, 4)).astype(np.float32)
W1 = RNG.normal(size=(2, 3, 4)).astype(np.float32)
W3 = RNG.normal(size=(2, 2, 2, 3, 2)).astype(np.float32)
X3 = RNG.normal(size=(1, 4, 5, 6, 3)).astype(np.float32)

TF = {  # TF 2.21: (shape, sum, index-weighted sum); argmax: first 12 entries and the sum
    "o": ((2, 3, 4, 3), 58.32125896587968, 1865.9881345070899),
    "a": ([21, 22, 23, 6, 10, 29, 36, 13, 35, 18, 19, 20], 4356),
    "o2": ((2, 2, 5, 3), 103.26484420895576, 3280.634086251259),
    "a2": ([6, 22, 23, 6, 25, 53, 6, 49, 35, 57, 55, 35], 6303),
    "c2": ((2, 3, 7, 4), -1.090596055611968, 2124.238544318825),
    "c2d": ((2, 5, 7, 4), 48.55341862514615, 10228.435705788434),
    "c1": ((2, 3, 4), -1.3647371008992195, -102.65393766760826),
    "c3": ((1, 3, 4, 5, 2), -66.84863647073507, -8313.630893155932),
    "p2": ((2, 3, 4, 3), 1.622680688276887, -58.326289059594274),
    "p1": ((2, 3, 3), 20.45284217596054, 165.99745872616768),
    "p3": ((1, 2, 3, 3, 3), 73.56264466047287, 1766.67324629426)}


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        x, x1, x3 = tk.constant(X), tk.constant(X[:, 0]), tk.constant(X3)
        o, a = tk.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        o2, a2 = tk.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 2, 1, 1], "VALID",
                                            include_batch_in_index=True)
        r = {"o": o, "a": a, "o2": o2, "a2": a2,
             "c2": tk.nn.convolution(x, W, "SAME", strides=[2, 1]),
             "c2d": tk.nn.convolution(x, W, "SAME", dilation_rate=[2, 2]),
             "c1": tk.nn.convolution(x1, W1, "VALID", strides=[2]),
             "c3": tk.nn.convolution(x3, W3, "VALID"),
             "p2": tk.nn.pool(x, [2, 3], "AVG", "SAME", strides=[2, 2]),
             "p1": tk.nn.pool(x1, [3], "MAX", "VALID", strides=[2]),
             "p3": tk.nn.pool(x3, [2, 2, 2], "MAX", "SAME", strides=[2, 2, 2])}
        with tk.Session() as sess:
            return sess.run(r)


@pytest.mark.parametrize("name", sorted(TF))
def test_equals_tf(results, name):
    v = np.asarray(results[name])
    if name.startswith("a"):
        head, total = TF[name]
        assert v.dtype == np.int64 and v.reshape(-1)[:12].tolist() == head
        assert int(v.sum()) == total
        return
    shape, total, weighted = TF[name]
    vv = v.astype(np.float64)
    assert v.shape == shape
    np.testing.assert_allclose(vv.sum(), total, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose((vv * np.arange(vv.size).reshape(vv.shape)).sum(), weighted,
                               rtol=1e-6)


def test_argmax_output_has_max_pools_gradient():
    x = tk.constant(X)
    out, _ = tk.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    (g,) = tk.gradients(tk.reduce_sum(out), [x])
    with tk.Session() as sess:
        assert sess.run(g).sum() == out.shape.num_elements()
