"""``tk.keras.backend``'s CTC functions (``backend_ctc.py``) against TF 2.21 (tf_keras
2.21, ``tf.compat.v1`` graph mode, numbers recorded for the inputs below), including the
blank-only label row Keras's ``image_ocr.py`` feeds for its blank images."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

K = tk.keras.backend


def _inputs():
    rng = np.random.RandomState(0)
    probs = rng.rand(2, 6, 4).astype("float32")
    probs /= probs.sum(-1, keepdims=True)
    # row 1's only label is 3 == num_classes - 1, the blank: TF's l' is one blank
    labels = np.array([[0, 1, -1], [3, 1, 1]], "float32")
    return probs, labels, np.array([[6], [5]], "int64"), np.array([[2], [1]], "int64")


def test_ctc_batch_cost_and_gradient_match_tf():
    probs, labels, il, ll = _inputs()
    with tk.Graph().as_default(), tk.Session() as sess:
        y = tk.constant(probs)
        cost = K.ctc_batch_cost(tk.constant(labels), y, tk.constant(il), tk.constant(ll))
        grad = tk.gradients(cost, y)[0]
        c, g = sess.run([cost, grad])
    assert c.shape == (2, 1)
    np.testing.assert_allclose(c.ravel(), [3.614960193634033, 3.9898509979248047], rtol=2e-6)
    np.testing.assert_allclose(g.sum(axis=(1, 2)), [1.3476324081420898, 7.655610084533691],
                               rtol=2e-5)
    np.testing.assert_allclose(np.abs(g).sum(axis=(1, 2)),
                               [18.228294372558594, 22.418977737426758], rtol=2e-5)


def test_ctc_label_dense_to_sparse_keeps_the_first_label_length_entries():
    with tk.Graph().as_default(), tk.Session() as sess:
        sp = K.ctc_label_dense_to_sparse(tk.constant([[1, 2, 0], [3, 0, 0]]),
                                         tk.constant([2, 1]))
        value = sess.run(sp)
    assert value.indices.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert value.values.tolist() == [1, 2, 3]
    assert value.dense_shape.tolist() == [2, 3]


def test_ctc_decode_greedy_and_beam_match_tf():
    probs, *_ = _inputs()
    with tk.Graph().as_default(), tk.Session() as sess:
        y = tk.constant(probs)
        dec, lp = K.ctc_decode(y, tk.constant([6, 5]))
        bdec, blp = K.ctc_decode(y, tk.constant([6, 5]), greedy=False, beam_width=5,
                                 top_paths=2)
        d, p, bd, bp = sess.run([dec, lp, bdec, blp])
    assert [x.tolist() for x in d] == [[[1, 0, 1, 0, -1, -1], [2, -1, -1, -1, -1, -1]]]
    np.testing.assert_allclose(p, [[5.9852423667907715], [4.5039215087890625]], rtol=1e-5)
    assert [x.tolist() for x in bd] == [[[1, 0, 1, -1, -1, -1], [1, 2, -1, -1, -1, -1]],
                                        [[1, 0, 1, 0, -1, -1], [1, 0, 2, -1, -1, -1]]]
    np.testing.assert_allclose(bp, [[-3.4860925674438477, -4.0103044509887695],
                                    [-2.448991060256958, -2.990344524383545]], rtol=1e-5)


def test_ctc_batch_cost_rejects_labels_longer_than_the_input():
    probs, labels, _, _ = _inputs()
    with tk.Graph().as_default(), tk.Session() as sess:
        cost = K.ctc_batch_cost(tk.constant(labels), tk.constant(probs),
                                tk.constant(np.array([[1], [5]], "int64")),
                                tk.constant(np.array([[2], [1]], "int64")))
        with pytest.raises(tk.errors.InvalidArgumentError):
            sess.run(cost)
