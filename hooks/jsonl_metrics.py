"""JsonlMetricsHook: appends one JSON object per N steps to ``<output_dir>/metrics.jsonl``
(step, wall time, and chosen tensors) — easy to load with pandas or jq. Resumed runs
append to the same file.

Config:
    [[hooks]]
    type = "jsonl_metrics:JsonlMetricsHook"
    args = { every_n_steps = 100, tensors = { loss = "loss:0" } }
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import numpy as np

import trainkit as tk


class JsonlMetricsHook(tk.train.SessionRunHook):
    """Writes metrics as JSON lines.

    Args:
        output_dir: the folder of the file (the run directory).
        every_n_steps: how often (in runs) to write a line.
        tensors: dict name -> tensor or tensor name (default: ``loss:0`` and, when the graph
            has them, ``accuracy:0``, ``mae:0`` and ``learning_rate:0`` — the names the CLI
            gives its tensors).

    Raises:
        ValueError: for ``every_n_steps`` <= 0; in ``begin()``, for a tensor name the
            graph does not have.
        filename: the file name inside ``output_dir``.
    """

    def __init__(self, output_dir: str, every_n_steps: int = 100,
                 tensors: dict[str, Any] | None = None, filename: str = "metrics.jsonl"):
        if every_n_steps <= 0:
            raise ValueError(f"every_n_steps must be > 0, got {every_n_steps}.")
        self._path = os.path.join(output_dir, filename)
        self._every = every_n_steps
        self._tensors = tensors
        self._file: Any = None

    def begin(self) -> None:
        graph = tk.get_default_graph()
        wanted = self._tensors or {"loss": "loss:0", "accuracy": "accuracy:0", "mae": "mae:0",
                                   "learning_rate": "learning_rate:0"}
        fetches = {}
        for name, t in wanted.items():
            if isinstance(t, str):
                try:
                    t = graph.get_tensor_by_name(t)
                except (KeyError, ValueError):
                    if self._tensors is not None:
                        raise ValueError(
                            f"JsonlMetricsHook: no tensor {t!r} for {name!r}.") from None
                    continue
            fetches[name] = t
        fetches["step"] = tk.train.get_global_step()
        self._fetches = fetches
        self._runs = 0

    def after_create_session(self, session: tk.Session, coord: Any) -> None:
        os.makedirs(os.path.dirname(self._path) or ".", exist_ok=True)
        self._file = open(self._path, "a", encoding="utf-8")  # noqa: SIM115 - closed in end()

    def before_run(self, run_context: tk.train.SessionRunContext) -> tk.train.SessionRunArgs:
        self._runs += 1
        if self._runs % self._every:
            return None
        return tk.train.SessionRunArgs(self._fetches)

    def after_run(self, run_context: tk.train.SessionRunContext,
                  run_values: tk.train.SessionRunValues) -> None:
        res = run_values.results
        if not res or self._file is None:
            return
        row = {"step": int(res["step"]), "time": round(time.time(), 3)}
        row.update({k: np.asarray(v).item() for k, v in res.items() if k != "step"})
        self._file.write(json.dumps(row) + "\n")
        self._file.flush()

    def end(self, session: tk.Session) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
