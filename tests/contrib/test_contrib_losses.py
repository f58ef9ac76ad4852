"""``tk.contrib.losses`` against NumPy transcriptions of TF 1.15's contrib loss formulas
(``tensorflow/contrib/losses/python/losses/loss_ops.py``: leading-dimension weights,
non-zero-weight counting, ``mean_pairwise_squared_error``'s per-sample sum), written here
by hand; gradients against finite differences of those NumPy formulas."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf

CL = tf.contrib.losses
RNG = np.random.RandomState(2)
PRED = RNG.uniform(-1, 1, [4, 3]).astype(np.float32)
LAB = RNG.uniform(-1, 1, [4, 3]).astype(np.float32)
W_BATCH = np.array([1.0, 0.0, 2.0, 0.5], np.float32)


def _run(fetch, feed=None):
    with tf.Session() as s:
        return s.run(fetch, feed)


def np_weighted(losses, weights):
    """contrib's compute_weighted_loss: weights over the leading dimensions."""
    losses = np.asarray(losses, np.float64)
    w = np.asarray(weights, np.float64)
    if w.ndim > 1 and w.shape[-1] == 1:
        w = w[..., 0]
    full = np.broadcast_to(w.reshape(w.shape + (1,) * (losses.ndim - w.ndim)), losses.shape)
    if w.ndim == 0:
        count = losses.size if w != 0 else 0
    else:
        count = np.count_nonzero(full)
    return 0.0 if count == 0 else float(np.sum(losses * full) / count)


@pytest.mark.parametrize("weights", [1.0, 0.0, 2.5, W_BATCH, W_BATCH[:, None],
                                     np.where(PRED > 0, 1.0, 0.0).astype(np.float32)])
def test_weighting_of_mean_squared_error(weights):
    got = _run(CL.mean_squared_error(PRED, LAB, weights=weights))
    np.testing.assert_allclose(got, np_weighted((PRED - LAB) ** 2, weights), rtol=1e-6)


def test_per_sample_weights_apply_to_losses_of_any_rank():
    p = RNG.uniform(0, 1, [2, 3, 4]).astype(np.float32)
    y = RNG.uniform(0, 1, [2, 3, 4]).astype(np.float32)
    got = _run(CL.absolute_difference(p, y, weights=[3.0, 0.0]))
    # Only sample 0 counts: 12 losses, each weighted by 3.
    np.testing.assert_allclose(got, 3 * np.abs(p[0] - y[0]).sum() / 12, rtol=1e-6)


def test_elementwise_losses_match_formulas():
    prob = RNG.uniform(0.05, 0.95, [4, 3]).astype(np.float32)
    y01 = (RNG.uniform(0, 1, [4, 3]) > 0.5).astype(np.float32)
    got = _run(CL.log_loss(prob, y01, weights=W_BATCH, epsilon=1e-7))
    ll = -y01 * np.log(prob + 1e-7) - (1 - y01) * np.log(1 - prob + 1e-7)
    np.testing.assert_allclose(got, np_weighted(ll, W_BATCH), rtol=1e-5)
    hinge = CL.hinge_loss(PRED, y01)
    np.testing.assert_allclose(_run(hinge), np.maximum(0, 1 - (2 * y01 - 1) * PRED), rtol=1e-6)
    assert hinge.shape.as_list() == [4, 3] and hinge not in tf.get_collection("losses")
    unit_p = PRED / np.linalg.norm(PRED, axis=1, keepdims=True)
    unit_y = LAB / np.linalg.norm(LAB, axis=1, keepdims=True)
    got = _run([CL.cosine_distance(unit_p, unit_y, axis=1, weights=W_BATCH),
                CL.cosine_distance(unit_p, unit_y, dim=1)])
    cos = 1 - np.sum(unit_p * unit_y, 1)
    np.testing.assert_allclose(got, [np_weighted(cos, W_BATCH), cos.mean()], rtol=1e-5)


def _np_softmax_xent(logits, onehot):
    z = logits - logits.max(1, keepdims=True)
    return -(onehot * (z - np.log(np.exp(z).sum(1, keepdims=True)))).sum(1)


def test_cross_entropies_take_logits_first_and_smooth():
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
    got = _run(CL.softmax_cross_entropy(PRED, onehot, W_BATCH, label_smoothing=0.3))
    smooth = onehot * 0.7 + 0.1
    np.testing.assert_allclose(got, np_weighted(_np_softmax_xent(PRED, smooth), W_BATCH),
                               rtol=1e-5)
    got = _run(CL.sparse_softmax_cross_entropy(PRED, np.array([[0], [2], [1], [2]]),
                                               weights=W_BATCH[:, None]))
    np.testing.assert_allclose(got, np_weighted(_np_softmax_xent(PRED, onehot), W_BATCH),
                               rtol=1e-5)
    labels = (LAB > 0).astype(np.float32)
    got = _run(CL.sigmoid_cross_entropy(PRED, labels, label_smoothing=0.2))
    y = labels * 0.8 + 0.1
    sig = np.maximum(PRED, 0) - PRED * y + np.log1p(np.exp(-np.abs(PRED)))
    np.testing.assert_allclose(got, sig.mean(), rtol=1e-5)


def test_mean_pairwise_squared_error_sums_weighted_samples():
    w = np.array([1.0, 0.5, 0.0, 2.0], np.float32)
    got = _run(CL.mean_pairwise_squared_error(PRED, LAB, weights=w))
    d = (PRED - LAB).astype(np.float64)
    per = [np.mean((row[:, None] - row[None, :]) ** 2) for row in d]   # all ordered pairs
    # TF 1.15 contrib sums the weighted per-sample values (no division by the batch).
    np.testing.assert_allclose(got, np.sum(w * per), rtol=1e-5)
    assert _run(CL.mean_pairwise_squared_error(PRED, LAB, weights=0.0)) == 0


def test_collection_helpers():
    a = CL.mean_squared_error(PRED, LAB)
    b = CL.absolute_difference(PRED, LAB, weights=W_BATCH)
    extra = tf.constant(2.0)
    CL.add_loss(extra)
    reg = tf.constant(0.25)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, reg)
    assert CL.get_losses() == [a, b, extra]
    assert CL.get_regularization_losses() == [reg]
    total, no_reg = _run([CL.get_total_loss(), CL.get_total_loss(False)])
    want = np_weighted((PRED - LAB) ** 2, 1.0) + np_weighted(np.abs(PRED - LAB), W_BATCH) + 2
    np.testing.assert_allclose([total, no_reg], [want + 0.25, want], rtol=1e-6)
    c = CL.compute_weighted_loss(np.ones([2, 2], np.float64), weights=[1.0, 0.0])
    assert c.dtype == tf.float64 and _run(c) == 1.0 and c in CL.get_losses()


def test_gradients_match_finite_differences():
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
    x = tf.placeholder(tf.float32, [4, 3])
    losses = [
        (CL.softmax_cross_entropy(x, onehot, W_BATCH, label_smoothing=0.1),
         lambda v: np_weighted(_np_softmax_xent(v, onehot * 0.9 + 0.1 / 3), W_BATCH)),
        (CL.mean_squared_error(x, LAB, weights=W_BATCH[:, None]),
         lambda v: np_weighted((v - LAB) ** 2, W_BATCH)),
    ]
    for loss, np_loss in losses:
        g = _run(tf.gradients(loss, x)[0], {x: PRED})
        num = np.zeros([4, 3])
        for idx in np.ndindex(4, 3):
            hi, lo = PRED.astype(np.float64), PRED.astype(np.float64)
            hi[idx] += 1e-6
            lo[idx] -= 1e-6
            num[idx] = (np_loss(hi) - np_loss(lo)) / 2e-6
        np.testing.assert_allclose(g, num, rtol=1e-4, atol=1e-6)


def test_bad_inputs_raise_typed_errors():
    with pytest.raises(ValueError, match="incompatible"):
        CL.mean_squared_error(PRED, LAB[:, :2])
    with pytest.raises(ValueError, match="labels must be given"):
        CL.absolute_difference(PRED)
    with pytest.raises(ValueError, match="do not fit"):
        CL.mean_squared_error(PRED, LAB, weights=np.ones([3]))
    with pytest.raises(ValueError, match="ndims cannot be None"):
        CL.compute_weighted_loss(PRED, weights=tf.placeholder(tf.float32))
    with pytest.raises(ValueError, match="ndims cannot be None"):
        CL.compute_weighted_loss(tf.placeholder(tf.float32))
    with pytest.raises(ValueError, match="You must specify 'axis'"):
        CL.cosine_distance(PRED, LAB)
    with pytest.raises(ValueError, match="both 'axis' and 'dim'"):
        CL.cosine_distance(PRED, LAB, axis=1, dim=1)
    with pytest.raises(ValueError, match="incompatible"):
        CL.softmax_cross_entropy(PRED, np.eye(2, dtype=np.float32))
