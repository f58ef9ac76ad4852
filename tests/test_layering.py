"""Imports point down the layers of DESIGN.md (STYLE rule 2), checked with ast."""

from __future__ import annotations

import ast
import functools
import gc
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
    "distributed": BASE | {"framework", "ops", "client", "autodiff", "training", "summary",
                           "distributed"},
    "hooks": BASE | {"framework", "ops", "client", "autodiff", "training", "summary",
                     "distributed", "hooks"},
    # data sits below summary in DESIGN.md; it reuses summary's CRC-32C for TFRecords.
    "data": BASE | {"framework", "ops", "client", "autodiff", "training", "summary", "data"},
    # program plumbing (tf.app/flags/gfile/logging) stands alone below the façades.
    "platform": BASE | {"platform"},
    # saved_model (tf.saved_model) writes and loads graphs + variables through training's
    # meta graphs and Saver.
    "saved_model": BASE | {"framework", "ops", "client", "training", "saved_model"},
    # feature columns (tf.feature_column) turn feature dicts into dense inputs and ids: ops
    # over framework, with data's parsing specs (make_parse_example_spec). Their own layer
    # so that both estimator (input_layer, linear_model) and keras (DenseFeatures) build on
    # them; they create variables through a state object the caller hands in, never
    # through estimator or keras.
    "feature_column": BASE | {"framework", "ops", "data", "feature_column"},
    # estimator sits on hooks; it also builds input pipelines with data (which imports
    # nothing above summary, so no cycle), exports SavedModels, and uses feature columns.
    "estimator": BASE | {"framework", "ops", "client", "autodiff", "training", "summary",
                         "distributed", "hooks", "data", "saved_model", "feature_column",
                         "estimator"},
    # tf.keras in graph mode: layers over ops (tk.layers' functions), weights read and
    # written through a client Session; compile/fit take gradients (autodiff) and reuse
    # training's fused update kernels, TF1 optimizers and Saver; the TensorBoard callback
    # writes event files with summary's FileWriter; fit/evaluate/predict iterate over
    # tk.data datasets (data imports nothing of keras, so no circle); DenseFeatures and
    # SequenceFeatures wrap feature_column's columns (which import nothing of keras).
    "keras": BASE | {"framework", "ops", "client", "autodiff", "training", "summary", "data",
                     "feature_column", "keras"},
    # tf.test's TestCase runs sessions on graphs of ops (and its gradient checker calls
    # tk.gradients); nothing imports it but its façade.
    "testing": BASE | {"framework", "ops", "client", "autodiff", "testing"},
    # tf.profiler's model analyzer reads graphs (FLOP rules on op shapes); runs nothing.
    "profiling": BASE | {"framework", "ops", "profiling"},
}
# Sub-packages with a layer of their own (checked instead of their parent's rule):
# Horovod's Keras API sits on both distributed (collectives) and keras (callbacks,
# optimizers, the Keras session); keras never imports distributed, so no circle.
SUBLAYERS = {
    "distributed/keras": ALLOWED["distributed"] | {"keras"},
}
# Façades (trainkit/*.py) may import anything; cli may import anything.


@functools.cache
def _tree(path: Path) -> ast.AST:
    """The parsed source of ``path``, parsed once for all the checks of this module.

    The cyclic garbage collector is paused while parsing: the cache keeps ~800k AST nodes
    alive, and collections triggered by their allocation rescanned all of them (5 of the
    module's 6 seconds)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(path.read_text(), filename=str(path))
    finally:
        if enabled:
            gc.enable()


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    tree = _tree(path)
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
    sub = [PKG / name for name in SUBLAYERS]
    for layer, allowed in [*ALLOWED.items(), *SUBLAYERS.items()]:
        for path in sorted((PKG / layer).rglob("*.py")):
            if layer in ALLOWED and any(d in path.parents for d in sub):
                continue
            for target, line in _imported_layers(path):
                top_level_module = (PKG / f"{target}.py").exists() and target not in BASE
                if target not in allowed or top_level_module:
                    problems.append(f"{path.relative_to(PKG.parent)}:{line} imports "
                                    f"trainkit.{target}")
    assert not problems, "imports against the layering:\n" + "\n".join(problems)


def test_client_never_imports_ops():
    for path in (PKG / "client").rglob("*.py"):
        assert all(t != "ops" for t, _ in _imported_layers(path)), path


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every trainkit module ``path`` imports, at any depth of its code (function-level
    and ``TYPE_CHECKING`` imports count: a circle through them is still a circle)."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in modules and m != here}


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    """No two trainkit modules import each other, directly or through others.

    A package's ``__init__`` importing its own submodules is the one allowed way up: a
    submodule's ``from trainkit.x import y`` names the package only to reach ``y``.
    """
    paths = sorted(PKG.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    packages = {_module_name(p) for p in paths if p.name == "__init__.py"}
    graph = {}
    for p in paths:
        deps = _imports_of(p, modules)
        # "from trainkit.data import pipeline" reaches the submodule, not the package body.
        graph[_module_name(p)] = {d for d in deps if d not in packages or p.name == "__init__.py"}
    circles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert not circles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)


def test_the_circle_check_finds_a_circle():
    """The checker itself: a two-module circle is reported."""
    components = _strongly_connected({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    assert sorted(components) == [["a", "b"], ["c"]]


def _package(path: Path, root: Path = PKG) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else "<facade>"


def _private_names_defined(trees: dict[Path, ast.AST], root: Path) -> dict[str, set[str]]:
    """Private name -> the packages that define it (functions, classes, attributes
    assigned, class-level names and ``__slots__`` entries)."""
    defined: dict[str, set[str]] = {}

    def add(name: str, pkg: str) -> None:
        if name.startswith("_") and not name.startswith("__"):
            defined.setdefault(name, set()).add(pkg)

    for path, tree in trees.items():
        pkg = _package(path, root)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                add(node.name, pkg)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                add(node.attr, pkg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                add(node.id, pkg)
            if isinstance(node, ast.ClassDef):
                for st in node.body:
                    if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Tuple)
                            and any(getattr(t, "id", "") == "__slots__" for t in st.targets)):
                        for elt in st.value.elts:
                            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                                add(elt.value, pkg)
    return defined


def _private_accesses_across_packages(root: Path) -> list[str]:
    trees = {p: _tree(p) for p in sorted(root.rglob("*.py"))}
    defined = _private_names_defined(trees, root)
    problems = []
    for path, tree in trees.items():
        pkg = _package(path, root)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name)
                             and node.value.id in ("self", "cls"))):
                owners = defined.get(node.attr, set())
                if owners and pkg not in owners:
                    problems.append(f"{path.relative_to(root.parent)}:{node.lineno} reads "
                                    f".{node.attr} of {', '.join(sorted(owners))}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trainkit."):
                parts = node.module.split(".")
                target = parts[1] if len(parts) > 2 else "<facade>"
                for alias in node.names:
                    if (alias.name.startswith("_") and not alias.name.startswith("__")
                            and target != pkg):
                        problems.append(f"{path.relative_to(root.parent)}:{node.lineno} "
                                        f"imports {node.module}.{alias.name}")
    return problems


def test_no_private_names_across_packages():
    """A layer uses another layer's public names only (STYLE rule 2): an attribute
    ``x._name`` whose name only other packages define, or an import of a private name
    from another package, is reported. (Names defined in several packages are not.)"""
    problems = _private_accesses_across_packages(PKG)
    assert not problems, "private names used across packages:\n" + "\n".join(problems)


def test_the_private_name_check_finds_a_crossing(tmp_path):
    root = tmp_path / "trainkit"
    (root / "framework").mkdir(parents=True)
    (root / "client").mkdir()
    (root / "framework" / "tensor.py").write_text(
        "class Op:\n    def __init__(self):\n        self._inputs = ()\n")
    (root / "client" / "executor.py").write_text(
        "def run(op):\n    return op._inputs\n")
    problems = _private_accesses_across_packages(root)
    assert len(problems) == 1 and "._inputs of framework" in problems[0]
