"""``softmax_cross_entropy_with_logits(_v2)`` with labels shaped unlike the logits: TF
flattens both to ``[-1, classes]`` matrices and its kernel broadcasts one against the
other (hunkim's ``labels=tf.stop_gradient([Y_one_hot])`` gives ``[1, n, k]`` labels for
``[n, k]`` logits). The numbers were computed with TF 2.21 (``tf.compat.v1``,
``disable_v2_behavior()``) on the inputs below; they equal the NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], np.float32)
Z = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], np.float32)
TF_LOSS = [1.4413114, 0.3306726]  # TF 2.21, labels [Z] or Z itself
TF_FIRST_ROW_LABELS = [1.4413114, 1.8306725]  # TF 2.21, labels Z[:1] for both rows
TF_GRAD_LOGITS = [[-0.02470961, -0.26088744, 0.28559703],  # d sum(loss * [1, 2]) / dx
                  [-0.5631193, 0.41167322, 0.1514461]]
TF_GRAD_LABELS = [[[1.7413113, 3.2413113, 0.24131133],  # d sum(loss) / d labels [1, 2, 3]
                   [0.3306726, 1.5806726, 2.5806725]]]


def numpy_xent(x, z):
    s = x - x.max(-1, keepdims=True)
    return -(z * (s - np.log(np.exp(s).sum(-1, keepdims=True)))).sum(-1)


@pytest.mark.parametrize("fn", [tk.nn.softmax_cross_entropy_with_logits_v2,
                                tk.nn.softmax_cross_entropy_with_logits])
def test_labels_with_a_leading_one_dimension(fn):
    x = tk.placeholder(tk.float32, [None, 3])
    loss = fn(labels=tk.stop_gradient([tk.constant(Z)]), logits=x)
    assert loss.shape.as_list() == [2]  # TF 2.21 infers the labels' row count
    with tk.Session() as sess:
        got = sess.run(loss, {x: X})
    np.testing.assert_allclose(got, TF_LOSS, rtol=1e-6)
    np.testing.assert_allclose(got, numpy_xent(X, Z), rtol=1e-6)


def test_unknown_rows_and_gradients():
    x = tk.placeholder(tk.float32, [None, 3])
    labels = tk.placeholder(tk.float32, [1, None, 3])
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=x)
    assert loss.shape.as_list() == [None]
    gx = tk.gradients(tk.reduce_sum(loss * [1.0, 2.0]), x)[0]
    gz = tk.gradients(tk.reduce_sum(loss), labels)[0]
    with tk.Session() as sess:
        got, got_gx, got_gz = sess.run([loss, gx, gz], {x: X, labels: Z[None]})
    np.testing.assert_allclose(got, TF_LOSS, rtol=1e-6)
    np.testing.assert_allclose(got_gx, TF_GRAD_LOGITS, rtol=1e-5, atol=1e-7)
    assert got_gz.shape == (1, 2, 3)
    np.testing.assert_allclose(got_gz, TF_GRAD_LABELS, rtol=1e-6)


def test_one_label_row_broadcasts_over_the_logits_rows():
    x = tk.placeholder(tk.float32, [None, 3])
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=Z[:1], logits=x)
    assert loss.shape.as_list() == [1]  # TF 2.21's static shape, though two rows come out
    with tk.Session() as sess:
        got = sess.run(loss, {x: X})
    np.testing.assert_allclose(got, TF_FIRST_ROW_LABELS, rtol=1e-6)


def test_rank3_logits_with_matrix_labels():
    x = tk.placeholder(tk.float32, [None, 2, 3])
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=Z, logits=x)
    assert loss.shape.as_list() == [None, 2]
    with tk.Session() as sess:
        got = sess.run(loss, {x: X[None]})
    np.testing.assert_allclose(got, [TF_LOSS], rtol=1e-6)


def test_shapes_that_do_not_flatten_to_broadcastable_matrices():
    with pytest.raises(ValueError, match="broadcastable"):  # [6, 3] vs [3, 3]
        tk.nn.softmax_cross_entropy_with_logits_v2(labels=np.zeros((2, 3, 3), np.float32),
                                                   logits=tk.zeros([3, 3]))
    with pytest.raises(ValueError, match="same shape"):  # the classes differ
        tk.nn.softmax_cross_entropy_with_logits_v2(labels=tk.zeros([1, 2, 4]),
                                                   logits=tk.zeros([2, 3]))
    with pytest.raises(ValueError, match="same shape"):  # a class axis that is not last
        tk.nn.softmax_cross_entropy_with_logits_v2(labels=tk.zeros([1, 2, 3]),
                                                   logits=tk.zeros([2, 3]), axis=0)


def test_rows_that_do_not_broadcast_at_run_time():
    x = tk.placeholder(tk.float32, [None, 3])
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=Z[None], logits=x)
    with tk.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="broadcastable") as info:
            sess.run(loss, {x: np.zeros((3, 3), np.float32)})
    assert "logits_size=[3, 3] labels_size=[2, 3]" in str(info.value)
