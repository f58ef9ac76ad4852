"""``tf.contrib.metrics`` streaming metrics of TF 1.15 that ``tf.metrics`` lacks:
``streaming_covariance``, ``streaming_pearson_correlation``, ``streaming_concat`` and
``count``.

Their local variables live in LOCAL_VARIABLES and METRIC_VARIABLES under TF's names
(``covariance/comoment``, ``pearson_r/variance_labels/count``,
``streaming_concat/array`` ...), so ``local_variables_initializer()`` resets them.

Example:
    >>> r, update = tk.contrib.metrics.streaming_pearson_correlation(predictions, labels)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, state_ops, variable_scope
from trainkit.ops.metrics_impl import (
    Pair,
    add_to_collections,
    broadcast_weights,
    metric_variable,
    squeeze_last,
)


def _safe_div(num: Tensor, den: Tensor, name: str | None = None) -> Tensor:
    """``num / den`` where ``den > 0``, else 0 (contrib's ``_safe_div``)."""
    positive = math_ops.greater(den, 0.0)
    safe = math_ops.where(positive, den, array_ops.ones_like(den))
    return math_ops.where(positive, num / safe, array_ops.zeros_like(num), name=name)


def _nan_unless_two(comoment: Tensor, count: Tensor, name: str) -> Tensor:
    """``comoment / (count - 1)``, NaN while ``count <= 1`` (the unbiased estimate)."""
    small = math_ops.less_equal(count, 1.0)
    den = math_ops.where(small, array_ops.ones_like(count), count - 1.0)
    nan = array_ops.fill([], float("nan"))
    return math_ops.where(small, nan, comoment / den, name=name)


def _float_pair(predictions: Any, labels: Any, weights: Any) -> tuple[Tensor, Tensor, Any]:
    predictions = math_ops.cast(conversion.convert_to_tensor(predictions), _dt.float32)
    labels = math_ops.cast(conversion.convert_to_tensor(labels), _dt.float32)
    predictions, labels, weights = squeeze_last(predictions, labels, weights)
    return predictions, labels, weights


def streaming_covariance(predictions: Any, labels: Any, weights: Any = None,
                         metrics_collections: Any = None, updates_collections: Any = None,
                         name: str | None = None) -> Pair:
    """The unbiased sample covariance of ``predictions`` and ``labels`` over all batches.

    Batches are merged with the pairwise comoment update
    ``C_AB = C_A + C_B + (mean_x_A - mean_x_B)(mean_y_A - mean_y_B) n_A n_B / n_AB``.
    ``weights`` are frequency weights (they count as repeated examples). Variables:
    ``covariance/count``, ``/mean_prediction``, ``/mean_label``, ``/comoment``.

    Returns:
        ``(covariance, update_op)``: ``comoment / (count - 1)``, NaN while ``count <= 1``.

    Raises:
        ValueError: if the shapes of predictions and labels are incompatible, or weights
            cannot broadcast to them.
    """
    with variable_scope.variable_scope(name, "covariance", (predictions, labels, weights)):
        predictions, labels, weights = _float_pair(predictions, labels, weights)
        count = metric_variable([], _dt.float32, name="count")
        mean_prediction = metric_variable([], _dt.float32, name="mean_prediction")
        mean_label = metric_variable([], _dt.float32, name="mean_label")
        comoment = metric_variable([], _dt.float32, name="comoment")
        if weights is None:
            batch_count = math_ops.cast(array_ops.size(labels), _dt.float32)
            weighted_p, weighted_l = predictions, labels
        else:
            weights = broadcast_weights(weights, labels)
            batch_count = math_ops.reduce_sum(weights)
            weighted_p, weighted_l = predictions * weights, labels * weights
        update_count = state_ops.assign_add(count, batch_count)
        prev_count = update_count - batch_count
        batch_mean_p = _safe_div(math_ops.reduce_sum(weighted_p), batch_count,
                                 "batch_mean_prediction")
        delta_p = _safe_div((batch_mean_p - conversion.convert_to_tensor(mean_prediction))
                            * batch_count, update_count, "delta_mean_prediction")
        prev_mean_p = state_ops.assign_add(mean_prediction, delta_p) - delta_p
        batch_mean_l = _safe_div(math_ops.reduce_sum(weighted_l), batch_count,
                                 "batch_mean_label")
        delta_l = _safe_div((batch_mean_l - conversion.convert_to_tensor(mean_label))
                            * batch_count, update_count, "delta_mean_label")
        prev_mean_l = state_ops.assign_add(mean_label, delta_l) - delta_l
        coresiduals = (predictions - batch_mean_p) * (labels - batch_mean_l)
        if weights is not None:
            coresiduals = coresiduals * weights
        delta_comoment = (math_ops.reduce_sum(coresiduals)
                          + (prev_mean_p - batch_mean_p) * (prev_mean_l - batch_mean_l)
                          * (prev_count * batch_count / update_count))
        update_comoment = state_ops.assign_add(comoment, delta_comoment)
        covariance = _nan_unless_two(conversion.convert_to_tensor(comoment),
                                     conversion.convert_to_tensor(count), "covariance")
        update_op = _nan_unless_two(update_comoment, update_count, "update_op")
    add_to_collections(metrics_collections, covariance)
    add_to_collections(updates_collections, update_op)
    return covariance, update_op


def streaming_pearson_correlation(predictions: Any, labels: Any, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None,
                                  name: str | None = None) -> Pair:
    """The Pearson correlation ``cov(p, l) / sqrt(var(p) var(l))`` over all batches, from
    three :func:`streaming_covariance` metrics (``pearson_r/covariance``,
    ``pearson_r/variance_predictions``, ``pearson_r/variance_labels``).

    Raises:
        ValueError: if the shapes are incompatible or weights cannot broadcast.
    """
    with variable_scope.variable_scope(name, "pearson_r", (predictions, labels, weights)):
        predictions, labels, weights = _float_pair(predictions, labels, weights)
        if weights is not None:
            weights = broadcast_weights(weights, labels)
        cov, up_cov = streaming_covariance(predictions, labels, weights, name="covariance")
        var_p, up_var_p = streaming_covariance(predictions, predictions, weights,
                                               name="variance_predictions")
        var_l, up_var_l = streaming_covariance(labels, labels, weights,
                                               name="variance_labels")
        pearson_r = math_ops.divide(cov, math_ops.sqrt(var_p) * math_ops.sqrt(var_l),
                                    name="pearson_r")
        update_op = math_ops.divide(up_cov, math_ops.sqrt(up_var_p) * math_ops.sqrt(up_var_l),
                                    name="update_op")
    add_to_collections(metrics_collections, pearson_r)
    add_to_collections(updates_collections, update_op)
    return pearson_r, update_op


def streaming_concat(values: Any, axis: int = 0, max_size: int | None = None,
                     metrics_collections: Any = None, updates_collections: Any = None,
                     name: str | None = None) -> Pair:
    """All batches of ``values`` concatenated along ``axis``.

    Variables: ``streaming_concat/array`` (the rows so far, ``axis`` first) and
    ``streaming_concat/size`` (int32). With ``max_size``, rows beyond it are dropped.

    Returns:
        ``(value, update_op)``: the concatenation, and an op that appends a batch and
        returns the new length along ``axis``.

    Raises:
        ValueError: if ``values`` has no static rank, ``axis`` is out of range, or a
            dimension other than ``axis`` is statically unknown.
    """
    with variable_scope.variable_scope(name, "streaming_concat", (values,)):
        values = conversion.convert_to_tensor(values)
        if values.shape.ndims is None:
            raise ValueError("`values` must have known statically known rank")
        ndim = values.shape.ndims
        if axis < 0:
            axis += ndim
        if not 0 <= axis < ndim:
            raise ValueError(f"axis = {axis!r} not in [0, {ndim!r})")
        dims = values.shape.as_list()
        fixed = [d for n, d in enumerate(dims) if n != axis]
        if any(d is None for d in fixed):
            raise ValueError("all dimensions of `values` other than the dimension to "
                             "concatenate along must have statically known size")
        init = [0 if max_size is None else max_size] + fixed
        array = metric_variable(init, values.dtype, validate_shape=False, name="array")
        size = metric_variable([], _dt.int32, name="size")
        size_t = conversion.convert_to_tensor(size)
        array_t = conversion.convert_to_tensor(array)
        valid = array_t[:size_t]
        valid.set_shape([None] + fixed)
        back = [0 if n == axis else n + 1 if n < axis else n for n in range(ndim)]
        value = array_ops.transpose(valid, back, name="concat")
        front = [axis] + [n for n in range(ndim) if n != axis]
        batch = array_ops.transpose(values, front)
        batch_size = array_ops.shape(values, out_type=_dt.int32)[axis]
        if max_size is not None:
            batch_size = math_ops.minimum(batch_size, max_size - size_t)
        new_size = size_t + batch_size
        grown = array_ops.concat([valid, batch[:batch_size]], 0)
        append = state_ops.assign(array, grown, validate_shape=False)
        with control_dependencies([append]):
            update_op = state_ops.assign(size, new_size)
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def count(values: Any, weights: Any = None, metrics_collections: Any = None,
          updates_collections: Any = None, name: str | None = None) -> Pair:
    """The number of elements of ``values`` seen (or the sum of their ``weights``).

    Variable: ``count/count`` (float32); the value is the variable itself, as in TF.

    Raises:
        ValueError: if ``weights`` cannot broadcast to ``values``.
    """
    with variable_scope.variable_scope(name, "count", (values, weights)):
        values = conversion.convert_to_tensor(values)
        count_ = metric_variable([], _dt.float32, name="count")
        if weights is None:
            num = math_ops.cast(array_ops.size(values), _dt.float32)
        else:
            _, _, weights = squeeze_last(values, None, weights)
            num = math_ops.reduce_sum(broadcast_weights(weights, values))
        with control_dependencies([values]):   # as TF: the update runs after ``values``
            update_op = state_ops.assign_add(count_, num)
    add_to_collections(metrics_collections, count_)
    add_to_collections(updates_collections, update_op)
    return count_, update_op


__all__ = ["streaming_covariance", "streaming_pearson_correlation", "streaming_concat",
           "count"]
