"""Run configs: TOML files read with ``tomllib`` into dataclasses and validated before any
graph is built. Every error is a :class:`ConfigError` naming the dotted key path and what
is allowed.

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

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(ValueError):
    """A config that cannot be used; the message names the key path."""


MODEL_TYPES = ("logreg", "mlp", "cnn", "linear")
OPTIMIZERS = ("sgd", "momentum", "adam", "adagrad", "rmsprop", "adadelta")
SCHEDULES = ("constant", "exponential_decay", "piecewise_constant", "polynomial_decay",
             "cosine_decay", "inverse_time_decay")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "leaky_relu", "relu6", "softplus")


@dataclass
class ModelConfig:
    """``[model]``: which registered builder and its sizes."""

    type: str = "mlp"
    hidden_units: list[int] = field(default_factory=lambda: [128])
    activation: str = "relu"
    dropout: float = 0.0
    conv_filters: list[int] = field(default_factory=lambda: [32])
    kernel_size: int = 3
    l2: float = 0.0


@dataclass
class DataConfig:
    """``[data]``: a bundled dataset by name, or an ``.npz`` file with named arrays."""

    dataset: str = "digits"
    npz: str = ""
    features_key: str = "x"
    labels_key: str = "y"
    eval_fraction: float = 0.2
    batch_size: int = 64
    shuffle_buffer: int = 2048
    seed: int = 0


@dataclass
class OptimizerConfig:
    """``[optimizer]``: the optimizer, its learning rate and extra arguments."""

    type: str = "adam"
    learning_rate: float = 0.001
    momentum: float = 0.9
    use_nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    decay: float = 0.9
    rho: float = 0.95
    clip_global_norm: float = 0.0
    # Under mpiexec: multiply learning_rate by the number of ranks (Horovod's habit for a
    # global batch N times larger); false keeps N ranks x batch b == 1 process x N*b.
    scale_learning_rate_by_ranks: bool = False


@dataclass
class ScheduleConfig:
    """``[schedule]``: an optional learning-rate schedule over the global step."""

    type: str = "constant"
    decay_steps: int = 1000
    decay_rate: float = 0.5
    staircase: bool = False
    boundaries: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    end_learning_rate: float = 0.0001
    power: float = 1.0
    alpha: float = 0.0


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


@dataclass
class HookConfig:
    """One ``[[hooks]]`` entry: a built-in hook class name or ``"file:Class"``."""

    type: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    """A whole run config."""

    name: str = "run"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    run: RunConfig = field(default_factory=RunConfig)
    hooks: list[HookConfig] = field(default_factory=list)
    path: Path | None = None


_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

_SECTIONS = {"model": ModelConfig, "data": DataConfig, "optimizer": OptimizerConfig,
             "schedule": ScheduleConfig, "run": RunConfig}


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


def validate(cfg: Config) -> Config:
    """Checks names and ranges across sections (hooks are checked by the plugin loader).

    Raises:
        ConfigError: naming the offending key path.
    """
    _choice("model.type", cfg.model.type, MODEL_TYPES)
    _choice("model.activation", cfg.model.activation, ACTIVATIONS)
    _choice("optimizer.type", cfg.optimizer.type, OPTIMIZERS)
    _choice("schedule.type", cfg.schedule.type, SCHEDULES)
    _choice("run.progress_bar", cfg.run.progress_bar, ("auto", "true", "false"))
    if not 0.0 <= cfg.model.dropout < 1.0:
        raise ConfigError(f"model.dropout: must be in [0, 1), got {cfg.model.dropout!r}.")
    for i, u in enumerate(cfg.model.hidden_units):
        _positive(f"model.hidden_units[{i}]", u)
    for i, u in enumerate(cfg.model.conv_filters):
        _positive(f"model.conv_filters[{i}]", u)
    _positive("model.kernel_size", cfg.model.kernel_size)
    _positive("model.l2", cfg.model.l2, allow_zero=True)
    _positive("optimizer.learning_rate", cfg.optimizer.learning_rate)
    _positive("optimizer.clip_global_norm", cfg.optimizer.clip_global_norm, allow_zero=True)
    _positive("data.batch_size", cfg.data.batch_size)
    _positive("data.shuffle_buffer", cfg.data.shuffle_buffer)
    if not 0.0 < cfg.data.eval_fraction < 1.0:
        raise ConfigError(f"data.eval_fraction: must be in (0, 1), got "
                          f"{cfg.data.eval_fraction!r}.")
    _positive("run.steps", cfg.run.steps)
    for key in ("checkpoint_every_steps", "summary_every_steps", "log_every_steps",
                "eval_every_steps", "max_to_keep"):
        _positive(f"run.{key}", getattr(cfg.run, key), allow_zero=True)
    if cfg.schedule.type == "piecewise_constant" and (
            len(cfg.schedule.values) != len(cfg.schedule.boundaries) + 1):
        raise ConfigError("schedule.values: piecewise_constant needs one more value than "
                          f"boundaries ({len(cfg.schedule.boundaries)} boundaries, "
                          f"{len(cfg.schedule.values)} values).")
    if cfg.model.type == "linear" and not cfg.data.npz:
        raise ConfigError("data.npz: model.type 'linear' (regression) needs an .npz file with "
                          "features and targets.")
    if cfg.data.npz and cfg.path is not None:
        p = resolve_path(cfg, cfg.data.npz)
        if not p.is_file():
            raise ConfigError(f"data.npz: file not found: {p}")
    elif not cfg.data.npz:
        from trainkit.data.datasets import DATASETS

        _choice("data.dataset", cfg.data.dataset, DATASETS)
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
    allowed = ["name", *_SECTIONS, "hooks"]
    for key, value in table.items():
        if key == "name":
            cfg.name = _check_value("name", value, str)
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
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: invalid TOML: {e}") from None
    apply_overrides(table, overrides or [])
    return config_from_table(table, p.resolve())


__all__ = ["Config", "ConfigError", "load_config", "config_from_table", "apply_overrides",
           "resolve_path", "ModelConfig", "DataConfig", "OptimizerConfig", "ScheduleConfig",
           "RunConfig", "HookConfig"]
