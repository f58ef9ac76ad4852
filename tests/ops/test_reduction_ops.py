"""Reductions, argmax/argmin and cumsum against NumPy references: axes (None, int,
negative, list, constant tensor), keepdims, TF1 argument aliases, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(11)


def run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


AXES = [None, 0, 1, -1, [0, 2], [-1, 0], [2, 0, 1], []]
REDUCE = [(tk.reduce_sum, np.sum), (tk.reduce_mean, np.mean), (tk.reduce_max, np.max),
          (tk.reduce_min, np.min), (tk.reduce_prod, np.prod)]


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("fn,ref", REDUCE, ids=lambda f: getattr(f, "__name__", ""))
def test_float_reductions(fn, ref, axis, keep):
    x = RNG.uniform(0.5, 1.5, size=(2, 3, 4)).astype(np.float32)
    npaxis = None if axis is None else tuple(np.atleast_1d(axis).tolist())
    want = ref(x.astype(np.float64), axis=npaxis, keepdims=keep)
    t = fn(tk.constant(x), axis=axis, keepdims=keep)
    assert t.shape.as_list() == list(np.shape(want))
    got = run(t)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5)
    # the same reduction with unknown static shape
    p = tk.placeholder(tk.float32, None)
    np.testing.assert_allclose(run(fn(p, axis=axis, keepdims=keep), {p: x}), want, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.float16],
                         ids=lambda d: np.dtype(d).name)
def test_reductions_keep_dtype(dtype):
    x = np.array([[1, 2, 3], [4, 5, 7]], dtype)
    for fn in (tk.reduce_sum, tk.reduce_mean, tk.reduce_max, tk.reduce_min, tk.reduce_prod):
        got = run(fn(tk.constant(x), axis=1))
        assert got.dtype == np.dtype(dtype), (fn.__name__, got.dtype)
    np.testing.assert_array_equal(run(tk.reduce_sum(tk.constant(x))), 22)
    assert run(tk.reduce_sum(tk.constant(x))).dtype == np.dtype(dtype)


def test_integer_mean_truncates_toward_zero():
    x = tk.constant([[-1, -2], [1, 2], [3, 4]])
    np.testing.assert_array_equal(run(tk.reduce_mean(x, axis=1)), [-1, 1, 3])
    np.testing.assert_array_equal(run(tk.reduce_mean(tk.constant([-7, 0]))), -3)


def test_float16_sum_accumulates_in_float32():
    x = np.full(4096, 1.0, np.float16)
    got = run(tk.reduce_sum(tk.constant(x)))
    assert got.dtype == np.float16 and float(got) == 4096.0


def test_tf1_argument_aliases():
    x = tk.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    a = run(tk.reduce_sum(x, reduction_indices=[1], keep_dims=True))
    np.testing.assert_array_equal(a, [[3], [12]])
    np.testing.assert_array_equal(run(tk.reduce_sum(x, tk.constant([0]))), [3, 5, 7])
    with pytest.raises(ValueError, match="both 'axis' and 'reduction_indices'"):
        tk.reduce_sum(x, axis=0, reduction_indices=0)
    with pytest.raises(ValueError, match="both 'keepdims' and 'keep_dims'"):
        tk.reduce_sum(x, keepdims=True, keep_dims=True)


def test_any_all():
    b = np.array([[True, False], [True, True]])
    got = run([tk.reduce_any(tk.constant(b), axis=1), tk.reduce_all(tk.constant(b), axis=1),
               tk.reduce_all(tk.constant(b)), tk.reduce_any(tk.constant(b), keepdims=True)])
    np.testing.assert_array_equal(got[0], [True, True])
    np.testing.assert_array_equal(got[1], [False, True])
    assert got[2] == np.False_ and got[3].shape == (1, 1)
    with pytest.raises(TypeError, match="float32 not in list"):
        tk.reduce_any(tk.constant([1.0]))


def test_empty_reductions_like_tf():
    e = tk.constant(np.zeros((0, 3), np.float32))
    got = run([tk.reduce_sum(e, 0), tk.reduce_max(e, 0), tk.reduce_min(e, 0),
               tk.reduce_prod(e, 0), tk.reduce_mean(e, 0)])
    np.testing.assert_array_equal(got[0], [0, 0, 0])
    np.testing.assert_array_equal(got[1], [-np.inf] * 3)
    np.testing.assert_array_equal(got[2], [np.inf] * 3)
    np.testing.assert_array_equal(got[3], [1, 1, 1])
    assert np.isnan(got[4]).all()
    ei = tk.constant(np.zeros((0,), np.int32))
    assert run(tk.reduce_max(ei)) == np.iinfo(np.int32).min


def test_reduction_errors():
    x = tk.constant(np.zeros((2, 3)), name="x")
    with pytest.raises(ValueError, match="invalid reduction dimension 2 for input x:0"):
        tk.reduce_sum(x, axis=2)
    with pytest.raises(ValueError, match="invalid reduction dimension -3"):
        tk.reduce_mean(x, axis=-3)
    with pytest.raises(ValueError, match="duplicate"):
        tk.reduce_max(x, axis=[1, -1])
    with pytest.raises(TypeError, match="must be known when the graph is built"):
        tk.reduce_sum(x, axis=tk.placeholder(tk.int32, []))
    with pytest.raises(TypeError, match="integers"):
        tk.reduce_sum(x, axis=1.5)
    with pytest.raises(TypeError, match="bool not in list"):
        tk.reduce_sum(tk.constant([True]))
    p = tk.placeholder(tk.float32, None)
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError, match="Sum"):
        sess.run(tk.reduce_sum(p, axis=3), {p: np.zeros((2, 2), np.float32)})


# -- argmax / argmin -------------------------------------------------------------------------
def test_argmax_argmin_defaults_and_types():
    v = np.array([[1, 9, 3], [7, 2, 7]], np.float32)
    x = tk.constant(v)
    a0 = tk.argmax(x)  # TF1: axis defaults to 0
    assert a0.dtype is tk.int64 and a0.shape.as_list() == [3]
    got = run([a0, tk.argmax(x, 1), tk.argmin(x, axis=-1), tk.argmax(x, dimension=1),
               tk.argmin(x, 0, output_type=tk.int32)])
    np.testing.assert_array_equal(got[0], np.argmax(v, 0))
    assert got[0].dtype == np.int64
    np.testing.assert_array_equal(got[1], [1, 0])  # first index on ties
    np.testing.assert_array_equal(got[2], [0, 1])
    np.testing.assert_array_equal(got[3], [1, 0])
    assert got[4].dtype == np.int32
    np.testing.assert_array_equal(got[4], np.argmin(v, 0))
    assert run(tk.argmax(tk.constant([3, 1, 4]))) == 2


def test_argmax_errors():
    x = tk.constant([[1.0]])
    with pytest.raises(ValueError, match="out of range"):
        tk.argmax(x, axis=2)
    with pytest.raises(ValueError, match="single integer"):
        tk.argmax(x, axis=[0, 1])
    with pytest.raises(TypeError, match="int32 or int64"):
        tk.argmax(x, output_type=tk.float32)
    with pytest.raises(ValueError, match="both 'axis' and 'dimension'"):
        tk.argmax(x, axis=0, dimension=0)


# -- cumsum --------------------------------------------------------------------------------
def _ref_cumsum(v, axis, exclusive, reverse):
    if reverse:
        v = np.flip(v, axis)
    out = np.cumsum(v, axis=axis)
    if exclusive:
        out = out - v
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumsum(axis, exclusive, reverse):
    v = np.arange(12, dtype=np.int32).reshape(3, 4)
    got = run(tk.cumsum(tk.constant(v), axis=axis, exclusive=exclusive, reverse=reverse))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, _ref_cumsum(v, axis, exclusive, reverse))


def test_cumsum_examples_and_errors():
    np.testing.assert_array_equal(run(tk.cumsum([1, 2, 3], exclusive=True, reverse=True)),
                                  [5, 3, 0])
    f = run(tk.cumsum(tk.constant([0.5, 0.25], tk.float16)))
    assert f.dtype == np.float16
    with pytest.raises(ValueError, match="out of range"):
        tk.cumsum(tk.constant(1.0))
    with pytest.raises(TypeError, match="bool"):
        tk.cumsum(tk.constant([True]))


def test_reduction_attrs_export_to_graph_def():
    x = tk.placeholder(tk.float32, [None, 3])
    tk.reduce_sum(x, axis=[-1], keepdims=True, name="s")
    tk.argmax(x, 1, name="am")
    tk.cast(x, tk.int32, name="c")
    nodes = {n.name: n for n in tk.get_default_graph().as_graph_def().node}
    assert list(nodes["s"].attr["axis"].list.i) == [1] and nodes["s"].attr["keep_dims"].b
    assert nodes["am"].attr["output_type"].type == tk.int64.as_datatype_enum
    assert nodes["c"].attr["DstT"].type == tk.int32.as_datatype_enum
    assert "_np" not in nodes["c"].attr
