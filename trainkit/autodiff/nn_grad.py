"""Gradient rules of the nn ops: activations (via fused ``*Grad`` kernels, which have
rules of their own so second derivatives work), softmax, bias_add, the losses, conv2d and
pooling.
"""

from __future__ import annotations

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.conv_ops import conv2d_backprop_filter, conv2d_backprop_input
from trainkit.ops.lrn_ops import lrn_grad
from trainkit.ops.misc_ops import shape_n
from trainkit.ops.nn_activations import (
    SELU_ALPHA,
    SELU_SCALE,
    activation_grad,
    bias_add,
    bias_add_grad,
    log_softmax,
)
from trainkit.ops.op_util import make_op
from trainkit.ops.pool_ops import avg_pool_grad, pool_grad


def _is_zero(t: Tensor) -> bool:
    """True for a gradient the driver filled in for an unused output."""
    op = t.op
    if op.type == "ZerosLike":
        return True
    return op.type == "Const" and not np.any(op.attrs["value"])


# -- activations ----------------------------------------------------------------------------
@registry.register_gradient("Relu")
def _relu_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("ReluGrad", grad, op.outputs[0])]


def _same_kind_grad(op: Operation, grad: Tensor) -> Tensor:
    return activation_grad(op.type, grad, op.inputs[1], op.attrs)


@registry.register_gradient("ReluGrad")
def _relu_grad_grad(op: Operation, grad: Tensor) -> list:
    return [_same_kind_grad(op, grad), None]


@registry.register_gradient("Relu6")
def _relu6_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("Relu6Grad", grad, op.inputs[0])]


@registry.register_gradient("Relu6Grad")
def _relu6_grad_grad(op: Operation, grad: Tensor) -> list:
    return [_same_kind_grad(op, grad), None]


@registry.register_gradient("LeakyRelu")
def _leaky_relu_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("LeakyReluGrad", grad, op.inputs[0], dict(op.attrs))]


@registry.register_gradient("LeakyReluGrad")
def _leaky_relu_grad_grad(op: Operation, grad: Tensor) -> list:
    return [_same_kind_grad(op, grad), None]


@registry.register_gradient("Elu")
def _elu_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("EluGrad", grad, op.inputs[0])]


@registry.register_gradient("Selu")
def _selu_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("SeluGrad", grad, op.inputs[0])]


def _neg_part_second(op: Operation, grad: Tensor, scale: float) -> list:
    """For elu/selu: f''(x) = scale * exp(x) for x < 0 and 0 for x > 0."""
    g, x = op.inputs
    curv = math_ops.where(math_ops.greater(x, array_ops.zeros_like(x)), array_ops.zeros_like(x),
                          math_ops.multiply(math_ops.exp(x), scale))
    return [_same_kind_grad(op, grad), math_ops.multiply(math_ops.multiply(grad, g), curv)]


@registry.register_gradient("EluGrad")
def _elu_grad_grad(op: Operation, grad: Tensor) -> list:
    return _neg_part_second(op, grad, 1.0)


@registry.register_gradient("SeluGrad")
def _selu_grad_grad(op: Operation, grad: Tensor) -> list:
    return _neg_part_second(op, grad, SELU_SCALE * SELU_ALPHA)


@registry.register_gradient("Softplus")
def _softplus_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("SoftplusGrad", grad, op.inputs[0])]


@registry.register_gradient("SoftplusGrad")
def _softplus_grad_grad(op: Operation, grad: Tensor) -> list:
    g, x = op.inputs
    s = math_ops.sigmoid(x)
    curv = math_ops.multiply(s, math_ops.subtract(1.0, s))
    return [_same_kind_grad(op, grad), math_ops.multiply(math_ops.multiply(grad, g), curv)]


@registry.register_gradient("Softsign")
def _softsign_grad(op: Operation, grad: Tensor) -> list:
    return [activation_grad("SoftsignGrad", grad, op.inputs[0])]


@registry.register_gradient("SoftsignGrad")
def _softsign_grad_grad(op: Operation, grad: Tensor) -> list:
    g, x = op.inputs
    d = math_ops.add(math_ops.abs(x), 1.0)
    curv = math_ops.truediv(math_ops.multiply(math_ops.sign(x), -2.0),
                            math_ops.multiply(math_ops.square(d), d))
    return [_same_kind_grad(op, grad), math_ops.multiply(math_ops.multiply(grad, g), curv)]


# -- softmax / bias -------------------------------------------------------------------------
@registry.register_gradient("Softmax")
def _softmax_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    ax = op.attrs["axis"]
    dot = math_ops.reduce_sum(math_ops.multiply(grad, y), ax, keepdims=True)
    return [math_ops.multiply(math_ops.subtract(grad, dot), y)]


@registry.register_gradient("LogSoftmax")
def _log_softmax_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    total = math_ops.reduce_sum(grad, op.attrs["axis"], keepdims=True)
    return [math_ops.subtract(grad, math_ops.multiply(total, math_ops.exp(y)))]


@registry.register_gradient("BiasAdd")
def _bias_add_grad(op: Operation, grad: Tensor) -> list:
    return [grad, bias_add_grad(grad, op.attrs["data_format"])]


@registry.register_gradient("BiasAddGrad")
def _bias_add_grad_grad(op: Operation, grad: Tensor) -> list:
    g = op.inputs[0]
    return [bias_add(array_ops.zeros_like(g), grad, data_format=op.attrs["data_format"])]


# -- losses ---------------------------------------------------------------------------------
@registry.register_gradient("L2Loss")
def _l2_loss_grad(op: Operation, grad: Tensor) -> list:
    return [math_ops.multiply(op.inputs[0], grad)]


@registry.register_gradient("SigmoidCrossEntropyWithLogits")
def _sigmoid_xent_grad(op: Operation, grad: Tensor) -> list:
    x, z = op.inputs
    return [math_ops.multiply(grad, math_ops.subtract(math_ops.sigmoid(x), z)),
            math_ops.multiply(grad, math_ops.negative(x))]


def _softmax_second_order(logits: Tensor, gg: Tensor, axis: int) -> Tensor:
    """The extra logits gradient when the ``backprop`` output itself received one."""
    p = math_ops.exp(log_softmax(logits, axis=axis))
    dot = math_ops.reduce_sum(math_ops.multiply(gg, p), axis, keepdims=True)
    return math_ops.multiply(math_ops.subtract(gg, dot), p)


@registry.register_gradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op: Operation, grad: Tensor, grad_bp: Tensor) -> list:
    x = op.inputs[0]
    ax = op.attrs["axis"]
    g = array_ops.expand_dims(grad, ax)
    gx = math_ops.multiply(g, op.outputs[1])
    if not _is_zero(grad_bp):
        gx = math_ops.add(gx, _softmax_second_order(x, grad_bp, ax))
    gz = math_ops.multiply(g, math_ops.negative(log_softmax(x, axis=ax)))
    return [gx, gz]


@registry.register_gradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op: Operation, grad: Tensor, grad_bp: Tensor) -> list:
    gx = math_ops.multiply(array_ops.expand_dims(grad, -1), op.outputs[1])
    if not _is_zero(grad_bp):
        gx = math_ops.add(gx, _softmax_second_order(op.inputs[0], grad_bp, -1))
    return [gx, None]


# -- convolution and pooling ----------------------------------------------------------------
def _conv(x: Tensor, w: Tensor, attrs: dict, like: Tensor) -> Tensor:
    return make_op("Conv2D", [x, w], [x.dtype], name="Conv2D", attrs=dict(attrs),
                   shapes=[like.shape]).outputs[0]


@registry.register_gradient("Conv2D")
def _conv2d_grad(op: Operation, grad: Tensor) -> list:
    x, w = op.inputs
    a = op.attrs
    x_shape, w_shape = shape_n([x, w])  # TF's one ``Conv2D_grad/ShapeN``
    return [conv2d_backprop_input(x_shape, w, grad, a),
            conv2d_backprop_filter(x, w_shape, grad, a)]


@registry.register_gradient("Conv2DBackpropInput")
def _conv2d_bp_input_grad(op: Operation, grad: Tensor) -> list:
    _, w, dy = op.inputs
    a = op.attrs
    return [None, conv2d_backprop_filter(grad, array_ops.shape(w), dy, a), _conv(grad, w, a, dy)]


@registry.register_gradient("Conv2DBackpropFilter")
def _conv2d_bp_filter_grad(op: Operation, grad: Tensor) -> list:
    x, _, dy = op.inputs
    a = op.attrs
    return [conv2d_backprop_input(array_ops.shape(x), grad, dy, a), None, _conv(x, grad, a, dy)]


@registry.register_gradient("MaxPool")
def _max_pool_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return [pool_grad("MaxPoolGrad", [x, op.outputs[0], grad], x, op.attrs)]


@registry.register_gradient("MaxPoolGrad")
def _max_pool_grad_grad(op: Operation, grad: Tensor) -> list:
    x, y, _ = op.inputs
    return [None, None, pool_grad("MaxPoolGradGrad", [x, y, grad], y, op.attrs)]


@registry.register_gradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op: Operation, grad: Tensor) -> list:
    x, y, _ = op.inputs
    return [None, None, pool_grad("MaxPoolGrad", [x, y, grad], x, op.attrs)]


@registry.register_gradient("AvgPool")
def _avg_pool_grad(op: Operation, grad: Tensor) -> list:
    return [avg_pool_grad(array_ops.shape(op.inputs[0]), grad, op.attrs)]


@registry.register_gradient("AvgPoolGrad")
def _avg_pool_grad_grad(op: Operation, grad: Tensor) -> list:
    y = make_op("AvgPool", [grad], [grad.dtype], name="AvgPool", attrs=dict(op.attrs),
                shapes=[op.inputs[1].shape]).outputs[0]
    return [None, y]


@registry.register_gradient("LRN")
def _lrn_gradient(op: Operation, grad: Tensor) -> list:
    return [lrn_grad(grad, op.inputs[0], op.outputs[0], op.attrs)]


# TF1 registers no gradient for LRNGrad either (no second derivatives through LRN).
registry.not_differentiable("LRNGrad")


__all__: list[str] = []
