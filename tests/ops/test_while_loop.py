"""while_loop: values against hand computation / NumPy, structures, shape invariants,
maximum_iterations, nesting with loops and conds, state, and every user error."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors


def _run(fetches, feed=None):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches, feed)


def test_counts_and_doubles():
    i, x = tk.while_loop(lambda i, x: i < 5, lambda i, x: (i + 1, x * 2.0),
                         [tk.constant(0), tk.constant(1.5)])
    iv, xv = _run([i, x])
    assert iv == 5 and xv == np.float32(48.0)
    assert i.dtype is tk.int32 and x.dtype is tk.float32


def test_zero_iterations_returns_initial_values():
    x = tk.placeholder(tk.float32, [2])
    out = tk.while_loop(lambda v: tk.reduce_sum(v) < 0.0, lambda v: v + 1.0, [x])
    np.testing.assert_array_equal(_run(out, {x: [1.0, 2.0]}), [1.0, 2.0])


def test_single_loop_var_list_unpacks_unless_return_same_structure():
    v = tk.constant(0)
    r = tk.while_loop(lambda a: a < 3, lambda a: a + 1, [v])
    assert isinstance(r, tk.Tensor)
    r2 = tk.while_loop(lambda a: a < 3, lambda a: [a + 1], [v], return_same_structure=True)
    assert isinstance(r2, list) and _run(r2[0]) == 3
    r3 = tk.while_loop(lambda a: a < 3, lambda a: a + 1, v)   # a bare tensor
    assert _run(r3) == 3


def test_nested_structures_dict_namedtuple():
    Pair = collections.namedtuple("Pair", ["a", "b"])
    init = {"n": tk.constant(0), "p": Pair(tk.constant(1.0), tk.constant([1.0, 1.0]))}

    def body(s):
        return {"n": s["n"] + 1, "p": Pair(s["p"].a * 3.0, s["p"].b + s["p"].a)}

    out = tk.while_loop(lambda s: s["n"] < 3, body, init)
    assert isinstance(out["p"], Pair)
    v = _run(out)
    # a: 1, 3, 9, 27; b accumulates a before each update: 1 + 1 + 3 + 9 = 14
    assert v["n"] == 3 and v["p"].a == 27.0
    np.testing.assert_array_equal(v["p"].b, [14.0, 14.0])


def test_loop_matches_numpy_recurrence_with_captured_tensors():
    w = tk.constant(np.array([[0.5, -0.2], [0.1, 0.3]], np.float32))
    x = tk.placeholder(tk.float32, [2])
    _, h = tk.while_loop(lambda i, h: i < 7, lambda i, h: (i + 1, tk.tanh(
        tk.reshape(tk.matmul(tk.reshape(h, [1, 2]), w), [2]) + x)), [0, tk.zeros([2])])
    xv = np.array([0.3, -0.7], np.float32)
    wv = np.array([[0.5, -0.2], [0.1, 0.3]], np.float32)
    ref = np.zeros(2, np.float32)
    for _ in range(7):
        ref = np.tanh(ref @ wv + xv)
    np.testing.assert_allclose(_run(h, {x: xv}), ref, rtol=1e-6)


def test_maximum_iterations_caps_the_loop():
    i = tk.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=7)
    m = tk.placeholder(tk.int32, [])
    j = tk.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=m)
    k = tk.while_loop(lambda i: i < 3, lambda i: i + 1, [0], maximum_iterations=10)
    with tk.Session() as sess:
        assert sess.run(i) == 7
        assert sess.run(j, {m: 0}) == 0 and sess.run(j, {m: 42}) == 42
        assert sess.run(k) == 3


def test_shape_invariant_lets_a_shape_grow():
    x0 = tk.constant([1.0])
    i, x = tk.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, tk.concat([x, x], 0)),
                         [0, x0], shape_invariants=[tk.TensorShape([]),
                                                    tk.TensorShape([None])])
    assert x.shape.as_list() == [None]
    np.testing.assert_array_equal(_run(x), np.ones(8))


def test_shape_change_without_invariant_is_a_value_error():
    x0 = tk.constant([1.0])
    with pytest.raises(ValueError, match="enters the loop with shape.*shape_invariants"):
        tk.while_loop(lambda x: tk.size(x) < 8, lambda x: tk.concat([x, x], 0), [x0])


def test_incompatible_shape_invariant_is_a_value_error():
    with pytest.raises(ValueError, match="not compatible with the initial shape"):
        tk.while_loop(lambda x: True, lambda x: x, [tk.constant([1.0, 2.0])],
                      shape_invariants=[tk.TensorShape([3])])
    with pytest.raises(ValueError, match="structure of loop_vars"):
        tk.while_loop(lambda x: True, lambda x: x, [tk.constant([1.0])],
                      shape_invariants=[tk.TensorShape([1]), tk.TensorShape([1])])


def test_bad_arguments_raise_typed_errors():
    v = tk.constant(1.0)
    with pytest.raises(TypeError, match="cond must be callable"):
        tk.while_loop(None, lambda x: x, [v])
    with pytest.raises(TypeError, match="body must be callable"):
        tk.while_loop(lambda x: x < 2.0, 3, [v])
    with pytest.raises(ValueError, match="No loop variables"):
        tk.while_loop(lambda: True, lambda: (), [])
    with pytest.raises(TypeError, match="parallel_iterations"):
        tk.while_loop(lambda x: x < 2.0, lambda x: x, [v], parallel_iterations=0)
    with pytest.raises(TypeError, match="boolean scalar"):
        tk.while_loop(lambda x: x, lambda x: x, [v])
    with pytest.raises(ValueError, match="scalar"):
        tk.while_loop(lambda x: tk.constant([True, False]), lambda x: x, [v])
    with pytest.raises(TypeError, match="returns int32.*float32"):
        tk.while_loop(lambda x: x < 2.0, lambda x: tk.constant(1), [v])
    with pytest.raises(ValueError, match="structure of loop_vars"):
        tk.while_loop(lambda x, y: x < 2.0, lambda x, y: x, [v, v])
    with pytest.raises(TypeError, match="maximum_iterations must be an integer"):
        tk.while_loop(lambda x: x < 2.0, lambda x: x, [v], maximum_iterations=2.5)


def test_kernel_error_inside_the_body_names_the_inner_op():
    params = tk.constant([1.0, 2.0])
    idx2 = tk.placeholder(tk.int32, [])
    _, s2 = tk.while_loop(lambda i, s: i < 3, lambda i, s: (
        i + 1, s + tk.gather(params, idx2, name="pick2")), [0, 0.0])
    with tk.Session() as sess:
        assert sess.run(s2, {idx2: 1}) == 6.0
        with pytest.raises(errors.InvalidArgumentError, match="pick2") as ei:
            sess.run(s2, {idx2: 5})
        assert ei.value.op.name.endswith("pick2")
        assert sess.run(s2, {idx2: 0}) == 3.0   # the session stays usable


def test_fetching_a_tensor_inside_the_loop_is_an_error():
    inner = []

    def body(x):
        y = x * 2.0
        inner.append(y)
        return y

    tk.while_loop(lambda x: x < 10.0, body, [tk.constant(1.0)])
    with tk.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="inside while loop"):
            sess.run(inner[0])


def test_nested_loops_values():
    def outer(i, acc):
        j, inner = tk.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, s + j), [0, 0])
        return i + 1, acc + inner

    _, total = tk.while_loop(lambda i, acc: i < 5, outer, [0, 0])
    # sum over i<5 of sum(range(i)) = 0 + 0 + 1 + 3 + 6
    assert _run(total) == 10


def test_cond_inside_loop_and_loop_inside_cond():
    x = tk.placeholder(tk.float32, [])
    p = tk.placeholder(tk.bool, [])

    def body(i, v):
        return i + 1, tk.cond(tk.equal(i % 2, 0), lambda: v * 2.0, lambda: v + 1.0)

    _, v = tk.while_loop(lambda i, v: i < 4, body, [0, x])
    r = tk.cond(p, lambda: tk.while_loop(lambda k: k < 10.0, lambda k: k * x, [x]),
                lambda: -x)
    with tk.Session() as sess:
        assert sess.run(v, {x: 1.0}) == ((1 * 2 + 1) * 2 + 1)
        assert sess.run(r, {x: 3.0, p: True}) == 27.0
        assert sess.run(r, {x: 3.0, p: False}) == -3.0


def test_loop_not_taken_in_a_cond_does_not_run():
    v = tk.Variable(0.0)
    p = tk.placeholder(tk.bool, [])

    def body(i):
        with tk.control_dependencies([tk.assign_add(v, 1.0)]):
            return i + 1

    r = tk.cond(p, lambda: tk.while_loop(lambda i: i < 3, body, [0]), lambda: tk.constant(-1))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(r, {p: False}) == -1 and sess.run(v) == 0.0
        assert sess.run(r, {p: True}) == 3 and sess.run(v) == 3.0


def test_variable_updates_inside_the_body_are_seen_by_later_iterations():
    v = tk.Variable(1.0)

    def body(i, acc):
        with tk.control_dependencies([tk.assign(v, v * 2.0)]):
            return i + 1, acc + tk.identity(v)

    _, acc = tk.while_loop(lambda i, a: i < 3, body, [0, 0.0])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(acc) == 2.0 + 4.0 + 8.0
        assert sess.run(v) == 8.0


def test_variable_created_in_body_lives_outside_the_loop():
    def body(i, x):
        w = tk.get_variable("w", [], initializer=tk.constant_initializer(3.0))
        return i + 1, x * w

    _, x = tk.while_loop(lambda i, x: i < 2, body, [0, 1.0])
    assert [v.name for v in tk.global_variables()] == ["w:0"]
    assert _run(x) == 9.0


def test_outer_control_dependency_runs_once_before_the_loop():
    v = tk.Variable(0.0)
    inc = tk.assign_add(v, 1.0)
    with tk.control_dependencies([inc]):
        _, s = tk.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + 1.0), [0, 0.0])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(s) == 4.0
        assert sess.run(v) == 1.0


def test_loop_runs_many_iterations_in_one_run():
    n = tk.placeholder(tk.int32, [])
    i, s = tk.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tk.cast(i, tk.int64)),
                         [0, tk.constant(0, tk.int64)])
    with tk.Session() as sess:
        assert sess.run(s, {n: 20000}) == sum(range(20000))


def test_while_loop_under_monitored_session():
    x = tk.constant(2.0)
    _, y = tk.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, 1.0])
    tk.train.get_or_create_global_step()
    with tk.train.MonitoredSession() as sess:
        assert sess.run(y) == 8.0


def test_results_never_alias_a_variable_buffer():
    v = tk.Variable([1.0, 2.0])
    n = tk.placeholder(tk.int32, [])
    _, out = tk.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 2.0), [0, v])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got = sess.run(out, {n: 0})
        got[0] = 100.0   # mutating the fetched value must not touch the variable
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(out, {n: 2}), [4.0, 8.0])
