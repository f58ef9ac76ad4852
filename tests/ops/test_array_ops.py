"""Array ops against NumPy reference values: constructors, shape ops, joins, slicing."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors

RNG = np.random.default_rng(0)


def run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


# -- constructors ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [tk.float32, tk.int32, tk.float64, tk.bool])
def test_zeros_ones_static_and_dynamic(dtype):
    z, o = tk.zeros([2, 3], dtype), tk.ones((2, 3), dtype)
    assert z.shape.as_list() == [2, 3] and z.dtype is dtype
    n = tk.placeholder(tk.int32, [2])
    zd = tk.zeros(n, dtype)
    assert zd.shape.as_list() == [None, None]
    zv, ov, zdv = run([z, o, zd], {n: [1, 4]})
    np.testing.assert_array_equal(zv, np.zeros([2, 3], dtype.np_dtype))
    np.testing.assert_array_equal(ov, np.ones([2, 3], dtype.np_dtype))
    assert zdv.shape == (1, 4) and zdv.dtype == dtype.np_dtype


def test_zeros_like_ones_like_unknown_shape():
    x = tk.placeholder(tk.float32, [None, 3])
    z, o = tk.zeros_like(x), tk.ones_like(x, dtype=tk.int64)
    assert z.shape.as_list() == [None, 3] and o.dtype is tk.int64
    zv, ov = run([z, o], {x: np.full((2, 3), 5.0)})
    np.testing.assert_array_equal(zv, np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(ov, np.ones((2, 3), np.int64))
    assert ov.dtype == np.int64


def test_fill():
    f = tk.fill([2, 2], 7)
    assert f.dtype is tk.int32 and f.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(run(f), np.full((2, 2), 7))
    with pytest.raises(errors.InvalidArgumentError, match="Fill"):
        d = tk.placeholder(tk.int32, [1])
        run(tk.fill(d, 1.0), {d: [-1]})


@pytest.mark.parametrize("args,kw,expected", [
    ((5,), {}, np.arange(5, dtype=np.int32)),
    ((1, 10, 3), {}, np.arange(1, 10, 3, dtype=np.int32)),
    ((0.0, 1.0, 0.25), {}, np.arange(0, 1, 0.25, dtype=np.float32)),
    ((3, 0, -1), {}, np.arange(3, 0, -1, dtype=np.int32)),
    ((4,), {"dtype": tk.float64}, np.arange(4, dtype=np.float64)),
])
def test_range(args, kw, expected):
    r = tk.range(*args, **kw)
    assert r.shape.as_list() == [len(expected)]
    v = run(r)
    assert v.dtype == expected.dtype
    np.testing.assert_allclose(v, expected)


def test_range_bad_delta():
    with pytest.raises(ValueError, match="delta"):
        tk.range(0, 3, 0)
    d = tk.placeholder(tk.int32, [])
    with pytest.raises(errors.InvalidArgumentError, match="delta != 0"):
        run(tk.range(0, 3, d), {d: 0})


def test_shape_size_rank():
    x = tk.placeholder(tk.float32, [None, 3])
    s, n, r = tk.shape(x), tk.size(x, out_type=tk.int64), tk.rank(x)
    assert s.op.type == "Shape" and s.shape.as_list() == [2]
    assert r.op.type == "Const"  # static rank is folded, as TF1 does
    sv, nv, rv = run([s, n, r], {x: np.zeros((4, 3))})
    np.testing.assert_array_equal(sv, [4, 3])
    assert nv == 12 and nv.dtype == np.int64 and rv == 2
    assert tk.shape(tk.zeros([2, 5])).op.type == "Const"
    with pytest.raises(TypeError, match="out_type"):
        tk.shape(x, out_type=tk.float32)


def test_stop_gradient_is_identity():
    x = tk.constant([1.0, 2.0])
    y = tk.stop_gradient(x)
    assert y.op.type == "StopGradient"
    np.testing.assert_array_equal(run(y), [1.0, 2.0])


# -- reshape / transpose / expand_dims / squeeze ------------------------------------------
def test_reshape_static_and_inferred():
    x = tk.constant(np.arange(24.0).reshape(2, 3, 4))
    assert tk.reshape(x, [-1, 4]).shape.as_list() == [6, 4]
    assert tk.reshape(x, [4, -1, 2]).shape.as_list() == [4, 3, 2]
    np.testing.assert_array_equal(run(tk.reshape(x, [6, -1])),
                                  np.arange(24.0).reshape(6, 4))


def test_reshape_unknown_dims():
    x = tk.placeholder(tk.float32, [None, 4])
    y = tk.reshape(x, [-1, 2, 2])
    assert y.shape.as_list() == [None, 2, 2]
    z = tk.reshape(x, tk.shape(x)[::-1])
    assert z.shape.as_list() == [None, None]
    v = np.arange(12, dtype=np.float32).reshape(3, 4)
    yv, zv = run([y, z], {x: v})
    np.testing.assert_array_equal(yv, v.reshape(-1, 2, 2))
    np.testing.assert_array_equal(zv, v.reshape(4, 3))


def test_reshape_bad_sizes():
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements"):
        tk.reshape(tk.zeros([2, 3]), [4])
    x = tk.placeholder(tk.float32, [None])
    y = tk.reshape(x, [2, 2], name="my_reshape")
    with pytest.raises(errors.InvalidArgumentError, match="my_reshape.*6 values"):
        run(y, {x: np.zeros(6)})


def test_transpose():
    a = RNG.normal(size=(2, 3, 4))
    x = tk.constant(a)
    t1, t2 = tk.transpose(x), tk.transpose(x, [1, 0, 2])
    assert t1.shape.as_list() == [4, 3, 2] and t2.shape.as_list() == [3, 2, 4]
    v1, v2 = run([t1, t2])
    np.testing.assert_array_equal(v1, a.T)
    np.testing.assert_array_equal(v2, a.transpose(1, 0, 2))
    with pytest.raises(ValueError, match="permutation"):
        tk.transpose(x, [0, 0, 1])


def test_expand_dims_and_squeeze():
    x = tk.placeholder(tk.float32, [None, 1, 3])
    e = tk.expand_dims(x, -1)
    assert e.shape.as_list() == [None, 1, 3, 1]
    s = tk.squeeze(x, [1])
    assert s.shape.as_list() == [None, 3]
    assert tk.squeeze(tk.zeros([1, 2, 1])).shape.as_list() == [2]
    v = np.ones((2, 1, 3), np.float32)
    ev, sv = run([e, s], {x: v})
    assert ev.shape == (2, 1, 3, 1) and sv.shape == (2, 3)
    with pytest.raises(ValueError, match="Can not squeeze dim\\[2\\]"):
        tk.squeeze(x, [2])
    y = tk.placeholder(tk.float32, [None])
    with pytest.raises(errors.InvalidArgumentError, match="Squeeze"):
        run(tk.squeeze(y, [0]), {y: np.zeros(3)})


# -- concat / stack / unstack / split -------------------------------------------------------
def test_concat_values_and_shapes():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 5))
    x = tk.placeholder(tk.float64, [None, 3])
    c = tk.concat([x, tk.constant(b)], axis=-1)
    assert c.shape.as_list() == [2, 8]
    np.testing.assert_array_equal(run(c, {x: a}), np.concatenate([a, b], 1))
    assert tk.concat([x], 0).op.type == "Identity"


def test_concat_errors():
    with pytest.raises(ValueError, match="Shape must be rank 2 but is rank 3"):
        tk.concat([tk.zeros([2, 3]), tk.zeros([2, 3, 1])], 0)
    with pytest.raises(ValueError, match="Dimension 0"):
        tk.concat([tk.zeros([2, 3]), tk.zeros([3, 3])], 1)
    with pytest.raises(TypeError, match="same dtype"):
        tk.concat([tk.zeros([2]), tk.zeros([2], tk.int32)], 0)
    x = tk.placeholder(tk.float32, [None, 2])
    with pytest.raises(errors.InvalidArgumentError, match="ConcatV2"):
        run(tk.concat([x, tk.zeros([2, 2])], 1), {x: np.zeros((3, 2))})


def test_stack_unstack():
    a = RNG.normal(size=(3, 4))
    x = tk.constant(a)
    parts = tk.unstack(x, axis=1)
    assert len(parts) == 4 and parts[0].shape.as_list() == [3]
    st = tk.stack(parts, axis=1)
    assert st.shape.as_list() == [3, 4]
    vals = run(parts + [st])
    for i in range(4):
        np.testing.assert_array_equal(vals[i], a[:, i])
    np.testing.assert_array_equal(vals[4], a)
    with pytest.raises(ValueError, match="Cannot infer num"):
        tk.unstack(tk.placeholder(tk.float32, [None, 2]))
    with pytest.raises(ValueError, match="Shapes must be equal"):
        tk.stack([tk.zeros([2]), tk.zeros([3])])


def test_split_even_and_sizes():
    a = RNG.normal(size=(4, 6))
    x = tk.constant(a)
    even = tk.split(x, 3, axis=1)
    sized = tk.split(x, [1, -1, 2], axis=1)
    assert [t.shape.as_list() for t in sized] == [[4, 1], [4, 3], [4, 2]]
    ev, sv = run([even, sized])
    for got, ref in zip(ev, np.split(a, 3, 1)):
        np.testing.assert_array_equal(got, ref)
    for got, ref in zip(sv, np.split(a, [1, 4], 1)):
        np.testing.assert_array_equal(got, ref)
    with pytest.raises(ValueError, match="evenly divisible"):
        tk.split(x, 4, axis=1)
    with pytest.raises(ValueError, match="split_dim"):
        tk.split(x, [1, 2], axis=1)


# -- slicing ------------------------------------------------------------------------------
def test_slice():
    a = RNG.normal(size=(4, 5))
    x = tk.constant(a)
    s = tk.slice(x, [1, 2], [2, -1])
    assert s.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(s), a[1:3, 2:])
    with pytest.raises(ValueError, match="Expected size"):
        tk.slice(x, [3, 0], [2, 1])


@pytest.mark.parametrize("key", [
    (1,), (-1,), (slice(1, None),), (slice(None, None, -1),), (slice(None, None, 2), 1),
    (Ellipsis, 0), (Ellipsis, None, slice(1, 3)), (None, 1, Ellipsis),
    (slice(-3, -1), slice(None), -2), (0, 0, 0), (slice(5, 1, -2), Ellipsis),
    (slice(10, 20),),
])
def test_getitem_matches_numpy(key):
    a = RNG.normal(size=(4, 5, 6))
    x = tk.constant(a)
    y = x[key]
    ref = a[key]
    assert y.shape.as_list() == list(ref.shape)
    np.testing.assert_array_equal(run(y), ref)


def test_getitem_unknown_dims_and_tensor_index():
    x = tk.placeholder(tk.float32, [None, 3])
    i = tk.placeholder(tk.int32, [])
    y, z = x[i], x[:, 1:]
    assert y.shape.as_list() == [3] and z.shape.as_list() == [None, 2]
    a = np.arange(12, dtype=np.float32).reshape(4, 3)
    yv, zv = run([y, z], {x: a, i: 2})
    np.testing.assert_array_equal(yv, a[2])
    np.testing.assert_array_equal(zv, a[:, 1:])


def test_getitem_errors():
    x = tk.zeros([3, 4])
    with pytest.raises(ValueError, match="out of bounds"):
        x[3]
    with pytest.raises(TypeError, match="valid indices"):
        x[[0, 1]]
    with pytest.raises(TypeError, match="valid indices"):
        x[1.5]
    p = tk.placeholder(tk.float32, [None])
    with pytest.raises(errors.InvalidArgumentError, match="strided_slice"):
        run(p[5], {p: np.zeros(2)})


def test_strided_slice_masks():
    a = RNG.normal(size=(4, 5, 6))
    x = tk.constant(a)
    y = tk.strided_slice(x, [0, 1, 0], [0, 4, 0], [1, 2, 1], begin_mask=1, end_mask=5)
    z = tk.strided_slice(x, [1, 0], [2, 0], [1, 1], shrink_axis_mask=1, new_axis_mask=2)
    assert y.shape.as_list() == [4, 2, 6] and z.shape.as_list() == [1, 5, 6]
    yv, zv = run([y, z])
    np.testing.assert_array_equal(yv, a[:, 1:4:2, :])
    np.testing.assert_array_equal(zv, a[1, None])


def test_gather():
    a = RNG.normal(size=(5, 3))
    x = tk.constant(a)
    g0 = tk.gather(x, [[4, 0], [1, 1]])
    g1 = tk.gather(x, tk.constant([2, 0], tk.int64), axis=1)
    assert g0.shape.as_list() == [2, 2, 3] and g1.shape.as_list() == [5, 2]
    v0, v1 = run([g0, g1])
    np.testing.assert_array_equal(v0, a[[[4, 0], [1, 1]]])
    np.testing.assert_array_equal(v1, a[:, [2, 0]])


@pytest.mark.parametrize("bad", [7, -1])
def test_gather_out_of_range(bad):
    i = tk.placeholder(tk.int32, [None])
    g = tk.gather(tk.zeros([5, 2]), i, name="gat")
    with pytest.raises(errors.InvalidArgumentError,
                       match=f"gat.*indices\\[1\\] = {bad} is not in \\[0, 5\\)"):
        run(g, {i: [0, bad]})


def test_gather_nd_scatter_nd():
    a = RNG.normal(size=(3, 4))
    idx = np.array([[0, 1], [2, 3], [0, 1]])
    g = tk.gather_nd(tk.constant(a), idx)
    s = tk.scatter_nd(idx, tk.constant([1.0, 2.0, 3.0]), [3, 4])
    gv, sv = run([g, s])
    np.testing.assert_array_equal(gv, a[idx[:, 0], idx[:, 1]])
    ref = np.zeros((3, 4), np.float32)
    np.add.at(ref, (idx[:, 0], idx[:, 1]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(sv, ref)


def test_one_hot():
    idx = tk.constant([0, 2, -1, 3])
    a = tk.one_hot(idx, 3)
    b = tk.one_hot(idx, 3, on_value=5, off_value=-1, axis=0, dtype=tk.int32)
    assert a.shape.as_list() == [4, 3] and a.dtype is tk.float32
    assert b.shape.as_list() == [3, 4] and b.dtype is tk.int32
    av, bv = run([a, b])
    ref = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], np.float32)
    np.testing.assert_array_equal(av, ref)
    np.testing.assert_array_equal(bv, np.where(ref.T > 0, 5, -1))
    with pytest.raises(TypeError, match="dtype"):
        tk.one_hot(idx, 3, on_value=tk.constant(1.0), dtype=tk.int32)


def test_tile():
    a = RNG.normal(size=(2, 3))
    x = tk.placeholder(tk.float64, [None, 3])
    t = tk.tile(x, [2, 3])
    assert t.shape.as_list() == [None, 9]
    np.testing.assert_array_equal(run(t, {x: a}), np.tile(a, [2, 3]))
    with pytest.raises(ValueError, match="multiples"):
        tk.tile(x, [2])


@pytest.mark.parametrize("mode", ["CONSTANT", "reflect", "SYMMETRIC"])
def test_pad(mode):
    a = RNG.normal(size=(3, 4))
    pads = [[1, 2], [2, 1]]
    y = tk.pad(tk.constant(a), pads, mode=mode)
    assert y.shape.as_list() == [6, 7]
    np.testing.assert_array_equal(run(y), np.pad(a, pads, mode=mode.lower()))


def test_pad_constant_value_and_errors():
    y = tk.pad(tk.constant([[1, 2]]), [[0, 0], [1, 1]], constant_values=9)
    np.testing.assert_array_equal(run(y), [[9, 1, 2, 9]])
    with pytest.raises(ValueError, match="padding mode"):
        tk.pad(tk.zeros([2]), [[1, 1]], mode="WRAP")
    with pytest.raises(ValueError, match="no greater than"):
        tk.pad(tk.zeros([2]), [[2, 0]], mode="REFLECT")


def test_boolean_mask():
    a = RNG.normal(size=(3, 4))
    m = np.array([True, False, True])
    y = tk.boolean_mask(tk.constant(a), m)
    assert y.shape.as_list() == [None, 4]
    np.testing.assert_array_equal(run(y), a[m])
    m2 = a > 0
    np.testing.assert_array_equal(run(tk.boolean_mask(tk.constant(a), m2)), a[m2])
    with pytest.raises(ValueError, match="incompatible"):
        tk.boolean_mask(tk.constant(a), [True, False])


@pytest.mark.parametrize("k", [0, 1, 2])
@pytest.mark.parametrize("j", [0, 1, 2, -1])
def test_stack_of_a_whole_unstack_is_a_transpose_with_the_same_values_and_gradient(k, j):
    """stack(unstack(t, axis=k), axis=j) skips the per-slice copies (one Transpose, or the
    tensor itself) and gives NumPy's stack of the slices and the same gradient as a stack
    of other slices would."""
    data = np.arange(24.0).reshape(2, 3, 4)
    t = tk.constant(data)
    s = tk.stack(tk.unstack(t, axis=k), axis=j)
    want = np.stack([np.take(data, i, axis=k) for i in range(data.shape[k])], axis=j)
    assert s.op.type == ("Identity" if k == j % 3 else "Transpose")
    assert s.shape.as_list() == list(want.shape)
    w = np.random.RandomState(k * 4 + j % 3).randn(*want.shape)
    (grad,) = tk.gradients(tk.reduce_sum(s * tk.constant(w)), [t])
    with tk.Session() as sess:
        got, g = sess.run([s, grad])
    np.testing.assert_array_equal(got, want)
    # d/dt of sum(stack(slices) * w) puts each w entry back where its slice came from
    np.testing.assert_array_equal(g, np.moveaxis(w, j % 3, k))


def test_stack_of_part_of_an_unstack_or_out_of_order_is_still_a_pack():
    parts = tk.unstack(tk.constant(np.arange(6.0).reshape(3, 2)))
    assert tk.stack(parts[:2]).op.type == "Pack"
    assert tk.stack(parts[::-1]).op.type == "Pack"
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(tk.stack(parts[::-1])), [[4, 5], [2, 3], [0, 1]])


def test_expand_dims_takes_a_one_element_axis():
    """TF 2.21 compat.v1: ``expand_dims(x, [-1])`` (BERT's ``embedding_lookup``) and a
    ``[[1]]`` axis act as the scalar; two values are a ValueError when known while
    building, an InvalidArgumentError when fed."""
    x = tk.zeros([2, 3])
    assert tk.expand_dims(x, axis=[-1]).shape.as_list() == [2, 3, 1]
    assert tk.expand_dims(x, axis=tk.constant([[1]])).shape.as_list() == [2, 1, 3]
    assert run(tk.expand_dims(x, [0])).shape == (1, 2, 3)
    with pytest.raises(ValueError, match="single value"):
        tk.expand_dims(x, axis=[0, 1])
    a = tk.placeholder(tk.int32)
    y = tk.expand_dims(x, a)
    assert run(y, {a: [[2]]}).shape == (2, 3, 1)
    with pytest.raises(errors.InvalidArgumentError, match="single value"):
        run(y, {a: [0, 1]})
