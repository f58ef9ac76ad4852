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


def fractional():
    """Sequences drawn by TF (seeded) with the outputs and gradients TF computes from them;
    then TF's raw gradient ops on hand-picked sequences."""
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(size=(2, 11, 9, 2)) * 2) / 2
    dy_full = rng.uniform(0.5, 1.5, size=(2, 11, 9, 2))
    res = {}
    for kind in ("max", "avg"):
        for pr in (False, True):
            for ov in (False, True):
                def build(kind=kind, pr=pr, ov=ov):
                    xt = tf.constant(x)
                    y, r, c = getattr(tf.nn, f"fractional_{kind}_pool")(
                        xt, [1.0, 1.6, 1.3, 1.0], pseudo_random=pr, overlapping=ov,
                        deterministic=True, seed=5, seed2=9)
                    w = tf.constant(dy_full[:, :6, :6])
                    return [y, r, c, tf.gradients(y, xt, grad_ys=w)[0]]
                y, r, c, g = run(build)
                res[f"{kind}_{int(pr)}{int(ov)}"] = (r.tolist(), c.tolist(), fp(y), fp(g))
    rows, cols = [0, 3, 4, 6, 9, 11], [0, 1, 3, 5, 9]
    for ov in (False, True):
        def raw(ov=ov):
            dy = tf.constant(dy_full[:, :5, :4])
            xt = tf.constant(x)
            mg = tf.raw_ops.FractionalMaxPoolGrad(
                orig_input=xt, orig_output=tf.zeros([2, 5, 4, 2], tf.float64),
                out_backprop=dy, row_pooling_sequence=rows, col_pooling_sequence=cols,
                overlapping=ov)
            ag = tf.raw_ops.FractionalAvgPoolGrad(
                orig_input_tensor_shape=[2, 11, 9, 2], out_backprop=dy,
                row_pooling_sequence=rows, col_pooling_sequence=cols, overlapping=ov)
            return [mg, ag]
        res[f"raw_{int(ov)}"] = [fp(v) for v in run(raw)]
    def pseudo():
        t = tf.constant(np.zeros((1, 40, 37, 1)))
        return [tf.nn.fractional_max_pool(t, [1.0, q, q + 0.2, 1.0], pseudo_random=True,
                                          deterministic=True, seed=s, seed2=1)[1:]
                for s, q in ((1, 1.3), (2, 1.7), (3, 2.5), (4, 3.9))]
    res["pseudo_sequences"] = [[a.tolist() for a in v] for v in run(pseudo)]
    return res


if __name__ == "__main__":
    for section in (morphology, fractional):
        for key, val in section().items():
            print(f"    {key!r}: {val},")
