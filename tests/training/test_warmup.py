"""``tk.train.linear_warmup``: ``lr * (f0 + (1 - f0) * min(1, step / warmup))`` against
NumPy over the steps around the ramp, on a constant and on a schedule running
underneath (cosine decay on the true step), int and float steps; typed errors."""

from __future__ import annotations

import math

import pytest

import trainkit as tk


@pytest.mark.parametrize("f0", [0.0, 0.25])
def test_ramp_then_the_schedule(f0):
    steps = [0, 1, 5, 9, 10, 11, 30]
    with tk.Graph().as_default():
        step = tk.placeholder(tk.int64, [])
        flat = tk.train.linear_warmup(0.1, step, 10, initial_fraction=f0)
        decayed = tk.train.linear_warmup(
            tk.train.cosine_decay(0.1, step, decay_steps=40), step, 10, initial_fraction=f0)
        with tk.Session() as sess:
            got = [sess.run([flat, decayed], {step: s}) for s in steps]
    for s, (a, b) in zip(steps, got):
        ramp = f0 + (1 - f0) * min(1.0, s / 10)
        cosine = 0.1 * 0.5 * (1 + math.cos(math.pi * min(s, 40) / 40))
        assert a == pytest.approx(0.1 * ramp, rel=1e-6)
        assert b == pytest.approx(cosine * ramp, rel=1e-6)
    assert got[0][0] == pytest.approx(0.1 * f0, abs=1e-9)


def test_float_steps_and_names():
    with tk.Graph().as_default():
        step = tk.constant(2.5)
        lr = tk.train.linear_warmup(tk.constant(1.0, tk.float64), step, 5)
        assert lr.dtype == tk.float64 and lr.op.name.startswith("LinearWarmup/")
        with tk.Session() as sess:
            assert sess.run(lr) == pytest.approx(0.5)


def test_bad_arguments():
    with tk.Graph().as_default():
        step = tk.constant(1)
        for bad in (0, -3, 2.5, True):
            with pytest.raises(ValueError, match="warmup_steps"):
                tk.train.linear_warmup(0.1, step, bad)
        for bad in (-0.1, 1.5):
            with pytest.raises(ValueError, match="initial_fraction"):
                tk.train.linear_warmup(0.1, step, 3, initial_fraction=bad)
        with pytest.raises(ValueError, match="global_step"):
            tk.train.linear_warmup(0.1, None, 3)
        with pytest.raises(TypeError, match="floating"):
            tk.train.linear_warmup(tk.constant(1), step, 3)
        with pytest.raises(TypeError, match="numeric"):
            tk.train.linear_warmup(0.1, tk.constant("x"), 3)
