"""The parts of ``tf.autograph`` that TF1 graph code calls: the ``do_not_convert``
decorator, ``set_loop_options``, ``set_verbosity``, ``trace`` and the ``Feature`` enum.

trainkit builds graphs from Python directly and converts nothing (no ``to_graph`` /
``to_code``), so these keep their TF meaning outside a converted function: the decorator
leaves the function's behaviour unchanged and the loop options do nothing.

Example:
    >>> @do_not_convert
    ... def f(x):
    ...     return x + 1
    >>> f(1)
    2
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Callable
from typing import Any

_UNSPECIFIED = object()
_STATE: dict[str, Any] = {"verbosity": None, "alsologtostdout": False}


class Feature(enum.Enum):
    """The optional AutoGraph conversions (``experimental_optional_features``)."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def do_not_convert(func: Callable | None = None) -> Any:
    """Marks ``func`` as not to be converted by AutoGraph: returns a wrapper that calls
    it unchanged (``functools.wraps``: same name, ``__wrapped__`` is ``func``); with no
    argument, the decorator itself."""
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def set_loop_options(parallel_iterations: Any = _UNSPECIFIED, swap_memory: Any = _UNSPECIFIED,
                     maximum_iterations: Any = _UNSPECIFIED,
                     shape_invariants: Any = _UNSPECIFIED) -> None:
    """Loop options for AutoGraph's loop conversion; outside a converted loop (always
    in trainkit) they do nothing, as in TF."""
    del parallel_iterations, swap_memory, maximum_iterations, shape_invariants


def set_verbosity(level: int, alsologtostdout: bool = False) -> None:
    """Sets the AutoGraph log level (overriding ``AUTOGRAPH_VERBOSITY``)."""
    _STATE.update(verbosity=level, alsologtostdout=alsologtostdout)


def get_verbosity() -> int:
    """The level of :func:`set_verbosity`, else ``AUTOGRAPH_VERBOSITY`` (default 0)."""
    if _STATE["verbosity"] is not None:
        return _STATE["verbosity"]
    return int(os.environ.get("AUTOGRAPH_VERBOSITY", 0))


def trace(*args: Any) -> None:
    """Prints ``args`` while the graph is built (``print(*args)``)."""
    print(*args)


__all__ = ["Feature", "do_not_convert", "set_loop_options", "set_verbosity", "get_verbosity",
           "trace"]
