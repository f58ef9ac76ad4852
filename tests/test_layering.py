"""Imports point down the layers of DESIGN.md (STYLE rule 2), checked with ast."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "trainkit"

BASE = {"errors", "nest"}
ALLOWED = {
    "framework": BASE | {"framework"},
    "ops": BASE | {"framework", "ops"},
    "client": BASE | {"framework", "client"},
    "autodiff": BASE | {"framework", "ops", "autodiff"},
    # summary builds only on ops; training uses it for Scaffold's default summary_op.
    "summary": BASE | {"framework", "ops", "client", "summary"},
    "training": BASE | {"framework", "ops", "client", "autodiff", "summary", "training"},
    "hooks": BASE | {"framework", "ops", "client", "autodiff", "training", "summary", "hooks"},
    "data": BASE | {"framework", "ops", "client", "autodiff", "training", "data"},
    # estimator sits on hooks; it also builds input pipelines with data (which imports
    # nothing above training, so no cycle).
    "estimator": BASE | {"framework", "ops", "client", "autodiff", "training", "summary",
                         "distributed", "hooks", "data", "estimator"},
}
# Façades (trainkit/*.py) may import anything; cli may import anything.


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "trainkit":
                names = [f"trainkit.{a.name}" for a in node.names]
        for n in names:
            parts = n.split(".")
            if parts[0] == "trainkit" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def test_layers_import_only_downwards():
    problems = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((PKG / layer).rglob("*.py")):
            for target, line in _imported_layers(path):
                top_level_module = (PKG / f"{target}.py").exists() and target not in BASE
                if target not in allowed or top_level_module:
                    problems.append(f"{path.relative_to(PKG.parent)}:{line} imports "
                                    f"trainkit.{target}")
    assert not problems, "imports against the layering:\n" + "\n".join(problems)


def test_client_never_imports_ops():
    for path in (PKG / "client").rglob("*.py"):
        assert all(t != "ops" for t, _ in _imported_layers(path)), path
