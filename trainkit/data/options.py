"""``tf.data.Options``: the settings a dataset carries (``ds.with_options(options)``).

TF uses them to tune how a pipeline runs (parallelism, fusions, sharding, determinism).
trainkit's pipelines produce elements one at a time, in order, in the thread that runs
``get_next``, so every setting is accepted, validated and carried along (downstream
transformations keep it, ``ds.options()`` returns it, as in TF) and none changes the
elements: the output is always the deterministic one.

Example:
    >>> options = tf.data.Options()
    >>> options.experimental_optimization.map_parallelization = True
    >>> ds = tf.data.Dataset.range(3).with_options(options)
"""

from __future__ import annotations

import enum
from typing import Any


class AutoShardPolicy(enum.IntEnum):
    """How a distribution strategy would shard a dataset (TF's values)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.IntEnum):
    """What to do with stateful ops when a dataset is serialized (TF's values)."""

    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionsGroup:
    """A group of typed settings: unknown names raise AttributeError, values of another
    type TypeError; an unset setting reads as its default (None: TF's choice)."""

    #: name -> (type, default); a name mapped to a str is an alias of that name
    _FIELDS: dict[str, Any] = {}

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def _field(self, name: str) -> str:
        target = self._FIELDS.get(name)
        return target if isinstance(target, str) else name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._FIELDS:
            raise AttributeError(f"{type(self).__name__} has no property {name}.")
        name = self._field(name)
        kind, default = self._FIELDS[name]
        if isinstance(kind, type) and issubclass(kind, _OptionsGroup) and \
                self._values.get(name) is None:
            self._values[name] = kind()
        return self._values.get(name, default)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._FIELDS:
            raise AttributeError(f"Cannot set the property {name} on "
                                 f"{type(self).__name__}.")
        name = self._field(name)
        kind, _ = self._FIELDS[name]
        if value is not None:
            ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
            if not ok:
                raise TypeError(f'Property "{name}" must be of type {kind}, got: {value!r} '
                                f"(type: {type(value)})")
        self._values[name] = value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._FIELDS
                   if not isinstance(self._FIELDS[n], str))

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def _merge_from(self, other: _OptionsGroup) -> None:
        """Takes every setting ``other`` has set (nested groups merged the same way)."""
        for name, value in other._values.items():
            if isinstance(value, _OptionsGroup):
                getattr(self, name)._merge_from(value)
            elif value is not None:
                self._values[name] = value


class OptimizationOptions(_OptionsGroup):
    """Graph rewrites TF may apply to a pipeline (none changes trainkit's elements)."""

    _FIELDS = {n: (bool, None) for n in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
        "map_parallelization", "noop_elimination", "parallel_batch",
        "seq_interleave_prefetch", "shuffle_and_repeat_fusion")}


class DistributeOptions(_OptionsGroup):
    """How a distribution strategy shards the dataset."""

    _FIELDS = {"auto_shard_policy": (AutoShardPolicy, AutoShardPolicy.AUTO),
               "num_devices": (int, None)}


class ThreadingOptions(_OptionsGroup):
    """Thread pools TF would give the pipeline."""

    _FIELDS = {"max_intra_op_parallelism": (int, None),
               "private_threadpool_size": (int, None)}


class AutotuneOptions(_OptionsGroup):
    """TF's tuning of parallelism and buffer sizes."""

    _FIELDS = {"enabled": (bool, None), "cpu_budget": (int, None),
               "ram_budget": (int, None), "initial_parallelism": (int, None),
               "min_parallelism": (int, None)}


class Options(_OptionsGroup):
    """``tf.data.Options``: the settings a dataset carries.

    Raises (on assignment):
        AttributeError: an unknown setting.
        TypeError: a value of the wrong type.
    """

    _FIELDS = {
        "deterministic": (bool, None),
        "experimental_deterministic": "deterministic",
        "experimental_slack": (bool, None),
        "experimental_external_state_policy": (ExternalStatePolicy, None),
        "experimental_optimization": (OptimizationOptions, None),
        "experimental_distribute": (DistributeOptions, None),
        "threading": (ThreadingOptions, None),
        "experimental_threading": "threading",
        "autotune": (AutotuneOptions, None),
    }

    def merge(self, options: Options) -> Options:
        """A new ``Options`` with this one's settings, overridden by those ``options``
        sets.

        Raises:
            TypeError: ``options`` is not an ``Options``.
        """
        if not isinstance(options, Options):
            raise TypeError(f"Options.merge expects tf.data.Options, got "
                            f"{type(options).__name__}.")
        out = Options()
        out._merge_from(self)
        out._merge_from(options)
        return out


__all__ = ["Options", "OptimizationOptions", "DistributeOptions", "ThreadingOptions",
           "AutotuneOptions", "AutoShardPolicy", "ExternalStatePolicy"]
