"""Learning-rate schedules as tensors of the global step (``tf.compat.v1.train.*_decay``).

Each schedule is one small op (``LearningRateSchedule``) whose kernel evaluates the TF1
formula in float64 from the current step and the (possibly tensor) parameters, then casts
to the learning rate's dtype. Schedules carry no gradient.

Example:
    >>> gs = tk.train.get_or_create_global_step()
    >>> lr = exponential_decay(0.1, gs, decay_steps=100, decay_rate=0.5, staircase=True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


def _float_tensor(value: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    if isinstance(value, Tensor) or conversion.is_tensor_like(value):
        return conversion.convert_to_tensor(value)
    return conversion.convert_to_tensor(value, dtype=dtype, name=name)


def _schedule(kind: str, name: str, global_step: Any, learning_rate: Any, params: list,
              attrs: dict | None = None) -> Tensor:
    if global_step is None:
        raise ValueError(f"global_step is required for {kind}.")
    step = conversion.convert_to_tensor(global_step)
    if not (step.dtype.is_integer or step.dtype.is_floating):
        raise TypeError(f"{kind}: global_step must be numeric, got {step.dtype.name}.")
    # As in TF1: constants live in the schedule's scope ("ExponentialDecay/learning_rate")
    # and the result is the scope's own name, so user names like "learning_rate" stay free.
    default = "".join(part.title() for part in kind.split("_"))
    with step.graph.name_scope(name or default) as scope:
        lr = _float_tensor(learning_rate, name="learning_rate")
        if not lr.dtype.is_floating:
            raise TypeError(f"{kind}: learning_rate must be floating point, got "
                            f"{lr.dtype.name}.")
        ins = [step, lr] + [_float_tensor(p, dtype=lr.dtype) for p in params]
        op = step.graph.create_op("LearningRateSchedule", ins, [lr.dtype], name=scope,
                                  attrs={"kind": kind, **(attrs or {})},
                                  shapes=[TensorShape([])])
    return op.outputs[0]


def _positive_int_steps(kind: str, decay_steps: Any) -> None:
    if isinstance(decay_steps, int | float) and not isinstance(decay_steps, bool) \
            and decay_steps <= 0:
        raise ValueError(f"{kind}: decay_steps must be positive, got {decay_steps!r}.")


def exponential_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                      decay_rate: Any, staircase: bool = False, name: str | None = None
                      ) -> Tensor:
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` (the exponent floored
    when ``staircase``).

    Raises:
        ValueError: if ``global_step`` is None or ``decay_steps`` is not positive.
    """
    _positive_int_steps("exponential_decay", decay_steps)
    return _schedule("exponential_decay", name or "ExponentialDecay", global_step,
                     learning_rate, [decay_steps, decay_rate], {"staircase": bool(staircase)})


def inverse_time_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                       decay_rate: Any, staircase: bool = False, name: str | None = None
                       ) -> Tensor:
    """``learning_rate / (1 + decay_rate * global_step / decay_steps)`` (the ratio floored
    when ``staircase``)."""
    _positive_int_steps("inverse_time_decay", decay_steps)
    return _schedule("inverse_time_decay", name or "InverseTimeDecay", global_step,
                     learning_rate, [decay_steps, decay_rate], {"staircase": bool(staircase)})


def polynomial_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                     end_learning_rate: Any = 0.0001, power: Any = 1.0, cycle: bool = False,
                     name: str | None = None) -> Tensor:
    """``(lr - end) * (1 - step / decay_steps) ** power + end`` with the step capped at
    ``decay_steps``; with ``cycle`` the horizon grows to the next multiple of
    ``decay_steps`` instead (step 0 uses one ``decay_steps``)."""
    _positive_int_steps("polynomial_decay", decay_steps)
    return _schedule("polynomial_decay", name or "PolynomialDecay", global_step,
                     learning_rate, [decay_steps, end_learning_rate, power],
                     {"cycle": bool(cycle)})


def cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any, alpha: Any = 0.0,
                 name: str | None = None) -> Tensor:
    """``learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) /
    decay_steps)) + alpha)``."""
    _positive_int_steps("cosine_decay", decay_steps)
    return _schedule("cosine_decay", name or "CosineDecay", global_step, learning_rate,
                     [decay_steps, alpha])


def natural_exp_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                      decay_rate: Any, staircase: bool = False, name: str | None = None
                      ) -> Tensor:
    """``learning_rate * exp(-decay_rate * step / decay_steps)`` (the ratio floored when
    ``staircase``)."""
    _positive_int_steps("natural_exp_decay", decay_steps)
    return _schedule("natural_exp_decay", name or "NaturalExpDecay", global_step,
                     learning_rate, [decay_steps, decay_rate], {"staircase": bool(staircase)})


def linear_cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                        num_periods: Any = 0.5, alpha: Any = 0.0, beta: Any = 0.001,
                        name: str | None = None) -> Tensor:
    """``learning_rate * ((alpha + linear) * cosine + beta)`` with ``linear = (decay_steps
    - s) / decay_steps``, ``cosine = 0.5 (1 + cos(2 pi num_periods s / decay_steps))`` and
    ``s = min(step, decay_steps)``."""
    _positive_int_steps("linear_cosine_decay", decay_steps)
    return _schedule("linear_cosine_decay", name or "LinearCosineDecay", global_step,
                     learning_rate, [decay_steps, num_periods, alpha, beta])


def noisy_linear_cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                              initial_variance: Any = 1.0, variance_decay: Any = 0.55,
                              num_periods: Any = 0.5, alpha: Any = 0.0, beta: Any = 0.001,
                              name: str | None = None) -> Tensor:
    """:func:`linear_cosine_decay` with Gaussian noise added to its linear part, of
    variance ``initial_variance / (1 + s) ** variance_decay`` (``s = min(step,
    decay_steps)``): a new draw every time the schedule runs, as TF's.

    Raises:
        ValueError: no ``global_step``, or a non-positive ``decay_steps``.
    """
    from trainkit.ops import math_ops, random_ops

    if global_step is None:
        raise ValueError("global_step is required for noisy_linear_cosine_decay.")
    _positive_int_steps("noisy_linear_cosine_decay", decay_steps)
    step_in = conversion.convert_to_tensor(global_step)
    with step_in.graph.name_scope(name or "NoisyLinearCosineDecay") as scope:
        lr = _float_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        steps = math_ops.cast(decay_steps, dtype)
        step = math_ops.minimum(math_ops.cast(step_in, dtype), steps)
        linear = (steps - step) / steps
        variance = math_ops.cast(initial_variance, dtype) / math_ops.pow(
            1.0 + step, math_ops.cast(variance_decay, dtype))
        noisy = linear + random_ops.random_normal([], stddev=math_ops.sqrt(variance),
                                                  dtype=dtype)
        fraction = 2.0 * math_ops.cast(num_periods, dtype) * step / steps
        cosine = 0.5 * (1.0 + math_ops.cos(np.pi * fraction))
        decayed = (math_ops.cast(alpha, dtype) + noisy) * cosine + \
            math_ops.cast(beta, dtype)
        return math_ops.multiply(lr, decayed, name=scope)


def cosine_decay_restarts(learning_rate: Any, global_step: Any, first_decay_steps: Any,
                          t_mul: Any = 2.0, m_mul: Any = 1.0, alpha: Any = 0.0,
                          name: str | None = None) -> Tensor:
    """Cosine decay with warm restarts (SGDR): period ``i`` lasts ``first_decay_steps *
    t_mul**i`` steps and starts at ``learning_rate * m_mul**i``."""
    _positive_int_steps("cosine_decay_restarts", first_decay_steps)
    return _schedule("cosine_decay_restarts", name or "SGDRDecay", global_step,
                     learning_rate, [first_decay_steps, t_mul, m_mul, alpha])


def _restart(fraction: float, t_mul: float) -> tuple[float, float]:
    if t_mul == 1.0:
        i = math.floor(fraction)
        return i, fraction - i
    i = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
    done = (1.0 - t_mul ** i) / (1.0 - t_mul)
    return i, (fraction - done) / t_mul ** i


def piecewise_constant(x: Any, boundaries: list, values: list, name: str | None = None
                       ) -> Tensor:
    """``values[0]`` while ``x <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] <
    x <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    Raises:
        ValueError: if ``len(values) != len(boundaries) + 1`` or boundaries decrease.
        TypeError: if the values do not share one dtype.
    """
    boundaries, values = list(boundaries), list(values)
    if len(values) != len(boundaries) + 1:
        raise ValueError(f"The length of boundaries should be 1 less than the length of "
                         f"values: got {len(boundaries)} boundaries and {len(values)} values.")
    nums = [b for b in boundaries if isinstance(b, int | float)]
    if any(b1 > b2 for b1, b2 in zip(nums, nums[1:])) and len(nums) == len(boundaries):
        raise ValueError(f"piecewise_constant: boundaries must be increasing: {boundaries}")
    vals = [conversion.convert_to_tensor(v) for v in values]
    if any(v.dtype is not vals[0].dtype for v in vals):
        raise TypeError(f"piecewise_constant: values must have the same dtype, got "
                        f"{[v.dtype.name for v in vals]}.")
    if x is None:
        raise ValueError("global_step is required for piecewise_constant.")
    step = conversion.convert_to_tensor(x)
    bounds = [_float_tensor(b, dtype=step.dtype) for b in boundaries]
    op = step.graph.create_op(
        "LearningRateSchedule", [step, vals[0]] + vals[1:] + bounds, [vals[0].dtype],
        name=name or "PiecewiseConstant",
        attrs={"kind": "piecewise_constant", "n_values": len(vals)},
        shapes=[TensorShape([])])
    return op.outputs[0]


def _eval(kind: str, attrs: dict, step: float, lr: float, p: list[float]) -> float:
    if kind in ("exponential_decay", "inverse_time_decay"):
        ratio = step / p[0]
        if attrs["staircase"]:
            ratio = math.floor(ratio)
        if kind == "exponential_decay":
            return lr * p[1] ** ratio
        return lr / (1.0 + p[1] * ratio)
    if kind == "polynomial_decay":
        steps, end, power = p
        if attrs["cycle"]:
            steps = steps * (1.0 if step == 0 else math.ceil(step / steps))
        else:
            step = min(step, steps)
        return (lr - end) * (1.0 - step / steps) ** power + end
    if kind == "cosine_decay":
        steps, alpha = p
        step = min(step, steps)
        cos = 0.5 * (1.0 + math.cos(math.pi * step / steps))
        return lr * ((1.0 - alpha) * cos + alpha)
    if kind == "natural_exp_decay":
        ratio = step / p[0]
        return lr * math.exp(-p[1] * (math.floor(ratio) if attrs["staircase"] else ratio))
    if kind == "linear_cosine_decay":
        steps, periods, alpha, beta = p
        step = min(step, steps)
        cos = 0.5 * (1.0 + math.cos(math.pi * 2.0 * periods * step / steps))
        return lr * ((alpha + (steps - step) / steps) * cos + beta)
    if kind == "cosine_decay_restarts":
        steps, t_mul, m_mul, alpha = p
        i, fraction = _restart(step / steps, t_mul)
        cos = 0.5 * m_mul ** i * (1.0 + math.cos(math.pi * fraction))
        return lr * ((1.0 - alpha) * cos + alpha)
    raise ValueError(f"Unknown schedule kind {kind!r}.")


@registry.register_kernel("LearningRateSchedule")
def _schedule_kernel(ctx: registry.KernelContext, step: Any, lr: Any, *params: Any) -> Any:
    out_dtype = ctx.op.outputs[0].dtype.np_dtype
    kind = ctx.attrs["kind"]
    if kind == "piecewise_constant":
        n = ctx.attrs["n_values"]
        values, bounds = (lr,) + params[: n - 1], params[n - 1:]
        idx = sum(1 for b in bounds if step > b)
        return np.asarray(values[idx], dtype=out_dtype)
    value = _eval(kind, ctx.attrs, float(step), float(lr), [float(v) for v in params])
    return np.asarray(value, dtype=out_dtype)


registry.not_differentiable("LearningRateSchedule")

piecewise_constant_decay = piecewise_constant

__all__ = ["exponential_decay", "inverse_time_decay", "polynomial_decay", "cosine_decay",
           "piecewise_constant", "piecewise_constant_decay", "natural_exp_decay",
           "linear_cosine_decay", "noisy_linear_cosine_decay", "cosine_decay_restarts"]
