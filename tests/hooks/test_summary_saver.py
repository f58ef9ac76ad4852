"""SummarySaverHook."""

from __future__ import annotations

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, run_steps, summary_steps
from trainkit.hooks import SummarySaverHook


def _start_steps(events):
    return [e.step for e in events
            if e.HasField("session_log") and e.session_log.status == 1]  # START


def test_save_steps_8_over_30_steps(tmp_path):
    gs, train = counter_model()
    op = tk.summary.scalar("gs", tk.cast(gs, tk.float32))
    hook = SummarySaverHook(save_steps=8, output_dir=str(tmp_path), summary_op=op)
    run_steps([hook], train, 30)
    events = read_events(tmp_path)
    # The step written is the post-run global step; the summary op's read of the step
    # is not ordered after the increment, so it sees the value before it, as TF 2.21's
    # tf.compat.v1 did in 199 of 200 fresh graphs (client/write_order.py).
    assert summary_steps(events, "gs") == [(1, 0.0), (9, 8.0), (17, 16.0), (25, 24.0)]
    assert _start_steps(events) == [1]


def test_scaffold_summary_op_list_and_secs(tmp_path, clock):
    gs, train = counter_model()
    a = tk.summary.scalar("a", tk.constant(1.0))
    b = tk.summary.scalar("b", tk.constant(2.0))
    scaffold = tk.train.Scaffold(summary_op=[a, b], saver=object())
    hook = SummarySaverHook(save_secs=5, output_dir=str(tmp_path), scaffold=scaffold)
    creator = tk.train.ChiefSessionCreator(scaffold=scaffold)
    with tk.train.MonitoredSession(session_creator=creator, hooks=[hook]) as sess:
        sess.run(train)
        sess.run(train)
        clock.advance(5)
        sess.run(train)
    events = read_events(tmp_path)
    assert summary_steps(events, "a") == [(1, 1.0), (3, 1.0)]
    assert summary_steps(events, "b") == [(1, 2.0), (3, 2.0)]


def test_start_logged_per_session(tmp_path):
    gs, train = counter_model()
    op = tk.summary.scalar("x", tk.constant(1.0))
    saver = tk.train.Saver()
    for _ in range(2):
        hook = SummarySaverHook(save_steps=100, output_dir=str(tmp_path), summary_op=op)
        with tk.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path / "ckpt"), hooks=[hook], save_summaries_steps=0,
                log_step_count_steps=0, scaffold=tk.train.Scaffold(saver=saver)) as sess:
            for _ in range(3):
                sess.run(train)
    assert _start_steps(read_events(tmp_path)) == [1, 4]


def test_user_writer_is_flushed_not_closed(tmp_path):
    gs, train = counter_model()
    writer = tk.summary.FileWriter(str(tmp_path))
    op = tk.summary.scalar("x", tk.constant(1.0))
    run_steps([SummarySaverHook(save_steps=1, summary_writer=writer, summary_op=op)],
              train, 2)
    assert not writer.closed
    assert summary_steps(read_events(tmp_path), "x") == [(1, 1.0), (2, 1.0)]
    writer.close()


def test_cached_writer_closed_at_end(tmp_path):
    gs, train = counter_model()
    op = tk.summary.scalar("x", tk.constant(1.0))
    run_steps([SummarySaverHook(save_steps=1, output_dir=str(tmp_path), summary_op=op)],
              train, 1)
    assert tk.summary.FileWriterCache._cache[str(tmp_path)].closed


def test_argument_errors():
    with pytest.raises(ValueError, match="scaffold or summary_op"):
        SummarySaverHook(save_steps=1)
    with pytest.raises(ValueError, match="scaffold or summary_op"):
        SummarySaverHook(save_steps=1, scaffold=tk.train.Scaffold(), summary_op="x")
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        SummarySaverHook(summary_op="x")
