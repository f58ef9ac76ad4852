"""``tk.distributions``: TF1's ``tf.distributions`` (``tf.compat.v1.distributions``).

Densities, cdfs, entropies, moments and KL divergences follow TF's formulas. Sampling
draws from trainkit's own random streams, so a seeded sample has the right distribution
but not TF's numbers; reparameterized samples (``Normal``, ``Laplace``, ``Uniform``,
``StudentT``, ``Gamma``, ``Exponential``, ``Beta``, ``Dirichlet``) carry gradients to
their parameters as TF's do (through ``random_gamma``'s implicit reparameterization
gradient for the gamma-based ones).

Example:
    >>> import trainkit as tf
    >>> q = tf.distributions.Normal(loc=0.5, scale=2.0)
    >>> p = tf.distributions.Normal(loc=0.0, scale=1.0)
    >>> kl = tf.distributions.kl_divergence(q, p)
"""

from __future__ import annotations

from trainkit.ops.distributions.bernoulli import Bernoulli
from trainkit.ops.distributions.beta import Beta
from trainkit.ops.distributions.categorical import Categorical
from trainkit.ops.distributions.dirichlet import Dirichlet
from trainkit.ops.distributions.dirichlet_multinomial import DirichletMultinomial
from trainkit.ops.distributions.distribution import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Distribution,
    ReparameterizationType,
)
from trainkit.ops.distributions.gamma import Exponential, Gamma
from trainkit.ops.distributions.kullback_leibler import RegisterKL, kl_divergence
from trainkit.ops.distributions.laplace import Laplace
from trainkit.ops.distributions.multinomial import Multinomial
from trainkit.ops.distributions.normal import Normal
from trainkit.ops.distributions.student_t import StudentT
from trainkit.ops.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "DirichletMultinomial",
           "Distribution", "Exponential",
           "FULLY_REPARAMETERIZED", "Gamma", "Laplace", "Multinomial", "NOT_REPARAMETERIZED",
           "Normal", "RegisterKL", "ReparameterizationType", "StudentT", "Uniform",
           "kl_divergence"]
