"""Keras's dense attention layers as tf_keras 2.21 builds them in graph mode:
``Attention`` (Luong-style, dot-product or ``score_mode="concat"``) and
``AdditiveAttention`` (Bahdanau-style).

Called on ``[query, value]`` or ``[query, value, key]`` (``[batch, Tq, dim]``,
``[batch, Tv, dim]``, key defaults to value): the scores ``[batch, Tq, Tv]`` of each
query against each key, positions masked out by ``mask=[query_mask, value_mask]`` or
``use_causal_mask`` pushed down by 1e9 (65504 in float16) before the softmax, optional
dropout of the attention weights when training, then ``weights @ value``, zeroed where
the query mask is False. ``return_attention_scores=True`` also returns the (dropped-out)
weights. Without ``mask=``, the masks Keras layers record for the inputs
(``Embedding(mask_zero=True)``, ``Masking``) are used, and the output carries the query
mask, as tf_keras does.

Example:
    >>> context = tk.keras.layers.Attention()([queries, values])        # [N, Tq, dim]
    >>> context, weights = tk.keras.layers.AdditiveAttention()(
    ...     [queries, values], return_attention_scores=True)
"""

from __future__ import annotations

import logging
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.keras import sequence_masks as masking
from trainkit.ops import array_ops, comparison_ops, join_ops, reduction_ops, shape_ops
from trainkit.ops.cast_ops import cast
from trainkit.ops.layers_impl import core
from trainkit.ops.matmul_ops import matmul
from trainkit.ops.nn_activations import softmax
from trainkit.ops.unary_ops import tanh

_LOG = logging.getLogger("trainkit")


def _lower_triangular(scores: Tensor) -> Tensor:
    """``[1, ..., Tq, Tv]`` bools, True where the key position is not after the query's."""
    shape = array_ops.shape(scores)
    rank = scores.shape.ndims
    mask_shape = join_ops.concat([array_ops.ones_like(shape[:rank - 2]), shape[rank - 2:]], 0)
    ones = array_ops.ones(mask_shape, dtype=_dt.int32)
    rows = reduction_ops.cumsum(ones, axis=-2)
    cols = reduction_ops.cumsum(ones, axis=-1)
    return comparison_ops.greater_equal(rows, cols)


def _and(a: Tensor | None, b: Tensor | None) -> Tensor | None:
    if a is None:
        return b
    if b is None:
        return a
    return comparison_ops.logical_and(a, b)


class BaseDenseAttention(base_layer.Layer):
    """What ``Attention`` and ``AdditiveAttention`` share: masks, softmax, dropout and the
    weighted sum of the values (subclasses define ``_calculate_scores``).

    Args:
        dropout: the fraction of attention weights dropped when training.
        causal: deprecated (logged): ``use_causal_mask=True`` in every call.

    Raises:
        ValueError: when called on anything but a list of 2 or 3 inputs, or with a
            ``mask`` that is not a list of 2 (at most as many as the inputs).
    """

    supports_masking = True

    def __init__(self, dropout: float = 0.0, **kwargs: Any):
        if "causal" in kwargs:
            _LOG.warning("`causal` argument is deprecated. Please use `use_causal_mask` in "
                         "call() method to specify causal masking.")
        self.causal = bool(kwargs.pop("causal", False))
        super().__init__(**kwargs)
        self.dropout = dropout

    def _calculate_scores(self, query: Tensor, key: Tensor) -> Tensor:
        raise NotImplementedError

    def _validate_call_args(self, inputs: Any, mask: Any) -> None:
        cls = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(f"{cls} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: {inputs}.")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{cls} layer accepts inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]. Received length: "
                             f"{len(inputs)}.")
        if mask is None:
            return
        if not isinstance(mask, list):
            raise ValueError(f"{cls} layer mask must be a list, namely [query_mask, "
                             f"value_mask]. Received: {mask}.")
        if not 2 <= len(mask) <= len(inputs):
            raise ValueError(f"{cls} layer mask must be a list of length 2, namely "
                             f"[query_mask, value_mask]. Received length: {len(mask)}.")

    def call(self, inputs: Any, mask: Any = None, training: Any = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        """The attention of the queries over the values (see the module docstring)."""
        self._validate_call_args(inputs, mask)
        # tf_keras casts floating inputs to the layer's dtype (float32 unless set)
        xs = [self._autocast(conversion.convert_to_tensor(x)) for x in inputs]
        if mask is None:  # as Keras: the masks recorded for the inputs, if any
            found = [masking.get_mask(x) for x in inputs[:2]]
            mask = found if any(m is not None for m in found) else None
        q, v = xs[0], xs[1]
        k = xs[2] if len(xs) > 2 else v
        q_mask = masking.as_bool_mask(mask[0]) if mask else None
        v_mask = masking.as_bool_mask(mask[1]) if mask else None
        scores = self._calculate_scores(q, k)
        if v_mask is not None:
            v_mask = shape_ops.expand_dims(v_mask, -2)  # [batch, 1, Tv]
        causal = _lower_triangular(scores) if self.causal or use_causal_mask else None
        result, weights = self._apply_scores(scores, v, _and(v_mask, causal), training)
        if q_mask is not None:
            result = result * cast(shape_ops.expand_dims(q_mask, -1), result.dtype)
            masking.set_mask(result, q_mask)
        if return_attention_scores:
            return result, weights
        return result

    def _autocast(self, x: Tensor) -> Tensor:
        if x.dtype.is_floating and x.dtype.base_dtype != self._dtype:
            return cast(x, self._dtype)
        return x

    def _apply_scores(self, scores: Tensor, value: Tensor, scores_mask: Tensor | None,
                      training: Any) -> tuple[Tensor, Tensor]:
        if scores_mask is not None:
            big = 65504.0 if scores.dtype.base_dtype == _dt.float16 else 1.0e9
            scores = scores - big * cast(comparison_ops.logical_not(scores_mask), scores.dtype)
        weights = softmax(scores)
        if self.dropout > 0:
            training = base_layer.learning_phase_value(training)
            weights = core.dropout(weights, rate=self.dropout, training=training)
        return matmul(weights, value), weights

    def compute_mask(self, inputs: Any, mask: Any = None) -> Tensor | None:
        """The query mask (the output's mask), or None."""
        self._validate_call_args(inputs, mask)
        if mask and mask[0] is not None:
            return conversion.convert_to_tensor(mask[0])
        return None

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        """The query's shape."""
        return TensorShape(input_shape[0])


class Attention(BaseDenseAttention):
    """Dot-product attention: ``scores = query @ key^T`` (times a learned scalar ``scale``
    with ``use_scale``); with ``score_mode="concat"``, ``concat_score_weight *
    sum(tanh(scale * (query + key)), -1)`` over every query/key pair.

    Args:
        use_scale: learn a scalar ``scale`` (initialized to 1).
        score_mode: ``"dot"`` or ``"concat"``.
        dropout: the fraction of attention weights dropped when training.

    Raises:
        ValueError: a ``score_mode`` other than ``"dot"`` or ``"concat"``.

    Example:
        >>> out = tk.keras.layers.Attention(use_scale=True)([q, v], use_causal_mask=True)
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", **kwargs: Any):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Received: score_mode={score_mode}. Acceptable values are: "
                             f'["dot", "concat"]')

    def build(self, input_shape: Any) -> None:
        self.scale = self.add_weight("scale", shape=(), initializer="ones") \
            if self.use_scale else None
        self.concat_score_weight = self.add_weight(
            "concat_score_weight", shape=(), initializer="ones") \
            if self.score_mode == "concat" else None
        self.built = True

    def _calculate_scores(self, query: Tensor, key: Tensor) -> Tensor:
        if self.score_mode == "dot":
            scores = matmul(query, key, transpose_b=True)
            return scores if self.scale is None else scores * self.scale
        pairs = shape_ops.expand_dims(query, -2) + shape_ops.expand_dims(key, -3)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * reduction_ops.reduce_sum(tanh(pairs), axis=-1)


class AdditiveAttention(BaseDenseAttention):
    """Additive attention: ``scores = sum(scale * tanh(query + key), -1)`` over every
    query/key pair, ``scale`` a learned ``[dim]`` vector (glorot-uniform) with
    ``use_scale``, else 1.

    Args:
        use_scale: learn the ``scale`` vector.
        dropout: the fraction of attention weights dropped when training.

    Example:
        >>> out = tk.keras.layers.AdditiveAttention()([q, v], mask=[q_mask, v_mask])
    """

    def __init__(self, use_scale: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape: Any) -> None:
        dim = TensorShape(input_shape[1]).as_list()[-1]
        if self.use_scale and dim is None:
            raise ValueError(f"{type(self).__name__}: the last dimension of the value must "
                             f"be known to create `scale`, got shape {input_shape[1]}.")
        self.scale = self.add_weight("scale", shape=[dim], initializer="glorot_uniform") \
            if self.use_scale else None
        self.built = True

    def _calculate_scores(self, query: Tensor, key: Tensor) -> Tensor:
        pairs = tanh(shape_ops.expand_dims(query, -2) + shape_ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = self.scale * pairs
        return reduction_ops.reduce_sum(pairs, axis=-1)


__all__ = ["Attention", "AdditiveAttention", "BaseDenseAttention"]
