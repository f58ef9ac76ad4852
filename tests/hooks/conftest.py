"""Shared helpers for hook tests: a fake clock, a step-counting model, event reading."""

from __future__ import annotations

import glob
import os
import time

import pytest

import trainkit as tk


class FakeClock:
    """Replaces ``time.time``; move it with :meth:`advance`."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, secs: float) -> None:
        self.now += secs


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(time, "time", c)
    return c


@pytest.fixture(autouse=True)
def _fresh_writer_cache():
    yield
    tk.summary.FileWriterCache.clear()


def counter_model():
    """A global step and a train op that increments it (returns the new value)."""
    gs = tk.train.get_or_create_global_step()
    return gs, gs.assign_add(1)


def run_steps(hooks, train, n, **kwargs):
    """Runs ``train`` n times (or until a stop) in a MonitoredSession."""
    done = 0
    with tk.train.MonitoredSession(hooks=hooks, **kwargs) as sess:
        while done < n and not sess.should_stop():
            sess.run(train)
            done += 1
    return done


def read_events(logdir):
    """All events of every event file in ``logdir``, in file then record order."""
    events = []
    for path in sorted(glob.glob(os.path.join(str(logdir), "events.out.tfevents.*"))):
        events.extend(tk.summary.summary_iterator(path))
    return events


def summary_steps(events, tag):
    """(step, simple_value) of every scalar value with ``tag``."""
    return [(e.step, v.simple_value) for e in events if e.HasField("summary")
            for v in e.summary.value if v.tag == tag]
