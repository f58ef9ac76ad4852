"""``MovingAverageOptimizer`` (TF 1.15 ``tf.contrib.opt``): wraps an optimizer and keeps
an exponential moving average of every variable it updates; ``swapping_saver()`` writes
each average under its variable's name (and the variable under the average's), so that
code restoring the checkpoint gets the averaged weights.

Example:
    >>> opt = MovingAverageOptimizer(tk.train.MomentumOptimizer(0.1, 0.9),
    ...                              average_decay=0.999)
    >>> train_op = opt.minimize(loss)
    >>> saver = opt.swapping_saver()         # after minimize
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Operation
from trainkit.ops import control_flow_ops
from trainkit.training.moving_averages import ExponentialMovingAverage
from trainkit.training.optimizer import Optimizer
from trainkit.training.saver import Saver


class MovingAverageOptimizer(Optimizer):
    """Applies ``opt``'s update, then (``sequential_update``) updates the averages
    ``avg -= (1 - decay) * (avg - var)`` of the updated variables (``var/
    ExponentialMovingAverage``); the returned op is named ``train_with_avg``."""

    def __init__(self, opt: Optimizer, average_decay: Any = 0.9999, num_updates: Any = None,
                 sequential_update: bool = True):
        """Args:
            opt: the optimizer computing and applying the gradients.
            average_decay: the decay of the averages, in [0, 1].
            num_updates: optional update count (e.g. the global step); the decay is then
                ``min(average_decay, (1 + num_updates) / (10 + num_updates))``.
            sequential_update: update the averages after ``opt``'s update (True) or
                alongside it.

        Raises:
            TypeError: if ``opt`` is not an ``Optimizer``.
            ValueError: if ``average_decay`` is a number outside [0, 1].
        """
        if not isinstance(opt, Optimizer):
            raise TypeError(f"MovingAverageOptimizer: opt must be a tf.train.Optimizer, "
                            f"got {opt!r}.")
        super().__init__(False, "MovingAverageOptimizer")
        self._optimizer = opt
        self._ema = ExponentialMovingAverage(average_decay, num_updates=num_updates)
        self._swapped_variable_name_map: dict[str, str] | None = None
        self._sequential_update = bool(sequential_update)

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's ``compute_gradients``."""
        return self._optimizer.compute_gradients(*args, **kwargs)

    def get_slot(self, var: Any, name: str) -> Any:
        """The wrapped optimizer's slot."""
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self) -> list[str]:
        """The wrapped optimizer's slot names."""
        return self._optimizer.get_slot_names()

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Operation:
        """The wrapped optimizer's update grouped with the moving-average update."""
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                                   name=name)
        var_list = [v for g, v in grads_and_vars if g is not None]
        graph = get_default_graph()
        if self._sequential_update:
            with graph.control_dependencies([train_op]):
                ma_op = self._ema.apply(var_list)
        else:
            ma_op = self._ema.apply(var_list)
        self._swapped_variable_name_map = {}
        for v in var_list:
            avg = self._ema.average(v)
            self._swapped_variable_name_map[v.op.name] = avg.op.name
            self._swapped_variable_name_map[avg.op.name] = v.op.name
        return control_flow_ops.group(train_op, ma_op, name="train_with_avg")

    def swapping_saver(self, var_list: Any = None, name: str = "swapping_saver",
                       **kwargs: Any) -> Saver:
        """A ``Saver`` storing each average under its variable's name and vice versa.

        Args:
            var_list: variables (or a dict name -> variable) to save; default: all
                global variables.
            name: the saver's name.
            **kwargs: further ``Saver`` arguments.

        Raises:
            RuntimeError: if ``minimize`` / ``apply_gradients`` was not called first.
        """
        if self._swapped_variable_name_map is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating the "
                               "swapping_saver")
        graph = get_default_graph()
        if var_list is None:
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
        if not isinstance(var_list, dict):
            var_list = {v.op.name: v for v in var_list}
        by_name = {v.op.name: v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)}
        swapped = {}
        for key, v in var_list.items():
            other = self._swapped_variable_name_map.get(v.op.name) if hasattr(v, "op") \
                else None
            swapped[key] = by_name.get(other, v)
        return Saver(swapped, name=name, **kwargs)


__all__ = ["MovingAverageOptimizer"]
