"""Plan-time fusion of ``BiasAdd`` -> ``Sigmoid`` / ``Tanh`` (client/fusion.py,
ops/sigmoid_tanh_kernels.py): the fused step gives bitwise NumPy's ``1 / (exp(-(x + b))
+ 1)`` / ``tanh(x + b)`` and the unfused plan's values, is traced under the activation's
name; fetching or otherwise reading the intermediate keeps the pair apart; the in-place
form into a ``MatMul`` output never changes a value anyone else can see."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bias_act_runs
from tests.bits import bits as _bits
from tests.bits import traced as _traced
from trainkit.ops import parallel

# BiasAdd warns on inf - inf and float16 overflow, fused or not (the input has both)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
RNG = np.random.default_rng(21)
ACTS = {"sigmoid": (tk.sigmoid, "_FusedBiasAddSigmoid"),
        "tanh": (tk.tanh, "_FusedBiasAddTanh")}


def _ref(act, x, b, nchw=False):
    with np.errstate(all="ignore"):
        s = x + (b.reshape((-1,) + (1,) * (x.ndim - 2)) if nchw else b)
        if act == "tanh":
            return np.tanh(s)
        one = s.dtype.type(1)
        return one / (np.exp(-s) + one)


def _specials(a):
    flat = a.reshape(-1)
    flat[::7] = -0.0
    flat[5::13] = np.nan
    flat[6::17] = -np.inf
    flat[8::19] = np.inf
    flat[9::23] = 1e4 if a.dtype != np.float16 else 6e4
    return a


@pytest.mark.parametrize("act", sorted(ACTS))
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,dtype,fmt", [((6, 5), tk.float32, "NHWC"),
                                             ((256, 784), tk.float32, "NHWC"),
                                             ((700, 401), tk.float32, "NHWC"),
                                             ((17, 13, 11, 9), tk.float64, "NHWC"),
                                             ((8, 24, 9, 10), tk.float32, "NCHW"),
                                             ((301, 33), tk.float16, "NHWC")])
def test_fused_step_is_bitwise_numpy_and_the_unfused_plan(shape, dtype, fmt, threads, act):
    fn, kernel = ACTS[act]
    npdt = dtype.as_numpy_dtype
    x = _specials((RNG.normal(size=shape) * 3).astype(npdt))
    b = _specials((RNG.normal(size=shape[1] if fmt == "NCHW" else shape[-1]) * 3)
                  .astype(npdt))
    pre, y, fused, (got, nodes), (both, nodes2) = bias_act_runs(fn, x, b, dtype, fmt,
                                                                threads)
    ref = _ref(act, x, b, fmt == "NCHW")
    for v in fused + [got, both[0]]:
        assert v.dtype == ref.dtype
        np.testing.assert_array_equal(_bits(v), _bits(ref))
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(
            _bits(both[1]), _bits(x + (b if fmt == "NHWC" else b.reshape(-1, 1, 1))))
    assert pre.op.name not in nodes and nodes[y.op.name].op_type == kernel
    assert pre.op.name in nodes[y.op.name].timeline_label
    assert nodes2[pre.op.name].op_type == "BiasAdd"
    assert nodes2[y.op.name].op_type == y.op.type


@pytest.mark.parametrize("act", sorted(ACTS))
def test_other_readers_keep_the_pair_apart(act):
    fn, kernel = ACTS[act]
    x = RNG.normal(size=(8, 5)).astype(np.float32)
    b = RNG.normal(size=5).astype(np.float32)
    ph = tk.placeholder(tk.float32, [8, 5])
    pre = tk.nn.bias_add(ph, tk.constant(b))
    y = fn(pre)
    total = tk.reduce_sum(pre)                    # a second reader of the intermediate
    with tk.Session() as sess:
        (vy, vt), nodes = _traced(sess, [y, total], {ph: x})
        np.testing.assert_array_equal(_bits(vy), _bits(_ref(act, x, b)))
        np.testing.assert_allclose(vt, np.sum(x + b), rtol=1e-5)
        assert nodes[pre.op.name].op_type == "BiasAdd"
        fed = RNG.normal(size=(8, 5)).astype(np.float32)
        np.testing.assert_array_equal(_bits(sess.run(y, {pre: fed})),
                                      _bits(_ref(act, fed, np.zeros(5, np.float32))))
        vy, nodes = _traced(sess, y, {ph: x})
        assert pre.op.name not in nodes and nodes[y.op.name].op_type == kernel


@pytest.mark.parametrize("act", sorted(ACTS))
@pytest.mark.parametrize("threads", [1, 2])
def test_in_place_into_a_matmul_output_leaves_visible_values_alone(act, threads):
    fn, kernel = ACTS[act]
    a = tk.placeholder(tk.float32, [256, 70])
    w = tk.Variable(RNG.normal(size=(70, 300)).astype(np.float32))
    b = tk.constant(RNG.normal(size=300).astype(np.float32))
    mm = tk.matmul(a, w)
    y = fn(tk.nn.bias_add(mm, b))
    total = tk.reduce_sum(mm)
    av = RNG.normal(size=(256, 70)).astype(np.float32)
    fed_mm = RNG.normal(size=(256, 300)).astype(np.float32)
    fed_copy = fed_mm.copy()
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            wv, bv = sess.run([w, b])
            mm_v = sess.run(mm, {a: av})
            runs = [_traced(sess, y, {a: av}) for _ in range(3)]   # pooled buffers reused
            (y2, mm2), nodes2 = _traced(sess, [y, mm], {a: av})
            (y3, t3), nodes3 = _traced(sess, [y, total], {a: av})
            y4 = sess.run(y, {mm: fed_mm})
            w_after, b_after = sess.run([w, b])
    finally:
        parallel.set_kernel_threads(old)
    ref = _ref(act, mm_v, bv)
    for got, nodes in runs:
        assert nodes[y.op.name].op_type == kernel + "InPlace"
        np.testing.assert_array_equal(_bits(got), _bits(ref))
    assert nodes2[y.op.name].op_type == nodes3[y.op.name].op_type == kernel
    np.testing.assert_array_equal(_bits(mm2), _bits(mm_v))
    np.testing.assert_array_equal(_bits(y2), _bits(ref))
    np.testing.assert_array_equal(_bits(y3), _bits(ref))
    np.testing.assert_allclose(t3, mm_v.sum(dtype=np.float64), rtol=1e-4)  # pre-bias
    np.testing.assert_array_equal(_bits(y4), _bits(_ref(act, fed_copy, bv)))
    np.testing.assert_array_equal(_bits(fed_mm), _bits(fed_copy))            # untouched
    np.testing.assert_array_equal(w_after, wv)
    np.testing.assert_array_equal(b_after, bv)


def test_autoencoder_training_fuses_and_matches_a_numpy_step():
    rng = np.random.default_rng(4)
    xs = rng.random((32, 12)).astype(np.float32)
    w1 = (rng.normal(size=(12, 6)) * 0.3).astype(np.float32)
    w2 = (rng.normal(size=(6, 12)) * 0.3).astype(np.float32)
    b1 = (rng.normal(size=6) * 0.1).astype(np.float32)
    b2 = (rng.normal(size=12) * 0.1).astype(np.float32)
    x = tk.placeholder(tk.float32, [None, 12])
    v = [tk.Variable(a) for a in (w1, b1, w2, b2)]
    h = tk.sigmoid(tk.nn.bias_add(tk.matmul(x, v[0]), v[1]))
    out = tk.tanh(tk.nn.bias_add(tk.matmul(h, v[2]), v[3]))
    loss = tk.reduce_mean(tk.pow(x - out, 2.0))
    train = tk.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        (_, l0), nodes = _traced(sess, [train, loss], {x: xs})
        got = sess.run(v)
    types = sorted(n.op_type for n in nodes.values() if n.op_type.startswith("_Fused"))
    assert types == ["_FusedBiasAddSigmoidInPlace", "_FusedBiasAddTanhInPlace"]
    hn = 1 / (1 + np.exp(-(xs @ w1 + b1)))
    on = np.tanh(hn @ w2 + b2)
    np.testing.assert_allclose(l0, np.mean((xs - on) ** 2), rtol=1e-6)
    d_on = -2 * (xs - on) / xs.size * (1 - on * on)
    d_h = d_on @ w2.T * hn * (1 - hn)
    for got_v, ref in zip(got, (w1 - 0.5 * xs.T @ d_h, b1 - 0.5 * d_h.sum(0),
                                w2 - 0.5 * hn.T @ d_on, b2 - 0.5 * d_on.sum(0))):
        np.testing.assert_allclose(got_v, ref, rtol=1e-5, atol=1e-6)
