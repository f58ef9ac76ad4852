"""tk.contrib.metrics' own metrics (no tf.metrics twin in TF 2.21): streaming_covariance,
streaming_pearson_correlation, streaming_concat, count, f1_score, cohen_kappa, accuracy and the
aggregate helpers, checked against NumPy references computed on all batches at once
(behaviour read from TF 1.15's contrib/metrics/python/ops/metric_ops.py)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

cm = tk.contrib.metrics


def _data(seed: int = 5, sizes: tuple[int, ...] = (4, 1, 7, 3)) -> list[tuple]:
    rng = np.random.RandomState(seed)
    return [(rng.randn(n).astype(np.float32), rng.randn(n).astype(np.float32),
             rng.rand(n).astype(np.float32) * 2) for n in sizes]


def _np_cov(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    n = w.sum()
    mx, my = (w * x).sum() / n, (w * y).sum() / n
    return float((w * (x - mx) * (y - my)).sum() / (n - 1))


def _stream(pairs: list, feeds: list[dict]) -> tuple[list, list]:
    """Runs the update ops batch by batch; returns the updates and the final values."""
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        before = sess.run([v for v, _ in pairs])
        ups = [sess.run([u for _, u in pairs], f) for f in feeds]
        return before, ups + [sess.run([v for v, _ in pairs])]


@pytest.mark.parametrize("weighted", [False, True])
def test_covariance_and_pearson_match_numpy_over_batches(weighted):
    data = _data()
    p, lab, w = (tk.placeholder(tk.float32, [None]) for _ in range(3))
    weights = w if weighted else None
    pairs = [cm.streaming_covariance(p, lab, weights),
             cm.streaming_pearson_correlation(p, lab, weights)]
    feeds = [{p: x, lab: y, w: ww} for x, y, ww in data]
    before, out = _stream(pairs, feeds)
    assert np.isnan(before).all()  # no examples yet: NaN, as TF
    for i in range(len(data)):
        x, y, ww = (np.concatenate(c[:i + 1]).astype(np.float64) for c in zip(*data))
        if not weighted:
            ww = np.ones_like(x)
        cov, r = out[i]
        if ww.sum() <= 1:
            assert np.isnan(cov)
            continue
        want_r = _np_cov(x, y, ww) / np.sqrt(_np_cov(x, x, ww) * _np_cov(y, y, ww))
        np.testing.assert_allclose(cov, _np_cov(x, y, ww), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(r, want_r, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[-1], out[-2], rtol=0)


def test_unweighted_covariance_is_numpy_cov():
    data = _data(sizes=(5, 6))
    p, lab = tk.placeholder(tk.float32, [None]), tk.placeholder(tk.float32, [None])
    _, out = _stream([cm.streaming_covariance(p, lab)], [{p: x, lab: y} for x, y, _ in data])
    x, y = (np.concatenate(c) for c in list(zip(*data))[:2])
    np.testing.assert_allclose(out[-1][0], np.cov(x, y)[0, 1], rtol=1e-5)


def test_covariance_variables_and_errors():
    cm.streaming_pearson_correlation(tk.constant([1.0, 2.0]), tk.constant([2.0, 1.0]))
    names = sorted(v.op.name for v in tk.get_collection(tk.GraphKeys.METRIC_VARIABLES))
    assert names == sorted(f"pearson_r/{s}/{v}" for s in
                           ("covariance", "variance_predictions", "variance_labels")
                           for v in ("count", "mean_prediction", "mean_label", "comoment"))
    assert names == sorted(v.op.name for v in tk.local_variables())
    with pytest.raises(ValueError):
        cm.streaming_covariance(tk.constant([1.0, 2.0]), tk.constant([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError):
        cm.streaming_pearson_correlation(tk.constant([1.0, 2.0]), tk.constant([1.0, 2.0]),
                                         weights=tk.constant([1.0, 2.0, 3.0]))


def test_concat_along_axis_1_and_max_size():
    x = tk.placeholder(tk.int32, [2, None])
    value, update = cm.streaming_concat(x, axis=1)
    capped, capped_up = cm.streaming_concat(x, axis=-1, max_size=4, name="capped")
    batches = [np.array([[1, 2], [3, 4]]), np.array([[5], [6]]), np.array([[7, 8, 9]] * 2)]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert sess.run(value).shape == (2, 0)
        sizes = [sess.run([update, capped_up], {x: b}) for b in batches]
        got, got_capped = sess.run([value, capped])
    assert sizes == [[2, 2], [3, 3], [6, 4]]
    np.testing.assert_array_equal(got, np.concatenate(batches, axis=1))
    np.testing.assert_array_equal(got_capped, np.concatenate(batches, axis=1)[:, :4])
    names = sorted(v.op.name for v in tk.get_collection(tk.GraphKeys.METRIC_VARIABLES))
    assert names == ["capped/array", "capped/size", "streaming_concat/array",
                     "streaming_concat/size"]


def test_concat_reset_by_local_init_and_errors():
    v, u = cm.streaming_concat(tk.constant([1.0, 2.0]))
    with tk.Session() as sess:
        for _ in range(2):
            sess.run(tk.local_variables_initializer())
            sess.run(u)
            sess.run(u)
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="statically known rank"):
        cm.streaming_concat(tk.placeholder(tk.float32))
    with pytest.raises(ValueError, match="not in"):
        cm.streaming_concat(tk.placeholder(tk.float32, [None, 3]), axis=2)
    with pytest.raises(ValueError, match="statically known size"):
        cm.streaming_concat(tk.placeholder(tk.float32, [None, None]))


def test_count_with_and_without_weights():
    x = tk.placeholder(tk.float32, [None, 3])
    w = tk.placeholder(tk.float32, [None, 1])
    n, n_up = cm.count(x)
    nw, nw_up = cm.count(x, weights=w, metrics_collections=["m"])
    assert tk.get_collection("m") == [nw]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for rows in (2, 3):
            sess.run([n_up, nw_up], {x: np.zeros((rows, 3)), w: np.full((rows, 1), 0.5)})
        assert sess.run([n, nw]) == [15.0, 7.5]
    with pytest.raises(ValueError):
        cm.count(tk.zeros([2, 3]), weights=tk.ones([4]))


def _np_best_f1(labels, probs, weights, num_thresholds):
    eps = 1e-7
    thr = np.array([0.0 - eps] + [(i + 1) / (num_thresholds - 1)
                                  for i in range(num_thresholds - 2)] + [1.0 + eps],
                   np.float32)
    pos = probs[None, :] > thr[:, None]
    lab = labels.astype(bool)
    tp, fp, fn = (pos & lab) @ weights, (pos & ~lab) @ weights, (~pos & lab) @ weights
    p, r = tp / (eps + tp + fp), tp / (eps + tp + fn)
    return float(np.max(2 * p * r / (p + r + eps)))


def test_f1_score_is_best_over_thresholds():
    rng = np.random.RandomState(0)
    batches = [(rng.randint(0, 2, 9), rng.rand(9).astype(np.float32),
                rng.rand(9).astype(np.float32)) for _ in range(3)]
    lab, p, w = (tk.placeholder(t, [None]) for t in (tk.int64, tk.float32, tk.float32))
    f1, f1_up = cm.f1_score(lab, p, w, num_thresholds=20)
    f1_plain, f1_plain_up = cm.f1_score(lab, p)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for lb, pb, wb in batches:
            sess.run([f1_up, f1_plain_up], {lab: lb, p: pb, w: wb})
        got = sess.run([f1, f1_plain])
    labels, probs, weights = (np.concatenate(c) for c in zip(*batches))
    np.testing.assert_allclose(got[0], _np_best_f1(labels, probs, weights, 20), rtol=1e-5)
    np.testing.assert_allclose(got[1], _np_best_f1(labels, probs, np.ones_like(probs), 200),
                               rtol=1e-5)
    names = {v.op.name for v in tk.local_variables()}
    assert {"f1/true_positives", "f1/false_positives", "f1/false_negatives"} <= names
    assert "f1/true_negatives" not in names


def test_accuracy_one_batch_and_dtype_errors():
    pred, lab = tk.constant([1, 2, 3, 4]), tk.constant([1, 0, 3, 0])
    w = tk.constant([1.0, 3.0, 1.0, 1.0])
    with tk.Session() as sess:
        assert sess.run(cm.accuracy(pred, lab)) == 0.5
        np.testing.assert_allclose(sess.run(cm.accuracy(pred, lab, weights=w)), 2.0 / 6.0)
    with pytest.raises(ValueError, match="integer"):
        cm.accuracy(tk.constant([1.0]), tk.constant([1.0]))
    with pytest.raises(ValueError, match="should match"):
        cm.accuracy(tk.constant([1], dtype=tk.int64), tk.constant([1], dtype=tk.int32))


def test_aggregate_helpers_and_confusion_matrix():
    a = cm.streaming_mean(tk.constant([1.0, 3.0]))
    b = cm.streaming_mean_absolute_error(tk.constant([1.0]), tk.constant([2.0]))
    values, updates = cm.aggregate_metrics(a, b)
    assert values == [a[0], b[0]] and updates == [a[1], b[1]]
    vmap, umap = cm.aggregate_metric_map({"mean": a, "mae": b})
    assert vmap == {"mean": a[0], "mae": b[0]} and umap == {"mean": a[1], "mae": b[1]}
    with pytest.raises(ValueError):
        cm.aggregate_metrics()
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        sess.run(updates)
        assert sess.run(values) == [2.0, 1.0]
        np.testing.assert_array_equal(
            sess.run(cm.confusion_matrix([0, 1, 1], [0, 0, 1], num_classes=2)),
            [[1, 0], [1, 1]])


def _np_kappa(labels, preds, weights, n):
    table = np.zeros((n, n))
    np.add.at(table, (labels, preds), weights)
    total = table.sum()
    p_o = np.trace(table) / total
    p_e = (table.sum(axis=0) * table.sum(axis=1)).sum() / total ** 2
    return (p_o - p_e) / (1 - p_e)


@pytest.mark.parametrize("weighted", [False, True])
def test_cohen_kappa_matches_the_textbook_formula(weighted):
    rng = np.random.RandomState(2)
    batches = [(rng.randint(0, 4, 12), rng.randint(0, 4, 12), rng.rand(12).astype(np.float32))
               for _ in range(3)]
    for lab_b, pred_b, _ in batches:  # agree more often than chance
        pred_b[:6] = lab_b[:6]
    lab, pred = tk.placeholder(tk.int64, [None, 1]), tk.placeholder(tk.int64, [None])
    w = tk.placeholder(tk.float32, [None])
    kappa, update = cm.cohen_kappa(lab, pred, 4, weights=w if weighted else None)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert sess.run(kappa) == 0.0
        for lb, pb, wb in batches:
            up = sess.run(update, {lab: lb[:, None], pred: pb, w: wb})
        got = sess.run(kappa)
    labels, preds, weights = (np.concatenate(c) for c in zip(*batches))
    want = _np_kappa(labels, preds, weights if weighted else np.ones(len(labels)), 4)
    assert got.dtype == np.float64
    np.testing.assert_allclose([got, up], [want, want], rtol=1e-6)
    kinds = {v.op.name: v.dtype.base_dtype for v in tk.local_variables()}
    assert sorted(kinds) == ["cohen_kappa/pe_col", "cohen_kappa/pe_row", "cohen_kappa/po"]
    assert set(kinds.values()) == {tk.float32 if weighted else tk.int64}
    with pytest.raises(ValueError, match="num_classes"):
        cm.cohen_kappa(lab, pred, 1)
