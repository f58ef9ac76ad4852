"""tk.metrics over binary confusion counts, checked against NumPy on data accumulated
over several batches, and AUC against values computed with real TF 2.15.1
(tf.compat.v1.metrics.auc)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _batches(seed: int = 7, n: int = 3, size: int = 10):
    rng = np.random.RandomState(seed)
    return [(rng.randint(0, 2, size), rng.rand(size).astype(np.float32),
             rng.rand(size).astype(np.float32)) for _ in range(n)]


def _run(metrics: dict, batches, lab, p, w=None):
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for labels, preds, weights in batches:
            feed = {lab: labels, p: preds}
            if w is not None:
                feed[w] = weights
            sess.run({k: v[1] for k, v in metrics.items()}, feed)
        return sess.run({k: v[0] for k, v in metrics.items()})


def _np_counts(labels, preds, weights, thresholds):
    pos = preds[None, :] > np.asarray(thresholds, np.float32)[:, None]
    lab = labels.astype(bool)
    return {"tp": (pos & lab) @ weights, "fn": (~pos & lab) @ weights,
            "tn": (~pos & ~lab) @ weights, "fp": (pos & ~lab) @ weights}


def _placeholders():
    return (tk.placeholder(tk.int64, [None]), tk.placeholder(tk.float32, [None]),
            tk.placeholder(tk.float32, [None]))


def _concat(batches):
    return [np.concatenate(x) for x in zip(*batches)]


def test_counts_precision_recall_match_numpy():
    lab, p, w = _placeholders()
    m = tk.metrics
    ms = {"tp": m.true_positives(lab, p > 0.5, weights=w),
          "fp": m.false_positives(lab, p > 0.5, weights=w),
          "tn": m.true_negatives(lab, p > 0.5, weights=w),
          "fn": m.false_negatives(lab, p > 0.5, weights=w),
          "precision": m.precision(lab, p > 0.5, weights=w),
          "recall": m.recall(lab, p > 0.5, weights=w)}
    for kind in ("tp", "fp", "tn", "fn"):
        fn = getattr(m, {"tp": "true_positives", "fp": "false_positives",
                         "tn": "true_negatives", "fn": "false_negatives"}[kind]
                     + "_at_thresholds")
        ms[kind + "_t"] = fn(lab, p, [0.2, 0.5, 0.9], weights=w)
    ms["p_t"] = m.precision_at_thresholds(lab, p, [0.2, 0.5, 0.9], weights=w)
    ms["r_t"] = m.recall_at_thresholds(lab, p, [0.2, 0.5, 0.9], weights=w)
    batches = _batches()
    got = _run(ms, batches, lab, p, w)
    labels, preds, weights = _concat(batches)
    at_half = _np_counts(labels, preds, weights, [0.5])
    at = _np_counts(labels, preds, weights, [0.2, 0.5, 0.9])
    for kind in ("tp", "fp", "tn", "fn"):
        assert got[kind] == pytest.approx(at_half[kind][0], rel=1e-5)
        np.testing.assert_allclose(got[kind + "_t"], at[kind], rtol=1e-5)
    assert got["precision"] == pytest.approx(at_half["tp"][0] / (at_half["tp"][0]
                                                                 + at_half["fp"][0]), rel=1e-5)
    assert got["recall"] == pytest.approx(at_half["tp"][0] / (at_half["tp"][0]
                                                              + at_half["fn"][0]), rel=1e-5)
    np.testing.assert_allclose(got["p_t"], at["tp"] / (1e-7 + at["tp"] + at["fp"]), rtol=1e-5)
    np.testing.assert_allclose(got["r_t"], at["tp"] / (1e-7 + at["tp"] + at["fn"]), rtol=1e-5)


def test_variable_names_and_collections_as_tf():
    lab, p, _ = _placeholders()
    tk.metrics.precision(lab, p > 0.5)
    value, update = tk.metrics.auc(lab, p, num_thresholds=10, metrics_collections=["mc"],
                                   updates_collections=["uc"])
    tk.metrics.true_positives_at_thresholds(lab, p, [0.5])
    names = [v.op.name for v in tk.local_variables()]
    assert names == ["precision/true_positives/count", "precision/false_positives/count",
                     "auc/true_positives", "auc/false_negatives", "auc/true_negatives",
                     "auc/false_positives", "true_positives/true_positives"]
    assert tk.get_collection(tk.GraphKeys.METRIC_VARIABLES) == tk.local_variables()
    assert tk.get_collection("mc") == [value] and tk.get_collection("uc") == [update]
    assert tk.global_variables() == []


def test_precision_is_zero_before_updates_and_resets():
    lab, p, _ = _placeholders()
    prec, update = tk.metrics.precision(lab, p > 0.5)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert sess.run(prec) == 0.0
        assert sess.run(update, {lab: [1, 0], p: [0.9, 0.8]}) == pytest.approx(0.5)
        sess.run(tk.local_variables_initializer())
        assert sess.run(prec) == 0.0


def _np_auc(c, curve, method):
    eps = 1e-6
    tp, fn, tn, fp = (c[k].astype(np.float64) for k in ("tp", "fn", "tn", "fp"))
    rec = (tp + eps) / (tp + fn + eps)
    x, y = (fp / (fp + tn + eps), rec) if curve == "ROC" else (rec, (tp + eps) / (tp + fp + eps))
    pair = {"trapezoidal": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
            "majoring": np.maximum(y[:-1], y[1:])}[method]
    return np.sum((x[:-1] - x[1:]) * pair)


# tf.compat.v1.metrics.auc, tensorflow-cpu 2.15.1, on _batches() with weights,
# num_thresholds=50 (and thresholds=[0.25, 0.5, 0.75] without weights).
TF_AUC = {("ROC", "trapezoidal"): 0.6071162223815918,
          ("ROC", "careful_interpolation"): 0.6071162223815918,
          ("ROC", "minoring"): 0.5980300307273865, ("ROC", "majoring"): 0.6162024140357971,
          ("PR", "trapezoidal"): 0.7711585164070129,
          ("PR", "careful_interpolation"): 0.7709447145462036,
          ("PR", "minoring"): 0.7593357563018799, ("PR", "majoring"): 0.7829812169075012,
          ("ROC", "thr"): 0.4952152669429779}


def test_auc_matches_numpy_and_tf1():
    lab, p, w = _placeholders()
    ms = {(c, s): tk.metrics.auc(lab, p, weights=w, num_thresholds=50, curve=c,
                                 summation_method=s)
          for c in ("ROC", "PR")
          for s in ("trapezoidal", "careful_interpolation", "minoring", "majoring")}
    ms[("ROC", "thr")] = tk.metrics.auc(lab, p, thresholds=[0.75, 0.25, 0.5])
    batches = _batches()
    got = _run(ms, batches, lab, p, w)
    for key, want in TF_AUC.items():
        assert got[key] == pytest.approx(want, abs=2e-6), key
    labels, preds, weights = _concat(batches)
    grid = [-1e-7] + [(i + 1) / 49 for i in range(48)] + [1 + 1e-7]
    counts = _np_counts(labels, preds, weights, grid)
    for c, s in [("ROC", "trapezoidal"), ("ROC", "minoring"), ("PR", "majoring")]:
        assert got[(c, s)] == pytest.approx(_np_auc(counts, c, s), abs=1e-5)


def test_auc_of_separable_data_is_one():
    lab, p, _ = _placeholders()
    value, update = tk.metrics.auc(lab, p, num_thresholds=201)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        sess.run(update, {lab: [0, 0, 1], p: [0.1, 0.2, 0.9]})
        sess.run(update, {lab: [1, 0], p: [0.8, 0.3]})
        assert sess.run(value) == pytest.approx(1.0, abs=1e-5)


def test_sensitivity_specificity_match_numpy():
    lab, p, w = _placeholders()
    ss = tk.metrics.sensitivity_at_specificity(lab, p, 0.7, weights=w, num_thresholds=30)
    sp = tk.metrics.specificity_at_sensitivity(lab, p, 0.6, weights=w, num_thresholds=30)
    batches = _batches(3)
    got = _run({"ss": ss, "sp": sp}, batches, lab, p, w)
    labels, preds, weights = _concat(batches)
    inner = [(i + 1) / 29 for i in range(28)]
    c = _np_counts(labels, preds, weights, [-1e-7] + inner + [1 + 1e-7])
    spec = c["tn"] / (c["tn"] + c["fp"] + 1e-7)
    i = np.argmin(np.abs(spec - 0.7))
    assert got["ss"] == pytest.approx(c["tp"][i] / (c["tp"][i] + c["fn"][i] + 1e-7), rel=1e-5)
    c = _np_counts(labels, preds, weights, [-1e-7] + inner + [1 - 1e-7])
    sens = c["tp"] / (c["tp"] + c["fn"] + 1e-7)
    d = np.abs(sens - 0.6)
    i = np.flatnonzero(d == d.min())[-1]
    assert got["sp"] == pytest.approx(c["tn"][i] / (c["tn"][i] + c["fp"][i] + 1e-7), rel=1e-5)


def test_bad_arguments_raise_typed_errors():
    lab, p, _ = _placeholders()
    with pytest.raises(ValueError, match="Curve must be either ROC or PR"):
        tk.metrics.auc(lab, p, curve="DET")
    with pytest.raises(ValueError, match="Invalid summation_method"):
        tk.metrics.auc(lab, p, summation_method="simpson")
    with pytest.raises(ValueError, match="specificity"):
        tk.metrics.sensitivity_at_specificity(lab, p, 1.5)
    with pytest.raises(ValueError, match="sensitivity"):
        tk.metrics.specificity_at_sensitivity(lab, p, -0.1)
    with pytest.raises(ValueError, match="weights can not be broadcast"):
        tk.metrics.auc(lab, p, weights=tk.ones([4, 2, 3]))
    with pytest.raises(ValueError, match="incompatible"):
        tk.metrics.precision(tk.ones([3]), tk.ones([4]))
    with pytest.raises(TypeError, match="list or tuple"):
        tk.metrics.auc(lab, p, metrics_collections="mine")
    value, update = tk.metrics.auc(lab, p)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        with pytest.raises(tk.errors.InvalidArgumentError, match=r"must be in \[0, 1\]"):
            sess.run(update, {lab: [1], p: [1.5]})
