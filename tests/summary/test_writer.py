"""FileWriter and FileWriterCache, read back with TensorBoard's own EventAccumulator and
event file loader."""

from __future__ import annotations

import gc
import glob
import logging
import os
import signal
import threading

import numpy as np
import pytest
from tensorboardX.proto.summary_pb2 import Summary

import trainkit as tk
from trainkit.summary import event_file, summary_proto

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
efl = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")


def accumulate(logdir):
    acc = ea.EventAccumulator(str(logdir), size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    return acc


def raw_events(logdir):
    """Every event of every file in ``logdir`` (TensorBoard's loader), in file order."""
    out = []
    for path in sorted(glob.glob(os.path.join(str(logdir), "*tfevents*"))):
        out.extend(efl.EventFileLoader(path).Load())
    return out


def scalar(tag, v):
    return Summary(value=[Summary.Value(tag=tag, simple_value=v)])


def test_scalars_histograms_images_text_through_the_graph(tmp_path):
    x = tk.placeholder(tk.float32, shape=[None])
    mean = tk.placeholder(tk.float32, shape=[])
    tk.summary.scalar("mean", mean)
    tk.summary.histogram("x", x)
    img = np.zeros((2, 3, 5, 3), np.uint8)
    tk.summary.image("pic", tk.constant(img), max_outputs=2)
    tk.summary.text("note", tk.constant("**bold**"))
    merged = tk.summary.merge_all()
    with tk.Session() as sess, tk.summary.FileWriter(tmp_path) as w:
        for step in range(3):
            values = np.arange(4.0) + step
            w.add_summary(sess.run(merged, {x: values, mean: values.mean()}), global_step=step)
    acc = accumulate(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("mean")] == [(0, 1.5), (1, 2.5), (2, 3.5)]
    hist = acc.Histograms("x")
    assert [h.step for h in hist] == [0, 1, 2]
    assert [h.histogram_value.num for h in hist] == [4, 4, 4]
    assert sum(hist[2].histogram_value.bucket) == 4 and hist[2].histogram_value.max == 5.0
    images = acc.Images("pic/image/1")
    assert len(images) == 3 and (images[0].width, images[0].height) == (5, 3)
    assert images[0].encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"
    texts = acc.Tensors("note")
    assert len(texts) == 3 and texts[0].tensor_proto.string_val == [b"**bold**"]
    assert acc.SummaryMetadata("note").plugin_data.plugin_name == "text"


def test_plugin_metadata_kept_only_on_first_value_of_a_tag(tmp_path):
    with tk.summary.FileWriter(tmp_path) as w:
        for step in range(2):
            w.add_summary(summary_proto.text_summary("t", "hi"), step)
    summaries = [e.summary for e in raw_events(tmp_path) if e.HasField("summary")]
    assert [s.value[0].HasField("metadata") for s in summaries] == [True, False]


def test_audio_summary_is_readable(tmp_path):
    s = tk.summary.audio("snd", tk.constant(np.zeros((1, 40), np.float32)), 4000)
    with tk.Session() as sess, tk.summary.FileWriter(tmp_path) as w:
        w.add_summary(sess.run(s), 7)
    (a,) = accumulate(tmp_path).Audio("snd/audio/0")
    assert (a.step, a.sample_rate, a.length_frames, a.content_type) == (7, 4000, 40, "audio/wav")


def test_add_summary_accepts_bytes_object_arrays_and_protos(tmp_path):
    arr = np.empty((), object)
    arr[()] = scalar("b", 2.0).SerializeToString()
    with tk.summary.FileWriter(tmp_path) as w:
        w.add_summary(scalar("a", 1.0), 1)
        w.add_summary(arr, 2)
        w.add_summary(scalar("c", 3.0).SerializeToString(), np.int64(3))
        with pytest.raises(TypeError, match="add_summary expects a Summary proto or its "
                                            "serialized bytes, got int"):
            w.add_summary(5)
    acc = accumulate(tmp_path)
    assert [(t, acc.Scalars(t)[0].step) for t in ("a", "b", "c")] == [("a", 1), ("b", 2),
                                                                       ("c", 3)]


def test_session_log_and_file_version_events(tmp_path):
    SessionLog = tk.summary.SessionLog
    with tk.summary.FileWriter(tmp_path) as w:
        w.add_session_log(SessionLog(status=SessionLog.START), 5)
        w.add_session_log(SessionLog(status=SessionLog.CHECKPOINT, checkpoint_path="p"), 6)
        with pytest.raises(TypeError, match="add_session_log expects a SessionLog proto"):
            w.add_session_log("start")
    events = raw_events(tmp_path)
    assert events[0].file_version == "brain.Event:2"
    logs = [(e.step, e.session_log.status) for e in events if e.HasField("session_log")]
    assert logs == [(5, SessionLog.START), (6, SessionLog.CHECKPOINT)]


def test_add_event_accepts_protos_and_bytes(tmp_path):
    Event = tk.summary.Event
    with tk.summary.FileWriter(tmp_path) as w:
        w.add_event(Event(step=3, summary=scalar("e", 1.0)))
        w.add_event(Event(step=4, summary=scalar("e", 2.0)).SerializeToString())
        with pytest.raises(TypeError, match="add_event expects an Event proto, got dict"):
            w.add_event({})
    assert [(s.step, s.value) for s in accumulate(tmp_path).Scalars("e")] == [(3, 1.0),
                                                                            (4, 2.0)]


def test_add_graph_writes_graph_def_with_shapes(tmp_path):
    x = tk.placeholder(tk.float32, shape=[None, 3], name="x")
    y = tk.identity(x, name="y")
    with tk.summary.FileWriter(tmp_path, graph=y.graph):
        pass
    g = accumulate(tmp_path).Graph()
    nodes = {n.name: n for n in g.node}
    assert nodes["y"].op == "Identity" and list(nodes["y"].input) == ["x"]
    assert [d.size for d in nodes["y"].attr["_output_shapes"].list.shape[0].dim] == [-1, 3]


def test_add_graph_argument_errors_and_graph_def(tmp_path):
    g = tk.get_default_graph()
    tk.constant(1.0, name="c")
    with tk.summary.FileWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="only graph, or graph_def"):
            w.add_graph(g, graph_def=g.as_graph_def())
        with pytest.raises(TypeError, match="must be an instance of `Graph` or the deprecated "
                                            "`GraphDef`, got str"):
            w.add_graph("graph")
        w.add_graph(None, global_step=4, graph_def=g.as_graph_def())
    graph_events = [e for e in raw_events(tmp_path) if e.HasField("graph_def")]
    assert len(graph_events) == 1 and graph_events[0].step == 4
    assert [n.name for n in accumulate(tmp_path).Graph().node] == ["c"]


def test_add_meta_graph_from_graph_and_bytes(tmp_path):
    tk.constant(1.0, name="c")
    with tk.summary.FileWriter(tmp_path) as w:
        w.add_meta_graph(tk.get_default_graph())
        with pytest.raises(TypeError, match="add_meta_graph expects a MetaGraphDef proto"):
            w.add_meta_graph(3)
    meta = accumulate(tmp_path).MetaGraph()
    assert [n.name for n in meta.graph_def.node] == ["c"]


def test_run_metadata_from_a_traced_session_run(tmp_path):
    a = tk.constant(np.ones((2, 2), np.float32), name="a")
    b = tk.identity(a, name="b")
    opts = tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE)
    md = tk.RunMetadata()
    with tk.Session() as sess:
        sess.run(b, options=opts, run_metadata=md)
    with tk.summary.FileWriter(tmp_path, graph=b.graph) as w:
        w.add_run_metadata(md, "step1", global_step=1)
        with pytest.raises(ValueError, match="The provided tag 'step1' was already used"):
            w.add_run_metadata(md, "step1")
        with pytest.raises(TypeError, match="add_run_metadata tag must be a str"):
            w.add_run_metadata(md, 1)
    acc = accumulate(tmp_path)
    assert acc.Tags()["run_metadata"] == ["step1"]
    dev = acc.RunMetadata("step1").step_stats.dev_stats[0]
    assert dev.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    stats = {n.node_name: n for n in dev.node_stats}
    assert "b" in stats and stats["b"].all_end_rel_micros > 0
    assert [d.size for d in stats["b"].output[0].tensor_description.shape.dim] == [2, 2]


def test_run_metadata_skipped_with_one_warning_without_tensorboard(tmp_path, monkeypatch,
                                                                    caplog):
    from trainkit.client import run_metadata_proto
    from trainkit.summary import writer as writer_mod

    def missing(_):
        raise ImportError("no tensorboard")

    monkeypatch.setattr(run_metadata_proto, "to_proto", missing)
    monkeypatch.setattr(writer_mod, "_WARNED", set())
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        with tk.summary.FileWriter(tmp_path) as w:
            w.add_run_metadata(tk.RunMetadata(), "step1")
            w.add_run_metadata(tk.RunMetadata(), "step2")
            w.add_summary(scalar("still", 1.0), 1)
    assert [r.message for r in caplog.records].count(
        "tensorboard is not installed: run metadata is not written (pip install tensorboard).") == 1
    acc = accumulate(tmp_path)
    assert acc.Tags()["run_metadata"] == [] and len(acc.Scalars("still")) == 1


def test_flush_is_a_barrier(tmp_path):
    w = tk.summary.FileWriter(tmp_path, max_queue=1000, flush_secs=1000)
    for i in range(1000):
        w.add_summary(scalar("x", float(i)), i)
    w.flush()
    assert len(accumulate(tmp_path).Scalars("x")) == 1000
    w.close()


def test_close_is_idempotent_and_later_events_are_dropped_with_a_warning(tmp_path, caplog):
    w = tk.summary.FileWriter(tmp_path)
    w.add_summary(scalar("x", 1.0), 1)
    w.close()
    w.close()
    assert w.closed
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        w.add_summary(scalar("x", 2.0), 2)
        w.add_summary(scalar("x", 3.0), 3)
    assert sum("is closed: dropping events" in r.message for r in caplog.records) == 1
    assert len(glob.glob(str(tmp_path / "*tfevents*"))) == 1
    assert [e.step for e in accumulate(tmp_path).Scalars("x")] == [1]


def test_reopen_writes_a_new_file_and_keeps_the_old_one(tmp_path):
    w = tk.summary.FileWriter(tmp_path)
    first = w.event_file_path
    w.reopen()  # open: no effect
    assert w.event_file_path == first
    for i in range(10):
        w.add_summary(scalar("x", float(i)), i)
    w.close()
    w.reopen()
    assert not w.closed and w.event_file_path != first
    for i in range(10, 15):
        w.add_summary(scalar("x", float(i)), i)
    w.close()
    assert len(glob.glob(str(tmp_path / "*tfevents*"))) == 2
    assert sorted(glob.glob(str(tmp_path / "*tfevents*")))[0] == first  # read in order
    assert [e.step for e in accumulate(tmp_path).Scalars("x")] == list(range(15))


def test_two_writers_on_one_directory_do_not_clobber(tmp_path):
    w1 = tk.summary.FileWriter(tmp_path, filename_suffix=".a")
    w2 = tk.summary.FileWriter(tmp_path, filename_suffix=".a")
    w1.add_summary(scalar("a", 1.0), 1)
    w2.add_summary(scalar("b", 2.0), 1)
    w1.close()
    w2.close()
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 and all(n.endswith(".a") and "tfevents" in n for n in names)
    tags = accumulate(tmp_path).Tags()["scalars"]
    assert sorted(tags) == ["a", "b"]


def test_writer_garbage_collected_without_close_still_closes_its_file(tmp_path):
    w = tk.summary.FileWriter(tmp_path, flush_secs=1000)
    for i in range(50):
        w.add_summary(scalar("x", float(i)), i)
    f = w._file
    del w
    gc.collect()
    assert f.closed and f not in event_file.open_files()
    assert len(accumulate(tmp_path).Scalars("x")) == 50


def test_close_all_closes_every_open_file(tmp_path):
    w = tk.summary.FileWriter(tmp_path)
    assert w._file in event_file.open_files()
    event_file.close_all()
    assert w.closed


def test_background_flush_reaches_disk_without_close(tmp_path):
    w = tk.summary.FileWriter(tmp_path, max_queue=1000, flush_secs=0.05)
    w.add_summary(scalar("x", 1.0), 1)
    done = threading.Event()
    for _ in range(100):  # poll: the flush thread runs every 50 ms
        if len(raw_events(tmp_path)) == 2:
            done.set()
            break
        threading.Event().wait(0.02)
    w.close()
    assert done.is_set()


@pytest.mark.parametrize("kwargs,exc,msg", [
    ({"logdir": 3}, TypeError, "FileWriter logdir must be a path string, got 3"),
    ({"logdir": ""}, ValueError, "FileWriter logdir must not be empty"),
    ({"max_queue": 0}, ValueError, "FileWriter max_queue must be a positive int, got 0"),
    ({"flush_secs": -1}, ValueError, "FileWriter flush_secs must be a positive number, got -1"),
    ({"filename_suffix": 1}, TypeError, "FileWriter filename_suffix must be a str, got 1"),
])
def test_constructor_argument_errors(tmp_path, kwargs, exc, msg):
    args = {"logdir": str(tmp_path), **kwargs}
    with pytest.raises(exc, match=msg):
        tk.summary.FileWriter(**args)


def test_cache_shares_one_writer_per_directory_and_clear_closes(tmp_path):
    tk.constant(1.0, name="c")
    try:
        w = tk.summary.FileWriterCache.get(str(tmp_path))
        assert tk.summary.FileWriterCache.get(str(tmp_path / ".")) is w
        other = tk.summary.FileWriterCache.get(str(tmp_path / "sub"))
        assert other is not w and other.get_logdir() == str(tmp_path / "sub")
        w.close()
        assert tk.summary.FileWriterCache.get(str(tmp_path)) is w and not w.closed
    finally:
        tk.summary.FileWriterCache.clear()
    assert w.closed and other.closed
    assert tk.summary.FileWriterCache.get(str(tmp_path)) is not w
    tk.summary.FileWriterCache.clear()
    # the cached writer wrote the default graph, once per file
    assert [n.name for n in accumulate(tmp_path).Graph().node] == ["c"]
    with pytest.raises(TypeError, match="FileWriterCache.get expects a directory path"):
        tk.summary.FileWriterCache.get(None)


def test_sigterm_handler_not_installed_over_a_user_handler(tmp_path, monkeypatch):
    def mine(signum, frame):
        pass

    old = signal.signal(signal.SIGTERM, mine)
    try:
        monkeypatch.setattr(event_file, "_SIGTERM_INSTALLED", False)
        tk.summary.FileWriter(tmp_path).close()
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, old)


def test_sigterm_handler_not_installed_from_a_worker_thread(tmp_path, monkeypatch):
    old = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        monkeypatch.setattr(event_file, "_SIGTERM_INSTALLED", False)
        t = threading.Thread(target=lambda: tk.summary.FileWriter(tmp_path).close())
        t.start()
        t.join()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        tk.summary.FileWriter(tmp_path).close()  # main thread: installed
        assert signal.getsignal(signal.SIGTERM) is event_file._raise_system_exit
    finally:
        signal.signal(signal.SIGTERM, old)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_does_not_write_the_parents_buffered_records(tmp_path):
    w = tk.summary.FileWriter(tmp_path, max_queue=1000, flush_secs=1000)
    for i in range(20):
        w.add_summary(scalar("x", float(i)), i)  # still buffered in memory
    pid = os.fork()
    if pid == 0:  # child: what atexit would do, then report the SIGTERM handler
        ok = False
        try:
            event_file.close_all()
            ok = w.closed and signal.getsignal(signal.SIGTERM) is not \
                event_file._raise_system_exit
        finally:
            os._exit(0 if ok else 3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    w.close()
    assert [e.step for e in accumulate(tmp_path).Scalars("x")] == list(range(20))


def test_bad_graph_in_constructor_raises_and_closes_the_file(tmp_path):
    before = set(event_file.open_files())
    with pytest.raises(TypeError, match="must be an instance of `Graph`"):
        tk.summary.FileWriter(tmp_path, graph="not a graph")
    assert set(event_file.open_files()) == before
