"""``tf.metrics.precision_at_top_k`` / ``recall_at_top_k`` / ``sparse_precision_at_k``
against TF 2.21 ``tf.compat.v1``: the values, variable and op names TF printed for the
same graph (``k`` only names the metric: every column of ``predictions_idx`` counts)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_values_and_names_match_tf():
    with tk.Graph().as_default():
        labels = tk.constant([[2], [0], [3]], tk.int64)
        idx = tk.constant([[2, 0, 1], [1, 3, 0], [0, 1, 2]], tk.int64)
        p, pu = tk.metrics.precision_at_top_k(labels, idx)
        _, p2u = tk.metrics.precision_at_top_k(labels, idx, k=2, class_id=0)
        r, ru = tk.metrics.recall_at_top_k(labels, idx, k=2)
        _, r2u = tk.metrics.recall_at_top_k(labels, idx, weights=tk.constant([1.0, 2.0, 0.5]))
        logits = tk.constant(np.array([[0.1, 0.5, 0.9, 0.2], [0.3, 0.2, 0.1, 0.9],
                                       [0.7, 0.1, 0.3, 0.2]], np.float32))
        s, su = tk.metrics.sparse_precision_at_k(labels, logits, 2)
        r5, r5u = tk.metrics.recall_at_k(labels, logits, 2)
        assert [v.name for v in tk.local_variables()] == [
            "precision_at_k/true_positive_at_k:0", "precision_at_k/false_positive_at_k:0",
            "precision_at_2_class0/true_positive_at_2_class0:0",
            "precision_at_2_class0/false_positive_at_2_class0:0",
            "recall_at_2/true_positive_at_2:0", "recall_at_2/false_negative_at_2:0",
            "recall_at_k/true_positive_at_k:0", "recall_at_k/false_negative_at_k:0",
            "precision_at_2/true_positive_at_2:0", "precision_at_2/false_positive_at_2:0",
            "recall_at_2_1/true_positive_at_2:0", "recall_at_2_1/false_negative_at_2:0"]
        assert (p.name, pu.name, r.name) == ("precision_at_k:0", "precision_at_k/update:0",
                                             "recall_at_2:0")
        assert (s.name, su.name, r5.name, r5u.name) == (
            "precision_at_2:0", "precision_at_2/update:0", "recall_at_2_1:0",
            "recall_at_2_1/update:0")
        with tk.Session() as sess:
            sess.run(tk.local_variables_initializer())
            got = sess.run([pu, p2u, ru, r2u, su])
            np.testing.assert_allclose(got, [2 / 9, 1 / 3, 2 / 3, 3 / 3.5, 1 / 3])
            assert sess.run(p) == pytest.approx(2 / 9)


def test_bad_k_and_rank():
    with tk.Graph().as_default():
        labels = tk.constant([[1]], tk.int64)
        with pytest.raises(ValueError, match="positive int"):
            tk.metrics.precision_at_top_k(labels, tk.constant([[1]], tk.int64), k=0)
        with pytest.raises(ValueError, match="at least 1"):
            tk.metrics.recall_at_top_k(labels, tk.constant(1, tk.int64))
