"""tk.contrib.metrics.precision_recall_at_equal_thresholds against a NumPy bucket count
(TF 1.15's contrib metric_ops.py: bucket floor(p * (T - 1)), reversed cumsums, float64
accumulators, results in the predictions' dtype)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

cm = tk.contrib.metrics


def _np_reference(labels, probs, weights, n):
    idx = np.floor(probs * np.float32(n - 1)).astype(np.int64)
    tpb = np.bincount(idx, labels * weights, minlength=n)
    fpb = np.bincount(idx, (1.0 - labels) * weights, minlength=n)
    tp, fp = np.cumsum(tpb[::-1])[::-1], np.cumsum(fpb[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    return dict(tp=tp, fp=fp, tn=tn, fn=fn, precision=tp / np.maximum(1e-7, tp + fp),
                recall=tp / np.maximum(1e-7, tp + fn), thresholds=np.linspace(0, 1, n))


def test_counts_precision_recall_over_batches():
    rng = np.random.RandomState(4)
    batches = [(rng.rand(10) > 0.5, rng.rand(10).astype(np.float32),
                rng.rand(10).astype(np.float32)) for _ in range(3)]
    batches[0][1][:3] = [0.0, 1.0, 0.5]  # both ends and an exact bucket edge
    lab, p, w = (tk.placeholder(t, [None]) for t in (tk.bool, tk.float32, tk.float32))
    data, update = cm.precision_recall_at_equal_thresholds(lab, p, w, num_thresholds=11)
    plain, plain_up = cm.precision_recall_at_equal_thresholds(lab, p, name="plain")
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for b in batches:
            assert sess.run([update, plain_up], dict(zip((lab, p, w), b))) == [None, None]
        got, got_plain = sess.run([data._asdict(), plain._asdict()])
    labels, probs, weights = (np.concatenate(c) for c in zip(*batches))
    for res, want in ((got, _np_reference(labels.astype(float), probs, weights, 11)),
                      (got_plain, _np_reference(labels.astype(float), probs,
                                                np.ones_like(probs), 201))):
        for key, value in want.items():
            assert res[key].dtype == np.float32, key
            np.testing.assert_allclose(res[key], value.astype(np.float32), rtol=1e-6,
                                       atol=1e-7, err_msg=key)
    names = sorted(v.op.name for v in tk.get_collection(tk.GraphKeys.METRIC_VARIABLES))
    assert names == ["plain/variables/fp_buckets", "plain/variables/tp_buckets",
                     "precision_recall_at_equal_thresholds/variables/fp_buckets",
                     "precision_recall_at_equal_thresholds/variables/tp_buckets"]


def test_errors():
    with pytest.raises(TypeError):
        cm.precision_recall_at_equal_thresholds(tk.constant([1]), tk.constant([0.5]))
    with pytest.raises(ValueError):
        cm.precision_recall_at_equal_thresholds(tk.constant([True]), tk.constant([0.5, 0.2]))
    _, update = cm.precision_recall_at_equal_thresholds(tk.constant([True, False]),
                                                        tk.constant([0.5, 1.5]))
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        with pytest.raises(tk.errors.InvalidArgumentError, match=r"\[0, 1\]"):
            sess.run(update)
