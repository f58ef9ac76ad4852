"""Watching a run: log lines above the bar intact (real pseudo-terminal, the CLI's own
handlers), the last step's evaluation and one graph event in TensorBoard, ``[summaries]``
histograms, ``eval`` naming its checkpoint, ``--debug`` anywhere."""

from __future__ import annotations

import fcntl
import logging
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from cli_helpers import env, write_config

from trainkit.hooks import progress_bar

_LOG_LINE = re.compile(r"\d\d:\d\d:\d\d (?:INFO|WARNING) ")


def _on_a_terminal(args: list[str], cwd: Path) -> str:
    """Runs the CLI with stderr on an 80-column pseudo-terminal; returns what it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "trainkit", *args], cwd=cwd, env=env(),
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the pty closes when the child exits
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_log_lines_print_above_the_bar_intact(tmp_path):
    cfg = write_config(tmp_path / "c.toml", name="tty", steps=60)
    cfg.write_text(cfg.read_text().replace('progress_bar = "false"', 'progress_bar = "true"')
                   .replace("log_every_steps = 0", "log_every_steps = 7"))
    drawn = _on_a_terminal(["train", str(cfg), "--logdir", "runs"], tmp_path)
    assert "60/60" in drawn
    # Each log line starts a line on the screen (after a newline or the carriage return
    # tqdm uses to clear the bar) and runs to its end without a bar drawn into it.
    starts = [m.start() for m in _LOG_LINE.finditer(drawn)]
    assert len(starts) >= 10  # step logs every 7 steps, checkpoints, the summary
    for s in starts:
        assert s == 0 or drawn[s - 1] in "\r\n", repr(drawn[max(0, s - 40):s + 40])
        line = re.split(r"[\r\n]", drawn[s:], maxsplit=1)[0]
        assert not re.search(r"\d+%\||\d+/60 \[", line), repr(line)  # no bar inside
    assert drawn.count("Saving checkpoints for 10 into") == 1  # not printed twice


def test_cli_console_handler_counts_as_a_console_logger(monkeypatch):
    from trainkit.cli.main import _console_logging

    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    with _console_logging():
        assert logging.getLogger("trainkit") in progress_bar._console_loggers()


def _scalars(run: Path, tag: str) -> list[tuple[int, float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(run), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_last_step_eval_one_graph_event_and_histograms(tmp_path, cli, caplog):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    cfg = write_config(tmp_path / "c.toml", name="tb", steps=20,
                       extra="[summaries]\nhistograms_every_steps = 10\n")
    cfg.write_text(cfg.read_text().replace("log_every_steps = 0",
                                           "log_every_steps = 0\neval_every_steps = 7"))
    assert cli("train", str(cfg), "--logdir", "runs")[0] == 0
    run = tmp_path / "runs" / "tb"
    # periodic evaluations (first step, then every 7) and the last step's
    assert [s for s, _ in _scalars(run, "eval/accuracy")] == [1, 8, 15, 20]
    code, out, _ = cli("train", str(cfg), "--logdir", "runs", "--max-steps", "30")  # resume
    assert code == 0
    with caplog.at_level(logging.WARNING):
        acc = EventAccumulator(str(run), size_guidance={"histograms": 0})
        acc.Reload()
    assert "more than one graph event" not in caplog.text
    assert acc.Graph() is not None
    tags = acc.Tags()["histograms"]
    assert "weights/model/logits/kernel" in tags and "gradients/model/logits/kernel" in tags
    # every 10 steps from the first (SummarySaverHook's timer), across the resume
    assert [e.step for e in acc.Histograms("weights/model/logits/kernel")] == [1, 11, 21]
    h = acc.Histograms("weights/model/logits/kernel")[-1].histogram_value
    assert h.num == 64 * 10  # every weight of the 64x10 kernel counted once


def test_summaries_section_is_checked(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml", extra="[summaries]\nhistograms_every_steps = -1\n")
    code, _, err = cli("check", str(cfg))
    assert code == 2 and "summaries.histograms_every_steps: must be >= 0, got -1." in err
    cfg = write_config(tmp_path / "c.toml", extra="[summaries]\nhistogram = 5\n")
    code, _, err = cli("check", str(cfg))
    assert code == 2 and "summaries.histogram: unknown key; allowed: " \
                         "histograms_every_steps, weights, gradients." in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_anywhere_on_the_line(tmp_path, cli, where):
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "boom.py").write_text(
        "import trainkit as tk\n\nclass Boom(tk.train.SessionRunHook):\n"
        "    def after_run(self, run_context, run_values):\n"
        "        raise RuntimeError('boom')\n")
    cfg = write_config(tmp_path / "c.toml", extra="[[hooks]]\ntype = 'boom:Boom'\n")
    args = ["train", str(cfg), "--logdir", str(tmp_path / where)]
    code, _, err = cli(*(["--debug", *args] if where == "before" else [*args, "--debug"]))
    assert code == 1 and "Traceback (most recent call last)" in err
    code, _, err = cli(*args[:-1], str(tmp_path / (where + "2")))
    assert code == 1 and "Traceback" not in err
