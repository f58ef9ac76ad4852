"""Hooks named in a config: built-in classes by name, or ``"file:Class"`` loaded from a
hooks folder. Resolution and argument checks happen before any graph is built.

Search order for ``"file:Class"``: ``run.hooks_dir`` (if set, relative to the config),
the config's ``hooks/`` neighbour, the repo's top-level ``hooks/`` (the config folder's
parent, the current directory, and the checkout trainkit runs from).
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any

from trainkit.cli.config import Config, ConfigError, resolve_path

# Constructor parameters the runner fills in when a config leaves them out.
INJECTABLE = ("loss_tensor", "loss", "output_dir", "checkpoint_dir", "summary_dir")

# The evaluations whose results the CLI publishes (``EvaluationHook`` name -> the run key
# that turns it on); a hook reading another would never see results.
EVALUATIONS = {"eval": "run.eval_every_steps"}


def builtin_hooks() -> dict[str, type]:
    """The built-in hook table (``trainkit.hooks.registry``): class names and aliases."""
    import trainkit.train  # noqa: F401 - importing the façade registers every hook
    from trainkit.hooks import registry

    return {name: registry.get_hook(name) for name in registry.hook_names()}


def hook_dirs(cfg: Config) -> list[Path]:
    """The folders searched for custom hook files, in order."""
    dirs: list[Path] = []
    if cfg.run.hooks_dir:
        dirs.append(resolve_path(cfg, cfg.run.hooks_dir))
    if cfg.path is not None:
        dirs += [cfg.path.parent / "hooks", cfg.path.parent.parent / "hooks"]
    dirs.append(Path.cwd() / "hooks")
    dirs.append(Path(__file__).resolve().parents[2] / "hooks")
    seen, out = set(), []
    for d in dirs:
        r = d.resolve()
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def _load_file(file_part: str, dirs: list[Path], where: str) -> Any:
    name = file_part if file_part.endswith(".py") else file_part + ".py"
    candidates = [Path(name)] if Path(name).is_absolute() else [d / name for d in dirs]
    for path in candidates:
        if path.is_file():
            mod_name = f"trainkit_user_hooks.{path.stem}_{abs(hash(str(path))) % 10**8}"
            if mod_name in sys.modules:
                return sys.modules[mod_name]
            spec = importlib.util.spec_from_file_location(mod_name, path)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as e:  # noqa: BLE001 - any import failure is a config error
                raise ConfigError(f"{where}: importing hook file {path} failed: "
                                  f"{type(e).__name__}: {e}") from None
            sys.modules[mod_name] = module
            return module
    searched = ", ".join(str(d) for d in dirs)
    raise ConfigError(f"{where}: hook file {name!r} not found (searched: {searched}).")


def load_python_file(file_part: str, cfg: Config, where: str) -> Any:
    """The module of a user file named in a config (``"file.py"`` of ``"file.py:name"``),
    searched like custom hook files plus the config's own folder.

    Raises:
        ConfigError: the file is missing or fails to import.
    """
    dirs = hook_dirs(cfg)
    if cfg.path is not None:
        dirs.insert(0, cfg.path.parent.resolve())
    return _load_file(file_part, dirs, where)


def resolve_hook_class(spec: str, cfg: Config, where: str) -> type:
    """The hook class a config's ``type`` names.

    Raises:
        ConfigError: unknown built-in name (listing them), missing or broken file, or a
            class that is not in the file (listing the hook classes it has).
    """
    from trainkit.training.session_run_hook import SessionRunHook

    if ":" not in spec:
        builtins = builtin_hooks()
        if spec not in builtins:
            raise ConfigError(f"{where}: unknown hook {spec!r}; built-in hooks: "
                              f"{', '.join(sorted(builtins))}; or use 'file:Class' for a "
                              "custom hook.")
        return builtins[spec]
    file_part, cls_name = spec.rsplit(":", 1)
    module = _load_file(file_part, hook_dirs(cfg), where)
    cls = getattr(module, cls_name, None)
    if not (isinstance(cls, type) and issubclass(cls, SessionRunHook)):
        found = sorted(n for n, o in vars(module).items()
                       if isinstance(o, type) and issubclass(o, SessionRunHook)
                       and o.__module__ == module.__name__)
        raise ConfigError(f"{where}: {file_part} has no hook class {cls_name!r}; it defines: "
                          f"{', '.join(found) or 'no SessionRunHook subclasses'}.")
    return cls


def check_hook_args(cls: type, args: dict[str, Any], where: str) -> None:
    """Checks that ``args`` fit ``cls``'s constructor (injectable parameters may be left out).

    Raises:
        ConfigError: naming the bad argument and listing the accepted ones.
    """
    sig = inspect.signature(cls)
    params = sig.parameters
    accepts_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    allowed = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD,
                                                          p.KEYWORD_ONLY)]
    for key in args:
        if key not in params and not accepts_kwargs:
            raise ConfigError(f"{where}.args.{key}: {cls.__name__} has no argument {key!r}; "
                              f"allowed: {', '.join(allowed)}.")
    missing = [n for n, p in params.items()
               if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               and n not in args and n not in INJECTABLE]
    if missing:
        raise ConfigError(f"{where}.args: {cls.__name__} needs {', '.join(missing)}; allowed: "
                          f"{', '.join(allowed)}.")


def check_hooks(cfg: Config) -> list[tuple[type, dict[str, Any]]]:
    """Resolves and checks every ``[[hooks]]`` entry of ``cfg``."""
    out = []
    for i, h in enumerate(cfg.hooks):
        where = f"hooks[{i}]"
        cls = resolve_hook_class(h.type, cfg, f"{where}.type")
        check_hook_args(cls, h.args, where)
        _check_evaluation_read(cls, h.args, cfg, where)
        out.append((cls, dict(h.args)))
    return out


def _check_evaluation_read(cls: type, args: dict[str, Any], cfg: Config, where: str) -> None:
    """A hook class may say which published evaluation results its arguments make it read
    (``evaluation_read(args) -> name | None``); that evaluation must run."""
    reader = getattr(cls, "evaluation_read", None)
    name = reader(args) if callable(reader) else None
    if name is None:
        return
    if name not in EVALUATIONS:
        raise ConfigError(f"{where}: {cls.__name__} watches the evaluation {name!r}, but the "
                          f"CLI's evaluations are named {', '.join(map(repr, EVALUATIONS))}.")
    key = EVALUATIONS[name]
    if not getattr(cfg.run, key.split(".")[1]):
        raise ConfigError(f"{where}: {cls.__name__} watches the evaluation metrics, which "
                          f"the CLI computes only when {key} > 0; set it.")


def instantiate(cls: type, args: dict[str, Any], graph: Any, inject: dict[str, Any],
                where: str) -> Any:
    """Builds a hook: strings naming graph tensors (``"loss:0"``) become tensors, and
    injectable parameters left out are filled from ``inject``.

    Raises:
        ConfigError: if a ``"name:0"`` string names no tensor of the graph, or the
            constructor rejects the arguments.
    """
    params = inspect.signature(cls).parameters
    kwargs = {k: _maybe_tensor(v, graph, f"{where}.args.{k}") for k, v in args.items()}
    for name in INJECTABLE:
        if name in params and name not in kwargs and name in inject:
            kwargs[name] = inject[name]
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}.args: {cls.__name__} rejected its arguments: {e}") from None


def _looks_like_tensor_name(value: str) -> bool:
    name, _, index = value.rpartition(":")
    return bool(name) and index.isdigit() and not any(c.isspace() for c in name)


def _maybe_tensor(value: Any, graph: Any, where: str) -> Any:
    if isinstance(value, str) and _looks_like_tensor_name(value):
        try:
            return graph.get_tensor_by_name(value)
        except (KeyError, ValueError):
            known = [f"{n}:0" for n in ("loss", "learning_rate", "accuracy", "mae")
                     if _has_op(graph, n)]
            raise ConfigError(f"{where}: no tensor {value!r} in the graph; the CLI names "
                              f"{', '.join(known)}.") from None
    if isinstance(value, list):
        return [_maybe_tensor(v, graph, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _maybe_tensor(v, graph, f"{where}.{k}") for k, v in value.items()}
    return value


def _has_op(graph: Any, name: str) -> bool:
    try:
        graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return False
    return True


__all__ = ["builtin_hooks", "hook_dirs", "resolve_hook_class", "check_hook_args",
           "check_hooks", "instantiate", "INJECTABLE"]
