"""GradNormHook: every N steps, the global gradient norm and one norm per variable,
written as TensorBoard scalars (``grad_norm/global``, ``grad_norm/<variable>``) and
logged. Useful to spot exploding or vanishing gradients.

Config:
    [[hooks]]
    type = "grad_norm:GradNormHook"
    args = { every_n_steps = 100 }      # loss and output_dir are filled in by the CLI
"""

from __future__ import annotations

import logging

import trainkit as tk

_LOG = logging.getLogger("trainkit.hooks.grad_norm")


class GradNormHook(tk.train.SessionRunHook):
    """Measures gradient norms of ``loss`` w.r.t. the trainable variables.

    Args:
        loss: the scalar loss tensor.
        every_n_steps: how often (in runs) to compute and write the norms.
        output_dir: where the event file is (the run directory).
        per_variable: also write one norm per variable.

    Attributes:
        history: ``(global step, global norm)`` of every measurement of the last session;
            like the summary saver, a run's values are stamped with the global step after
            the run (the norm is of the gradient that step applied).

    Raises:
        ValueError: for ``every_n_steps`` <= 0.
    """

    def __init__(self, loss: tk.Tensor, every_n_steps: int = 100, output_dir: str = "",
                 per_variable: bool = True):
        if every_n_steps <= 0:
            raise ValueError(f"every_n_steps must be > 0, got {every_n_steps}.")
        self._loss = loss
        self._every = every_n_steps
        self._output_dir = output_dir
        self._per_variable = per_variable

    def begin(self) -> None:
        # The gradient ops are built once here, while the graph can still grow; they only
        # run on the steps that fetch them.
        variables = tk.trainable_variables()
        grads = tk.gradients(self._loss, variables)
        pairs = [(v, g) for v, g in zip(variables, grads) if g is not None]
        squares = [tk.reduce_sum(tk.square(g)) for _, g in pairs]
        self._fetches = {
            "global": tk.sqrt(tk.add_n(squares)),
            "per_variable": {v.op.name: tk.sqrt(s) for (v, _), s in zip(pairs, squares)},
            "step": tk.train.get_global_step(),
        }
        self._writer = (tk.summary.FileWriterCache.get(self._output_dir)
                        if self._output_dir else None)
        self._runs = 0
        self.history: list[tuple[int, float]] = []

    def before_run(self, run_context: tk.train.SessionRunContext) -> tk.train.SessionRunArgs:
        self._runs += 1
        if self._runs % self._every:
            return None
        return tk.train.SessionRunArgs(self._fetches)

    def after_run(self, run_context: tk.train.SessionRunContext,
                  run_values: tk.train.SessionRunValues) -> None:
        res = run_values.results
        if not res:
            return
        step = int(res["step"])
        self.history.append((step, float(res["global"])))
        _LOG.info("step %d: gradient norm %.4g", step, res["global"])
        if self._writer is None:
            return
        values = [tk.Summary.Value(tag="grad_norm/global", simple_value=float(res["global"]))]
        if self._per_variable:
            values += [tk.Summary.Value(tag=f"grad_norm/{name}", simple_value=float(v))
                       for name, v in sorted(res["per_variable"].items())]
        self._writer.add_summary(tk.Summary(value=values), step)

    def end(self, session: tk.Session) -> None:
        if self._writer is not None:
            self._writer.flush()  # the shared writer stays open for the other hooks
