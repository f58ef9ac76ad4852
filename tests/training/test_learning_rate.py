"""Schedules against hand-computed values of the TF1 formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from trainkit.training import learning_rate as lr_mod


def _run(t, step):
    s = t.op.inputs[0]
    with tk.Session() as sess:
        return float(sess.run(t, {s: step}))


@pytest.fixture
def step():
    return tk.placeholder(tk.int64, [], name="step")


@pytest.mark.parametrize("s,expected", [(0, 0.1), (5, 0.1 * 0.5 ** 0.5), (20, 0.025)])
def test_exponential_decay(step, s, expected):
    assert _run(lr_mod.exponential_decay(0.1, step, 10, 0.5), s) == pytest.approx(expected)


@pytest.mark.parametrize("s,expected", [(0, 0.1), (9, 0.1), (10, 0.05), (25, 0.025)])
def test_exponential_decay_staircase(step, s, expected):
    t = lr_mod.exponential_decay(0.1, step, 10, 0.5, staircase=True)
    assert _run(t, s) == pytest.approx(expected)


@pytest.mark.parametrize("s,expected", [(0, 1.0), (5, 1.0), (6, 0.5), (10, 0.5), (11, 0.1)])
def test_piecewise_constant(step, s, expected):
    t = lr_mod.piecewise_constant(step, [5, 10], [1.0, 0.5, 0.1])
    assert _run(t, s) == pytest.approx(expected)


@pytest.mark.parametrize("s,expected", [
    (0, 0.1), (5, (0.1 - 0.01) * 0.5 ** 2 + 0.01), (10, 0.01), (30, 0.01)])
def test_polynomial_decay(step, s, expected):
    t = lr_mod.polynomial_decay(0.1, step, 10, end_learning_rate=0.01, power=2.0)
    assert _run(t, s) == pytest.approx(expected)


@pytest.mark.parametrize("s,expected", [
    (0, 0.1), (10, 0.0001), (15, 0.0999 * (1 - 15 / 20) + 0.0001),
    (20, 0.0001), (21, 0.0999 * (1 - 21 / 30) + 0.0001)])
def test_polynomial_decay_cycle(step, s, expected):
    t = lr_mod.polynomial_decay(0.1, step, 10, cycle=True)
    assert _run(t, s) == pytest.approx(expected)


@pytest.mark.parametrize("s,expected", [
    (0, 0.1), (5, 0.1 * (0.8 * 0.5 + 0.2)),
    (3, 0.1 * (0.8 * 0.5 * (1 + math.cos(math.pi * 0.3)) + 0.2)), (10, 0.02), (50, 0.02)])
def test_cosine_decay(step, s, expected):
    assert _run(lr_mod.cosine_decay(0.1, step, 10, alpha=0.2), s) == pytest.approx(expected)


@pytest.mark.parametrize("staircase,s,expected", [
    (False, 5, 0.1 / 1.25), (False, 20, 0.1 / 2.0), (True, 15, 0.1 / 1.5), (True, 9, 0.1)])
def test_inverse_time_decay(step, staircase, s, expected):
    t = lr_mod.inverse_time_decay(0.1, step, 10, 0.5, staircase=staircase)
    assert _run(t, s) == pytest.approx(expected)


def test_tensor_learning_rate_and_dtype(step):
    base = tk.constant(0.2, dtype=tk.float64)
    t = lr_mod.exponential_decay(base, step, 10, 0.5, staircase=True)
    assert t.dtype is tk.float64 and t.shape.as_list() == []
    assert _run(t, 10) == 0.1


def test_errors(step):
    with pytest.raises(ValueError, match="global_step is required for exponential_decay"):
        lr_mod.exponential_decay(0.1, None, 10, 0.5)
    with pytest.raises(ValueError, match="global_step is required for piecewise_constant"):
        lr_mod.piecewise_constant(None, [1], [1.0, 2.0])
    with pytest.raises(ValueError, match="should be 1 less than the length of values"):
        lr_mod.piecewise_constant(step, [1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match="increasing"):
        lr_mod.piecewise_constant(step, [5, 2], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="same dtype"):
        lr_mod.piecewise_constant(step, [5], [1.0, 2])
    with pytest.raises(ValueError, match="decay_steps must be positive, got 0"):
        lr_mod.cosine_decay(0.1, step, 0)
    with pytest.raises(TypeError, match="learning_rate must be floating point"):
        lr_mod.polynomial_decay(1, step, 10)


def test_schedule_has_no_gradient(step):
    lr = tk.constant(0.5)
    t = lr_mod.exponential_decay(lr, step, 10, 0.5)
    from trainkit.autodiff import gradients
    assert gradients(t, [lr]) == [None]
    assert np.isfinite(_run(t, 3))
