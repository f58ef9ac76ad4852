"""Gradient rules for the math ops: ``grad_fn(op, grad) -> [one gradient per input]``.

Rules build graph ops with the public op functions; broadcasting binary ops undo
broadcasting only through :func:`trainkit.autodiff.broadcast.reduce_to_shape`.
Comparisons, logical ops, ``argmax``, ``floor``-like ops and friends carry no gradient.

Complex inputs follow TF's convention (the gradient of a complex value ``z`` is
``dL/dRe z + i dL/dIm z``): a holomorphic ``f`` sends back ``grad * conj(f'(x))``, so the
rules conjugate the derivative's factors (``conj`` returns a real tensor itself, so real
graphs are unchanged); ``MatMul`` conjugates its operands and ``BatchMatMulV2`` uses
adjoints, as TF.

Differs from TF: ``Sign`` is declared not differentiable (TF returns zeros); the gradient
of ``reduce_prod`` is ``prod / x`` and so NaN where ``x`` is 0 (TF handles zeros).
"""

from __future__ import annotations

from trainkit.autodiff.broadcast import expand_to_shape, reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import math_ops as m
from trainkit.ops.broadcast_ops import reduced_size
from trainkit.ops.complex_ops import conj
from trainkit.ops.elementwise import FLOAT_OR_COMPLEX
from trainkit.ops.math_extras import divide_no_nan
from trainkit.ops.unary_ops import sigmoid_grad, tanh_grad

registry.not_differentiable(
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "LogicalXor", "LogicalNot", "Where", "ArgMax", "ArgMin", "Any", "All",
    "IsNan", "IsFinite", "IsInf", "Floor", "Ceil", "Round", "Sign", "FloorDiv")


def _zero(t: Tensor) -> Tensor:
    return constant(0, dtype=t.dtype)


# -- binary arithmetic -------------------------------------------------------------------
@registry.register_gradient("AddV2")
def _add_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    return [reduce_to_shape(grad, x), reduce_to_shape(grad, y)]


@registry.register_gradient("Sub")
def _sub_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    return [reduce_to_shape(grad, x), reduce_to_shape(m.negative(grad), y)]


@registry.register_gradient("Mul")
def _mul_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    return [reduce_to_shape(m.multiply(grad, conj(y)), x),
            reduce_to_shape(m.multiply(conj(x), grad), y)]


@registry.register_gradient("RealDiv")
def _realdiv_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    gy = m.multiply(grad, conj(m.realdiv(m.realdiv(m.negative(x), y), y)))
    return [reduce_to_shape(m.realdiv(grad, conj(y)), x), reduce_to_shape(gy, y)]


@registry.register_gradient("FloorMod")
def _floormod_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    gy = m.multiply(m.negative(grad), m.floordiv(x, y))
    return [reduce_to_shape(grad, x), reduce_to_shape(gy, y)]


@registry.register_gradient("Pow")
def _pow_grad(op: Operation, grad: Tensor) -> list:
    x, y = conj(op.inputs[0]), conj(op.inputs[1])
    z = conj(op.outputs[0])
    gx = m.multiply(grad, m.multiply(y, m.pow(x, m.subtract(y, 1))))
    # log x where it is defined (complex: everywhere but 0), else 0
    positive = m.not_equal(x, 0) if x.dtype.is_complex else m.greater(x, 0)
    log_x = m.where(positive, m.log(m.where(positive, x, m.add(_zero(x), 1))), _zero(x))
    gy = m.multiply(grad, m.multiply(z, log_x))
    x, y = op.inputs
    return [reduce_to_shape(gx, x), reduce_to_shape(gy, y)]


def _select_grads(op: Operation, grad: Tensor, x_wins: Tensor) -> list:
    x, y = op.inputs
    zero = _zero(grad)
    return [reduce_to_shape(m.where(x_wins, grad, zero), x),
            reduce_to_shape(m.where(x_wins, zero, grad), y)]


@registry.register_gradient("Maximum")
def _maximum_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    return _select_grads(op, grad, m.greater_equal(x, y))


@registry.register_gradient("Minimum")
def _minimum_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    return _select_grads(op, grad, m.less_equal(x, y))


@registry.register_gradient("SquaredDifference")
def _squared_difference_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs
    d = m.multiply(m.multiply(grad, 2), m.subtract(x, y))
    return [reduce_to_shape(d, x), reduce_to_shape(m.negative(d), y)]


@registry.register_gradient("Select")
def _select_grad(op: Operation, grad: Tensor) -> list:
    cond, x, y = op.inputs
    zero = _zero(grad)
    return [None, reduce_to_shape(m.where(cond, grad, zero), x),
            reduce_to_shape(m.where(cond, zero, grad), y)]


@registry.register_gradient("AddN")
def _add_n_grad(op: Operation, grad: Tensor) -> list:
    return [grad] * len(op.inputs)


# -- unary -------------------------------------------------------------------------------
@registry.register_gradient("Neg")
def _neg_grad(op: Operation, grad: Tensor) -> list:
    return [m.negative(grad)]


@registry.register_gradient("Abs")
def _abs_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, m.sign(op.inputs[0]))]


@registry.register_gradient("Square")
def _square_grad(op: Operation, grad: Tensor) -> list:
    x = conj(op.inputs[0])
    two = constant(2, dtype=x.dtype)  # TF's names: ``Square_grad/Const``, ``Mul``, ``Mul_1``
    return [m.multiply(grad, m.multiply(x, two, name="Mul"), name="Mul")]


@registry.register_gradient("DivNoNan")
def _div_no_nan_grad(op: Operation, grad: Tensor) -> list:
    # TF's rule: d/dx = div_no_nan(g, y), d/dy = g * div_no_nan(div_no_nan(-x, y), y)
    x, y = op.inputs
    cx, cy = conj(x), conj(y)
    gx = divide_no_nan(grad, cy)
    gy = m.multiply(grad, divide_no_nan(divide_no_nan(m.negative(cx), cy), cy))
    return [reduce_to_shape(gx, x), reduce_to_shape(gy, y)]


@registry.register_gradient("Sqrt")
def _sqrt_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(m.multiply(grad, 0.5), conj(op.outputs[0]))]


@registry.register_gradient("Rsqrt")
def _rsqrt_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    return [m.multiply(m.multiply(grad, -0.5), conj(m.multiply(m.square(y), y)))]


@registry.register_gradient("Exp")
def _exp_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, conj(op.outputs[0]))]


@registry.register_gradient("Log")
def _log_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, m.reciprocal(conj(op.inputs[0])))]


@registry.register_gradient("Log1p")
def _log1p_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(grad, conj(m.add(op.inputs[0], 1)))]


@registry.register_gradient("Sin")
def _sin_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, conj(m.cos(op.inputs[0])))]


@registry.register_gradient("Cos")
def _cos_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(m.negative(grad), conj(m.sin(op.inputs[0])))]


@registry.register_gradient("Tanh")
def _tanh_grad(op: Operation, grad: Tensor) -> list:
    return [tanh_grad(conj(op.outputs[0]), grad)]


@registry.register_gradient("Sigmoid")
def _sigmoid_grad(op: Operation, grad: Tensor) -> list:
    return [sigmoid_grad(conj(op.outputs[0]), grad)]


@registry.register_gradient("Reciprocal")
def _reciprocal_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    return [m.multiply(m.negative(grad), conj(m.square(y)))]


@registry.register_gradient("TanhGrad")
def _tanh_grad_grad(op: Operation, grad: Tensor) -> list:
    y, dy = conj(op.inputs[0]), conj(op.inputs[1])
    gy = m.multiply(m.multiply(grad, dy), m.multiply(y, -2))
    return [reduce_to_shape(gy, op.inputs[0]),
            reduce_to_shape(tanh_grad(y, grad), op.inputs[1])]


@registry.register_gradient("SigmoidGrad")
def _sigmoid_grad_grad(op: Operation, grad: Tensor) -> list:
    y, dy = conj(op.inputs[0]), conj(op.inputs[1])
    gy = m.multiply(m.multiply(grad, dy), m.subtract(1, m.multiply(y, 2)))
    return [reduce_to_shape(gy, op.inputs[0]),
            reduce_to_shape(sigmoid_grad(y, grad), op.inputs[1])]


@registry.register_gradient("Cast")
def _cast_grad(op: Operation, grad: Tensor) -> list:
    src = op.inputs[0].dtype
    # float <-> complex too: TF's convention gives a real input the real part
    if src in FLOAT_OR_COMPLEX and op.outputs[0].dtype in FLOAT_OR_COMPLEX:
        return [m.cast(grad, src)]
    return [None]


# -- matmul ------------------------------------------------------------------------------
def _matmul_grads(grad: Tensor, a: Tensor, b: Tensor, ta: bool, tb: bool,
                  adjoint: bool = False) -> tuple:
    """The two products of the rule; ``adjoint`` flips by ``adjoint_*`` (conjugating
    complex operands, ``BatchMatMulV2``) instead of ``transpose_*``."""
    def mm(x: Tensor, y: Tensor, t_x: bool = False, t_y: bool = False) -> Tensor:
        if adjoint:
            return m.matmul(x, y, adjoint_a=t_x, adjoint_b=t_y)
        return m.matmul(x, y, transpose_a=t_x, transpose_b=t_y)
    if not ta and not tb:
        return mm(grad, b, t_y=True), mm(a, grad, t_x=True)
    if ta and not tb:
        return mm(b, grad, t_y=True), mm(a, grad)
    if not ta and tb:
        return mm(grad, b), mm(grad, a, t_x=True)
    return mm(b, grad, True, True), mm(grad, a, True, True)


@registry.register_gradient("MatMul")
def _matmul_grad(op: Operation, grad: Tensor) -> list:
    a, b = conj(op.inputs[0]), conj(op.inputs[1])
    ga, gb = _matmul_grads(grad, a, b, op.attrs["transpose_a"], op.attrs["transpose_b"])
    return [ga, gb]


@registry.register_gradient("BatchMatMulV2")
def _batch_matmul_grad(op: Operation, grad: Tensor) -> list:
    a, b = op.inputs
    ga, gb = _matmul_grads(grad, a, b, op.attrs["adj_x"], op.attrs["adj_y"], adjoint=True)
    return [reduce_to_shape(ga, a), reduce_to_shape(gb, b)]


# -- reductions and scans ----------------------------------------------------------------
def _expand_axes(op: Operation) -> tuple:
    """Axes of the input that the reduction removed (empty with keep_dims or all-axes)."""
    axes = op.attrs["axis"]
    return () if op.attrs["keep_dims"] or axes is None else tuple(axes)


def _with_axes(grads: list, op: Operation) -> list:
    """No gradient for a reduction's axes input (TF's ``reduction_indices``; graphs saved
    before trainkit kept it have none)."""
    return grads + [None] * (len(op.inputs) - 1)


@registry.register_gradient("Sum")
def _sum_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return _with_axes([expand_to_shape(grad, x, _expand_axes(op))], op)


@registry.register_gradient("Mean")
def _mean_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    xn, yn = x.shape.num_elements(), y.shape.num_elements()
    if xn is not None and yn:
        count: Tensor | float = float(xn // yn)
    else:
        count = reduced_size(x, op.attrs["axis"])
    return _with_axes([m.realdiv(expand_to_shape(grad, x, _expand_axes(op)), count)], op)


def _extreme_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    expand = _expand_axes(op)
    picked = m.cast(m.equal(x, expand_to_shape(y, x, expand)), x.dtype)
    count = m.reduce_sum(picked, axis=op.attrs["axis"], keepdims=True)
    return _with_axes([m.multiply(m.realdiv(picked, count), expand_to_shape(grad, x, expand))],
                      op)


registry.register_gradient("Max")(_extreme_grad)
registry.register_gradient("Min")(_extreme_grad)


@registry.register_gradient("Prod")
def _prod_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    expand = _expand_axes(op)
    gy = expand_to_shape(m.multiply(grad, conj(y)), x, expand)
    return _with_axes([m.realdiv(gy, conj(x))], op)


@registry.register_gradient("Cumsum")
def _cumsum_grad(op: Operation, grad: Tensor) -> list:
    a = op.attrs
    return [m.cumsum(grad, axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])]


# -- the broadcast helpers themselves (adjoints of each other) ---------------------------
@registry.register_gradient("SumToShape")
def _sum_to_shape_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    rest = [None] * (len(op.inputs) - 1)
    return [expand_to_shape(grad, x)] + rest


@registry.register_gradient("BroadcastToShape")
def _broadcast_to_shape_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    expand = op.attrs["expand"]
    if expand:
        grad = m.reduce_sum(grad, axis=list(expand))
    rest = [None] * (len(op.inputs) - 1)
    return [reduce_to_shape(grad, x)] + rest


__all__: list[str] = []
