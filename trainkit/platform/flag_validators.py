"""absl's flag validators under ``tf.flags`` / ``tf.app.flags``: ``register_validator``,
the ``@validator`` decorator and ``mark_flag_as_required``.

Validators run, in registration order, after each parse of the command line and on each
assignment ``FLAGS.name = value`` (a rejected assignment keeps the old value); a failure
is an ``IllegalFlagValueError`` reading ``flag --name=value: message``, which
``tf.app.run`` reports as ``FATAL Flags parsing error`` and exits with 1.

Example:
    >>> DEFINE_string("data_dir", None, "Input directory.")
    >>> mark_flag_as_required("data_dir")
    >>> FLAGS(["prog"])
    Traceback (most recent call last):
    IllegalFlagValueError: flag --data_dir=None: Flag --data_dir must have a value other than None.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from trainkit.platform.flags import FLAGS, FlagValues

_ORDER = itertools.count()


def register_validator(flag_name: str, checker: Callable[[Any], Any],
                       message: str = "Flag validation failed",
                       flag_values: FlagValues | None = None) -> None:
    """Adds ``checker(value)`` to flag ``flag_name``: a false result (or a raised
    ``flags.ValidationError``, whose text replaces ``message``) rejects the value.

    Raises:
        KeyError: no flag ``flag_name`` is defined (as absl).
    """
    flag = (flag_values or FLAGS)[flag_name]
    flag.validators.append((next(_ORDER), flag_name, checker, message))


def validator(flag_name: str, message: str = "Flag validation failed",
              flag_values: FlagValues | None = None) -> Callable[[Callable], Callable]:
    """Decorator form of :func:`register_validator`; returns the function unchanged."""
    def decorate(checker: Callable[[Any], Any]) -> Callable[[Any], Any]:
        register_validator(flag_name, checker, message=message, flag_values=flag_values)
        return checker
    return decorate


def mark_flag_as_required(flag_name: str, flag_values: FlagValues | None = None) -> None:
    """Requires ``flag_name`` to be other than None once flags are parsed.

    A flag with a non-None default always passes, so absl's ``UserWarning`` says so.

    Raises:
        KeyError: no flag ``flag_name`` is defined.
    """
    flag = (flag_values or FLAGS)[flag_name]
    if flag.default is not None:
        warnings.warn(f"Flag --{flag_name} has a non-None default value; therefore, "
                      f"mark_flag_as_required will pass even if flag is not specified in the "
                      f"command line!", stacklevel=2)
    register_validator(flag_name, lambda value: value is not None,
                       message=f"Flag --{flag_name} must have a value other than None.",
                       flag_values=flag_values)


def mark_flags_as_required(flag_names: Iterable[str],
                           flag_values: FlagValues | None = None) -> None:
    """:func:`mark_flag_as_required` for each name."""
    for name in flag_names:
        mark_flag_as_required(name, flag_values)


__all__ = ["register_validator", "validator", "mark_flag_as_required",
           "mark_flags_as_required"]
