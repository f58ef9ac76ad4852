"""xlogy/xdivy/multiply_no_nan/reciprocal_no_nan, reduce_euclidean_norm, polyval,
monotonicity checks, repeat, unravel_index, unique_with_counts, histogram_fixed_width,
lgamma/digamma, qr and the orthogonal initializer: values equal to TF 2.21
(tf.compat.v1, the same inputs; recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = [0., 2., 0., -1.5]
Y = [0., 3., np.inf, 0.5]
Z = [0.5, 1., 2.5, 7., -0.5, -2.3]
WANT = {
    "xlogy": [0.0, 2.1972245773, 0.0, 1.0397207708], "xdivy": [0.0, 0.6666666667, 0.0, -3.0],
    "mnn": [0.0, 6.0, 0.0], "rnn": [0.0, 0.25, -0.5], "ren": [5.0, 10.0],
    "pv": [3.0, 2.0, 3.0], "nd": True, "si": False, "rep": [[1, 2], [1, 2], [3, 4]],
    "rep2": [1, 1, 2, 2, 3, 3, 4, 4], "ur": [[1, 1, 0], [1, 3, 0]], "uc_y": [4, 1, 2],
    "uc_i": [0, 1, 0, 2, 1, 0], "uc_c": [3, 2, 1], "hist": [2, 1, 1, 0, 3],
    "lg": [0.5723649429, 0.0, 0.2846828705, 6.579251212, 1.2655121235, 0.3695666635],
    "dg": [-1.963510026, -0.5772156649, 0.7031566406, 1.8727843351, 0.036489974,
           3.3173231576],
    "xl_gx": [0.0, 2.1972245773, 0.0, -2.7725887222], "xl_gy": [0.0, 1.3333333333, 0.0, -12.0],
    "q": [[-0.1690308509, 0.8970852271], [-0.5070925528, 0.2760262237],
          [-0.8451542547, -0.3450327797]],
    "r": [[-5.9160797831, -7.4373574416], [0.0, 0.8280786712]]}


def _ops():
    x, y = tk.constant(X, tk.float64), tk.constant(Y, tk.float64)
    z = tk.constant(Z, tk.float64)
    r = {"xlogy": tk.math.xlogy(x, y), "xdivy": tk.math.xdivy(x, y),
         "mnn": tk.math.multiply_no_nan(tk.constant([np.inf, 2., np.nan], tk.float64),
                                        tk.constant([0., 3., 0.], tk.float64)),
         "rnn": tk.math.reciprocal_no_nan(tk.constant([0., 4., -2.], tk.float64)),
         "ren": tk.math.reduce_euclidean_norm(tk.constant([[3., 4.], [6., 8.]]), axis=1),
         "pv": tk.math.polyval([1., -2., 3.], tk.constant([0., 1., 2.])),
         "nd": tk.is_non_decreasing([1, 2, 2, 3]), "si": tk.is_strictly_increasing([1, 2, 2, 3]),
         "rep": tk.repeat([[1, 2], [3, 4]], [2, 1], axis=0),
         "rep2": tk.repeat([[1, 2], [3, 4]], 2), "ur": tk.unravel_index([5, 7, 0], [2, 4]),
         "hist": tk.histogram_fixed_width([-1., 0., 1.5, 2., 5., 5., 9.], [0., 5.], nbins=5),
         "lg": tk.lgamma(z), "dg": tk.digamma(z)}
    r["uc_y"], r["uc_i"], r["uc_c"] = tk.unique_with_counts([4, 1, 4, 2, 1, 4])
    r["xl_gx"], r["xl_gy"] = tk.gradients(tk.reduce_sum(tk.math.xlogy(x, y) * [1., 2., 3., 4.]),
                                          [x, y])
    r["q"], r["r"] = tk.qr(tk.constant([[1., 2.], [3., 4.], [5., 6.]], tk.float64))
    return r


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        ops = _ops()
        with tk.Session() as sess:
            return sess.run(ops)


@pytest.mark.parametrize("name", sorted(WANT))
def test_equals_tf(results, name):
    got = np.asarray(results[name])
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, WANT[name], rtol=1e-8, atol=1e-9)
    else:
        assert got.tolist() == WANT[name]


def test_lgamma_gradient_is_digamma_and_ensure_shape():
    check_grad(tk.lgamma, np.array([0.7, 3.2, -1.5]))
    p = tk.placeholder(tk.float32, [None, 3])
    e = tk.ensure_shape(p, [2, 3])
    assert e.shape.as_list() == [2, 3]
    with tk.Session() as sess:
        assert sess.run(e, {p: np.ones((2, 3))}).shape == (2, 3)
        with pytest.raises(tk.errors.InvalidArgumentError, match="not compatible"):
            sess.run(e, {p: np.ones((4, 3))})
    assert tk.parallel_stack([[1], [2]]).shape.as_list() == [2, 1]


@pytest.mark.parametrize("shape", [(6, 4), (3, 7), (2, 3, 5)])
def test_orthogonal_initializer_is_orthogonal(shape):
    w = tk.get_variable(f"w{len(shape)}_{shape[0]}", shape,
                        initializer=tk.orthogonal_initializer(gain=2.0, seed=1))
    u = tk.get_variable(f"u{len(shape)}_{shape[0]}", shape,
                        initializer=tk.uniform_unit_scaling_initializer(1.5, seed=2))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        m, uv = sess.run([w, u])
    flat = m.reshape(-1, shape[-1]).astype(np.float64) / 2.0
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)
    bound = 1.5 * np.sqrt(3.0 / np.prod(shape[:-1]))
    assert np.abs(uv).max() <= bound and np.abs(uv).max() > 0.5 * bound
