"""The API of tk.contrib.distributions: the exported names (TF 1.15's
``tf.contrib.distributions`` names that exist here), name scopes, parameters, batch /
event / sample shapes (static and fed at run time), and the typed errors for bad
arguments — ValueError/TypeError at graph construction where TF 1.15 / TFP 0.8 raise them,
``InvalidArgumentError`` at run time for ``validate_args`` checks."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

D = tk.contrib.distributions
B = D.bijectors
INVALID = tk.errors.InvalidArgumentError


def _run(t, feed=None):
    with tk.Session() as s:
        return s.run(t, feed)


def test_exports_everything_of_tk_distributions_and_the_contrib_classes():
    for name in tk.distributions.__all__:
        assert getattr(D, name) is getattr(tk.distributions, name)
    contrib = ["MultivariateNormalDiag", "MultivariateNormalTriL",
               "MultivariateNormalFullCovariance", "OneHotCategorical",
               "RelaxedOneHotCategorical", "ExpRelaxedOneHotCategorical", "RelaxedBernoulli",
               "Logistic", "Poisson", "Geometric", "Gumbel", "Chi2", "InverseGamma",
               "HalfNormal", "LogNormal", "TransformedDistribution", "Independent",
               "Mixture", "MixtureSameFamily", "Binomial", "NegativeBinomial", "Cauchy",
               "NormalWithSoftplusScale", "MultivariateNormalDiagWithSoftplusScale",
               "BernoulliWithSigmoidProbs"]
    assert all(issubclass(getattr(D, n), D.Distribution) for n in contrib)
    assert all(hasattr(B, n) for n in ["Bijector", "Identity", "Exp", "Sigmoid", "Softplus",
                                       "AffineScalar", "Affine", "Invert", "Chain"])
    assert "distributions" in tk.contrib.__all__


def test_names_and_parameters():
    d = D.MultivariateNormalDiag([0.0, 1.0], [1.0, 2.0])
    assert d.name == "MultivariateNormalDiag/"
    assert d.log_prob([0.0, 0.0]).name.startswith("MultivariateNormalDiag/log_prob/")
    assert d.parameters == {"loc": [0.0, 1.0], "scale_diag": [1.0, 2.0],
                            "scale_identity_multiplier": None, "validate_args": False,
                            "allow_nan_stats": True, "name": "MultivariateNormalDiag"}
    assert D.Poisson(rate=1.0).name == "Poisson/"
    assert D.kl_divergence(d, d).name.startswith("KullbackLeibler/kl_mvn/")
    # TF names a TransformedDistribution bijector.name + distribution.name
    td = D.TransformedDistribution(D.Normal(0.0, 1.0, name="N"), B.Exp())
    assert td.name == "expN/" and td.bijector.name == "exp"
    assert td.distribution.name == "N/"
    assert D.LogNormal(0.0, 1.0).parameters["loc"] == 0.0


def test_shapes_of_multivariate_and_one_hot_samples():
    d = D.MultivariateNormalTriL(np.zeros((4, 1, 3), np.float32),
                                 np.tile(np.eye(3, dtype=np.float32), (5, 1, 1)))
    assert d.batch_shape.as_list() == [4, 5] and d.event_shape.as_list() == [3]
    x = d.sample([2, 6], seed=1)
    assert x.shape.as_list() == [2, 6, 4, 5, 3]
    assert d.log_prob(x).shape.as_list() == [2, 6, 4, 5]
    assert _run(d.log_prob(x)).shape == (2, 6, 4, 5)
    assert _run(d.batch_shape_tensor()).tolist() == [4, 5]
    assert _run(d.event_shape_tensor()).tolist() == [3]
    oh = D.OneHotCategorical(logits=np.zeros((2, 4), np.float32), dtype=tk.float32)
    assert oh.sample(3, seed=1).shape.as_list() == [3, 2, 4]
    assert oh.sample(3, seed=1).dtype == tk.float32
    r = D.RelaxedOneHotCategorical(np.array([0.5, 1.0], np.float32),
                                   logits=np.zeros((2, 4), np.float32))
    assert r.batch_shape.as_list() == [2] and r.event_shape.as_list() == [4]
    assert _run(r.sample(3, seed=1)).shape == (3, 2, 4)


def test_shapes_fed_at_run_time():
    loc = tk.placeholder(tk.float32, [None, 2])
    d = D.MultivariateNormalDiag(loc, [1.0, 2.0])
    x = d.sample(3, seed=2)
    feed = {loc: np.zeros((5, 2), np.float32)}
    assert _run(x, feed).shape == (3, 5, 2)
    assert _run(d.log_prob(x), feed).shape == (3, 5)
    assert _run(d.batch_shape_tensor(), feed).tolist() == [5]
    rate = tk.placeholder(tk.float32, [None])
    assert _run(D.Poisson(rate=rate).sample(4, seed=1), {rate: [1.0, 2.0]}).shape == (4, 2)


def test_scalar_distribution_shapes_broadcast():
    d = D.Logistic(np.zeros((2, 1), np.float32), np.ones(3, np.float32))
    assert d.batch_shape.as_list() == [2, 3]
    assert _run(d.sample(4, seed=1)).shape == (4, 2, 3)
    assert _run(d.entropy()).shape == (2, 3)
    assert _run(D.Chi2([1.0, 2.0]).df).tolist() == [1.0, 2.0]


@pytest.mark.parametrize("make,error,match", [
    (lambda: D.MultivariateNormalDiag(), ValueError, "Must specify one or both"),
    (lambda: D.MultivariateNormalDiag([0.0, 0.0, 0.0], [1.0, 2.0]), ValueError,
     "Event sizes"),
    (lambda: D.MultivariateNormalDiag(np.zeros(2, np.float32), np.ones(2)), TypeError,
     "incompatible dtypes"),
    (lambda: D.MultivariateNormalDiag([0, 0]), TypeError, "floating point"),
    (lambda: D.MultivariateNormalTriL(), ValueError, "Must specify one or both"),
    (lambda: D.MultivariateNormalTriL([0.0], [1.0]), ValueError, "rank at least 2"),
    (lambda: D.MultivariateNormalTriL(None, np.ones((2, 3), np.float32)), ValueError,
     "square"),
    (lambda: D.MultivariateNormalTriL(np.zeros(3, np.float32), np.eye(2, dtype=np.float32)),
     ValueError, "Event sizes"),
    (lambda: D.MultivariateNormalFullCovariance(), ValueError, "Must specify one or both"),
    (lambda: D.Poisson(), ValueError, "exactly one of `rate` and `log_rate`"),
    (lambda: D.Poisson(rate=1.0, log_rate=0.0), ValueError, "exactly one"),
    (lambda: D.Geometric(), ValueError, "Must pass probs or logits"),
    (lambda: D.OneHotCategorical(logits=1.0), ValueError, "rank at least 1"),
    (lambda: D.OneHotCategorical(logits=[1.0], probs=[1.0]), ValueError, "not both"),
    (lambda: D.RelaxedOneHotCategorical(0.5), ValueError, "Must pass probs or logits"),
    (lambda: D.RelaxedBernoulli(0.5), ValueError, "Must pass probs or logits"),
    (lambda: D.Logistic(np.float32(0.0), np.float64(1.0)), ValueError, "Expected float32"),
    (lambda: D.TransformedDistribution(D.Normal([0.0, 1.0], 1.0), B.Exp(), event_shape=[2]),
     ValueError, "Base distribution is not scalar"),
    (lambda: D.TransformedDistribution(D.Normal([0.0, 1.0], 1.0), B.Exp(), batch_shape=[2]),
     ValueError, "Base distribution is not scalar"),
    (lambda: D.TransformedDistribution(D.Normal(0.0, 1.0), B.Affine(shift=[1.0, 2.0])),
     ValueError, "rank at least 1"),
    (lambda: B.Affine(scale_identity_multiplier=2.0), ValueError, "needs `shift`"),
    (lambda: B.Affine(shift=[0.0], scale_perturb_factor=[[1.0]]), NotImplementedError,
     "scale_perturb_factor"),
    (lambda: B.Affine(shift=[0.0], adjoint=True), NotImplementedError, "adjoint"),
    (lambda: B.Chain([B.Exp(), B.Affine(shift=[0.0])]), ValueError,
     "different forward_min_event_ndims"),
    (lambda: B.Affine(shift=[1.0, 2.0]).forward_log_det_jacobian([0.0, 0.0], event_ndims=0),
     ValueError, r"event_ndims \(0\) must be larger than or equal to"),
    (lambda: B.Exp().inverse_log_det_jacobian(1.0, event_ndims=None), TypeError,
     "event_ndims must be a Python int"),
    (lambda: D.kl_divergence(D.MultivariateNormalDiag([0.0]), D.Normal(0.0, 1.0)),
     NotImplementedError, "No KL"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_construction_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("make,match", [
    (lambda: D.MultivariateNormalDiag([0.0, 0.0], [1.0, 0.0], validate_args=True)
     .log_prob([0.0, 0.0]), "Singular operator"),
    (lambda: D.MultivariateNormalDiag([0.0, 0.0], [1.0, 1.0], -1.0, validate_args=True)
     .sample(seed=1), "Singular operator"),
    (lambda: D.MultivariateNormalTriL([0.0, 0.0], [[1.0, 0.0], [2.0, 0.0]],
                                      validate_args=True).entropy(), "Singular operator"),
    (lambda: D.MultivariateNormalFullCovariance([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]],
                                                validate_args=True).log_prob([0.0, 0.0]),
     "not symmetric"),
    (lambda: D.MultivariateNormalFullCovariance([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
     .log_prob([0.0, 0.0]), "Cholesky decomposition was not successful"),  # not pos. def.
    (lambda: D.Logistic(0.0, -1.0, validate_args=True).log_prob(0.0), "scale must be positive"),
    (lambda: D.Gumbel(0.0, 0.0, validate_args=True).sample(seed=1), "scale must be positive"),
    (lambda: D.HalfNormal(-1.0, validate_args=True).mean(), "scale must be positive"),
    (lambda: D.InverseGamma(1.0, -2.0, validate_args=True).mode(), "rate must be positive"),
    (lambda: D.Poisson(rate=0.0, validate_args=True).mean(), "Poisson/assert_positive"),
    (lambda: D.Poisson(rate=1.0, validate_args=True).log_prob(1.5), "non-integer"),
    (lambda: D.Poisson(rate=1.0, validate_args=True).cdf(-1.0), "negative"),
    (lambda: D.Geometric(probs=0.0, validate_args=True).log_prob(1.0),
     "Geometric/assert_positive"),
    (lambda: D.Geometric(probs=0.5, validate_args=True).log_prob(0.5), "non-integer"),
    (lambda: D.RelaxedOneHotCategorical(0.0, logits=[0.0, 1.0], validate_args=True)
     .log_prob([0.5, 0.5]), "ExpRelaxedOneHotCategorical/assert_positive"),
    (lambda: D.RelaxedBernoulli(-1.0, logits=0.0, validate_args=True).sample(seed=1),
     "RelaxedBernoulli/assert_positive"),
    (lambda: D.OneHotCategorical(probs=[0.5, 0.6], validate_args=True).entropy(),
     "probs does not sum to 1"),
    (lambda: D.OneHotCategorical(logits=[0.0, 1.0], validate_args=True).log_prob([1, 1]),
     "Last dimension of x must sum to 1"),
    (lambda: D.OneHotCategorical(logits=[0.0, 1.0], validate_args=True).log_prob([2, -1]),
     "assert_non_negative"),
    (lambda: D.ExpRelaxedOneHotCategorical(0.5, logits=[0.0, 1.0], validate_args=True)
     .log_prob([-0.1, -0.2]), "logsumexp"),
    (lambda: D.RelaxedOneHotCategorical(0.5, logits=[0.0, 1.0], validate_args=True)
     .log_prob([0.3, 0.3]), "logsumexp"),
    (lambda: D.InverseGamma([0.5, 3.0], 1.0, allow_nan_stats=False).variance(),
     "variance undefined"),
    (lambda: B.AffineScalar(scale=0.0, validate_args=True).forward(1.0),
     "scale must be non-zero"),
    (lambda: B.Softplus(hinge_softness=0.0, validate_args=True).forward(1.0), "non-zero"),
])
def test_run_time_checks_raise_invalid_argument(make, match):
    with pytest.raises(INVALID, match=match):
        _run(make())


def test_valid_arguments_pass_the_run_time_checks():
    """The same checks do not fire on valid input (so the tests above test the check)."""
    _run([D.MultivariateNormalDiag([0.0, 0.0], [1.0, -2.0], validate_args=True)
          .log_prob([0.0, 0.0]),
          D.MultivariateNormalFullCovariance([0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]],
                                             validate_args=True).mean(),
          D.Poisson(rate=1.0, validate_args=True).log_prob(2.0),
          D.Logistic(0.0, 1.0, validate_args=True).log_prob(0.0),
          D.RelaxedOneHotCategorical(0.5, logits=[0.0, 1.0], validate_args=True)
          .log_prob([0.5, 0.5]),
          D.OneHotCategorical(logits=[0.0, 1.0], validate_args=True).log_prob([0, 1]),
          B.AffineScalar(scale=2.0, validate_args=True).forward(1.0)])


def test_parameters_and_copy_report_the_class_called():
    """Classes built on another constructor keep their own arguments (as TF), so copy()
    rebuilds the same class; copy(**overrides) replaces one argument."""
    cases = [(D.Chi2(3.0), {"df": 3.0}), (D.Chi2WithAbsDf(-3.0), {"df": -3.0}),
             (D.LogNormal(0.5, 2.0), {"loc": 0.5, "scale": 2.0}),
             (D.RelaxedBernoulli(0.5, logits=1.0), {"temperature": 0.5, "logits": 1.0}),
             (D.RelaxedOneHotCategorical(0.5, logits=[0.0, 1.0]), {"temperature": 0.5}),
             (D.NormalWithSoftplusScale(0.0, 1.0), {"loc": 0.0, "scale": 1.0})]
    for d, expected in cases:
        assert all(d.parameters[k] == v for k, v in expected.items()), d.parameters
        assert type(d.copy()) is type(d)
    half = D.LogNormal(0.5, 2.0).copy(scale=1.0)
    np.testing.assert_allclose(_run(half.variance()), np.expm1(1.0) * np.exp(2.0))
