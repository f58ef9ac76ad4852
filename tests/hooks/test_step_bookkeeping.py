"""SummarySaverHook, StepCounterHook and ProfilerHook write the global step the session
holds when they write (TF's basic_session_run_hooks re-reads it), so a step advanced
outside the train op by an earlier hook's ``after_run`` is still right; ProfilerHook
requests the full trace only on the runs it saves and never on the first."""

from __future__ import annotations

import os

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, summary_steps
from trainkit.hooks import ProfilerHook, StepCounterHook, SummarySaverHook


class _Bump(tk.train.SessionRunHook):
    """Advances the global step by 10 in ``after_run`` and records what it left."""

    def __init__(self, gs):
        self._bump = gs.assign_add(10)
        self.after: list[int] = []

    def after_run(self, run_context, run_values):
        self.after.append(int(run_context.session.run(self._bump)))


class _TraceSeen(tk.train.SessionRunHook):
    """Records, per run, whether the merged options asked for a full trace."""

    def __init__(self):
        self.levels: list[int] = []

    def after_run(self, run_context, run_values):
        opts = run_values.options
        self.levels.append(0 if opts is None else opts.trace_level)


def _run(hooks, train, n):
    with tk.train.MonitoredSession(hooks=hooks) as sess:
        for _ in range(n):
            sess.run(train)


def test_summary_step_is_reread_after_other_hooks(tmp_path):
    gs, train = counter_model()
    op = tk.summary.scalar("gs", tk.cast(gs, tk.float32))
    bump = _Bump(gs)
    _run([bump, SummarySaverHook(save_steps=8, output_dir=str(tmp_path), summary_op=op)],
         train, 4)
    assert bump.after == [11, 22, 33, 44]
    steps = [s for s, _ in summary_steps(read_events(tmp_path), "gs")]
    # First run: written at 11 (the session's step then). The period is counted from the
    # fetched post-train steps (12, 23): 23 + 1 >= 11 + 8 requests run 4, written at 44.
    assert steps == [11, 44]
    assert set(steps) <= set(bump.after)


def test_step_counter_records_the_real_step(tmp_path, clock):
    gs, train = counter_model()
    bump = _Bump(gs)
    hook = StepCounterHook(every_n_steps=5, output_dir=str(tmp_path))
    with tk.train.MonitoredSession(hooks=[bump, hook]) as sess:
        for _ in range(3):
            sess.run(train)
            clock.advance(1.0)
    recorded = summary_steps(read_events(tmp_path), "global_step/sec")
    # Baseline at the real step 11; run 2 fetches 12 (no trigger: 12 < 16); run 3
    # fetches 23, re-reads 33 and records (33 - 11) steps over 2 seconds at step 33.
    assert recorded == [(33, 11.0)]


def test_profiler_names_trace_after_the_real_step_and_traces_only_saved_runs(tmp_path):
    gs, train = counter_model()
    seen = _TraceSeen()
    _run([ProfilerHook(save_steps=2, output_dir=str(tmp_path)), seen], train, 5)
    files = sorted(f for f in os.listdir(tmp_path) if f.startswith("timeline"))
    assert files == ["timeline-2.json", "timeline-4.json"]
    full = tk.RunOptions.FULL_TRACE
    assert seen.levels == [0, full, 0, full, 0]

    tk.reset_default_graph()
    gs, train = counter_model()
    bump = _Bump(gs)
    out = tmp_path / "bumped"
    _run([bump, ProfilerHook(save_steps=2, output_dir=str(out))], train, 3)
    # Run 1 is never traced; run 2 is, and its file carries the step after the bump.
    files = sorted(f for f in os.listdir(out) if f.startswith("timeline"))
    assert files == ["timeline-22.json"] and bump.after[1] == 22
