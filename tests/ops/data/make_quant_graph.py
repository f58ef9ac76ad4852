"""Writes quant_graph_tf.pb (a TF 2.21 GraphDef with every quantization op trainkit
imports) and prints TF's values on the input used by tests/ops/test_quant_graph_import.py.

    /work/venvs/tf/bin/python tests/ops/data/make_quant_graph.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

X = np.float32([[0.3, -0.7, 1.9], [5, -5, 0.01]])


def main() -> None:
    import tensorflow as tf

    t = tf.compat.v1
    t.disable_eager_execution()
    g = tf.Graph()
    with g.as_default():
        x = t.placeholder(tf.float32, [None, 3], name="x")
        q = t.quantization
        y = q.fake_quant_with_min_max_vars(x, t.constant(-1.0), t.constant(2.0), num_bits=6,
                                           name="fqv")
        z = q.fake_quant_with_min_max_args(y, -2.0, 2.0, narrow_range=True, name="fqa")
        pc = q.fake_quant_with_min_max_vars_per_channel(
            z, t.constant([-1.0, 0, -2]), t.constant([1.0, 3, 2]), name="fqpc")
        qq = q.quantize(pc, -1.0, 1.0, tf.qint8, mode="SCALED", name="q")
        d = q.dequantize(qq.output, qq.output_min, qq.output_max, mode="SCALED", name="deq")
        w = q.quantize_and_dequantize(d, -1.0, 1.0, range_given=True, name="qdq")
        q.quantize_and_dequantize_v2(w, -1.0, 1.0, num_bits=4, name="qdq2")
        q8 = q.quantize(x, -1.0, 1.0, tf.quint8, name="q8")
        c = q.quantized_concat(0, [q8.output, q8.output], [q8.output_min, -2.0],
                               [q8.output_max, 2.0], name="qc")
        q.dequantize(c.output, c.output_min, c.output_max, name="qcdeq")
        Path(__file__).with_name("quant_graph_tf.pb").write_bytes(
            g.as_graph_def().SerializeToString())
        with t.Session() as s:
            for n in ["fqv", "fqa", "fqpc", "q", "deq", "qdq", "qdq2", "qcdeq"]:
                v = s.run(n + ":0", {x: X})
                print(n, (np.asarray(v).view(np.int8) if n == "q" else v).tolist())


if __name__ == "__main__":
    main()
