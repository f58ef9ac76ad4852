"""TensorArray: every op against NumPy, TF1's errors, use as a while_loop variable, and
gradients (finite differences and TF1's gradient rules)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from trainkit import errors


def _run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


def test_write_read_stack_size():
    ta = tk.TensorArray(tk.float32, size=3)
    ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0]).write(1, [3.0, 4.0])
    assert ta.element_shape.as_list() == [2]
    st = ta.stack()
    assert st.shape.as_list() == [None, 2]
    r1 = tk.TensorArray(tk.float32, size=2, clear_after_read=False).write(1, 7.0)
    out = _run([st, ta.size(), r1.read(1)])
    np.testing.assert_array_equal(out[0], [[1, 2], [3, 4], [5, 6]])
    assert out[1] == 3 and out[2] == 7.0


def test_unstack_gather_scatter_concat_split():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    ta = tk.TensorArray(tk.float32, size=4, clear_after_read=False).unstack(x)
    g = ta.gather([3, 0])
    sc = tk.TensorArray(tk.float32, size=3).scatter([2, 0], [[1.0, 1.0], [2.0, 2.0]])
    sp = tk.TensorArray(tk.float32, size=3).split(np.arange(6, dtype=np.float32),
                                                 [1, 3, 2])
    gv, cat, spv = _run([g, ta.concat(), [sp.read(0), sp.read(1), sp.read(2)]])
    np.testing.assert_array_equal(gv, x[[3, 0]])
    np.testing.assert_array_equal(cat, x.reshape(-1))
    np.testing.assert_array_equal(spv[1], [1, 2, 3])
    with tk.Session() as sess:
        # index 1 of the scatter array was never written: zeros of the element shape
        np.testing.assert_array_equal(sess.run(sc.stack()), [[2, 2], [0, 0], [1, 1]])


def test_dynamic_size_grows_and_identity_and_close():
    ta = tk.TensorArray(tk.int32, size=0, dynamic_size=True)
    ta = ta.write(0, 1).write(4, 5)
    ident = ta.identity()
    with tk.Session() as sess:
        assert sess.run(ident.size()) == 5
    ta2 = tk.TensorArray(tk.float32, size=1).write(0, 1.0)
    closed = ta2.close()
    with tk.Session() as sess:
        sess.run(closed)


def test_errors_at_run_time():
    cases = [
        (lambda: tk.TensorArray(tk.float32, size=2).read(2), "Tried to read from index 2"),
        (lambda: tk.TensorArray(tk.float32, size=2).write(2, 1.0).flow,
         "not resizeable and size is: 2"),
        (lambda: tk.TensorArray(tk.float32, size=2).write(0, 1.0).write(0, 2.0).flow,
         "already been written"),
        (lambda: tk.TensorArray(tk.float32, size=2, infer_shape=False).read(0),
         "element shape is not fully defined"),
        (lambda: tk.TensorArray(tk.float32, size=2).split([1.0, 2.0, 3.0], [1, 1]).flow,
         "sum of lengths"),
        (lambda: tk.TensorArray(tk.float32, size=3).split([1.0, 2.0], [1, 1]).flow,
         "not equal to the size of lengths"),
        (lambda: tk.TensorArray(tk.float32, size=0, dynamic_size=True, infer_shape=False)
         .stack(), "not fully defined"),
    ]
    for build, msg in cases:
        tk.reset_default_graph()
        t = build()
        with tk.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError, match=msg):
                sess.run(t)


def test_double_read_with_clear_after_read_raises():
    ta = tk.TensorArray(tk.float32, size=1).write(0, 3.0)
    a = ta.read(0)
    with tk.control_dependencies([a]):
        b = ta.read(0)
    with tk.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="twice because it was cleared"):
            sess.run([a, b])
    keep = tk.TensorArray(tk.float32, size=1, clear_after_read=False).write(0, 3.0)
    with tk.Session() as sess:
        assert sess.run([keep.read(0), keep.read(0)]) == [3.0, 3.0]


def test_element_shape_mismatch():
    ta = tk.TensorArray(tk.float32, size=2, element_shape=[2])
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        ta.write(0, [1.0, 2.0, 3.0])
    x = tk.placeholder(tk.float32, [None])
    ta2 = tk.TensorArray(tk.float32, size=2).write(0, x)
    ta2 = ta2.write(1, x * 2.0)
    with tk.Session() as sess:
        # the first write fixes the element shape at run time
        np.testing.assert_array_equal(sess.run(ta2.stack(), {x: [1.0]}), [[1.0], [2.0]])
    ta3 = tk.TensorArray(tk.float32, size=2).write(0, x).write(1, tk.concat([x, x], 0))
    with tk.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="incompatible with the "
                                                              "TensorArray's inferred"):
            sess.run(ta3.stack(), {x: [1.0]})


def test_constructor_and_dtype_errors():
    with pytest.raises(ValueError, match="Size must be provided"):
        tk.TensorArray(tk.float32)
    h = tk.TensorArray(tk.float32, size=1)
    with pytest.raises(ValueError, match="flow must not be None"):
        tk.TensorArray(tk.float32, handle=h.handle)
    with pytest.raises(ValueError, match="both a handle and size"):
        tk.TensorArray(tk.float32, size=1, handle=h.handle, flow=h.flow)
    with pytest.raises(TypeError, match="float32"):
        h.write(0, tk.constant(1, tk.int32))
    with pytest.raises(TypeError, match="integer"):
        h.read(0.5)


def test_tensor_array_as_loop_variable_with_unknown_length():
    x = tk.placeholder(tk.float32, [None, 2])
    n = tk.shape(x)[0]
    inp = tk.TensorArray(tk.float32, size=n).unstack(x)
    out = tk.TensorArray(tk.float32, size=n)

    def body(t, acc, out):
        acc = acc + inp.read(t)
        return t + 1, acc, out.write(t, acc)

    _, total, out = tk.while_loop(lambda t, a, o: t < n, body, [0, tk.zeros([2]), out])
    xv = np.arange(10, dtype=np.float32).reshape(5, 2)
    tv, cum = _run([total, out.stack()], {x: xv})
    np.testing.assert_array_equal(cum, np.cumsum(xv, axis=0))
    np.testing.assert_array_equal(tv, xv.sum(0))


def test_array_created_inside_the_body_is_new_each_iteration():
    def body(i, s):
        ta = tk.TensorArray(tk.float32, size=2).write(0, tk.cast(i, tk.float32)).write(1, 1.0)
        return i + 1, s + tk.reduce_sum(ta.stack())

    _, s = tk.while_loop(lambda i, s: i < 3, body, [0, 0.0])
    assert _run(s) == (0 + 1) + (1 + 1) + (2 + 1)


def test_gradient_of_unstack_read_and_write_stack():
    def f(x):
        ta = tk.TensorArray(tk.float64, size=3).unstack(x)
        out = tk.TensorArray(tk.float64, size=3)
        out = out.write(0, ta.read(2) * 2.0).write(1, tk.sin(ta.read(0))).write(2, ta.read(1))
        return out.stack()

    check_grad(f, np.random.default_rng(0).normal(size=(3, 2)))


def test_gradient_of_scatter_gather_split_concat():
    def f(x):
        ta = tk.TensorArray(tk.float64, size=3).scatter([2, 0, 1], x)
        y = ta.gather([1, 2]) * 3.0
        parts = tk.TensorArray(tk.float64, size=2).split(tk.reshape(y, [-1]), [1, 3])
        return parts.concat() ** 2

    check_grad(f, np.random.default_rng(1).normal(size=(3, 2)))


def test_reading_one_index_twice_accumulates_its_gradient():
    x = tk.placeholder(tk.float64, [2, 2])
    ta = tk.TensorArray(tk.float64, size=2, clear_after_read=False).unstack(x)
    y = tk.reduce_sum(ta.read(0) * 2.0 + ta.read(0) * 3.0 + ta.read(1))
    (g,) = tk.gradients(y, x)
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {x: np.ones((2, 2))}), [[5, 5], [1, 1]])


def test_gradient_through_loop_with_arrays_matches_finite_differences():
    def f(x, w):
        n = tk.shape(x)[0]
        inp = tk.TensorArray(tk.float64, size=n).unstack(x)
        out = tk.TensorArray(tk.float64, size=n)

        def body(t, h, out):
            h = tk.tanh(inp.read(t) + h * w)
            return t + 1, h, out.write(t, h * h)

        _, h, out = tk.while_loop(lambda t, h, o: t < n, body,
                                  [0, tk.zeros([3], tk.float64), out])
        return tk.concat([out.stack(), h[None]], 0)

    rng = np.random.default_rng(2)
    check_grad(f, rng.normal(size=(4, 3)), rng.normal(size=3))
