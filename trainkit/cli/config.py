"""Run configs: TOML files read with ``tomllib`` and validated before any graph is built.

``[model]``, ``[data]``, ``[optimizer]`` and ``[schedule]`` are component sections: a
``type`` from the component table (:mod:`trainkit.cli.components`) plus the keyword
arguments of that component's own signature. ``[run]`` and ``[[hooks]]`` are the CLI's
own. Every error is a :class:`ConfigError` naming the dotted key path and what is allowed.

Example:
    >>> cfg = load_config("configs/quickstart.toml", overrides=["run.steps=100"])
    >>> cfg.model.type, cfg.run.steps
    ('mlp', 100)
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from trainkit.cli.components import Section, bind_section
from trainkit.cli.errors import ConfigError
from trainkit.cli.schema import is_file_param

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass
class RunConfig:
    """``[run]``: budget, cadences (in steps; 0 turns one off — checkpoints are still saved
    at the start and the end), seed and where logs go (``<logdir>/<name>``)."""

    steps: int = 1000
    seed: int = 0
    logdir: str = "runs"
    checkpoint_every_steps: int = 500
    summary_every_steps: int = 50
    log_every_steps: int = 100
    eval_every_steps: int = 0
    max_to_keep: int = 5
    progress_bar: str = "auto"
    hooks_dir: str = ""
    threads: int = 0


@dataclass
class SummariesConfig:
    """``[summaries]``: TensorBoard histograms of the weights and of their gradients every
    ``histograms_every_steps`` steps (0: none; the scalars follow
    ``run.summary_every_steps``)."""

    histograms_every_steps: int = 0
    weights: bool = True
    gradients: bool = True


@dataclass
class EstimatorConfig:
    """``[estimator]``: train a ``tf.estimator.Estimator`` whose ``model_fn`` is
    ``"file.py:function"`` (searched like custom hooks, and next to the config), called
    with ``params`` (plus ``num_outputs``, ``classification`` and ``learning_rate``)."""

    model_fn: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class HookConfig:
    """One ``[[hooks]]`` entry: a built-in hook class name or ``"file:Class"``."""

    type: str = ""
    args: dict[str, Any] = field(default_factory=dict)


def _section(kind: str) -> Any:
    return field(default_factory=lambda: bind_section(kind, {}))


@dataclass
class Config:
    """A whole run config: component sections (:class:`~trainkit.cli.components.Section`)
    and the CLI's own ``run`` settings and hooks."""

    name: str = "run"
    model: Section = _section("model")
    data: Section = _section("dataset")
    optimizer: Section = _section("optimizer")
    schedule: Section = _section("schedule")
    run: RunConfig = field(default_factory=RunConfig)
    summaries: SummariesConfig = field(default_factory=SummariesConfig)
    estimator: EstimatorConfig = field(default_factory=EstimatorConfig)
    hooks: list[HookConfig] = field(default_factory=list)
    path: Path | None = None


_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

# section -> component kind (the CLI's own sections are dataclasses, below)
_COMPONENT_SECTIONS = {"model": "model", "data": "dataset", "optimizer": "optimizer",
                       "schedule": "schedule"}
_SECTIONS: dict[str, type] = {"run": RunConfig, "summaries": SummariesConfig,
                               "estimator": EstimatorConfig}


def _check_value(path: str, value: Any, hint: Any) -> Any:
    text = str(hint)
    if hint is bool or text == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: expected true or false, got {value!r}.")
        return value
    if hint is int or text == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path}: expected an integer, got {value!r}.")
        return value
    if hint is float or text == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{path}: expected a number, got {value!r}.")
        return float(value)
    if hint is str or text == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{path}: expected a string, got {value!r}.")
        return value
    if text.startswith("list["):
        if not isinstance(value, list):
            raise ConfigError(f"{path}: expected a list, got {value!r}.")
        inner = int if "int" in text else float if "float" in text else str
        return [_check_value(f"{path}[{i}]", v, inner) for i, v in enumerate(value)]
    if text.startswith("dict["):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: expected a table, got {value!r}.")
        return dict(value)
    return value


def _fill(cls: type, table: Any, path: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: expected a table, got {table!r}.")
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name != "path"]
    obj = cls()
    for key, value in table.items():
        if key not in names:
            raise ConfigError(f"{path}.{key}: unknown key; allowed: {', '.join(names)}.")
        if cls is RunConfig and key == "progress_bar" and isinstance(value, bool):
            value = "true" if value else "false"  # TOML booleans read naturally here
        setattr(obj, key, _check_value(f"{path}.{key}", value, hints[key]))
    return obj


def _choice(path: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{path}: unknown name {value!r}; allowed: {', '.join(allowed)}.")


def _positive(path: str, value: float, allow_zero: bool = False) -> None:
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{path}: must be {'>= 0' if allow_zero else '> 0'}, got {value!r}.")


def _legacy_data(table: Any) -> Any:
    """Old ``[data]`` tables named an ``npz`` file next to ``dataset = "digits"``; the file
    won. Kept: ``npz = "..."`` without ``type`` means ``type = "npz"``."""
    if isinstance(table, dict) and table.get("npz") and "type" not in table:
        table = {k: v for k, v in table.items() if k != "dataset"}
        table["type"] = "npz"
    return table


def _check_files(cfg: Config) -> None:
    """Every component argument annotated as an existing file must exist."""
    import inspect
    import typing

    for section in (cfg.model, cfg.data, cfg.optimizer, cfg.schedule):
        fn = section.component.fn
        hints = typing.get_type_hints(fn, include_extras=True) if not isinstance(fn, type) \
            else {}
        for n in inspect.signature(fn).parameters:
            if n in section.args and is_file_param(hints.get(n)) and cfg.path is not None:
                p = resolve_path(cfg, section.args[n])
                if not p.is_file():
                    where = {"dataset": "data"}.get(section.kind, section.kind)
                    raise ConfigError(f"{where}.{n}: file not found: {p}")


def validate(cfg: Config) -> Config:
    """Checks ranges across sections (component sections were checked when bound; hooks
    are checked by the plugin loader).

    Raises:
        ConfigError: naming the offending key path.
    """
    _choice("run.progress_bar", cfg.run.progress_bar, ("auto", "true", "false"))
    _positive("run.steps", cfg.run.steps)
    for key in ("checkpoint_every_steps", "summary_every_steps", "log_every_steps",
                "eval_every_steps", "max_to_keep", "threads"):
        _positive(f"run.{key}", getattr(cfg.run, key), allow_zero=True)
    _positive("summaries.histograms_every_steps", cfg.summaries.histograms_every_steps,
              allow_zero=True)
    if cfg.model.component.meta.get("regression") and \
            not cfg.data.component.meta.get("regression"):
        raise ConfigError(f"data.npz: model.type {cfg.model.type!r} (regression) needs an "
                          ".npz file with features and targets.")
    _check_files(cfg)
    fn = cfg.estimator.model_fn
    if fn and (":" not in fn or not all(fn.rsplit(":", 1))):
        raise ConfigError(f"estimator.model_fn: expected 'file.py:function', got {fn!r}.")
    for i, h in enumerate(cfg.hooks):
        if not h.type:
            raise ConfigError(f"hooks[{i}].type: missing; give a built-in hook class name or "
                              "'file:Class'.")
    if not cfg.name or any(c in cfg.name for c in "/\\") or cfg.name in (".", ".."):
        raise ConfigError(f"name: must be a plain directory name, got {cfg.name!r}.")
    return cfg


def resolve_path(cfg: Config, value: str) -> Path:
    """A path from the config, relative to the config file's folder."""
    p = Path(value).expanduser()
    if not p.is_absolute() and cfg.path is not None:
        p = cfg.path.parent / p
    return p


def _parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected KEY.PATH=VALUE, e.g. run.steps=100.")
    key, raw = item.split("=", 1)
    keys = [k.strip() for k in key.split(".")]
    if not all(k and _KEY_CHARS.issuperset(k) for k in keys):
        raise ConfigError(f"--set {item!r}: {key.strip()!r} is not a dotted key path "
                          "(letters, digits, '_' and '-' between dots), e.g. run.steps=100.")
    if not raw.strip():
        raise ConfigError(f"--set {item!r}: missing value after '='.")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()  # a bare word is a string
    return keys, value


def apply_overrides(table: dict[str, Any], overrides: list[str]) -> None:
    """Applies ``--set key.path=value`` items (values parsed as TOML, else strings).

    Raises:
        ConfigError: for a malformed item or a path into a non-table.
    """
    for item in overrides:
        keys, value = _parse_override(item)
        node = table
        for i, k in enumerate(keys[:-1]):
            nxt = node.setdefault(k, {})
            if not isinstance(nxt, dict):
                raise ConfigError(f"--set {item!r}: {'.'.join(keys[:i + 1])} is not a table.")
            node = nxt
        node[keys[-1]] = value


def config_from_table(table: dict[str, Any], path: Path | None = None) -> Config:
    """Builds and validates a :class:`Config` from a parsed TOML table."""
    cfg = Config(path=path)
    allowed = ["name", *_COMPONENT_SECTIONS, *_SECTIONS, "hooks"]
    for key, value in table.items():
        if key == "name":
            cfg.name = _check_value("name", value, str)
        elif key in _COMPONENT_SECTIONS:
            value = _legacy_data(value) if key == "data" else value
            setattr(cfg, key, bind_section(_COMPONENT_SECTIONS[key], value))
        elif key in _SECTIONS:
            setattr(cfg, key, _fill(_SECTIONS[key], value, key))
        elif key == "hooks":
            if not isinstance(value, list):
                raise ConfigError("hooks: expected an array of tables ([[hooks]]).")
            cfg.hooks = [_fill(HookConfig, h, f"hooks[{i}]") for i, h in enumerate(value)]
        else:
            raise ConfigError(f"{key}: unknown key; allowed: {', '.join(allowed)}.")
    return validate(cfg)


def load_config(path: str | Path, overrides: list[str] | None = None) -> Config:
    """Reads, overrides and validates a TOML config.

    Raises:
        ConfigError: unreadable file, TOML syntax error, or invalid content.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{p}: cannot read config ({e.strerror or e}).") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset "
                          f"{e.start}); TOML configs are UTF-8.") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: invalid TOML: {e}") from None
    apply_overrides(table, overrides or [])
    if not table:
        raise ConfigError(f"{p}: the config is empty; a run needs at least its [model], "
                          "[data] and [run] sections (see configs/quickstart.toml).")
    return config_from_table(table, p.resolve())


__all__ = ["Config", "ConfigError", "load_config", "config_from_table", "apply_overrides",
           "resolve_path", "RunConfig", "HookConfig", "SummariesConfig", "Section"]
