"""``tf.contrib.distributions.bijectors``: invertible maps ``y = f(x)`` with their log
Jacobian determinants, for ``TransformedDistribution``.

A bijector defines ``_forward``, ``_inverse`` and ``_inverse_log_det_jacobian`` (per
element for an elementwise map, per vector for ``Affine``); the public methods add the
name scope, check ``event_ndims`` against ``forward_min_event_ndims`` and sum the log
Jacobian over the remaining event axes, as TF 1.15:

    forward_log_det_jacobian(x, n) = -inverse_log_det_jacobian(forward(x), n).

Example:
    >>> b = Exp()
    >>> b.forward(0.0)                                  # 1.0
    >>> b.inverse_log_det_jacobian(2.0, event_ndims=0)  # -log 2
"""

from __future__ import annotations

from trainkit.contrib.distributions.bijectors.affine import Affine
from trainkit.contrib.distributions.bijectors.bijector import Bijector
from trainkit.contrib.distributions.bijectors.compose import Chain, Invert
from trainkit.contrib.distributions.bijectors.elementwise import (
    AffineScalar,
    Exp,
    Identity,
    Sigmoid,
    Softplus,
)
from trainkit.contrib.distributions.bijectors.flows import (
    MaskedAutoregressiveFlow,
    Permute,
    RealNVP,
    masked_autoregressive_default_template,
    masked_dense,
    real_nvp_default_template,
)

__all__ = ["Affine", "AffineScalar", "Bijector", "Chain", "Exp", "Identity", "Invert",
           "MaskedAutoregressiveFlow", "Permute", "RealNVP", "Sigmoid", "Softplus",
           "masked_autoregressive_default_template", "masked_dense",
           "real_nvp_default_template"]
