"""LearningRateLoggerHook: logs the learning rate every N steps (handy with schedules).

Config:
    [[hooks]]
    type = "lr_logger:LearningRateLoggerHook"
    args = { every_n_steps = 500 }
"""

from __future__ import annotations

import logging

import trainkit as tk

_LOG = logging.getLogger("trainkit.hooks.lr_logger")


class LearningRateLoggerHook(tk.train.SessionRunHook):
    """Fetches the tensor named ``tensor_name`` every N runs and logs it with the step.

    Args:
        every_n_steps: how often (in runs) to log.
        tensor_name: the learning-rate tensor (the CLI names it ``learning_rate:0``).
    """

    def __init__(self, every_n_steps: int = 100, tensor_name: str = "learning_rate:0"):
        if every_n_steps <= 0:
            raise ValueError(f"every_n_steps must be > 0, got {every_n_steps}.")
        self._every = every_n_steps
        self._name = tensor_name
        self.history: list[tuple[int, float]] = []

    def begin(self) -> None:
        graph = tk.get_default_graph()
        self._lr = graph.get_tensor_by_name(self._name)
        self._step = tk.train.get_global_step()
        self._runs = 0

    def before_run(self, run_context: tk.train.SessionRunContext) -> tk.train.SessionRunArgs:
        self._runs += 1
        if (self._runs - 1) % self._every:
            return None
        return tk.train.SessionRunArgs({"lr": self._lr, "step": self._step})

    def after_run(self, run_context: tk.train.SessionRunContext,
                  run_values: tk.train.SessionRunValues) -> None:
        if run_values.results:
            step, lr = int(run_values.results["step"]), float(run_values.results["lr"])
            self.history.append((step, lr))
            _LOG.info("step %d: learning rate %.6g", step, lr)
