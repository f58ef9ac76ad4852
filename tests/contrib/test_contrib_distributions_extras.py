"""tk.contrib.distributions' Independent, the *WithSoftplus* convenience classes and the
parameter helpers, against NumPy closed forms (float64) and TF 1.15's documented
examples (the ``fill_triangular`` matrices are the ones in its docstring)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = tk.contrib.distributions


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def _c(x):
    return tk.constant(np.asarray(x, np.float64))


def _softplus(x):
    return np.log1p(np.exp(x))


LOC = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]])
SCALE = np.array([[1.0, 2.0, 0.5], [0.7, 1.5, 3.0]])
X = np.array([0.1, -0.4, 1.3])


def _normal_log_prob(x, m, s):
    """-0.5 ((x - m) / s)^2 - log s - 0.5 log(2 pi)."""
    return -0.5 * ((x - m) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)


def test_independent_normal_is_a_diagonal_mvn():
    """Independent(Normal, 1): log p = sum of the normal log densities over the last axis,
    H = sum of 0.5 log(2 pi e s^2), KL(Ind || Ind) = sum of normal KLs
    (log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2); equal to MultivariateNormalDiag."""
    ind = D.Independent(D.Normal(_c(LOC), _c(SCALE)), reinterpreted_batch_ndims=1)
    assert ind.batch_shape.as_list() == [2] and ind.event_shape.as_list() == [3]
    assert ind.name == "IndependentNormal/"
    other = D.Independent(D.Normal(_c(LOC[::-1]), _c(SCALE[::-1])), 1)
    mvn = D.MultivariateNormalDiag(_c(LOC), _c(SCALE))
    lp, h, kl, mvn_lp, mean, sd = _run([ind.log_prob(_c(X)), ind.entropy(),
                                        D.kl_divergence(ind, other), mvn.log_prob(_c(X)),
                                        ind.mean(), ind.stddev()])
    np.testing.assert_allclose(lp, _normal_log_prob(X, LOC, SCALE).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(lp, mvn_lp, rtol=1e-12)
    np.testing.assert_allclose(h, (0.5 * np.log(2 * np.pi * np.e * SCALE ** 2)).sum(-1),
                               rtol=1e-12)
    m2, s2 = LOC[::-1], SCALE[::-1]
    want_kl = (np.log(s2 / SCALE) + (SCALE ** 2 + (LOC - m2) ** 2) / (2 * s2 ** 2)
               - 0.5).sum(-1)
    np.testing.assert_allclose(kl, want_kl, rtol=1e-12)
    np.testing.assert_allclose(mean, LOC)
    np.testing.assert_allclose(sd, SCALE)
    x = ind.sample([4, 5], seed=1)
    assert x.shape.as_list() == [4, 5, 2, 3]
    assert _run(ind.log_prob(x)).shape == (4, 5, 2)


def test_independent_default_reinterprets_all_but_the_first_batch_axis():
    """TF 1.15: reinterpreted_batch_ndims=None moves every batch axis but the first."""
    d = D.Independent(D.Bernoulli(logits=_c(np.zeros((8, 4, 5)))))
    assert d.reinterpreted_batch_ndims == 2
    assert d.batch_shape.as_list() == [8] and d.event_shape.as_list() == [4, 5]
    np.testing.assert_allclose(_run(d.log_prob(np.ones((8, 4, 5), np.int32))),
                               np.full(8, 20 * np.log(0.5)), rtol=1e-12)
    assert _run(d.event_shape_tensor()).tolist() == [4, 5]
    assert _run(d.batch_shape_tensor()).tolist() == [8]


@pytest.mark.parametrize("make,error,match", [
    (lambda: D.Independent(D.Normal([0.0], 1.0), 2), ValueError, "cannot exceed"),
    (lambda: D.Independent(D.Normal([0.0], 1.0), -1), ValueError, "non-negative"),
    (lambda: D.Independent(D.Normal([0.0], 1.0), 1.0), TypeError, "must be an int"),
    (lambda: D.kl_divergence(D.Independent(D.Normal([[0.0, 1.0]], 1.0), 1),
                             D.Independent(D.Normal([[0.0, 1.0]], 1.0), 2)),
     NotImplementedError, "equal, fully defined event shapes"),
    (lambda: D.fill_triangular([1.0, 2.0, 3.0, 4.0]), ValueError, "triangular matrix"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_softplus_variants_map_their_parameters():
    """Each class equals its base at the mapped parameters: softplus for positive ones,
    sigmoid for Bernoulli probabilities, floor(|df|) for degrees of freedom."""
    raw = np.array([-1.0, 0.0, 2.0])
    sp = _softplus(raw)
    x = np.array([0.3, 0.6, 0.9])
    cases = [
        (D.NormalWithSoftplusScale(_c(0.2), _c(raw)), _normal_log_prob(x, 0.2, sp)),
        (D.LaplaceWithSoftplusScale(_c(0.2), _c(raw)),
         -np.abs(x - 0.2) / sp - np.log(2 * sp)),
        (D.ExponentialWithSoftplusRate(_c(raw)), np.log(sp) - sp * x),
        (D.GammaWithSoftplusConcentrationRate(_c(raw), _c(raw[::-1])),
         sp * np.log(sp[::-1]) - np.vectorize(math.lgamma)(sp) + (sp - 1) * np.log(x)
         - sp[::-1] * x),
        (D.BetaWithSoftplusConcentration(_c(raw), _c(raw[::-1])),
         (sp - 1) * np.log(x) + (sp[::-1] - 1) * np.log1p(-x)
         - (np.vectorize(math.lgamma)(sp) + np.vectorize(math.lgamma)(sp[::-1])
            - np.vectorize(math.lgamma)(sp + sp[::-1]))),
        (D.InverseGammaWithSoftplusConcentrationRate(_c(raw), _c(raw[::-1])),
         sp * np.log(sp[::-1]) - np.vectorize(math.lgamma)(sp) - (sp + 1) * np.log(x)
         - sp[::-1] / x),
        (D.Chi2WithAbsDf(_c(-4.7)),   # df = floor(4.7) = 4: log(x / 4) - x / 2
         np.log(x / 4) - x / 2),
    ]
    for d, want in cases:
        np.testing.assert_allclose(_run(d.log_prob(_c(x))), want, rtol=1e-12,
                                   err_msg=type(d).__name__)
    b = D.BernoulliWithSigmoidProbs(_c(raw))
    np.testing.assert_allclose(_run(b.probs), 1 / (1 + np.exp(-raw)), rtol=1e-12)
    t = D.StudentTWithAbsDfSoftplusScale(_c(-3.5), _c(0.0), _c(0.0))
    np.testing.assert_allclose(_run([t.df, t.scale]), [3.0, np.log(2.0)], rtol=1e-12)
    m = D.MultivariateNormalDiagWithSoftplusScale(_c([0.0, 1.0, 2.0]), _c(raw))
    np.testing.assert_allclose(_run(m.stddev()), sp, rtol=1e-12)
    n = D.NormalWithSoftplusScale(0.0, 0.0)
    assert n.parameters["scale"] == 0.0 and n.name.startswith("NormalWithSoftplusScale")


def test_fill_triangular_follows_tf_order():
    """TF 1.15's docstring: fill_triangular([1..6]) = [[4, 0, 0], [6, 5, 0], [3, 2, 1]],
    upper=True: [[1, 2, 3], [0, 5, 6], [0, 0, 4]]; batches are filled per row."""
    x = np.arange(1.0, 7.0)
    lower, upper, batch = _run([D.fill_triangular(x), D.fill_triangular(x, upper=True),
                                D.fill_triangular(np.stack([x, -x]))])
    assert lower.tolist() == [[4, 0, 0], [6, 5, 0], [3, 2, 1]]
    assert upper.tolist() == [[1, 2, 3], [0, 5, 6], [0, 0, 4]]
    np.testing.assert_array_equal(batch, np.stack([lower, -lower]))
    # every entry is used exactly once
    assert sorted(lower[np.tril_indices(3)].tolist()) == x.tolist()
    assert _run(D.fill_triangular([7.0])).tolist() == [[7.0]]


def test_matrix_diag_transform_and_softplus_inverse():
    """softplus on the diagonal only; softplus_inverse(y) = log(e^y - 1), also at y = 50
    (where e^y - 1 rounds to e^y: the answer is 50)."""
    m = np.array([[-1.0, 5.0], [2.0, 0.5]])
    got = _run(D.matrix_diag_transform(_c(m), transform=tk.nn.softplus))
    np.testing.assert_allclose(got, [[_softplus(-1.0), 5.0], [2.0, _softplus(0.5)]],
                               rtol=1e-12)
    np.testing.assert_array_equal(_run(D.matrix_diag_transform(_c(m))), m)
    y = np.array([0.1, 1.0, 50.0])
    np.testing.assert_allclose(_run(D.softplus_inverse(_c(y))),
                               [np.log(np.expm1(0.1)), np.log(np.expm1(1.0)), 50.0],
                               rtol=1e-12)


def test_vae_style_tril_from_a_vector_has_finite_difference_gradients():
    """MVNTriL(loc, matrix_diag_transform(fill_triangular(v), softplus)).log_prob, the VAE
    full-covariance posterior, differentiated w.r.t. v and loc."""
    def fn(v, loc):
        tril = D.matrix_diag_transform(D.fill_triangular(v), transform=tk.nn.softplus)
        return D.MultivariateNormalTriL(loc, tril).log_prob(_c([0.3, -0.2, 1.0]))
    check_grad(fn, np.array([0.5, -0.3, 0.2, 1.0, 0.1, -0.7]), np.array([0.1, 0.0, -0.4]),
               rtol=1e-5, atol=1e-7)
