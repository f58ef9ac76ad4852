"""tk.losses against NumPy formulas, with TF1 Reduction semantics."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

L = np.array([[1.0, 2.0], [3.0, -1.0]])
P = np.array([[1.5, 1.0], [2.0, 1.0]])


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def _c(v):
    return tk.constant(v, dtype=tk.float64)


def test_mean_squared_error_default_reduction_and_collection():
    loss = tk.losses.mean_squared_error(_c(L), _c(P))
    assert _run(loss) == pytest.approx(np.mean((P - L) ** 2))
    assert tk.get_collection(tk.GraphKeys.LOSSES) == [loss]
    assert tk.losses.get_losses() == [loss]


@pytest.mark.parametrize("reduction,expected", [
    ("weighted_sum_by_nonzero_weights", lambda e, w: np.sum(e * w) / 3.0),
    ("weighted_sum", lambda e, w: np.sum(e * w)),
    ("weighted_mean", lambda e, w: np.sum(e * w) / np.sum(w)),
    ("weighted_sum_over_batch_size", lambda e, w: np.sum(e * w) / 4.0),
    ("none", lambda e, w: e * w),
])
def test_reductions_with_weights(reduction, expected):
    w = np.array([[2.0, 0.0], [1.0, 0.5]])
    loss = tk.losses.absolute_difference(_c(L), _c(P), weights=_c(w), reduction=reduction)
    np.testing.assert_allclose(_run(loss), expected(np.abs(P - L), w))


def test_broadcast_weights_and_zero_weights():
    per_row = tk.losses.mean_squared_error(_c(L), _c(P), weights=_c([[1.0], [0.0]]))
    assert _run(per_row) == pytest.approx(np.sum((P - L)[0] ** 2) / 2.0)
    zero = tk.losses.mean_squared_error(_c(L), _c(P), weights=0.0)
    assert _run(zero) == 0.0


def test_huber_loss():
    e = P - L
    d = 0.75
    ref = np.where(np.abs(e) <= d, 0.5 * e ** 2, d * (np.abs(e) - 0.5 * d))
    assert _run(tk.losses.huber_loss(_c(L), _c(P), delta=d)) == pytest.approx(ref.mean())


def test_sigmoid_cross_entropy_with_smoothing():
    z = np.array([[1.0, 0.0], [0.0, 1.0]])
    x = np.array([[0.3, -2.0], [1.5, 0.2]])
    zs = z * 0.8 + 0.1
    ref = np.maximum(x, 0) - x * zs + np.log1p(np.exp(-np.abs(x)))
    loss = tk.losses.sigmoid_cross_entropy(_c(z), _c(x), label_smoothing=0.2)
    assert _run(loss) == pytest.approx(ref.mean())


def _log_softmax(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


def test_softmax_and_sparse_cross_entropy():
    x = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    labels = np.array([0, 2])
    onehot = np.eye(3)[labels]
    ref = -(onehot * _log_softmax(x)).sum(axis=1)
    w = np.array([1.0, 3.0])
    dense = tk.losses.softmax_cross_entropy(_c(onehot), _c(x), weights=_c(w))
    sparse = tk.losses.sparse_softmax_cross_entropy(tk.constant(labels), _c(x))
    assert _run(dense) == pytest.approx(np.sum(ref * w) / 2.0)
    assert _run(sparse) == pytest.approx(ref.mean())
    smooth = onehot * 0.7 + 0.1
    ref_s = -(smooth * _log_softmax(x)).sum(axis=1)
    sm = tk.losses.softmax_cross_entropy(_c(onehot), _c(x), label_smoothing=0.3)
    assert _run(sm) == pytest.approx(ref_s.mean())


def test_regularization_and_total_loss():
    assert _run(tk.losses.get_regularization_loss()) == 0.0
    w = tk.get_variable("w", initializer=tk.constant([1.0, -2.0]),
                        regularizer=tk.layers.l2_regularizer(0.1))
    tk.losses.mean_squared_error(tk.constant([0.0]), tk.constant([2.0]))
    reg = tk.losses.get_regularization_loss()
    total = tk.losses.get_total_loss()
    with tk.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(reg) == pytest.approx(0.1 * 5.0 / 2)
        assert sess.run(total) == pytest.approx(4.0 + 0.25)
        assert sess.run(tk.losses.get_total_loss(False)) == pytest.approx(4.0)


def test_errors():
    with pytest.raises(ValueError, match="Invalid Reduction Key 'avg'"):
        tk.losses.mean_squared_error(_c(L), _c(P), reduction="avg")
    with pytest.raises(ValueError, match="labels must not be None"):
        tk.losses.mean_squared_error(None, _c(P))
    with pytest.raises(ValueError, match="predictions must not be None"):
        tk.losses.huber_loss(_c(L), None)
    with pytest.raises(ValueError, match=r"shapes \(3,\) \(labels\) and \(2, 2\)"):
        tk.losses.mean_squared_error(_c([1.0, 2.0, 3.0]), _c(P))
    with pytest.raises(ValueError, match="weights can not be broadcast"):
        tk.losses.mean_squared_error(_c(L), _c(P), weights=_c([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="No losses found"):
        tk.losses.get_total_loss()
