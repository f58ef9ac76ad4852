"""py_func / numpy_function: outputs, dtypes, error mapping naming the op, statefulness."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_single_output_and_multiple_outputs():
    x = tk.constant([3, 1, 2])
    y = tk.py_func(lambda a: np.sort(a), [x], tk.int32)
    s, n = tk.py_func(lambda a: (a.astype(np.float32) / 2, np.int64(a.size)), [x],
                      [tk.float32, tk.int64], name="halve")
    assert isinstance(y, tk.Tensor) and y.shape.ndims is None
    assert s.op.name == "halve" and s.op.type == "PyFunc" and n.dtype is tk.int64
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [1, 2, 3])
        got_s, got_n = sess.run([s, n])
    np.testing.assert_array_equal(got_s, [1.5, 0.5, 1.0])
    assert got_n == 3 and type(got_n) is np.int64


def test_single_element_tout_list_returns_list_and_python_values_convert():
    (y,) = tk.numpy_function(lambda a: [a * 2.0], [tk.constant(1.5, tk.float64)],
                             [tk.float64])
    z = tk.py_func(lambda: ([[1, 2], [3, 4]],), [], tk.float32)  # a list = several outputs
    k = tk.py_func(lambda: 7, [], tk.float32)
    with tk.Session() as sess:
        assert sess.run(y) == 3.0
        np.testing.assert_array_equal(sess.run(z), np.array([[1, 2], [3, 4]], np.float32))
        got = sess.run(k)
        assert got == 7.0 and type(got) is np.float32


def test_no_outputs_returns_op_and_runs_every_time():
    calls = []
    op = tk.py_func(lambda a: calls.append(int(a)), [tk.constant(4)], [])
    assert isinstance(op, tk.Operation)
    with tk.Session() as sess:
        sess.run(op)
        sess.run(op)
    assert calls == [4, 4]


def test_stateless_variant_and_feeds():
    p = tk.placeholder(tk.float32, [None])
    y = tk.py_func(lambda a: a + 1, [p], tk.float32, stateful=False)
    assert y.op.type == "PyFuncStateless"
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {p: [1.0, 2.0]}), [2.0, 3.0])


@pytest.mark.parametrize("exc, cls", [
    (ValueError("bad value"), tk.errors.InvalidArgumentError),
    (TypeError("bad type"), tk.errors.InvalidArgumentError),
    (StopIteration(), tk.errors.OutOfRangeError),
    (NotImplementedError("later"), tk.errors.UnimplementedError),
    (ZeroDivisionError("division by zero"), tk.errors.UnknownError),
    (RuntimeError("boom"), tk.errors.UnknownError),
])
def test_errors_map_to_tf_classes_and_name_the_op(exc, cls):
    def fail(a):
        raise exc

    y = tk.py_func(fail, [tk.constant(1)], tk.int32, name="my_func")
    with tk.Session() as sess:
        with pytest.raises(cls, match="PyFunc op 'my_func'") as ei:
            sess.run(y)
        assert ei.value.op is y.op
        assert type(exc).__name__ in ei.value.message


def test_op_error_keeps_its_class():
    def fail(a):
        raise tk.errors.NotFoundError(None, None, "no such thing")

    y = tk.py_func(fail, [tk.constant(1)], tk.int32, name="f")
    with tk.Session() as sess:
        with pytest.raises(tk.errors.NotFoundError, match="no such thing"):
            sess.run(y)


def test_wrong_return_values_are_invalid_argument():
    wrong_dtype = tk.py_func(lambda: np.zeros(2, np.float64), [], tk.float32, name="d")
    wrong_count = tk.py_func(lambda: (1, 2), [], [tk.int32], name="c")
    none = tk.py_func(lambda: None, [], tk.int32, name="n")
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="float64, but expects float32"):
            sess.run(wrong_dtype)
        with pytest.raises(tk.errors.InvalidArgumentError, match="returned 2 values"):
            sess.run(wrong_count)
        with pytest.raises(tk.errors.InvalidArgumentError, match="'n'"):
            sess.run(none)


def test_inputs_are_read_only_so_variables_cannot_be_corrupted():
    v = tk.Variable([1.0, 2.0], name="v")

    def mutate(a):
        a[0] = 100.0
        return a

    y = tk.py_func(mutate, [v], tk.float32, name="mutate")
    with tk.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tk.errors.InvalidArgumentError, match="read-only"):
            sess.run(y)
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_string_outputs_and_bad_arguments():
    y = tk.py_func(lambda: (["a", b"b"],), [], tk.string)
    with tk.Session() as sess:
        assert sess.run(y).tolist() == [b"a", b"b"]
    with pytest.raises(TypeError, match="callable"):
        tk.py_func(3, [], tk.int32)
    with pytest.raises(TypeError, match="Tout"):
        tk.py_func(lambda: 1, [], None)


def test_single_tensor_inp_is_accepted():
    y = tk.py_func(lambda a: a * 3, tk.constant(2), tk.int32)
    with tk.Session() as sess:
        assert sess.run(y) == 6
