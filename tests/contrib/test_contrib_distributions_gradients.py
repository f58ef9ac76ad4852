"""Gradients of log_prob, entropy, cdf and KL of tk.contrib.distributions w.r.t. their
parameters (and the value) equal central finite differences in float64
(tests/autodiff/gradcheck.py), at points with broadcast batch shapes."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = tk.contrib.distributions
B = D.bijectors
LOC = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]])
DIAG = np.array([1.0, 2.0, 0.5])
TRIL = np.array([[1.2, 0.0, 0.0], [0.4, 0.8, 0.0], [-0.3, 0.6, 1.5]])
COV = TRIL @ TRIL.T
X3 = np.array([0.1, 0.2, 0.3])
S = np.array([[0.7], [2.5]])
XS = np.array([0.35, 0.8, 1.7])
LOGITS = np.array([[0.2, -1.0, 1.5], [0.0, 0.4, -0.3]])
Y = np.array([0.2, 0.5, 0.3])

CASES = {
    "mvn_diag_log_prob": (lambda m, d, x: D.MultivariateNormalDiag(m, d).log_prob(x),
                          [LOC, DIAG, X3]),
    "mvn_diag_multiplier": (lambda m, d, c: D.MultivariateNormalDiag(m, d, c).entropy(),
                            [LOC, DIAG, np.array(0.3)]),
    "mvn_tril_log_prob": (lambda m, s, x: D.MultivariateNormalTriL(m, s).log_prob(x),
                          [LOC, TRIL, X3]),
    "mvn_full_log_prob": (
        lambda m, c, x: D.MultivariateNormalFullCovariance(m, 0.5 * (c + tk.transpose(c))
                                                           ).log_prob(x), [LOC, COV, X3]),
    "mvn_tril_entropy": (lambda s: D.MultivariateNormalTriL(scale_tril=s).entropy(), [TRIL]),
    "kl_mvn_diag": (lambda m1, d1, m2, d2: D.kl_divergence(D.MultivariateNormalDiag(m1, d1),
                                                           D.MultivariateNormalDiag(m2, d2)),
                    [LOC, DIAG, LOC[::-1], DIAG[::-1] + 0.2]),
    "kl_mvn_tril": (lambda m1, s1, m2, s2: D.kl_divergence(D.MultivariateNormalTriL(m1, s1),
                                                           D.MultivariateNormalTriL(m2, s2)),
                    [LOC, TRIL, LOC[::-1], TRIL.T @ TRIL * np.tri(3) + np.eye(3)]),
    "logistic_log_prob": (lambda m, s, x: D.Logistic(m, s).log_prob(x), [S - 1.0, S, XS]),
    "logistic_cdf": (lambda m, s, x: D.Logistic(m, s).cdf(x), [S - 1.0, S, XS]),
    "gumbel_log_prob": (lambda m, s, x: D.Gumbel(m, s).log_prob(x), [S - 1.0, S, XS]),
    "half_normal_log_prob": (lambda s, x: D.HalfNormal(s).log_prob(x), [S, XS]),
    "inverse_gamma_log_prob": (lambda a, b, x: D.InverseGamma(a, b).log_prob(x),
                               [S + 1.0, XS, XS]),
    "chi2_log_prob": (lambda df, x: D.Chi2(df).log_prob(x), [S + 1.0, XS]),
    "log_normal_log_prob": (lambda m, s, x: D.LogNormal(m, s).log_prob(x), [S - 1.0, S, XS]),
    "poisson_log_prob": (lambda r: D.Poisson(rate=r).log_prob([[0.0, 2.0, 5.0]]), [S]),
    "geometric_log_prob": (lambda lg: D.Geometric(logits=lg).log_prob([[0.0, 2.0, 5.0]]),
                           [S - 1.0]),
    "one_hot_log_prob": (lambda lg: D.OneHotCategorical(logits=lg).log_prob([[0, 0, 1],
                                                                             [1, 0, 0]]),
                         [LOGITS]),
    "kl_one_hot": (lambda a, b: D.kl_divergence(D.OneHotCategorical(logits=a),
                                                D.OneHotCategorical(logits=b)),
                   [LOGITS, LOGITS[::-1]]),
    "relaxed_one_hot_log_prob": (
        lambda t, lg, y: D.RelaxedOneHotCategorical(t, logits=lg).log_prob(y),
        [np.array([0.7, 1.3]), LOGITS, Y]),
    "relaxed_bernoulli_log_prob": (
        lambda t, lg, y: D.RelaxedBernoulli(t, logits=lg).log_prob(y),
        [S * 0.5, S - 1.0, np.array([0.1, 0.5, 0.9])]),
    "affine_transformed_log_prob": (
        lambda b, s, y: D.TransformedDistribution(
            D.Normal(np.float64(0.0), np.float64(1.0)), B.Affine(shift=b, scale_tril=s),
            event_shape=[3]).log_prob(y), [LOC[0], TRIL, X3]),
    "softplus_transformed_log_prob": (
        lambda c, y: D.TransformedDistribution(
            D.Normal(np.float64(0.0), np.float64(1.0)),
            B.Softplus(hinge_softness=c)).log_prob(y), [np.array(0.8), XS]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    fn, arrays = CASES[name]
    check_grad(fn, *[np.asarray(a, np.float64) for a in arrays], rtol=1e-5, atol=1e-7)
