"""Samples of tk.distributions have the right distribution, and reparameterized samples
carry the gradients TF's do.

trainkit's random streams differ from TF's, so samples are checked statistically, with
fixed seeds (so each test is deterministic):

* continuous distributions: the Kolmogorov-Smirnov distance between N = 20000 samples and
  the distribution's ``cdf`` (itself checked against TF 2.21 in test_tf_values.py) must be
  below 1.95 / sqrt(N) ~ 0.0138, the 0.1% critical value: a right sampler exceeds it once
  in a thousand seeds, a sampler with a wrong parameter (e.g. a scale 10% off) exceeds it
  for every seed (see test_ks_rejects_a_wrong_scale);
* discrete distributions and moments: each frequency / sample mean within 5 standard
  errors of its expected value (a 1 in 1.7 million event for a right sampler);
* gradients of a sample-average loss w.r.t. the parameters: within 5 standard errors of
  the derivative of the analytic expectation (the errors worked out per case below).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

D = tk.distributions
N = 20000
KS_CRITICAL = 1.95 / np.sqrt(N)


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def _ks(dist, n=N, seed=11):
    """The KS distance between ``n`` samples of each batch member and its cdf."""
    x = dist.sample(n, seed=seed)
    sorted_x = tk.constant(0.0, dist.dtype) + x  # same graph, evaluated once below
    with tk.Session() as s:
        xs = np.sort(s.run(sorted_x), axis=0)
        cdf = s.run(dist.cdf(tk.constant(xs, dist.dtype)))
    k = np.arange(1, n + 1, dtype=np.float64).reshape((n,) + (1,) * (xs.ndim - 1))
    return np.max(np.maximum(k / n - cdf, cdf - (k - 1) / n), axis=0)


@pytest.mark.parametrize("make", [
    lambda: D.Normal(tk.constant([0.0, 3.0], tk.float64), tk.constant([1.0, 0.2], tk.float64)),
    lambda: D.Laplace(tk.constant([-1.0, 2.0], tk.float64), tk.constant(1.5, tk.float64)),
    lambda: D.Uniform(tk.constant([0.0, -2.0], tk.float64), tk.constant([1.0, 5.0], tk.float64)),
    lambda: D.Exponential(tk.constant([0.5, 4.0], tk.float64)),
    lambda: D.Gamma(tk.constant([0.3, 2.0, 9.0], tk.float64), tk.constant(2.0, tk.float64)),
    lambda: D.Beta(tk.constant([0.5, 2.0], tk.float64), tk.constant([0.5, 5.0], tk.float64)),
    lambda: D.StudentT(tk.constant([1.0, 4.0], tk.float64), tk.constant(1.0, tk.float64),
                       tk.constant([2.0, 0.5], tk.float64)),
    lambda: D.Normal(0.5, 2.0),  # float32
], ids=["normal", "laplace", "uniform", "exponential", "gamma", "beta", "student_t",
        "normal_f32"])
def test_continuous_samples_pass_ks(make):
    assert np.all(_ks(make()) < KS_CRITICAL)


def test_ks_rejects_a_wrong_scale():
    """The KS check has power: samples of N(0, 1) against the cdf of N(0, 1.1) fail (the
    cdfs differ by 0.023 at x = 1)."""
    x = D.Normal(tk.constant(0.0, tk.float64), tk.constant(1.0, tk.float64)).sample(N, seed=11)
    with tk.Session() as s:
        xs = np.sort(s.run(x))
        cdf = s.run(D.Normal(tk.constant(0.0, tk.float64),
                             tk.constant(1.1, tk.float64)).cdf(tk.constant(xs)))
    k = np.arange(1, N + 1) / N
    assert np.max(np.maximum(k - cdf, cdf - (k - 1.0 / N))) > KS_CRITICAL


def _within(mean, expected, stderr, z=5.0):
    assert np.all(np.abs(np.asarray(mean) - expected) <= z * np.asarray(stderr)), (
        mean, expected, stderr)


def test_bernoulli_frequencies():
    p = np.array([0.1, 0.5, 0.95])
    for d in (D.Bernoulli(probs=p), D.Bernoulli(logits=np.log(p / (1 - p)))):
        x = _run(d.sample(N, seed=3))
        assert x.dtype == np.int32 and set(np.unique(x)) <= {0, 1}
        _within(x.mean(0), p, np.sqrt(p * (1 - p) / N))


def test_categorical_frequencies():
    probs = np.array([[0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
    for d in (D.Categorical(probs=probs), D.Categorical(logits=np.log(probs))):
        x = _run(d.sample(N, seed=4))
        assert x.shape == (N, 2) and x.dtype == np.int32
        freq = np.stack([(x == k).mean(0) for k in range(3)], -1)
        _within(freq, probs, np.sqrt(probs * (1 - probs) / N))
    x3 = _run(D.Categorical(logits=np.zeros([2, 2, 4])).sample(7, seed=1))
    assert x3.shape == (7, 2, 2) and x3.min() >= 0 and x3.max() <= 3


def test_multinomial_counts():
    p = np.array([0.2, 0.3, 0.5])
    x = _run(D.Multinomial(total_count=np.float64(10.0), probs=p).sample(N, seed=6))
    assert np.all(x.sum(-1) == 10.0) and np.all(x == np.round(x))
    _within(x.mean(0), 10 * p, np.sqrt(10 * p * (1 - p) / N))


def test_dirichlet_multinomial_counts():
    # E[x] = n c / S; Var[x_k] = n p_k (1 - p_k) (n + S) / (1 + S) with p = c / S
    c, n = np.array([0.5, 2.0, 1.5]), 6.0
    x = _run(D.DirichletMultinomial(np.float64(n), c).sample(N, seed=12))
    assert x.shape == (N, 3) and np.all(x.sum(-1) == n) and np.all(x == np.round(x))
    s_tot = c.sum()
    p = c / s_tot
    var = n * p * (1 - p) * (n + s_tot) / (1 + s_tot)
    _within(x.mean(0), n * p, np.sqrt(var / N))


def test_dirichlet_moments():
    c = np.array([0.5, 2.0, 4.0])
    x = _run(D.Dirichlet(c).sample(N, seed=8))
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-5)
    a0 = c.sum()
    mean, var = c / a0, c * (a0 - c) / (a0 ** 2 * (a0 + 1))
    _within(x.mean(0), mean, np.sqrt(var / N))
    # the variance estimate's standard error, from the fourth central moment (sampled)
    m4 = ((x - x.mean(0)) ** 4).mean(0)
    _within(x.var(0), var, np.sqrt((m4 - var ** 2) / N))


def _grads(dist_fn, params, loss_fn, seed=21):
    vs = [tk.constant(np.float64(p)) for p in params]
    x = dist_fn(*vs).sample(N, seed=seed)
    loss = tk.reduce_mean(loss_fn(x))
    grads = tk.gradients(loss, vs)
    values = iter(_run([g for g in grads if g is not None]))
    return [None if g is None else next(values) for g in grads]


def test_normal_reparameterized_gradients():
    # loss mean(x^2): E = loc^2 + scale^2, so d/dloc = 2 loc, d/dscale = 2 scale; the
    # per-sample gradients 2x and 2x*eps have std 2*scale and ~2*sqrt(loc^2 + 2 scale^2).
    loc, scale = 0.7, 1.3
    g = _grads(D.Normal, [loc, scale], tk.square)
    _within(g[0], 2 * loc, 2 * scale / np.sqrt(N))
    _within(g[1], 2 * scale, 2 * np.sqrt(loc ** 2 + 2 * scale ** 2) / np.sqrt(N))


def test_laplace_reparameterized_gradients():
    # E[x^2] = loc^2 + 2 scale^2; per-sample gradients 2x (std 2*sqrt(2)*scale) and
    # 2x*e with e standard Laplace (std bounded by 2*sqrt(loc^2 E e^2 + scale^2 E e^4)).
    loc, scale = -0.4, 0.8
    g = _grads(D.Laplace, [loc, scale], tk.square)
    _within(g[0], 2 * loc, 2 * np.sqrt(2) * scale / np.sqrt(N))
    _within(g[1], 4 * scale, 2 * np.sqrt(2 * loc ** 2 + 24 * scale ** 2) / np.sqrt(N))


def test_uniform_reparameterized_gradients():
    # E[x^2] = (a^2 + ab + b^2) / 3: d/da = (2a + b) / 3, d/db = (a + 2b) / 3; per-sample
    # gradients 2x(1-u), 2xu are bounded by 2 max|x|, a loose standard deviation.
    a, b = -1.0, 2.0
    g = _grads(D.Uniform, [a, b], tk.square)
    _within(g[0], (2 * a + b) / 3, 4.0 / np.sqrt(N))
    _within(g[1], (a + 2 * b) / 3, 4.0 / np.sqrt(N))


def test_student_t_gradients_to_loc_and_scale():
    # x = loc + scale * t: d mean(x)/dloc = 1 exactly; E[x^2] = loc^2 + scale^2 df/(df-2)
    # so d/dscale = 2 scale df/(df-2); std of 2 scale t^2 is 2 scale sqrt(Var t^2).
    df, loc, scale = 10.0, 0.5, 1.5
    vs = [tk.constant(np.float64(v)) for v in (df, loc, scale)]
    x = D.StudentT(*vs).sample(N, seed=5)
    g_loc, g_scale = _run(tk.gradients(tk.reduce_mean(tk.square(x)), vs[1:]))
    g_mean = _run(tk.gradients(tk.reduce_mean(x), vs[1]))[0]
    assert abs(g_mean - 1.0) < 1e-9
    var_t2 = 3 * df ** 2 / ((df - 2) * (df - 4)) - (df / (df - 2)) ** 2
    _within(g_scale, 2 * scale * df / (df - 2), 2 * scale * np.sqrt(var_t2) / np.sqrt(N))
    _within(g_loc, 2 * loc, 2 * scale * np.sqrt(df / (df - 2)) / np.sqrt(N))


def test_gamma_and_exponential_gradients_to_rate():
    # x = G / rate: d mean(x)/drate = -mean(x)/rate, expected -a / rate^2 (std a^0.5/rate^2).
    a, rate = 3.0, 2.0
    g = _grads(D.Gamma, [a, rate], lambda x: x)
    _within(g[1], -a / rate ** 2, np.sqrt(a) / rate ** 2 / np.sqrt(N))
    g = _grads(D.Exponential, [rate], lambda x: x)
    _within(g[0], -1 / rate ** 2, 1 / rate ** 2 / np.sqrt(N))


def _per_sample(make, values, wrt, loss=lambda x: x, seed=9):
    """The gradients of ``loss(x_i)`` w.r.t. parameter ``wrt`` for N independent draws:
    every parameter is tiled to N copies, so one ``gradients`` call gives each draw's own
    derivative; the mean estimates d E[loss]/d param with standard error std/sqrt(N)."""
    params = [tk.constant(np.full(np.shape(v) + (N,), v, np.float64).T if np.ndim(v)
                          else np.full([N], v, np.float64)) for v in values]
    x = make(*params).sample(seed=seed)
    g = _run(tk.gradients(tk.reduce_sum(loss(x)), params[wrt]))[0]
    return g.mean(0), g.std(0) / np.sqrt(N)


def test_gamma_sample_gradient_to_concentration():
    # E[x] = a / rate: d/da = 1 / rate (TF's implicit random_gamma gradient)
    for a in (0.4, 3.0):
        mean, se = _per_sample(D.Gamma, [a, 2.0], 0)
        _within(mean, 0.5, se)


def test_beta_sample_gradients_to_concentrations():
    # E[x] = a / (a + b): d/da = b / (a + b)^2, d/db = -a / (a + b)^2
    a, b = 1.5, 0.7
    mean, se = _per_sample(D.Beta, [a, b], 0)
    _within(mean, b / (a + b) ** 2, se)
    mean, se = _per_sample(D.Beta, [a, b], 1)
    _within(mean, -a / (a + b) ** 2, se)


def test_dirichlet_sample_gradient_to_concentration():
    # E[x_0] = c_0 / S: d/dc_0 = (S - c_0) / S^2, d/dc_1 = -c_0 / S^2
    c = np.array([2.0, 0.5, 1.5])
    s_tot = c.sum()
    params = tk.constant(np.tile(c, (N, 1)))
    x = D.Dirichlet(params).sample(seed=4)
    g = _run(tk.gradients(tk.reduce_sum(x[:, 0]), params))[0]
    _within(g.mean(0)[:2], [(s_tot - c[0]) / s_tot ** 2, -c[0] / s_tot ** 2],
            g.std(0)[:2] / np.sqrt(N))


def test_student_t_sample_gradient_to_df():
    # E[x^2] = scale^2 df / (df - 2) (loc 0): d/d df = -2 scale^2 / (df - 2)^2
    df, scale = 9.0, 1.5
    mean, se = _per_sample(D.StudentT, [df, 0.0, scale], 0, tk.square)
    _within(mean, -2 * scale ** 2 / (df - 2) ** 2, se)


def test_not_reparameterized_samples_carry_no_gradient():
    lg = tk.constant([0.3, -0.2])
    for d in (D.Bernoulli(logits=lg, dtype=tk.float32),
              D.Categorical(logits=lg, dtype=tk.float32)):
        s = d.sample(5, seed=1)
        assert tk.gradients(tk.reduce_sum(s), lg) == [None]
