"""tk.metrics for regression, class ids and rankings, each checked against NumPy on
data accumulated over several batches (names and edge cases as TF 2.15.1's v1 metrics)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _stream(metrics: dict, feeds: list[dict]):
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for feed in feeds:
            sess.run({k: v[1] for k, v in metrics.items()}, feed)
        return sess.run({k: v[0] for k, v in metrics.items()})


def test_regression_metrics_match_numpy():
    y = tk.placeholder(tk.float32, [None, 3])
    p = tk.placeholder(tk.float32, [None, 3])
    w = tk.placeholder(tk.float32, [None, 1])
    m = tk.metrics
    ms = {"mae": m.mean_absolute_error(y, p, weights=w),
          "mse": m.mean_squared_error(y, p), "rmse": m.root_mean_squared_error(y, p),
          "mre": m.mean_relative_error(y, p, normalizer=y),
          "cos": m.mean_cosine_distance(y, p, dim=1),
          "below": m.percentage_below(p, 0.25, weights=w),
          "mean_t": m.mean_tensor(tk.reshape(p, [2, 3]), weights=tk.reshape(w, [2, 1]))}
    rng = np.random.RandomState(1)
    ys = [rng.randn(2, 3).astype(np.float32) for _ in range(3)]
    ys[1][0, 0] = 0.0  # a zero normalizer contributes 0
    ps = [rng.randn(2, 3).astype(np.float32) for _ in range(3)]
    ws = [rng.rand(2, 1).astype(np.float32) for _ in range(3)]
    got = _stream(ms, [{y: a, p: b, w: c} for a, b, c in zip(ys, ps, ws)])
    Y, P, W = np.concatenate(ys), np.concatenate(ps), np.concatenate(ws)
    Wf = np.broadcast_to(W, Y.shape)
    assert got["mae"] == pytest.approx(np.sum(np.abs(P - Y) * Wf) / Wf.sum(), rel=1e-5)
    assert got["mse"] == pytest.approx(np.mean((P - Y) ** 2), rel=1e-5)
    assert got["rmse"] == pytest.approx(np.sqrt(np.mean((P - Y) ** 2)), rel=1e-5)
    rel = np.where(Y == 0, 0.0, np.abs(Y - P) / np.where(Y == 0, 1, Y))
    assert got["mre"] == pytest.approx(rel.mean(), rel=1e-5)
    assert got["cos"] == pytest.approx(1 - np.mean(np.sum(Y * P, axis=1)), rel=1e-5)
    assert got["below"] == pytest.approx(np.sum((P < 0.25) * Wf) / Wf.sum(), rel=1e-5)
    num = sum(b * c for b, c in zip(ps, ws))
    den = sum(np.broadcast_to(c, (2, 3)) for c in ws)
    np.testing.assert_allclose(got["mean_t"], num / den, rtol=1e-5)
    names = [v.op.name for v in tk.local_variables()]
    assert "root_mean_squared_error/total" in names and "mean/total_tensor" in names
    assert "percentage_below_threshold/count" in names


def test_mean_iou_and_per_class_accuracy_match_numpy():
    lab = tk.placeholder(tk.int64, [None])
    pred = tk.placeholder(tk.int64, [None])
    w = tk.placeholder(tk.float32, [None])
    miou = tk.metrics.mean_iou(lab, pred, num_classes=4, weights=w)
    mpca = tk.metrics.mean_per_class_accuracy(lab, pred, num_classes=4, weights=w)
    rng = np.random.RandomState(2)
    feeds = [{lab: rng.randint(0, 3, 9), pred: rng.randint(0, 3, 9),
              w: rng.rand(9).astype(np.float32)} for _ in range(3)]
    got = _stream({"miou": miou, "mpca": mpca}, feeds)
    L = np.concatenate([f[lab] for f in feeds])
    P = np.concatenate([f[pred] for f in feeds])
    W = np.concatenate([f[w] for f in feeds])
    cm = np.zeros((4, 4))
    for a, b, c in zip(L, P, W):
        cm[a, b] += c
    diag = np.diag(cm)
    den = cm.sum(0) + cm.sum(1) - diag
    assert got["miou"] == pytest.approx(np.sum(diag[den > 0] / den[den > 0]) / 3, rel=1e-5)
    per_class = [np.sum(W[(L == c) & (P == c)]) / np.sum(W[L == c]) if np.any(L == c) else 0
                 for c in range(4)]  # class 3 never occurs: counts as 0, as in TF
    assert got["mpca"] == pytest.approx(np.mean(per_class), rel=1e-5)
    assert [v.op.name for v in tk.local_variables()] == [
        "mean_iou/total_confusion_matrix", "mean_accuracy/total", "mean_accuracy/count"]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        with pytest.raises(tk.errors.InvalidArgumentError, match="out of bound"):
            sess.run(miou[1], {lab: [5], pred: [0], w: [1.0]})
    with pytest.raises(ValueError, match="num_classes"):
        tk.metrics.mean_iou(lab, pred, num_classes=0)


def _np_topk(scores, k):
    return [list(np.argsort(-row, kind="stable")[:k]) for row in scores]


def test_ranking_metrics_match_numpy():
    lab = tk.placeholder(tk.int64, [None, 2])
    scores = tk.placeholder(tk.float32, [None, 5])
    w = tk.placeholder(tk.float32, [None])
    ms = {"r": tk.metrics.recall_at_k(lab, scores, 2, weights=w),
          "p": tk.metrics.precision_at_k(lab, scores, 2),
          "pc": tk.metrics.precision_at_k(lab, scores, 3, class_id=1),
          "ap": tk.metrics.average_precision_at_k(lab, scores, 3),
          "sap": tk.metrics.sparse_average_precision_at_k(lab, scores, 2, weights=w)}
    rng = np.random.RandomState(3)
    feeds = [{lab: rng.randint(-1, 6, (4, 2)), scores: rng.rand(4, 5).astype(np.float32),
              w: rng.rand(4).astype(np.float32)} for _ in range(3)]
    for f in feeds:
        f[lab][:, 0] = rng.randint(0, 5, 4)  # at least one real label per example
    got = _stream(ms, feeds)
    L = np.concatenate([f[lab] for f in feeds])
    S = np.concatenate([f[scores] for f in feeds])
    W = np.concatenate([f[w] for f in feeds])
    sets = [{int(v) for v in row if 0 <= v < 5} for row in L]
    tp = fn = 0.0
    for top, s, wi in zip(_np_topk(S, 2), sets, W):
        tp += wi * len(set(top) & s)
        fn += wi * len(s - set(top))
    assert got["r"] == pytest.approx(tp / (tp + fn))
    hits = sum(len(set(t) & s) for t, s in zip(_np_topk(S, 2), sets))
    assert got["p"] == pytest.approx(hits / (2 * len(sets)))
    sel = [(1 in t, 1 in s) for t, s in zip(_np_topk(S, 3), sets)]
    tpc = sum(a and b for a, b in sel)
    fpc = sum(a and not b for a, b in sel)
    assert got["pc"] == pytest.approx(tpc / (tpc + fpc))

    def ap(top, s, n_labels, k):
        rel = np.array([t in s for t in top], float)
        return np.sum(np.cumsum(rel) / np.arange(1, k + 1) * rel) / min(n_labels, k)

    n_labels = [int(np.sum((row >= 0) & (row < 5))) for row in L]
    aps = [ap(t, s, n, 3) for t, s, n in zip(_np_topk(S, 3), sets, n_labels)]
    assert got["ap"] == pytest.approx(np.mean(aps))
    aps2 = [ap(t, s, n, 2) for t, s, n in zip(_np_topk(S, 2), sets, n_labels)]
    assert got["sap"] == pytest.approx(np.sum(np.array(aps2) * W) / W.sum())
    names = [v.op.name for v in tk.local_variables()]
    assert names[:2] == ["recall_at_2/true_positive_at_2", "recall_at_2/false_negative_at_2"]
    assert "precision_at_3_class1/false_positive_at_3_class1" in names
    assert "average_precision_at_3/total" in names


def test_ranking_values_and_errors_as_tf():
    lab = tk.placeholder(tk.int64, [None])
    scores = tk.placeholder(tk.float32, [None, 3])
    rec, update = tk.metrics.recall_at_k(lab, scores, 1)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert np.isnan(sess.run(rec))  # 0/0 before any update, as TF
        assert sess.run(update, {lab: [2, 0], scores: [[0, 1, 5], [3, 2, 1]]}) == 1.0
        assert sess.run(update, {lab: [1], scores: [[1, 1, 0]]}) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="Invalid k"):
        tk.metrics.precision_at_k(lab, scores, 0)
    with pytest.raises(ValueError, match="rank"):
        tk.metrics.recall_at_k(tk.ones([2, 2, 2], tk.int64), scores, 1)
