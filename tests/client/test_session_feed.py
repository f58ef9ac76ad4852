"""Session.run feeds: key forms and TF's validation order (tf_semantics.md)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


@pytest.fixture
def sess():
    with tk.Session() as s:
        yield s


def test_feed_key_forms(sess):
    a = tk.placeholder(tk.float32, [], name="a")
    b = tk.placeholder(tk.float32, [], name="b")
    c = a + b
    assert sess.run(c, {a: 1.0, b: 2.0}) == 3.0
    assert sess.run(c, {"a:0": 1.0, "b:0": 5.0}) == 6.0
    assert sess.run(c, {(a, b): (2.0, 3.0)}) == 5.0


def test_sparse_feed(sess):
    sp = tk.sparse_placeholder(tk.float32, name="sp")
    vals = sp.values * 2.0
    value = tk.SparseTensorValue(np.array([[0, 0]], np.int64), np.array([3.0], np.float32),
                                 np.array([2, 2], np.int64))
    assert sess.run(vals, {sp: value}).tolist() == [6.0]
    assert sess.run(vals, {sp: ([[1, 1]], [4.0], [2, 2])}).tolist() == [8.0]


def test_feeding_intermediate_short_circuits_upstream(sess):
    x = tk.placeholder(tk.float32, [], name="x")
    y = x * 2.0
    z = y + 1.0
    # x is never fed: feeding y cuts it off.
    assert sess.run(z, {y: 10.0}) == 11.0
    k = tk.constant(4.0)
    assert sess.run(k * 1.0, {k: 9.0}) == 9.0


def test_value_conversion_is_silent_and_dict_not_mutated(sess):
    i = tk.placeholder(tk.int32, [2], name="i")
    feed = {i: [1.9, -2.7]}
    before = dict(feed)
    out = sess.run(i * 1, feed)
    assert out.dtype == np.int32 and out.tolist() == [1, -2]
    assert feed == before


def test_unfed_placeholder_names_it(sess):
    x = tk.placeholder(tk.float32, [None, 3], name="inputs")
    with pytest.raises(tk.errors.InvalidArgumentError, match="'inputs'") as ei:
        sess.run(x + 1.0)
    assert ei.value.op is x.op
    assert "shape [?,3]" in ei.value.message and "dtype float" in ei.value.message
    assert sess.run(x + 1.0, {x: np.zeros((1, 3))}).shape == (1, 3)  # still usable


def test_error_order_key_then_value_then_shape(sess):
    x = tk.placeholder(tk.int32, [2], name="x")
    y = x + 1
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
        sess.run(y, {"x": [1, 2]})  # op name without :0
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
        sess.run(y, {"nope:0": [1, 2]})
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
        sess.run(y, {3: [1, 2]})
    with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
        sess.run(y, {x: tk.constant([1, 2])})
    s = tk.placeholder(tk.int32, [], name="s")
    with pytest.raises(TypeError, match="not compatible with Tensor type int32"):
        sess.run(s * 1, {s: 2**40})
    with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3,\) for Tensor 'x:0', "
                                         r"which has shape '\(2,\)'"):
        sess.run(y, {x: [1, 2, 3]})


def test_unfeedable_tensor(sess):
    x = tk.placeholder(tk.float32, [], name="x")
    y = x * 2.0
    assert sess.run(y, {x: 1.0}) == 2.0
    tk.get_default_graph().prevent_feeding(x)  # invalidates the cached plan
    with pytest.raises(ValueError, match="may not be fed"):
        sess.run(y, {x: 1.0})


def test_placeholder_with_default(sess):
    d = tk.placeholder_with_default(tk.constant([1.0, 2.0]), shape=[None], name="d")
    assert sess.run(d * 1.0).tolist() == [1.0, 2.0]
    assert sess.run(d * 1.0, {d: [5.0, 6.0, 7.0]}).tolist() == [5.0, 6.0, 7.0]
    with pytest.raises(ValueError, match="Incompatible"):
        tk.placeholder_with_default(tk.constant([1.0]), shape=[2])


def test_static_shape_refinement_is_enforced(sess):
    x = tk.placeholder(tk.float32, None, name="x")
    y = x * 1.0
    assert sess.run(y, {x: np.ones((2, 2))}).shape == (2, 2)
    x.set_shape([3])
    with pytest.raises(ValueError, match="Cannot feed value of shape"):
        sess.run(y, {x: np.ones((2, 2))})


def test_feeding_a_tensor_is_tfs_type_error():
    a = tk.placeholder(tk.float32, [], name="a")
    c = a + 1.0
    with tk.Session() as sess:
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor object"):
            sess.run(c, {a: tk.constant(1.0)})
        assert sess.run(c, {a: 1.0}) == 2.0  # the session stays usable
