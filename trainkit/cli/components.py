"""One name -> component table for the CLI: models, optimizers, schedules, datasets, hooks.

Each entry is a class or function whose own signature is the schema of its config
section: a section is ``type = "<name>"`` plus that callable's keyword arguments, bound
and checked with :func:`inspect.signature` (annotations and defaults, see
:mod:`trainkit.cli.schema`). Defaults are the callable's own. Parameters the CLI fills in
itself (a model's ``features``, an optimizer's ``use_locking`` ...) are listed per kind in
:data:`KINDS` and are not config keys.

Adding an optimizer (or any component) is one line::

    register_component("optimizer", "lamb", LambOptimizer)

after which ``[optimizer] type = "lamb"`` plus ``LambOptimizer``'s keyword arguments is a
valid config, checked by ``trainkit check`` like every built-in one.
"""

from __future__ import annotations

import difflib
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from trainkit.cli.errors import ConfigError
from trainkit.cli.schema import NonNegative, Positive, check_value


@dataclass(frozen=True)
class Kind:
    """How one kind of component meets the config.

    Attributes:
        section: the config section (``"data"`` for datasets).
        default: the type used when a section gives none.
        filled: parameters the CLI passes itself (not config keys).
        options: a function whose keyword parameters are keys every type of this kind
            accepts (the CLI uses them itself, e.g. ``batch_size``).
        overlay: annotations that replace a parameter's own (to check ranges of the
            library's ``Any``-typed parameters, e.g. a positive ``learning_rate``).
        aliases: old names of the ``type`` key.
    """

    section: str
    default: str
    filled: tuple[str, ...] = ()
    options: Callable[..., Any] | None = None
    overlay: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    """A table entry: the callable and what the CLI may need to know about it
    (``meta``, e.g. ``images=True`` for a model that takes NHWC inputs)."""

    kind: str
    name: str
    fn: Callable[..., Any]
    meta: dict[str, Any] = field(default_factory=dict)


def _optimizer_options(clip_global_norm: Annotated[float, NonNegative] = 0.0,
                       scale_learning_rate_by_ranks: bool = False,
                       accumulate_steps: Annotated[int, Positive] = 1) -> dict[str, Any]:
    """Keys of every ``[optimizer]``: ``clip_global_norm`` > 0 clips the gradients' global
    norm to it before they are applied (0: no clipping; with ``accumulate_steps``, each
    batch's gradients); under ``mpiexec``, ``scale_learning_rate_by_ranks`` multiplies
    ``learning_rate`` by the number of ranks (Horovod's habit for a global batch N times
    larger; false keeps N ranks x batch b == 1 process x N*b); ``accumulate_steps`` = N
    > 1 makes one update from the mean gradient of N batches
    (``tk.train.GradientAccumulationOptimizer``; ``[run] steps`` then counts updates, as
    Lightning's ``accumulate_grad_batches``)."""
    return {"clip_global_norm": clip_global_norm,
            "scale_learning_rate_by_ranks": scale_learning_rate_by_ranks,
            "accumulate_steps": accumulate_steps}


def _schedule_options(warmup_steps: Annotated[int, NonNegative] = 0) -> dict[str, Any]:
    """Keys of every ``[schedule]``: ``warmup_steps`` > 0 ramps the schedule's learning
    rate up linearly from 0 over that many steps (``tk.train.linear_warmup``)."""
    return {"warmup_steps": warmup_steps}


def _data_options(batch_size: Annotated[int, Positive] = 64,
                  shuffle_buffer: Annotated[int, Positive] = 2048,
                  seed: int = 0) -> dict[str, Any]:
    """Keys of every ``[data]``: the input pipeline's batch size, shuffle buffer and seed
    (the seed also fixes the train/eval split)."""
    return {"batch_size": batch_size, "shuffle_buffer": shuffle_buffer, "seed": seed}


KINDS: dict[str, Kind] = {
    "model": Kind("model", "mlp", filled=("features", "num_outputs", "training")),
    "optimizer": Kind("optimizer", "adam", filled=("use_locking", "name"),
                      options=_optimizer_options,
                      overlay={"learning_rate": Annotated[float, Positive]}),
    "schedule": Kind("schedule", "constant", filled=("learning_rate", "global_step", "name"),
                     options=_schedule_options),
    "dataset": Kind("data", "digits", filled=("images", "regression", "base_dir", "seed"),
                    options=_data_options, aliases=("dataset",)),
    "hook": Kind("hooks", ""),
}

_TABLE: dict[str, dict[str, Component]] = {k: {} for k in KINDS}


def register_component(kind: str, name: str, fn: Callable[..., Any], **meta: Any
                       ) -> Callable[..., Any]:
    """Adds ``fn`` to the table under ``kind`` / ``name``; returns ``fn``.

    Hooks go to the hook registry (:mod:`trainkit.hooks.registry`), the one table the
    library and the CLI share.

    Raises:
        KeyError: an unknown kind, or a name already taken by another callable.
    """
    if kind not in KINDS:
        raise KeyError(f"Unknown component kind {kind!r}; kinds: {', '.join(KINDS)}.")
    if kind == "hook":
        from trainkit.hooks.registry import register_hook

        return register_hook(name)(fn)
    old = _TABLE[kind].get(name)
    if old is not None and old.fn is not fn:
        raise KeyError(f"A {kind} named {name!r} is already registered ({old.fn!r}).")
    _TABLE[kind][name] = Component(kind, name, fn, dict(meta))
    return fn


def unregister_component(kind: str, name: str) -> None:
    """Removes a (non-hook) entry, e.g. one a test registered.

    Raises:
        KeyError: if ``name`` is not registered under ``kind``.
    """
    if kind == "hook" or name not in _TABLE.get(kind, {}):
        raise KeyError(f"No {kind} named {name!r} to unregister.")
    del _TABLE[kind][name]


def component_names(kind: str) -> list[str]:
    """The registered names of ``kind``, in registration order (hooks: sorted)."""
    if kind == "hook":
        import trainkit.train  # noqa: F401 - importing the façade registers every hook
        from trainkit.hooks.registry import hook_names

        return hook_names()
    return list(_TABLE[kind])


def get_component(kind: str, name: str) -> Component:
    """The entry ``name`` of ``kind``.

    Raises:
        KeyError: listing the registered names.
    """
    if kind == "hook":
        import trainkit.train  # noqa: F401
        from trainkit.hooks.registry import get_hook

        return Component("hook", name, get_hook(name))
    try:
        return _TABLE[kind][name]
    except KeyError:
        raise KeyError(f"Unknown {kind} {name!r}; registered: "
                       f"{', '.join(_TABLE[kind])}.") from None


def _params(fn: Callable[..., Any], skip: tuple[str, ...]) -> dict[str, inspect.Parameter]:
    sig = inspect.signature(fn)
    return {n: p for n, p in sig.parameters.items()
            if n not in skip and n != "self"
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    target = fn.__init__ if isinstance(fn, type) else fn
    try:
        return typing.get_type_hints(target, include_extras=True)
    except Exception:  # noqa: BLE001 - unresolvable string annotations: treat as Any
        return {}


def config_keys(kind: str, name: str) -> list[str]:
    """The keys a section of ``kind`` with ``type = name`` accepts, in signature order."""
    k = KINDS[kind]
    keys = ["type", *_params(get_component(kind, name).fn, k.filled)]
    if k.options is not None:
        keys += [n for n in _params(k.options, ()) if n not in keys]
    return keys


@dataclass
class Section:
    """A bound config section: its ``type`` and every keyword argument (given or the
    callable's default), readable as attributes (``cfg.optimizer.beta1``)."""

    kind: str
    type: str
    args: dict[str, Any]
    options: dict[str, Any]
    given: frozenset[str] = frozenset()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for table in (self.__dict__.get("args", {}), self.__dict__.get("options", {})):
            if name in table:
                return table[name]
        if name in KINDS[self.__dict__.get("kind", "model")].aliases:
            return self.type
        raise AttributeError(f"{self.__dict__.get('kind')} {self.__dict__.get('type')!r} "
                             f"has no setting {name!r}")

    @property
    def component(self) -> Component:
        """The table entry this section names."""
        return get_component(self.kind, self.type)


def _check_params(where: str, table: dict[str, Any], params: dict[str, inspect.Parameter],
                  hints: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for n, p in params.items():
        default = None if p.default is p.empty else p.default
        ann = overlay.get(n, hints.get(n, Any))
        if n in table:
            out[n] = check_value(f"{where}.{n}", table[n], ann, default)
        elif p.default is not p.empty:
            out[n] = list(default) if isinstance(default, tuple) else default
    return out


def _foreign(kind: str, key: str) -> str:
    owners = [n for n in _TABLE[kind] if key in _params(_TABLE[kind][n].fn, KINDS[kind].filled)]
    if owners:
        return f" ({key!r} belongs to {', '.join(owners)})"
    close = difflib.get_close_matches(key, {k for n in _TABLE[kind] for k in
                                            config_keys(kind, n)}, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def bind_section(kind: str, table: Any) -> Section:
    """Checks a config section against the signature of the component it names.

    Raises:
        ConfigError: one line naming the dotted key: an unknown type (listing the
            registered ones), a key the type does not take (listing the ones it does),
            a value of the wrong type or range, or a missing required argument.
    """
    k = KINDS[kind]
    where = k.section
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table, got {table!r}.")
    table = dict(table)
    type_key = "type"
    for alias in k.aliases:
        if alias in table and "type" not in table:
            type_key = alias
            table["type"] = table.pop(alias)
    name = table.pop("type", k.default)
    if not isinstance(name, str):
        raise ConfigError(f"{where}.{type_key}: expected a string, got {name!r}.")
    if name not in _TABLE[kind]:
        raise ConfigError(f"{where}.{type_key}: unknown name {name!r}; allowed: "
                          f"{', '.join(_TABLE[kind])}.")
    comp = _TABLE[kind][name]
    params = _params(comp.fn, k.filled)
    opt_params = _params(k.options, ()) if k.options is not None else {}
    allowed = config_keys(kind, name)
    for key in table:
        if key not in params and key not in opt_params:
            raise ConfigError(f"{where}.{key}: unknown key; allowed: {', '.join(allowed)} "
                              f"(the settings of {kind} {name!r}){_foreign(kind, key)}.")
    missing = [n for n, p in params.items() if p.default is p.empty and n not in table]
    if missing:
        raise ConfigError(f"{where}.{missing[0]}: missing; {kind} {name!r} needs it "
                          f"(allowed: {', '.join(allowed)}).")
    args = _check_params(where, table, params, _hints(comp.fn), k.overlay)
    options = (_check_params(where, table, opt_params, _hints(k.options), {})
               if k.options is not None else {})
    if comp.meta.get("check") is not None:
        comp.meta["check"](args)
    return Section(kind, name, args, options, frozenset(table))


def _register_builtins() -> None:
    """The built-in table: one line per component (meta: ``images`` = the model takes
    NHWC images, ``regression`` = it predicts numbers, ``size(args, input_shape,
    num_outputs) -> (activation floats per example, parameters)`` for the memory
    estimate, ``check`` = a cross-argument check, ``horizon`` = the argument after which
    a schedule stops changing)."""
    import trainkit as tk
    from trainkit.cli import inputs, models, schedules, sequence_models

    reg = register_component
    reg("model", "logreg", models.logistic_regression, size=models.dense_size)
    reg("model", "mlp", models.mlp, size=models.dense_size)
    reg("model", "cnn", models.cnn, images=True, size=models.cnn_size)
    reg("model", "linear", models.linear_regression, regression=True, size=models.dense_size)
    reg("model", "lstm", sequence_models.lstm, images=True, size=sequence_models.lstm_size)
    reg("model", "gru", sequence_models.gru, images=True, size=sequence_models.gru_size)
    reg("optimizer", "sgd", tk.train.GradientDescentOptimizer)
    reg("optimizer", "momentum", tk.train.MomentumOptimizer)
    reg("optimizer", "adam", tk.train.AdamOptimizer)
    reg("optimizer", "adagrad", tk.train.AdagradOptimizer)
    reg("optimizer", "rmsprop", tk.train.RMSPropOptimizer)
    reg("optimizer", "adadelta", tk.train.AdadeltaOptimizer)
    reg("schedule", "constant", schedules.constant)
    reg("schedule", "exponential_decay", tk.train.exponential_decay)
    reg("schedule", "piecewise_constant", schedules.piecewise_constant,
        check=schedules.check_piecewise)
    reg("schedule", "polynomial_decay", tk.train.polynomial_decay, horizon="decay_steps")
    reg("schedule", "cosine_decay", tk.train.cosine_decay, horizon="decay_steps")
    reg("schedule", "inverse_time_decay", tk.train.inverse_time_decay)
    reg("dataset", "digits", inputs.digits)
    reg("dataset", "npz", inputs.npz, regression=True)


_register_builtins()

__all__ = ["register_component", "unregister_component", "get_component", "component_names",
           "config_keys", "bind_section", "Section", "Component", "Kind", "KINDS"]
