"""The CLI chooses the BLAS thread count at run time and says which count it used."""

from __future__ import annotations

import pytest
from cli_helpers import write_config
from threadpoolctl import ThreadpoolController

from trainkit.client import threads


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield
    threads.set_threads(threads.DEFAULT_THREADS)


def _blas() -> int:
    return max(p["num_threads"] for p in ThreadpoolController().info())


def test_train_reports_the_default_and_the_requested_count(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml", steps=4)
    code, _, err = cli("train", str(cfg), "--logdir", str(tmp_path / "a"))
    assert code == 0
    assert "Training with 1 BLAS thread (default); run.threads or --threads N sets it." in err
    code, _, err = cli("train", str(cfg), "--logdir", str(tmp_path / "b"), "--threads", "2")
    assert code == 0 and "Training with 2 BLAS threads (ConfigProto)" in err
    assert _blas() == 2  # the eval session after training kept the run's count
    code, _, err = cli("train", str(cfg), "--logdir", str(tmp_path / "c"),
                       "--set", "run.threads=2")
    assert code == 0 and "Training with 2 BLAS threads (ConfigProto)" in err


def test_check_says_what_train_would_use_and_rejects_bad_counts(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml")
    code, out, _ = cli("check", str(cfg))
    assert code == 0 and out.rstrip().endswith("0 extra hook(s), 1 BLAS thread (default).")
    code, out, _ = cli("check", str(cfg), "--threads", "3")
    assert code == 0 and out.rstrip().endswith("3 BLAS threads (ConfigProto).")
    code, _, err = cli("check", str(cfg), "--threads", "-1")
    assert code == 2 and err == "trainkit: error: --threads: must be >= 0, got -1.\n"
    code, _, err = cli("check", str(cfg), "--set", "run.threads=-2")
    assert code == 2 and err == "trainkit: error: run.threads: must be >= 0, got -2.\n"
