"""``tf.distributions.Multinomial``: counts over ``K`` classes after ``total_count`` draws
with ``probs`` (or ``logits``) over the last axis. Samples come from one seeded NumPy
kernel (``rng.multinomial``) rather than TF's ``map_fn`` over ``multinomial`` draws.

Example:
    >>> Multinomial(total_count=4.0, probs=[0.2, 0.8]).mean()     # [0.8, 3.2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_ops import assert_equal
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.linalg_ops import matrix_set_diag
from trainkit.ops.nn_activations import log_softmax
from trainkit.ops.op_util import make_op
from trainkit.ops.random_ops import get_seed, rng_for


def multinomial_counts(n: Any, total_count: Tensor, probs: Tensor, dtype: Any,
                       seed: int | None) -> Tensor:
    """``n`` draws of class counts: ``[n] + batch + [K]``, each row summing to its
    ``total_count`` (broadcast to ``probs.shape[:-1]``), from one seeded NumPy kernel."""
    counts = total_count * array_ops.ones_like(probs[..., 0])
    probs = array_ops.expand_dims(array_ops.ones_like(counts), -1) * probs
    s1, s2 = get_seed(seed)
    static_n = n if isinstance(n, int) else None
    shape = TensorShape([static_n]).concatenate(probs.shape)
    n_t = math_ops.cast(conversion.convert_to_tensor(n, name="n"), _dt.int32)
    return make_op("MultinomialCounts", [n_t, counts, probs], [dtype],
                   name="multinomial_counts", attrs={"seed": s1, "seed2": s2},
                   shapes=[shape]).outputs[0]


class Multinomial(distribution.Distribution):
    """The multinomial distribution.

    Args:
        total_count: float tensor of the number of draws (whole numbers).
        logits: float tensor ``[..., K]`` (exactly one of ``logits``/``probs``).
        probs: float tensor ``[..., K]`` of class probabilities.
        validate_args: check counts and ``probs`` at run time.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.
    """

    def __init__(self, total_count: Any, logits: Any = None, probs: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Multinomial") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[total_count, logits, probs]) as name:
            self._total_count = conversion.convert_to_tensor(total_count, name="total_count")
            if validate_args:
                self._total_count = dist_util.check_counts_form(self._total_count)
            self._logits, self._probs = dist_util.get_logits_and_probs(
                logits=logits, probs=probs, multidimensional=True,
                validate_args=validate_args, name=name)
            self._mean_val = array_ops.expand_dims(self._total_count, -1) * self._probs
        super().__init__(dtype=self._probs.dtype,
                         reparameterization_type=distribution.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=name)

    @property
    def total_count(self) -> Tensor:
        """The number of draws."""
        return self._total_count

    @property
    def logits(self) -> Tensor:
        """The class logits, ``[..., K]``."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The class probabilities, ``[..., K]``."""
        return self._probs

    def _batch_shape_tensor(self) -> Tensor:
        return array_ops.shape(self._mean_val)[:-1]

    def _batch_shape(self) -> TensorShape:
        s = self._mean_val.shape.with_rank_at_least(1)
        return s[:-1] if s.ndims is not None else TensorShape(None)

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.shape(self._mean_val)[-1:]

    def _event_shape(self) -> TensorShape:
        s = self._mean_val.shape.with_rank_at_least(1)
        return s[-1:] if s.ndims is not None else TensorShape([None])

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        return multinomial_counts(n, self.total_count, self.probs, self.dtype, seed)

    def _valid_sample(self, counts: Tensor) -> Tensor:
        if not self.validate_args:
            return counts
        counts = dist_util.check_counts_form(counts)
        return with_dependencies([assert_equal(
            self.total_count, math_ops.reduce_sum(counts, -1),
            message="counts must sum to `self.total_count`")], counts)

    def _log_prob(self, counts: Tensor) -> Tensor:
        counts = self._valid_sample(counts)
        unnormalized = math_ops.reduce_sum(counts * log_softmax(self.logits), -1)
        return unnormalized + dist_util.log_combinations(self.total_count, counts)

    def _mean(self) -> Tensor:
        return array_ops.identity(self._mean_val)

    def _probs_full(self) -> Tensor:
        return self.probs * array_ops.expand_dims(array_ops.ones_like(self.total_count), -1)

    def _variance(self) -> Tensor:
        return self._mean_val - self._mean_val * self._probs_full()

    def _covariance(self) -> Tensor:
        outer = -math_ops.matmul(array_ops.expand_dims(self._mean_val, -1),
                                 array_ops.expand_dims(self._probs_full(), -2))
        return matrix_set_diag(outer, self._variance())


@registry.register_kernel("MultinomialCounts", stateful=True)
def _multinomial_counts(ctx: registry.KernelContext, n: Any, counts: Any, probs: Any
                        ) -> np.ndarray:
    p = np.asarray(probs, np.float64)
    p = p / p.sum(-1, keepdims=True)
    draws = rng_for(ctx).multinomial(np.asarray(counts).astype(np.int64), p,
                                     size=(int(n),) + p.shape[:-1])
    return draws.astype(ctx.op.outputs[0].dtype.np_dtype)


registry.not_differentiable("MultinomialCounts")

__all__ = ["Multinomial", "multinomial_counts"]
