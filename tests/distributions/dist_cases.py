"""Deterministic tf.distributions cases written once for TF 2.21 (``tf.compat.v1``) and
trainkit: each case builds tensors (densities, cdfs, statistics, KLs, shapes) at a few
parameter points with broadcast batch shapes; make_reference.py records TF's values."""

import numpy as np

F64 = np.float64


def _c(tf, v):
    return tf.constant(np.asarray(v, F64), dtype=tf.float64)


def cases(tf):
    """name -> function building a dict of tensors with ``tf`` (either library)."""
    d = tf.distributions
    c = lambda v: _c(tf, v)  # noqa: E731

    def normal():
        n = d.Normal(loc=c([[0.0], [1.5]]), scale=c([0.5, 1.0, 2.0]))
        x = c([-1.0, 0.3, 2.0])
        out = _scalar_stats(n, x, quantile=True)
        out["log_cdf_tail"] = n.log_cdf(c([-30.0, -12.0, 8.0]))
        out["log_sf_tail"] = n.log_survival_function(c([30.0, 12.0, -8.0]))
        return out

    def normal_f32():
        n = d.Normal(loc=[0.0, 1.0], scale=[1.0, 3.0])
        return {"log_prob": n.log_prob([0.5, -0.5]), "entropy": n.entropy(),
                "cdf": n.cdf([0.5, -0.5]), "log_cdf": n.log_cdf([-15.0, 0.5])}

    def laplace():
        lp = d.Laplace(loc=c([0.0, 1.0]), scale=c([[1.0], [2.5]]))
        return _scalar_stats(lp, c([-2.0, 0.7]))

    def uniform():
        u = d.Uniform(low=c([0.0, -1.0]), high=c([[1.0], [3.0]]))
        out = _scalar_stats(u, c([0.5, -2.0]), log=False)
        out["range"] = u.range()
        out["cdf_edges"] = u.cdf(c([1.0, 3.5]))
        return out

    def exponential():
        e = d.Exponential(rate=c([0.5, 2.0, 3.0]))
        return _scalar_stats(e, c([0.3, 1.0, 2.5]))

    def gamma():
        g = d.Gamma(concentration=c([[0.5], [2.0], [7.5]]), rate=c([1.0, 0.3]))
        out = _scalar_stats(g, c([0.4, 3.0]), mode=True)
        return out

    def beta():
        b = d.Beta(concentration1=c([[0.7], [2.0], [5.0]]), concentration0=c([1.5, 3.0]))
        out = _scalar_stats(b, c([0.25, 0.8]), mode=True, cdf=False)
        out["total_concentration"] = b.total_concentration
        # TF's Betainc does not broadcast: the cdf case has full-shaped parameters.
        full = d.Beta(c([[0.7, 0.7], [2.0, 2.0]]), c([[1.5, 3.0], [1.5, 3.0]]))
        out["cdf"] = full.cdf(c([[0.25, 0.8], [0.5, 0.1]]))
        out["survival"] = full.survival_function(c([[0.25, 0.8], [0.5, 0.1]]))
        return out

    def student_t():
        # float32: TF 2.21's StudentT.variance fails for float64 (a float32 fill of 2.0).
        t = d.StudentT(df=[[0.8], [2.5], [30.0]], loc=[0.0, 1.0], scale=[1.0, 2.0])
        out = _scalar_stats(t, tf.constant([-1.2, 2.5]), cdf=False)
        full = d.StudentT(df=[[0.8, 0.8], [2.5, 2.5]], loc=[[0.0, 1.0], [0.0, 1.0]],
                          scale=[[1.0, 2.0], [1.0, 2.0]])
        out["cdf"] = full.cdf([[-1.2, 2.5], [0.3, -4.0]])
        out["mode"] = t.mode()
        return out

    def bernoulli():
        b = d.Bernoulli(logits=c([[-1.0, 0.0, 2.5]]))
        p = d.Bernoulli(probs=c([0.1, 0.5, 0.9]))
        x = tf.constant([[1], [0]])
        return {"log_prob": b.log_prob(x), "prob": b.prob(x), "entropy": b.entropy(),
                "mean": b.mean(), "variance": b.variance(), "stddev": b.stddev(),
                "mode": b.mode(), "probs": b.probs, "logits_from_probs": p.logits,
                "p_log_prob": p.log_prob(1), "batch_shape": b.batch_shape_tensor(),
                "kl": d.kl_divergence(b, p), "kl_rev": d.kl_divergence(p, b),
                "cross_entropy": b.cross_entropy(p)}

    def categorical():
        lg = c([[[0.0, 1.0, 2.0], [1.0, 1.0, -3.0]]])
        k = d.Categorical(logits=lg)
        p = d.Categorical(probs=c([0.2, 0.5, 0.3]))
        x = tf.constant([[0, 2], [1, 1]])
        return {"log_prob": k.log_prob(x), "prob": k.prob(x), "cdf": k.cdf(x),
                "entropy": k.entropy(), "mode": k.mode(), "probs": k.probs,
                "p_logits": p.logits, "p_log_prob": p.log_prob([0, 1, 2]),
                "batch_shape": k.batch_shape_tensor(), "event_size": k.event_size,
                "kl": d.kl_divergence(k, p), "kl_rev": d.kl_divergence(p, k)}

    def dirichlet():
        di = d.Dirichlet(concentration=c([[1.5, 2.0, 3.5], [0.6, 4.0, 1.2]]))
        x = c([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
        return {"log_prob": di.log_prob(x), "prob": di.prob(x), "entropy": di.entropy(),
                "mean": di.mean(), "variance": di.variance(), "covariance": di.covariance(),
                # TF's mode needs a scalar batch (its where does not broadcast)
                "mode": d.Dirichlet(c([1.5, 2.0, 3.5])).mode(),
                "mode_nan": d.Dirichlet(c([0.6, 4.0, 1.2])).mode(),
                "batch_shape": di.batch_shape_tensor(),
                "event_shape": di.event_shape_tensor(),
                "total_concentration": di.total_concentration}

    def multinomial():
        m = d.Multinomial(total_count=c([[4.0], [6.0]]), probs=c([0.2, 0.3, 0.5]))
        ml = d.Multinomial(total_count=3.0, logits=[0.0, 1.0])
        x = c([[1.0, 1.0, 2.0], [3.0, 0.0, 3.0]])
        return {"log_prob": m.log_prob(x), "prob": m.prob(x), "mean": m.mean(),
                "variance": m.variance(), "covariance": m.covariance(),
                "batch_shape": m.batch_shape_tensor(), "event_shape": m.event_shape_tensor(),
                "log_prob_f32": ml.log_prob([1.0, 2.0]), "probs_f32": ml.probs}

    def dirichlet_multinomial():
        dm = d.DirichletMultinomial(total_count=c(5.0),
                                    concentration=c([[1.0, 2.0, 0.5], [3.0, 0.7, 1.1]]))
        x = c([[1.0, 3.0, 1.0], [0.0, 0.0, 5.0]])
        return {"log_prob": dm.log_prob(x), "prob": dm.prob(x), "mean": dm.mean(),
                "variance": dm.variance(), "covariance": dm.covariance(),
                "batch_shape": dm.batch_shape_tensor(), "event_shape": dm.event_shape_tensor()}

    def kls():
        n1 = d.Normal(c([0.0, 1.0]), c([1.0, 0.5]))
        n2 = d.Normal(c([[0.5], [-1.0]]), c([2.0, 1.0]))
        b1, b2 = d.Beta(c([1.5, 3.0]), c([2.0, 0.7])), d.Beta(c(2.5), c([1.0, 4.0]))
        g1 = d.Gamma(c([0.8, 3.0]), c([1.0, 2.0]))
        g2 = d.Gamma(c([[2.0], [0.5]]), c(1.5))
        e1, e2 = d.Exponential(c([0.5, 2.0])), d.Exponential(c(1.0))
        di1 = d.Dirichlet(c([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]]))
        di2 = d.Dirichlet(c([2.0, 2.0, 2.0]))
        return {"normal": d.kl_divergence(n1, n2), "beta": d.kl_divergence(b1, b2),
                "gamma": d.kl_divergence(g1, g2), "exp_via_gamma": d.kl_divergence(e1, e2),
                "exp_gamma": d.kl_divergence(e1, g1), "dirichlet": d.kl_divergence(di1, di2),
                "method": n1.kl_divergence(n2), "cross_entropy": n1.cross_entropy(n2),
                "strict": d.kl_divergence(n1, n2, allow_nan_stats=False)}

    def special():
        a = c([0.5, 2.0, 10.0, 3.0, 1.0])
        x = c([0.3, 1.5, 12.0, 0.01, 40.0])
        return {"igamma": tf.math.igamma(a, x), "igammac": tf.math.igammac(a, x),
                "betainc": tf.math.betainc(a, c([1.0, 0.5, 4.0, 2.0, 3.0]),
                                           c([0.2, 0.9, 0.5, 0.01, 0.99])),
                "polygamma": tf.math.polygamma(c([0.0, 1.0, 2.0, 3.0, 1.0]), x),
                "lbeta": tf.math.lbeta(c([[1.0, 2.0], [0.5, 4.5]])),
                "igamma_f32": tf.math.igamma([2.0, 0.7], [1.0, 3.0])}

    return {"normal": normal, "normal_f32": normal_f32, "laplace": laplace,
            "uniform": uniform, "exponential": exponential, "gamma": gamma, "beta": beta,
            "student_t": student_t, "bernoulli": bernoulli, "categorical": categorical,
            "dirichlet": dirichlet, "multinomial": multinomial,
            "dirichlet_multinomial": dirichlet_multinomial, "kls": kls,
            "special": special}


def _scalar_stats(dist, x, log=True, quantile=False, mode=False, cdf=True):
    out = {"prob": dist.prob(x), "entropy": dist.entropy(),
           "mean": dist.mean(), "variance": dist.variance(), "stddev": dist.stddev(),
           "batch_shape": dist.batch_shape_tensor()}
    if cdf:
        out["cdf"] = dist.cdf(x)
        out["survival"] = dist.survival_function(x)
    if log:
        out["log_prob"] = dist.log_prob(x)
    if log and cdf:
        out["log_cdf"] = dist.log_cdf(x)
        out["log_survival"] = dist.log_survival_function(x)
    if quantile:
        out["quantile"] = dist.quantile(x * 0.0 + np.array([0.1, 0.5, 0.975]))
    if mode:
        out["mode"] = dist.mode()
    return out


def run(tf, name):
    """The case's values as JSON-ready nested lists (NaN/inf as strings)."""
    tf.reset_default_graph()
    tensors = cases(tf)[name]()
    with tf.Session() as s:
        values = s.run(tensors)
    return {k: jsonable(v) for k, v in sorted(values.items())}


def jsonable(v):
    a = np.asarray(v, dtype=np.float64)
    return [str(x) if not np.isfinite(x) else float(x) for x in a.ravel()] + [list(a.shape)]
