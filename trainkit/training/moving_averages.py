"""``ExponentialMovingAverage``: shadow copies of variables that track their moving average.

``apply(var_list)`` creates, for each variable ``v``, a non-trainable variable
``<v>/ExponentialMovingAverage`` (initialized to ``v``'s initial value) and returns an op
that moves every average towards its variable::

    shadow -= (shadow - value) * (1 - decay)
    decay = min(decay, (1 + num_updates) / (10 + num_updates))   # when num_updates given

Made inside a ``variable_scope``, an average's name is prefixed by that scope's name as
well (TF creates it in ``variable_scope(None, "<v op name>/<name>")``): applied in scope
``bn`` to the tensor ``bn/moments/Squeeze`` it is ``bn/bn/moments/Squeeze/
ExponentialMovingAverage``. Averages of plain tensors start at zero; with
``zero_debias=True`` they are bias-corrected (``biased / (1 - decay ** t)``), as TF does.
Evaluation code restores the averages into the model's variables with
``Saver(ema.variables_to_restore())``.

Example:
    >>> ema = ExponentialMovingAverage(decay=0.999, num_updates=global_step)
    >>> with tk.control_dependencies([train_op]):
    ...     train_op = ema.apply(tk.trainable_variables())
    >>> shadow = ema.average(w)        # the variable 'w/ExponentialMovingAverage'
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, cast_ops, control_flow_ops, math_ops, state_ops
from trainkit.ops.variable_scope import get_variable_scope
from trainkit.ops.variables import Variable


def _key(v: Any) -> Any:
    """Dictionary key of a variable or tensor (both hash by identity, as in TF1)."""
    return v


class ExponentialMovingAverage:
    """Maintains moving averages of variables (``tf.compat.v1.train.ExponentialMovingAverage``).

    Args:
        decay: the decay, typically close to 1 (0.999, 0.9999); a float or a tensor.
        num_updates: optional count of updates (usually the global step); then the decay
            used is ``min(decay, (1 + num_updates) / (10 + num_updates))``.
        zero_debias: bias-correct the averages of plain tensors (variables' averages start
            at the variable's value and are never debiased, as in TF).
        name: the name of the average variables' suffix and of the update ops' scope.
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage"):
        if isinstance(decay, int | float) and not isinstance(decay, bool) and \
                not 0.0 <= float(decay) <= 1.0:
            raise ValueError(f"ExponentialMovingAverage: decay must be in [0, 1], got "
                             f"{decay!r}.")
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = bool(zero_debias)
        self._name = name
        self._averages: dict[Any, Variable] = {}
        self._debias: dict[Any, tuple[Variable, Variable]] = {}

    @property
    def name(self) -> str:
        return self._name

    def apply(self, var_list: Any = None) -> Operation:
        """Creates the averages (once per variable) and returns the op updating them.

        Args:
            var_list: variables or float tensors; default: all trainable variables.

        Raises:
            TypeError: for an element that is not a float32/float16/float64 variable or
                tensor.
            ValueError: if a variable's average was already created by this object.
        """
        if var_list is None:
            var_list = get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
        var_list = list(var_list)
        graph = get_default_graph()
        outer = get_variable_scope().name
        for var in var_list:
            dt = var.dtype.base_dtype
            if dt not in (_dt.float16, _dt.float32, _dt.float64):
                raise TypeError(f"The variables must be half, float, or double: "
                                f"{getattr(var, 'name', var)} is {dt.name}.")
            if _key(var) in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
            name = f"{outer}/{var.op.name}/{self._name}" if outer else \
                f"{var.op.name}/{self._name}"
            with graph.name_scope(None), graph.control_dependencies(None):
                if isinstance(var, Variable):
                    # As TF: the initial value is read on the variable's device, and the
                    # average lives beside (colocated with) the variable.
                    with graph.device(var.device):
                        init = var.initialized_value()
                    graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                    with graph.colocate_with(var):
                        avg = Variable(init, trainable=False, name=name)
                else:
                    init = array_ops.zeros(var.shape.as_list(), dtype=dt)
                    avg = Variable(init, trainable=False, name=name)
                if self._zero_debias and not isinstance(var, Variable):
                    # TF opens a variable scope named after the average inside the
                    # current one: the scope's name comes in once more.
                    debias_scope = f"{outer}/{name}/" if outer else f"{name}/"
                    with graph.name_scope(debias_scope):
                        biased = Variable(array_ops.zeros(var.shape.as_list(), dtype=dt),
                                          trainable=False, name="biased")
                        step = Variable(conversion.convert_to_tensor(0.0, dtype=dt),
                                        trainable=False, name="local_step")
                    self._debias[_key(var)] = (biased, step)
            self._averages[_key(var)] = avg
        with graph.name_scope(self._name) as scope:
            decay = conversion.convert_to_tensor(self._decay, dtype=_dt.float32, name="decay") \
                if not isinstance(self._decay, Tensor) else cast_ops.cast(self._decay,
                                                                          _dt.float32)
            if self._num_updates is not None:
                n = cast_ops.cast(self._num_updates, _dt.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + n) / (10.0 + n))
            updates = [self._update(var, decay) for var in var_list]
            return control_flow_ops.group(*updates, name=scope)

    def _update(self, var: Any, decay: Tensor) -> Tensor:
        avg = self._averages[_key(var)]
        d = cast_ops.cast(decay, avg.dtype.base_dtype)
        one_minus = 1.0 - d
        value = conversion.convert_to_tensor(var)
        debias = self._debias.get(_key(var))
        if debias is None:
            return state_ops.assign_sub(avg, (avg - value) * one_minus)
        biased, step = debias
        new_biased = state_ops.assign_sub(biased, (biased - value) * one_minus)
        new_step = state_ops.assign_add(step, 1.0)
        return state_ops.assign(avg, new_biased / (1.0 - math_ops.pow(d, new_step)))

    def average(self, var: Any) -> Variable | None:
        """The average variable of ``var``, or None if ``apply`` did not cover it."""
        return self._averages.get(_key(var))

    def average_name(self, var: Any) -> str:
        """The name of ``var``'s average variable: its real name once ``apply`` made it,
        else ``<var op name>/<name>`` (what ``apply`` outside any variable scope makes)."""
        avg = self._averages.get(_key(var))
        return avg.op.name if avg is not None else f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables: Any = None) -> dict[str, Any]:
        """A ``Saver`` var_list that loads each average into its variable.

        Args:
            moving_avg_variables: the variables that have averages; default: trainable
                variables plus ``MOVING_AVERAGE_VARIABLES``.

        Returns:
            ``{average name: variable}`` for those variables, plus ``{name: variable}`` for
            every other global variable.
        """
        graph = get_default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = (graph.get_collection(GraphKeys.TRAINABLE_VARIABLES) +
                                    graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES))
        name_map: dict[str, Any] = {}
        seen: set[Any] = set()
        for v in moving_avg_variables:
            if _key(v) not in seen:
                seen.add(_key(v))
                name_map[self.average_name(v)] = v
        with_avg = {v.name for v in moving_avg_variables}
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
            if v.name not in with_avg and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map


__all__ = ["ExponentialMovingAverage"]
