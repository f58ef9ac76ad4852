"""``tf.random_gamma`` / ``tf.random.gamma`` and ``tf.random_poisson`` /
``tf.random.poisson``: draws of shape ``shape + broadcast(alpha, beta)`` (or ``lam``)
from the op's seeded generator (TF1's seed rules; trainkit's own stream, not TF's
numbers). ``beta`` is a rate (``scale = 1 / beta``), as TF. Gamma draws carry TF's
implicit reparameterization gradient to ``alpha`` and ``beta``
(``autodiff/special_functions_grad.py``).

Example:
    >>> g = random_gamma([100], alpha=[0.5, 2.0])        # [100, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.random_ops import _rng, get_seed
from trainkit.ops.static_value import constant_value


def _draw(op_type: str, shape: Any, params: list[Tensor], dtype: _dt.DType,
          seed: int | None, name: str) -> Tensor:
    s = conversion.convert_to_tensor(shape, dtype=_dt.int32, name="shape")
    sv = constant_value(s)
    pshape = TensorShape([])
    for p in params:
        pshape = broadcast_static(pshape, p.shape)
    static = TensorShape(None) if sv is None or pshape.ndims is None else TensorShape(
        [int(d) for d in np.reshape(sv, [-1])] + pshape.as_list())
    s1, s2 = get_seed(seed)
    return make_op(op_type, [s, *params], [dtype], name=name,
                   attrs={"seed": s1, "seed2": s2}, shapes=[static]).outputs[0]


def random_gamma(shape: Any, alpha: Any, beta: Any = None, dtype: Any = _dt.float32,
                 seed: int | None = None, name: str | None = None) -> Tensor:
    """Gamma draws with concentration ``alpha`` and rate ``beta`` (default 1)."""
    dt = _dt.as_dtype(dtype)
    a = conversion.convert_to_tensor(alpha, dtype=dt, name="alpha")
    b = conversion.convert_to_tensor(1.0 if beta is None else beta, dtype=dt, name="beta")
    return _draw("RandomGammaRate", shape, [a, b], dt, seed, name or "random_gamma")


def random_poisson(lam: Any, shape: Any, dtype: Any = _dt.float32, seed: int | None = None,
                   name: str | None = None) -> Tensor:
    """Poisson draws with rate ``lam`` (TF1's argument order: ``lam`` first)."""
    dt = _dt.as_dtype(dtype)
    lm = conversion.convert_to_tensor(lam, name="lam")
    if not lm.dtype.is_floating:
        lm = conversion.convert_to_tensor(lam, dtype=_dt.float32, name="lam")
    return _draw("RandomPoissonV2", shape, [lm], dt, seed, name or "random_poisson")


def poisson(lam: Any, shape: Any, dtype: Any = _dt.float32, seed: int | None = None,
            name: str | None = None) -> Tensor:
    """``tf.random.poisson`` (the same as :func:`random_poisson`)."""
    return random_poisson(lam, shape, dtype, seed, name)


gamma = random_gamma


def _sizes(shape: Any, params: list) -> tuple:
    base = tuple(int(d) for d in np.reshape(shape, [-1]))
    return base + np.broadcast_shapes(*(np.shape(p) for p in params))


@registry.register_kernel("RandomGammaRate", stateful=True)
def _gamma_kernel(ctx: registry.KernelContext, shape: Any, alpha: Any, beta: Any
                  ) -> np.ndarray:
    size = _sizes(shape, [alpha, beta])
    out = _rng(ctx).gamma(np.asarray(alpha, np.float64), 1.0 / np.asarray(beta, np.float64),
                          size=size)
    return out.astype(ctx.op.outputs[0].dtype.np_dtype)


@registry.register_kernel("RandomPoissonV2", stateful=True)
def _poisson_kernel(ctx: registry.KernelContext, shape: Any, lam: Any) -> np.ndarray:
    out = _rng(ctx).poisson(np.asarray(lam, np.float64), size=_sizes(shape, [lam]))
    return out.astype(ctx.op.outputs[0].dtype.np_dtype)


registry.not_differentiable("RandomPoissonV2")

__all__ = ["random_gamma", "random_poisson", "gamma", "poisson"]
