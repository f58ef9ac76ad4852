"""Session.run fetch forms and fetched value types (tf_semantics.md: Fetch structure)."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import trainkit as tk

Pair = collections.namedtuple("Pair", ["first", "second"])


@pytest.fixture
def sess():
    with tk.Session() as s:
        yield s


def test_single_fetch_types(sess):
    f = tk.constant(1.5)
    i = tk.constant(7, dtype=tk.int64)
    s = tk.constant("hi")
    m = tk.constant([[1, 2]], dtype=tk.int32)
    assert type(sess.run(f)) is np.float32 and sess.run(f) == 1.5
    assert type(sess.run(i)) is np.int64 and sess.run(i) == 7
    assert sess.run(s) == b"hi" and type(sess.run(s)) is bytes
    out = sess.run(m)
    assert isinstance(out, np.ndarray) and out.dtype == np.int32 and out.tolist() == [[1, 2]]
    strings = sess.run(tk.constant(["a", "bc"]))
    assert strings.tolist() == [b"a", b"bc"]


def test_nested_structures_round_trip(sess):
    a = tk.constant(1.0, name="a")
    b = tk.constant(2.0, name="b")
    od = collections.OrderedDict([("z", a), ("y", [b, (a,)])])
    fetches = {"list": [a, b], "tuple": (b,), "pair": Pair(a, {"k": b}), "od": od,
               "empty": [], "empty_dict": {}}
    out = sess.run(fetches)
    assert out["list"] == [1.0, 2.0] and out["tuple"] == (2.0,)
    assert isinstance(out["pair"], Pair) and out["pair"].first == 1.0
    assert out["pair"].second == {"k": 2.0}
    assert isinstance(out["od"], collections.OrderedDict)
    assert list(out["od"]) == ["z", "y"] and out["od"]["y"] == [2.0, (1.0,)]
    assert out["empty"] == [] and out["empty_dict"] == {}


def test_operation_and_name_fetches(sess):
    x = tk.constant(3.0, name="five")
    assert sess.run(x.op) is None
    assert sess.run("five:0") == 3.0
    # A plain op-name string is an Operation, even when the op has outputs.
    assert sess.run("five") is None
    assert sess.run(["five", "five:0"]) == [None, 3.0]


def test_duplicate_fetch_runs_stateful_op_once(sess):
    h = tk.get_session_handle(tk.constant([1.0, 2.0]))
    out = sess.run([h, h, {"again": h}])
    assert out[0].handle == out[1].handle == out[2]["again"].handle
    assert len(sess._state.handles) == 1


def test_sparse_tensor_fetch(sess):
    st = tk.SparseTensor(indices=[[0, 1], [2, 0]], values=[5.0, 6.0], dense_shape=[3, 2])
    v = sess.run(st)
    assert isinstance(v, tk.SparseTensorValue)
    idx, vals, shape = v
    assert idx.tolist() == [[0, 1], [2, 0]] and vals.tolist() == [5.0, 6.0]
    assert shape.tolist() == [3, 2] and idx.dtype == np.int64


def test_fetched_constant_is_a_copy(sess):
    c = tk.constant([1.0, 2.0])
    v = sess.run(c)
    v[0] = 100.0
    assert sess.run(c).tolist() == [1.0, 2.0]


@pytest.mark.parametrize("bad,exc,match", [
    (None, TypeError, "None"),
    ([tk.constant, 1], TypeError, r"fetches\[0\]"),
    ("missing:0", ValueError, "cannot be interpreted as a Tensor"),
    ({"k": "missing"}, ValueError, r"fetches\['k'\]"),
    (np.ones(2), TypeError, "invalid type"),
])
def test_bad_fetches(sess, bad, exc, match):
    tk.constant(1.0)
    with pytest.raises(exc, match=match):
        sess.run(bad)


def test_fetch_from_other_graph(sess):
    tk.constant(0.0)
    with tk.Graph().as_default():
        other = tk.constant(1.0)
    with pytest.raises(ValueError, match="not an element of this graph"):
        sess.run(other)


def test_unfetchable_op(sess):
    c = tk.constant(1.0)
    tk.get_default_graph().prevent_fetching(c.op)
    with pytest.raises(ValueError, match="not fetchable"):
        sess.run(c)


def test_fetch_and_feed_names_given_as_bytes():
    a = tk.placeholder(tk.float32, [], name="a")
    c = tk.add(a, 1.0, name="c")
    with tk.Session() as sess:
        assert sess.run(b"c:0", {b"a:0": 2.0}) == 3.0
        out = sess.run({"t": b"c:0", "op": b"c"}, {a: 1.0})
    assert out == {"t": 2.0, "op": None}
    assert tk.get_default_graph().as_graph_element(b"c:0") is c


@pytest.mark.parametrize("view", [
    lambda v: tk.unstack(v)[1],
    lambda v: tk.reshape(v, [-1]),
    lambda v: tk.transpose(v),
    lambda v: v[1:, :1],
    lambda v: tk.expand_dims(v, 0),
])
def test_fetched_view_of_a_variable_does_not_change_after_an_update(sess, view):
    """TF1 hands out values, never live buffers: a fetched unstack/reshape/transpose/slice of
    a variable (NumPy views of its buffer) keeps the value it had when it was fetched."""
    var = tk.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
    out = view(var)
    bump = tk.assign_add(var, np.full((3, 2), 10.0, np.float32))
    sess.run(tk.global_variables_initializer())
    expected = np.array(sess.run(out)).copy()  # the value before any update
    single = sess.run(out)
    listed = sess.run([out, var])[0]
    called = sess.make_callable(out)()
    handle = sess.partial_run_setup([out, bump], [])
    partial = sess.partial_run(handle, out)
    sess.run(bump)
    for got in (single, listed, called, partial):
        np.testing.assert_array_equal(got, expected)
    single[...] = -1.0  # writing into a fetched value does not reach the variable
    np.testing.assert_array_equal(sess.run(var), np.arange(6).reshape(3, 2) + 10.0)
