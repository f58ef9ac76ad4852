"""Elementwise math ops, matmul, cast, comparisons, logical ops and where: values against
NumPy references (several shapes and dtypes, broadcasting), TF1 dtype rules, errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework.tensor import Tensor

RNG = np.random.default_rng(7)


def run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def arr(shape, dtype=np.float32, lo=-3.0, hi=3.0):
    v = RNG.uniform(lo, hi, size=shape)
    return v.astype(dtype) if np.dtype(dtype).kind == "f" else np.round(v).astype(dtype)


BINARY = [
    (tk.add, np.add), (tk.subtract, np.subtract), (tk.multiply, np.multiply),
    (tk.maximum, np.maximum), (tk.minimum, np.minimum),
    (tk.squared_difference, lambda a, b: (a - b) ** 2),
]
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (2, 1)), ((), (5,))]
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.float16]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("fn,ref", BINARY, ids=lambda f: getattr(f, "__name__", ""))
def test_binary_values_shapes_dtypes(fn, ref, shapes, dtype):
    a, b = arr(shapes[0], dtype), arr(shapes[1], dtype)
    t = fn(tk.constant(a), tk.constant(b))
    want = ref(a, b)
    assert t.shape.as_list() == list(want.shape)
    got = run(t)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, want.astype(dtype), rtol=1e-3 if dtype == np.float16
                               else 1e-6)


def test_operators_dispatch_to_ops():
    x = tk.constant([6.0, -7.0])
    y = tk.constant([4.0, 2.0])
    ops = {"+": x + y, "-": x - y, "*": x * y, "/": x / y, "//": x // y, "%": x % y,
           "**": y ** 2.0, "neg": -x, "abs": abs(x), "r+": 1.0 + x, "r-": 1.0 - x,
           "r/": 12.0 / y, "r**": 2.0 ** y}
    types = {k: v.op.type for k, v in ops.items()}
    assert types["+"] == "AddV2" and types["/"] == "RealDiv" and types["//"] == "FloorDiv"
    assert types["%"] == "FloorMod" and types["**"] == "Pow" and types["neg"] == "Neg"
    got = run(ops)
    np.testing.assert_allclose(got["+"], [10, -5])
    np.testing.assert_allclose(got["/"], [1.5, -3.5])
    np.testing.assert_allclose(got["//"], [1, -4])
    np.testing.assert_allclose(got["%"], [2, 1])
    np.testing.assert_allclose(got["**"], [16, 4])
    np.testing.assert_allclose(got["abs"], [6, 7])
    np.testing.assert_allclose(got["r-"], [-5, 8])
    np.testing.assert_allclose(got["r/"], [3, 6])
    np.testing.assert_allclose(got["r**"], [16, 4])


def test_truediv_casts_integers_like_tf():
    cases = {np.int8: np.float32, np.uint8: np.float32, np.int16: np.float32,
             np.int32: np.float64, np.int64: np.float64, np.float16: np.float16}
    for src, dst in cases.items():
        t = tk.truediv(tk.constant(np.array([7, -3], src) if src != np.uint8 else
                                   np.array([7, 3], src)), tk.constant(np.array([2, 2], src)))
        assert t.dtype is tk.as_dtype(dst), src
        v = run(t)
        assert v.dtype == np.dtype(dst)
        np.testing.assert_allclose(v, [3.5, -1.5] if src != np.uint8 else [3.5, 1.5])
    assert (tk.constant([1, 2]) / 2).op.inputs[0].op.type == "Cast"
    assert tk.divide(tk.constant(1.0), 4.0).op.type == "RealDiv"


def test_floordiv_and_mod_signs_and_legacy_div():
    x = tk.constant([7, -7, 7, -7])
    y = tk.constant([2, 2, -2, -2])
    np.testing.assert_array_equal(run(x // y), [3, -4, -4, 3])
    np.testing.assert_array_equal(run(x % y), [1, 1, -1, -1])
    np.testing.assert_array_equal(run(tk.floormod(x, y)), np.mod([7, -7, 7, -7], [2, 2, -2, -2]))
    d = tk.div(x, y)
    assert d.dtype is tk.int32
    np.testing.assert_array_equal(run(d), [3, -4, -4, 3])
    np.testing.assert_allclose(run(tk.div(tk.constant([7.0]), 2.0)), [3.5])
    np.testing.assert_allclose(run(tk.floordiv(tk.constant([7.5, -7.5]), 2.0)), [3, -4])


def test_integer_division_by_zero_is_invalid_argument():
    x = tk.constant([1, 2])
    z = tk.floordiv(x, tk.constant([1, 0]), name="fdiv")
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="fdiv.*Integer division"):
            sess.run(z)
        with pytest.raises(tk.errors.InvalidArgumentError, match="Integer division"):
            sess.run(tk.mod(x, 0))
        assert sess.run(x + 1).tolist() == [2, 3]  # the session stays usable


def test_float_division_by_zero_and_log_zero_are_silent(recwarn):
    x = tk.constant([1.0, -1.0, 0.0])
    out = run([x / 0.0, tk.log(x), tk.sqrt(x), tk.rsqrt(x), tk.reciprocal(x),
               tk.exp(tk.constant([1000.0])), tk.pow(x, -1.0), tk.sigmoid(tk.constant(
                   [-1000.0, 1000.0]))])
    np.testing.assert_array_equal(out[0], [np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(out[1], [0.0, np.nan, -np.inf])
    np.testing.assert_array_equal(out[3][2], np.inf)
    np.testing.assert_array_equal(out[5], [np.inf])
    np.testing.assert_array_equal(out[7], [0.0, 1.0])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


UNARY = [
    (tk.negative, np.negative, (-3, 3)), (tk.abs, np.abs, (-3, 3)), (tk.sign, np.sign, (-3, 3)),
    (tk.square, np.square, (-3, 3)), (tk.sqrt, np.sqrt, (0, 4)),
    (tk.rsqrt, lambda v: 1 / np.sqrt(v), (0.1, 4)), (tk.exp, np.exp, (-3, 3)),
    (tk.log, np.log, (0.1, 4)), (tk.log1p, np.log1p, (-0.5, 3)), (tk.sin, np.sin, (-3, 3)),
    (tk.cos, np.cos, (-3, 3)), (tk.tanh, np.tanh, (-3, 3)),
    (tk.sigmoid, lambda v: 1 / (1 + np.exp(-v)), (-6, 6)),
    (tk.reciprocal, lambda v: 1 / v, (0.5, 3)), (tk.floor, np.floor, (-3, 3)),
    (tk.ceil, np.ceil, (-3, 3)), (tk.round, np.round, (-3, 3)),
]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("fn,ref,rng", UNARY, ids=lambda f: getattr(f, "__name__", ""))
def test_unary_values_keep_dtype(fn, ref, rng, dtype):
    v = arr((3, 4), dtype, *rng)
    got = run(fn(tk.constant(v)))
    assert got.dtype == np.dtype(dtype)
    want = ref(v.astype(np.float64))
    np.testing.assert_allclose(got, want, rtol=2e-3 if dtype == np.float16 else 1e-6,
                               atol=1e-3 if dtype == np.float16 else 1e-7)
    scalar = run(fn(tk.constant(v[0, 0])))
    assert isinstance(scalar, np.generic) and scalar.dtype == np.dtype(dtype)


def test_round_is_bankers_and_integer_unary_ops():
    np.testing.assert_array_equal(run(tk.round(tk.constant([0.5, 1.5, 2.5, -0.5]))),
                                  [0, 2, 2, -0])
    i = tk.constant([-3, 0, 4])
    assert run(tk.abs(i)).dtype == np.int32
    np.testing.assert_array_equal(run([tk.abs(i), tk.sign(i), tk.square(i), -i]),
                                  [[3, 0, 4], [-1, 0, 1], [9, 0, 16], [3, 0, -4]])
    np.testing.assert_array_equal(run(tk.reciprocal(tk.constant([1, -1, 2, -3]))),
                                  [1, -1, 0, 0])


def test_is_nan_finite_inf():
    x = tk.constant([1.0, np.nan, np.inf, -np.inf])
    got = run([tk.is_nan(x), tk.is_finite(x), tk.is_inf(x)])
    assert got[0].dtype == np.bool_
    np.testing.assert_array_equal(got, [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]])


@pytest.mark.parametrize("fn", [tk.sqrt, tk.exp, tk.log, tk.tanh, tk.sigmoid, tk.is_nan])
def test_float_only_unary_ops_reject_ints(fn):
    with pytest.raises(TypeError, match="int32 not in list of allowed values"):
        fn(tk.constant([1, 2]))


def test_dtype_mismatch_names_both_tensors():
    a = tk.constant([1.0], name="a")
    b = tk.constant([1], name="b")
    for fn in (tk.add, tk.multiply, tk.maximum, tk.equal, tk.matmul, tk.where):
        with pytest.raises(TypeError, match=r"a:0.*b:0|b:0.*a:0"):
            if fn is tk.where:
                fn(tk.constant([True]), a, b)
            else:
                fn(a, b)
    with pytest.raises(TypeError, match="AddV2.*1.5.*int32"):
        tk.constant([1, 2]) + 1.5


def test_incompatible_static_shapes_raise_value_error():
    with pytest.raises(ValueError, match="AddV2.*Add"):
        tk.add(tk.constant(np.zeros((2, 3))), tk.constant(np.zeros((4,))))
    with pytest.raises(ValueError, match="Less"):
        tk.less(tk.constant(np.zeros(2)), tk.constant(np.zeros(3)))


def test_runtime_broadcast_error_names_op():
    x = tk.placeholder(tk.float32, [None])
    z = tk.add(x, tk.constant([1.0, 2.0]), name="plus")
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError, match="plus"):
        sess.run(z, {x: np.zeros(3, np.float32)})


def test_bool_arithmetic_is_rejected():
    with pytest.raises(TypeError, match="bool"):
        tk.add(tk.constant([True]), tk.constant([False]))


# -- matmul -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_values(ta, tb, dtype):
    a, b = arr((3, 4), dtype), arr((4, 2), dtype)
    at, bt = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
    t = tk.matmul(tk.constant(at), tk.constant(bt), transpose_a=ta, transpose_b=tb)
    assert t.op.type == "MatMul" and t.shape.as_list() == [3, 2]
    got = run(t)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, (a.astype(np.float64) @ b).astype(dtype),
                               rtol=1e-2 if dtype == np.float16 else 1e-5)


def test_batched_matmul_and_adjoint():
    a, b = arr((2, 5, 3, 4)), arr((5, 4, 2))
    t = tk.matmul(tk.constant(a), tk.constant(np.swapaxes(b, -1, -2).copy()), adjoint_b=True)
    assert t.op.type == "BatchMatMulV2" and t.shape.as_list() == [2, 5, 3, 2]
    np.testing.assert_allclose(run(t), a @ b, rtol=1e-5)
    np.testing.assert_allclose(run(tk.constant(a) @ tk.constant(b)), a @ b, rtol=1e-5)


def test_matmul_bad_inputs():
    with pytest.raises(ValueError, match="MatMul.*rank 1"):
        tk.matmul(tk.constant([1.0, 2.0]), tk.constant([[1.0], [2.0]]))
    with pytest.raises(ValueError, match="dimensions must be equal, but are 3 and 4"):
        tk.matmul(tk.constant(np.zeros((2, 3))), tk.constant(np.zeros((4, 5))))
    with pytest.raises(ValueError, match="only one of"):
        tk.matmul(tk.constant(np.zeros((2, 2))), tk.constant(np.zeros((2, 2))),
                  transpose_a=True, adjoint_a=True)
    with pytest.raises(TypeError, match="bool"):
        tk.matmul(tk.constant([[True]]), tk.constant([[True]]))


def test_matmul_inner_mismatch_at_run_time_names_op():
    a = tk.placeholder(tk.float32, [None, None])
    b = tk.placeholder(tk.float32, [None, None])
    c = tk.matmul(a, b, name="dense_mm")
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match=r"MatMul op 'dense_mm'.*size-incompatible.*\[2, 3\].*\[4, 5\]"
                           ) as ei:
            sess.run(c, {a: np.zeros((2, 3)), b: np.zeros((4, 5))})
        assert ei.value.op is c.op


# -- add_n, clip, cast ----------------------------------------------------------------------
def test_add_n():
    vals = [arr((2, 3)) for _ in range(4)]
    got = run(tk.add_n([tk.constant(v) for v in vals]))
    np.testing.assert_allclose(got, sum(vals), rtol=1e-6)
    np.testing.assert_allclose(run(tk.add_n([tk.constant(1.0), tk.constant(2.0),
                                             tk.constant(3.0)])), 6.0)
    one = tk.constant([1.0])
    assert tk.add_n([one]) is one
    with pytest.raises(ValueError, match="same shape"):
        tk.add_n([tk.constant([1.0]), tk.constant([1.0, 2.0])])
    with pytest.raises(TypeError, match="same dtype"):
        tk.add_n([tk.constant([1.0]), tk.constant([1])])
    with pytest.raises(ValueError, match="non-empty"):
        tk.add_n([])


def test_add_n_does_not_modify_inputs():
    a = tk.placeholder(tk.float32, [2])
    va = np.array([1.0, 2.0], np.float32)
    got = run(tk.add_n([a, a, a]), {a: va})
    np.testing.assert_array_equal(got, [3, 6])
    np.testing.assert_array_equal(va, [1, 2])


def test_clip_by_value():
    x = tk.constant([[-2.0, 0.5], [3.0, 1.0]])
    np.testing.assert_array_equal(run(tk.clip_by_value(x, 0.0, 1.0)), [[0, 0.5], [1, 1]])
    np.testing.assert_array_equal(run(tk.clip_by_value(x, [0.0, -1.0], 1.0)),
                                  [[0, 0.5], [1, 1]])
    with pytest.raises(ValueError, match="clip_by_value"):
        tk.clip_by_value(tk.constant([1.0]), tk.constant([0.0, 0.0]), 1.0)


def test_cast_semantics():
    x = tk.constant([1.7, -1.7, 0.0, 2.5])
    assert tk.cast(x, tk.float32) is x
    got = run([tk.cast(x, tk.int32), tk.cast(x, tk.bool), tk.to_float(tk.constant([1, 2])),
               tk.to_int64(x), tk.to_int32(x), tk.to_double(x), tk.cast(x, tk.float16)])
    np.testing.assert_array_equal(got[0], [1, -1, 0, 2])
    assert got[0].dtype == np.int32
    np.testing.assert_array_equal(got[1], [True, True, False, True])
    assert got[2].dtype == np.float32 and got[3].dtype == np.int64
    assert got[4].dtype == np.int32 and got[5].dtype == np.float64
    assert got[6].dtype == np.float16
    assert tk.to_float(tk.constant([1])).op.name.startswith("ToFloat")
    with pytest.raises(TypeError, match="string"):
        tk.cast(tk.constant(["a"]), tk.float32)
    with pytest.raises(TypeError):
        tk.cast(x, "not-a-dtype")
    assert run(tk.cast(tk.constant([np.nan]), tk.int32)).dtype == np.int32


# -- comparisons, logical, where ------------------------------------------------------------
COMPARISONS = [(tk.equal, np.equal), (tk.not_equal, np.not_equal), (tk.less, np.less),
               (tk.less_equal, np.less_equal), (tk.greater, np.greater),
               (tk.greater_equal, np.greater_equal)]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("fn,ref", COMPARISONS, ids=lambda f: getattr(f, "__name__", ""))
def test_comparisons(fn, ref, dtype):
    a, b = arr((3, 4), dtype, -2, 2), arr((4,), dtype, -2, 2)
    got = run(fn(tk.constant(a), tk.constant(b)))
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, ref(a, b))


def test_comparison_operators_and_strings():
    x = tk.constant([1, 2, 3])
    got = run([x < 2, x <= 2, x > 2, x >= 2])
    np.testing.assert_array_equal(got, [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]])
    s = tk.constant(["a", "b"])
    np.testing.assert_array_equal(run(tk.equal(s, "a")), [True, False])
    np.testing.assert_array_equal(run(tk.not_equal(s, tk.constant(["a", "c"]))),
                                  [False, True])
    with pytest.raises(TypeError, match="string"):
        tk.less(s, s)
    assert (x == x) is True  # == stays identity (TF1)


def test_logical_ops_and_operators():
    a = tk.constant([True, True, False, False])
    b = tk.constant([True, False, True, False])
    got = run([tk.logical_and(a, b), tk.logical_or(a, b), tk.logical_xor(a, b),
               tk.logical_not(a), a & b, a | b, a ^ b, ~a])
    np.testing.assert_array_equal(got[:4], [[1, 0, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0],
                                            [0, 0, 1, 1]])
    np.testing.assert_array_equal(got[4:], got[:4])
    with pytest.raises(TypeError, match="bool"):
        tk.logical_and(tk.constant([1]), tk.constant([1]))


def test_where_coordinates():
    c = np.array([[True, False, True], [False, False, True]])
    t = tk.where(tk.constant(c))
    assert t.dtype is tk.int64 and t.shape.as_list() == [None, 2]
    got = run(t)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.argwhere(c))
    assert run(tk.where(tk.constant([False, False]))).shape == (0, 1)
    with pytest.raises(TypeError, match="bool"):
        tk.where(tk.constant([1, 0]))


def test_where_select_forms():
    x, y = arr((3, 2)), arr((3, 2))
    c = x > 0
    np.testing.assert_array_equal(run(tk.where(tk.constant(c), tk.constant(x), tk.constant(y))),
                                  np.where(c, x, y))
    rows = np.array([True, False, True])  # TF1: a vector condition picks rows
    t = tk.where(tk.constant(rows), tk.constant(x), tk.constant(y))
    assert t.shape.as_list() == [3, 2]
    np.testing.assert_array_equal(run(t), np.where(rows[:, None], x, y))
    sq = arr((2, 2))  # [n, n]: still rows, not NumPy's last-axis broadcast
    cond2 = np.array([True, False])
    np.testing.assert_array_equal(
        run(tk.where(tk.constant(cond2), tk.constant(sq), tk.constant(-sq))),
        np.where(cond2[:, None], sq, -sq))
    # broadcasting (where_v2-style) extension
    b = run(tk.where(tk.constant(np.array([[True], [False]])), tk.constant([1.0, 2.0]), 0.0))
    np.testing.assert_array_equal(b, [[1, 2], [0, 0]])


def test_where_bad_inputs():
    with pytest.raises(ValueError, match="both"):
        tk.where(tk.constant([True]), x=tk.constant([1.0]))
    with pytest.raises(ValueError, match="Select"):
        tk.where(tk.constant([True, False, True]), tk.constant(np.zeros((2, 2))),
                 tk.constant(np.zeros((2, 2))))
    with pytest.raises(TypeError, match="bool"):
        tk.where(tk.constant([1.0]), tk.constant([1.0]), tk.constant([1.0]))


def test_public_names_exist():
    for n in ["add", "subtract", "multiply", "divide", "truediv", "floordiv", "mod", "pow",
              "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p",
              "sin", "cos", "tanh", "sigmoid", "maximum", "minimum", "matmul", "add_n",
              "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
              "logical_and", "logical_or", "logical_not", "logical_xor", "where", "cast",
              "to_float", "to_int32", "to_int64", "clip_by_value", "is_nan", "is_finite",
              "is_inf", "reciprocal", "squared_difference", "floor", "ceil", "round", "div"]:
        assert callable(getattr(tk, n)), n
    assert tk.math.reduce_sum is tk.reduce_sum and tk.math.log1p is tk.log1p
    assert isinstance(tk.add(1.0, 2.0), Tensor)
