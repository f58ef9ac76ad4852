"""Binomial, NegativeBinomial and Cauchy of tk.contrib.distributions against NumPy
closed forms (float64; formulas beside each case), samples by frequency (5 standard
errors) or KS (1.95 / sqrt(N)) checks with fixed seeds, gradients by finite differences,
and their typed errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = tk.contrib.distributions
N = 20000
INVALID = tk.errors.InvalidArgumentError


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def _c(x):
    return tk.constant(np.asarray(x, np.float64))


K = np.arange(0.0, 7.0)


def test_binomial():
    """P[k] = C(n, k) p^k (1 - p)^(n - k); cdf(k) = sum_{j <= floor(k)} P[j] (0 below 0, 1
    from n); mean n p; var n p (1 - p); mode floor((n + 1) p)."""
    n, p = 6.0, 0.35
    pmf = np.array([math.comb(6, int(k)) * p ** k * (1 - p) ** (n - k) for k in K])
    for d in (D.Binomial(_c(n), probs=_c(p)), D.Binomial(_c(n), logits=_c(np.log(p / (1 - p))))):
        got = _run([d.prob(_c(K)), d.cdf(_c(np.append(K, [-1.0, 2.5, 9.0]))), d.mean(),
                    d.variance(), d.mode()])
        np.testing.assert_allclose(got[0], pmf, rtol=1e-12)
        np.testing.assert_allclose(got[1], np.append(np.cumsum(pmf),
                                                     [0.0, pmf[:3].sum(), 1.0]), rtol=1e-10)
        np.testing.assert_allclose(got[2:], [n * p, n * p * (1 - p), 2.0], rtol=1e-12)


def test_negative_binomial():
    """P[s] = Gamma(s + f) / (s! Gamma(f)) p^s (1 - p)^f; cdf = partial sums; mean
    f p / (1 - p); var mean / (1 - p); mode floor((f - 1) p / (1 - p)) for f > 1."""
    f, p = 2.5, 0.6
    pmf = np.array([math.exp(math.lgamma(s + f) - math.lgamma(s + 1) - math.lgamma(f))
                    * p ** s * (1 - p) ** f for s in K])
    d = D.NegativeBinomial(_c(f), probs=_c(p))
    got = _run([d.prob(_c(K)), d.cdf(_c(K)), d.mean(), d.variance(), d.mode(),
                d.cdf(_c(-2.0))])
    np.testing.assert_allclose(got[0], pmf, rtol=1e-12)
    np.testing.assert_allclose(got[1], np.cumsum(pmf), rtol=1e-10)
    mean = f * p / (1 - p)
    np.testing.assert_allclose(got[2:5], [mean, mean / (1 - p), math.floor(1.5 * p / (1 - p))],
                               rtol=1e-12)
    assert got[5] == 0.0
    xs = _run(d.sample(N, seed=6))
    counts = np.array([(xs == s).sum() for s in K])
    assert np.all(np.abs(counts / N - pmf) <= 5 * np.sqrt(pmf * (1 - pmf) / N))


def test_cauchy():
    """log p = -log(pi s) - log(1 + z^2); cdf = atan(z) / pi + 1/2; quantile
    m + s tan(pi (q - 1/2)); H = log(4 pi s); mean/variance NaN; samples pass KS."""
    m, s = 0.5, 2.0
    x = np.array([-3.0, 0.5, 4.0])
    z = (x - m) / s
    d = D.Cauchy(_c(m), _c(s))
    got = _run([d.log_prob(_c(x)), d.cdf(_c(x)), d.quantile(_c([0.1, 0.9])), d.entropy(),
                d.mean(), d.variance(), d.mode()])
    np.testing.assert_allclose(got[0], -np.log(np.pi * s) - np.log1p(z ** 2), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.arctan(z) / np.pi + 0.5, rtol=1e-12)
    np.testing.assert_allclose(got[2], m + s * np.tan(np.pi * np.array([-0.4, 0.4])),
                               rtol=1e-12)
    np.testing.assert_allclose(got[3], np.log(4 * np.pi * s), rtol=1e-12)
    assert np.isnan(got[4]) and np.isnan(got[5]) and got[6] == m
    with tk.Session() as sess:
        xs = np.sort(sess.run(d.sample(N, seed=2)))
        cdf = sess.run(d.cdf(_c(xs)))
    k = np.arange(1, N + 1)
    assert np.max(np.maximum(k / N - cdf, cdf - (k - 1) / N)) < 1.95 / np.sqrt(N)


CASES = {
    "binomial": (lambda n, lg: D.Binomial(n, logits=lg).log_prob(_c([1.0, 3.0, 4.0])),
                 [np.array([[4.0], [6.0]]), np.array([0.3, -1.0, 0.8])]),
    "negative_binomial": (lambda f, lg: D.NegativeBinomial(f, logits=lg).log_prob(
        _c([1.0, 3.0, 0.0])), [np.array([[1.5], [4.0]]), np.array([0.3, -1.0, 0.8])]),
    "cauchy": (lambda m, s, x: D.Cauchy(m, s).log_prob(x),
               [np.array([[0.1], [-1.0]]), np.array([0.5, 1.0, 2.0]), np.array([0.3, 1.2, -2.0])]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients(name):
    fn, arrays = CASES[name]
    check_grad(fn, *arrays, rtol=1e-5, atol=1e-7)


def test_errors():
    with pytest.raises(NotImplementedError, match="sample_n is not implemented"):
        D.Binomial(4.0, probs=0.5).sample(seed=1)
    with pytest.raises(ValueError, match="Must pass probs or logits"):
        D.NegativeBinomial(2.0)
    with pytest.raises(INVALID, match="counts are not less than or equal to n"):
        _run(D.Binomial(4.0, probs=0.5, validate_args=True).log_prob(5.0))
    with pytest.raises(INVALID, match="x has non-integer components"):
        _run(D.NegativeBinomial(4.0, probs=0.5, validate_args=True).log_prob(1.5))
    with pytest.raises(INVALID, match="total_count has non-integer components"):
        _run(D.Binomial(2.5, probs=0.5, validate_args=True).mean())
    with pytest.raises(INVALID, match="mean not defined for the Cauchy"):
        _run(D.Cauchy(0.0, 1.0, allow_nan_stats=False).mean())
    with pytest.raises(INVALID, match="scale must be positive"):
        _run(D.Cauchy(0.0, -1.0, validate_args=True).log_prob(0.0))
    _run([D.Binomial(4.0, probs=0.5, validate_args=True).log_prob(4.0),
          D.NegativeBinomial(4.0, probs=0.5, validate_args=True).log_prob(7.0)])
