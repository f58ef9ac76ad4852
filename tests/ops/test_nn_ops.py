"""nn ops against NumPy reference implementations: activations, softmax, losses, dropout,
moments, conv2d and pooling."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors

RNG = np.random.default_rng(7)


def run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

ACTIVATIONS = {
    "relu": (tk.nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (tk.nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    "leaky_relu": (lambda x: tk.nn.leaky_relu(x, alpha=0.1),
                   lambda x: np.where(x > 0, x, 0.1 * x)),
    "elu": (tk.nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    "selu": (tk.nn.selu, lambda x: SELU_S * np.where(x > 0, x, SELU_A * (np.exp(x) - 1))),
    "softplus": (tk.nn.softplus, lambda x: np.log1p(np.exp(x))),
    "softsign": (tk.nn.softsign, lambda x: x / (1 + np.abs(x))),
    "sigmoid": (tk.nn.sigmoid, sigmoid),
    "tanh": (tk.nn.tanh, np.tanh),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation(name, dtype):
    fn, ref = ACTIVATIONS[name]
    a = (RNG.normal(size=(3, 4)) * 4).astype(dtype)
    x = tk.placeholder(tk.as_dtype(dtype), [None, 4])
    y = fn(x)
    assert y.shape.as_list() == [None, 4] and y.dtype is x.dtype
    v = run(y, {x: a})
    assert v.dtype == dtype
    np.testing.assert_allclose(v, ref(a.astype(np.float64)),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


def test_softplus_is_stable_for_large_inputs():
    v = run(tk.nn.softplus(tk.constant([-1000.0, 1000.0])))
    np.testing.assert_allclose(v, [0.0, 1000.0])


def test_relu_int_and_float_only_errors():
    np.testing.assert_array_equal(run(tk.nn.relu(tk.constant([-2, 3]))), [0, 3])
    with pytest.raises(TypeError, match="floating"):
        tk.nn.elu(tk.constant([1, 2]))


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_log_softmax(axis):
    a = RNG.normal(size=(3, 4, 2)) * 50  # large: checks stability
    x = tk.constant(a)
    s, ls = tk.nn.softmax(x, axis=axis), tk.nn.log_softmax(x, axis=axis)
    sv, lv = run([s, ls])
    m = a - a.max(axis=axis, keepdims=True)
    ref_l = m - np.log(np.exp(m).sum(axis=axis, keepdims=True))
    np.testing.assert_allclose(lv, ref_l, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sv, np.exp(ref_l), rtol=1e-10, atol=1e-300)
    assert np.all(np.isfinite(lv))


def test_softmax_bad_axis():
    with pytest.raises(ValueError, match="axis 2"):
        tk.nn.softmax(tk.zeros([2, 2]), axis=2)


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
def test_bias_add(fmt):
    a = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)
    b = RNG.normal(size=(3 if fmt == "NCHW" else 5,)).astype(np.float32)
    y = tk.nn.bias_add(tk.constant(a), tk.constant(b), data_format=fmt)
    ref = a + (b.reshape(1, 3, 1, 1) if fmt == "NCHW" else b)
    np.testing.assert_allclose(run(y), ref, rtol=1e-6)


def test_bias_add_errors():
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tk.nn.bias_add(tk.zeros([2, 3]), tk.zeros([4]))
    with pytest.raises(ValueError, match="rank 1"):
        tk.nn.bias_add(tk.zeros([2, 3]), tk.zeros([1, 3]))
    x = tk.placeholder(tk.float32, [None, None])
    with pytest.raises(errors.InvalidArgumentError, match="BiasAdd.*biases"):
        run(tk.nn.bias_add(x, tk.zeros([3])), {x: np.zeros((2, 4))})


def test_l2_loss():
    a = RNG.normal(size=(3, 4))
    v = run(tk.nn.l2_loss(tk.constant(a)))
    np.testing.assert_allclose(v, np.sum(a * a) / 2)
    assert run(tk.nn.l2_loss(tk.constant(a.astype(np.float32)))).dtype == np.float32


def test_sigmoid_cross_entropy():
    x = RNG.normal(size=(4, 3)) * 30
    z = RNG.uniform(size=(4, 3))
    v = run(tk.nn.sigmoid_cross_entropy_with_logits(labels=tk.constant(z),
                                                    logits=tk.constant(x)))
    ref = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(v, ref, rtol=1e-12)
    small = np.array([[0.3, -1.2]])
    zs = np.array([[1.0, 0.0]])
    p = sigmoid(small)
    np.testing.assert_allclose(
        run(tk.nn.sigmoid_cross_entropy_with_logits(labels=zs, logits=small)),
        -zs * np.log(p) - (1 - zs) * np.log(1 - p), rtol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        tk.nn.sigmoid_cross_entropy_with_logits(labels=tk.zeros([2]), logits=tk.zeros([3]))
    with pytest.raises(ValueError, match="named arguments"):
        tk.nn.sigmoid_cross_entropy_with_logits(tk.zeros([2]), tk.zeros([2]))


@pytest.mark.parametrize("fn", [tk.nn.softmax_cross_entropy_with_logits_v2,
                                tk.nn.softmax_cross_entropy_with_logits])
def test_softmax_cross_entropy(fn):
    x = RNG.normal(size=(5, 4)) * 40
    z = RNG.dirichlet(np.ones(4), size=5)
    loss = fn(labels=tk.constant(z), logits=tk.constant(x))
    assert loss.shape.as_list() == [5]
    m = x - x.max(1, keepdims=True)
    ref = -(z * (m - np.log(np.exp(m).sum(1, keepdims=True)))).sum(1)
    np.testing.assert_allclose(run(loss), ref, rtol=1e-10)


def test_softmax_cross_entropy_axis_and_errors():
    x = RNG.normal(size=(3, 4))
    z = RNG.dirichlet(np.ones(3), size=4).T
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x, axis=0)
    m = x - x.max(0)
    ref = -(z * (m - np.log(np.exp(m).sum(0)))).sum(0)
    np.testing.assert_allclose(run(loss), ref, rtol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        tk.nn.softmax_cross_entropy_with_logits_v2(labels=tk.zeros([2, 3]),
                                                   logits=tk.zeros([2, 4]))
    lab = tk.placeholder(tk.float32, [None, None])
    bad = tk.nn.softmax_cross_entropy_with_logits_v2(labels=lab, logits=tk.zeros([2, 4]))
    with pytest.raises(errors.InvalidArgumentError, match="same size"):
        run(bad, {lab: np.zeros((2, 3))})


def test_sparse_softmax_cross_entropy():
    x = RNG.normal(size=(6, 5)) * 40
    y = np.array([0, 4, 2, 2, 1, 3])
    loss = tk.nn.sparse_softmax_cross_entropy_with_logits(labels=tk.constant(y),
                                                          logits=tk.constant(x))
    assert loss.shape.as_list() == [6] and loss.dtype is tk.float64
    m = x - x.max(1, keepdims=True)
    logp = m - np.log(np.exp(m).sum(1, keepdims=True))
    np.testing.assert_allclose(run(loss), -logp[np.arange(6), y], rtol=1e-10)


def test_sparse_softmax_cross_entropy_errors():
    with pytest.raises(ValueError, match="Rank mismatch"):
        tk.nn.sparse_softmax_cross_entropy_with_logits(labels=tk.zeros([2, 3], tk.int32),
                                                       logits=tk.zeros([2, 3]))
    with pytest.raises(ValueError, match="Shape mismatch"):
        tk.nn.sparse_softmax_cross_entropy_with_logits(labels=tk.zeros([3], tk.int32),
                                                       logits=tk.zeros([2, 3]))
    with pytest.raises(TypeError, match="int32 or int64"):
        tk.nn.sparse_softmax_cross_entropy_with_logits(labels=tk.zeros([2]),
                                                       logits=tk.zeros([2, 3]))
    lab = tk.placeholder(tk.int32, [None])
    loss = tk.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=tk.zeros([2, 3]),
                                                          name="xent")
    with pytest.raises(errors.InvalidArgumentError,
                       match="xent.*label value of 3 which is outside the valid range"):
        run(loss, {lab: [0, 3]})


# -- dropout --------------------------------------------------------------------------------
def test_dropout_scaling_and_rate():
    tk.set_random_seed(3)
    x = tk.ones([200, 50])
    y = tk.nn.dropout(x, keep_prob=0.8)
    v = run(y)
    assert set(np.unique(v).tolist()) <= {0.0, 1.25}
    assert abs((v == 0).mean() - 0.2) < 0.02
    v2 = run(tk.nn.dropout(tk.ones([1000]), rate=0.5, seed=1))
    assert set(np.unique(v2).tolist()) == {0.0, 2.0}


@pytest.mark.parametrize("dtype", [tk.float16, tk.float32, tk.float64])
@pytest.mark.parametrize("keep", [0.3, 0.8, 1.0])
def test_dropout_output_is_exactly_zero_or_x_times_the_rounded_scale(dtype, keep):
    """As TF 2.21 computes it for a Python ``keep_prob``: ``rate = 1. - keep``, the scale
    ``1 / (1 - rate)`` in double rounded to the dtype, kept entries ``x * scale`` and
    dropped ones +0.0 (selected, not multiplied)."""
    tk.set_random_seed(5)
    x = tk.ones([300, 70], dtype=dtype)
    v = run(tk.nn.dropout(x, keep_prob=keep))
    np_dt = v.dtype
    assert np_dt == dtype.as_numpy_dtype
    scale = np_dt.type(1 / (1 - (1.0 - keep)))
    kept = v != 0
    np.testing.assert_array_equal(v[kept], np.full(kept.sum(), scale, np_dt))
    assert not np.signbit(v[~kept]).any()          # +0.0, never -0.0
    assert abs(kept.mean() - keep) < 0.02


def test_dropout_seeds_replay_and_runs_differ():
    tk.set_random_seed(11)
    y = tk.nn.dropout(tk.ones([100]), rate=0.5, seed=5)
    with tk.Session() as s1:
        a, b = s1.run(y), s1.run(y)
    with tk.Session() as s2:
        c = s2.run(y)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    tk.reset_default_graph()
    tk.set_random_seed(11)
    y2 = tk.nn.dropout(tk.ones([100]), rate=0.5, seed=5)
    np.testing.assert_array_equal(run(y2), a)


def test_dropout_noise_shape_and_tensor_keep_prob():
    kp = tk.placeholder(tk.float32, [])
    y = tk.nn.dropout(tk.ones([4, 6]), keep_prob=kp, noise_shape=[4, 1], seed=2)
    v = run(y, {kp: 0.5})
    for row in v:
        assert len(set(row.tolist())) == 1  # one draw per row, broadcast
    np.testing.assert_array_equal(run(y, {kp: 1.0}), np.ones((4, 6)))
    # TF has no run-time check: x / (1 - rate) is inf, and no u >= 1 keeps any of it
    np.testing.assert_array_equal(run(y, {kp: 0.0}), np.zeros((4, 6)))


def test_dropout_errors():
    x = tk.ones([3])
    with pytest.raises(ValueError, match="both"):
        tk.nn.dropout(x, keep_prob=0.5, rate=0.5)
    with pytest.raises(ValueError, match="range \\(0, 1\\]"):
        tk.nn.dropout(x, keep_prob=0.0)
    with pytest.raises(ValueError, match="range \\[0, 1\\)"):
        tk.nn.dropout(x, rate=1.0)
    with pytest.raises(ValueError, match="floating point"):
        tk.nn.dropout(tk.constant([1, 2]), rate=0.5)


def test_moments():
    a = RNG.normal(size=(4, 3, 2))
    m, v = tk.nn.moments(tk.constant(a), axes=[0, 1])
    assert m.shape.as_list() == [2]
    mk, vk = tk.nn.moments(tk.constant(a), axes=[0], keepdims=True)
    assert mk.shape.as_list() == [1, 3, 2]
    mv, vv, mkv, vkv = run([m, v, mk, vk])
    np.testing.assert_allclose(mv, a.mean((0, 1)))
    np.testing.assert_allclose(vv, a.var((0, 1)))
    np.testing.assert_allclose(vkv, a.var(0, keepdims=True))


# -- conv2d and pooling ---------------------------------------------------------------------
def conv_ref(x, w, strides, padding, dil=(1, 1)):
    """Direct (loop) NHWC convolution used as an independent oracle."""
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    sh, sw = strides
    dh, dw = dil
    ekh, ekw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-wd // sw)
        ph = max((oh - 1) * sh + ekh - h, 0)
        pw = max((ow - 1) * sw + ekw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - ekh) // sh + 1, (wd - ekw) // sw + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + ekh:dh, j * sw:j * sw + ekw:dw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.mark.parametrize("shape,k,strides,padding,dil", [
    ((2, 7, 6, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((1, 8, 8, 2), (5, 3, 2, 3), (2, 2), "SAME", (1, 1)),
    ((2, 7, 9, 1), (2, 4, 1, 2), (3, 2), "VALID", (1, 1)),
    ((1, 9, 9, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
])
def test_conv2d_matches_direct_convolution(shape, k, strides, padding, dil):
    x, w = RNG.normal(size=shape), RNG.normal(size=k)
    y = tk.nn.conv2d(tk.constant(x), tk.constant(w), [1, *strides, 1], padding,
                     dilations=[1, *dil, 1])
    ref = conv_ref(x, w, strides, padding, dil)
    assert y.shape.as_list() == list(ref.shape)
    np.testing.assert_allclose(run(y), ref, rtol=1e-10, atol=1e-12)


def test_conv2d_nchw_unknown_batch_float32():
    x = RNG.normal(size=(3, 2, 6, 5)).astype(np.float32)
    w = RNG.normal(size=(3, 3, 2, 4)).astype(np.float32)
    p = tk.placeholder(tk.float32, [None, 2, 6, 5])
    y = tk.nn.conv2d(p, w, strides=[1, 1, 2, 2], padding="SAME", data_format="NCHW")
    assert y.shape.as_list() == [None, 4, 3, 3] and y.dtype is tk.float32
    ref = conv_ref(x.transpose(0, 2, 3, 1).astype(np.float64), w, (2, 2), "SAME")
    np.testing.assert_allclose(run(y, {p: x}), ref.transpose(0, 3, 1, 2), rtol=1e-4,
                               atol=1e-4)


def test_conv2d_errors():
    with pytest.raises(ValueError, match="Depth of input \\(3\\) must match"):
        tk.nn.conv2d(tk.zeros([1, 4, 4, 3]), tk.zeros([2, 2, 2, 1]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="padding"):
        tk.nn.conv2d(tk.zeros([1, 4, 4, 1]), tk.zeros([2, 2, 1, 1]), [1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match="rank 4"):
        tk.nn.conv2d(tk.zeros([4, 4, 1]), tk.zeros([2, 2, 1, 1]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="negative"):
        tk.nn.conv2d(tk.zeros([1, 2, 2, 1]), tk.zeros([3, 3, 1, 1]), [1, 1, 1, 1], "VALID")
    p = tk.placeholder(tk.float32, [None, None, None, None])
    with pytest.raises(errors.InvalidArgumentError, match="Conv2D"):
        run(tk.nn.conv2d(p, tk.zeros([2, 2, 1, 1]), [1, 1, 1, 1], "SAME"),
            {p: np.zeros((1, 3, 3, 2))})


def pool_ref(x, k, s, padding, kind):
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        ph = max((oh - 1) * s[0] + k[0] - h, 0)
        pw = max((ow - 1) * s[1] + k[1] - w, 0)
        top, left = ph // 2, pw // 2
    else:
        oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
        top = left = 0
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - top, j * s[1] - left
            win = x[:, max(r0, 0):r0 + k[0], max(c0, 0):c0 + k[1], :]
            out[:, i, j] = win.max((1, 2)) if kind == "max" else win.mean((1, 2))
    return out


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("k,s,padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                         ((2, 3), (1, 2), "SAME"), ((3, 2), (2, 1), "VALID")])
def test_pooling(kind, k, s, padding):
    x = RNG.normal(size=(2, 7, 6, 3))
    fn = tk.nn.max_pool if kind == "max" else tk.nn.avg_pool
    y = fn(tk.constant(x), [1, *k, 1], [1, *s, 1], padding)
    ref = pool_ref(x, k, s, padding, kind)
    assert y.shape.as_list() == list(ref.shape)
    np.testing.assert_allclose(run(y), ref, rtol=1e-12)


def test_max_pool2d_int_args_and_nchw():
    x = RNG.normal(size=(1, 2, 4, 4)).astype(np.float32)
    y = tk.nn.max_pool2d(tk.constant(x), 2, 2, "VALID", data_format="NCHW")
    ref = pool_ref(x.transpose(0, 2, 3, 1), (2, 2), (2, 2), "VALID", "max")
    np.testing.assert_allclose(run(y), ref.transpose(0, 3, 1, 2), rtol=1e-6)
    with pytest.raises(ValueError, match="batch and depth"):
        tk.nn.max_pool(tk.zeros([1, 4, 4, 1]), [2, 2, 2, 1], [1, 1, 1, 1], "SAME")


@pytest.mark.parametrize("fn", [tk.nn.softmax_cross_entropy_with_logits_v2,
                                tk.nn.softmax_cross_entropy_with_logits])
def test_softmax_xent_casts_labels_to_logits_dtype(fn):
    # TF casts labels (float64 NumPy one-hots are the usual case) to the logits' dtype.
    logits = tk.constant([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], dtype=tk.float32)
    lab64 = np.array([[0.0, 1.0, 0.0], [0.2, 0.0, 0.8]])
    loss = fn(labels=lab64, logits=logits)
    loss_int = fn(labels=tk.constant([[0, 1, 0], [0, 0, 1]]), logits=logits)
    assert loss.dtype is tk.float32 and loss_int.dtype is tk.float32
    g = tk.gradients(tk.reduce_sum(loss), logits)[0]
    with tk.Session() as sess:
        out, out_int, gv = sess.run([loss, loss_int, g])
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    np.testing.assert_allclose(out, -(lab64 * logp).sum(1), rtol=1e-6)
    np.testing.assert_allclose(out_int, [-logp[0, 1], -logp[1, 2]], rtol=1e-6)
    np.testing.assert_allclose(gv, np.exp(logp) - lab64, rtol=1e-5, atol=1e-7)
    with pytest.raises(TypeError, match="labels must be numeric"):
        fn(labels=tk.constant([["a", "b", "c"]] * 2), logits=logits)
