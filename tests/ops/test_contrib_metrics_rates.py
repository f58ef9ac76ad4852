"""tk.contrib.metrics.streaming_false_positive_rate / _false_negative_rate /
streaming_curve_points against NumPy on three weighted batches (behaviour and variable
names from TF 1.15's contrib/metrics/python/ops/metric_ops.py)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

cm = tk.contrib.metrics


def _batches(seed: int = 11):
    rng = np.random.RandomState(seed)
    return [(rng.randint(0, 2, 7), rng.rand(7).astype(np.float32),
             rng.rand(7).astype(np.float32)) for _ in range(3)]


def _counts(lab, prob, w, thresholds):
    pos = prob[None, :] > np.asarray(thresholds, np.float32)[:, None]
    lab = lab.astype(bool)
    return ((pos & lab) @ w, (~pos & lab) @ w, (~pos & ~lab) @ w, (pos & ~lab) @ w)


def test_rates_and_curve_points_match_numpy():
    lab, p, w = (tk.placeholder(t, [None]) for t in (tk.int64, tk.float32, tk.float32))
    fpr = cm.streaming_false_positive_rate(p > 0.5, lab, w)
    fnr = cm.streaming_false_negative_rate(p > 0.5, lab, w, updates_collections=["u"])
    roc = cm.streaming_curve_points(lab, p, w, num_thresholds=5)
    pr = cm.streaming_curve_points(labels=lab, predictions=p, num_thresholds=4, curve="PR")
    assert tk.get_collection("u") == [fnr[1]]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for b in _batches():
            ups = sess.run([fpr[1], fnr[1], roc[1], pr[1]], dict(zip((lab, p, w), b)))
        got = sess.run([fpr[0], fnr[0], roc[0], pr[0]])
    labels, probs, weights = (np.concatenate(c) for c in zip(*_batches()))
    tp, fn, tn, fp = _counts(labels, probs, weights, [0.5])
    np.testing.assert_allclose(got[:2], [fp[0] / (fp[0] + tn[0]), fn[0] / (fn[0] + tp[0])],
                               rtol=1e-6)
    np.testing.assert_allclose(ups[:2], got[:2], rtol=0)
    assert ups[2] is None  # a group op, as TF
    eps = 1e-6
    tp, fn, tn, fp = _counts(labels, probs, weights, [-1e-7, 0.25, 0.5, 0.75, 1 + 1e-7])
    want_roc = np.stack([fp / (fp + tn + eps), (tp + eps) / (tp + fn + eps)], axis=1)
    np.testing.assert_allclose(got[2], want_roc, rtol=1e-5)
    ones = np.ones_like(probs)
    tp, fn, tn, fp = _counts(labels, probs, ones, [-1e-7, 1 / 3, 2 / 3, 1 + 1e-7])
    want_pr = np.stack([(tp + eps) / (tp + fn + eps), (tp + eps) / (tp + fp + eps)], axis=1)
    np.testing.assert_allclose(got[3], want_pr, rtol=1e-5)


def test_rate_names_zero_without_examples_and_errors():
    v, _ = cm.streaming_false_positive_rate(tk.constant([True]), tk.constant([True]))
    cm.streaming_curve_points(tk.constant([1]), tk.constant([0.3]), num_thresholds=3)
    names = sorted(x.op.name for x in tk.get_collection(tk.GraphKeys.METRIC_VARIABLES))
    assert names == ["curve_points/false_negatives", "curve_points/false_positives",
                     "curve_points/true_negatives", "curve_points/true_positives",
                     "false_positive_rate/false_positives/count",
                     "false_positive_rate/true_negatives/count"]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert sess.run(v) == 0.0
    with pytest.raises(ValueError, match="ROC or PR"):
        cm.streaming_curve_points(tk.constant([1]), tk.constant([0.3]), curve="DET")
    with pytest.raises(ValueError):
        cm.streaming_false_negative_rate(tk.constant([True, False]), tk.constant([True]))
