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


def _grads(y, xs, seed):
    w = np.random.default_rng(seed).uniform(0.5, 1.5, y.shape.as_list())
    return [y] + tf.gradients(y, xs, grad_ys=tf.constant(w, y.dtype))


def conv_transposes():
    rng = np.random.default_rng(5)
    res = {}

    def case(key, x, w, fn):
        def build():
            xt, wt = tf.constant(x), tf.constant(w)
            return _grads(fn(xt, wt), [xt, wt], 1)
        res[key] = [fp(v) for v in run(build)]

    x3, d3 = rng.normal(size=(2, 5, 4, 6, 3)), rng.normal(size=(2, 5, 2, 6, 4))
    res["bf3_same"] = [fp(run(lambda: tf.nn.conv3d_backprop_filter(
        tf.constant(x3), [3, 2, 3, 3, 4], tf.constant(d3), [1, 1, 2, 1, 1], "SAME")))]
    d3v = rng.normal(size=(2, 2, 3, 2, 4))
    res["bf3_valid"] = [fp(run(lambda: tf.nn.conv3d_backprop_filter_v2(
        tf.constant(x3), [2, 2, 3, 3, 4], tf.constant(d3v), [1, 2, 1, 2, 1], "VALID")))]
    case("ct1", rng.normal(size=(2, 5, 4)), rng.normal(size=(3, 6, 4)),
         lambda x, w: tf.nn.conv_transpose(x, w, [2, 10, 6], 2))
    case("ct2_same", rng.normal(size=(2, 4, 5, 3)), rng.normal(size=(3, 3, 2, 3)),
         lambda x, w: tf.nn.conv_transpose(x, w, [2, 8, 10, 2], [2, 2]))
    case("ct2_valid", rng.normal(size=(2, 4, 5, 3)), rng.normal(size=(3, 2, 2, 3)),
         lambda x, w: tf.nn.conv_transpose(x, w, [2, 6, 6, 2], [1, 1, 1, 1], "VALID"))
    case("ct3", rng.normal(size=(1, 3, 4, 3, 2)), rng.normal(size=(2, 2, 2, 3, 2)),
         lambda x, w: tf.nn.conv_transpose(x, w, [1, 6, 8, 6, 3], 2))
    xa, wa = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(3, 3, 2, 3))
    case("at_same", xa, wa, lambda x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 5, 6, 2], 2, "SAME"))
    case("at_valid", xa, wa, lambda x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 9, 10, 2], 2, "VALID"))
    case("at_same3", xa, wa, lambda x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 5, 6, 2], 3, "SAME"))
    case("at_rate1", xa, wa, lambda x, w: tf.nn.atrous_conv2d_transpose(
        x, w, [2, 5, 6, 2], 1, "SAME"))
    return res


def space_to_batch_wrapper():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(2, 7, 8, 3)), rng.normal(size=(3, 2, 3, 4))
    res = {}

    def conv(inp, nsd, pad, w=w):
        assert nsd == 2
        return tf.nn.conv2d(inp, tf.constant(w), [1, 1, 1, 1], pad)

    def pool1(inp, nsd, pad):
        return tf.nn.max_pool(inp, [1, 3, 1, 1], [1, 1, 1, 1], pad)

    for key, rate, pad, fs, op, sd in (("same", [2, 3], "SAME", [3, 2], conv, None),
                                       ("valid", [2, 2], "VALID", None, conv, None),
                                       ("rate1", [1, 1], "SAME", [3, 2], conv, None),
                                       ("pool_h", [3], "SAME", [3], pool1, [1])):
        def build(rate=rate, pad=pad, fs=fs, op=op, sd=sd):
            xt = tf.constant(x)
            y = tf.nn.with_space_to_batch(xt, rate, pad, op, filter_shape=fs,
                                          spatial_dims=sd)
            return _grads(y, [xt], 2)
        res[f"wsb_{key}"] = [fp(v) for v in run(build)]
    return res


def ctc():
    rng = np.random.default_rng(8)
    logits = rng.normal(size=(6, 2, 5)).astype(np.float32)  # TF fails on float64
    dense = np.array([[1, 2, 2, 4], [3, 1, 0, 0]], np.int32)
    res = {}
    for key, blank in (("dense0", None), ("dense2", 2), ("dense_m1", -1)):
        def build(blank=blank):
            lt = tf.constant(logits)
            labels = dense if blank != -1 else dense - 1
            loss = tf.nn.ctc_loss_v2(labels, lt, [3, 2], [6, 5], blank_index=blank)
            return _grads(loss, [lt], 3)
        res[f"ctc_{key}"] = [v.tolist() if i == 0 else fp(v)
                             for i, v in enumerate(run(build))]
    for key, blank in (("sparse_m1", -1), ("sparse1", 1)):
        def build(blank=blank):
            lt = tf.constant(np.transpose(logits, [1, 0, 2]))
            sp = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]],
                                 tf.constant([0, 2, 2, 3, 0], tf.int32), [2, 4])
            loss = tf.nn.ctc_loss_v2(sp, lt, None, [6, 5], logits_time_major=False,
                                     blank_index=blank)
            return _grads(loss, [lt], 4)
        res[f"ctc_{key}"] = [v.tolist() if i == 0 else fp(v)
                             for i, v in enumerate(run(build))]

    def beam():
        dec, lp = tf.nn.ctc_beam_search_decoder_v2(
            tf.constant(logits[:, :, :4]), [6, 4], beam_width=3,
            top_paths=2)
        return [[d.indices, d.values, d.dense_shape] for d in dec] + [lp]
    out = run(beam)
    res["beam"] = [[a.tolist() for a in p] for p in out[:2]] + [out[2].tolist()]
    return res


if __name__ == "__main__":
    for section in (morphology, fractional, conv_transposes, space_to_batch_wrapper, ctc):
        for key, val in section().items():
            print(f"    {key!r}: {val},")
