"""``tf.compat.forward_compatible``: is a date inside the forward-compatibility window?

TF programs ask ``forward_compatible(y, m, d)`` to decide whether a graph may use an op
(or attribute) added on that date. The answer is True when the date is before the
*horizon*. trainkit runs every op it has whichever branch is taken; the horizon is
TF 2.21's (2026-01-16), moved by ``TF_FORWARD_COMPATIBILITY_DELTA_DAYS`` days (read at
import, as in TF), and :func:`forward_compatibility_horizon` moves it for a ``with``
block (tests).

As in TF, dates are compared packed into one int (``year << 9 | month << 5 | day``), so
out-of-range months or days are not rejected.

Example:
    >>> forward_compatible(2019, 1, 1)
    True
    >>> with forward_compatibility_horizon(2030, 1, 2):
    ...     forward_compatible(2030, 1, 1)
    True
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator

HORIZON = datetime.date(2026, 1, 16)  # TF 2.21's horizon
DELTA_DAYS_VAR = "TF_FORWARD_COMPATIBILITY_DELTA_DAYS"

_override: list[int] = []


def _pack(year: int, month: int, day: int) -> int:
    return (year << 9) | (month << 5) | day


def _horizon_from_env() -> int:
    date = HORIZON
    delta = os.getenv(DELTA_DAYS_VAR)
    if delta:
        date += datetime.timedelta(days=int(delta))
    return _pack(date.year, date.month, date.day)


# As in TF, the environment is read once, when the module is imported.
_HORIZON_NUMBER = _horizon_from_env()


def forward_compatible(year: int, month: int, day: int) -> bool:
    """True if the date ``year-month-day`` lies before the forward-compatibility horizon.

    Raises:
        TypeError: if ``year``, ``month`` or ``day`` is not an int.
    """
    horizon = _override[-1] if _override else _HORIZON_NUMBER
    return horizon > _pack(year, month, day)


@contextlib.contextmanager
def forward_compatibility_horizon(year: int, month: int, day: int) -> Iterator[None]:
    """Within the block, the horizon is ``year-month-day`` (a real date).

    Raises:
        ValueError: if the date does not exist (from ``datetime.date``).
    """
    date = datetime.date(year, month, day)
    _override.append(_pack(date.year, date.month, date.day))
    try:
        yield
    finally:
        _override.pop()


__all__ = ["HORIZON", "forward_compatible", "forward_compatibility_horizon"]
