"""make_callable, partial_run and session tensor handles."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_make_callable_positional_feeds_and_options():
    a = tk.placeholder(tk.float32, [], name="a")
    b = tk.placeholder(tk.float32, [], name="b")
    c = a * b
    with tk.Session() as s:
        f = s.make_callable([c, c.op], feed_list=[a, b])
        assert f(2.0, 3.0) == [6.0, None]
        g = s.make_callable(c.op, [a, b])
        assert g(1.0, 1.0) is None
        h = s.make_callable(c, [a, b], accept_options=True)
        md = tk.RunMetadata()
        assert h(2.0, 2.0, options=tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE),
                 run_metadata=md) == 4.0
        assert any(n.node_name == c.op.name for n in md.step_stats.dev_stats[0].node_stats)
        with pytest.raises(TypeError, match="2 positional"):
            f(1.0)
        with pytest.raises(TypeError, match="list or tuple"):
            s.make_callable(c, feed_list=a)


def test_partial_run_seed_example():
    a = tk.placeholder(tk.float32, shape=[])
    b = tk.placeholder(tk.float32, shape=[])
    c = tk.placeholder(tk.float32, shape=[])
    r1 = tk.add(a, b)
    r2 = tk.multiply(r1, c)
    sess = tk.Session()
    h = sess.partial_run_setup([r1, r2], [a, b, c])
    res = sess.partial_run(h, r1, feed_dict={a: 1, b: 2})
    res = sess.partial_run(h, r2, feed_dict={c: res})
    assert res == 9.0
    sess.close()


def test_partial_run_errors_and_independent_handles():
    a = tk.placeholder(tk.float32, [], name="a")
    b = tk.placeholder(tk.float32, [], name="b")
    r = a + b
    extra = a * 2.0
    with tk.Session() as s:
        h1 = s.partial_run_setup([r], [a, b])
        h2 = s.partial_run_setup([r], [a, b])
        s.partial_run(h1, [], {a: 1.0})
        with pytest.raises(tk.errors.InvalidArgumentError, match="already been fed"):
            s.partial_run(h1, [], {a: 2.0})
        with pytest.raises(tk.errors.InvalidArgumentError, match="not specified"):
            s.partial_run(h1, extra, {b: 1.0})
        c = tk.placeholder(tk.float32, [], name="c")
        with pytest.raises(tk.errors.InvalidArgumentError, match="c:0"):
            s.partial_run(h1, r, {c: 1.0})
        assert s.partial_run(h2, r, {a: 10.0, b: 5.0}) == 15.0
        assert s.partial_run(h1, r, {b: 3.0}) == 4.0
        with pytest.raises(tk.errors.InvalidArgumentError, match="unknown"):
            s.partial_run("bogus", r)


def test_session_handles_round_trip():
    c = tk.constant([1.0, 2.0])
    h_t = tk.get_session_handle(c * 3.0)
    holder, value = tk.get_session_tensor(h_t, tk.float32)
    del_holder, delete = tk.delete_session_tensor(h_t)
    with tk.Session() as s:
        h = s.run(h_t)
        assert isinstance(h, tk.TensorHandle)
        assert h.eval().tolist() == [3.0, 6.0]
        assert s.run(value, {holder: h.handle}).tolist() == [3.0, 6.0]
        assert s.run(value * 2.0, {holder: h}).tolist() == [6.0, 12.0]
        s.run(delete, {del_holder: h.handle})
        with pytest.raises(tk.errors.NotFoundError, match="not found"):
            s.run(value, {holder: h.handle})
        with pytest.raises(tk.errors.NotFoundError):
            h.eval()
    assert isinstance(np.float32(0), np.floating)
