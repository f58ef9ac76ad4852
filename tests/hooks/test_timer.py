"""SecondOrStepTimer / NeverTriggerTimer."""

from __future__ import annotations

import pytest

from trainkit.hooks.timer import NeverTriggerTimer, SecondOrStepTimer


def test_every_steps():
    t = SecondOrStepTimer(every_steps=3)
    assert t.last_triggered_step() is None
    assert t.should_trigger_for_step(5)
    assert t.update_last_triggered_step(5) == (None, None)
    assert not t.should_trigger_for_step(5)
    assert not t.should_trigger_for_step(7)
    assert t.should_trigger_for_step(8)
    elapsed_secs, elapsed_steps = t.update_last_triggered_step(9)
    assert elapsed_steps == 4
    assert t.last_triggered_step() == 9
    t.reset()
    assert t.should_trigger_for_step(9)


def test_every_secs_reads_the_clock_at_call_time(clock):
    t = SecondOrStepTimer(every_secs=10)
    t.update_last_triggered_step(0)
    clock.advance(9.5)
    assert not t.should_trigger_for_step(1)
    clock.advance(0.5)
    assert t.should_trigger_for_step(1)
    assert not t.should_trigger_for_step(0)  # same step never triggers twice
    assert t.update_last_triggered_step(4) == (10.0, 4)


@pytest.mark.parametrize("kwargs", [{}, {"every_secs": 1, "every_steps": 1}])
def test_exactly_one_period(kwargs):
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        SecondOrStepTimer(**kwargs)


@pytest.mark.parametrize("kwargs,name", [({"every_steps": 0}, "every_steps"),
                                         ({"every_secs": -1.0}, "every_secs")])
def test_positive_period(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SecondOrStepTimer(**kwargs)


def test_never_trigger():
    t = NeverTriggerTimer()
    assert not t.should_trigger_for_step(0)
    assert t.update_last_triggered_step(3) == (None, None)
    assert t.last_triggered_step() is None
