"""``python -m trainkit`` runs the command line (exit codes as ``trainkit.cli.main``)."""

from __future__ import annotations

import sys

from trainkit.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
