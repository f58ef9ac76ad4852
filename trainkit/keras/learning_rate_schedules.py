"""``tk.keras.optimizers.schedules``: learning rates as functions of the optimizer's step
(tf_keras 2.21's ``LearningRateSchedule`` classes, usable in TF 1.14+ Keras code as an
optimizer's ``learning_rate``).

Each schedule is called with the step (the optimizer's ``iterations`` cast to the
variables' dtype) and builds tf_keras's formula from graph ops, in the dtype of its
initial learning rate:

- ``ExponentialDecay``: ``lr0 * rate ** (step / decay_steps)`` (``floor`` of the exponent
  with ``staircase``);
- ``InverseTimeDecay``: ``lr0 / (1 + rate * step / decay_steps)`` (same ``staircase``);
- ``PolynomialDecay``: ``(lr0 - end) * (1 - step / decay_steps) ** power + end``, the step
  clipped at ``decay_steps``, or with ``cycle`` ``decay_steps`` stretched to the next
  multiple past the step;
- ``PiecewiseConstantDecay``: ``values[i]`` on ``(boundaries[i - 1], boundaries[i]]``;
- ``CosineDecay``: ``lr0 * ((1 - alpha) * 0.5 (1 + cos(pi step / decay_steps)) + alpha)``
  with the step clipped at ``decay_steps``, or, with ``warmup_target``, a linear ramp from
  ``lr0`` to it over ``warmup_steps`` and the cosine decay of the target after;
- ``CosineDecayRestarts`` (SGDR): cosine periods of ``first_decay_steps * t_mul ** i``
  steps, each started at ``lr0 * m_mul ** i``.

Example:
    >>> schedule = tk.keras.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96)
    >>> model.compile(optimizer=tk.keras.optimizers.SGD(learning_rate=schedule), loss="mse")
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.default_graph import get_default_graph
from trainkit.framework.tensor import Tensor


def _ops() -> Any:
    from trainkit.ops import control_flow_ops, math_ops
    from trainkit.ops.cast_ops import cast

    return control_flow_ops, math_ops, cast


class LearningRateSchedule:
    """The base class: ``schedule(step)`` is the learning rate at ``step``."""

    def __call__(self, step: Any) -> Tensor:
        raise NotImplementedError("LearningRateSchedule subclasses implement __call__.")

    def get_config(self) -> dict:
        """The constructor arguments."""
        raise NotImplementedError("LearningRateSchedule subclasses implement get_config.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        """A schedule from :meth:`get_config`'s dict."""
        return cls(**config)


def _initial(value: Any) -> Tensor:
    return conversion.convert_to_tensor(value, name="initial_learning_rate")


class _RateDecay(LearningRateSchedule):
    """The arguments of the two ``decay_rate`` schedules and their exponent
    ``step / decay_steps`` (``floor`` of it with ``staircase``)."""

    def __init__(self, initial_learning_rate: Any, decay_steps: Any, decay_rate: Any,
                 staircase: bool = False, name: str | None = None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def _exponent(self, step: Any, dtype: Any) -> Tensor:
        _, m, cast = _ops()
        p = cast(step, dtype) / cast(self.decay_steps, dtype)
        return m.floor(p) if self.staircase else p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

    def __call__(self, step: Any) -> Tensor:
        _, m, cast = _ops()
        with get_default_graph().name_scope(self.name or "ExponentialDecay") as name:
            lr0 = _initial(self.initial_learning_rate)
            p = self._exponent(step, lr0.dtype)
            return m.multiply(lr0, m.pow(cast(self.decay_rate, lr0.dtype), p), name=name)


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __call__(self, step: Any) -> Tensor:
        _, m, cast = _ops()
        with get_default_graph().name_scope(self.name or "InverseTimeDecay") as name:
            lr0 = _initial(self.initial_learning_rate)
            p = self._exponent(step, lr0.dtype)
            denom = m.add(cast(1, lr0.dtype), m.multiply(cast(self.decay_rate, lr0.dtype), p))
            return m.divide(lr0, denom, name=name)


class PolynomialDecay(LearningRateSchedule):
    """``(lr0 - end) * (1 - step / decay_steps) ** power + end`` (see the module doc)."""

    def __init__(self, initial_learning_rate: Any, decay_steps: Any,
                 end_learning_rate: Any = 0.0001, power: Any = 1.0, cycle: bool = False,
                 name: str | None = None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power = end_learning_rate, power
        self.cycle, self.name = cycle, name

    def __call__(self, step: Any) -> Tensor:
        _, m, cast = _ops()
        from trainkit.ops.comparison_ops import where

        with get_default_graph().name_scope(self.name or "PolynomialDecay") as name:
            lr0 = _initial(self.initial_learning_rate)
            dt = lr0.dtype
            end, power = cast(self.end_learning_rate, dt), cast(self.power, dt)
            s = cast(step, dt)
            steps = cast(self.decay_steps, dt)
            if self.cycle:
                times = where(m.equal(s, 0), cast(1.0, dt),
                              m.ceil(s / cast(self.decay_steps, dt)))
                steps = m.multiply(steps, times)
            else:
                s = m.minimum(s, steps)
            p = m.divide(s, steps)
            return m.add(m.multiply(lr0 - end, m.pow(1 - p, power)), end, name=name)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to ``boundaries[0]`` (inclusive), ``values[i]`` on
    ``(boundaries[i - 1], boundaries[i]]``, ``values[-1]`` after.

    Raises:
        ValueError: unless there is one more value than boundaries.
    """

    def __init__(self, boundaries: list, values: list, name: str | None = None):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step: Any) -> Tensor:
        cf, _, cast = _ops()
        with get_default_graph().name_scope(self.name or "PiecewiseConstant"):
            x = conversion.convert_to_tensor(step)
            bounds = [cast(conversion.convert_to_tensor(b), x.dtype.base_dtype)
                      for b in self.boundaries]
            values = [conversion.convert_to_tensor(v) for v in self.values]
            pairs = [(x <= bounds[0], lambda: values[0]), (x > bounds[-1], lambda: values[-1])]
            for low, high, v in zip(bounds[:-1], bounds[1:], values[1:-1]):
                pairs.append(((x > low) & (x <= high), lambda v=v: v))
            return cf.case(pairs, lambda: values[0], exclusive=True)

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha`` times it over
    ``decay_steps``, optionally after a linear warmup to ``warmup_target``."""

    def __init__(self, initial_learning_rate: Any, decay_steps: Any, alpha: float = 0.0,
                 name: str | None = None, warmup_target: Any = None, warmup_steps: Any = 0):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.alpha, self.name = alpha, name
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, step: Tensor, steps: Tensor, start: Tensor, dtype: Any) -> Tensor:
        _, m, _ = _ops()
        with get_default_graph().name_scope(self.name or "CosineDecay"):
            fraction = step / steps
            cosine = 0.5 * (1.0 + m.cos(conversion.convert_to_tensor(math.pi, dtype=dtype)
                                        * fraction))
            return m.multiply(start, (1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> Tensor:
        cf, m, cast = _ops()
        with get_default_graph().name_scope(self.name or "CosineDecay"):
            lr0 = _initial(self.initial_learning_rate)
            dt = lr0.dtype
            steps = cast(self.decay_steps, dt)
            s = cast(step, dt)
            if self.warmup_target is None:
                return self._decay(m.minimum(s, steps), steps, lr0, dt)
            target = cast(self.warmup_target, dt)
            warm = cast(self.warmup_steps, dt)
            s = m.minimum(s, steps + warm)
            return cf.cond(s < warm,
                           lambda: (target - lr0) * (s / warm) + lr0,
                           lambda: self._decay(s - warm, steps, target, dt))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine periods of ``first_decay_steps * t_mul ** i`` steps, the ``i``-th
    from ``initial_learning_rate * m_mul ** i``, each down to ``alpha`` times its
    start."""

    def __init__(self, initial_learning_rate: Any, first_decay_steps: Any,
                 t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                 name: str | None = None):
        self.initial_learning_rate, self.first_decay_steps = (initial_learning_rate,
                                                              first_decay_steps)
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step: Any) -> Tensor:
        cf, m, cast = _ops()
        with get_default_graph().name_scope(self.name or "SGDRDecay") as name:
            lr0 = _initial(self.initial_learning_rate)
            dt = lr0.dtype
            first = cast(self.first_decay_steps, dt)
            alpha, t_mul, m_mul = cast(self.alpha, dt), cast(self._t_mul, dt), \
                cast(self._m_mul, dt)
            fraction = cast(step, dt) / first

            def restart(done: Tensor, geometric: bool) -> tuple:
                if geometric:
                    i = m.floor(m.log(1.0 - done * (1.0 - t_mul)) / m.log(t_mul))
                    total = (1.0 - t_mul ** i) / (1.0 - t_mul)
                    return i, (done - total) / t_mul ** i
                i = m.floor(done)
                return i, done - i

            i, done = cf.cond(m.equal(t_mul, 1.0), lambda: restart(fraction, False),
                              lambda: restart(fraction, True))
            cosine = 0.5 * m_mul ** i * (1.0 + m.cos(
                conversion.convert_to_tensor(math.pi, dtype=dt) * done))
            return m.multiply(lr0, (1 - alpha) * cosine + alpha, name=name)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = {c.__name__: c for c in (ExponentialDecay, InverseTimeDecay, PolynomialDecay,
                                    PiecewiseConstantDecay, CosineDecay,
                                    CosineDecayRestarts)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` of a schedule."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict) -> LearningRateSchedule:
    """The schedule :func:`serialize` described.

    Raises:
        ValueError: for an unknown class name.
    """
    cls = _CLASSES.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule: {config.get('class_name')!r}; "
                         f"known: {sorted(_CLASSES)}")
    return cls.from_config(config["config"])


__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay",
           "PolynomialDecay", "PiecewiseConstantDecay", "CosineDecay", "CosineDecayRestarts",
           "serialize", "deserialize"]
