"""tk.contrib.metrics.streaming_* (predictions first) against TF 2.21's
tf.compat.v1.metrics (labels first), which TF 1.15's contrib wraps: values after three
weighted batches, local-variable names and collections.

TF_VALUES / TF_NAMES were recorded with TF 2.21 (graph mode) on the data of
``_batches()``, calling ``tf.compat.v1.metrics.<name>(labels, predictions, ...)``;
``recall_at_2_dense`` is ``metrics.mean(cast(nn.in_top_k(logits, ids, 2)), w)``, the
body of contrib's ``streaming_recall_at_k``.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

TF_VALUES = {
    'accuracy': 0.24673678,
    'mean': -0.2219536,
    'mean_tensor': [0.89902693, -0.31029227, -0.89223325, -0.95831442, 0.046274856,
                    -0.039302003, -0.71048814, -0.028816206],
    'precision': 0.29976344,
    'recall': 0.13986346,
    'tp': 0.8165974,
    'fp': 1.907542,
    'tn': 2.5129681,
    'fn': 5.0219355,
    'p_t': [0.45753771, 0.29976344, 0.32062078],
    'r_t': [0.48280227, 0.13986346, 0.13986346],
    'auc_roc': 0.34833586,
    'auc_pr': 0.51093024,
    'auc_pr_careful': 0.51634037,
    'auc_roc_minoring': 0.32649991,
    'sens_at_spec': 0.13986346,
    'spec_at_sens': 0.064072765,
    'mae': 0.79151088,
    'mse': 0.98153919,
    'rmse': 0.99072659,
    'mre': 0.90587711,
    'pct_below': 0.81481022,
    'mean_iou': 0.14155108,
    'recall_at_2_dense': 0.40421861,
    'sparse_recall_at_2': 0.40421858,
    'sparse_precision_at_2': 0.20210929,
    'sparse_precision_at_2_c1': 0.33333333,
    'sparse_ap_at_2': 0.299099,
}

TF_NAMES = [
 'accuracy/count',
 'accuracy/total',
 'auc/false_negatives',
 'auc/false_positives',
 'auc/true_negatives',
 'auc/true_positives',
 'auc_1/false_negatives',
 'auc_1/false_positives',
 'auc_1/true_negatives',
 'auc_1/true_positives',
 'auc_2/false_negatives',
 'auc_2/false_positives',
 'auc_2/true_negatives',
 'auc_2/true_positives',
 'auc_3/false_negatives',
 'auc_3/false_positives',
 'auc_3/true_negatives',
 'auc_3/true_positives',
 'average_precision_at_2/max_1',
 'average_precision_at_2/total',
 'false_negatives/count',
 'false_positives/count',
 'mean/count',
 'mean/total',
 'mean_1/count_tensor',
 'mean_1/total_tensor',
 'mean_2/count',
 'mean_2/total',
 'mean_absolute_error/count',
 'mean_absolute_error/total',
 'mean_iou/total_confusion_matrix',
 'mean_relative_error/count',
 'mean_relative_error/total',
 'mean_squared_error/count',
 'mean_squared_error/total',
 'percentage_below_threshold/count',
 'percentage_below_threshold/total',
 'precision/false_positives/count',
 'precision/true_positives/count',
 'precision_at_2/false_positive_at_2',
 'precision_at_2/true_positive_at_2',
 'precision_at_2_class1/false_positive_at_2_class1',
 'precision_at_2_class1/true_positive_at_2_class1',
 'precision_at_thresholds/false_positives',
 'precision_at_thresholds/true_positives',
 'recall/false_negatives/count',
 'recall/true_positives/count',
 'recall_at_2/false_negative_at_2',
 'recall_at_2/true_positive_at_2',
 'recall_at_thresholds/false_negatives',
 'recall_at_thresholds/true_positives',
 'root_mean_squared_error/count',
 'root_mean_squared_error/total',
 'sensitivity_at_specificity/false_negatives',
 'sensitivity_at_specificity/false_positives',
 'sensitivity_at_specificity/true_negatives',
 'sensitivity_at_specificity/true_positives',
 'specificity_at_sensitivity/false_negatives',
 'specificity_at_sensitivity/false_positives',
 'specificity_at_sensitivity/true_negatives',
 'specificity_at_sensitivity/true_positives',
 'true_negatives/count',
 'true_positives/count'
]

TF_METRIC_VARIABLES = 63


def _batches(seed: int = 3, n: int = 3, size: int = 8) -> list[dict]:
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        out.append(dict(
            lab=rng.randint(0, 2, size).astype(np.int64),
            prob=rng.rand(size).astype(np.float32),
            w=rng.rand(size).astype(np.float32),
            y=rng.randn(size).astype(np.float32),
            yhat=rng.randn(size).astype(np.float32),
            norm=(rng.rand(size) + 0.5).astype(np.float32),
            cls=rng.randint(0, 3, size).astype(np.int64),
            pcls=rng.randint(0, 3, size).astype(np.int64),
            logits=rng.randn(size, 4).astype(np.float32),
            ids=rng.randint(0, 4, size).astype(np.int64)))
    return out


def _build() -> tuple[dict, dict]:
    b = _batches()[0]
    ph = {k: tk.placeholder(tk.as_dtype(v.dtype), v.shape) for k, v in b.items()}
    cm = tk.contrib.metrics
    lab, prob, w = ph["lab"], ph["prob"], ph["w"]
    pred = prob > 0.5
    ms = {
        "accuracy": cm.streaming_accuracy(ph["pcls"], ph["cls"], w),
        "mean": cm.streaming_mean(ph["y"], w),
        "mean_tensor": cm.streaming_mean_tensor(ph["y"], w),
        "precision": cm.streaming_precision(pred, lab, w),
        "recall": cm.streaming_recall(pred, lab, w),
        "tp": cm.streaming_true_positives(pred, lab, w),
        "fp": cm.streaming_false_positives(pred, lab, w),
        "tn": cm.streaming_true_negatives(pred, lab, w),
        "fn": cm.streaming_false_negatives(pred, lab, w),
        "p_t": cm.streaming_precision_at_thresholds(prob, lab, [0.25, 0.5, 0.75], w),
        "r_t": cm.streaming_recall_at_thresholds(prob, lab, [0.25, 0.5, 0.75], w),
        "auc_roc": cm.streaming_auc(prob, lab, w, num_thresholds=50),
        "auc_pr": cm.streaming_auc(prob, lab, w, num_thresholds=50, curve="PR"),
        "auc_pr_careful": cm.streaming_auc(prob, lab, w, num_thresholds=50, curve="PR",
                                           summation_method="careful_interpolation"),
        "auc_roc_minoring": cm.streaming_auc(prob, lab, w, num_thresholds=50,
                                             summation_method="minoring"),
        "sens_at_spec": cm.streaming_sensitivity_at_specificity(prob, lab, 0.6, w,
                                                                num_thresholds=50),
        "spec_at_sens": cm.streaming_specificity_at_sensitivity(prob, lab, 0.7, w,
                                                                num_thresholds=50),
        "mae": cm.streaming_mean_absolute_error(ph["yhat"], ph["y"], w),
        "mse": cm.streaming_mean_squared_error(ph["yhat"], ph["y"], w),
        "rmse": cm.streaming_root_mean_squared_error(ph["yhat"], ph["y"], w),
        "mre": cm.streaming_mean_relative_error(ph["yhat"], ph["y"], ph["norm"], w),
        "pct_below": cm.streaming_percentage_less(ph["y"], 0.4, w),
        "mean_iou": cm.streaming_mean_iou(ph["pcls"], ph["cls"], 3, w),
        "sparse_recall_at_2": cm.streaming_sparse_recall_at_k(ph["logits"], ph["ids"], 2,
                                                              weights=w),
        "sparse_precision_at_2": cm.streaming_sparse_precision_at_k(ph["logits"],
                                                                    ph["ids"], 2, weights=w),
        "sparse_precision_at_2_c1": cm.streaming_sparse_precision_at_k(
            ph["logits"], ph["ids"], 2, class_id=1),
        "sparse_ap_at_2": cm.streaming_sparse_average_precision_at_k(ph["logits"],
                                                                     ph["ids"], 2, weights=w),
        "recall_at_2_dense": cm.streaming_recall_at_k(ph["logits"], ph["ids"], 2, w),
    }
    return ph, ms


def test_streaming_metrics_equal_tf_after_three_weighted_batches():
    ph, ms = _build()
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        for b in _batches():
            last = sess.run({k: v[1] for k, v in ms.items()}, {ph[k]: b[k] for k in ph})
        got = sess.run({k: v[0] for k, v in ms.items()})
    for key, want in TF_VALUES.items():
        np.testing.assert_allclose(got[key], want, rtol=2e-6, atol=1e-7, err_msg=key)
        if key != "mean_iou":  # TF's mean_iou update op returns the confusion matrix
            np.testing.assert_allclose(last[key], want, rtol=2e-6, atol=1e-7, err_msg=key)


def test_variable_names_and_collections_are_tf_ones():
    _build()
    names = sorted(v.op.name for v in tk.local_variables())
    # contrib names the dense recall@k scope ``recall_at_2`` (TF's graph above used
    # tf.metrics.mean, scope ``mean_2``); built after the sparse one it is uniquified.
    # tk.metrics.average_precision_at_k names its count ``max`` where TF's graph shows
    # ``max_1`` (a name-scope collision inside TF); the contrib wrapper inherits that.
    want = sorted([n.replace("/max_1", "/max") for n in TF_NAMES
                   if not n.startswith("mean_2/")]
                  + ["recall_at_2_1/count", "recall_at_2_1/total"])
    assert names == want
    metric_vars = tk.get_collection(tk.GraphKeys.METRIC_VARIABLES)
    assert len(metric_vars) == TF_METRIC_VARIABLES
    assert not tk.trainable_variables() and not tk.global_variables()


def test_predictions_come_before_labels():
    pred = tk.constant([True, True, False, False])
    lab = tk.constant([True, False, False, False])
    p, p_up = tk.contrib.metrics.streaming_precision(pred, lab)
    r, r_up = tk.contrib.metrics.streaming_recall(labels=lab, predictions=pred)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        sess.run([p_up, r_up])
        assert sess.run([p, r]) == [0.5, 1.0]


def test_metrics_and_updates_collections():
    v, u = tk.contrib.metrics.streaming_mean(
        tk.constant([1.0, 2.0]), metrics_collections=["vals"], updates_collections=["ups"])
    assert tk.get_collection("vals") == [v] and tk.get_collection("ups") == [u]
    with pytest.raises(TypeError):
        tk.contrib.metrics.streaming_accuracy(tk.constant([1]), tk.constant([1]),
                                              metrics_collections="vals")


def test_bad_inputs_raise_tf_errors():
    cm = tk.contrib.metrics
    prob, lab = tk.constant([0.2, 0.8]), tk.constant([0, 1])
    with pytest.raises(ValueError, match="ROC or PR"):
        cm.streaming_auc(prob, lab, curve="XY")
    with pytest.raises(ValueError, match="summation_method"):
        cm.streaming_auc(prob, lab, summation_method="simpson")
    with pytest.raises(ValueError):
        cm.streaming_specificity_at_sensitivity(prob, lab, 1.5)
    with pytest.raises(ValueError):
        cm.streaming_accuracy(tk.constant([1, 2, 3]), tk.constant([1, 2]))
    with pytest.raises(ValueError):
        cm.streaming_mean(tk.constant([[1.0, 2.0]]), weights=tk.constant([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError):
        cm.streaming_recall_at_k(tk.constant([[0.1, 0.9]]), tk.constant([0.0]), 1)
    bad, up = cm.streaming_auc(tk.constant([0.5, 1.5]), lab)
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        with pytest.raises(tk.errors.InvalidArgumentError):
            sess.run(up)
