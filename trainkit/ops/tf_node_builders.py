"""How ``import_graph_def`` rebuilds a node of a TF ``GraphDef``: one builder per TF op
type, calling the trainkit op function with TF's attributes mapped to its arguments.

A builder is ``fn(inputs, attrs, name) -> Tensor | Operation``; ``attrs`` are the node's
attributes as Python values (``DType``, ``TensorShape``, arrays, ...); ``name`` is the
node's full name with a trailing ``/`` (an exact op name for ``create_op``). Helper ops a
builder makes get other names (the importer reserves the GraphDef's names first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework.constant_op import constant
from trainkit.ops import (
    array_ops,
    cast_ops,
    comparison_ops,
    control_flow_ops,
    conv_ops,
    conv_transpose_ops,
    fake_quant_ops,
    join_ops,
    math_ops,
    nn_activations,
    placeholders,
    pool_ops,
    quantize_dequantize_ops,
    quantize_ops,
    quantized_concat_ops,
    reduction_ops,
    shape_ops,
    slicing_ops,
    state_ops,
    unary_ops,
)
from trainkit.ops.static_value import constant_value

BUILDERS: dict[str, Callable[[list, dict, str], Any]] = {}


def _const_list(t: Any, what: str) -> Any:
    v = constant_value(t)
    if v is None:
        raise ValueError(f"import_graph_def: the {what} input ({t.name}) must be a constant.")
    return np.asarray(v).tolist()


def _unary(fn: Callable) -> Callable:
    return lambda i, a, n: fn(i[0], name=n)


def _binary(fn: Callable) -> Callable:
    return lambda i, a, n: fn(i[0], i[1], name=n)


def _axis_operand(t: Any, what: str) -> Any:
    """The node's own axis ``Const`` (kept as the rebuilt op's operand, as in the
    GraphDef), else its constant value as a list."""
    return t if t.op.type == "Const" else _const_list(t, what)


def _reduce(fn: Callable) -> Callable:
    return lambda i, a, n: fn(i[0], _axis_operand(i[1], "reduction_indices"),
                              keepdims=bool(a.get("keep_dims", False)), name=n)


def _fused_batch_norm(i: list, a: dict, n: str) -> Any:
    """Inference-mode ``FusedBatchNorm*``: output 0 only (what frozen graphs use)."""
    if a.get("is_training", False):
        raise ValueError(f"import_graph_def: FusedBatchNorm node '{n}' has is_training=True; "
                         "only inference graphs (is_training=False) can be imported.")
    from trainkit.framework.graph import get_default_graph
    from trainkit.ops import nn_stats_ops

    x, scale, offset, mean, var = i[:5]
    if _fmt(a) == "NCHW":
        scale, offset, mean, var = (shape_ops.reshape(t, [-1, 1, 1])
                                    for t in (scale, offset, mean, var))
    with get_default_graph().name_scope(n.rstrip("/").rpartition("/")[2] + "_impl"):
        y = nn_stats_ops.batch_normalization(x, mean, var, offset, scale,
                                             float(a.get("epsilon", 1e-3)))
    return array_ops.identity(y, name=n)


def _fmt(a: dict) -> str:
    return a.get("data_format", "NHWC")


for _tf, _fn in {"Identity": array_ops.identity, "StopGradient": array_ops.stop_gradient,
                 "Neg": unary_ops.negative, "Abs": unary_ops.abs, "Square": unary_ops.square,
                 "Sqrt": unary_ops.sqrt, "Rsqrt": unary_ops.rsqrt, "Exp": unary_ops.exp,
                 "Log": unary_ops.log, "Tanh": unary_ops.tanh, "Sigmoid": unary_ops.sigmoid,
                 "Relu": nn_activations.relu, "Relu6": nn_activations.relu6,
                 "Elu": nn_activations.elu, "Softplus": nn_activations.softplus,
                 "LogicalNot": comparison_ops.logical_not}.items():
    BUILDERS[_tf] = _unary(_fn)

for _tf, _fn in {"Add": math_ops.add, "AddV2": math_ops.add, "Sub": math_ops.subtract,
                 "Mul": math_ops.multiply, "RealDiv": math_ops.realdiv,
                 "Div": math_ops.divide, "FloorDiv": math_ops.floordiv,
                 "Maximum": math_ops.maximum, "Minimum": math_ops.minimum,
                 "Pow": math_ops.pow, "SquaredDifference": math_ops.squared_difference,
                 "Equal": comparison_ops.equal, "Less": comparison_ops.less,
                 "LessEqual": comparison_ops.less_equal, "Greater": comparison_ops.greater,
                 "GreaterEqual": comparison_ops.greater_equal,
                 "LogicalAnd": comparison_ops.logical_and,
                 "LogicalOr": comparison_ops.logical_or}.items():
    BUILDERS[_tf] = _binary(_fn)

for _tf, _fn in {"Mean": reduction_ops.reduce_mean, "Sum": reduction_ops.reduce_sum,
                 "Max": reduction_ops.reduce_max, "Min": reduction_ops.reduce_min,
                 "Prod": reduction_ops.reduce_prod}.items():
    BUILDERS[_tf] = _reduce(_fn)

BUILDERS.update({
    "Const": lambda i, a, n: constant(a["value"], dtype=a["dtype"], name=n),
    "Placeholder": lambda i, a, n: placeholders.placeholder(
        a["dtype"], shape=a.get("shape"), name=n),
    "PlaceholderWithDefault": lambda i, a, n: placeholders.placeholder_with_default(
        i[0], a.get("shape"), name=n),
    "NoOp": lambda i, a, n: control_flow_ops.no_op(name=n),
    "MatMul": lambda i, a, n: math_ops.matmul(
        i[0], i[1], transpose_a=bool(a.get("transpose_a")),
        transpose_b=bool(a.get("transpose_b")), name=n),
    "BiasAdd": lambda i, a, n: nn_activations.bias_add(i[0], i[1], data_format=_fmt(a),
                                                       name=n),
    "Softmax": lambda i, a, n: nn_activations.softmax(i[0], name=n),
    "LogSoftmax": lambda i, a, n: nn_activations.log_softmax(i[0], name=n),
    "Conv2D": lambda i, a, n: conv_ops.conv2d(
        i[0], i[1], strides=a["strides"], padding=a["padding"], data_format=_fmt(a),
        dilations=a.get("dilations", [1, 1, 1, 1]), name=n),
    "MaxPool": lambda i, a, n: pool_ops.max_pool(
        i[0], a["ksize"], a["strides"], a["padding"], data_format=_fmt(a), name=n),
    "AvgPool": lambda i, a, n: pool_ops.avg_pool(
        i[0], a["ksize"], a["strides"], a["padding"], data_format=_fmt(a), name=n),
    "Reshape": lambda i, a, n: shape_ops.reshape(i[0], i[1], name=n),
    "Shape": lambda i, a, n: array_ops.shape(i[0], out_type=a.get("out_type"), name=n),
    "Squeeze": lambda i, a, n: shape_ops.squeeze(i[0], a.get("squeeze_dims") or None,
                                                 name=n),
    "ExpandDims": lambda i, a, n: shape_ops.expand_dims(
        i[0], int(_const_list(i[1], "dim")), name=n),
    "Transpose": lambda i, a, n: shape_ops.transpose(i[0], i[1], name=n),
    "ConcatV2": lambda i, a, n: join_ops.concat(i[:-1], i[-1], name=n),
    "Pack": lambda i, a, n: join_ops.stack(i, axis=int(a.get("axis", 0)), name=n),
    "Cast": lambda i, a, n: cast_ops.cast(i[0], a["DstT"], name=n),
    "ArgMax": lambda i, a, n: reduction_ops.argmax(
        i[0], _axis_operand(i[1], "dimension"),
        output_type=a.get("output_type"), name=n),
    "StridedSlice": lambda i, a, n: slicing_ops.strided_slice(
        i[0], i[1], i[2], i[3], begin_mask=a.get("begin_mask", 0),
        end_mask=a.get("end_mask", 0), ellipsis_mask=a.get("ellipsis_mask", 0),
        new_axis_mask=a.get("new_axis_mask", 0),
        shrink_axis_mask=a.get("shrink_axis_mask", 0), name=n),
    "GatherV2": lambda i, a, n: slicing_ops.gather(
        i[0], i[1], axis=int(_const_list(i[2], "axis")), name=n),
    "Fill": lambda i, a, n: array_ops.fill(i[0], i[1], name=n),
    "Tile": lambda i, a, n: shape_ops.tile(i[0], i[1], name=n),
    "VariableV2": lambda i, a, n: state_ops.variable_op_v2(
        a["shape"], a["dtype"], name=n),
    "Assign": lambda i, a, n: state_ops.assign(
        i[0], i[1], validate_shape=a.get("validate_shape", True), name=n),
    "AssignAdd": lambda i, a, n: state_ops.assign_add(i[0], i[1], name=n),
    "AssignSub": lambda i, a, n: state_ops.assign_sub(i[0], i[1], name=n),
    "ZerosLike": lambda i, a, n: array_ops.zeros_like(i[0], name=n),
    "OnesLike": lambda i, a, n: array_ops.ones_like(i[0], name=n),
    "Slice": lambda i, a, n: slicing_ops.slice_(i[0], i[1], i[2], name=n),
    "Pad": lambda i, a, n: shape_ops.pad(i[0], i[1], name=n),
    "PadV2": lambda i, a, n: shape_ops.pad(i[0], i[1], constant_values=i[2], name=n),
    "Split": lambda i, a, n: join_ops.split(
        i[1], int(a["num_split"]), axis=int(_const_list(i[0], "split_dim")), name=n),
    "SplitV": lambda i, a, n: join_ops.split(
        i[0], i[1], axis=int(_const_list(i[2], "split_dim")), num=int(a["num_split"]),
        name=n),
    "Unpack": lambda i, a, n: join_ops.unstack(i[0], num=int(a["num"]),
                                               axis=int(a.get("axis", 0)), name=n),
    "Select": lambda i, a, n: comparison_ops.where(i[0], i[1], i[2], name=n),
    "SelectV2": lambda i, a, n: comparison_ops.where(i[0], i[1], i[2], name=n),
    "Conv2DBackpropInput": lambda i, a, n: conv_transpose_ops.conv2d_transpose(
        i[2], i[1], i[0], a["strides"], a["padding"], data_format=_fmt(a),
        dilations=a.get("dilations", [1, 1, 1, 1]), name=n),
    "FusedBatchNorm": lambda i, a, n: _fused_batch_norm(i, a, n),
    "FusedBatchNormV2": lambda i, a, n: _fused_batch_norm(i, a, n),
    "FusedBatchNormV3": lambda i, a, n: _fused_batch_norm(i, a, n),
    "IsVariableInitialized": lambda i, a, n: state_ops.is_variable_initialized(i[0], name=n),
    # TF2's resource variables map onto trainkit's (reference) variables.
    "VarHandleOp": lambda i, a, n: state_ops.variable_op_v2(
        a["shape"], a["dtype"], name=n),
    "ReadVariableOp": lambda i, a, n: array_ops.identity(i[0], name=n),
    "AssignVariableOp": lambda i, a, n: state_ops.assign(
        i[0], i[1], validate_shape=a.get("validate_shape", True), name=n).op,
    "AssignAddVariableOp": lambda i, a, n: state_ops.assign_add(i[0], i[1], name=n).op,
    "AssignSubVariableOp": lambda i, a, n: state_ops.assign_sub(i[0], i[1], name=n).op,
    "VarIsInitializedOp": lambda i, a, n: state_ops.is_variable_initialized(i[0], name=n),
})



def _bits(a: dict) -> dict:
    return {"num_bits": int(a.get("num_bits", 8)),
            "narrow_range": bool(a.get("narrow_range", False))}


def _axis(a: dict) -> int | None:
    axis = int(a.get("axis", -1))
    return None if axis == -1 else axis  # TF's -1 is "no axis", not the last one


def _qdq(fn: Callable) -> Callable:
    return lambda i, a, n: fn(
        i[0], i[1], i[2], signed_input=bool(a.get("signed_input", True)),
        range_given=bool(a.get("range_given", False)),
        round_mode=a.get("round_mode", "HALF_TO_EVEN"), axis=_axis(a), name=n, **_bits(a))


# Quantization: frozen quantization-aware-training graphs hold fake-quant nodes.
BUILDERS.update({
    "FakeQuantWithMinMaxArgs": lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_args(
        i[0], float(a.get("min", -6.0)), float(a.get("max", 6.0)), name=n, **_bits(a)),
    "FakeQuantWithMinMaxArgsGradient":
        lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_args_gradient(
            i[0], i[1], float(a.get("min", -6.0)), float(a.get("max", 6.0)), name=n,
            **_bits(a)),
    "FakeQuantWithMinMaxVars": lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_vars(
        i[0], i[1], i[2], name=n, **_bits(a)),
    "FakeQuantWithMinMaxVarsGradient":
        lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_vars_gradient(
            i[0], i[1], i[2], i[3], name=n, **_bits(a)),
    "FakeQuantWithMinMaxVarsPerChannel":
        lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_vars_per_channel(
            i[0], i[1], i[2], name=n, **_bits(a)),
    "FakeQuantWithMinMaxVarsPerChannelGradient":
        lambda i, a, n: fake_quant_ops.fake_quant_with_min_max_vars_per_channel_gradient(
            i[0], i[1], i[2], i[3], name=n, **_bits(a)),
    "QuantizeV2": lambda i, a, n: quantize_ops.quantize(
        i[0], i[1], i[2], a["T"], mode=a.get("mode", "MIN_COMBINED"),
        round_mode=a.get("round_mode", "HALF_AWAY_FROM_ZERO"),
        narrow_range=bool(a.get("narrow_range", False)), axis=_axis(a),
        ensure_minimum_range=float(a.get("ensure_minimum_range", 0.01)), name=n),
    "Dequantize": lambda i, a, n: quantize_ops.dequantize(
        i[0], i[1], i[2], mode=a.get("mode", "MIN_COMBINED"), axis=_axis(a),
        narrow_range=bool(a.get("narrow_range", False)), dtype=a.get("dtype", "float32"),
        name=n),
    "QuantizeAndDequantizeV2": _qdq(quantize_dequantize_ops.quantize_and_dequantize),
    "QuantizeAndDequantizeV4": _qdq(quantize_dequantize_ops.quantize_and_dequantize_v2),
    "QuantizedConcat": lambda i, a, n: quantized_concat_ops.quantized_concat(
        i[0], i[1:1 + int(a["N"])], i[1 + int(a["N"]):1 + 2 * int(a["N"])],
        i[1 + 2 * int(a["N"]):], name=n),
    "QuantizeAndDequantizeV4Grad":
        lambda i, a, n: quantize_dequantize_ops.quantize_and_dequantize_v4_grad(
            i[0], i[1], i[2], i[3], axis=int(a.get("axis", -1)), name=n),
})

__all__ = ["BUILDERS"]
