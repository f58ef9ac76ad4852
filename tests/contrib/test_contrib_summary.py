"""tf.contrib.summary in graph mode against TF 2.21's summary_ops_v2 (TF 1.x's
tf.contrib.summary; contrib_summary_reference.json from
make_contrib_summary_reference.py): which ops write, at which step, with which tags and
values; plus the writer's life cycle and typed errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.contrib.contrib_summary_cases import read_events, run

REF = json.loads((Path(__file__).parent / "contrib_summary_reference.json").read_text())
cs = tk.contrib.summary


def _same_events(got, want):
    assert [r[:3] for r in got] == [r[:3] for r in want]
    for g, w in zip(got, want, strict=True):
        if w[2] == "histo":
            np.testing.assert_allclose(g[3][:5], w[3][:5], rtol=1e-6)
            np.testing.assert_allclose(g[3][5], w[3][5], rtol=1e-6)
            assert g[3][6] == w[3][6]
        else:
            assert g[3] == w[3], g


def test_matches_tf(tmp_path):
    out = run(tk, cs, str(tmp_path))
    assert REF["tf_version"] == "2.21.0"
    for key in ("flags", "no_writer_type", "unrecorded", "num_summary_ops"):
        assert out[key] == REF[key], key
    _same_events(out["events"], REF["events"])
    assert tk.summary.all_v2_summary_ops is not None


def test_writer_life_cycle_and_errors(tmp_path):
    with tk.Graph().as_default():
        writer = cs.create_file_writer(str(tmp_path), name="w")
        assert cs.flush().type == "NoOp"  # no default writer
        with writer.as_default(), cs.always_record_summaries():
            s = cs.scalar("x", 1.5, step=3)
            assert cs.should_record_summaries() is True
            with pytest.raises(ValueError, match="Argument `step` must be a scalar"):
                cs.scalar("y", 1.0, step=[1, 2])
            with pytest.raises(ValueError, match="bad_color=None"):
                cs.image("i", np.zeros((1, 2, 2, 3), np.uint8), bad_color=[0, 0, 0, 255])
            with pytest.raises(ValueError, match="Invalid argument to flush"):
                cs.flush(writer="w")
            close = writer.close()
        with pytest.raises(RuntimeError, match="No default tf.contrib.summary.SummaryWriter"):
            cs.initialize()
        with tk.Session() as sess:
            with pytest.raises(tk.errors.NotFoundError, match="run its init op first"):
                sess.run(s)
            with writer.as_default():
                cs.initialize(graph=tk.get_default_graph(), session=sess)
            assert sess.run(s)
            sess.run(writer.init())  # an existing writer is kept
            sess.run(close)
            with pytest.raises(tk.errors.NotFoundError):
                sess.run(s)  # closed: re-create it with its init op
    events = read_events(tk, str(tmp_path))
    assert events == [[3, "x", "simple_value", 1.5]]
    graphs = [e for p in tmp_path.glob("events.out.tfevents.*")
              for e in tk.train.summary_iterator(str(p)) if e.graph_def]
    assert len(graphs) == 1 and graphs[0].step == 0
    assert cs.eval_dir("/m") == "/m/eval" and cs.eval_dir("/m", "x") == "/m/eval_x"
    noop = cs.create_file_writer(None)
    with noop.as_default(), cs.always_record_summaries():
        assert cs.should_record_summaries() is False
