"""Assign kernels (in place, shape rules), initialization checks, collections and
initializer ops."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_assign_writes_into_the_same_buffer():
    v = tk.Variable(np.zeros(3, np.float32), name="v")
    a = tk.assign(v, [1.0, 2.0, 3.0])
    add = tk.assign_add(v, [1.0, 1.0, 1.0])
    sub = tk.assign_sub(v, [0.5, 0.5, 0.5])
    with tk.Session() as sess:
        sess.run(v.initializer)
        buf = sess._state.variables["v"]
        sess.run(a)
        sess.run(add)
        sess.run(sub)
        assert sess._state.variables["v"] is buf
        np.testing.assert_array_equal(buf, [1.5, 2.5, 3.5])


def test_assign_names_and_ops():
    v = tk.Variable(0, name="v")
    assert tk.assign(v, 1).op.name == "Assign"
    assert tk.assign_add(v, 1, name="inc").op.name == "inc"
    assert tk.assign_sub(v, 1).op.type == "AssignSub"
    assert tk.assign(v.op.outputs[0], 2).op.inputs[0] is v.op.outputs[0]


def test_assign_shape_mismatch_is_a_build_time_value_error():
    v = tk.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError, match=r"incompatible.*variable 'v'"):
        tk.assign(v, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="AssignAdd"):
        tk.assign_add(v, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="incompatible"):
        v.assign(np.zeros(3, np.float32))


def test_assign_dtype_and_ref_errors():
    v = tk.Variable([1, 2], name="iv")
    with pytest.raises(TypeError, match="iv"):
        tk.assign(v, [1.5, 2.5])
    with pytest.raises(TypeError, match="needs a Variable"):
        tk.assign(tk.constant(1.0), 2.0)
    with pytest.raises(TypeError, match="needs a Variable"):
        tk.assign_add(3, 2)


def test_runtime_shape_mismatch_raises_invalid_argument():
    v = tk.Variable([1.0, 2.0], name="v")
    p = tk.placeholder(tk.float32, None)
    a = tk.assign(v, p)
    add = tk.assign_add(v, p)
    with tk.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tk.errors.InvalidArgumentError, match="lhs shape= \\[2\\]"):
            sess.run(a, {p: [1.0, 2.0, 3.0]})
        with pytest.raises(tk.errors.InvalidArgumentError, match="same shape") as ei:
            sess.run(add, {p: [1.0]})
        assert ei.value.op is add.op
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])  # session still usable


def test_assign_add_on_uninitialized_variable_fails():
    v = tk.Variable([1.0], name="acc")
    inc = tk.assign_add(v, [1.0])
    with tk.Session() as sess:
        with pytest.raises(tk.errors.FailedPreconditionError, match="acc"):
            sess.run(inc)


def test_assign_initializes_an_uninitialized_variable():
    v = tk.Variable([1.0, 2.0], name="v")
    a = tk.assign(v, [7.0, 8.0])
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(a), [7.0, 8.0])
        assert sess.run(tk.is_variable_initialized(v))


def test_is_initialized_and_report_uninitialized():
    a = tk.Variable(1.0, name="a")
    b = tk.Variable(2.0, name="b")
    tk.Variable(3.0, name="loc", collections=[tk.GraphKeys.LOCAL_VARIABLES])
    report = tk.report_uninitialized_variables()
    only_b = tk.report_uninitialized_variables([b])
    ia = tk.is_variable_initialized(a)
    assert report.dtype is tk.string and ia.dtype is tk.bool
    with tk.Session() as sess:
        assert list(sess.run(report)) == [b"a", b"b", b"loc"]
        assert sess.run(ia) is np.False_
        sess.run(a.initializer)
        assert list(sess.run(report)) == [b"b", b"loc"]
        assert list(sess.run(only_b)) == [b"b"]
        assert sess.run(ia) is np.True_
        sess.run(tk.global_variables_initializer())
        assert list(sess.run(report)) == [b"loc"]
        sess.run(tk.local_variables_initializer())
        assert sess.run(report).shape == (0,)


def test_report_with_no_variables_is_empty_string_tensor():
    r = tk.report_uninitialized_variables()
    with tk.Session() as sess:
        out = sess.run(r)
    assert out.shape == (0,) and r.dtype is tk.string


def test_initializer_ops_names_and_empty_lists():
    init = tk.global_variables_initializer()
    assert init.name == "init" and init.type == "NoOp" and init.control_inputs == []
    v = tk.Variable(1.0)
    init2 = tk.global_variables_initializer()
    assert init2.name == "init_1" and init2.control_inputs == [v.initializer]
    custom = tk.variables_initializer([v], name="mine")
    assert custom.name == "mine"
    with pytest.raises(TypeError, match="not a Variable"):
        tk.variables_initializer([tk.constant(1.0)])


def test_collection_helpers_filter_by_scope():
    with tk.variable_scope("a"):
        x = tk.get_variable("x", [1])
    with tk.variable_scope("b"):
        y = tk.get_variable("y", [1], trainable=False)
    m = tk.Variable(0.0, collections=[tk.GraphKeys.MODEL_VARIABLES], name="m")
    assert tk.global_variables() == [x, y] and tk.global_variables("a") == [x]
    assert tk.all_variables() == [x, y]
    assert tk.trainable_variables() == [x, m]
    assert tk.model_variables() == [m] and tk.local_variables() == []


def test_string_and_int64_variables():
    s = tk.Variable(b"hi", name="s")
    i = tk.Variable(np.int64(5), name="i")
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(s) == b"hi"
        assert sess.run(tk.assign(s, "yo")) == b"yo"
        got = sess.run(i.assign_add(np.int64(2)))
        assert got == 7 and type(got) is np.int64
