"""Densities, cdfs, entropies, moments and KLs of tk.contrib.distributions against
closed forms evaluated in NumPy (float64; each formula is written out beside its case).

TF 2.21 has no ``tf.contrib`` and TFP is not installed, so the references are the
textbook formulas that TF 1.15 ``tf.contrib.distributions`` / TFP 0.8 implement (their
docstrings state the same formulas); the multivariate normal references go through the
covariance matrix (``np.linalg.solve`` / ``slogdet``), not through the scale factor the
implementation uses, and the Concrete densities are also checked to integrate to 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk

D = tk.contrib.distributions
EULER = 0.5772156649015329
LGAMMA = np.vectorize(math.lgamma)


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def _c(x):
    return tk.constant(np.asarray(x, np.float64))


# -- multivariate normals --------------------------------------------------------------------
LOC = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]])                   # batch [2], k = 3
DIAG = np.array([[1.0, 2.0, 0.5], [0.7, 1.5, 3.0]])
TRIL = np.array([[1.2, 0.0, 0.0], [0.4, 0.8, 0.0], [-0.3, 0.6, 1.5]])
X = np.array([[[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]],
              [[-0.5, 2.0, 1.0], [0.0, 0.0, 0.0]]])                    # sample [2] + batch


def _mvn_log_prob(x, mu, cov):
    """-0.5 (x - mu)^T cov^-1 (x - mu) - 0.5 k log(2 pi) - 0.5 log det cov."""
    d = x - mu
    k = mu.shape[-1]
    maha = np.einsum("...i,...i->...", d, np.linalg.solve(cov, d[..., None])[..., 0])
    return -0.5 * maha - 0.5 * k * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(cov)[1]


def _mvn_entropy(cov):
    """0.5 log det(2 pi e cov)."""
    k = cov.shape[-1]
    return 0.5 * (k * np.log(2 * np.pi * np.e) + np.linalg.slogdet(cov)[1])


def _mvn_kl(mu_a, cov_a, mu_b, cov_b):
    """0.5 (tr(Cb^-1 Ca) + (mb - ma)^T Cb^-1 (mb - ma) - k + log det Cb - log det Ca)."""
    k = mu_a.shape[-1]
    d = mu_b - mu_a
    tr = np.trace(np.linalg.solve(cov_b, cov_a), axis1=-2, axis2=-1)
    maha = np.einsum("...i,...i->...", d, np.linalg.solve(cov_b, d[..., None])[..., 0])
    return 0.5 * (tr + maha - k + np.linalg.slogdet(cov_b)[1] - np.linalg.slogdet(cov_a)[1])


def _diag_cov(diag):
    return np.einsum("...i,ij->...ij", diag ** 2, np.eye(diag.shape[-1]))


COV_TRIL = TRIL @ TRIL.T
FULL_COV = np.array([[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 1.5]])

MVNS = {
    "diag": (lambda: D.MultivariateNormalDiag(_c(LOC), _c(DIAG)), LOC, _diag_cov(DIAG)),
    "diag_plus_multiplier": (
        lambda: D.MultivariateNormalDiag(_c(LOC), _c(DIAG), _c([0.5, -0.2])),
        LOC, _diag_cov(DIAG + np.array([[0.5], [-0.2]]))),
    "multiplier_only": (
        lambda: D.MultivariateNormalDiag(_c(LOC), scale_identity_multiplier=_c(2.0)),
        LOC, _diag_cov(np.full_like(LOC, 2.0))),
    # the upper triangle (here 9.0) is not read
    "tril": (lambda: D.MultivariateNormalTriL(_c(LOC), _c(TRIL + np.triu(np.full((3, 3), 9.0),
                                                                          1))),
             LOC, np.broadcast_to(COV_TRIL, (2, 3, 3))),
    "full_covariance": (lambda: D.MultivariateNormalFullCovariance(_c(LOC), _c(FULL_COV)),
                        LOC, np.broadcast_to(FULL_COV, (2, 3, 3))),
}


@pytest.mark.parametrize("case", sorted(MVNS))
def test_mvn_log_prob_entropy_and_moments(case):
    make, mu, cov = MVNS[case]
    d = make()
    lp, h, mean, c, var, sd, mode = _run([d.log_prob(_c(X)), d.entropy(), d.mean(),
                                          d.covariance(), d.variance(), d.stddev(), d.mode()])
    np.testing.assert_allclose(lp, _mvn_log_prob(X, mu, cov), rtol=1e-12)
    np.testing.assert_allclose(np.exp(lp), _run(d.prob(_c(X))), rtol=1e-12)
    np.testing.assert_allclose(h, _mvn_entropy(cov), rtol=1e-12)
    np.testing.assert_allclose(mean, mu)
    np.testing.assert_allclose(mode, mu)
    np.testing.assert_allclose(c, cov, rtol=1e-12)
    np.testing.assert_allclose(var, np.diagonal(cov, axis1=-2, axis2=-1), rtol=1e-12)
    np.testing.assert_allclose(sd, np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1)), rtol=1e-12)
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == [3]


def test_mvn_diag_defaults_to_identity_scale_and_zero_loc():
    """No scale arguments: scale = I; no loc: loc = 0 (the MVN docstring's rules)."""
    lp = _run(D.MultivariateNormalDiag(_c([1.0, 2.0])).log_prob(_c([0.0, 0.0])))
    np.testing.assert_allclose(lp, -0.5 * 5.0 - np.log(2 * np.pi))
    lp0 = _run(D.MultivariateNormalDiag(scale_diag=_c([2.0, 1.0])).log_prob(_c([2.0, 0.0])))
    np.testing.assert_allclose(lp0, -0.5 - np.log(2 * np.pi) - np.log(2.0))


@pytest.mark.parametrize("a,b", [("diag", "diag"), ("diag", "tril"), ("tril", "diag"),
                                 ("tril", "full_covariance"),
                                 ("diag_plus_multiplier", "multiplier_only")])
def test_mvn_kl_divergence(a, b):
    make_a, mu_a, cov_a = MVNS[a]
    make_b, mu_b, cov_b = MVNS[b]
    mu_b = mu_b[::-1]  # different means in each batch member
    if b == "full_covariance":
        db = D.MultivariateNormalFullCovariance(_c(mu_b), _c(FULL_COV))
    elif b == "tril":
        db = D.MultivariateNormalTriL(_c(mu_b), _c(TRIL))
    elif b == "diag":
        db = D.MultivariateNormalDiag(_c(mu_b), _c(DIAG))
    else:
        db = D.MultivariateNormalDiag(_c(mu_b), scale_identity_multiplier=_c(2.0))
    kl = _run(D.kl_divergence(make_a(), db))
    np.testing.assert_allclose(kl, _mvn_kl(mu_a, cov_a, mu_b, cov_b), rtol=1e-11)


def test_mvn_kl_of_a_distribution_with_itself_is_zero():
    d = MVNS["tril"][0]()
    np.testing.assert_allclose(_run(D.kl_divergence(d, d)), [0.0, 0.0], atol=1e-13)


# -- scalar distributions ---------------------------------------------------------------------
XS = np.array([0.2, 1.0, 3.5])


def _logistic():
    """z = (x - m) / s: log p = -z - 2 log(1 + e^-z) - log s; cdf = 1 / (1 + e^-z);
    H = log s + 2; mean m; sd s pi / sqrt 3."""
    m, s = 0.5, 2.0
    z = (XS - m) / s
    return (D.Logistic(_c(m), _c(s)), -z - 2 * np.log1p(np.exp(-z)) - np.log(s),
            1 / (1 + np.exp(-z)), np.log(s) + 2, m, s * np.pi / np.sqrt(3))


def _gumbel():
    """z = (x - m) / s: log p = -z - e^-z - log s; cdf = exp(-e^-z); H = log s + 1 + gamma;
    mean m + s gamma; sd s pi / sqrt 6."""
    m, s = -0.3, 1.5
    z = (XS - m) / s
    return (D.Gumbel(_c(m), _c(s)), -z - np.exp(-z) - np.log(s), np.exp(-np.exp(-z)),
            np.log(s) + 1 + EULER, m + s * EULER, s * np.pi / np.sqrt(6))


def _half_normal():
    """log p = 0.5 log(2/pi) - log s - x^2 / (2 s^2); cdf = erf(x / (s sqrt 2));
    H = 0.5 log(pi s^2 / 2) + 0.5; mean s sqrt(2/pi); sd s sqrt(1 - 2/pi)."""
    s = 1.5
    erf = np.vectorize(math.erf)
    return (D.HalfNormal(_c(s)), 0.5 * np.log(2 / np.pi) - np.log(s) - XS ** 2 / (2 * s * s),
            erf(XS / (s * np.sqrt(2))), 0.5 * np.log(np.pi * s * s / 2) + 0.5,
            s * np.sqrt(2 / np.pi), s * np.sqrt(1 - 2 / np.pi))


def _inverse_gamma():
    """a = 4, b = 2: log p = a log b - lgamma(a) - (a + 1) log x - b / x;
    cdf = Q(a, b / x) = exp(-z) (1 + z + z^2/2 + z^3/6) for integer a = 4, z = b / x;
    H = a + log b + lgamma(a) - (1 + a) digamma(a), digamma(4) = 1 + 1/2 + 1/3 - gamma;
    mean b / (a - 1); var b^2 / ((a - 1)^2 (a - 2))."""
    a, b = 4.0, 2.0
    z = b / XS
    digamma4 = 1 + 1 / 2 + 1 / 3 - EULER
    return (D.InverseGamma(_c(a), _c(b)),
            a * np.log(b) - math.lgamma(a) - (a + 1) * np.log(XS) - b / XS,
            np.exp(-z) * (1 + z + z ** 2 / 2 + z ** 3 / 6),
            a + np.log(b) + math.lgamma(a) - (1 + a) * digamma4, b / (a - 1),
            np.sqrt(b * b / ((a - 1) ** 2 * (a - 2))))


def _chi2():
    """df = 4 (Gamma(2, 1/2)): p = x e^(-x/2) / 4; cdf = 1 - e^(-x/2) (1 + x/2);
    H = df/2 + log 2 + lgamma(df/2) + (1 - df/2) digamma(df/2), digamma(2) = 1 - gamma;
    mean df; sd sqrt(2 df)."""
    return (D.Chi2(_c(4.0)), np.log(XS / 4) - XS / 2, 1 - np.exp(-XS / 2) * (1 + XS / 2),
            2 + np.log(2) + 0.0 - (1 - EULER), 4.0, np.sqrt(8.0))


def _log_normal():
    """m = 0.2, s = 0.7: log p = -log x - log s - 0.5 log(2 pi) - (log x - m)^2 / (2 s^2);
    cdf = Phi((log x - m) / s); H = m + 0.5 + log s + 0.5 log(2 pi);
    mean exp(m + s^2/2); var (exp(s^2) - 1) exp(2m + s^2)."""
    m, s = 0.2, 0.7
    lx = np.log(XS)
    phi = np.vectorize(lambda v: 0.5 * math.erfc(-v / math.sqrt(2)))
    return (D.LogNormal(_c(m), _c(s)),
            -lx - np.log(s) - 0.5 * np.log(2 * np.pi) - (lx - m) ** 2 / (2 * s * s),
            phi((lx - m) / s), m + 0.5 + np.log(s) + 0.5 * np.log(2 * np.pi),
            np.exp(m + s * s / 2), np.sqrt(np.expm1(s * s) * np.exp(2 * m + s * s)))


SCALARS = {"logistic": _logistic, "gumbel": _gumbel, "half_normal": _half_normal,
           "inverse_gamma": _inverse_gamma, "chi2": _chi2, "log_normal": _log_normal}


@pytest.mark.parametrize("case", sorted(SCALARS))
def test_scalar_closed_forms(case):
    d, lp, cdf, h, mean, sd = SCALARS[case]()
    got = _run([d.log_prob(_c(XS)), d.cdf(_c(XS)), d.entropy(), d.mean(), d.stddev()])
    np.testing.assert_allclose(got[0], lp, rtol=1e-12)
    np.testing.assert_allclose(got[1], cdf, rtol=1e-10)
    np.testing.assert_allclose(got[2], h, rtol=1e-12)
    np.testing.assert_allclose(got[3], mean, rtol=1e-12)
    np.testing.assert_allclose(got[4], sd, rtol=1e-12)


def test_logistic_log_cdf_and_survival_are_stable():
    """log cdf(z) = -log(1 + e^-z) and log sf(z) = -log(1 + e^z) without rounding to 0/-inf
    at z = -800 and 800 (float64: -800 and -800 exactly)."""
    d = D.Logistic(_c(0.0), _c(1.0))
    got = _run([d.log_cdf(_c([-800.0, 0.0])), d.log_survival_function(_c([800.0, 0.0]))])
    np.testing.assert_allclose(got[0], [-800.0, -np.log(2)])
    np.testing.assert_allclose(got[1], [-800.0, -np.log(2)])


def test_half_normal_outside_support():
    """x < 0: density 0 (log -inf) and cdf 0."""
    d = D.HalfNormal(_c(1.0))
    lp, cdf = _run([d.log_prob(_c(-0.5)), d.cdf(_c(-0.5))])
    assert lp == -np.inf and cdf == 0.0


def test_inverse_gamma_undefined_moments():
    """mean needs a > 1 and variance a > 2: NaN there (allow_nan_stats), else the formula;
    mode = b / (a + 1)."""
    d = D.InverseGamma(_c([0.5, 1.5, 3.0]), _c(2.0))
    mean, var, mode = _run([d.mean(), d.variance(), d.mode()])
    np.testing.assert_allclose(mean, [np.nan, 2.0 / 0.5, 1.0])
    np.testing.assert_allclose(var, [np.nan, np.nan, 4.0 / 4.0])
    np.testing.assert_allclose(mode, 2.0 / np.array([1.5, 2.5, 4.0]))
    strict = D.InverseGamma(_c([0.5, 3.0]), _c(2.0), allow_nan_stats=False)
    with pytest.raises(tk.errors.InvalidArgumentError, match="mean undefined"):
        _run(strict.mean())


# -- counts -----------------------------------------------------------------------------------
K = np.array([0.0, 1.0, 2.0, 5.0])


def test_poisson_pmf_cdf_and_moments():
    """P[k] = r^k e^-r / k!; cdf(k) = sum_{j <= k} P[j]; mean = var = r; mode floor(r);
    a non-integer argument is floored (as TF 1.15 without validate_args)."""
    r = 2.5
    pmf = r ** K * np.exp(-r) / np.array([math.factorial(int(k)) for k in K])
    cdf = np.array([sum(r ** j * np.exp(-r) / math.factorial(j) for j in range(int(k) + 1))
                    for k in K])
    for d in (D.Poisson(rate=_c(r)), D.Poisson(log_rate=_c(np.log(r)))):
        got = _run([d.prob(_c(K)), d.cdf(_c(K)), d.mean(), d.variance(), d.mode(),
                    d.log_prob(_c(2.7))])
        np.testing.assert_allclose(got[0], pmf, rtol=1e-12)
        np.testing.assert_allclose(got[1], cdf, rtol=1e-10)
        np.testing.assert_allclose(got[2:5], [r, r, 2.0], rtol=1e-14)
        np.testing.assert_allclose(got[5], np.log(pmf[2]), rtol=1e-12)


def test_geometric_pmf_cdf_entropy_and_moments():
    """P[k] = (1 - p)^k p; cdf(k) = 1 - (1 - p)^(k + 1); H = -((1-p) log(1-p) + p log p) / p;
    mean (1 - p) / p; var (1 - p) / p^2; mode 0. p = 1 gives P[0] = 1 (no 0 * -inf)."""
    p = 0.3
    d = D.Geometric(probs=_c(p))
    got = _run([d.prob(_c(K)), d.cdf(_c(K)), d.entropy(), d.mean(), d.variance(), d.mode(),
                d.cdf(_c(-1.0))])
    np.testing.assert_allclose(got[0], (1 - p) ** K * p, rtol=1e-12)
    np.testing.assert_allclose(got[1], 1 - (1 - p) ** (K + 1), rtol=1e-12)
    np.testing.assert_allclose(got[2], -((1 - p) * np.log(1 - p) + p * np.log(p)) / p,
                               rtol=1e-12)
    np.testing.assert_allclose(got[3:6], [(1 - p) / p, (1 - p) / p ** 2, 0.0], rtol=1e-12)
    assert got[6] == 0.0
    logits = D.Geometric(logits=_c(np.log(p / (1 - p))))
    np.testing.assert_allclose(_run(logits.prob(_c(K))), (1 - p) ** K * p, rtol=1e-12)
    assert _run(D.Geometric(probs=_c(1.0)).prob(_c([0.0, 2.0]))).tolist() == [1.0, 0.0]


# -- one-hot and relaxed ----------------------------------------------------------------------
LOGITS = np.array([[0.2, -1.0, 1.5], [0.0, 0.0, 0.0]])


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_one_hot_categorical():
    """log p(e_j) = log softmax(logits)_j; H = -sum p log p; mean p; var p (1 - p);
    cov diag(p) - p p^T; mode e_argmax; KL = sum p_a log(p_a / p_b)."""
    p = _softmax(LOGITS)
    d = D.OneHotCategorical(logits=_c(LOGITS))
    x = np.array([[0, 0, 1], [1, 0, 0]])
    got = _run([d.log_prob(x), d.entropy(), d.mean(), d.variance(), d.covariance(), d.mode()])
    np.testing.assert_allclose(got[0], np.log([p[0, 2], p[1, 0]]), rtol=1e-12)
    np.testing.assert_allclose(got[1], -(p * np.log(p)).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(got[2], p, rtol=1e-12)
    np.testing.assert_allclose(got[3], p * (1 - p), rtol=1e-12)
    np.testing.assert_allclose(got[4], np.stack([np.diag(q) - np.outer(q, q) for q in p]),
                               rtol=1e-12, atol=1e-15)
    assert got[5].tolist() == [[0, 0, 1], [1, 0, 0]] and got[5].dtype == np.int32
    q = _softmax(np.array([1.0, 0.5, -0.5]))
    kl = _run(D.kl_divergence(d, D.OneHotCategorical(probs=_c(q))))
    np.testing.assert_allclose(kl, (p * np.log(p / q)).sum(-1), rtol=1e-12)


def _exp_relaxed_log_prob(y, logits, t):
    """Maddison et al. (2017), eq. for the log of an ExpConcrete point y:
    lgamma(k) + (k - 1) log t + sum(logits - t y) - k logsumexp(logits - t y)."""
    k = logits.shape[-1]
    s = logits - t * y
    lse = np.log(np.exp(s).sum(-1))
    return math.lgamma(k) + (k - 1) * np.log(t) + s.sum(-1) - k * lse


def test_relaxed_one_hot_categorical_log_prob():
    """RelaxedOneHotCategorical(y) = ExpRelaxed(log y) - sum log y (the Exp bijector's
    log Jacobian), ExpRelaxed as in Maddison et al."""
    t = 0.7
    y = np.array([[0.2, 0.5, 0.3], [0.05, 0.9, 0.05]])
    relaxed = D.RelaxedOneHotCategorical(_c(t), logits=_c(LOGITS))
    exp_relaxed = D.ExpRelaxedOneHotCategorical(_c(t), logits=_c(LOGITS))
    want_exp = _exp_relaxed_log_prob(np.log(y), LOGITS, t)
    got = _run([relaxed.log_prob(_c(y)), exp_relaxed.log_prob(_c(np.log(y)))])
    np.testing.assert_allclose(got[1], want_exp, rtol=1e-12)
    np.testing.assert_allclose(got[0], want_exp - np.log(y).sum(-1), rtol=1e-12)


def test_relaxed_one_hot_density_integrates_to_one():
    """With k = 2 the density of (y, 1 - y) over y in (0, 1) must integrate to 1
    (midpoint rule on 200000 cells; the density is smooth for t = 0.9 <= 1 ... near the
    ends it grows like y^(t - 1), whose integral over the first cell is O(h^t); tolerance
    2e-3 covers it)."""
    n = 200000
    y = (np.arange(n) + 0.5) / n
    pts = np.stack([y, 1 - y], -1)
    d = D.RelaxedOneHotCategorical(_c(0.9), logits=_c([0.3, -0.4]))
    dens = _run(d.prob(_c(pts)))
    assert abs(dens.sum() / n - 1.0) < 2e-3


def test_relaxed_bernoulli_density():
    """Binary Concrete (Maddison et al.): p(y) = t a y^(-t-1) (1-y)^(-t-1) /
    (a y^-t + (1-y)^-t)^2 with a = exp(logits); it integrates to 1 (midpoint rule)."""
    t, logit = 0.6, 0.8
    a = np.exp(logit)
    y = np.array([0.1, 0.5, 0.93])
    want = t * a * y ** (-t - 1) * (1 - y) ** (-t - 1) / (a * y ** -t + (1 - y) ** -t) ** 2
    d = D.RelaxedBernoulli(_c(t), logits=_c(logit))
    np.testing.assert_allclose(_run(d.prob(_c(y))), want, rtol=1e-12)
    n = 200000
    grid = (np.arange(n) + 0.5) / n
    assert abs(_run(d.prob(_c(grid))).sum() / n - 1.0) < 2e-3
    probs = D.RelaxedBernoulli(_c(t), probs=_c(a / (1 + a)))
    np.testing.assert_allclose(_run(probs.prob(_c(y))), want, rtol=1e-10)


# -- transformed distributions and bijectors --------------------------------------------------
def test_transformed_distribution_affine_scalar_is_a_normal():
    """Y = 2 X + 1 with X ~ N(0, 1) is N(1, 2): log p, cdf and entropy (constant Jacobian:
    H[X] + log 2) equal the Normal's closed forms."""
    y = np.array([-1.0, 0.5, 4.0])
    d = D.TransformedDistribution(D.Normal(_c(0.0), _c(1.0)),
                                  D.bijectors.AffineScalar(shift=_c(1.0), scale=_c(2.0)))
    lp, h = _run([d.log_prob(_c(y)), d.entropy()])
    np.testing.assert_allclose(lp, -0.5 * ((y - 1) / 2) ** 2 - np.log(2) - 0.5 * np.log(
        2 * np.pi), rtol=1e-12)
    np.testing.assert_allclose(h, 0.5 * np.log(2 * np.pi * np.e * 4.0), rtol=1e-12)


def test_transformed_distribution_affine_on_vectors_is_an_mvn():
    """Y = L X + b with X ~ N(0, I_3) (event_shape [3]) is the MVN with covariance L L^T."""
    d = D.TransformedDistribution(
        D.Normal(_c(0.0), _c(1.0)),
        D.bijectors.Affine(shift=_c(LOC[0]), scale_tril=_c(TRIL)), event_shape=[3])
    assert d.event_shape.as_list() == [3] and d.batch_shape.as_list() == []
    np.testing.assert_allclose(_run(d.log_prob(_c(X[0]))),
                               _mvn_log_prob(X[0], LOC[0], COV_TRIL), rtol=1e-12)


BIJ_X = np.array([[-1.5, 0.2, 2.0], [0.7, -0.1, 3.0]])


def _bijector_cases():
    """forward f and log|f'| elementwise: exp: e^x, x; sigmoid: 1/(1+e^-x),
    -log(1+e^-x) - log(1+e^x); softplus(c): c log(1 + e^(x/c)), -log(1 + e^(-x/c));
    affine_scalar: s x + b, log|s|; identity: x, 0."""
    sp = lambda v: np.log1p(np.exp(v))  # noqa: E731
    return {
        "exp": (D.bijectors.Exp(), np.exp, lambda x: x),
        "sigmoid": (D.bijectors.Sigmoid(), lambda x: 1 / (1 + np.exp(-x)),
                    lambda x: -sp(-x) - sp(x)),
        "softplus": (D.bijectors.Softplus(), sp, lambda x: -sp(-x)),
        "softplus_c": (D.bijectors.Softplus(hinge_softness=_c(0.5)),
                       lambda x: 0.5 * sp(x / 0.5), lambda x: -sp(-x / 0.5)),
        "affine_scalar": (D.bijectors.AffineScalar(shift=_c(1.0), scale=_c(-3.0)),
                          lambda x: -3 * x + 1, lambda x: np.full_like(x, np.log(3.0))),
        "identity": (D.bijectors.Identity(), lambda x: x, np.zeros_like),
    }


@pytest.mark.parametrize("case", ["exp", "sigmoid", "softplus", "softplus_c",
                                  "affine_scalar", "identity"])
def test_elementwise_bijectors(case):
    b, f, log_df = _bijector_cases()[case]
    y_np = f(BIJ_X)
    y, x_back, fldj0, fldj1, ildj1 = _run([
        b.forward(_c(BIJ_X)), b.inverse(_c(y_np)),
        b.forward_log_det_jacobian(_c(BIJ_X), event_ndims=0),
        b.forward_log_det_jacobian(_c(BIJ_X), event_ndims=1),
        b.inverse_log_det_jacobian(_c(y_np), event_ndims=1)])
    np.testing.assert_allclose(y, y_np, rtol=1e-12)
    np.testing.assert_allclose(x_back, BIJ_X, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fldj0, log_df(BIJ_X), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fldj1, log_df(BIJ_X).sum(-1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ildj1, -log_df(BIJ_X).sum(-1), rtol=1e-9, atol=1e-12)


def test_affine_bijector_and_chain():
    """Affine: y = S x + b with S = tril(L) + diag(d) + m I; log|det S| = sum log|diag S|.
    Chain([Exp, AffineScalar]) is exp(s x + b): log-Jacobian sum(s x + b) + n log|s|."""
    dg, m = np.array([0.5, 1.0, -0.5]), 0.25
    s_mat = np.tril(TRIL) + np.diag(dg) + m * np.eye(3)
    b = D.bijectors.Affine(shift=_c(LOC[1]), scale_identity_multiplier=_c(m),
                           scale_diag=_c(dg), scale_tril=_c(TRIL))
    y_np = BIJ_X @ s_mat.T + LOC[1]
    y, x_back, fldj, fldj2 = _run([b.forward(_c(BIJ_X)), b.inverse(_c(y_np)),
                                   b.forward_log_det_jacobian(_c(BIJ_X), event_ndims=1),
                                   b.forward_log_det_jacobian(_c(BIJ_X), event_ndims=2)])
    logdet = np.log(np.abs(np.diag(s_mat))).sum()
    np.testing.assert_allclose(y, y_np, rtol=1e-12)
    np.testing.assert_allclose(x_back, BIJ_X, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fldj, [logdet, logdet], rtol=1e-12)
    np.testing.assert_allclose(fldj2, 2 * logdet, rtol=1e-12)
    chain = D.bijectors.Chain([D.bijectors.Exp(),
                               D.bijectors.AffineScalar(shift=_c(0.5), scale=_c(2.0))])
    got = _run([chain.forward(_c(BIJ_X)),
                chain.forward_log_det_jacobian(_c(BIJ_X), event_ndims=1),
                chain.inverse(chain.forward(_c(BIJ_X)))])
    np.testing.assert_allclose(got[0], np.exp(2 * BIJ_X + 0.5), rtol=1e-12)
    np.testing.assert_allclose(got[1], (2 * BIJ_X + 0.5).sum(-1) + 3 * np.log(2.0),
                               rtol=1e-12)
    np.testing.assert_allclose(got[2], BIJ_X, rtol=1e-12, atol=1e-14)
    inv = D.bijectors.Invert(D.bijectors.Exp())
    np.testing.assert_allclose(_run(inv.forward(_c([1.0, np.e]))), [0.0, 1.0], atol=1e-15)


def test_mvn_diag_examples_of_the_tf_docstring():
    """TF 1.15's MultivariateNormalDiag docstring: loc [1, -1], scale_diag [1, 2] has mean
    [1, -1] and stddev [1, 2]; loc [1, -1] with scale_identity_multiplier [1, 2, 3] is a
    batch of 3 with mean [[1, -1]] * 3 and stddev [[1, 1], [2, 2], [3, 3]]."""
    d = D.MultivariateNormalDiag(loc=[1.0, -1], scale_diag=[1, 2.0])
    mean, sd = _run([d.mean(), d.stddev()])
    assert mean.tolist() == [1.0, -1.0] and sd.tolist() == [1.0, 2.0]
    b = D.MultivariateNormalDiag(loc=[1.0, -1], scale_identity_multiplier=[1, 2.0, 3])
    mean, sd = _run([b.mean(), b.stddev()])
    assert mean.tolist() == [[1.0, -1.0]] * 3
    assert sd.tolist() == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    assert b.batch_shape.as_list() == [3]


def test_relaxed_one_hot_dtype_argument_converts_the_parameters():
    """TF's signature (temperature, logits, probs, dtype, ...): dtype float64 converts
    Python logits to float64 samples and densities."""
    d = D.RelaxedOneHotCategorical(0.5, [0.0, 1.0], None, tk.float64)
    assert d.dtype == tk.float64 and d.sample(2, seed=1).dtype == tk.float64
