"""``tk.contrib.distributions``: TF 1.15's ``tf.contrib.distributions`` — everything of
``tk.distributions`` plus the classes VAEs, flows, Gumbel-softmax and RL code reach for.

Example:
    >>> tfd = tk.contrib.distributions
    >>> q = tfd.MultivariateNormalDiag(loc=[0.0, 1.0], scale_diag=[1.0, 0.5])
    >>> kl = tfd.kl_divergence(q, tfd.MultivariateNormalDiag(loc=[0.0, 0.0]))
"""

from __future__ import annotations

from trainkit.contrib.distributions import bijectors
from trainkit.contrib.distributions.discrete import Geometric, Poisson
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
from trainkit.contrib.distributions.scalar import Chi2, Gumbel, HalfNormal, InverseGamma, Logistic
from trainkit.contrib.distributions.transformed import (
    LogNormal,
    RelaxedBernoulli,
    TransformedDistribution,
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

__all__ = ["Bernoulli", "Beta", "Categorical", "Chi2", "Dirichlet", "DirichletMultinomial",
           "Distribution", "ExpRelaxedOneHotCategorical", "Exponential", "FULLY_REPARAMETERIZED",
           "Gamma", "Geometric", "Gumbel", "HalfNormal", "InverseGamma", "Laplace", "LogNormal",
           "Logistic", "Multinomial", "MultivariateNormalDiag",
           "MultivariateNormalFullCovariance", "MultivariateNormalTriL", "NOT_REPARAMETERIZED",
           "Normal", "OneHotCategorical", "Poisson", "RegisterKL", "RelaxedBernoulli",
           "RelaxedOneHotCategorical", "ReparameterizationType", "StudentT",
           "TransformedDistribution", "Uniform", "bijectors", "kl_divergence"]
