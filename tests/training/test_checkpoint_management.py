"""Tests for trainkit.training.checkpoint_management: state file, latest valid, crashes."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from trainkit import errors
from trainkit.training import checkpoint_format as cf
from trainkit.training import checkpoint_management as cm

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _save(directory, step: int, kept: list[str] | None = None) -> str:
    prefix = os.path.join(str(directory), f"model.ckpt-{step}")
    cf.write_checkpoint(prefix, {"w": np.full(4, float(step), np.float32)})
    if kept is not None:
        kept.append(prefix)
        cm.update_checkpoint_state(str(directory), prefix, kept)
    return prefix


def _age(prefix: str, seconds_ago: float) -> None:
    """Sets both files' mtimes, so "newest" is unambiguous and the cache may apply."""
    t = time.time() - seconds_ago
    for path in (prefix + ".index", prefix + ".data-00000-of-00001"):
        os.utime(path, (t, t))


def _flip_data_byte(prefix: str) -> None:
    with open(prefix + ".data-00000-of-00001", "r+b") as f:
        f.seek(2)
        b = f.read(1)
        f.seek(2)
        f.write(bytes([b[0] ^ 0xFF]))


# ----------------------------------------------------------------------------- text format

def test_state_file_text_is_tf_layout_with_relative_paths(tmp_path):
    d = str(tmp_path)
    cm.update_checkpoint_state(d, os.path.join(d, "model.ckpt-2"),
                               [os.path.join(d, "model.ckpt-1"), "/elsewhere/x-1"],
                               all_model_checkpoint_timestamps=[10.5, 20.25],
                               last_preserved_timestamp=1.0)
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt-2"\n'
        'all_model_checkpoint_paths: "model.ckpt-1"\n'
        'all_model_checkpoint_paths: "/elsewhere/x-1"\n'
        'all_model_checkpoint_paths: "model.ckpt-2"\n'
        "all_model_checkpoint_timestamps: 10.5\n"
        "all_model_checkpoint_timestamps: 20.25\n"
        "last_preserved_timestamp: 1.0\n")
    state = cm.get_checkpoint_state(d)
    assert state.model_checkpoint_path == os.path.join(d, "model.ckpt-2")
    assert state.all_model_checkpoint_paths == [
        os.path.join(d, "model.ckpt-1"), "/elsewhere/x-1", os.path.join(d, "model.ckpt-2")]
    assert state.all_model_checkpoint_timestamps == [10.5, 20.25]
    assert not [n for n in os.listdir(d) if ".tmp-" in n]


def test_escaped_paths_round_trip_and_tf_octal_escapes_parse(tmp_path):
    odd = 'we"ird\\name\nwith\ttabs é'
    cm.update_checkpoint_state(str(tmp_path), odd)
    text = (tmp_path / "checkpoint").read_text(encoding="utf-8")
    assert text.splitlines()[0] == r'model_checkpoint_path: "we\"ird\\name\nwith\ttabs é"'
    assert cm.get_checkpoint_state(str(tmp_path)).model_checkpoint_path == \
        os.path.join(str(tmp_path), odd)
    parsed = cm.parse_text('model_checkpoint_path: "caf\\303\\251-\\x41"\nunknown_field: 3\n')
    assert parsed.model_checkpoint_path == "café-A"


def test_parse_errors_name_the_line():
    with pytest.raises(ValueError, match=r"ckpt:2: expected a quoted string"):
        cm.parse_text('model_checkpoint_path: "a"\nall_model_checkpoint_paths: a\n', "ckpt")
    with pytest.raises(ValueError, match=r"<string>:1: expected 'field: value'"):
        cm.parse_text("garbage")


def test_get_checkpoint_state_missing_corrupt_and_empty(tmp_path, caplog):
    assert cm.get_checkpoint_state(str(tmp_path)) is None
    assert cm.get_checkpoint_state(str(tmp_path / "nonexistent")) is None
    (tmp_path / "checkpoint").write_text("this is not a state file\n")
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert cm.get_checkpoint_state(str(tmp_path)) is None
    assert "Checkpoint ignored" in caplog.text and "checkpoint" in caplog.text
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "a"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state loaded from"):
        cm.get_checkpoint_state(str(tmp_path))


def test_latest_filename_and_conflicting_save_path(tmp_path):
    cm.update_checkpoint_state(str(tmp_path), str(tmp_path / "a-1"), latest_filename="mine")
    assert cm.get_checkpoint_state(str(tmp_path)) is None
    assert cm.get_checkpoint_state(str(tmp_path), "mine").model_checkpoint_path == \
        str(tmp_path / "a-1")
    with pytest.raises(RuntimeError, match="conflicts with path used for checkpoint state"):
        cm.update_checkpoint_state(str(tmp_path), str(tmp_path / "checkpoint"))


def test_failed_state_update_keeps_the_old_state(tmp_path, monkeypatch):
    cm.update_checkpoint_state(str(tmp_path), str(tmp_path / "m-1"))

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        cm.update_checkpoint_state(str(tmp_path), str(tmp_path / "m-2"))
    monkeypatch.undo()
    assert cm.get_checkpoint_state(str(tmp_path)).model_checkpoint_path == str(tmp_path / "m-1")
    assert os.listdir(tmp_path) == ["checkpoint"]


# ----------------------------------------------------------------------------- helpers

def test_exists_mtimes_and_remove(tmp_path):
    a = str(tmp_path / "m-1")
    cf.write_checkpoint(a, {"w": np.zeros(1)}, meta={"x": 1})
    assert cm.checkpoint_exists(a) and not cm.checkpoint_exists(str(tmp_path / "m-2"))
    _age(a, 100)
    mtimes = cm.get_checkpoint_mtimes([a, str(tmp_path / "m-2")])
    assert len(mtimes) == 1 and abs(mtimes[0] - (time.time() - 100)) < 5
    (tmp_path / "unrelated.txt").write_text("keep me")
    cm.remove_checkpoint(a)
    assert os.listdir(tmp_path) == ["unrelated.txt"]
    cm.remove_checkpoint(a)  # idempotent


# ----------------------------------------------------------------------------- latest

def test_latest_checkpoint_none_without_state(tmp_path):
    assert cm.latest_checkpoint(str(tmp_path)) is None
    assert cm.latest_checkpoint(str(tmp_path / "missing")) is None
    _save(tmp_path, 1)  # files, but no state file: as TF, nothing is "latest"
    assert cm.latest_checkpoint(str(tmp_path)) is None


def test_latest_checkpoint_returns_newest_listed(tmp_path):
    kept: list[str] = []
    _save(tmp_path, 1, kept)
    newest = _save(tmp_path, 2, kept)
    assert cm.latest_checkpoint(str(tmp_path)) == newest


def test_latest_checkpoint_falls_back_when_newest_is_corrupt(tmp_path, caplog):
    kept: list[str] = []
    first = _save(tmp_path, 1, kept)
    second = _save(tmp_path, 2, kept)
    third = _save(tmp_path, 3, kept)
    for i, p in enumerate((first, second, third)):
        _age(p, 30 - 10 * i)
    assert cm.latest_checkpoint(str(tmp_path)) == third  # verified and cached
    _flip_data_byte(third)
    _age(third, 10)  # same size, mtime changed -> re-verified
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert cm.latest_checkpoint(str(tmp_path)) == second
    bad = [r for r in caplog.records if r.name == "trainkit" and r.levelno == logging.WARNING]
    assert any("model.ckpt-3.data-00000-of-00001" in r.getMessage()
               and "checksum mismatch for tensor 'w'" in r.getMessage() for r in bad)
    assert any("falling back to " + second in r.getMessage() for r in bad)


def test_latest_checkpoint_falls_back_when_newest_is_missing_or_truncated(tmp_path, caplog):
    kept: list[str] = []
    first = _save(tmp_path, 1, kept)
    second = _save(tmp_path, 2, kept)
    os.truncate(second + ".index", 10)
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert cm.latest_checkpoint(str(tmp_path)) == first
    assert "model.ckpt-2.index" in caplog.text
    os.remove(second + ".index")
    assert cm.latest_checkpoint(str(tmp_path)) == first


def test_latest_checkpoint_uses_unlisted_checkpoint_when_listed_is_bad(tmp_path):
    kept: list[str] = []
    listed = _save(tmp_path, 1, kept)
    older_stray = _save(tmp_path, 0)
    newer_stray = _save(tmp_path, 2)  # crash before the state update listed it
    _age(older_stray, 30)
    _age(listed, 20)
    _age(newer_stray, 10)
    assert cm.latest_checkpoint(str(tmp_path)) == listed  # the state file wins when valid
    os.truncate(listed + ".data-00000-of-00001", 3)
    assert cm.latest_checkpoint(str(tmp_path)) == newer_stray


def test_latest_checkpoint_with_unparsable_state_scans(tmp_path, caplog):
    only = _save(tmp_path, 5)
    (tmp_path / "checkpoint").write_text("\x00\x01 garbage")
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert cm.latest_checkpoint(str(tmp_path)) == only
    assert "Checkpoint ignored" in caplog.text


def test_latest_checkpoint_none_when_all_are_bad(tmp_path, caplog):
    kept: list[str] = []
    only = _save(tmp_path, 1, kept)
    _flip_data_byte(only)
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert cm.latest_checkpoint(str(tmp_path)) is None
    assert "No valid checkpoint in" in caplog.text


def test_verification_is_cached_for_settled_files(tmp_path, monkeypatch):
    kept: list[str] = []
    newest = _save(tmp_path, 1, kept)
    _age(newest, 60)
    calls = []
    real = cf.verify_checkpoint
    monkeypatch.setattr(cf, "verify_checkpoint", lambda p: (calls.append(p), real(p))[1])
    for _ in range(3):
        assert cm.latest_checkpoint(str(tmp_path)) == newest
    assert calls == [newest]


def test_is_valid_checkpoint_rejects_non_checkpoints(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert not cm.is_valid_checkpoint(str(tmp_path / "nothing"))
    assert "not a valid checkpoint" in caplog.text
    with pytest.raises(errors.DataLossError):
        cf.verify_checkpoint(_corrupt_copy(tmp_path))


def _corrupt_copy(tmp_path) -> str:
    prefix = _save(tmp_path, 9)
    _flip_data_byte(prefix)
    return prefix


# ----------------------------------------------------------------------------- crashes

_WRITER = textwrap.dedent("""
    import os, sys
    import numpy as np
    from trainkit.training import checkpoint_format as cf
    from trainkit.training import checkpoint_management as cm

    d = sys.argv[1]
    state = cm.get_checkpoint_state(d)
    kept = [] if state is None else list(state.all_model_checkpoint_paths)
    latest = cm.latest_checkpoint(d)
    step = 0 if latest is None else int(latest.rsplit("-", 1)[1])
    first = step + 1
    while True:
        step += 1
        prefix = os.path.join(d, "model.ckpt-%d" % step)
        cf.write_checkpoint(prefix, {"w": np.full(100_000, step, np.float32),
                                     "step": np.int64(step)}, meta={"step": step})
        kept = [p for p in kept if p != prefix] + [prefix]
        dropped, kept = kept[:-3], kept[-3:]
        cm.update_checkpoint_state(d, prefix, kept)
        for p in dropped:
            cm.remove_checkpoint(p)
        if step == first:
            print(step, flush=True)
""")


def test_sigkill_mid_write_leaves_a_valid_latest_checkpoint(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    ckpt_dir = tmp_path / "ckpt"
    ckpt_dir.mkdir()
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(0)
    last_step = 0
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, str(script), str(ckpt_dir)],
                                stdout=subprocess.PIPE, env=env, text=True)
        try:
            first_saved = int(proc.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.05))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        assert first_saved == last_step + 1  # resumed from the previous run's latest
        latest = cm.latest_checkpoint(str(ckpt_dir))
        assert latest is not None
        step = int(latest.rsplit("-", 1)[1])
        assert step >= first_saved
        values = cf.read_checkpoint(latest)
        assert values["step"] == step and np.all(values["w"] == step)
        assert cf.read_meta(latest) == {"step": step}
        last_step = step
    listed = cm.get_checkpoint_state(str(ckpt_dir)).all_model_checkpoint_paths
    assert 1 <= len(listed) <= 3
    cm.remove_stale_temporaries(str(ckpt_dir))  # every writer is dead now
    assert not [n for n in os.listdir(ckpt_dir) if ".tmp-" in n]


def test_remove_stale_temporaries_spares_live_writers(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    names = [f"m-1.index.tmp-{dead_pid}-abcd1234", f"checkpoint.tmp-{os.getpid()}-00000000",
             "m-1.index.tmp-notapid-x", "model.txt"]
    for n in names:
        (tmp_path / n).write_text("x")
    assert cm.remove_stale_temporaries(str(tmp_path)) == [str(tmp_path / names[0])]
    assert sorted(os.listdir(tmp_path)) == sorted(names[1:])
