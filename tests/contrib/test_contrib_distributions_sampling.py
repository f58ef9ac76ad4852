"""Samples of tk.contrib.distributions have the right distribution, and reparameterized
samples carry gradients.

trainkit's random streams differ from TF's, so samples are checked statistically with
fixed seeds (each test is deterministic):

* continuous scalars: the Kolmogorov-Smirnov distance between N = 20000 samples and the
  ``cdf`` (checked against closed forms in test_contrib_distributions_values.py) must be
  below 1.95 / sqrt(N), the 0.1% critical value;
* multivariate normals: every projection ``a^T x`` is normal with variance ``a^T C a``, so
  the KS test applies to a few fixed projections; the sample mean is within 5 standard
  errors ``sqrt(C_ii / N)`` and the sample covariance within 5 standard errors
  ``sqrt((C_ij^2 + C_ii C_jj) / N)`` (the variance of a product of two centred normals);
* discrete: each frequency within 5 standard errors ``sqrt(p (1 - p) / N)`` (a 1 in 1.7
  million event for a right sampler);
* Gumbel-softmax: the argmax of a RelaxedOneHotCategorical draw is exactly
  Categorical(probs) (the Gumbel-max trick), so its frequencies are tested the same way.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk

D = tk.contrib.distributions
N = 20000
KS_CRITICAL = 1.95 / np.sqrt(N)


def _c(x):
    return tk.constant(np.asarray(x, np.float64))


def _ks_against(xs, cdf_fn):
    xs = np.sort(xs, axis=0)
    cdf = cdf_fn(xs)
    n = xs.shape[0]
    k = np.arange(1, n + 1, dtype=np.float64).reshape((n,) + (1,) * (xs.ndim - 1))
    return np.max(np.maximum(k / n - cdf, cdf - (k - 1) / n), axis=0)


def _ks(dist, seed=7):
    with tk.Session() as s:
        xs = s.run(dist.sample(N, seed=seed))
        return _ks_against(xs, lambda v: s.run(dist.cdf(tk.constant(v, dist.dtype))))


@pytest.mark.parametrize("make", [
    lambda: D.Logistic(_c([0.0, 3.0]), _c([1.0, 0.2])),
    lambda: D.Gumbel(_c([-1.0, 2.0]), _c(1.5)),
    lambda: D.HalfNormal(_c([0.5, 3.0])),
    lambda: D.InverseGamma(_c([1.5, 4.0]), _c([2.0, 0.5])),
    lambda: D.Chi2(_c([1.0, 6.0])),
    lambda: D.LogNormal(_c([0.0, 1.0]), _c([0.5, 1.5])),
    lambda: D.RelaxedBernoulli(_c([0.3, 2.0]), logits=_c([0.5, -1.0])),
    lambda: D.TransformedDistribution(D.Normal(_c(0.0), _c(1.0)), D.bijectors.Softplus()),
    lambda: D.Logistic(0.5, 2.0),  # float32
], ids=["logistic", "gumbel", "half_normal", "inverse_gamma", "chi2", "log_normal",
        "relaxed_bernoulli", "softplus_normal", "logistic_f32"])
def test_continuous_samples_pass_ks(make):
    assert np.all(_ks(make()) < KS_CRITICAL)


def test_ks_rejects_a_wrong_temperature():
    """The KS check has power: RelaxedBernoulli samples at t = 0.5 against the cdf at
    t = 0.6 fail."""
    d = D.RelaxedBernoulli(_c(0.5), logits=_c(0.5))
    other = D.RelaxedBernoulli(_c(0.6), logits=_c(0.5))
    with tk.Session() as s:
        xs = s.run(d.sample(N, seed=7))
        assert _ks_against(xs, lambda v: s.run(other.cdf(_c(v)))) > KS_CRITICAL


def _normal_cdf(x, mean, var):
    """Phi((x - mean) / sqrt(var)) = erfc(-(x - mean) / sqrt(2 var)) / 2."""
    return 0.5 * np.vectorize(math.erfc)(-(x - mean) / np.sqrt(2 * var))


LOC = np.array([0.5, -1.0, 2.0])
TRIL = np.array([[1.2, 0.0, 0.0], [0.4, 0.8, 0.0], [-0.3, 0.6, 1.5]])
COV = TRIL @ TRIL.T


@pytest.mark.parametrize("make,cov", [
    (lambda: D.MultivariateNormalTriL(_c(LOC), _c(TRIL)), COV),
    (lambda: D.MultivariateNormalFullCovariance(_c(LOC), _c(COV)), COV),
    (lambda: D.MultivariateNormalDiag(_c(LOC), _c([0.5, 2.0, 1.0]), _c(0.5)),
     np.diag([1.0, 2.5, 1.5]) ** 2),
], ids=["tril", "full_covariance", "diag"])
def test_mvn_samples(make, cov):
    d = make()
    with tk.Session() as s:
        xs = s.run(d.sample(N, seed=3))
    assert xs.shape == (N, 3)
    se_mean = np.sqrt(np.diag(cov) / N)
    assert np.all(np.abs(xs.mean(0) - LOC) < 5 * se_mean)
    centred = xs - LOC
    emp = centred.T @ centred / N
    se_cov = np.sqrt((cov ** 2 + np.outer(np.diag(cov), np.diag(cov))) / N)
    assert np.all(np.abs(emp - cov) < 5 * se_cov), (emp, cov)
    for a in (np.array([1.0, 0.0, 0.0]), np.array([0.3, -1.0, 0.6]),
              np.array([0.0, 0.5, 0.5])):
        proj = xs @ a
        dist = _ks_against(proj, lambda v, a=a: _normal_cdf(v, a @ LOC, a @ cov @ a))
        assert dist < KS_CRITICAL


def _freq_within(counts, p, n, z=5.0):
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(counts / n - p) <= z * se), (counts / n, p)


def test_one_hot_categorical_frequencies():
    logits = np.array([[0.2, -1.0, 1.5], [0.0, 0.0, 0.0]])
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    d = D.OneHotCategorical(logits=_c(logits))
    with tk.Session() as s:
        xs = s.run(d.sample(N, seed=5))
    assert xs.shape == (N, 2, 3) and xs.dtype == np.int32
    assert np.all(xs.sum(-1) == 1)
    _freq_within(xs.sum(0), p, N)


def test_gumbel_softmax_argmax_is_categorical_and_points_on_simplex():
    """argmax softmax((logits + G) / t) ~ Categorical(softmax(logits)) for any t; the
    relaxed points sum to 1, and the log-space points log-sum-exp to 0."""
    logits = np.array([0.5, -0.3, 1.2, 0.0])
    p = np.exp(logits) / np.exp(logits).sum()
    d = D.RelaxedOneHotCategorical(_c(0.4), logits=_c(logits))
    e = D.ExpRelaxedOneHotCategorical(_c(2.0), probs=_c(p))
    with tk.Session() as s:
        ys, ls = s.run([d.sample(N, seed=9), e.sample(N, seed=10)])
    np.testing.assert_allclose(ys.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.log(np.exp(ls).sum(-1)), 0.0, atol=1e-12)
    counts = np.bincount(ys.argmax(-1), minlength=4)
    _freq_within(counts, p, N)
    _freq_within(np.bincount(ls.argmax(-1), minlength=4), p, N)


@pytest.mark.parametrize("make,pmf", [
    (lambda: D.Poisson(rate=_c(2.5)),
     lambda k: 2.5 ** k * np.exp(-2.5) / np.array([np.prod(np.arange(1, j + 1)) for j in k])),
    (lambda: D.Geometric(probs=_c(0.3)), lambda k: 0.7 ** k * 0.3),
], ids=["poisson", "geometric"])
def test_count_frequencies(make, pmf):
    with tk.Session() as s:
        xs = s.run(make().sample(N, seed=4))
    assert np.all(xs == np.floor(xs)) and xs.min() >= 0
    k = np.arange(8)
    counts = np.array([(xs == j).sum() for j in k])
    _freq_within(counts, pmf(k), N)


def test_reparameterized_gradients():
    """d/dloc of mean(sum(x)) is 1 per coordinate for the MVN (x = loc + L z), and
    d/dL_ij is mean(z_j) for i >= j (0 above the diagonal, which is not read); for the
    RelaxedOneHotCategorical, samples depend on the logits, so the gradient exists and is
    non-zero; the Bernoulli-like count distributions are not reparameterized."""
    loc = tk.Variable(LOC)
    tril = tk.Variable(TRIL)
    d = D.MultivariateNormalTriL(loc, tril)
    x = d.sample(1000, seed=2)
    g_loc, g_tril = tk.gradients(tk.reduce_mean(tk.reduce_sum(x, -1)), [loc, tril])
    logits = tk.Variable(np.array([0.1, 0.2, 0.3]))
    y = D.RelaxedOneHotCategorical(_c(0.5), logits=logits).sample(100, seed=1)
    (g_logits,) = tk.gradients(tk.reduce_mean(y[:, 0]), [logits])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        gl, gt, gz, xs = s.run([g_loc, g_tril, g_logits, x])
    np.testing.assert_allclose(gl, np.ones(3), rtol=1e-12)
    z_mean = np.linalg.solve(TRIL, (xs - LOC).T).mean(1)
    np.testing.assert_allclose(gt, np.tril(np.broadcast_to(z_mean, (3, 3))), atol=1e-12)
    assert gz[0] > 0 and gz[1] < 0 and gz[2] < 0
    assert d.reparameterization_type is D.FULLY_REPARAMETERIZED
    for dist in (D.Poisson(rate=1.0), D.Geometric(probs=0.5), D.OneHotCategorical(
            logits=[0.0, 1.0])):
        assert dist.reparameterization_type is D.NOT_REPARAMETERIZED
    for dist in (D.RelaxedBernoulli(0.5, logits=0.0), D.Logistic(0.0, 1.0),
                 D.Gumbel(0.0, 1.0), D.HalfNormal(1.0), D.LogNormal(0.0, 1.0)):
        assert dist.reparameterization_type is D.FULLY_REPARAMETERIZED
