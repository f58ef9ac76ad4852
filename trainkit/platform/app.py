"""``tf.app.run``: parse the command-line flags, then call ``main`` and exit with its
result, as TF1's ``tf.app.run`` does (through absl).

Example:
    >>> def main(argv):
    ...     print(FLAGS.steps)
    >>> run(main)  # doctest: +SKIP
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from trainkit.platform import flags as _flags


def run(main: Callable[[list[str]], Any] | None = None,
        argv: Sequence[str] | None = None) -> NoReturn:
    """Parses flags from ``argv`` (default ``sys.argv``), calls ``main(remaining_argv)``
    and exits with its return value (``sys.exit``).

    Like TF1, flags nobody defined are tolerated and passed on to ``main`` in its argv.
    ``--help`` / ``-h`` prints the flags and exits with 0; a flag value that does not parse
    prints ``FATAL Flags parsing error: ...`` and exits with 1 (as absl does).
    ``main=None`` calls ``__main__.main``.

    Raises:
        SystemExit: always (the program ends here).
    """
    args = list(sys.argv if argv is None else argv)
    if any(a in ("--help", "-h", "--helpfull", "-help") for a in args[1:]):
        print(f"{args[0] if args else 'program'}:\n{_flags.FLAGS.help_text()}")
        sys.exit(0)
    try:
        remaining = _flags.FLAGS(args, known_only=True)
    except _flags.Error as e:
        print(f"FATAL Flags parsing error: {e}", file=sys.stderr)
        print("Pass --help to see the flags this program accepts.", file=sys.stderr)
        sys.exit(1)
    if main is None:
        main = sys.modules["__main__"].main
    sys.exit(main(remaining))


__all__ = ["run"]
