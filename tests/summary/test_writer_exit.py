"""Writers are closed on every exit path: SIGTERM (while idle and while writing), an
unhandled exception, and a normal exit without close(). Each case runs a child Python
process and reads its event file with TensorBoard's loader."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import trainkit as tk

efl = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")

CHILD = textwrap.dedent("""
    import sys, time
    from tensorboardX.proto.summary_pb2 import Summary
    from trainkit.summary.writer import FileWriter

    w = FileWriter(sys.argv[1], max_queue=1000, flush_secs=1000)
    mode = sys.argv[2]

    def add(i):
        w.add_summary(Summary(value=[Summary.Value(tag="x", simple_value=i)]), i)

    for i in range(300):
        add(i)
    if mode == "raise":
        raise RuntimeError("boom")
    if mode == "exit":
        sys.exit(0)
    print("ready", flush=True)
    if mode == "idle":
        time.sleep(60)
    i = 300
    while True:  # "busy": keep writing until the signal arrives
        add(i)
        i += 1
""")


def run_child(logdir, mode):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(logdir), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def steps_on_disk(logdir):
    (path,) = glob.glob(os.path.join(str(logdir), "*tfevents*"))
    # Our reader raises DataLossError on any truncated or corrupt record.
    events = list(tk.summary.summary_iterator(path))
    assert len(list(efl.EventFileLoader(path).Load())) == len(events)
    return [int(e.step) for e in events if e.HasField("summary")]


@pytest.mark.parametrize("mode", ["idle", "busy"])
def test_sigterm_leaves_every_record_readable(tmp_path, mode):
    p = run_child(tmp_path, mode)
    try:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=30)
    finally:
        p.kill()
    assert rc == 128 + signal.SIGTERM, p.stderr.read()
    steps = steps_on_disk(tmp_path)
    if mode == "idle":
        assert steps == list(range(300))
    else:
        assert len(steps) >= 300 and steps == list(range(len(steps)))


@pytest.mark.parametrize("mode,rc", [("raise", 1), ("exit", 0)])
def test_exception_and_plain_exit_flush_everything(tmp_path, mode, rc):
    p = run_child(tmp_path, mode)
    try:
        assert p.wait(timeout=30) == rc
    finally:
        p.kill()
    assert steps_on_disk(tmp_path) == list(range(300))
