"""``tk.contrib.distributions``: TF 1.15's ``tf.contrib.distributions`` — everything of
``tk.distributions`` plus the classes VAEs, flows, Gumbel-softmax and RL code reach for.

Example:
    >>> tfd = tk.contrib.distributions
    >>> q = tfd.MultivariateNormalDiag(loc=[0.0, 1.0], scale_diag=[1.0, 0.5])
    >>> kl = tfd.kl_divergence(q, tfd.MultivariateNormalDiag(loc=[0.0, 0.0]))
"""

from __future__ import annotations

from trainkit.contrib.distributions import bijectors
from trainkit.contrib.distributions.counts import Binomial, NegativeBinomial
from trainkit.contrib.distributions.discrete import Geometric, Poisson
from trainkit.contrib.distributions.independent import Independent
from trainkit.contrib.distributions.mixture import Mixture, MixtureSameFamily
from trainkit.contrib.distributions.mvn import (
    MultivariateNormalDiag,
    MultivariateNormalFullCovariance,
    MultivariateNormalTriL,
)
from trainkit.contrib.distributions.onehot import (
    ExpRelaxedOneHotCategorical,
    OneHotCategorical,
    RelaxedOneHotCategorical,
)
from trainkit.contrib.distributions.scalar import (
    Cauchy,
    Chi2,
    Gumbel,
    HalfNormal,
    InverseGamma,
    Logistic,
)
from trainkit.contrib.distributions.softplus_variants import (
    BernoulliWithSigmoidProbs,
    BetaWithSoftplusConcentration,
    Chi2WithAbsDf,
    ExponentialWithSoftplusRate,
    GammaWithSoftplusConcentrationRate,
    InverseGammaWithSoftplusConcentrationRate,
    LaplaceWithSoftplusScale,
    MultivariateNormalDiagWithSoftplusScale,
    NormalWithSoftplusScale,
    StudentTWithAbsDfSoftplusScale,
)
from trainkit.contrib.distributions.transformed import (
    LogNormal,
    RelaxedBernoulli,
    TransformedDistribution,
)
from trainkit.contrib.distributions.util import (
    fill_triangular,
    matrix_diag_transform,
    softplus_inverse,
)
from trainkit.distributions import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Bernoulli,
    Beta,
    Categorical,
    Dirichlet,
    DirichletMultinomial,
    Distribution,
    Exponential,
    Gamma,
    Laplace,
    Multinomial,
    Normal,
    RegisterKL,
    ReparameterizationType,
    StudentT,
    Uniform,
    kl_divergence,
)

__all__ = ["Bernoulli", "BernoulliWithSigmoidProbs", "Beta", "BetaWithSoftplusConcentration",
           "Binomial", "Categorical", "Cauchy", "Chi2", "Chi2WithAbsDf", "Dirichlet",
           "DirichletMultinomial", "Distribution", "ExpRelaxedOneHotCategorical", "Exponential",
           "ExponentialWithSoftplusRate", "FULLY_REPARAMETERIZED", "Gamma",
           "GammaWithSoftplusConcentrationRate", "Geometric", "Gumbel", "HalfNormal",
           "Independent", "InverseGamma", "InverseGammaWithSoftplusConcentrationRate", "Laplace",
           "LaplaceWithSoftplusScale", "LogNormal", "Logistic", "Mixture", "MixtureSameFamily",
           "Multinomial", "MultivariateNormalDiag", "MultivariateNormalDiagWithSoftplusScale",
           "MultivariateNormalFullCovariance", "MultivariateNormalTriL", "NOT_REPARAMETERIZED",
           "NegativeBinomial", "Normal", "NormalWithSoftplusScale", "OneHotCategorical",
           "Poisson", "RegisterKL", "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "ReparameterizationType", "StudentT", "StudentTWithAbsDfSoftplusScale",
           "TransformedDistribution", "Uniform", "bijectors", "fill_triangular", "kl_divergence",
           "matrix_diag_transform", "softplus_inverse"]
