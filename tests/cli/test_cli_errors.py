"""Exit codes and bad input: every mistake gets one line naming the thing, exit code 2, and
an existing run directory stays byte-for-byte as it was; training failures exit 1."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run_subprocess, snapshot, write_config

from trainkit.cli.main import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main

RAISES = '''
import trainkit as tk

class Boom(tk.train.SessionRunHook):
    def after_run(self, run_context, run_values):
        raise RuntimeError("boom in after_run")
'''

OK_HOOK = '''
import trainkit as tk

class Every(tk.train.SessionRunHook):
    def __init__(self, every: int = 1, loss=None):
        if every <= 0:
            raise ValueError(f"every must be > 0, got {every}")
'''


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["eval", "--help"],
                                  ["check", "--help"], ["inspect", "--help"], ["--version"]])
def test_help_everywhere_exits_0(args, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal width
    assert out.startswith("usage: trainkit") or out.startswith("trainkit 0.")
    if "--help" in args:
        assert ("exit codes: 0 success, 1 training failure, 2 usage or config error, 130 "
                "stopped by Ctrl-C") in out


@pytest.mark.parametrize("args", [[], ["fly"], ["train"], ["train", "c.toml", "--max-steps",
                                                          "ten"], ["inspect", "a", "b"]])
def test_usage_errors_exit_2_with_one_line(args, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("trainkit") and "error:" in err[-1]


def test_subprocess_help_and_exit_codes(tmp_path):
    r = run_subprocess(["--help"], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: trainkit")
    assert all(f"    {c} " in r.stdout for c in ("train", "eval", "check", "inspect"))
    r = run_subprocess(["train", "--help"], tmp_path)
    assert r.returncode == 0 and "--max-steps N" in r.stdout and "--set KEY.PATH=VALUE" in r.stdout
    cfg = write_config(tmp_path / "c.toml", extra='[[hooks]]\ntype = "NoSuchHook"\n')
    r = run_subprocess(["train", str(cfg), "--logdir", "runs"], tmp_path)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "trainkit: error: hooks[0].type: unknown hook 'NoSuchHook'" in r.stderr
    assert not (tmp_path / "runs").exists()


def _damage(prefix: Path) -> str:
    """Flips one byte inside the largest tensor of a checkpoint; returns that tensor's name."""
    index = json.loads(Path(str(prefix) + ".index").read_text())
    name, entry = max(index["tensors"].items(), key=lambda kv: kv[1]["length"])
    data = prefix.parent / index["data_file"]
    raw = bytearray(data.read_bytes())
    raw[entry["offset"] + entry["length"] // 2] ^= 0xFF
    data.write_bytes(bytes(raw))
    return name


@pytest.fixture
def existing(tmp_path, trained_run):
    """A copy of a finished run in ``tmp_path/runs/tiny`` and the config that owns it."""
    shutil.copytree(trained_run, tmp_path / "runs" / "tiny")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "broken.py").write_text("import no_such_module_xyz\n")
    (hooks / "every.py").write_text(OK_HOOK)
    np.savez(tmp_path / "d.npz", feats=np.zeros((8, 2)), y=np.zeros((8, 1)))
    return tmp_path


BAD = {
    # name: (extra TOML, extra CLI args, expected text in the one-line error)
    "typo": ("[schedule]\ntype = 'exponential_decay'\ndecay_step = 5\n", [],
             "schedule.decay_step: unknown key; allowed: type, decay_steps, "),
    "type": ("", ["--set", "run.steps=many"], "run.steps: expected an integer, got 'many'"),
    "model": ("", ["--set", "model.type=gpt"], "model.type: unknown name 'gpt'; allowed: "
                                                "logreg, mlp, cnn, linear"),
    "optimizer": ("", ["--set", "optimizer.type=lion"], "optimizer.type: unknown name 'lion'"),
    "hook_name": ("[[hooks]]\ntype = 'Nope'\n", [], "hooks[0].type: unknown hook 'Nope'; "
                                                    "built-in hooks: "),
    "data_file": ("", ["--set", "model.type=linear", "--set", "data.npz=missing.npz"],
                  "data.npz: file not found: "),
    "npz_key": ("", ["--set", "model.type=linear", "--set", "data.npz=d.npz"],
                "data.features_key: "),
    "hook_file": ("[[hooks]]\ntype = 'ghost:G'\n", [], "hook file 'ghost.py' not found"),
    "hook_import": ("[[hooks]]\ntype = 'broken:B'\n", [], "importing hook file "),
    "hook_class": ("[[hooks]]\ntype = 'every:Other'\n", [], "every has no hook class 'Other'; "
                                                             "it defines: Every."),
    "hook_args": ("[[hooks]]\ntype = 'every:Every'\nargs = {evry = 2}\n", [],
                  "hooks[0].args.evry: Every has no argument 'evry'; allowed: every, loss."),
    "hook_value": ("[[hooks]]\ntype = 'every:Every'\nargs = {every = 0}\n", [],
                   "hooks[0].args: Every rejected its arguments: every must be > 0, got 0"),
    "hook_tensor": ("[[hooks]]\ntype = 'every:Every'\nargs = {loss = 'lss:0'}\n", [],
                    "hooks[0].args.loss: no tensor 'lss:0' in the graph"),
    "set": ("", ["--set", "run.steps"], "--set 'run.steps': expected KEY.PATH=VALUE"),
    "max_steps": ("", ["--max-steps", "0"], "--max-steps: must be > 0, got 0"),
    "syntax": ("[run\n", [], "invalid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_exit_2_one_line_nothing_overwritten(case, existing, cli):
    extra, args, needle = BAD[case]
    cfg = write_config(existing / "tiny.toml", steps=40, extra=extra)
    before = snapshot(existing / "runs")
    code, out, err = cli("train", str(cfg), "--logdir", str(existing / "runs"), *args)
    assert code == EXIT_USAGE, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trainkit: error: "), err
    assert needle in lines[0]
    assert out == ""
    assert snapshot(existing / "runs") == before  # byte for byte, and no new files


def test_check_reports_the_same_errors(existing, cli):
    cfg = write_config(existing / "tiny.toml", extra="[[hooks]]\ntype = 'broken:B'\n")
    code, _, err = cli("check", str(cfg))
    assert code == EXIT_USAGE and "importing hook file" in err and "ModuleNotFoundError" in err


def test_logdir_under_a_regular_file(existing, cli):
    (existing / "afile").write_text("x")
    cfg = write_config(existing / "tiny.toml")
    code, out, err = cli("train", str(cfg), "--logdir", str(existing / "afile" / "runs"))
    assert code == EXIT_USAGE
    assert err.strip() == (f"trainkit: error: run.logdir: cannot create "
                           f"{existing / 'afile' / 'runs' / 'tiny'}: {existing / 'afile'} "
                           "is not a directory.")
    assert (existing / "afile").read_text() == "x"


def test_check_catches_an_unwritable_logdir_without_creating_anything(existing, cli):
    (existing / "afile").write_text("x")
    cfg = write_config(existing / "tiny.toml")
    code, _, err = cli("check", str(cfg), "--logdir", str(existing / "afile" / "sub"))
    assert code == EXIT_USAGE and f"{existing / 'afile'} is not a directory" in err
    code, out, _ = cli("check", str(cfg), "--logdir", str(existing / "new" / "deeper"))
    assert code == EXIT_OK and "OK" in out
    assert not (existing / "new").exists()


def test_logdir_that_cannot_be_created_even_by_root(existing, cli):
    cfg = write_config(existing / "tiny.toml")
    code, _, err = cli("train", str(cfg), "--logdir", "/proc/trainkit-test-no-such-dir")
    assert code == EXIT_USAGE
    assert err.strip().startswith("trainkit: error: run.logdir: cannot ")
    assert "/proc/trainkit-test-no-such-dir/tiny" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root bypasses permission bits")
def test_read_only_logdir(existing, cli):  # pragma: no cover - CI runs as root
    ro = existing / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, _, err = cli("train", str(write_config(existing / "tiny.toml")), "--logdir",
                           str(ro))
    finally:
        ro.chmod(0o700)
    assert code == EXIT_USAGE and "is not writable" in err


def test_damaged_checkpoint_eval_inspect_and_resume(existing, cli):
    run = existing / "runs" / "tiny"
    name = _damage(run / "model.ckpt-20")
    cfg = write_config(existing / "tiny.toml", steps=40)
    before = snapshot(existing / "runs")
    code, _, err = cli("eval", str(cfg), "--checkpoint", str(run / "model.ckpt-20"))
    assert code == EXIT_USAGE and err.count("\n") == 1
    assert err.startswith(f"trainkit: error: --checkpoint: {run / 'model.ckpt-20'} is damaged")
    assert f"checksum mismatch for tensor {name!r}" in err
    code, out, err = cli("inspect", str(run / "model.ckpt-20"))
    assert code == EXIT_USAGE and out == "" and err.count("\n") == 1
    assert "damaged checkpoint" in err and f"checksum mismatch for tensor {name!r}" in err
    code, out, err = cli("train", str(cfg), "--logdir", str(existing / "runs"))
    assert code == EXIT_USAGE and err.count("\n") == 1
    assert err.startswith(f"trainkit: error: {run / 'model.ckpt-20'}: the newest checkpoint "
                          "of the run is damaged (")
    assert f"checksum mismatch for tensor {name!r}" in err
    assert snapshot(existing / "runs") == before


def test_eval_of_a_missing_or_foreign_checkpoint(existing, cli):
    cfg = write_config(existing / "tiny.toml")
    code, _, err = cli("eval", str(cfg), "--checkpoint", str(existing / "nothing"))
    assert code == EXIT_USAGE and "is not a checkpoint" in err
    code, _, err = cli("eval", str(cfg), "--logdir", str(existing / "empty"))
    assert code == EXIT_USAGE and "no run directory" in err and "train first" in err
    mlp = write_config(existing / "mlp.toml", extra="")
    mlp.write_text(mlp.read_text().replace('type = "logreg"', 'type = "mlp"'))
    code, _, err = cli("eval", str(mlp), "--checkpoint", str(existing / "runs" / "tiny"))
    assert code == EXIT_USAGE and "does not fit the model of this config" in err
    code, _, err = cli("inspect", str(existing / "nothing"))
    assert code == EXIT_USAGE and "nothing" in err


def test_nan_loss_exits_1(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml", name="nan")
    code, out, err = cli("train", str(cfg), "--set", "optimizer.learning_rate=1e38",
                         "--logdir", str(tmp_path / "runs"))
    assert code == EXIT_FAILURE and out == ""
    assert err.strip().splitlines()[-1] == ("trainkit: training failed: "
                                            "NanLossDuringTrainingError: NaN loss during "
                                            "training.")


def test_hook_raising_in_after_run_exits_1_and_is_named(tmp_path, cli):
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "boom.py").write_text(RAISES)
    cfg = write_config(tmp_path / "c.toml", extra="[[hooks]]\ntype = 'boom:Boom'\n")
    code, _, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code == EXIT_FAILURE
    last = err.strip().splitlines()[-1]
    assert last.startswith("trainkit: training failed: RuntimeError: boom in after_run (at ")
    assert last.endswith(f"{tmp_path / 'hooks' / 'boom.py'}:6 in after_run)")
    assert "Traceback" not in err
    code, _, err = cli("--debug", "train", str(cfg), "--logdir", str(tmp_path / "runs2"))
    assert code == EXIT_FAILURE and "Traceback (most recent call last)" in err
    assert 'raise RuntimeError("boom in after_run")' in err


def test_subprocess_training_failure_exits_1(tmp_path):
    cfg = write_config(tmp_path / "c.toml", name="nan")
    r = run_subprocess(["train", str(cfg), "--set", "optimizer.learning_rate=1e38"], tmp_path)
    assert r.returncode == 1 and "NanLossDuringTrainingError" in r.stderr


def test_success_exit_0(tmp_path, cli):
    code, out, _ = cli("check", str(write_config(tmp_path / "c.toml")))
    assert code == EXIT_OK and out.startswith(f"{tmp_path / 'c.toml'}: OK")
