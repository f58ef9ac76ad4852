"""Variable: op structure and names, initialization, reads, assigns, load/eval, operators,
the end-of-run read semantics and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_tf1_op_names_types_and_collections():
    v = tk.Variable([1.0, 2.0], name="v")
    ops = [(o.name, o.type) for o in tk.get_default_graph().get_operations()]
    assert ops == [("v/initial_value", "Const"), ("v", "VariableV2"), ("v/Assign", "Assign"),
                   ("v/read", "Identity")]
    assert v.name == "v:0" and v.op.name == "v" and v.op.type == "VariableV2"
    assert v.dtype is tk.float32 and v.shape.as_list() == [2]
    assert v.initializer.name == "v/Assign" and v.initial_value.name == "v/initial_value:0"
    assert v.value().name == "v/read:0"
    assert tk.global_variables() == [v] and tk.trainable_variables() == [v]
    w = tk.Variable(1, trainable=False, name="v")
    assert w.op.name == "v_1" and w.dtype is tk.int32
    assert tk.trainable_variables() == [v] and tk.global_variables() == [v, w]


def test_local_collection_and_name_scope():
    with tk.name_scope("outer"):
        v = tk.Variable(0.0, name="x", collections=[tk.GraphKeys.LOCAL_VARIABLES],
                        trainable=False)
    assert v.op.name == "outer/x"
    assert tk.local_variables() == [v] and tk.global_variables() == []
    with pytest.raises(ValueError, match="collections argument .* must be a list"):
        tk.Variable(0.0, collections="variables")


def test_uninitialized_read_raises_failed_precondition_naming_variable():
    v = tk.Variable([1.0, 2.0], name="weights")
    y = v * 2.0
    with tk.Session() as sess:
        with pytest.raises(tk.errors.FailedPreconditionError,
                           match="Attempting to use uninitialized value weights") as ei:
            sess.run(v)
        assert ei.value.op is v.op
        with pytest.raises(tk.errors.FailedPreconditionError, match="weights"):
            sess.run(y)
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])


def test_callable_initial_value_and_dtype_conversion():
    v = tk.Variable(lambda: tk.constant([[1, 2], [3, 4]], dtype=tk.float64), name="c")
    assert v.initial_value.op.name.startswith("c/Initializer/")
    w = tk.Variable([1, 2], dtype=tk.float32, name="d")
    assert w.dtype is tk.float32
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got = sess.run(v)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, [[1, 2], [3, 4]])
        np.testing.assert_array_equal(sess.run(w), np.array([1.0, 2.0], np.float32))


def test_scalar_fetch_is_numpy_scalar_and_state_is_per_session():
    v = tk.Variable(3, name="s")
    inc = v.assign_add(1)
    with tk.Session() as a, tk.Session() as b:
        a.run(v.initializer)
        b.run(v.initializer)
        assert a.run(inc) == 4 and a.run(inc) == 5
        got = b.run(v)
        assert got == 3 and type(got) is np.int32


def test_fetched_value_is_a_copy_taken_at_end_of_run():
    v = tk.Variable([0.0, 0.0], name="v")
    before = v + 0.0  # created before the update and not depending on it: old value
    inc = tk.assign_add(v, [1.0, 1.0])
    with tk.Session() as sess:
        sess.run(v.initializer)
        val, new, old = sess.run([v, inc, before])
        np.testing.assert_array_equal(val, [1.0, 1.0])  # read aliases: post-update
        np.testing.assert_array_equal(new, [1.0, 1.0])
        np.testing.assert_array_equal(old, [0.0, 0.0])
        sess.run(inc)
        np.testing.assert_array_equal(val, [1.0, 1.0])  # the earlier fetch was a copy
        assert sess._state.variables["v"][0] == 2.0


def test_assign_returns_value_and_read_value_false_returns_op():
    v = tk.Variable([1, 2], name="v")
    a = v.assign([5, 6])
    op = v.assign_sub([1, 1], read_value=False)
    assert isinstance(a, tk.Tensor) and a.op.type == "Assign"
    assert isinstance(op, tk.Operation) and op.type == "AssignSub"
    with tk.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(a), [5, 6])
        assert sess.run(op) is None
        np.testing.assert_array_equal(sess.run(v), [4, 5])


def test_load_eval_and_read_value():
    v = tk.Variable(np.zeros((2, 2), np.float32), name="m")
    r = v.read_value()
    assert r.op.type == "Identity"
    with tk.Session() as sess:
        v.load([[1, 2], [3, 4]], sess)
        np.testing.assert_array_equal(v.eval(sess), [[1, 2], [3, 4]])
        np.testing.assert_array_equal(sess.run(r), [[1, 2], [3, 4]])
        with sess.as_default():
            v.load(np.ones((2, 2)))
            assert v.eval().sum() == 4.0
    with pytest.raises(ValueError, match="session"):
        v.load(np.ones((2, 2)))


def test_initialized_value_works_before_initialization():
    v = tk.Variable([1.0, 2.0], name="v")
    w = tk.Variable(v.initialized_value() * 3.0, name="w")
    with tk.Session() as sess:
        sess.run(w.initializer)  # v itself is still uninitialized
        np.testing.assert_array_equal(sess.run(w), [3.0, 6.0])
        assert not sess.run(tk.is_variable_initialized(v))


def test_operators_and_conversion():
    v = tk.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    m = tk.constant([[1.0], [1.0]])
    exprs = [v + 1.0, 1.0 + v, v - 1.0, 2.0 * v, v / 2.0, -v, v @ m, v[0], v[:, 1]]
    with tk.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(exprs)
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    want = [x + 1, 1 + x, x - 1, 2 * x, x / 2, -x, x @ np.ones((2, 1)), x[0], x[:, 1]]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)
    assert tk.convert_to_tensor(v) is v.value()
    assert tk.identity(v).op.inputs[0] is v.value()
    with pytest.raises(ValueError, match="float32"):
        tk.convert_to_tensor(v, dtype=tk.int32)


def test_variables_are_hashable_by_identity():
    a, b = tk.Variable(0.0), tk.Variable(0.0)
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2 and a != b and a == a
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run({"a": a, "b": b}) == {"a": 0.0, "b": 0.0}


def test_validate_shape_false_allows_new_shapes():
    v = tk.Variable([1.0, 2.0], validate_shape=False, name="v")
    assert v.shape.ndims is None
    grow = tk.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    with tk.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(grow), [1.0, 2.0, 3.0])
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 3.0])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="initial_value must be specified"):
        tk.Variable()
    p = tk.placeholder(tk.float32, [None])
    with pytest.raises(ValueError, match="initial_value must have a shape specified"):
        tk.Variable(p, name="pv")
    with pytest.raises(ValueError, match="constraint"):
        tk.Variable(0.0, constraint=3)
    with pytest.raises(ValueError, match="incompatible"):
        tk.Variable([1.0, 2.0], shape=[3])
    with pytest.raises(TypeError):
        tk.Variable(1.5, dtype=tk.int32)


def test_shape_argument_and_unknown_initial_shape():
    p = tk.placeholder(tk.float32, [None])
    v = tk.Variable(p, validate_shape=False, name="pv")
    with tk.Session() as sess:
        sess.run(v.initializer, {p: [1.0, 2.0, 3.0]})
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 3.0])
    w = tk.Variable(p, shape=[None], name="pw")
    assert w.shape.as_list() == [None]
