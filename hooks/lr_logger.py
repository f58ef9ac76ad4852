"""LearningRateLoggerHook: logs the learning rate every N steps (handy with schedules) and
keeps the ``(step, learning rate)`` pairs it saw in ``history``.

Config:
    [[hooks]]
    type = "lr_logger:LearningRateLoggerHook"
    args = { every_n_steps = 500 }      # the CLI names its learning rate "learning_rate:0"
"""

from __future__ import annotations

import logging

import trainkit as tk

_LOG = logging.getLogger("trainkit.hooks.lr_logger")


class LearningRateLoggerHook(tk.train.SessionRunHook):
    """Fetches the learning rate every N runs (from the first) and logs it with the step.

    Args:
        every_n_steps: how often (in runs) to log.
        tensor: the learning-rate tensor, or its name. A config's ``"name:0"`` string
            arrives here already turned into the tensor by the CLI.

    Attributes:
        history: ``(global step, learning rate)`` pairs, one per logged run, stamped like
            the summary saver's ``train/learning_rate``: the global step after the run and
            the learning rate that run applied (computed from the step before it).

    Raises:
        ValueError: for ``every_n_steps`` <= 0.
    """

    def __init__(self, every_n_steps: int = 100, tensor: tk.Tensor | str = "learning_rate:0"):
        if every_n_steps <= 0:
            raise ValueError(f"every_n_steps must be > 0, got {every_n_steps}.")
        self._every = every_n_steps
        self._tensor = tensor
        self.history: list[tuple[int, float]] = []

    def begin(self) -> None:
        lr = self._tensor
        if isinstance(lr, str):
            try:
                lr = tk.get_default_graph().get_tensor_by_name(lr)
            except (KeyError, ValueError):
                raise ValueError(f"LearningRateLoggerHook: no tensor {lr!r} in the graph.") \
                    from None
        self._lr = lr
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
