"""Quantization ops in GraphDefs: a GraphDef written by TF 2.21 (fake quant args / vars /
per channel, QuantizeV2 -> qint8 and quint8, Dequantize, QuantizeAndDequantizeV2/V4,
QuantizedConcat; rebuilt by data/make_quant_graph.py) imports and runs to TF's values, and
trainkit's own GraphDef round-trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

PB = Path(__file__).with_name("data") / "quant_graph_tf.pb"
X = np.float32([[0.3, -0.7, 1.9], [5, -5, 0.01]])  # make_quant_graph.X
# TF 2.21 (graph mode) on X
TF_VALUES = {
    "fqv": [[0.2857142984867096, -0.7142857313156128, 1.9047619104385376], [2.0, -1.0, 0.0]],
    "fqa": [[0.28346455097198486, -0.7086614370346069, 1.9055118560791016],
            [2.0, -0.9921259880065918, 0.0]],
    "fqpc": [[0.2823529541492462, 0.0, 1.8980393409729004], [1.003921627998352, 0.0, 0.0]],
    "q": [[36, 0, 127], [127, 0, 0]],
    "deq": [[0.28346455097198486, 0.0, 1.0], [1.0, 0.0, 0.0]],
    "qdq": [[0.28346455097198486, 0.0, 1.0], [1.0, 0.0, 0.0]],
    "qdq2": [[0.2857142984867096, 0.0, 1.0], [1.0, 0.0, 0.0]],
    "qcdeq": [[0.30588245391845703, -0.698039174079895, 1.0117650032043457],
              [1.0117650032043457, -0.996078372001648, 0.023529529571533203],
              [0.60392165184021, -1.4039216041564941, 2.0],
              [2.0, -2.0, 0.023529529571533203]],
}


def test_tf_graph_def_imports_and_runs_to_tf_values():
    pb = pytest.importorskip("trainkit.framework.meta_graph_proto").protos()
    gd = pb.GraphDef.FromString(PB.read_bytes())
    with tk.Graph().as_default() as g:
        tk.import_graph_def(gd, name="")
        assert g.get_tensor_by_name("q:0").dtype is tk.qint8
        with tk.Session() as sess:
            got = sess.run({k: f"{k}:0" for k in TF_VALUES}, {"x:0": X})
    for k, want in TF_VALUES.items():
        np.testing.assert_array_equal(got[k], np.asarray(want, got[k].dtype), err_msg=k)


def test_own_graph_def_round_trips():
    with tk.Graph().as_default() as g:
        x = tk.placeholder(tk.float32, [None, 3], name="x")
        q = tk.quantize(x, [-1.0, 0.0, -2.0], [1.0, 1.0, 2.0], tk.quint16, axis=1,
                        mode="SCALED", narrow_range=True, name="q")
        tk.dequantize(q.output, q.output_min, q.output_max, mode="SCALED", axis=1,
                      narrow_range=True, name="d")
        tk.quantization.fake_quant_with_min_max_vars_per_channel(
            x, [-1.0, 0.0, -2.0], [1.0, 1.0, 2.0], num_bits=5, name="f")
        with tk.Session() as sess:
            want = sess.run(["q:0", "d:0", "f:0"], {x: X})
        gd = g.as_graph_def()
    with tk.Graph().as_default():
        tk.import_graph_def(gd, name="")
        with tk.Session() as sess:
            got = sess.run(["q:0", "d:0", "f:0"], {"x:0": X})
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
