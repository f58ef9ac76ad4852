"""Fixtures for the CLI tests: the in-process CLI and a finished run to copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import write_config

from trainkit.cli.main import main


class Cli:
    """Runs ``trainkit.cli.main.main`` in-process and returns (code, stdout, stderr)."""

    def __init__(self, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch,
                 cwd: Path):
        self._capsys = capsys
        monkeypatch.chdir(cwd)

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self._capsys.readouterr()
        code = main(list(args))
        out, err = self._capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """In-process CLI with the current directory set to ``tmp_path``."""
    return Cli(capsys, monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 20-step run of the tiny config (``<dir>/runs/tiny``); copy before use."""
    root = tmp_path_factory.mktemp("trained")
    cfg = write_config(root / "tiny.toml")
    code = main(["train", str(cfg), "--logdir", str(root / "runs")])
    assert code == 0
    return root / "runs" / "tiny"
