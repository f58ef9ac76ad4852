"""Plan-time fusion of ``BiasAdd`` -> ``Relu`` (client/fusion.py): the fused step gives
bitwise the values of NumPy's ``maximum(x + b, 0)`` and of the unfused plan; the traced
step is named after the ``Relu``; fetching, feeding or otherwise reading the
intermediate, a control dependency on the ``BiasAdd`` or ``partial_run`` keep the pair
apart, and each then gets its own value. The in-place form (into a ``Conv2D`` /
``MatMul`` output only the step reads) never changes a value anyone else can see: a
fetched, fed or otherwise read producer output, a variable or a constant keeps its
value."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bias_act_runs
from tests.bits import bits as _bits
from tests.bits import traced as _traced
from trainkit.client import inter_op
from trainkit.ops import parallel

RNG = np.random.default_rng(5)


def _ref(x, b, nchw=False):
    s = x + (b.reshape((-1,) + (1,) * (x.ndim - 2)) if nchw else b)
    return np.where(s > 0, s, np.maximum(s, 0))


def _specials(a):
    flat = a.reshape(-1)
    flat[::7] = -0.0
    flat[5::13] = np.nan
    flat[6::17] = -np.inf
    flat[8::19] = np.inf
    return a


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,dtype,fmt", [((6, 5), tk.float32, "NHWC"),
                                             ((50, 28, 28, 32), tk.float32, "NHWC"),
                                             ((17, 13, 11, 9), tk.float64, "NHWC"),
                                             ((8, 24, 9, 10), tk.float32, "NCHW"),
                                             ((40, 33), tk.float16, "NHWC")])
def test_fused_step_is_bitwise_numpy_and_the_unfused_plan(shape, dtype, fmt, threads):
    npdt = dtype.as_numpy_dtype
    x = _specials((RNG.normal(size=shape) * 3).astype(npdt))
    b = _specials((RNG.normal(size=shape[1] if fmt == "NCHW" else shape[-1]) * 3)
                  .astype(npdt))
    pre, y, fused, (got, nodes), (both, nodes2) = bias_act_runs(tk.nn.relu, x, b, dtype, fmt,
                                                                threads)
    ref = _ref(x, b, fmt == "NCHW")
    for v in fused + [got, both[0]]:
        assert v.dtype == ref.dtype
        np.testing.assert_array_equal(_bits(v), _bits(ref))
    np.testing.assert_array_equal(_bits(both[1]), _bits(x + (b if fmt == "NHWC" else
                                                              b.reshape(-1, 1, 1))))
    assert pre.op.name not in nodes and nodes[y.op.name].op_type == "_FusedBiasAddRelu"
    assert pre.op.name in nodes[y.op.name].timeline_label
    assert nodes2[pre.op.name].op_type == "BiasAdd" and nodes2[y.op.name].op_type == "Relu"


def test_fed_intermediate_is_used_and_fed_inputs_still_fuse():
    x = RNG.normal(size=(4, 6)).astype(np.float32)
    b = RNG.normal(size=6).astype(np.float32)
    ph = tk.placeholder(tk.float32, [None, 6])
    bias = tk.placeholder(tk.float32, [6])
    pre = tk.nn.bias_add(ph, bias)
    y = tk.nn.relu(pre)
    fed_pre = RNG.normal(size=(4, 6)).astype(np.float32)
    with tk.Session() as sess:
        out, nodes = _traced(sess, y, {pre: fed_pre})
        np.testing.assert_array_equal(out, np.maximum(fed_pre, 0))
        assert pre.op.name not in nodes and nodes[y.op.name].op_type == "Relu"
        out, nodes = _traced(sess, y, {ph: x, bias: b})
        np.testing.assert_array_equal(out, _ref(x, b))
        assert nodes[y.op.name].op_type == "_FusedBiasAddRelu"


def test_other_readers_and_control_dependencies_keep_the_pair_apart():
    x = RNG.normal(size=(8, 5)).astype(np.float32)
    b = RNG.normal(size=5).astype(np.float32)
    ph = tk.placeholder(tk.float32, [8, 5])
    pre = tk.nn.bias_add(ph, tk.constant(b))
    y = tk.nn.relu(pre)
    total = tk.reduce_sum(pre)                    # a second reader of the intermediate
    pre2 = tk.nn.bias_add(ph, tk.constant(b))
    with tk.control_dependencies([pre2]):
        after = tk.identity(ph)                   # waits on the BiasAdd
    y2 = tk.nn.relu(pre2)
    with tk.Session() as sess:
        (vy, vt), nodes = _traced(sess, [y, total], {ph: x})
        np.testing.assert_array_equal(vy, _ref(x, b))
        np.testing.assert_allclose(vt, np.sum(x + b), rtol=1e-5)
        assert nodes[pre.op.name].op_type == "BiasAdd"
        (vy2, va), nodes = _traced(sess, [y2, after], {ph: x})
        np.testing.assert_array_equal(vy2, _ref(x, b))
        assert nodes[pre2.op.name].op_type == "BiasAdd"
        # the Relu alone (its BiasAdd not needed by anything else) fuses again
        vy, nodes = _traced(sess, y, {ph: x})
        assert pre.op.name not in nodes


def test_fused_pair_in_a_cond_branch():
    x = RNG.normal(size=(3, 4)).astype(np.float32)
    b = RNG.normal(size=4).astype(np.float32)
    ph = tk.placeholder(tk.float32, [3, 4])
    flag = tk.placeholder(tk.bool, [])
    out = tk.cond(flag, lambda: tk.nn.relu(tk.nn.bias_add(ph, tk.constant(b))),
                  lambda: ph * 2.0)
    with tk.Session() as sess:
        got, nodes = _traced(sess, out, {ph: x, flag: True})
        np.testing.assert_array_equal(got, _ref(x, b))
        assert any(n.op_type == "_FusedBiasAddRelu" for n in nodes.values())
        np.testing.assert_array_equal(sess.run(out, {ph: x, flag: False}), x * 2)


def test_wrong_bias_size_names_the_bias_add():
    ph = tk.placeholder(tk.float32, [None, None])
    bias = tk.placeholder(tk.float32, [None])
    pre = tk.nn.bias_add(ph, bias, name="the_bias_add")
    y = tk.nn.relu(pre)
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError) as info:
        sess.run(y, {ph: np.ones((2, 3), np.float32), bias: np.ones(2, np.float32)})
    assert info.value.op is pre.op and "as many biases" in str(info.value)


def test_partial_run_keeps_the_intermediate():
    x = RNG.normal(size=(3, 4)).astype(np.float32)
    b = RNG.normal(size=4).astype(np.float32)
    ph = tk.placeholder(tk.float32, [3, 4])
    pre = tk.nn.bias_add(ph, tk.constant(b))
    y = tk.nn.relu(pre)
    with tk.Session() as sess:
        h = sess.partial_run_setup([y, pre], [ph])
        np.testing.assert_array_equal(sess.partial_run(h, y, {ph: x}), _ref(x, b))
        np.testing.assert_array_equal(sess.partial_run(h, pre), x + b)


def _train_mlp(forced_threads, seed=3):
    g = tk.Graph()
    with g.as_default():
        tk.set_random_seed(seed)
        rng = np.random.default_rng(seed)
        xs = rng.normal(size=(64, 20)).astype(np.float32)
        ys = rng.integers(0, 5, 64)
        x = tk.placeholder(tk.float32, [None, 20])
        lab = tk.placeholder(tk.int64, [None])
        h = tk.layers.dense(x, 64, activation=tk.nn.relu)
        h = tk.layers.dense(h, 32, activation=tk.nn.relu)
        logits = tk.layers.dense(h, 5)
        loss = tk.reduce_mean(tk.nn.sparse_softmax_cross_entropy_with_logits(
            labels=lab, logits=logits))
        train = tk.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = tk.global_variables_initializer()
    inter_op.force(forced_threads)
    try:
        sess = tk.Session(graph=g)
    finally:
        inter_op.force(None)
    with sess:
        sess.run(init)
        losses = [sess.run([train, loss], {x: xs, lab: ys})[1] for _ in range(5)]
        _, nodes = _traced(sess, [train, loss], {x: xs, lab: ys})
        # both dense layers: MatMul -> BiasAdd -> Relu, written into the MatMul's output
        assert sum(n.op_type == "_FusedBiasAddReluInPlace" for n in nodes.values()) == 2
        return losses, sess.run(g.get_collection(tk.GraphKeys.TRAINABLE_VARIABLES))


def test_training_with_fused_steps_is_bitwise_on_concurrent_schedules():
    plain = _train_mlp(None)
    conc = _train_mlp(2)
    np.testing.assert_array_equal(plain[0], conc[0])
    for a, c in zip(plain[1], conc[1]):
        np.testing.assert_array_equal(_bits(a), _bits(c))


def test_training_with_fused_steps_matches_the_numpy_forward():
    g = tk.Graph()
    with g.as_default():
        rng = np.random.default_rng(0)
        w = rng.normal(size=(7, 9)).astype(np.float32)
        b = rng.normal(size=9).astype(np.float32)
        xs = rng.normal(size=(11, 7)).astype(np.float32)
        x = tk.placeholder(tk.float32, [None, 7])
        wv, bv = tk.Variable(w), tk.Variable(b)
        y = tk.nn.relu(tk.nn.bias_add(tk.matmul(x, wv), bv))
        loss = tk.reduce_sum(y)
        gw, gb = tk.gradients(loss, [wv, bv])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            vy, vgw, vgb = sess.run([y, gw, gb], {x: xs})
    s = xs @ w + b
    mask = (s > 0).astype(np.float32)
    np.testing.assert_allclose(vy, np.maximum(s, 0), rtol=1e-6)
    np.testing.assert_allclose(vgb, mask.sum(0), rtol=1e-6)
    np.testing.assert_allclose(vgw, xs.T @ mask, rtol=1e-5)


def _conv_net():
    rng = np.random.default_rng(8)
    x = tk.placeholder(tk.float32, [None, 9, 9, 3])
    w = tk.constant(rng.normal(size=(3, 3, 3, 40)).astype(np.float32))
    b = tk.constant(rng.normal(size=40).astype(np.float32))
    conv = tk.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    y = tk.nn.relu(tk.nn.bias_add(conv, b))
    return x, conv, b, y, rng.normal(size=(30, 9, 9, 3)).astype(np.float32)


@pytest.mark.parametrize("threads", [1, 2])
def test_in_place_step_is_bitwise_and_leaves_visible_values_alone(threads):
    x, conv, b, y, xs = _conv_net()
    total = tk.reduce_sum(conv)
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            conv_v = sess.run(conv, {x: xs})                   # the producer alone
            bv = sess.run(b)
            ref = _ref(conv_v, bv)
            runs = [_traced(sess, y, {x: xs}) for _ in range(3)]  # pooled buffers reused
            (y2, conv2), nodes2 = _traced(sess, [y, conv], {x: xs})
            (y3, t3), nodes3 = _traced(sess, [y, total], {x: xs})
            bv_after = sess.run(b)
    finally:
        parallel.set_kernel_threads(old)
    for got, nodes in runs:
        assert nodes[y.op.name].op_type == "_FusedBiasAddReluInPlace"
        np.testing.assert_array_equal(_bits(got), _bits(ref))
    # the conv output fetched or read by another op: fused, but not written into
    assert nodes2[y.op.name].op_type == "_FusedBiasAddRelu"
    assert nodes3[y.op.name].op_type == "_FusedBiasAddRelu"
    np.testing.assert_array_equal(_bits(conv2), _bits(conv_v))
    np.testing.assert_array_equal(_bits(y2), _bits(ref))
    np.testing.assert_array_equal(_bits(y3), _bits(ref))
    np.testing.assert_allclose(t3, conv_v.sum(dtype=np.float64), rtol=1e-4)  # pre-bias
    np.testing.assert_array_equal(bv_after, bv)


def test_in_place_never_writes_into_a_fed_array_a_variable_or_a_constant():
    rng = np.random.default_rng(9)
    a = tk.placeholder(tk.float32, [64, 70])
    w = tk.Variable(rng.normal(size=(70, 80)).astype(np.float32))
    b = tk.constant(rng.normal(size=80).astype(np.float32))
    mm = tk.matmul(a, w)
    y = tk.nn.relu(tk.nn.bias_add(mm, b))
    v = tk.Variable(rng.normal(size=(64, 80)).astype(np.float32))
    yv = tk.nn.relu(tk.nn.bias_add(v.read_value(), b))          # a variable's value
    c = tk.constant(rng.normal(size=(64, 80)).astype(np.float32))
    yc = tk.nn.relu(tk.nn.bias_add(c, b))                       # a constant
    av = rng.normal(size=(64, 70)).astype(np.float32)
    fed_mm = rng.normal(size=(64, 80)).astype(np.float32)
    fed_copy = fed_mm.copy()
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        wv, bv, v0, c0 = sess.run([w, b, v, c])
        got, nodes = _traced(sess, y, {a: av})
        assert nodes[y.op.name].op_type == "_FusedBiasAddReluInPlace"
        np.testing.assert_array_equal(_bits(got), _bits(_ref(sess.run(mm, {a: av}), bv)))
        np.testing.assert_array_equal(sess.run(y, {mm: fed_mm}), _ref(fed_copy, bv))
        np.testing.assert_array_equal(_bits(fed_mm), _bits(fed_copy))   # untouched
        (gv, gc), nodes = _traced(sess, [yv, yc], {})
        assert nodes[yv.op.name].op_type == nodes[yc.op.name].op_type == "_FusedBiasAddRelu"
        np.testing.assert_array_equal(gv, _ref(v0, bv))
        np.testing.assert_array_equal(gc, _ref(c0, bv))
        np.testing.assert_array_equal(sess.run(v), v0)
        np.testing.assert_array_equal(sess.run(c), c0)
        np.testing.assert_array_equal(sess.run(w), wv)
