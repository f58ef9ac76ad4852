"""Session lifecycle, default sessions, InteractiveSession, kernel errors, threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import trainkit as tk


def test_closed_session_and_idempotent_close():
    c = tk.constant(1.0)
    s = tk.Session()
    assert s.run(c) == 1.0
    s.close()
    s.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        s.run(c)


def test_empty_graph():
    with tk.Session(graph=tk.Graph()) as s:
        with pytest.raises(RuntimeError, match="graph is empty"):
            s.run([])


def test_context_manager_sets_defaults_and_is_not_reentrant():
    g = tk.Graph()
    with g.as_default():
        c = tk.constant(2.0)
    s = tk.Session(graph=g)
    with s:
        assert tk.get_default_session() is s
        assert tk.get_default_graph() is g
        assert c.eval() == 2.0
        with pytest.raises(RuntimeError, match="not re-entrant"):
            s.__enter__()
    assert tk.get_default_session() is None
    with pytest.raises(RuntimeError, match="closed"):
        s.run(c)


def test_as_default_does_not_close():
    c = tk.constant(3.0)
    s = tk.Session()
    with s.as_default():
        assert c.eval() == 3.0
        c.op.run()
    assert s.run(c) == 3.0
    s.close()


def test_eval_without_default_session():
    c = tk.constant(1.0)
    with pytest.raises(ValueError, match="No default session is registered"):
        c.eval()
    with pytest.raises(ValueError, match="No default session"):
        c.op.run()


def test_interactive_session_installs_and_removes_defaults():
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [], name="x")
        y = x * 3.0
    s = tk.InteractiveSession(graph=g)
    try:
        assert tk.get_default_session() is s and tk.get_default_graph() is g
        assert y.eval({x: 2.0}) == 6.0
        with pytest.raises(AssertionError):  # a live InteractiveSession nests the graph
            tk.reset_default_graph()
    finally:
        s.close()
    assert tk.get_default_session() is None
    tk.reset_default_graph()


def test_default_session_is_thread_local():
    c = tk.constant(1.0)
    seen = {}
    with tk.Session() as s:
        t = threading.Thread(target=lambda: seen.setdefault("s", tk.get_default_session()))
        t.start()
        t.join()
        assert tk.get_default_session() is s
    assert seen["s"] is None
    del c


def test_kernel_error_is_typed_names_op_and_session_survives():
    a = tk.placeholder(tk.float32, [None], name="a")
    b = tk.placeholder(tk.float32, [None], name="b")
    c = tk.add(a, b, name="sum")
    with tk.Session() as s:
        with pytest.raises(tk.errors.InvalidArgumentError, match="AddV2 op 'sum'") as ei:
            s.run(c, {a: np.ones(2), b: np.ones(3)})
        assert ei.value.op is c.op
        assert s.run(c, {a: np.ones(2), b: np.ones(2)}).tolist() == [2.0, 2.0]


def test_many_threads_share_one_session():
    x = tk.placeholder(tk.float32, [], name="x")
    y = x * 2.0 + 1.0
    errors, results = [], {}
    with tk.Session() as s:
        def work(i):
            try:
                for _ in range(200):
                    v = s.run(y, {x: float(i)})
                    if v != 2.0 * i + 1.0:
                        errors.append((i, v))
                results[i] = v
            except Exception as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert results == {i: 2.0 * i + 1.0 for i in range(8)}


def test_plan_cache_survives_graph_growth():
    x = tk.placeholder(tk.float32, [], name="x")
    y = x + 1.0
    with tk.Session() as s:
        assert s.run(y, {x: 1.0}) == 2.0
        z = y * 10.0  # the graph grows; old plans stay valid, new fetches compile
        assert s.run(y, {x: 2.0}) == 3.0
        assert s.run(z, {x: 2.0}) == 30.0


def test_kernel_error_prefix_names_short_op_names():
    a = tk.placeholder(tk.float32, [None, None], name="a")
    b = tk.placeholder(tk.float32, [None, None], name="b")
    n = tk.matmul(a, b, name="n")  # the kernel raises its own InvalidArgumentError
    with tk.Session() as s:
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match="^MatMul op 'n': Matrix size-incompatible"):
            s.run(n, {a: np.ones((2, 3)), b: np.ones((4, 5))})


def test_graph_def_sess_str_and_devices():
    x = tk.placeholder(tk.float32, [None, 3], name="x")
    tk.add(x, 1.0, name="y")
    with tk.Session("local") as s:
        gd = s.graph_def
        assert s.sess_str == "local"
        assert [d.device_type for d in s.list_devices()] == ["CPU"]
    nodes = {n.name: n for n in gd.node}
    assert nodes["y"].op == "AddV2" and list(nodes["y"].input)[0] == "x"
    dims = [d.size for d in nodes["y"].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [-1, 3]  # unknown batch dimension, known width
