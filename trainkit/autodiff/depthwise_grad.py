"""Gradient rules of the depthwise convolution ops (``DepthwiseConv2dNative`` and its two
backprops, so second derivatives work too)."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.depthwise_conv_ops import (
    depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_filter,
    depthwise_conv2d_native_backprop_input,
)


def _kw(op: Operation) -> dict:
    a = op.attrs
    return {"strides": a["strides"], "padding": a["padding"],
            "data_format": a["data_format"], "dilations": _dilations(a)}


def _dilations(a: dict) -> list:
    dh, dw = a["dilations_hw"]
    return [1, dh, dw, 1] if a["data_format"] == "NHWC" else [1, 1, dh, dw]


@registry.register_gradient("DepthwiseConv2dNative")
def _depthwise_grad(op: Operation, grad: Tensor) -> list:
    x, w = op.inputs
    kw = _kw(op)
    return [depthwise_conv2d_native_backprop_input(array_ops.shape(x), w, grad, **kw),
            depthwise_conv2d_native_backprop_filter(x, array_ops.shape(w), grad, **kw)]


@registry.register_gradient("DepthwiseConv2dNativeBackpropInput")
def _depthwise_bp_input_grad(op: Operation, grad: Tensor) -> list:
    _, w, dy = op.inputs
    kw = _kw(op)
    return [None, depthwise_conv2d_native_backprop_filter(grad, array_ops.shape(w), dy, **kw),
            depthwise_conv2d_native(grad, w, **kw)]


@registry.register_gradient("DepthwiseConv2dNativeBackpropFilter")
def _depthwise_bp_filter_grad(op: Operation, grad: Tensor) -> list:
    x, _, dy = op.inputs
    kw = _kw(op)
    return [depthwise_conv2d_native_backprop_input(array_ops.shape(x), grad, dy, **kw), None,
            depthwise_conv2d_native(x, grad, **kw)]
