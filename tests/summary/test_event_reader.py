"""summary_iterator / tf_record_iterator: round trips, files written by tensorboardX's own
writer, and typed errors for missing, truncated and corrupt files."""

from __future__ import annotations

import glob
import os

import pytest
from tensorboardX import SummaryWriter
from tensorboardX.proto.summary_pb2 import Summary

import trainkit as tk
from trainkit.summary import event_file, event_reader


def test_reads_a_file_written_by_tensorboardx(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        for i in range(5):
            w.add_scalar("loss", i * 0.5, i)
    (path,) = glob.glob(str(tmp_path / "*tfevents*"))
    events = list(tk.train.summary_iterator(path))
    assert events[0].file_version == "brain.Event:2"
    got = [(e.step, e.summary.value[0].tag, e.summary.value[0].simple_value) for e in events[1:]]
    assert got == [(i, "loss", i * 0.5) for i in range(5)]


def test_round_trip_with_filewriter(tmp_path):
    with tk.summary.FileWriter(tmp_path) as w:
        w.add_summary(Summary(value=[Summary.Value(tag="a", simple_value=2.0)]), 9)
        path = w.event_file_path
    events = list(tk.summary.summary_iterator(path))
    assert len(events) == 2 and events[1].step == 9 and events[1].wall_time > 0


def test_frame_record_layout():
    rec = event_file.frame_record(b"abc")
    assert len(rec) == 8 + 4 + 3 + 4 and rec[:8] == (3).to_bytes(8, "little")
    assert rec[12:15] == b"abc"


def write_records(path, payloads):
    with open(path, "wb") as f:
        for p in payloads:
            f.write(event_file.frame_record(p))


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(tk.errors.NotFoundError, match="nope; No such file or directory"):
        list(event_reader.summary_iterator(tmp_path / "nope"))


@pytest.mark.parametrize("cut", [3, 13, 21])
def test_truncated_record_is_data_loss(tmp_path, cut):
    path = str(tmp_path / "f")
    write_records(path, [b"first", b"second!"])
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size - 23 + cut)  # the second record is 8 + 4 + 7 + 4 = 23 bytes
    it = event_reader.tf_record_iterator(path)
    assert next(it) == b"first"
    with pytest.raises(tk.errors.DataLossError, match=f"truncated record at 21 in {path}"):
        next(it)


@pytest.mark.parametrize("pos,what", [(2, "length checksum"), (14, "data checksum"),
                                      (20, "data checksum")])
def test_corrupt_byte_is_data_loss(tmp_path, pos, what):
    path = str(tmp_path / "f")
    write_records(path, [b"payload!!"])
    data = bytearray(open(path, "rb").read())
    data[pos] ^= 0x01
    open(path, "wb").write(bytes(data))
    with pytest.raises(tk.errors.DataLossError, match=f"corrupted record at 0 in .*{what}"):
        list(event_reader.tf_record_iterator(path))


def test_empty_file_yields_nothing(tmp_path):
    (tmp_path / "e").write_bytes(b"")
    assert list(event_reader.summary_iterator(tmp_path / "e")) == []
