"""Regularizers: values, names, disabled scale, errors."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit import regularizers


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_l2_l1_values():
    w = tk.constant([1.0, -2.0, 3.0])
    assert _run(regularizers.l2_regularizer(0.5)(w)) == pytest.approx(0.5 * 14.0 / 2)
    assert _run(regularizers.l1_regularizer(0.5)(w)) == pytest.approx(3.0)
    assert _run(regularizers.l1_l2_regularizer(1.0, 2.0)(w)) == pytest.approx(6.0 + 14.0)
    assert regularizers.l2_regularizer(0.5)(w).op.name.startswith("l2_regularizer")


def test_zero_scale_disables():
    assert regularizers.l2_regularizer(0.0)(tk.constant([1.0])) is None
    assert tk.layers.l2_regularizer is regularizers.l2_regularizer


def test_apply_regularization():
    a, b = tk.constant([1.0]), tk.constant([2.0, 2.0])
    total = regularizers.apply_regularization(regularizers.l1_regularizer(1.0), [a, b])
    assert _run(total) == pytest.approx(5.0)
    assert tk.get_collection(tk.GraphKeys.REGULARIZATION_LOSSES) == [total]
    with pytest.raises(ValueError, match="No weights to regularize"):
        regularizers.apply_regularization(regularizers.l1_regularizer(1.0))


def test_errors():
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        regularizers.l2_regularizer(1)
    with pytest.raises(ValueError, match="scale less than 0 on a regularizer: -0.1"):
        regularizers.l1_regularizer(-0.1)
    with pytest.raises(TypeError, match="scale must be a float or a tensor"):
        regularizers.l2_regularizer("big")
