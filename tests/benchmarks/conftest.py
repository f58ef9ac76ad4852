"""Make the repository's ``benchmarks`` package importable however pytest is started.

``benchmarks/`` is not part of the installed distribution; ``python -m pytest`` from the
repository root finds it through the current directory, plain ``pytest`` may not.
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)
