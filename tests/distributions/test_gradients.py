"""Gradients of log_prob, cdf, entropy and the KL divergences of tk.distributions w.r.t.
their parameters (and the value) equal central finite differences in float64
(tests/autodiff/gradcheck.py), at points with broadcast batch shapes."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = tk.distributions
A = np.array([[0.7], [2.5]])          # a [2, 1] parameter
B = np.array([1.3, 0.6, 3.0])         # a [3] parameter, broadcasting to [2, 3]
X = np.array([0.35, 0.8, 1.7])        # values in every support used below
P = np.array([0.3, 0.55, 0.9])        # values in (0, 1)
LOC = np.array([[-0.5], [1.0]])


CASES = {
    "normal_log_prob": (lambda m, s, x: D.Normal(m, s).log_prob(x), [LOC, B, X]),
    "normal_log_cdf": (lambda m, s, x: D.Normal(m, s).log_cdf(x), [LOC, B, X]),
    "normal_entropy": (lambda m, s: D.Normal(m, s).entropy(), [LOC, B]),
    "laplace_log_prob": (lambda m, s, x: D.Laplace(m, s).log_prob(x), [LOC, B, X]),
    "laplace_cdf": (lambda m, s, x: D.Laplace(m, s).cdf(x), [LOC, B, X]),
    "uniform_log_prob": (lambda lo, hi, x: D.Uniform(lo, hi).log_prob(x),
                         [A * 0.0 - 1.0, B + 2.0, X]),
    "gamma_log_prob": (lambda a, b, x: D.Gamma(a, b).log_prob(x), [A, B, X]),
    "gamma_entropy": (lambda a, b: D.Gamma(a, b).entropy(), [A, B]),
    "gamma_cdf": (lambda a, b, x: D.Gamma(a, b).cdf(x), [A, B, X]),
    "exponential_log_prob": (lambda r, x: D.Exponential(r).log_prob(x), [B, X]),
    "beta_log_prob": (lambda a, b, x: D.Beta(a, b).log_prob(x), [A, B, P]),
    "beta_entropy": (lambda a, b: D.Beta(a, b).entropy(), [A, B]),
    "beta_cdf_in_x": (lambda x: D.Beta(tk.constant(np.tile(A, 3)),
                                       tk.constant(np.tile(B, (2, 1)))).cdf(x),
                      [np.tile(P, (2, 1))]),
    "student_t_log_prob": (lambda df, m, s, x: D.StudentT(df, m, s).log_prob(x),
                           [A + 1.0, LOC, B, X]),
    "student_t_entropy": (lambda df, s: D.StudentT(df, np.float64(0.0), s).entropy(), [A + 1.0, B]),
    "bernoulli_log_prob": (lambda lg: D.Bernoulli(logits=lg).log_prob([[1], [0]]),
                           [np.array([-1.0, 0.4, 2.0])]),
    "bernoulli_probs": (lambda p: D.Bernoulli(probs=p).log_prob([[1], [0]]), [P]),
    "categorical_log_prob": (lambda lg: D.Categorical(logits=lg).log_prob([[0, 2], [1, 1]]),
                             [np.array([[0.1, 1.0, -0.7], [0.5, 0.0, 2.0]])]),
    "dirichlet_log_prob": (lambda c, x: D.Dirichlet(c).log_prob(x),
                           [np.array([[1.5, 0.7, 3.0], [2.0, 2.0, 0.9]]),
                            np.array([0.2, 0.5, 0.3])]),
    "dirichlet_entropy": (lambda c: D.Dirichlet(c).entropy(), [np.array([1.5, 0.7, 3.0])]),
    "multinomial_log_prob": (lambda lg: D.Multinomial(np.float64(4.0), logits=lg).log_prob(
        tk.constant([1.0, 0.0, 3.0], tk.float64)), [np.array([0.3, -1.0, 0.8])]),
    "kl_normal": (lambda m1, s1, m2, s2: D.kl_divergence(D.Normal(m1, s1), D.Normal(m2, s2)),
                  [LOC, B, np.array([0.2, 0.0, -1.0]), A + 0.5]),
    "kl_bernoulli": (lambda a, b: D.kl_divergence(D.Bernoulli(logits=a),
                                                  D.Bernoulli(logits=b)),
                     [LOC, np.array([0.3, -2.0, 1.0])]),
    "kl_categorical": (lambda a, b: D.kl_divergence(D.Categorical(logits=a),
                                                    D.Categorical(logits=b)),
                       [np.array([[0.1, 1.0, -0.7], [0.5, 0.0, 2.0]]),
                        np.array([0.3, -0.2, 0.0])]),
    "kl_gamma": (lambda a1, b1, a2, b2: D.kl_divergence(D.Gamma(a1, b1), D.Gamma(a2, b2)),
                 [A, B, B + 0.5, A + 1.0]),
    "kl_beta": (lambda a1, b1, a2, b2: D.kl_divergence(D.Beta(a1, b1), D.Beta(a2, b2)),
                [A, B, B + 0.5, A + 1.0]),
    "kl_dirichlet": (lambda c1, c2: D.kl_divergence(D.Dirichlet(c1), D.Dirichlet(c2)),
                     [np.array([[1.5, 0.7, 3.0], [2.0, 2.0, 0.9]]),
                      np.array([1.0, 2.0, 0.5])]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    fn, arrays = CASES[name]
    check_grad(fn, *[np.asarray(a, np.float64) for a in arrays], rtol=1e-5, atol=1e-7)
