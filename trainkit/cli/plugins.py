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
INJECTABLE = ("loss_tensor", "loss", "output_dir", "checkpoint_dir", "summary_dir",
              "evaluation_hook")


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
        params = inspect.signature(cls).parameters
        if ("evaluation_hook" in params and "evaluation_hook" not in h.args
                and not _names_tensors(h.args) and not cfg.run.eval_every_steps):
            raise ConfigError(f"{where}: {cls.__name__} watches the evaluation metrics, which "
                              "the CLI computes only when run.eval_every_steps > 0; set it.")
        out.append((cls, dict(h.args)))
    return out


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
            if name == "evaluation_hook" and _names_tensors(args):
                continue  # a hook pointed at graph tensors watches those, not the eval
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


def _names_tensors(value: Any) -> bool:
    """Whether a hook argument (or any item inside it) is a ``"name:0"`` string."""
    if isinstance(value, str):
        return _looks_like_tensor_name(value)
    if isinstance(value, list):
        return any(_names_tensors(v) for v in value)
    if isinstance(value, dict):
        return any(_names_tensors(v) for v in value.values())
    return False


def _has_op(graph: Any, name: str) -> bool:
    try:
        graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return False
    return True


__all__ = ["builtin_hooks", "hook_dirs", "resolve_hook_class", "check_hook_args",
           "check_hooks", "instantiate", "INJECTABLE"]
