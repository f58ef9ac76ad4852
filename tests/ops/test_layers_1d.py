"""Conv1D and 1-D pooling (``tk.nn.max_pool1d``/``avg_pool1d``, ``tk.layers.max_pooling1d`` /
``average_pooling1d`` and the ``MaxPooling1D`` / ``AveragePooling1D`` classes) against a
NumPy reference, finite differences, and TF 2.21 numbers (tf.compat.v1.layers, same
inputs, recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _ref_pool1d(x, k, s, padding, kind):
    """NumPy 1-D pooling of ``[b, w, c]`` (SAME: TF's padding, averages over real entries)."""
    w = x.shape[1]
    if padding == "VALID":
        out_w, before = (w - k) // s + 1, 0
    else:
        out_w = -(-w // s)
        before = max((out_w - 1) * s + k - w, 0) // 2
    out = np.empty((x.shape[0], out_w, x.shape[2]), x.dtype)
    for i in range(out_w):
        lo = i * s - before
        win = x[:, max(lo, 0):min(lo + k, w), :]
        out[:, i, :] = win.max(1) if kind == "max" else win.mean(1)
    return out


X = np.sin(np.arange(2 * 7 * 3, dtype=np.float32).reshape(2, 7, 3) * 1.7).astype(np.float32)
# TF 2.21, tf.compat.v1.layers.<kind>_pooling1d(X or its NCW transpose, 3, 2, padding):
# the sum of the output and of (gradient of sum(y * cos(arange)) wrt X) * arange.
TF = {("max", "valid", "channels_last"): (11.328810691833496, -57.402079657651484),
      ("max", "valid", "channels_first"): (11.328810691833496, -47.11923284921795),
      ("max", "same", "channels_last"): (12.903423309326172, -39.482300993055105),
      ("max", "same", "channels_first"): (12.903423309326172, -18.67170662805438),
      ("average", "valid", "channels_last"): (0.05805331468582153, -43.399279532022774),
      ("average", "valid", "channels_first"): (0.05805319547653198, -47.16368475463241),
      ("average", "same", "channels_last"): (0.27535033226013184, -39.241638192906976),
      ("average", "same", "channels_first"): (0.27535033226013184, -22.13675176538527)}


@pytest.mark.parametrize("key", sorted(TF))
def test_layers_pooling1d_matches_numpy_and_tf(key):
    kind, pad, fmt = key
    x = tk.constant(X)
    inp = x if fmt == "channels_last" else tk.transpose(x, [0, 2, 1])
    y = getattr(tk.layers, f"{kind}_pooling1d")(inp, 3, 2, padding=pad, data_format=fmt)
    n = int(np.prod(y.shape.as_list()))
    w = tk.constant(np.cos(np.arange(40)).astype(np.float32)[:n].reshape(y.shape.as_list()))
    (g,) = tk.gradients(tk.reduce_sum(y * w), [x])
    with tk.Session() as sess:
        yv, gv = sess.run([y, g])
    ref = _ref_pool1d(X, 3, 2, pad.upper(), kind)
    if fmt == "channels_first":
        ref = ref.transpose(0, 2, 1)
    np.testing.assert_allclose(yv, ref, rtol=1e-6, atol=1e-7)
    ysum, gsum = TF[key]
    np.testing.assert_allclose(yv.sum(), ysum, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose((gv * np.arange(gv.size).reshape(gv.shape)).sum(), gsum,
                               rtol=1e-5)


@pytest.mark.parametrize("pool", ["max_pool1d", "avg_pool1d"])
@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("fmt", ["NWC", "NCW"])
def test_nn_pool1d_gradients_by_finite_differences(pool, padding, fmt):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 6, 3) if fmt == "NWC" else (2, 3, 6))

    def fn(t):
        return getattr(tk.nn, pool)(t, ksize=3, strides=2, padding=padding, data_format=fmt)

    check_grad(fn, x)


def test_pooling1d_classes_names_and_shapes():
    x = tk.constant(X)
    layer = tk.layers.MaxPooling1D(2, 1, padding="same")
    y = layer(x)
    z = tk.layers.AveragePooling1D(pool_size=2, strides=2)(x)
    assert y.shape.as_list() == [2, 7, 3] and z.shape.as_list() == [2, 3, 3]
    assert layer.name == "max_pooling1d" and layer.variables == []
    with tk.Session() as sess:
        yv, zv = sess.run([y, z])
    np.testing.assert_allclose(yv.sum(), 13.022136688232422, rtol=1e-6)  # TF 2.21
    np.testing.assert_allclose(yv, _ref_pool1d(X, 2, 1, "SAME", "max"))
    np.testing.assert_allclose(zv, _ref_pool1d(X, 2, 2, "VALID", "avg"), rtol=1e-6)


def test_pooling1d_errors():
    with pytest.raises(ValueError, match="expected ndim=3"):
        tk.layers.max_pooling1d(tk.zeros([2, 3, 4, 5]), 2, 2)
    with pytest.raises(ValueError):
        tk.layers.average_pooling1d(tk.zeros([2, 3, 4]), 0, 2)
    with pytest.raises(ValueError, match="data_format"):
        tk.nn.max_pool1d(tk.zeros([2, 3, 4]), 2, 2, "VALID", data_format="NHC")


def test_conv1d_class_owns_its_variables_and_equals_numpy():
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(2, 7, 3)).astype(np.float32)
    x = tk.placeholder(tk.float32, [None, 7, 3])
    layer = tk.layers.Conv1D(4, 3, strides=2, padding="same",
                             bias_initializer=tk.constant_initializer(0.5))
    y1, y2 = layer(x), layer(x)
    assert [v.op.name for v in layer.trainable_variables] == ["conv1d/kernel", "conv1d/bias"]
    assert len(tk.global_variables()) == 2 and y1.shape.as_list() == [None, 4, 4]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b, k = sess.run([y1, y2, layer.kernel], {x: xv})
    xp = np.pad(xv, [(0, 0), (1, 1), (0, 0)])  # SAME, k=3, s=2, w=7: one each side
    ref = np.stack([np.einsum("bkc,kcf->bf", xp[:, 2 * i:2 * i + 3], k) for i in range(4)], 1)
    np.testing.assert_allclose(a, ref + 0.5, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(a, b)
