"""MixtureSameFamily and Mixture of tk.contrib.distributions against NumPy closed forms
(float64): log p = log sum_j pi_j p_j(x), mean = sum_j pi_j mu_j, variance by the law of
total variance, covariance = sum_j pi_j (C_j + (mu_j - mu)(mu_j - mu)^T); samples checked
by the KS distance to the mixture cdf (1.95 / sqrt(N), the 0.1% critical value) and by
5-standard-error moment bounds; gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = tk.contrib.distributions
N = 20000


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def _c(x):
    return tk.constant(np.asarray(x, np.float64))


LOGITS = np.array([[0.2, -0.5, 1.0], [0.0, 0.0, 0.0]])           # batch [2], k = 3
MU = np.array([[-2.0, 0.0, 1.5], [0.5, 1.0, 3.0]])
SD = np.array([[0.5, 1.0, 0.3], [1.2, 0.4, 0.8]])
X = np.array([[-1.0], [0.4], [2.0]])                             # sample [3] + batch [2]
PI = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)


def _npdf(x, m, s):
    return np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))


def _scalar_mixture():
    return D.MixtureSameFamily(D.Categorical(logits=_c(LOGITS)), D.Normal(_c(MU), _c(SD)))


def test_mixture_same_family_of_normals():
    """p(x) = sum_j pi_j N(x; mu_j, s_j); mean and variance as in the module docstring;
    cdf = sum_j pi_j Phi((x - mu_j) / s_j), so cdf(10) - cdf(-10) = 1 (all the mass lies
    within 9 standard deviations of every component; the cdf itself is KS-tested below)."""
    d = _scalar_mixture()
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == []
    lp, mean, var, cdf = _run([d.log_prob(_c(X)), d.mean(), d.variance(),
                               d.cdf(_c([[-10.0], [10.0]]))])
    want = np.log((PI * _npdf(X[..., None], MU, SD)).sum(-1))
    np.testing.assert_allclose(lp, want, rtol=1e-12)
    np.testing.assert_allclose(mean, (PI * MU).sum(-1), rtol=1e-12)
    m = (PI * MU).sum(-1, keepdims=True)
    np.testing.assert_allclose(var, (PI * (SD ** 2 + (MU - m) ** 2)).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(cdf[1] - cdf[0], [1.0, 1.0], rtol=1e-9)


def test_mixture_same_family_of_mvns():
    """Vector events: the components' log densities (MVN diag) mixed in log space; the
    covariance by the law of total covariance."""
    loc = np.array([[-1.0, 1.0], [2.0, 0.0]])
    sd = np.array([[0.5, 0.5], [1.0, 2.0]])
    lg = np.array([0.3, -0.1])
    pi = np.exp(lg) / np.exp(lg).sum()
    d = D.MixtureSameFamily(D.Categorical(logits=_c(lg)),
                            D.MultivariateNormalDiag(_c(loc), _c(sd)))
    assert d.batch_shape.as_list() == [] and d.event_shape.as_list() == [2]
    x = np.array([[0.0, 0.0], [1.0, -1.0]])
    lp, mean, cov, var = _run([d.log_prob(_c(x)), d.mean(), d.covariance(), d.variance()])
    dens = np.prod(_npdf(x[:, None, :], loc, sd), -1)               # [2 points, 2 comps]
    np.testing.assert_allclose(lp, np.log((pi * dens).sum(-1)), rtol=1e-12)
    mu = (pi[:, None] * loc).sum(0)
    np.testing.assert_allclose(mean, mu, rtol=1e-12)
    want_cov = sum(pi[j] * (np.diag(sd[j] ** 2) + np.outer(loc[j] - mu, loc[j] - mu))
                   for j in range(2))
    np.testing.assert_allclose(cov, want_cov, rtol=1e-12)
    np.testing.assert_allclose(var, np.diag(want_cov), rtol=1e-12)


def test_mixture_same_family_samples():
    """KS distance of N samples to the mixture cdf, per batch member."""
    d = _scalar_mixture()
    with tk.Session() as s:
        xs = np.sort(s.run(d.sample(N, seed=4)), axis=0)
        cdf = s.run(d.cdf(_c(xs)))
    k = np.arange(1, N + 1)[:, None]
    ks = np.max(np.maximum(k / N - cdf, cdf - (k - 1) / N), axis=0)
    assert np.all(ks < 1.95 / np.sqrt(N)), ks
    assert d.reparameterization_type is D.NOT_REPARAMETERIZED


def test_mixture_of_a_list():
    """Mixture(cat, [N(mu_j, s_j)]) equals the same-family mixture; entropy_lower_bound
    = sum_j pi_j 0.5 log(2 pi e s_j^2); sample mean within 5 standard errors."""
    comps = [D.Normal(_c(MU[:, j]), _c(SD[:, j])) for j in range(3)]
    d = D.Mixture(D.Categorical(logits=_c(LOGITS)), comps)
    assert d.num_components == 3
    lp, mean, var, elb, xs = _run([d.log_prob(_c(X)), d.mean(), d.variance(),
                                   d.entropy_lower_bound(), d.sample(N, seed=8)])
    np.testing.assert_allclose(lp, np.log((PI * _npdf(X[..., None], MU, SD)).sum(-1)),
                               rtol=1e-12)
    np.testing.assert_allclose(mean, (PI * MU).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(elb, (PI * 0.5 * np.log(2 * np.pi * np.e * SD ** 2)).sum(-1),
                               rtol=1e-12)
    assert np.all(np.abs(xs.mean(0) - mean) < 5 * np.sqrt(var / N))


@pytest.mark.parametrize("make,error,match", [
    (lambda: D.MixtureSameFamily(D.Categorical(logits=[0.0, 1.0]), D.Normal([0.0] * 3, 1.0)),
     ValueError, "does not equal"),
    (lambda: D.MixtureSameFamily(D.OneHotCategorical(logits=[0.0, 1.0]),
                                 D.Normal([0.0, 1.0], 1.0)),
     ValueError, "must have scalar `event_dim`s"),
    (lambda: D.MixtureSameFamily(D.Categorical(logits=[[0.0, 1.0]] * 3),
                                 D.Normal([[0.0, 1.0]] * 2, 1.0)),
     ValueError, "not compatible"),
    (lambda: D.Mixture(D.Categorical(logits=[0.0, 1.0]), []), TypeError, "non-empty list"),
    (lambda: D.Mixture(D.Categorical(logits=[0.0, 1.0]), [D.Normal(0.0, 1.0)]), ValueError,
     "num_classes"),
    (lambda: D.Mixture(D.Categorical(logits=[0.0, 1.0]),
                       [D.Normal(0.0, 1.0), D.MultivariateNormalDiag([0.0])]),
     ValueError, "same event shape"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_log_prob_gradient_matches_finite_differences():
    check_grad(lambda lg, m, s: D.MixtureSameFamily(D.Categorical(logits=lg),
                                                    D.Normal(m, s)).log_prob(_c(X)),
               LOGITS, MU, SD, rtol=1e-5, atol=1e-7)
