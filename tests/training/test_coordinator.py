"""Coordinator: stop flag, exception reporting, joining threads."""

from __future__ import annotations

import sys
import threading

import pytest

from trainkit import errors
from trainkit.training.coordinator import Coordinator


def test_request_stop_sets_flag():
    coord = Coordinator()
    assert not coord.should_stop()
    coord.request_stop()
    assert coord.should_stop()
    assert coord.wait_for_stop(0.0)


def test_join_reraises_first_reported_exception():
    coord = Coordinator()
    coord.request_stop(ValueError("first"))
    coord.request_stop(KeyError("second"))
    with pytest.raises(ValueError, match="first"):
        coord.join()
    assert coord.joined


def test_exc_info_tuple_accepted():
    coord = Coordinator()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        coord.request_stop(sys.exc_info())
    with pytest.raises(RuntimeError, match="boom"):
        coord.raise_requested_exception()


def test_out_of_range_is_a_clean_stop_by_default():
    coord = Coordinator()
    coord.request_stop(errors.OutOfRangeError(None, None, "done"))
    assert coord.should_stop()
    coord.join()  # does not raise
    coord2 = Coordinator(clean_stop_exception_types=[])
    coord2.request_stop(errors.OutOfRangeError(None, None, "done"))
    with pytest.raises(errors.OutOfRangeError):
        coord2.join()


def test_stop_on_exception_reports_and_stops():
    coord = Coordinator()
    with coord.stop_on_exception():
        raise ValueError("in thread")
    assert coord.should_stop()
    with pytest.raises(ValueError, match="in thread"):
        coord.raise_requested_exception()


def test_clear_stop_resets():
    coord = Coordinator()
    coord.request_stop(ValueError("x"))
    coord.clear_stop()
    assert not coord.should_stop()
    coord.raise_requested_exception()


def test_join_waits_for_registered_threads():
    coord = Coordinator()
    done = []

    def work():
        coord.wait_for_stop(5)
        done.append(1)

    t = threading.Thread(target=work)
    coord.register_thread(t)
    t.start()
    coord.request_stop()
    coord.join(stop_grace_period_secs=5)
    assert done == [1]


def test_straggler_thread_raises_or_is_ignored():
    coord = Coordinator()
    release = threading.Event()
    t = threading.Thread(target=release.wait, name="stuck-thread")
    t.start()
    try:
        coord.request_stop()
        with pytest.raises(RuntimeError, match="stuck-thread"):
            coord.join([t], stop_grace_period_secs=0.01)
        coord.join([t], stop_grace_period_secs=0.01, ignore_live_threads=True)
    finally:
        release.set()
        t.join()


def test_bad_arguments():
    coord = Coordinator()
    with pytest.raises(ValueError, match="request_stop"):
        coord.request_stop("not an exception")
    with pytest.raises(ValueError, match="stop_grace_period_secs"):
        coord.join(stop_grace_period_secs=-1)
