"""The Distribution API of tk.distributions: name scopes, parameters, shapes, sample
shapes, fallbacks between methods, the KL registry, and the typed errors for bad
arguments — each as TF 2.21's ``tf.compat.v1.distributions`` behaves (observed with it:
op names such as ``Normal/log_prob/...`` and ``KullbackLeibler/kl_normal_normal/...``,
``parameters`` dicts, run-time ``InvalidArgumentError`` messages)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

D = tk.distributions


def _run(t, feed=None):
    with tk.Session() as s:
        return s.run(t, feed)


def test_public_names_match_tf_compat_v1():
    tf_names = ['Bernoulli', 'Beta', 'Categorical', 'Dirichlet', 'DirichletMultinomial',
                'Distribution', 'Exponential', 'FULLY_REPARAMETERIZED', 'Gamma', 'Laplace',
                'Multinomial', 'NOT_REPARAMETERIZED', 'Normal', 'RegisterKL',
                'ReparameterizationType', 'StudentT', 'Uniform', 'kl_divergence']
    assert all(hasattr(D, n) for n in tf_names)
    assert "distributions" in dir(tk) or tk.distributions is D


def test_name_scopes_follow_tf():
    n = D.Normal(0.0, 1.0)
    q = D.Normal(0.0, 1.0, name="q")
    assert (n.name, q.name, D.Normal(0.0, 1.0).name) == ("Normal/", "q/", "Normal_1/")
    assert n.loc.name == "Normal/loc:0"
    assert n.log_prob(0.0).name.startswith("Normal/log_prob/")
    assert n.sample(2, seed=1).name == "Normal/sample/Reshape:0"
    assert n.entropy().name.startswith("Normal/entropy/")
    # the second batch_shape_tensor scope: sample() opened the first (as TF)
    assert n.batch_shape_tensor().name == "Normal/batch_shape_tensor_1/batch_shape:0"
    assert D.kl_divergence(n, q).name.startswith("KullbackLeibler/kl_normal_normal/")
    assert D.kl_divergence(n, q, name="kl").name.startswith("KullbackLeibler_1/kl/")
    with tk.name_scope("outer"):
        m = D.Normal(0.0, 1.0)
    assert m.name == "outer/Normal/"
    assert m.mean().name.startswith("outer/Normal/mean/")


def test_properties_and_parameters():
    n = D.Normal(0.0, 1.0)
    assert n.parameters == {"loc": 0.0, "scale": 1.0, "validate_args": False,
                            "allow_nan_stats": True, "name": "Normal"}
    assert n.reparameterization_type is D.FULLY_REPARAMETERIZED
    assert repr(D.FULLY_REPARAMETERIZED) == "<Reparameterization Type: FULLY_REPARAMETERIZED>"
    for d in (D.Bernoulli(logits=0.0), D.Categorical(logits=[0.0, 1.0]),
              D.Multinomial(2.0, probs=[0.5, 0.5])):
        assert d.reparameterization_type is D.NOT_REPARAMETERIZED
    for d in (D.Uniform(), D.Laplace(0.0, 1.0), D.Gamma(1.0, 1.0), D.Beta(1.0, 1.0),
              D.Dirichlet([1.0, 1.0]), D.StudentT(3.0, 0.0, 1.0), D.Exponential(1.0)):
        assert d.reparameterization_type is D.FULLY_REPARAMETERIZED
    assert n.dtype is tk.float32 and not n.validate_args and n.allow_nan_stats
    assert D.Bernoulli(logits=0.0).dtype is tk.int32
    assert D.Bernoulli(logits=0.0, dtype=tk.float32).dtype is tk.float32
    tk.reset_default_graph()
    e = D.Exponential(2.0)
    assert e.parameters == {"rate": 2.0, "validate_args": False, "allow_nan_stats": True,
                            "name": "Exponential"}
    assert e.name == "Exponential/" and e.concentration.name == "Exponential/concentration:0"
    c = n.copy(scale=3.0)
    assert type(c) is D.Normal and _run(c.stddev()) == 3.0


def test_static_and_dynamic_shapes():
    n = D.Normal(tk.zeros([2, 1]), tk.ones([3]))
    assert n.batch_shape.as_list() == [2, 3] and n.event_shape.as_list() == []
    assert list(_run(n.batch_shape_tensor())) == [2, 3]
    assert list(_run(n.event_shape_tensor())) == []
    assert _run(n.is_scalar_event()) and not _run(n.is_scalar_batch())
    di = D.Dirichlet(tk.ones([4, 3]))
    assert di.batch_shape.as_list() == [4] and di.event_shape.as_list() == [3]
    c = D.Categorical(logits=tk.placeholder(tk.float32, [None, 3]))
    assert c.batch_shape.as_list() == [None]
    assert c.sample(2).shape.as_list() == [2, None]
    ph = tk.placeholder(tk.float32, [None])
    n2 = D.Normal(ph, 1.0)
    assert list(_run(n2.batch_shape_tensor(), {ph: np.zeros(5)})) == [5]


def test_sample_shapes():
    n = D.Normal(tk.zeros([2]), 1.0)
    assert n.sample().shape.as_list() == [2]
    assert n.sample(3).shape.as_list() == [3, 2]
    assert n.sample([4, 3]).shape.as_list() == [4, 3, 2]
    assert n.sample(tk.constant([4, 3])).shape.as_list() == [4, 3, 2]
    ph = tk.placeholder(tk.int32, [2])
    s = n.sample(ph, seed=3)
    assert _run(s, {ph: [2, 5]}).shape == (2, 5, 2)
    di = D.Dirichlet([[1.0, 2.0, 3.0]] * 2)
    assert _run(di.sample([5], seed=1)).shape == (5, 2, 3)
    m = D.Multinomial(total_count=[3.0, 5.0], probs=[0.2, 0.8])
    counts = _run(m.sample(4, seed=2))
    assert counts.shape == (4, 2, 2)
    np.testing.assert_array_equal(counts.sum(-1), np.tile([3.0, 5.0], (4, 1)))


def test_seeded_samples_repeat_across_sessions():
    tk.set_random_seed(5)
    s = D.Normal(0.0, 1.0).sample(4, seed=7)
    a, b = _run(s), _run(s)
    np.testing.assert_array_equal(a, b)


def test_fallbacks_between_methods():
    lap = D.Laplace(0.0, 1.0)  # _prob is exp(_log_prob); stddev gives variance
    assert abs(_run(lap.variance()) - 2.0) < 1e-6
    u = D.Uniform(0.0, 4.0)   # log_prob from _prob; log_cdf from _cdf
    assert abs(_run(u.log_prob(1.0)) - np.log(0.25)) < 1e-6
    assert abs(_run(u.log_cdf(1.0)) - np.log(0.25)) < 1e-6
    assert abs(_run(u.survival_function(1.0)) - 0.75) < 1e-6
    assert abs(_run(u.log_survival_function(1.0)) - np.log(0.75)) < 1e-6


def test_missing_methods_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="cdf is not implemented: Bernoulli"):
        D.Bernoulli(logits=0.0).cdf(0)
    with pytest.raises(NotImplementedError, match="covariance is not implemented: Normal"):
        D.Normal(0.0, 1.0).covariance()
    with pytest.raises(NotImplementedError, match="quantile is not implemented: Gamma"):
        D.Gamma(1.0, 1.0).quantile(0.5)


def test_logits_probs_arguments():
    with pytest.raises(ValueError, match="Must pass probs or logits, but not both"):
        D.Bernoulli()
    with pytest.raises(ValueError, match="Must pass probs or logits, but not both"):
        D.Categorical(logits=[0.0, 1.0], probs=[0.5, 0.5])
    with pytest.raises(TypeError, match="logits must having floating type"):
        D.Bernoulli(logits=tk.constant([1, 2]))
    with pytest.raises(TypeError, match="probs must having floating type"):
        D.Categorical(probs=tk.constant([1, 0]))
    with pytest.raises(TypeError, match="should have integer"):
        D.Categorical(logits=[0.0, 1.0]).log_prob(tk.constant(True))


def test_mixed_parameter_dtypes_raise_type_error():
    with pytest.raises((TypeError, ValueError)):
        D.Normal(tk.constant(0.0, tk.float64), tk.constant(1.0, tk.float32))


@pytest.mark.parametrize("make, message", [
    (lambda: D.Normal(0.0, -1.0, validate_args=True).mean(), "x > 0"),
    (lambda: D.Laplace(0.0, 0.0, validate_args=True).mean(), "x > 0"),
    (lambda: D.Gamma(-1.0, 1.0, validate_args=True).mean(), "x > 0"),
    (lambda: D.Exponential(-1.0, validate_args=True).mean(), "x > 0"),
    (lambda: D.StudentT(-1.0, 0.0, 1.0, validate_args=True).mean(), "x > 0"),
    (lambda: D.Beta(-1.0, 1.0, validate_args=True).mean(), "must be positive"),
    (lambda: D.Dirichlet([1.0, -1.0], validate_args=True).mean(), "must be positive"),
    (lambda: D.Uniform(1.0, 0.0, validate_args=True).mean(), "low >= high"),
    (lambda: D.Bernoulli(probs=1.5, validate_args=True).mean(), "greater than 1"),
    (lambda: D.Categorical(probs=[0.5, 0.6], validate_args=True).probs, "does not sum to 1"),
    (lambda: D.Beta(2.0, 2.0, validate_args=True).log_prob(1.5), "less than `1`"),
    (lambda: D.Multinomial(2.0, probs=[0.5, 0.5], validate_args=True).log_prob([1.0, 2.0]),
     "sum to `self.total_count`"),
    (lambda: D.Bernoulli(logits=0.0, validate_args=True).log_prob(0.5),
     "Elements must be bool-equivalent"),
    (lambda: D.Bernoulli(logits=0.0, validate_args=True).log_prob(2), "cannot exceed 1"),
    (lambda: D.Categorical(logits=[0.0, 1.0], validate_args=True).log_prob(-1),
     "Elements must be non-negative"),
    (lambda: D.Categorical(logits=[0.0, 1.0], validate_args=True).cdf(1.5),
     "Elements must be int32-equivalent"),
    (lambda: D.DirichletMultinomial(3.0, [1.0, 1.0], validate_args=True).log_prob(
        [1.0, 1.0]), "must sum to `self.total_count`"),
    (lambda: D.DirichletMultinomial(2.5, [1.0, 1.0], validate_args=True).mean(),
     "non-integer components"),
    (lambda: D.Gamma(0.5, 1.0, allow_nan_stats=False).mode(), "concentration <= 1"),
    (lambda: D.Beta(0.5, 2.0, allow_nan_stats=False).mode(), "Mode undefined"),
    (lambda: D.StudentT(0.5, 0.0, 1.0, allow_nan_stats=False).mean(), "df <= 1"),
    (lambda: D.StudentT(0.5, 0.0, 1.0, allow_nan_stats=False).variance(), "df <= 1"),
    (lambda: D.kl_divergence(D.Normal(0.0, 0.0), D.Normal(0.0, 0.0),
                             allow_nan_stats=False), "returned NaN values"),
])
def test_bad_parameters_fail_at_run_time(make, message):
    t = make()
    with pytest.raises(tk.errors.InvalidArgumentError, match=message):
        _run(t)


def test_valid_parameters_pass_the_checks():
    assert _run(D.Normal(0.0, 2.0, validate_args=True).stddev()) == 2.0
    lp = D.Bernoulli(logits=0.0, validate_args=True).log_prob(1.0)
    assert abs(_run(lp) - np.log(0.5)) < 1e-6   # TF 2.21: -0.6931472
    lp = D.Categorical(logits=[0.0, 0.0], validate_args=True).log_prob(1)
    assert abs(_run(lp) - np.log(0.5)) < 1e-6
    assert abs(_run(D.Gamma(3.0, 1.0, allow_nan_stats=False).mode()) - 2.0) < 1e-6
    v = _run(D.StudentT([0.5, 1.5, 3.0], 0.0, 1.0).variance())
    assert np.isnan(v[0]) and np.isinf(v[1]) and abs(v[2] - 3.0) < 1e-6
    kl = D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0), allow_nan_stats=False)
    assert abs(_run(kl) - 0.5) < 1e-6


def test_batch_mode_of_dirichlet():
    # TF 2.21's Dirichlet.mode fails for a batch (its where does not broadcast); the
    # value is the closed form (c - 1) / (sum(c) - K), NaN where a concentration <= 1.
    c = np.array([[1.5, 2.0, 3.5], [0.6, 4.0, 1.2]])
    got = _run(D.Dirichlet(tk.constant(c)).mode())
    np.testing.assert_allclose(got[0], (c[0] - 1) / (c[0].sum() - 3), rtol=1e-12)
    assert np.isnan(got[1]).all()


class _MyNormal(D.Normal):
    pass


def test_kl_registry_resolves_through_base_classes_and_rejects_duplicates():
    a, b = _MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)
    assert abs(_run(D.kl_divergence(a, b)) - 0.5) < 1e-6
    with pytest.raises(NotImplementedError, match="type Normal and distribution_b type "
                                                  "Bernoulli"):
        D.kl_divergence(b, D.Bernoulli(logits=0.0))
    with pytest.raises(ValueError, match="already been registered"):
        D.RegisterKL(D.Normal, D.Normal)(lambda a, b, name=None: None)
    with pytest.raises(TypeError, match="kl_fn must be callable"):
        D.RegisterKL(_MyNormal, D.Normal)(3)

    class _Other(D.Normal):
        pass

    @D.RegisterKL(_Other, _Other)
    def _kl(x, y, name=None):
        return tk.constant(42.0)

    assert _run(D.kl_divergence(_Other(0.0, 1.0), _Other(0.0, 1.0))) == 42.0
    assert abs(_run(D.kl_divergence(_Other(0.0, 1.0), b)) - 0.5) < 1e-6


def test_custom_distribution_subclass():
    class Constant(D.Distribution):
        def __init__(self, value):
            self._v = tk.convert_to_tensor(value)
            super().__init__(dtype=self._v.dtype,
                             reparameterization_type=D.NOT_REPARAMETERIZED,
                             validate_args=False, allow_nan_stats=True,
                             parameters={"value": value}, graph_parents=[self._v])

        def _batch_shape(self):
            return self._v.shape

        def _event_shape(self):
            return tk.TensorShape([])

        def _sample_n(self, n, seed=None):
            return tk.zeros([n]) + self._v

        def _mean(self):
            return self._v

    c = Constant(2.5)
    assert c.name == "Constant/"
    assert list(_run(c.sample(3))) == [2.5, 2.5, 2.5]
    assert _run(c.mean()) == 2.5
    with pytest.raises(ValueError, match="Graph parent item 0 is not a Tensor"):
        D.Distribution(tk.float32, D.NOT_REPARAMETERIZED, False, True, graph_parents=[1.0])


def test_param_shapes_as_tf():
    """The results and errors TF 2.21 gives for the same calls."""
    assert D.Normal.param_static_shapes([2, 3]) == {"loc": tk.TensorShape([2, 3]),
                                                     "scale": tk.TensorShape([2, 3])}
    assert D.Exponential.param_static_shapes(tk.TensorShape([4])) == {
        "rate": tk.TensorShape([4])}
    assert D.Bernoulli.param_static_shapes([5]) == {"logits": tk.TensorShape([5])}
    assert set(D.StudentT.param_shapes([3])) == {"df", "loc", "scale"}
    assert list(_run(D.Gamma.param_shapes([3, 1])["rate"])) == [3, 1]
    with pytest.raises(NotImplementedError, match="_param_shapes not implemented"):
        D.Dirichlet.param_static_shapes([2])
    with pytest.raises(ValueError, match="must be fully defined"):
        D.Normal.param_static_shapes(tk.TensorShape([None]))
    with pytest.raises(ValueError, match="fully-defined TensorShape or list/tuple"):
        D.Normal.param_static_shapes(tk.placeholder(tk.int32, [1]))


def test_dirichlet_multinomial_with_a_batch_of_total_counts():
    """A [2] total_count against a [2, 3] concentration: mean n_b c / sum(c) per batch
    member (TF 2.21 multiplies n into the class axis instead and fails here)."""
    c = np.array([[1.0, 2.0, 0.5], [3.0, 0.7, 1.1]])
    dm = D.DirichletMultinomial(tk.constant([5.0, 2.0], tk.float64), tk.constant(c))
    want = np.array([[5.0], [2.0]]) * c / c.sum(-1, keepdims=True)
    np.testing.assert_allclose(_run(dm.mean()), want, rtol=1e-12)
    assert dm.reparameterization_type is D.NOT_REPARAMETERIZED
