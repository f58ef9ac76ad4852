"""Gradient rules of the math ops, checked directly against central finite differences.

Each check builds one op on float64 placeholders, asks the registry for its rule with an
upstream-gradient placeholder ``u``, and compares the rule's output with the numerical
derivative of ``sum(op(x) * u)`` (forward values computed by running the kernel).
Placeholders are built with static shapes and, separately, with unknown shapes, so both
the static and the run-time broadcast reductions are exercised.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient
from trainkit.autodiff import math_grad  # noqa: F401 - registers the rules
from trainkit.autodiff.broadcast import expand_to_shape, reduce_to_shape
from trainkit.framework import registry
from trainkit.ops import broadcast_ops
from trainkit.ops.unary_ops import sigmoid_grad, tanh_grad

RNG = np.random.default_rng(1234)


def fd_check(build, values, static=True, eps=1e-6, tol=1e-6, skip=()):
    """Compares the rule of ``build(*placeholders).op`` with central differences."""
    values = [np.asarray(v, np.float64) for v in values]
    phs = [tk.placeholder(tk.float64, v.shape if static else None) for v in values]
    out = build(*phs)
    op = out.op
    with tk.Session() as sess:
        feed = dict(zip(phs, values))
        y0 = np.asarray(sess.run(out, feed))
        u_val = RNG.standard_normal(y0.shape)
        u = tk.placeholder(out.dtype, y0.shape if static else None)
        grads = registry.get_gradient_function(op)(op, u)
        assert len(grads) == len(op.inputs)

        def f(vals):
            return float(np.sum(np.asarray(sess.run(out, dict(zip(phs, vals)))) * u_val))

        checked = 0
        for i, g in enumerate(grads):
            src = op.inputs[i]
            if src not in phs or i in skip:
                continue
            k = phs.index(src)
            assert g is not None, f"no gradient for input {i} of {op.type}"
            feed_u = dict(feed)
            feed_u[u] = u_val
            got = np.asarray(sess.run(g, feed_u))
            assert got.shape == values[k].shape
            want = numeric_gradient(f, values, k, eps)
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=op.type)
            checked += 1
        assert checked, "nothing was checked"


def r(*shape, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, size=shape)


BINARY = [
    ("AddV2", tk.add, {}),
    ("Sub", tk.subtract, {}),
    ("Mul", tk.multiply, {}),
    ("RealDiv", tk.realdiv, {"pos_y": True}),
    ("Maximum", tk.maximum, {}),
    ("Minimum", tk.minimum, {}),
    ("SquaredDifference", tk.squared_difference, {}),
    ("FloorMod", tk.mod, {"pos_y": True}),
]
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3))]


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("op_type,fn,opts", BINARY)
def test_binary_rules(op_type, fn, opts, shapes, static):
    x = r(*shapes[0])
    y = r(*shapes[1], lo=0.5, hi=2.0) if opts.get("pos_y") else r(*shapes[1])
    if op_type == "FloorMod":  # keep x/y away from integers, where floormod jumps
        x = np.floor(x) + 0.3
        y = np.full(shapes[1], 0.8)
    fd_check(lambda a, b: fn(a, b), [x, y], static=static)


@pytest.mark.parametrize("static", [True, False])
def test_pow_rule_positive_base(static):
    fd_check(lambda a, b: tk.pow(a, b), [r(3, 2, lo=0.5, hi=2), r(2, lo=-1, hi=2)],
             static=static)


def test_pow_rule_nonpositive_base_has_finite_exponent_gradient():
    x = tk.constant([-2.0, 0.0, 3.0], tk.float64)
    y = tk.constant([2.0, 2.0, 2.0], tk.float64)
    z = tk.pow(x, y)
    gx, gy = registry.get_gradient_function(z.op)(z.op, tk.constant([1.0, 1.0, 1.0],
                                                                    tk.float64))
    with tk.Session() as sess:
        vx, vy = sess.run([gx, gy])
    np.testing.assert_allclose(vx, [-4.0, 0.0, 6.0])
    np.testing.assert_allclose(vy, [0.0, 0.0, 9.0 * np.log(3.0)])


UNARY = [
    (tk.negative, (-2, 2)), (tk.abs, (0.2, 2)), (tk.square, (-2, 2)), (tk.sqrt, (0.3, 2)),
    (tk.rsqrt, (0.3, 2)), (tk.exp, (-2, 2)), (tk.log, (0.3, 2)), (tk.log1p, (-0.5, 2)),
    (tk.sin, (-2, 2)), (tk.cos, (-2, 2)), (tk.tanh, (-2, 2)), (tk.sigmoid, (-3, 3)),
    (tk.reciprocal, (0.5, 2)),
]


@pytest.mark.parametrize("fn,rng", UNARY, ids=lambda v: getattr(v, "__name__", ""))
def test_unary_rules(fn, rng):
    fd_check(lambda a: fn(a), [r(2, 3, lo=rng[0], hi=rng[1])])


def test_abs_rule_negative_side():
    fd_check(lambda a: tk.abs(a), [r(4, lo=-2, hi=-0.2)])


@pytest.mark.parametrize("fn", [tanh_grad, sigmoid_grad])
@pytest.mark.parametrize("static", [True, False])
def test_fused_grad_op_rules(fn, static):
    fd_check(lambda y, dy: fn(y, dy), [r(2, 3, lo=-0.9, hi=0.9), r(2, 3)], static=static)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_rule(ta, tb):
    a = r(4, 3) if ta else r(3, 4)
    b = r(2, 4) if tb else r(4, 2)
    fd_check(lambda x, y: tk.matmul(x, y, transpose_a=ta, transpose_b=tb), [a, b])


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_batch_matmul_rule_with_broadcast_batch(ta, tb):
    a = r(2, 4, 3) if ta else r(2, 3, 4)
    b = r(2, 4) if tb else r(4, 2)
    b = b[None]  # batch dimension 1 broadcasts against 2
    fd_check(lambda x, y: tk.matmul(x, y, adjoint_a=ta, adjoint_b=tb), [a, b])
    fd_check(lambda x, y: tk.matmul(x, y, adjoint_a=ta, adjoint_b=tb), [a, b], static=False)


def test_add_n_rule():
    fd_check(lambda a, b, c: tk.add_n([a, b, c]), [r(2, 3), r(2, 3), r(2, 3)])


def test_select_rule():
    cond = tk.constant([[True, False, True], [False, False, True]])
    fd_check(lambda a, b: tk.where(cond, a, b), [r(2, 3), r(2, 3)])
    cond1 = tk.constant([True, False])
    fd_check(lambda a, b: tk.where(cond1, a, b), [r(2, 3), r(2, 3)])
    fd_check(lambda a, b: tk.where(cond, a, b), [r(3), r(2, 1)])


@pytest.mark.parametrize("static", [True, False])
def test_cast_rule_between_floats(static):
    fd_check(lambda a: tk.cast(a, tk.float32), [r(3)], static=static, tol=1e-3, eps=1e-3)


def test_cast_rule_from_and_to_int_is_none():
    x = tk.constant([1, 2])
    y = tk.cast(x, tk.float32)
    assert registry.get_gradient_function(y.op)(y.op, tk.constant([1.0, 1.0])) == [None]
    z = tk.cast(tk.constant([1.5]), tk.int32)
    assert registry.get_gradient_function(z.op)(z.op, tk.constant([1])) == [None]


REDUCTIONS = [tk.reduce_sum, tk.reduce_mean, tk.reduce_max, tk.reduce_min, tk.reduce_prod]
AXES = [None, 0, 1, -1, [0, 2], [2, 0, 1]]


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda f: f.__name__)
def test_reduction_rules(fn, axis, keep, static):
    x = r(2, 3, 4, lo=0.5, hi=2.0)
    fd_check(lambda a: fn(a, axis=axis, keepdims=keep), [x], static=static)


def test_max_rule_splits_ties_evenly():
    x = tk.constant([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]], tk.float64)
    y = tk.reduce_max(x, axis=1)
    g, g_axis = registry.get_gradient_function(y.op)(y.op, tk.constant([1.0, 2.0], tk.float64))
    assert g_axis is None  # no gradient for the axis input (TF's reduction_indices)
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [[0, 0.5, 0.5], [2, 0, 0]])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_rule(exclusive, reverse):
    fd_check(lambda a: tk.cumsum(a, axis=1, exclusive=exclusive, reverse=reverse),
             [r(2, 4)])


@pytest.mark.parametrize("static", [True, False])
def test_broadcast_helper_rules(static):
    like = tk.placeholder(tk.float64, [3, 1] if static else None)
    like_val = np.zeros((3, 1))

    def build_sum(a):
        return broadcast_ops.sum_to_shape(a, like=like)

    def build_bcast(a):
        return broadcast_ops.broadcast_to_shape(a, like=like3, expand=(1,))

    like3 = tk.placeholder(tk.float64, [2, 3, 4] if static else None)
    feed_like = {like: like_val, like3: np.zeros((2, 3, 4))}
    _fd_with_extra(build_sum, [r(2, 3, 4)], feed_like, static)
    _fd_with_extra(build_bcast, [r(2, 4)], feed_like, static)


def _fd_with_extra(build, values, extra, static, eps=1e-6):
    phs = [tk.placeholder(tk.float64, v.shape if static else None) for v in values]
    out = build(*phs)
    with tk.Session() as sess:
        feed = {**extra, **dict(zip(phs, values))}
        y0 = np.asarray(sess.run(out, feed))
        u_val = RNG.standard_normal(y0.shape)
        u = tk.placeholder(tk.float64, y0.shape if static else None)
        g = registry.get_gradient_function(out.op)(out.op, u)[0]
        got = sess.run(g, {**feed, u: u_val})
        want = numeric_gradient(
            lambda v: float(np.sum(sess.run(out, {**extra, phs[0]: v[0]}) * u_val)),
            values[:1], 0, eps)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_reduce_to_shape_static_adds_nothing_for_equal_shapes():
    g = tk.placeholder(tk.float32, [2, 3])
    assert reduce_to_shape(g, tk.placeholder(tk.float32, [2, 3])) is g
    assert reduce_to_shape(None, g) is None


def test_reduce_to_shape_static_axes_and_values():
    g = tk.placeholder(tk.float32, [None, 2, 3])
    like = tk.constant(np.zeros((2, 1), np.float32))
    out = reduce_to_shape(g, like)
    assert out.op.type == "SumToShape" and len(out.op.inputs) == 1
    assert out.shape.as_list() == [2, 1]
    v = np.arange(24, dtype=np.float32).reshape(4, 2, 3)
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {g: v}), v.sum(axis=(0, 2))[:, None])


def test_reduce_to_shape_dynamic_reads_runtime_shape():
    g = tk.placeholder(tk.float32, None)
    like = tk.placeholder(tk.float32, None)
    out = reduce_to_shape(g, like)
    assert len(out.op.inputs) == 2
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {g: v, like: np.zeros(3, np.float32)}),
                                      v.sum(axis=0))
        np.testing.assert_array_equal(sess.run(out, {g: v, like: np.zeros((2, 3), np.float32)}),
                                      v)
        with pytest.raises(tk.errors.InvalidArgumentError, match="SumToShape"):
            sess.run(out, {g: v, like: np.zeros((3, 2, 3), np.float32)})


def test_expand_to_shape_reinserts_reduced_axes():
    g = tk.constant(np.array([1.0, 2.0], np.float32))
    like = tk.constant(np.zeros((2, 3), np.float32))
    out = expand_to_shape(g, like, expand=(1,))
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(out), [[1, 1, 1], [2, 2, 2]])


@pytest.mark.parametrize("op_type", [
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "LogicalXor", "LogicalNot", "Where", "ArgMax", "ArgMin", "Any", "All",
    "IsNan", "IsFinite", "IsInf", "Floor", "Ceil", "Round", "Sign", "FloorDiv",
    "ReducedSize"])
def test_not_differentiable_ops(op_type):
    assert registry.get_op_def(op_type).not_differentiable


def test_every_math_op_has_a_rule_or_is_declared_not_differentiable():
    for t in ["AddV2", "Sub", "Mul", "RealDiv", "FloorMod", "Pow", "Maximum", "Minimum",
              "SquaredDifference", "Select", "AddN", "Neg", "Abs", "Square", "Sqrt", "Rsqrt",
              "Exp", "Log", "Log1p", "Sin", "Cos", "Tanh", "Sigmoid", "Reciprocal",
              "TanhGrad", "SigmoidGrad", "Cast", "MatMul", "BatchMatMulV2", "Sum", "Mean",
              "Max", "Min", "Prod", "Cumsum", "SumToShape", "BroadcastToShape"]:
        assert registry.get_op_def(t).grad_fn is not None, t
