"""``tk.contrib.losses.metric_learning`` against NumPy oracles written here by hand from
TF 1.15's definitions (``contrib/losses/python/metric_learning/metric_loss_ops.py``):
explicit loops over anchor/positive/negative triples instead of TF's masking tricks, so
the masks, the strict "farther than the positive" semi-hard rule, the fallback to the
farthest negative and the margins are checked independently. Gradients against central
finite differences of the same NumPy oracles (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf

ML = tf.contrib.losses.metric_learning
RNG = np.random.RandomState(4)
LABELS = np.array([0, 1, 0, 2, 1, 0, 2, 1])
EMB = RNG.normal(size=[8, 3]).astype(np.float32)


def _run(fetch, feed=None):
    with tf.Session() as s:
        return s.run(fetch, feed)


def np_dist(e, squared=False):
    d2 = ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1)
    return d2 if squared else np.sqrt(d2)


def np_triplet(labels, e, margin):
    d = np_dist(e, squared=True)
    total, count = 0.0, 0
    for a in range(len(labels)):
        negs = [d[a, n] for n in range(len(labels)) if labels[n] != labels[a]]
        for p in range(len(labels)):
            if p == a or labels[p] != labels[a]:
                continue
            count += 1
            farther = [v for v in negs if v > d[a, p]]
            neg = min(farther) if farther else max(negs)
            total += max(margin + d[a, p] - neg, 0.0)
    return total / count


def np_lifted(labels, e, margin):
    d = np_dist(e)
    n = len(labels)
    terms = []
    for i in range(n):
        for j in range(i + 1, n):
            if labels[i] != labels[j]:
                continue
            s = sum(np.exp(margin - d[i, k]) for k in range(n) if labels[k] != labels[i])
            s += sum(np.exp(margin - d[j, k]) for k in range(n) if labels[k] != labels[j])
            terms.append(max(np.log(s) + d[i, j], 0.0) ** 2)
    return sum(terms) / (2 * len(terms))


def np_npairs(labels, a, p, reg):
    l2 = 0.25 * reg * ((a ** 2).sum(1).mean() + (p ** 2).sum(1).mean())
    logits = a @ p.T
    target = (labels[:, None] == labels[None, :]).astype(float)
    target /= target.sum(1, keepdims=True)
    z = logits - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return l2 + np.mean(-(target * logp).sum(1))


def np_contrastive(y, a, p, margin):
    d = np.sqrt(((a - p) ** 2).sum(1))
    return np.mean(y * d ** 2 + (1 - y) * np.maximum(margin - d, 0) ** 2)


def test_pairwise_distance():
    e = np.concatenate([EMB, EMB[:1]])        # a duplicate row: distance exactly 0
    got, got_sq = _run([ML.pairwise_distance(e), ML.pairwise_distance(e, squared=True)])
    np.testing.assert_allclose(got, np_dist(e.astype(np.float64)), atol=1e-5)
    np.testing.assert_allclose(got_sq, np_dist(e.astype(np.float64), True), atol=1e-5)
    assert np.all(np.diag(got) == 0) and got[0, -1] == 0
    x = tf.placeholder(tf.float32, e.shape)
    g = _run(tf.gradients(ML.pairwise_distance(x), x)[0], {x: e})
    assert np.all(np.isfinite(g))


@pytest.mark.parametrize("margin", [0.2, 1.0, 6.0])
def test_triplet_semihard_loss(margin):
    got = _run(ML.triplet_semihard_loss(LABELS, EMB, margin=margin))
    np.testing.assert_allclose(got, np_triplet(LABELS, EMB.astype(np.float64), margin),
                               rtol=1e-5)


def test_triplet_semihard_falls_back_to_farthest_negative():
    # Anchor 0 / positive 1 at distance^2 9; the only negative is closer (distance^2 1):
    # no semi-hard negative, so the farthest negative (the same one) is used.
    e = np.array([[0.0, 0], [3, 0], [1, 0]], np.float32)
    got = _run(ML.triplet_semihard_loss([5, 5, 7], e, margin=0.5))
    np.testing.assert_allclose(got, (0.5 + 9 - 1 + 0.5 + 9 - 4) / 2, rtol=1e-6)
    np.testing.assert_allclose(got, np_triplet([5, 5, 7], e.astype(np.float64), 0.5))


def test_triplet_semihard_by_hand_with_a_large_margin():
    # Squared distances d(0, 2) = 1, d(0, 1) = 8, d(2, 1) = 9; anchors 0 and 2 share a
    # label and each has one farther (semi-hard) negative: (100 + 1 - 8 + 100 + 1 - 9) / 2.
    e = np.array([[1.0, 0, 1], [3, 0, 3], [1, 1, 1]], np.float32)
    got = _run(ML.triplet_semihard_loss(np.array([1, 0, 1], np.int32), e, margin=100.0))
    np.testing.assert_allclose(got, 92.5, rtol=1e-6)


def test_lifted_struct_npairs_and_contrastive():
    got = _run(ML.lifted_struct_loss(LABELS, EMB, margin=1.5))
    np.testing.assert_allclose(got, np_lifted(LABELS, EMB.astype(np.float64), 1.5), rtol=1e-5)
    a, p = EMB[:4], RNG.normal(size=[4, 3]).astype(np.float32)
    lab = np.array([3, 1, 3, 0])
    got = _run(ML.npairs_loss(lab, a, p, reg_lambda=0.1))
    np.testing.assert_allclose(got, np_npairs(lab, a.astype(float), p.astype(float), 0.1),
                               rtol=1e-5)
    y = np.array([1, 0, 0, 1])
    got = _run(ML.contrastive_loss(y, a, p, margin=2.0))
    np.testing.assert_allclose(got, np_contrastive(y, a.astype(float), p.astype(float), 2.0),
                               rtol=1e-5)


def test_npairs_multilabel_counts_shared_labels():
    a, p = EMB[:3], EMB[3:6]
    sets = [[0, 2], [2], [1]]
    sparse = [tf.SparseTensor([[0, c] for c in s], [True] * len(s), [1, 3]) for s in sets]
    got = _run(ML.npairs_loss_multilabel(sparse, a, p, reg_lambda=0.05))
    inter = np.array([[len(set(x) & set(y)) for y in sets] for x in sets], float)
    target = inter / inter.sum(1, keepdims=True)
    z = a.astype(float) @ p.astype(float).T
    logp = z - z.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    want = 0.0125 * ((a.astype(float) ** 2).sum(1).mean() + (p.astype(float) ** 2).sum(1).mean())
    np.testing.assert_allclose(got, want + np.mean(-(target * logp).sum(1)), rtol=1e-5)


def _fd(f, x, eps=1e-6):
    num = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        hi, lo = x.astype(np.float64), x.astype(np.float64)
        hi[idx] += eps
        lo[idx] -= eps
        num[idx] = (f(hi) - f(lo)) / (2 * eps)
    return num


@pytest.mark.parametrize("which", ["triplet", "lifted", "npairs", "contrastive"])
def test_gradients_match_finite_differences(which):
    x = tf.placeholder(tf.float32, EMB.shape)
    other = RNG.normal(size=EMB.shape)
    if which == "triplet":
        loss, f = ML.triplet_semihard_loss(LABELS, x, 1.0), lambda v: np_triplet(LABELS, v, 1.0)
    elif which == "lifted":
        loss, f = ML.lifted_struct_loss(LABELS, x, 1.0), lambda v: np_lifted(LABELS, v, 1.0)
    elif which == "npairs":
        loss = ML.npairs_loss(LABELS, x, other.astype(np.float32), 0.1)
        f = lambda v: np_npairs(LABELS, v, other, 0.1)  # noqa: E731
    else:
        y = LABELS % 2
        loss = ML.contrastive_loss(y, x, other.astype(np.float32), 1.5)
        f = lambda v: np_contrastive(y, v, other, 1.5)  # noqa: E731
    g = _run(tf.gradients(loss, x)[0], {x: EMB})
    num = _fd(f, EMB)
    assert np.abs(num).sum() > 0
    np.testing.assert_allclose(g, num, rtol=2e-3, atol=2e-4)


def test_bad_inputs_raise_typed_errors():
    with pytest.raises(ValueError, match="labels must be a 1-D"):
        ML.triplet_semihard_loss(LABELS[:, None], EMB)
    with pytest.raises(ValueError, match="embeddings must be"):
        ML.lifted_struct_loss(LABELS, EMB[None])
    with pytest.raises(ValueError, match="feature must be"):
        ML.pairwise_distance(EMB[0])
    with pytest.raises(ValueError, match="embeddings_anchor must be"):
        ML.npairs_loss(LABELS, EMB[0], EMB)
    with pytest.raises(TypeError, match="list of SparseTensors"):
        ML.npairs_loss_multilabel([np.ones([1, 3])], EMB[:1], EMB[:1])
