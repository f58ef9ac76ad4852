"""Activation ops: relu, relu6, leaky_relu, elu, selu, softplus, softsign, softmax,
log_softmax, bias_add, plus the fused kernels their gradients use (``ReluGrad``,
``Relu6Grad``, ...). ``sigmoid`` and ``tanh`` come from math ops. The kernels of ``Relu``,
``ReluGrad``, ``BiasAdd`` and ``BiasAddGrad`` (chunked on the kernel threads, and fused
as ``BiasAdd`` + ``Relu`` by the executor) are in ``relu_bias_kernels``.

Example:
    >>> import trainkit as tk
    >>> tk.nn.relu(tk.constant([-1.0, 2.0])).op.type
    'Relu'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Tensor
from trainkit.ops import relu_bias_kernels  # noqa: F401  (Relu, BiasAdd, ... kernels)
from trainkit.ops.denormals import flush_to_zero
from trainkit.ops.op_util import make_op, unary

SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def _float_input(x: Any, what: str, allow_int: bool = False) -> Tensor:
    t = conversion.convert_to_tensor(x)
    if not (t.dtype.is_floating or allow_int and t.dtype.is_integer):
        raise TypeError(f"{what}: expected a floating-point tensor, got {t.dtype.name} "
                        f"({t.name}).")
    return t


def relu(features: Any, name: str | None = None) -> Tensor:
    """``max(features, 0)``."""
    return unary("Relu", _float_input(features, "relu", True), name or "Relu")


def relu6(features: Any, name: str | None = None) -> Tensor:
    """``min(max(features, 0), 6)``."""
    return unary("Relu6", _float_input(features, "relu6", True), name or "Relu6")


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """``features`` where positive, ``alpha * features`` elsewhere."""
    return unary("LeakyRelu", _float_input(features, "leaky_relu"), name or "LeakyRelu",
                 attrs={"alpha": float(alpha)})


def elu(features: Any, name: str | None = None) -> Tensor:
    """``features`` where positive, ``exp(features) - 1`` elsewhere."""
    return unary("Elu", _float_input(features, "elu"), name or "Elu")


def selu(features: Any, name: str | None = None) -> Tensor:
    """``scale * elu`` with ``alpha`` as in Klambauer et al. (2017)."""
    return unary("Selu", _float_input(features, "selu"), name or "Selu")


def softplus(features: Any, name: str | None = None) -> Tensor:
    """``log(exp(features) + 1)``, computed without overflow."""
    return unary("Softplus", _float_input(features, "softplus"), name or "Softplus")


def softsign(features: Any, name: str | None = None) -> Tensor:
    """``features / (abs(features) + 1)``."""
    return unary("Softsign", _float_input(features, "softsign"), name or "Softsign")


@registry.register_kernel("Relu6")
def _relu6(ctx: registry.KernelContext, x: Any) -> Any:
    return np.clip(x, 0, 6)


@registry.register_kernel("LeakyRelu")
def _leaky_relu(ctx: registry.KernelContext, x: Any) -> Any:
    return np.where(x > 0, x, x * x.dtype.type(ctx.attrs["alpha"]))


@registry.register_kernel("Elu")
def _elu(ctx: registry.KernelContext, x: Any) -> Any:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


@registry.register_kernel("Selu")
def _selu(ctx: registry.KernelContext, x: Any) -> Any:
    t = x.dtype.type
    neg = t(SELU_ALPHA) * np.expm1(np.minimum(x, 0))
    return t(SELU_SCALE) * np.where(x > 0, x, neg)


@registry.register_kernel("Softplus")
def _softplus(ctx: registry.KernelContext, x: Any) -> Any:
    return np.logaddexp(x.dtype.type(0), x)


@registry.register_kernel("Softsign")
def _softsign(ctx: registry.KernelContext, x: Any) -> Any:
    return x / (np.abs(x) + x.dtype.type(1))


# -- fused first derivatives: Grad(g, x) = g * f'(x) ----------------------------------------
def activation_grad(op_type: str, grad: Tensor, x: Tensor, attrs: dict | None = None
                    ) -> Tensor:
    """``grad * f'(x)`` for the activation whose gradient op type is ``op_type``
    (``ReluGrad`` takes the activation's output instead of ``x``; same sign)."""
    return make_op(op_type, [grad, x], [grad.dtype], name=op_type, attrs=attrs,
                   shapes=[grad.shape.merge_with(x.shape)
                           if grad.shape.is_compatible_with(x.shape) else grad.shape]
                   ).outputs[0]


@registry.register_kernel("Relu6Grad")
def _relu6_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    return np.multiply(g, (x > 0) & (x < 6), dtype=g.dtype)


@registry.register_kernel("LeakyReluGrad")
def _leaky_relu_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    return np.where(x > 0, g, g * g.dtype.type(ctx.attrs["alpha"]))


@registry.register_kernel("EluGrad")
def _elu_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    return np.where(x > 0, g, g * np.exp(np.minimum(x, 0)))


@registry.register_kernel("SeluGrad")
def _selu_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    t = g.dtype.type
    d = np.where(x > 0, t(SELU_SCALE), t(SELU_SCALE * SELU_ALPHA) * np.exp(np.minimum(x, 0)))
    return g * d


@registry.register_kernel("SoftplusGrad")
def _softplus_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    t = g.dtype.type
    # sigmoid(x) = exp(-softplus(-x)), stable for large |x|.
    return g * np.exp(-np.logaddexp(t(0), -x))


@registry.register_kernel("SoftsignGrad")
def _softsign_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    d = np.abs(x) + x.dtype.type(1)
    return g / (d * d)


# -- softmax ------------------------------------------------------------------------------
def _axis_attr(t: Tensor, axis: Any, what: str) -> int:
    ax = -1 if axis is None else int(axis)
    r = t.shape.ndims
    if r is not None:
        if not -r <= ax < r:
            raise ValueError(f"{what}: axis {ax} is out of range for a tensor of rank {r} "
                             f"({t.name}).")
        ax -= r if ax >= 0 else 0
    elif ax >= 0:
        raise ValueError(f"{what}: a non-negative axis needs a tensor of known rank.")
    return ax


def softmax(logits: Any, axis: int | None = None, name: str | None = None,
            dim: int | None = None) -> Tensor:
    """``exp(logits) / reduce_sum(exp(logits), axis)`` (stable; default: last axis)."""
    t = _float_input(logits, "softmax")
    ax = _axis_attr(t, dim if axis is None else axis, "softmax")
    return unary("Softmax", t, name or "Softmax", attrs={"axis": ax})


def log_softmax(logits: Any, axis: int | None = None, name: str | None = None,
                dim: int | None = None) -> Tensor:
    """``logits - log(reduce_sum(exp(logits), axis))`` (stable; default: last axis)."""
    t = _float_input(logits, "log_softmax")
    ax = _axis_attr(t, dim if axis is None else axis, "log_softmax")
    return unary("LogSoftmax", t, name or "LogSoftmax", attrs={"axis": ax})


def softmax_np(x: np.ndarray, axis: int) -> np.ndarray:
    """The softmax along ``axis``, subnormal results flushed to zero as TF's are."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return flush_to_zero(e)


def log_softmax_np(x: np.ndarray, axis: int) -> np.ndarray:
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


@registry.register_kernel("Softmax")
def _softmax(ctx: registry.KernelContext, x: Any) -> Any:
    return softmax_np(np.asarray(x), ctx.attrs["axis"])


@registry.register_kernel("LogSoftmax")
def _log_softmax(ctx: registry.KernelContext, x: Any) -> Any:
    return log_softmax_np(np.asarray(x), ctx.attrs["axis"])


# -- bias_add -----------------------------------------------------------------------------
def bias_add(value: Any, bias: Any, data_format: str | None = None,
             name: str | None = None) -> Tensor:
    """Adds the 1-D ``bias`` along the channel axis (last, or 1 for ``NC..``).

    Raises:
        ValueError: if ``bias`` is not 1-D or its size does not match the channels.
        TypeError: if the dtypes differ.
    """
    v = conversion.convert_to_tensor(value)
    b = conversion.convert_to_tensor(bias, dtype=v.dtype) if not isinstance(bias, Tensor) \
        else bias
    if b.dtype is not v.dtype:
        raise TypeError(f"bias_add: bias dtype {b.dtype.name} does not match value dtype "
                        f"{v.dtype.name}.")
    fmt = data_format or "NHWC"
    if fmt not in ("NHWC", "NCHW", "NC", "N..C", "NCDHW", "NDHWC"):
        raise ValueError(f"bias_add: unknown data_format {data_format!r}.")
    channels_first = fmt.startswith("NC") and fmt != "NC"
    name = name or "BiasAdd"
    if b.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {b.shape.ndims} for '{name}' "
                         f"(op: 'BiasAdd') with bias shape {b.shape}.")
    if v.shape.ndims is not None:
        if v.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {v.shape.ndims} "
                             f"for '{name}' (op: 'BiasAdd').")
        c = v.shape[1 if channels_first else -1]
        if b.shape.ndims == 1 and not b.shape.is_compatible_with([c]):
            raise ValueError(f"Dimensions must be equal, but are {c} and {b.shape[0]} for "
                             f"'{name}' (op: 'BiasAdd') with input shapes: {v.shape}, "
                             f"{b.shape}.")
    return make_op("BiasAdd", [v, b], [v.dtype], name=name,
                   attrs={"data_format": "NCHW" if channels_first else "NHWC"},
                   shapes=[v.shape]).outputs[0]


def bias_add_grad(grad: Tensor, data_format: str = "NHWC") -> Tensor:
    """The gradient of ``bias_add`` with respect to the bias: ``grad`` summed over every
    axis but the channel axis."""
    c = grad.shape[1 if data_format == "NCHW" else -1] if grad.shape.ndims else None
    return make_op("BiasAddGrad", [grad], [grad.dtype], name="BiasAddGrad",
                   attrs={"data_format": data_format}, shapes=[[c]]).outputs[0]


__all__ = ["relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "softmax",
           "log_softmax", "bias_add", "bias_add_grad", "activation_grad", "softmax_np",
           "log_softmax_np"]
