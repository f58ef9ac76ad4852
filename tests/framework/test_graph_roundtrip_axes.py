"""Graphs exported and imported again run reductions along explicit axes (their ``axis``
attribute is a tuple, which a ``GraphDef`` stores as a list): the imported graph's values
equal the original's (NumPy reference)."""

import numpy as np

import trainkit as tk

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5.0


def _build():
    x = tk.placeholder(tk.float32, [None, 3, 4], name="x")
    outs = [tk.reduce_sum(x, 1, name="s"), tk.reduce_mean(x, [0, 2], name="m"),
            tk.reduce_max(x, -1, keepdims=True, name="mx"), tk.reduce_prod(x, 2, name="p"),
            tk.argmax(x, 1, name="am")]
    return [t.name for t in outs]


def _expected():
    return [X.sum(1), X.mean((0, 2)), X.max(-1, keepdims=True), X.prod(2), X.argmax(1)]


def _check(sess, names):
    got = sess.run(names, {"x:0": X})
    for g, want in zip(got, _expected()):
        np.testing.assert_allclose(g, want, rtol=1e-6)


def test_import_graph_def_keeps_reduction_axes():
    g = tk.Graph()
    with g.as_default():
        names = _build()
    g2 = tk.Graph()
    with g2.as_default():
        tk.import_graph_def(g.as_graph_def(), name="")
        with tk.Session() as s:
            _check(s, names)


def test_meta_graph_round_trip_keeps_reduction_axes(tmp_path):
    g = tk.Graph()
    with g.as_default():
        names = _build()
        path = str(tmp_path / "g.meta")
        tk.train.export_meta_graph(path)
    g2 = tk.Graph()
    with g2.as_default():
        tk.train.import_meta_graph(path)
        with tk.Session() as s:
            _check(s, names)
