"""Child process entry: run one (benchmark, implementation) and print its result.

``python -m benchmarks.child MODULE:FUNCTION CONFIG_JSON [PROFILE_PATH]`` prints one
line ``BENCH_RESULT {json}`` with either the numbers or ``{"error": "..."}``. Only the
standard library is imported before the implementation itself (see bench_import).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import Any

MARKER = "BENCH_RESULT "


def _where(exc: BaseException) -> str:
    """`` (at bench_x.py:12 -> trainkit/y.py:34)``: the benchmark line and the raiser."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)

    def short(frame: traceback.FrameSummary) -> str:
        path = frame.filename
        if path.startswith(root + os.sep):
            path = os.path.relpath(path, root)
        return f"{path}:{frame.lineno}"

    ours = [f for f in frames if f.filename.startswith(here) and "child.py" not in f.filename]
    parts = [short(ours[-1])] if ours else []
    if not ours or ours[-1] is not frames[-1]:
        parts.append(short(frames[-1]))
    return " (at " + " -> ".join(parts) + ")"


def run(spec: str, cfg: dict[str, Any], profile: str | None = None) -> dict[str, Any]:
    """Import and call the implementation ``spec`` (``"module:function"``)."""
    import importlib

    module_name, func_name = spec.split(":")
    t0 = time.perf_counter()
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        if profile:
            import cProfile

            prof = cProfile.Profile()
            values = prof.runcall(func, cfg)
            prof.dump_stats(profile)
        else:
            values = func(cfg)
    except Exception as exc:  # any failure means "unavailable", reported verbatim
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return {"error": f"{type(exc).__name__}: {message}{_where(exc)}"}
    values.setdefault("info", {})["wall_s"] = time.perf_counter() - t0
    return values


def main(argv: list[str]) -> int:
    """Entry point; see the module docstring for the arguments."""
    spec, cfg_json = argv[0], argv[1]
    profile = argv[2] if len(argv) > 2 else None
    result = run(spec, json.loads(cfg_json), profile)
    sys.stdout.flush()
    print(MARKER + json.dumps(result), flush=True)
    return 1 if "error" in result else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
