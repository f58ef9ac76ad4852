"""Records TF 2.21's numbers for tests/ops/test_morphology_ops.py,
test_fractional_pool_ops.py, test_conv_transpose_nd.py, test_with_space_to_batch.py and
test_ctc_v2.py: run with TF's venv (``/work/venvs/tf/bin/python -m
tests.ops.data.make_nn_extras_reference``) and paste the printed fingerprints
(shape, sum, index-weighted sum) into the tests."""

from __future__ import annotations

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_eager_execution()


def fp(a):
    a = np.asarray(a, np.float64)
    return (tuple(a.shape), float(a.sum()), float((a.ravel() * np.arange(a.size)).sum()))


def run(build):
    g = tf.Graph()
    with g.as_default():
        out = build()
        with tf.Session() as s:
            return s.run(out)


def morphology():
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(2, 6, 7, 3)) * 2) / 2  # halves: many ties
    k = np.round(rng.normal(size=(3, 2, 3)) * 2) / 2
    res = {}
    for name, st, rt, pad in (("same", [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
                              ("valid_s2", [1, 2, 1, 1], [1, 1, 2, 1], "VALID"),
                              ("same_r2s2", [1, 2, 2, 1], [1, 2, 2, 1], "SAME")):
        for op in ("dilation2d", "erosion2d"):
            def build(op=op, st=st, rt=rt, pad=pad):
                xt, kt = tf.constant(x), tf.constant(k)
                y = getattr(tf.nn, op)(xt, kt, st, rt, pad)
                w = tf.constant(np.arange(np.prod(y.shape.as_list())).reshape(
                    y.shape.as_list()) % 5 - 1.5)
                return [y] + tf.gradients(y, [xt, kt], grad_ys=w)
            res[f"{op}_{name}"] = [fp(v) for v in run(build)]
    return res


if __name__ == "__main__":
    for section in (morphology,):
        for key, val in section().items():
            print(f"    {key!r}: {val},")
