"""One graph event per run directory: the cached writer skips the graph when the run
already has one (a resumed run), and a writer knows whether its file holds one."""

from __future__ import annotations

import glob
import os

import trainkit as tk
from trainkit.summary.writer_cache import run_has_graph


def _graph_events(logdir) -> int:
    n = 0
    for path in glob.glob(os.path.join(str(logdir), "*tfevents*")):
        n += sum(e.HasField("graph_def") for e in tk.train.summary_iterator(path))
    return n


def test_cached_writer_writes_the_graph_once_per_run(tmp_path):
    with tk.Graph().as_default():
        tk.constant(1.0, name="c")
        w = tk.summary.FileWriterCache.get(str(tmp_path))
        assert w.graph_written
        tk.summary.FileWriterCache.clear()
        assert _graph_events(tmp_path) == 1 and run_has_graph(str(tmp_path))
        w2 = tk.summary.FileWriterCache.get(str(tmp_path))  # "resumed": a second file
        assert not w2.graph_written
        tk.summary.FileWriterCache.clear()
    assert len(glob.glob(str(tmp_path / "*tfevents*"))) == 2
    assert _graph_events(tmp_path) == 1


def test_run_has_graph_ignores_damaged_and_graphless_files(tmp_path):
    assert not run_has_graph(str(tmp_path))
    (tmp_path / "events.out.tfevents.1.x").write_bytes(b"\x00garbage")
    with tk.summary.FileWriter(str(tmp_path)) as w:  # no graph
        assert not w.graph_written
    assert not run_has_graph(str(tmp_path))
