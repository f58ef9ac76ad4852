"""A last batch of TF1 names composed of existing ops: ``tf.image`` YUV/YIQ colour
conversions; ``tf.math.lbeta``, ``xlog1py``,
``cumulative_logsumexp``, ``erfinv`` and ``ndtri`` (a rational start refined by Newton
steps on ``math.erf``; gradient ``sqrt(pi)/2 * exp(erfinv(x)**2)``); and the rank-generic
``tf.nn.max_pool_v2`` / ``avg_pool_v2``.

Example:
    >>> yuv = rgb_to_yuv(images)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops, pool_dispatch
from trainkit.ops.elementwise import FLOAT, quiet, unary_op
from trainkit.ops.math_extras import tensordot
from trainkit.ops.math_more import lgamma, xlogy

_YUV = np.array([[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
                 [0.114, 0.43601035, -0.10001026]], np.float32)
_YUV_INV = np.array([[1, 1, 1], [0, -0.394642334, 2.03206185],
                     [1.13988303, -0.58062185, 0]], np.float32)
_YIQ = np.array([[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
                 [0.114, -0.32134392, 0.31119955]], np.float32)
_YIQ_INV = np.array([[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
                     [0.6208248, -0.64720424, 1.70423049]], np.float32)


def _color(images: Any, m: np.ndarray, name: str) -> Tensor:
    with name_scope(None, name, [images]):
        x = conversion.convert_to_tensor(images, name="images")
        return tensordot(x, m.astype(x.dtype.np_dtype), [[x.shape.ndims - 1], [0]])


def rgb_to_yuv(images: Any) -> Tensor:
    """RGB in ``[0, 1]`` to YUV (TF's matrix)."""
    return _color(images, _YUV, "rgb_to_yuv")


def yuv_to_rgb(images: Any) -> Tensor:
    """YUV back to RGB (TF's matrix)."""
    return _color(images, _YUV_INV, "yuv_to_rgb")


def rgb_to_yiq(images: Any) -> Tensor:
    """RGB in ``[0, 1]`` to YIQ (TF's matrix)."""
    return _color(images, _YIQ, "rgb_to_yiq")


def yiq_to_rgb(images: Any) -> Tensor:
    """YIQ back to RGB (TF's matrix)."""
    return _color(images, _YIQ_INV, "yiq_to_rgb")


def lbeta(x: Any, name: str | None = None) -> Tensor:
    """``log(Beta(x))`` over the last axis: ``sum(lgamma(x)) - lgamma(sum(x))``."""
    with name_scope(name, "lbeta", [x]):
        t = conversion.convert_to_tensor(x, name="x")
        return math_ops.reduce_sum(lgamma(t), -1) - lgamma(math_ops.reduce_sum(t, -1))


def xlog1py(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * log1p(y)``, 0 where ``x == 0``."""
    with name_scope(name, "xlog1py", [x, y]):
        a = conversion.convert_to_tensor(x, name="x")
        return xlogy(a, conversion.convert_to_tensor(y, name="y", dtype=a.dtype) + 1.0)


def cumulative_logsumexp(x: Any, axis: int = 0, exclusive: bool = False,
                         reverse: bool = False, name: str | None = None) -> Tensor:
    """``log(cumsum(exp(x)))`` along ``axis``, shifted by the maximum for stability."""
    with name_scope(name, "CumulativeLogsumexp", [x]):
        t = conversion.convert_to_tensor(x, name="x")
        top = array_ops.stop_gradient(math_ops.reduce_max(t, axis, keepdims=True))
        total = math_ops.cumsum(math_ops.exp(t - top), axis, exclusive=exclusive,
                                reverse=reverse)
        return math_ops.log(total) + top


def erfinv(x: Any, name: str | None = None) -> Tensor:
    """The inverse error function (``±inf`` at ``±1``, NaN outside ``[-1, 1]``)."""
    return unary_op("Erfinv", x, name or "Erfinv", FLOAT)


def ndtri(x: Any, name: str | None = None) -> Tensor:
    """The standard normal quantile: ``sqrt(2) * erfinv(2x - 1)``."""
    with name_scope(name, "ndtri", [x]):
        t = conversion.convert_to_tensor(x, name="x")
        return math.sqrt(2.0) * erfinv(2.0 * t - 1.0)


_ERF = np.vectorize(math.erf, otypes=[np.float64])


def _erfinv_np(x: np.ndarray) -> np.ndarray:
    y = np.asarray(x, np.float64)
    w = -np.log((1.0 - y) * (1.0 + y))          # -ln(1 - y^2); Winitzki's start
    t = 2 / (math.pi * 0.147) - w / 2
    guess = np.sign(y) * np.sqrt(np.maximum(np.sqrt(t * t + w / 0.147) - t, 0.0))
    for _ in range(3):  # Newton on erf(g) = y
        err = _ERF(guess) - y
        guess = guess - err / (2 / math.sqrt(math.pi) * np.exp(-guess * guess))
    guess = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, guess))
    return np.where(np.abs(y) > 1, np.nan, guess)


registry.register_kernel("Erfinv")(
    quiet(lambda ctx, x: _erfinv_np(x).astype(np.asarray(x).dtype)))


@registry.register_gradient("Erfinv")
def _erfinv_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    return [grad * (math.sqrt(math.pi) / 2) * math_ops.exp(math_ops.square(y))]


def max_pool_v2(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
                data_format: str | None = None, name: str | None = None) -> Tensor:
    """TF2's ``max_pool``: 1-, 2- or 3-D by the input's rank (``ksize`` / ``strides`` an
    int or one entry per spatial dimension, or the full list)."""
    return _pool_v2("MAX", input, ksize, strides, padding, data_format, name)


def avg_pool_v2(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
                data_format: str | None = None, name: str | None = None) -> Tensor:
    """TF2's ``avg_pool``: 1-, 2- or 3-D by the input's rank."""
    return _pool_v2("AVG", input, ksize, strides, padding, data_format, name)


def _pool_v2(kind: str, input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
             data_format: str | None, name: str | None) -> Tensor:
    x = conversion.convert_to_tensor(input, name="input")
    n = (x.shape.ndims or 4) - 2

    def spatial(v: Any) -> list[int]:
        vals = [int(v)] * n if isinstance(v, int) else [int(e) for e in v]
        if len(vals) == n + 2:
            cf = bool(data_format) and data_format.startswith("NC")
            vals = vals[2:] if cf else vals[1:-1]
        return vals if len(vals) == n else vals * n

    return pool_dispatch.pool(x, spatial(ksize), kind, padding, strides=spatial(strides),
                              data_format=data_format, name=name)


__all__ = ["rgb_to_yuv", "yuv_to_rgb", "rgb_to_yiq", "yiq_to_rgb",
           "lbeta", "xlog1py", "cumulative_logsumexp", "erfinv", "ndtri", "max_pool_v2",
           "avg_pool_v2"]
