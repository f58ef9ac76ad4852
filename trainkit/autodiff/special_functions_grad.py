"""Gradients of ``special_functions`` and of the digamma, as TF defines them:

* ``igamma(a, x)``: d/dx = ``exp(-x + (a - 1) log x - lgamma(a))``, d/da =
  ``igamma_grad_a(a, x)``; ``igammac`` the negatives.
* ``betainc(a, b, x)``: d/dx = ``x^(a-1) (1-x)^(b-1) / B(a, b)``; none w.r.t. ``a``, ``b``
  (TF has none either).
* ``polygamma(a, x)``: d/dx = ``polygamma(a + 1, x)``; none w.r.t. the order ``a``.
* ``digamma(x)``: d/dx = ``polygamma(1, x)`` (the trigamma).
* ``random_gamma`` (op ``RandomGammaRate``, draws ``x = g / beta`` with ``g`` standard
  Gamma(``alpha``)): TF's implicit reparameterization, d x/d alpha =
  ``random_gamma_grad(alpha, x * beta) / beta`` and d x/d beta = ``-x / beta``, summed
  over the sample axes of the draw.
"""

from __future__ import annotations

from trainkit.autodiff.broadcast import reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import math_ops as m
from trainkit.ops.math_more import lgamma
from trainkit.ops.special_functions import igamma_grad_a, polygamma, random_gamma_grad


def _igamma_dx(a: Tensor, x: Tensor) -> Tensor:
    log_density = m.subtract(m.multiply(m.subtract(a, 1.0), m.log(x)), m.add(x, lgamma(a)))
    return m.exp(log_density)


@registry.register_gradient("Igamma")
def _igamma_grad(op: Operation, grad: Tensor) -> list:
    a, x = op.inputs
    return [reduce_to_shape(m.multiply(grad, igamma_grad_a(a, x)), a),
            reduce_to_shape(m.multiply(grad, _igamma_dx(a, x)), x)]


@registry.register_gradient("Igammac")
def _igammac_grad(op: Operation, grad: Tensor) -> list:
    a, x = op.inputs
    return [reduce_to_shape(m.negative(m.multiply(grad, igamma_grad_a(a, x))), a),
            reduce_to_shape(m.negative(m.multiply(grad, _igamma_dx(a, x))), x)]


@registry.register_gradient("Betainc")
def _betainc_grad(op: Operation, grad: Tensor) -> list:
    a, b, x = op.inputs
    log_beta = m.subtract(m.add(lgamma(a), lgamma(b)), lgamma(m.add(a, b)))
    log_density = m.subtract(
        m.add(m.multiply(m.subtract(a, 1.0), m.log(x)),
              m.multiply(m.subtract(b, 1.0), m.log1p(m.negative(x)))), log_beta)
    return [None, None, reduce_to_shape(m.multiply(grad, m.exp(log_density)), x)]


@registry.register_gradient("Polygamma")
def _polygamma_grad(op: Operation, grad: Tensor) -> list:
    n, x = op.inputs
    return [None, reduce_to_shape(m.multiply(grad, polygamma(m.add(n, 1.0), x)), x)]


@registry.register_gradient("Digamma")
def _digamma_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return [m.multiply(grad, polygamma(m.cast(1.0, x.dtype), x))]


@registry.register_gradient("RandomGammaRate")
def _random_gamma_grad(op: Operation, grad: Tensor) -> list:
    _, alpha, beta = op.inputs
    x = op.outputs[0]
    d_alpha = m.divide(random_gamma_grad(alpha, m.multiply(x, beta)), beta)
    d_beta = m.negative(m.divide(x, beta))
    # the draw has shape `shape + broadcast(alpha, beta)`: summing down to a parameter's
    # shape sums over the sample axes and the broadcast ones
    return [None, reduce_to_shape(m.multiply(grad, d_alpha), alpha),
            reduce_to_shape(m.multiply(grad, d_beta), beta)]
