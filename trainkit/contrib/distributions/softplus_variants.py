"""TF 1.15's ``tf.contrib.distributions`` convenience classes that map unconstrained
parameters into their domain first: ``NormalWithSoftplusScale`` is
``Normal(loc, softplus(scale))``, and so on (a softplus for positive parameters, a sigmoid
for ``BernoulliWithSigmoidProbs``, ``floor(|df|)`` for degrees of freedom).

Each keeps the constructor arguments it was given in ``parameters`` and takes the
default name of its class.

Example:
    >>> d = NormalWithSoftplusScale(loc=0.0, scale=0.0)     # scale softplus(0) = log 2
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit import distributions as _base
from trainkit.contrib.distributions.mvn import MultivariateNormalDiag
from trainkit.contrib.distributions.own_parameters import OwnParameters
from trainkit.contrib.distributions.scalar import Chi2, InverseGamma


def _softplus(x: Any, name: str) -> Any:
    return tk.nn.softplus(x, name=name)


class NormalWithSoftplusScale(OwnParameters, _base.Normal):
    """``Normal(loc, softplus(scale))``."""

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "NormalWithSoftplusScale") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[scale]) as name:
            super().__init__(loc=loc, scale=_softplus(scale, "softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class LaplaceWithSoftplusScale(OwnParameters, _base.Laplace):
    """``Laplace(loc, softplus(scale))``."""

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "LaplaceWithSoftplusScale") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[loc, scale]) as name:
            super().__init__(loc=loc, scale=_softplus(scale, "softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class BernoulliWithSigmoidProbs(OwnParameters, _base.Bernoulli):
    """``Bernoulli(probs=sigmoid(logits))``."""

    def __init__(self, logits: Any = None, dtype: Any = tk.int32, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "BernoulliWithSigmoidProbs") -> None:
        parameters = dict(locals())
        with tk.name_scope(name) as name:
            super().__init__(probs=tk.sigmoid(logits, name="sigmoid_probs"), dtype=dtype,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class ExponentialWithSoftplusRate(OwnParameters, _base.Exponential):
    """``Exponential(softplus(rate))``."""

    def __init__(self, rate: Any, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "ExponentialWithSoftplusRate") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[rate]) as name:
            super().__init__(rate=_softplus(rate, "softplus_rate"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class GammaWithSoftplusConcentrationRate(OwnParameters, _base.Gamma):
    """``Gamma(softplus(concentration), softplus(rate))``."""

    def __init__(self, concentration: Any, rate: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True,
                 name: str = "GammaWithSoftplusConcentrationRate") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[concentration, rate]) as name:
            super().__init__(concentration=_softplus(concentration, "softplus_concentration"),
                             rate=_softplus(rate, "softplus_rate"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class BetaWithSoftplusConcentration(OwnParameters, _base.Beta):
    """``Beta(softplus(concentration1), softplus(concentration0))``."""

    def __init__(self, concentration1: Any = None, concentration0: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "BetaWithSoftplusConcentration") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[concentration1, concentration0]) as name:
            super().__init__(concentration1=_softplus(concentration1,
                                                      "softplus_concentration1"),
                             concentration0=_softplus(concentration0,
                                                      "softplus_concentration0"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class StudentTWithAbsDfSoftplusScale(OwnParameters, _base.StudentT):
    """``StudentT(floor(|df|), loc, softplus(scale))``."""

    def __init__(self, df: Any, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True,
                 name: str = "StudentTWithAbsDfSoftplusScale") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[df, scale]) as name:
            super().__init__(df=tk.floor(tk.abs(df)), loc=loc,
                             scale=_softplus(scale, "softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class Chi2WithAbsDf(Chi2):
    """``Chi2(floor(|df|))``."""

    def __init__(self, df: Any, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Chi2WithAbsDf") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[df]) as name:
            super().__init__(df=tk.floor(tk.abs(df, name="abs_df"), name="floor_abs_df"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class InverseGammaWithSoftplusConcentrationRate(OwnParameters, InverseGamma):
    """``InverseGamma(softplus(concentration), softplus(rate))``."""

    def __init__(self, concentration: Any, rate: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True,
                 name: str = "InverseGammaWithSoftplusConcentrationRate") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[concentration, rate]) as name:
            super().__init__(concentration=_softplus(concentration, "softplus_concentration"),
                             rate=_softplus(rate, "softplus_rate"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


class MultivariateNormalDiagWithSoftplusScale(OwnParameters, MultivariateNormalDiag):
    """``MultivariateNormalDiag(loc, softplus(scale_diag))``."""

    def __init__(self, loc: Any, scale_diag: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True,
                 name: str = "MultivariateNormalDiagWithSoftplusScale") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[scale_diag]) as name:
            super().__init__(loc=loc, scale_diag=_softplus(scale_diag, "softplus_scale_diag"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self.keep_parameters(parameters)


__all__ = ["NormalWithSoftplusScale", "LaplaceWithSoftplusScale", "BernoulliWithSigmoidProbs",
           "ExponentialWithSoftplusRate", "GammaWithSoftplusConcentrationRate",
           "BetaWithSoftplusConcentration", "StudentTWithAbsDfSoftplusScale", "Chi2WithAbsDf",
           "InverseGammaWithSoftplusConcentrationRate",
           "MultivariateNormalDiagWithSoftplusScale"]
