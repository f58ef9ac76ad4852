"""Graphs with while loops survive a complete export: ``as_graph_def`` +
``import_graph_def``, and ``Saver.save`` + ``import_meta_graph`` + ``restore`` in a fresh
graph (the TF1 restore idiom) give bitwise the outputs of the original graph, and the
simple loops also the NumPy reference. A restored training graph (gradient loops) takes
the same step as the original."""

import json

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.RandomState(0)
SEQ = RNG.randn(3, 5, 4).astype(np.float32)
LABELS = np.array([0, 2, 1], np.int64)
LENGTHS = np.array([5, 3, 4], np.int32)


def _while():
    x = tk.placeholder(tk.float32, [None], name="x")
    _, y = tk.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v * 2.0 + 1.0),
                         [tk.constant(0), x], name="loop")
    return {"x:0": SEQ[0, 0]}, [tk.identity(y, name="y")]


def _while_ref():
    v = SEQ[0, 0]
    for _ in range(4):
        v = v * np.float32(2.0) + np.float32(1.0)
    return [v]


def _map_fn():
    x = tk.placeholder(tk.float32, [None, 4], name="x")
    w = tk.constant(np.arange(4, dtype=np.float32), name="w")
    y = tk.map_fn(lambda r: tk.reduce_sum(r * w) + tk.reduce_max(r), x)
    return {"x:0": SEQ[0]}, [tk.identity(y, name="y")]


def _map_fn_ref():
    return [np.array([(r * np.arange(4, dtype=np.float32)).sum() + r.max()
                      for r in SEQ[0]], np.float32)]


def _scan():
    x = tk.placeholder(tk.float32, [None, 4], name="x")
    y = tk.scan(lambda acc, r: acc * 0.5 + r, x, initializer=tk.zeros([4]))
    return {"x:0": SEQ[1]}, [tk.identity(y, name="y")]


def _scan_ref():
    acc, out = np.zeros(4, np.float32), []
    for r in SEQ[1]:
        acc = acc * np.float32(0.5) + r
        out.append(acc)
    return [np.stack(out)]


def _nested():
    x = tk.placeholder(tk.float32, [], name="x")

    def outer(i, v):
        _, w = tk.while_loop(lambda j, u: j < i, lambda j, u: (j + 1, u + v),
                             [tk.constant(0), tk.constant(0.0)], name="inner")
        return i + 1, v + w

    _, y = tk.while_loop(lambda i, v: i < 4, outer, [tk.constant(0), x], name="outer")
    return {"x:0": 1.5}, [tk.identity(y, name="y")]


def _nested_ref():
    v = 1.5
    for i in range(4):
        v = v + i * v
    return [np.float32(v)]


def _lstm(train=False):
    x = tk.placeholder(tk.float32, [None, 5, 4], name="x")
    lengths = tk.placeholder(tk.int32, [None], name="lengths")
    labels = tk.placeholder(tk.int64, [None], name="labels")
    # (a projection keeps the step-by-step loop: plain LSTMs run as one fused op)
    cell = tk.nn.rnn_cell.LSTMCell(6, num_proj=5,
                                   initializer=tk.glorot_uniform_initializer(seed=1))
    _, state = tk.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tk.float32)
    logits = tk.layers.dense(state.h, 3, kernel_initializer=tk.glorot_uniform_initializer(
        seed=2))
    loss = tk.reduce_mean(tk.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits), name="loss")
    outs = [tk.identity(logits, name="logits"), loss]
    if train:
        tk.train.GradientDescentOptimizer(0.5).minimize(loss, name="train")
    return {"x:0": SEQ, "lengths:0": LENGTHS, "labels:0": LABELS}, outs


CASES = {"while": (_while, _while_ref), "map_fn": (_map_fn, _map_fn_ref),
         "scan": (_scan, _scan_ref), "nested": (_nested, _nested_ref),
         "lstm": (_lstm, None)}


def _run_original(build):
    g = tk.Graph()
    with g.as_default():
        feed, outs = build()
        names = [t.name for t in outs]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            want = s.run(names, feed)
            consts = tk.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), [n[:-2] for n in names])
    return g, feed, names, want, consts


def _assert_same(got, want):
    for a, b in zip(got, want):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", sorted(CASES))
def test_graph_def_round_trip_runs_loops_bitwise(case):
    build, ref = CASES[case]
    g, feed, names, want, consts = _run_original(build)
    if ref is not None:
        for a, b in zip(want, ref()):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    gd = consts if case == "lstm" else g.as_graph_def()
    assert any("_tk_frame" in n.attr for n in gd.node)
    with tk.Graph().as_default():
        tk.import_graph_def(gd, name="")
        with tk.Session() as s:
            _assert_same(s.run(names, feed), want)


@pytest.mark.parametrize("case", sorted(CASES))
def test_import_graph_def_under_a_prefix(case):
    build, _ = CASES[case]
    g, feed, names, want, consts = _run_original(build)
    gd = consts if case == "lstm" else g.as_graph_def()
    with tk.Graph().as_default():
        tk.import_graph_def(gd, name="imp")
        with tk.Session() as s:
            got = s.run(["imp/" + n for n in names], {"imp/" + k: v for k, v in feed.items()})
    _assert_same(got, want)


@pytest.mark.parametrize("case", sorted(CASES))
def test_saver_meta_graph_restore_runs_loops_bitwise(case, tmp_path):
    build, _ = CASES[case]
    path = str(tmp_path / "model")
    g = tk.Graph()
    with g.as_default():
        feed, outs = build()
        names = [t.name for t in outs]
        tk.Variable(3.0, name="counter")  # so every case has a checkpoint
        saver = tk.train.Saver()
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            want = s.run(names, feed)
            saver.save(s, path)
    with tk.Graph().as_default():
        saver = tk.train.import_meta_graph(path + ".meta")
        with tk.Session() as s:
            saver.restore(s, path)
            _assert_same(s.run(names, feed), want)


def test_restored_training_graph_takes_the_same_step(tmp_path):
    path = str(tmp_path / "model")
    with tk.Graph().as_default():
        feed, outs = _lstm(train=True)
        saver = tk.train.Saver()
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            saver.save(s, path)
            s.run("train", feed)
            want = s.run(["loss:0"], feed) + s.run(tk.trainable_variables())
    with tk.Graph().as_default() as g2:
        saver = tk.train.import_meta_graph(path + ".meta")
        assert any(op.type == "WhileGrad" for op in g2.get_operations())
        with tk.Session() as s:
            saver.restore(s, path)
            s.run("train", feed)
            got = s.run(["loss:0"], feed) + s.run(tk.trainable_variables())
    assert len(got) == 6 and not np.array_equal(got[1], _initial_kernel(path))
    _assert_same(got, want)


def _initial_kernel(path):
    return tk.train.load_variable(path, "rnn/lstm_cell/kernel")


def test_gradients_of_an_imported_loop_match_the_original():
    def build():
        x = tk.placeholder(tk.float32, [], name="x")
        _, y = tk.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * v),
                             [tk.constant(0), x], name="loop")
        return tk.identity(y, name="y")

    with tk.Graph().as_default() as g:
        build()
    with tk.Graph().as_default() as g2:
        tk.import_graph_def(g.as_graph_def(), name="")
        (dx,) = tk.gradients(g2.get_tensor_by_name("y:0"), [g2.get_tensor_by_name("x:0")])
        with tk.Session() as s:
            # y = x ** 8, dy/dx = 8 x ** 7
            np.testing.assert_allclose(s.run(dx, {"x:0": 1.1}), 8 * 1.1 ** 7, rtol=1e-5)


def _py_func_loop():
    x = tk.placeholder(tk.float32, [], name="x")
    _, y = tk.while_loop(
        lambda i, v: i < 2,
        lambda i, v: (i + 1, tk.reshape(tk.py_func(lambda a: a * 2, [v], tk.float32), [])),
        [tk.constant(0), x], name="loop")
    return tk.identity(y, name="y")


def test_loop_with_a_python_object_in_its_body_stays_refused():
    with tk.Graph().as_default() as g:
        _py_func_loop()
    gd = g.as_graph_def()
    node = next(n for n in gd.node if n.name == "loop")
    assert "_tk_frame" not in node.attr
    assert list(node.attr["_tk_unserializable"].list.s) == [b"frame"]
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="cannot be rebuilt"):
            tk.import_graph_def(gd, name="")


def test_meta_graph_import_leaves_out_a_loop_with_a_python_object(tmp_path, caplog):
    with tk.Graph().as_default():
        _py_func_loop()
        tk.train.export_meta_graph(str(tmp_path / "m.meta"))
    with tk.Graph().as_default() as g2:
        tk.train.import_meta_graph(str(tmp_path / "m.meta"))
        names = {op.name for op in g2.get_operations()}
    assert "x" in names and "loop" not in names and "y" not in names
    assert "could not be rebuilt" in caplog.text


def test_a_broken_frame_record_is_a_value_error():
    with tk.Graph().as_default() as g:
        _while()
    gd = g.as_graph_def()
    node = next(n for n in gd.node if n.name == "loop")
    rec = json.loads(node.attr["_tk_frame"].s)
    rec["outputs"] = ["no_such_op:0"]
    node.attr["_tk_frame"].s = json.dumps(rec).encode()
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="node 'loop' \\(While\\) cannot be rebuilt"):
            tk.import_graph_def(gd, name="")
    node.attr["_tk_frame"].s = b'{"format": 99}'
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="unknown format"):
            tk.import_graph_def(gd, name="")
