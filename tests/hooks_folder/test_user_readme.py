"""hooks/README.md tells the truth: its minimal hook runs through the CLI as described, and
its table lists every hook file of the folder."""

from __future__ import annotations

import re

from hooks_folder_helpers import REPO

from trainkit.cli.main import main

README = (REPO / "hooks" / "README.md").read_text(encoding="utf-8")


def test_table_lists_every_hook_file():
    files = sorted(p.name for p in (REPO / "hooks").glob("*.py"))
    listed = sorted(set(re.findall(r"^\| `(\w+\.py)` \|", README, flags=re.M)))
    assert listed == files


def test_call_order_is_spelled_out():
    order = ["begin()", "after_create_session(", "before_run(", "after_run(", "end("]
    positions = [README.index(name) for name in order]
    assert positions == sorted(positions)


def test_minimal_hook_example_runs(tmp_path, monkeypatch, capsys):
    from cli_helpers import write_config

    code = README.split("## A minimal hook", 1)[1].split("```python\n", 1)[1].split("```")[0]
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "print_loss.py").write_text(code, encoding="utf-8")
    cfg = write_config(tmp_path / "c.toml", name="ex", extra=(
        '[[hooks]]\ntype = "print_loss:PrintLossHook"\nargs = { every_n_steps = 10 }\n'))
    monkeypatch.chdir(tmp_path)
    assert main(["train", str(cfg), "--logdir", "runs"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("step ")]
    assert [ln.split(":")[0] for ln in lines] == ["step 10", "step 20"]
    assert all(float(ln.split("loss ")[1]) > 0 for ln in lines)
