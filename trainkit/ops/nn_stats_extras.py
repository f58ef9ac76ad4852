"""More ``tf.nn`` statistics and losses built from existing ops: ``weighted_moments``,
``sufficient_statistics``, ``normalize_moments``, ``fused_batch_norm`` (TF's outputs:
the batch variance is Bessel-corrected in training), ``fused_moments`` (the batch
statistics of TF's fused batch-norm kernel, for the batch-norm layers' fused path) and
``log_poisson_loss``.

Example:
    >>> y, mean, var = fused_batch_norm(x, scale, offset)         # training mode
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, conv_ops, math_ops


def _axes(axes: Any) -> list[int]:
    return [int(a) for a in (axes if isinstance(axes, list | tuple) else [axes])]


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, name: str | None = None,
                     keep_dims: bool | None = None, keepdims: bool | None = None
                     ) -> tuple[Tensor, Tensor]:
    """The ``frequency_weights``-weighted mean and variance of ``x`` over ``axes``."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    ax = _axes(axes)
    with name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = conversion.convert_to_tensor(x, name="x")
        w = math_ops.cast(conversion.convert_to_tensor(frequency_weights), x.dtype)
        total = math_ops.reduce_sum(w * x, ax, keepdims=True)
        inv = math_ops.reciprocal(math_ops.reduce_sum(w + array_ops.zeros_like(x), ax,
                                                      keepdims=True))
        mean = total * inv
        var = math_ops.reduce_sum(w * math_ops.squared_difference(x, mean), ax,
                                  keepdims=True) * inv
        if not keep:
            mean, var = array_ops.squeeze(mean, ax), array_ops.squeeze(var, ax)
        return mean, var


def sufficient_statistics(x: Any, axes: Any, shift: Any = None, keep_dims: bool | None = None,
                          name: str | None = None, keepdims: bool | None = None
                          ) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """``(count, sum(x - shift), sum((x - shift)**2), shift)`` over ``axes``."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    ax = _axes(axes)
    with name_scope(name, "sufficient_statistics", [x, shift]):
        x = conversion.convert_to_tensor(x, name="x")
        shape = array_ops.shape(x)
        count = math_ops.cast(math_ops.reduce_prod(array_ops.gather(shape, ax)), x.dtype,
                              name="count")
        if shift is not None:
            shift = conversion.convert_to_tensor(shift, dtype=x.dtype, name="shift")
            d = math_ops.subtract(x, shift)
        else:
            d = x
        m_ss = math_ops.reduce_sum(d, ax, keepdims=keep, name="mean_ss")
        v_ss = math_ops.reduce_sum(math_ops.square(d), ax, keepdims=keep, name="var_ss")
        return count, m_ss, v_ss, shift


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any,
                      name: str | None = None) -> tuple[Tensor, Tensor]:
    """Mean and variance from :func:`sufficient_statistics`' sums."""
    with name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        inv = math_ops.reciprocal(counts, name="divisor")
        shifted = math_ops.multiply(mean_ss, inv, name="shifted_mean")
        mean = shifted if shift is None else math_ops.add(shifted, shift, name="mean")
        var = math_ops.subtract(math_ops.multiply(variance_ss, inv),
                                math_ops.square(shifted), name="variance")
        return mean, var


def fused_moments(x: Tensor, axes: list[int]) -> tuple[Tensor, Tensor]:
    """The batch mean and (biased) variance of ``x`` over ``axes`` as TF's fused batch-norm
    kernel differentiates them: exactly, at every order.

    ``tf.nn.moments`` computes the variance around ``stop_gradient(mean)``: its first
    derivative is the same, but its second is not (a gradient penalty through a batch-norm
    layer then gets a gradient for a bias that the normalization cancels). TF's fused
    kernel (``FusedBatchNormV3``, what ``tf.layers.batch_normalization`` and
    ``tf.contrib.layers.batch_norm`` use for 4-D inputs by default) has the exact
    derivatives, and so do these.

    Example:
        >>> mean, var = fused_moments(x, [0, 1, 2])                 # doctest: +SKIP
    """
    with name_scope(None, "moments", [x]):
        mean = math_ops.reduce_mean(x, axes, keepdims=True, name="mean")
        var = math_ops.reduce_mean(math_ops.squared_difference(x, mean), axes,
                                   name="variance")
        return array_ops.squeeze(mean, axes), var


def fused_batch_norm(x: Any, scale: Any, offset: Any, mean: Any = None, variance: Any = None,
                     epsilon: float = 0.001, data_format: str = "NHWC",
                     is_training: bool = True, name: str | None = None,
                     exponential_avg_factor: float = 1.0) -> tuple[Tensor, Tensor, Tensor]:
    """Batch normalisation of a 4-D ``x`` over all but the channel axis.

    Training: normalises with the batch mean and (biased) variance and returns
    ``(y, batch_mean, batch_variance)`` with the variance Bessel-corrected, both blended
    into ``mean``/``variance`` when ``exponential_avg_factor != 1``, as TF. Inference:
    uses ``mean`` and ``variance`` and returns them.

    Raises:
        ValueError: a bad ``data_format``, or inference without ``mean``/``variance``.
    """
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be 'NHWC' or 'NCHW', got {data_format!r}.")
    with name_scope(name, "FusedBatchNorm", [x, scale, offset]):
        x = conversion.convert_to_tensor(x, name="x")
        axes = [0, 1, 2] if data_format == "NHWC" else [0, 2, 3]
        shape = [1, 1, 1, -1] if data_format == "NHWC" else [1, -1, 1, 1]

        def bcast(t: Tensor) -> Tensor:
            return array_ops.reshape(math_ops.cast(t, x.dtype), shape)

        if is_training:
            m, v = fused_moments(x, axes)
            n = math_ops.cast(math_ops.reduce_prod(array_ops.gather(array_ops.shape(x), axes)),
                              x.dtype)
            unbiased = v * n / math_ops.maximum(n - 1.0, 1.0)
            out_mean, out_var = m, unbiased
            if exponential_avg_factor != 1.0 and mean is not None and variance is not None:
                f = exponential_avg_factor
                out_mean = (1.0 - f) * math_ops.cast(mean, x.dtype) + f * m
                out_var = (1.0 - f) * math_ops.cast(variance, x.dtype) + f * unbiased
        else:
            if mean is None or variance is None:
                raise ValueError("fused_batch_norm: mean and variance are required when "
                                 "is_training is False.")
            m, v = conversion.convert_to_tensor(mean), conversion.convert_to_tensor(variance)
            out_mean, out_var = m, v
        inv = math_ops.rsqrt(bcast(v) + epsilon) * bcast(scale)
        y = (x - bcast(m)) * inv + bcast(offset)
        return y, out_mean, out_var


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name: str | None = None) -> Tensor:
    """``exp(log_input) - log_input * targets`` (plus Stirling's term for targets > 1
    when ``compute_full_loss``).

    Raises:
        ValueError: shapes that do not match.
    """
    with name_scope(name, "log_poisson_loss", [targets, log_input]):
        li = conversion.convert_to_tensor(log_input, name="log_input")
        t = conversion.convert_to_tensor(targets, name="targets", dtype=li.dtype)
        if not t.shape.is_compatible_with(li.shape):
            raise ValueError(f"log_input and targets must have the same shape "
                             f"({li.shape} vs {t.shape})")
        result = math_ops.exp(li) - li * t
        if compute_full_loss:
            safe = math_ops.maximum(t, 1.0)
            stirling = safe * math_ops.log(safe) - safe + 0.5 * math_ops.log(
                2.0 * math.pi * safe)
            result += math_ops.where(math_ops.less_equal(t, 1.0),
                                     array_ops.zeros_like(stirling), stirling)
        return result




def conv2d_backprop_input(input_sizes: Any, filter: Any = None,  # noqa: A002 - TF's name
                          out_backprop: Any = None, strides: Any = None,
                          padding: Any = None, use_cudnn_on_gpu: bool = True,
                          data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                          name: str | None = None) -> Tensor:
    """``tf.nn.conv2d_backprop_input``: the gradient of ``conv2d`` for its input of shape
    ``input_sizes`` (TF1's signature)."""
    fmt = conv_ops.check_data_format(data_format)
    attrs = conv_ops.conv_attrs(strides, conv_ops.check_padding(padding), fmt, dilations)
    w = conversion.convert_to_tensor(filter, name="filter")
    dy = conversion.convert_to_tensor(out_backprop, name="out_backprop", dtype=w.dtype)
    return conv_ops.conv2d_backprop_input(input_sizes, w, dy, attrs,
                                          name=name or "Conv2DBackpropInput")


def conv2d_backprop_filter(input: Any, filter_sizes: Any,  # noqa: A002 - TF's name
                           out_backprop: Any, strides: Any, padding: Any,
                           use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
                           dilations: Any = (1, 1, 1, 1), name: str | None = None) -> Tensor:
    """``tf.nn.conv2d_backprop_filter``: the gradient of ``conv2d`` for its filter of
    shape ``filter_sizes`` (TF1's signature)."""
    fmt = conv_ops.check_data_format(data_format)
    attrs = conv_ops.conv_attrs(strides, conv_ops.check_padding(padding), fmt, dilations)
    x = conversion.convert_to_tensor(input, name="input")
    dy = conversion.convert_to_tensor(out_backprop, name="out_backprop", dtype=x.dtype)
    return conv_ops.conv2d_backprop_filter(x, filter_sizes, dy, attrs,
                                           name=name or "Conv2DBackpropFilter")


__all__ = ["weighted_moments", "sufficient_statistics", "normalize_moments",
           "fused_batch_norm", "log_poisson_loss", "conv2d_backprop_input",
           "conv2d_backprop_filter"]
