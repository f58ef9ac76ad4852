"""Finite mixtures of ``tf.contrib.distributions``: ``MixtureSameFamily`` (one batched
component distribution whose rightmost batch axis indexes the ``k`` components, as in
mixture density networks) and ``Mixture`` (a list of distributions).

    log p(x) = logsumexp_j (log pi_j + log p_j(x))
    mean = sum_j pi_j mean_j;  variance = sum_j pi_j (var_j + (mean_j - mean)^2)

Samples draw every component and keep the chosen one (not reparameterized, as TF 1.15).

Example:
    >>> mix = MixtureSameFamily(Categorical(logits=[0.0, 1.0]),
    ...                         Normal(loc=[-1.0, 1.0], scale=[0.5, 0.5]))
    >>> mix.log_prob(0.3)
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit import distributions as _base
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.distributions import dist_util


def _static_dim(shape: TensorShape, i: int) -> int | None:
    if shape.ndims is None:
        return None
    d = shape[i]
    d = getattr(d, "value", d)
    return None if d is None else int(d)


class MixtureSameFamily(_base.Distribution):
    """A mixture whose components are the last batch axis of ``components_distribution``.

    Args:
        mixture_distribution: a ``Categorical`` over ``k`` components, batch shape ``B``.
        components_distribution: a distribution of batch shape ``B + [k]``.
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: if the mixture's event shape is not ``[]``, or ``k`` or ``B`` do not
            match (static shapes).
    """

    def __init__(self, mixture_distribution: Any, components_distribution: Any,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "MixtureSameFamily") -> None:
        parameters = dict(locals())
        mix, comp = mixture_distribution, components_distribution
        if mix.event_shape.ndims != 0:
            raise ValueError("`mixture_distribution` must have scalar `event_dim`s")
        k_mix = _static_dim(mix.logits.shape, -1)
        k_comp = _static_dim(comp.batch_shape, -1)
        if k_mix is not None and k_comp is not None and k_mix != k_comp:
            raise ValueError(f"`mixture_distribution components` ({k_mix}) does not equal "
                             f"`components_distribution.batch_shape[-1]` ({k_comp})")
        if (mix.batch_shape.is_fully_defined() and comp.batch_shape.is_fully_defined()
                and mix.batch_shape.ndims != 0
                and mix.batch_shape != comp.batch_shape[:-1]):
            raise ValueError(f"`mixture_distribution.batch_shape` ({mix.batch_shape}) is not "
                             f"compatible with `components_distribution.batch_shape` "
                             f"({comp.batch_shape})")
        with tk.name_scope(name) as name:
            pass
        self._mixture = mix
        self._components = comp
        self._k = k_comp if k_comp is not None else tk.shape(mix.logits)[-1]
        super().__init__(dtype=comp.dtype, reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[], name=name)

    @property
    def mixture_distribution(self) -> Any:
        """The Categorical over components."""
        return self._mixture

    @property
    def components_distribution(self) -> Any:
        """The batched components."""
        return self._components

    def _event_ndims(self) -> int:
        ndims = self._components.event_shape.ndims
        if ndims is None:
            raise ValueError("MixtureSameFamily needs components of known event rank.")
        return ndims

    def _batch_shape(self) -> TensorShape:
        return self._components.batch_shape[:-1]

    def _batch_shape_tensor(self) -> Tensor:
        return self._components.batch_shape_tensor()[:-1]

    def _event_shape(self) -> TensorShape:
        return self._components.event_shape

    def _event_shape_tensor(self) -> Tensor:
        return self._components.event_shape_tensor()

    def _weights(self, like_ndims: int) -> Tensor:
        """Mixture probabilities ``[..., k]`` with ``like_ndims`` trailing unit axes."""
        p = tk.nn.softmax(self._mixture.logits)
        for _ in range(like_ndims):
            p = tk.expand_dims(p, -1)
        return p

    def _pad(self, x: Tensor) -> Tensor:
        """``x`` with a component axis before its event axes."""
        return tk.expand_dims(x, -1 - self._event_ndims())

    def _log_prob(self, x: Tensor) -> Tensor:
        lp = self._components.log_prob(self._pad(x))              # [S, B, k]
        return tk.reduce_logsumexp(lp + tk.nn.log_softmax(self._mixture.logits), -1)

    def _cdf(self, x: Tensor) -> Tensor:
        cdf = self._components.cdf(self._pad(x))
        return tk.reduce_sum(cdf * tk.nn.softmax(self._mixture.logits), -1)

    def _mean(self) -> Tensor:
        e = self._event_ndims()
        return tk.reduce_sum(self._weights(e) * self._components.mean(), -1 - e)

    def _variance(self) -> Tensor:
        e = self._event_ndims()
        w = self._weights(e)
        means = self._components.mean()
        mean = tk.reduce_sum(w * means, -1 - e, keepdims=True)
        return tk.reduce_sum(w * (self._components.variance() + tk.square(means - mean)),
                             -1 - e)

    def _covariance(self) -> Tensor:
        if self._event_ndims() != 1:
            raise NotImplementedError("covariance needs components with vector events")
        w = self._weights(1)
        means = self._components.mean()                           # [B, k, d]
        dev = means - tk.reduce_sum(w * means, -2, keepdims=True)
        outer = dev[..., :, None] * dev[..., None, :]
        within = self._components.covariance()
        return tk.reduce_sum(w[..., None] * (within + outer), -3)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        x = self._components.sample(n, seed=seed)                 # [n, B, k, E]
        which = self._mixture.sample(n, seed=dist_util.gen_new_seed(seed, "mixture"))
        mask = tk.one_hot(which, self._k, dtype=x.dtype)          # [n, B, k]
        for _ in range(self._event_ndims()):
            mask = tk.expand_dims(mask, -1)
        return tk.reduce_sum(x * mask, -1 - self._event_ndims())


class Mixture(_base.Distribution):
    """A mixture of a list of distributions with equal batch and event shapes.

    Args:
        cat: a ``Categorical`` over ``len(components)``.
        components: the component distributions.
        validate_args, allow_nan_stats, name: as ``Distribution``.
        use_static_graph: accepted for TF's signature; sampling always draws every
            component and keeps the chosen one.

    Raises:
        TypeError: if ``components`` is not a non-empty list of distributions.
        ValueError: if their dtypes or static event shapes differ, or ``cat`` has a
            different number of classes.
    """

    def __init__(self, cat: Any, components: list, validate_args: bool = False,
                 allow_nan_stats: bool = True, use_static_graph: bool = False,
                 name: str = "Mixture") -> None:
        parameters = dict(locals())
        if not isinstance(components, (list, tuple)) or not components or not all(
                isinstance(c, _base.Distribution) for c in components):
            raise TypeError(f"components must be a non-empty list of distribution "
                            f"instances, got {components!r}")
        dtypes = {c.dtype for c in components}
        if len(dtypes) != 1:
            raise ValueError(f"All components must have the same dtype, but saw "
                             f"{sorted(d.name for d in dtypes)}")
        events = {str(c.event_shape) for c in components}
        if len(events) != 1:
            raise ValueError(f"All components must have the same event shape, but saw "
                             f"{sorted(events)}")
        k = _static_dim(cat.logits.shape, -1)
        if k is not None and k != len(components):
            raise ValueError(f"cat.num_classes != len(components): {k} vs. "
                             f"{len(components)}")
        with tk.name_scope(name) as name:
            pass
        self._cat = cat
        self._components = list(components)
        super().__init__(dtype=components[0].dtype,
                         reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[], name=name)

    @property
    def cat(self) -> Any:
        """The Categorical over components."""
        return self._cat

    @property
    def components(self) -> list:
        """The component distributions."""
        return list(self._components)

    @property
    def num_components(self) -> int:
        """The number of components."""
        return len(self._components)

    def _batch_shape(self) -> TensorShape:
        return self._cat.batch_shape

    def _batch_shape_tensor(self) -> Tensor:
        return self._cat.batch_shape_tensor()

    def _event_shape(self) -> TensorShape:
        return self._components[0].event_shape

    def _event_shape_tensor(self) -> Tensor:
        return self._components[0].event_shape_tensor()

    def _stacked(self, values: list, event_ndims: int) -> tuple[Tensor, Tensor]:
        """The values stacked on a component axis, and the weights to match."""
        stacked = tk.stack(values, axis=-1 - event_ndims)
        w = tk.nn.softmax(self._cat.logits)
        for _ in range(event_ndims):
            w = tk.expand_dims(w, -1)
        return stacked, w

    def _log_prob(self, x: Tensor) -> Tensor:
        lps = tk.stack([c.log_prob(x) for c in self._components], axis=-1)
        return tk.reduce_logsumexp(lps + tk.nn.log_softmax(self._cat.logits), -1)

    def _mean(self) -> Tensor:
        e = self.event_shape.ndims
        means, w = self._stacked([c.mean() for c in self._components], e)
        return tk.reduce_sum(w * means, -1 - e)

    def _variance(self) -> Tensor:
        e = self.event_shape.ndims
        means, w = self._stacked([c.mean() for c in self._components], e)
        variances, _ = self._stacked([c.variance() for c in self._components], e)
        mean = tk.reduce_sum(w * means, -1 - e, keepdims=True)
        return tk.reduce_sum(w * (variances + tk.square(means - mean)), -1 - e)

    def entropy_lower_bound(self, name: str = "entropy_lower_bound") -> Tensor:
        """``sum_j pi_j H[p_j]``, a lower bound on the mixture's entropy."""
        with self._name_scope(name):
            entropies = tk.stack([c.entropy() for c in self._components], axis=-1)
            return tk.reduce_sum(tk.nn.softmax(self._cat.logits) * entropies, -1)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        e = self.event_shape.ndims
        draws = [c.sample(n, seed=dist_util.gen_new_seed(seed, f"component{i}"))
                 for i, c in enumerate(self._components)]
        stacked = tk.stack(draws, axis=-1 - e)                    # [n, B, k, E]
        which = self._cat.sample(n, seed=seed)
        mask = tk.one_hot(which, len(self._components), dtype=stacked.dtype)
        for _ in range(e):
            mask = tk.expand_dims(mask, -1)
        return tk.reduce_sum(stacked * mask, -1 - e)


__all__ = ["MixtureSameFamily", "Mixture"]
