"""The FLOP count of one graph op, by op type: one table of rules, each registered beside
its formula, mirroring TF's flops registry (``profiler/internal/flops_registry.py`` and
the ``RegisterStatistics("...", "flops")`` rules of ``nn_ops.py``, TF 2.21).

A rule needs some tensors' shapes fully defined; when one is not, :class:`ShapeUnknown`
is raised and TF counts the op as 0 FLOPs (and reports it as an op with incomplete shape).

Example:
    >>> float_ops(graph.get_operation_by_name("dense/MatMul"))  # 2 * k * |out|
    125440
"""

from __future__ import annotations

from collections.abc import Callable

from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor

FlopRule = Callable[[Operation], int]
_RULES: dict[str, FlopRule] = {}


class ShapeUnknown(ValueError):
    """A shape a FLOP rule needs is not fully defined."""


def register(*op_types: str) -> Callable[[FlopRule], FlopRule]:
    """Registers ``rule`` as the FLOP count of ``op_types``.

    Raises:
        KeyError: if one of ``op_types`` already has a rule.
    """

    def wrap(rule: FlopRule) -> FlopRule:
        for op_type in op_types:
            if op_type in _RULES:
                raise KeyError(f"op type {op_type!r} already has a FLOP rule")
            _RULES[op_type] = rule
        return rule

    return wrap


def has_rule(op_type: str) -> bool:
    """Whether TF's registry counts FLOPs for ``op_type``."""
    return op_type in _RULES


def float_ops(op: Operation) -> int:
    """The FLOPs TF's registry assigns to ``op`` (0 for op types it has no rule for).

    Raises:
        ShapeUnknown: if a shape the rule needs is not fully defined.
        ValueError: for a pooling/convolution op whose data format is not NHWC.
    """
    rule = _RULES.get(op.type)
    return 0 if rule is None else int(rule(op))


def _known(t: Tensor) -> TensorShape:
    shape = t.shape
    if not shape.is_fully_defined():
        raise ShapeUnknown(f"shape of '{t.name}' is not fully defined: {shape}")
    return shape


def _count(t: Tensor) -> int:
    return int(_known(t).num_elements())


def _hw(op: Operation, name: str) -> tuple[int, int]:
    """The (height, width) entries of a 4-vector attr such as ``strides`` or ``ksize``."""
    try:
        values = list(op.get_attr(f"{name}_hw"))
    except ValueError:
        values = list(op.get_attr(name))[1:3]
    return int(values[0]), int(values[1])


def _nhwc(op: Operation) -> None:
    fmt = op.get_attr("data_format")
    fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
    if fmt != "NHWC":
        raise ValueError("Only NHWC format is supported in flops computations "
                         f"({op.type} op '{op.name}' has data_format {fmt!r})")


# -- element-wise: one input's element count times a per-element cost ---------------------
def _unary(cost: int) -> FlopRule:
    return lambda op: _count(op.inputs[0]) * cost


for _type, _cost in {"Reciprocal": 1, "Square": 1, "Rsqrt": 2, "Log": 1, "Neg": 1,
                     "AssignSub": 1, "AssignAdd": 1, "Softmax": 5}.items():
    register(_type)(_unary(_cost))


@register("L2Loss")
def _l2_loss(op: Operation) -> int:
    return 3 * _count(op.inputs[0]) - 1  # TF counts its own (3N - 1) implementation


def _binary(cost: int) -> FlopRule:
    return lambda op: _count(op.outputs[0]) * cost


for _type, _cost in {"Add": 1, "AddV2": 1, "Sub": 1, "Mul": 1, "RealDiv": 1, "Maximum": 1,
                     "Minimum": 1, "Pow": 1, "RsqrtGrad": 4, "GreaterEqual": 1, "Greater": 1,
                     "LessEqual": 1, "Less": 1, "Equal": 1, "NotEqual": 1,
                     "SquaredDifference": 2}.items():
    register(_type)(_binary(_cost))


# -- reductions: one op per input element, a finalize cost per output element ------------
def _reduction(finalize: int) -> FlopRule:
    return lambda op: _count(op.inputs[0]) + _count(op.outputs[0]) * (finalize - 1)


register("Mean")(_reduction(1))
register("Sum", "ArgMax", "ArgMin", "BiasAddGrad")(_reduction(0))


@register("AddN")
def _add_n(op: Operation) -> int:
    if not op.inputs:
        return 0
    return _count(op.inputs[0]) * (len(op.inputs) - 1)


# -- pooling and convolutions (NHWC only, as TF) ------------------------------------------
@register("AvgPool", "MaxPool")
def _pool(op: Operation) -> int:
    _nhwc(op)
    kh, kw = _hw(op, "ksize")
    return kh * kw * _count(op.outputs[0])


@register("AvgPoolGrad")
def _avg_pool_grad(op: Operation) -> int:
    _nhwc(op)
    kh, kw = _hw(op, "ksize")
    return 2 * kh * kw * _count(op.inputs[1])  # scale and sum each window element


@register("MaxPoolGrad")
def _max_pool_grad(op: Operation) -> int:
    _nhwc(op)
    kh, kw = _hw(op, "ksize")
    pooled = _count(op.inputs[1])  # recompute the pooling, then one op per pooled value
    return kh * kw * pooled + pooled


def _backprop(image: TensorShape, kernel: TensorShape, op: Operation) -> int:
    sh, sw = _hw(op, "strides")
    # TF divides in floating point and truncates the quotient to an integer.
    return int(2 * image.num_elements() * kernel.num_elements()
               / (image.as_list()[-1] * sh * sw))


@register("Conv2DBackpropInput")
def _conv2d_backprop_input(op: Operation) -> int:
    _nhwc(op)
    return _backprop(_known(op.outputs[0]), _known(op.inputs[1]), op)


@register("Conv2DBackpropFilter")
def _conv2d_backprop_filter(op: Operation) -> int:
    _nhwc(op)
    return _backprop(_known(op.inputs[0]), _known(op.outputs[0]), op)


@register("Conv2D")
def _conv2d(op: Operation) -> int:
    _known(op.inputs[0])
    fh, fw, fin = _known(op.inputs[1]).as_list()[:3]
    return _count(op.outputs[0]) * fin * fh * fw * 2


@register("DepthwiseConv2dNative", "Dilation2D")
def _depthwise_or_dilation(op: Operation) -> int:
    _known(op.inputs[0])
    fh, fw = _known(op.inputs[1]).as_list()[:2]
    return _count(op.outputs[0]) * fh * fw * 2


@register("BiasAdd")
def _bias_add(op: Operation) -> int:
    return _count(op.inputs[0])


# -- matrix products: 2 * k per output element --------------------------------------------
@register("MatMul")
def _mat_mul(op: Operation) -> int:
    a = _known(op.inputs[0]).as_list()
    k = a[0] if op.get_attr("transpose_a") else a[1]
    return 2 * k * _count(op.outputs[0])


@register("BatchMatMul", "BatchMatMulV2", "BatchMatMulV3")
def _batch_mat_mul(op: Operation) -> int:
    # TF's rule reads a "transpose_a" attr these ops do not have (theirs is adj_x), so it
    # always takes k from a's last dimension; kept for equal counts.
    k = _known(op.inputs[0]).as_list()[-1]
    return 2 * k * _count(op.outputs[0])
