"""``tf.losses.sparse_softmax_cross_entropy`` squeezes a trailing size-1 dimension of its
labels and weights (TF1's ``remove_squeezable_dimensions`` with ``expected_rank_diff=1``).

Expected values computed with TensorFlow 2.21 (``tf.compat.v1``, graph mode) on the
logits below; op names are TF's.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

LOGITS = np.array([[1., 2., 3.], [0.5, -1., 2.], [0., 0., 1.]], np.float32)
IDS = np.array([2, 0, 1], np.int64)
#: TF 2.21: mean loss, the loss weighted by [1, 2, 0], and that weighting unreduced
TF_MEAN = 1.2334539890289307
TF_WEIGHTED = 1.945114254951477
TF_UNREDUCED = [0.40760594606399536, 3.4826226234436035, 0.0]


def _run(t, feed=None):
    with tk.Session() as s:
        return s.run(t, feed)


def test_a_label_column_is_squeezed_to_class_ids():
    with tk.Graph().as_default() as g:
        loss = tk.losses.sparse_softmax_cross_entropy(tk.constant(IDS[:, None]),
                                                      tk.constant(LOGITS))
        assert g.get_operation_by_name(
            "sparse_softmax_cross_entropy_loss/remove_squeezable_dimensions/Squeeze")
        np.testing.assert_allclose(_run(loss), TF_MEAN, rtol=1e-6)


def test_a_weight_column_is_squeezed_with_the_labels():
    with tk.Graph().as_default():
        w = tk.constant([[1.], [2.], [0.]])
        lab = tk.constant(IDS[:, None])
        mean = tk.losses.sparse_softmax_cross_entropy(lab, tk.constant(LOGITS), weights=w)
        each = tk.losses.sparse_softmax_cross_entropy(
            lab, tk.constant(LOGITS), weights=w, reduction=tk.losses.Reduction.NONE)
        assert each.shape.as_list() == [3]
        got_mean, got_each = _run([mean, each])
    np.testing.assert_allclose(got_mean, TF_WEIGHTED, rtol=1e-6)
    np.testing.assert_allclose(got_each, TF_UNREDUCED, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", [[None, 1], None])
def test_fed_labels_of_unknown_size_or_rank(shape):
    """A ``[None, 1]`` placeholder squeezes statically; one of unknown rank through a
    ``cond`` on the runtime ranks, as TF does."""
    with tk.Graph().as_default():
        ids = tk.placeholder(tk.int64, shape)
        loss = tk.losses.sparse_softmax_cross_entropy(ids, tk.constant(LOGITS))
        np.testing.assert_allclose(_run(loss, {ids: IDS[:, None]}), TF_MEAN, rtol=1e-6)
        if shape is None:   # the same graph takes plain class ids too
            np.testing.assert_allclose(_run(loss, {ids: IDS}), TF_MEAN, rtol=1e-6)


def test_plain_class_ids_are_left_alone():
    with tk.Graph().as_default() as g:
        loss = tk.losses.sparse_softmax_cross_entropy(tk.constant(IDS), tk.constant(LOGITS))
        assert not [op for op in g.get_operations() if op.type == "Squeeze"]
        np.testing.assert_allclose(_run(loss), TF_MEAN, rtol=1e-6)


def test_a_wider_label_matrix_is_still_a_rank_error():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="[Rr]ank"):
            tk.losses.sparse_softmax_cross_entropy(tk.constant([[2, 1], [0, 1], [1, 1]]),
                                                   tk.constant(LOGITS))


def test_training_through_a_label_column_matches_class_ids():
    """The gradient passes the squeeze: one SGD step from the same start gives the same
    weights with ``[batch, 1]`` ids as with ``[batch]`` ids."""
    out = []
    for ids in (IDS[:, None], IDS):
        with tk.Graph().as_default():
            w = tk.Variable(np.eye(3, dtype=np.float32))
            loss = tk.losses.sparse_softmax_cross_entropy(tk.constant(ids),
                                                          tk.matmul(LOGITS, w))
            step = tk.train.GradientDescentOptimizer(0.5).minimize(loss)
            with tk.Session() as s:
                s.run(tk.global_variables_initializer())
                s.run(step)
                out.append(s.run(w))
    np.testing.assert_array_equal(out[0], out[1])
    assert not np.array_equal(out[0], np.eye(3))


def test_metrics_squeeze_labels_of_unknown_rank_at_run_time():
    """``tf.metrics`` shares the squeeze: a ``[4, 1]`` label column fed to a placeholder
    of unknown rank is squeezed by the ``cond`` on the runtime ranks, so the accuracy
    compares 4 pairs, not a broadcast 4 x 4 (TF 2.21 gives 0.75 then 0.75; without the
    squeeze it is 0.3125)."""
    with tk.Graph().as_default():
        labels = tk.placeholder(tk.int64, None)
        _, update = tk.metrics.accuracy(labels, tk.constant([1, 0, 2, 2], tk.int64))
        with tk.Session() as s:
            s.run(tk.local_variables_initializer())
            assert s.run(update, {labels: [[1], [0], [1], [2]]}) == pytest.approx(0.75)
            assert s.run(update, {labels: [1, 1, 2, 2]}) == pytest.approx(0.75)
