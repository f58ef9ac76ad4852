"""Keras's loss classes (``tf.keras.losses.Loss`` and its subclasses): a loss object wraps
one per-example function of :mod:`trainkit.keras.loss_functions` with its keyword
arguments, and reduces its values over the batch when called.

``loss(y_true, y_pred, sample_weight=None)`` runs ``call`` (the per-example values), weights
them and reduces them by ``reduction``: ``'sum_over_batch_size'`` (and ``'auto'``, which
means it outside a distribution strategy) divides the weighted sum by the number of
elements, ``'sum'`` sums, ``'none'`` keeps the per-example values. Before calling the
function, ``LossFunctionWrapper`` drops a trailing size-1 axis from the labels or the
predictions when their ranks differ by one (tf_keras's ``squeeze_or_expand_dimensions``,
static ranks only).

Example:
    >>> loss = tk.keras.losses.Huber(delta=0.5)(y_true, y_pred)   # a scalar tensor
    >>> model.compile("adam", loss=tk.keras.losses.BinaryCrossentropy(from_logits=True))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion, default_graph
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import loss_functions as fns
from trainkit.ops import array_ops, math_extras, math_ops


class Reduction:
    """The reduction names a ``Loss`` accepts (tf_keras's ``ReductionV2``)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: Any) -> None:
        """Raises ValueError for a key that is not one of :meth:`all`."""
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


def _rank(t: Tensor) -> int | None:
    return t.shape.ndims


def _last_may_be_one(t: Tensor) -> bool:
    return t.shape.as_list()[-1] in (1, None)


def reduce_weighted_loss(weighted: Tensor, reduction: str) -> Tensor:
    """``weighted`` reduced by ``reduction`` (``'auto'`` counts as
    ``'sum_over_batch_size'``: the sum over the element count, 0 for no elements)."""
    if reduction == Reduction.NONE:
        return weighted
    total = math_ops.reduce_sum(weighted)
    if reduction == Reduction.SUM:
        return total
    count = math_ops.cast(array_ops.size(weighted), weighted.dtype)
    return math_extras.divide_no_nan(total, count, name="value")


def compute_weighted_loss(losses: Any, sample_weight: Any = None,
                          reduction: str = Reduction.SUM_OVER_BATCH_SIZE) -> Tensor:
    """``losses * sample_weight`` reduced by ``reduction``. A weight one rank above the
    losses loses its trailing axis, one rank below gains one; a scalar broadcasts.

    Raises:
        ValueError: for an unknown ``reduction``.
    """
    Reduction.validate(reduction)
    with default_graph.get_default_graph().name_scope("weighted_loss"):
        losses = conversion.convert_to_tensor(losses)
        input_dtype = None
        if not losses.dtype.is_floating:
            input_dtype, losses = losses.dtype, math_ops.cast(losses, _dt.float32)
        weight = math_ops.cast(1.0 if sample_weight is None else sample_weight, losses.dtype)
        w_rank, l_rank = _rank(weight), _rank(losses)
        if w_rank and l_rank is not None:
            if w_rank - l_rank == 1:
                weight = array_ops.squeeze(weight, [-1])
            elif l_rank - w_rank == 1:
                weight = array_ops.expand_dims(weight, -1)
        loss = reduce_weighted_loss(losses * weight, reduction)
        return math_ops.cast(loss, input_dtype) if input_dtype is not None else loss


class Loss:
    """Base of the loss classes: subclasses implement ``call(y_true, y_pred)`` returning
    per-example values; calling the object weights and reduces them.

    Args:
        reduction: one of :class:`Reduction`'s names (default ``'auto'``).
        name: the name scope of the loss's ops (default: the class name).

    Raises:
        ValueError: for an unknown ``reduction``.
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str | None = None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name
        if name is None:
            self._name_scope = type(self).__name__.strip("_")
        else:
            self._name_scope = "lambda" if name == "<lambda>" else name.strip("_")

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        """The weighted, reduced loss: a scalar, or per-example values for ``'none'``."""
        with default_graph.get_default_graph().name_scope(self._name_scope):
            losses = self.call(y_true, y_pred)
            reduction = self.reduction
            if reduction == Reduction.AUTO:
                reduction = Reduction.SUM_OVER_BATCH_SIZE
            return compute_weighted_loss(losses, sample_weight, reduction)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        """The per-example loss values (``[batch, d0, .. dN-1]``)."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def get_config(self) -> dict:
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        """A loss built from :meth:`get_config`'s dict."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around the function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Callable, reduction: str = Reduction.AUTO, name: str | None = None,
                 **kwargs: Any):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        if isinstance(y_true, Tensor) and isinstance(y_pred, Tensor):
            t_rank, p_rank = _rank(y_true), _rank(y_pred)
            if t_rank is not None and p_rank is not None and (
                    p_rank - t_rank != 1 or y_pred.shape.as_list()[-1] == 1):
                if p_rank - t_rank == 1 and _last_may_be_one(y_pred):
                    y_pred = array_ops.squeeze(y_pred, [-1])
                elif t_rank - p_rank == 1 and _last_may_be_one(y_true):
                    y_true = array_ops.squeeze(y_true, [-1])
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._fn_kwargs, "fn": self.fn.__name__}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        config = dict(config)
        config.pop("fn", None)
        return cls(**config)


def _wrapper(class_name: str, fn: Callable, default_name: str, doc: str) -> type:
    """A ``LossFunctionWrapper`` subclass for a function without keyword arguments."""

    def __init__(self: Any, reduction: str = Reduction.AUTO, name: str = default_name) -> None:
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name)

    return type(class_name, (LossFunctionWrapper,), {
        "__init__": __init__, "__doc__": doc, "__module__": __name__})


MeanSquaredError = _wrapper("MeanSquaredError", fns.mean_squared_error, "mean_squared_error",
                            "``mean((y_pred - y_true) ** 2)`` over the last axis, reduced.")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", fns.mean_absolute_error,
                             "mean_absolute_error", "``mean(|y_pred - y_true|)``, reduced.")
MeanAbsolutePercentageError = _wrapper(
    "MeanAbsolutePercentageError", fns.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "``100 mean(|y_true - y_pred| / |y_true|)``, reduced.")
MeanSquaredLogarithmicError = _wrapper(
    "MeanSquaredLogarithmicError", fns.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "``mean((log(y_pred + 1) - log(y_true + 1)) ** 2)``.")
Hinge = _wrapper("Hinge", fns.hinge, "hinge", "``mean(max(1 - y_true y_pred, 0))``.")
SquaredHinge = _wrapper("SquaredHinge", fns.squared_hinge, "squared_hinge",
                        "``mean(max(1 - y_true y_pred, 0) ** 2)``.")
CategoricalHinge = _wrapper("CategoricalHinge", fns.categorical_hinge, "categorical_hinge",
                            "``max(max((1 - y_true) y_pred) - sum(y_true y_pred) + 1, 0)``.")
LogCosh = _wrapper("LogCosh", fns.log_cosh, "log_cosh",
                   "``mean(log(cosh(y_pred - y_true)))``, reduced.")
Poisson = _wrapper("Poisson", fns.poisson, "poisson",
                   "``mean(y_pred - y_true log(y_pred))``, reduced.")
KLDivergence = _wrapper("KLDivergence", fns.kl_divergence, "kl_divergence",
                        "``sum(y_true log(y_true / y_pred))``, reduced.")


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy of probabilities (or logits with ``from_logits``); labels
    are smoothed towards 0.5 by ``label_smoothing``."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "binary_crossentropy"):
        super().__init__(fns.binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels; labels are smoothed towards ``1 / classes`` by
    ``label_smoothing``."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "categorical_crossentropy"):
        super().__init__(fns.categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer class ids.

    Raises:
        NotImplementedError: for an ``ignore_class`` (a tf_keras 2.x addition).
    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: str = Reduction.AUTO,
                 name: str = "sparse_categorical_crossentropy"):
        if ignore_class is not None:
            raise NotImplementedError("SparseCategoricalCrossentropy: ignore_class is not "
                                      "supported by trainkit.keras.")
        super().__init__(fns.sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits)

    def get_config(self) -> dict:
        return {**super().get_config(), "ignore_class": None}


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to ``delta``, linear beyond (``name='huber_loss'``)."""

    def __init__(self, delta: float = 1.0, reduction: str = Reduction.AUTO,
                 name: str = "huber_loss"):
        super().__init__(fns.huber, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """The negated cosine similarity along ``axis`` (-1 for parallel vectors)."""

    def __init__(self, axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "cosine_similarity"):
        super().__init__(fns.cosine_similarity, reduction=reduction, name=name, axis=axis)


LOSS_CLASSES: dict[str, type] = {c.__name__: c for c in (
    Loss, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge, Huber, LogCosh,
    Poisson, KLDivergence, CosineSimilarity)}

__all__ = ["Reduction", "Loss", "LossFunctionWrapper", "compute_weighted_loss",
           "reduce_weighted_loss", "LOSS_CLASSES", *LOSS_CLASSES]
