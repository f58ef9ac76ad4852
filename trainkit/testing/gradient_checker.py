"""``tf.test.compute_gradient`` / ``compute_gradient_error``: a graph's backprop Jacobian
next to a central-difference one, run in the default session (TF1's gradient checker).

Both Jacobians have one row per element of ``x`` and one column per element of ``y``:
the theoretical one feeds a one-hot upstream gradient per column through
``tk.gradients``; the numeric one feeds ``x ± delta`` per row. ``x`` must be feedable
(a placeholder, or any tensor ``Session.run`` may be fed).

Differs from TF: only real floating-point ``x`` and ``y`` (no complex Jacobians), and an
unsupported dtype is a ``TypeError`` (TF asserts).

Example:
    >>> x = placeholder(float64, [2])                       # doctest: +SKIP
    >>> with Session():
    ...     compute_gradient_error(x, [2], x * x, [2], x_init_value=np.ones(2))
    0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.autodiff.gradients import gradients
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.default_session import get_default_session
from trainkit.ops.array_ops import identity

_FLOATS = (_dt.float16, _dt.float32, _dt.float64)


def _session() -> Any:
    sess = get_default_session()
    if sess is None:
        raise ValueError("compute_gradient needs a default session: call it inside "
                         "`with tf.Session():` (or a TestCase's `self.cached_session()`).")
    return sess


def _check_dtype(t: Any, what: str) -> None:
    if t.dtype not in _FLOATS:
        raise TypeError(f"Don't support type {t.dtype.name} for {what}")


def _one(x: Any, x_shape: Any, y: Any, y_shape: Any, x_init_value: Any, delta: float,
         feeds: dict) -> tuple[np.ndarray, np.ndarray]:
    _check_dtype(x, "x")
    _check_dtype(y, "y")
    np_x = x.dtype.np_dtype
    if x_init_value is not None:
        if list(np.shape(x_init_value)) != list(x_shape):
            raise ValueError(f"x_shape = {list(x_shape)}, init_data shape = "
                             f"{list(np.shape(x_init_value))}")
        x_data = np.asarray(x_init_value, dtype=np_x)
    else:
        x_data = np.random.random_sample(x_shape).astype(np_x)
    with x.graph.as_default():
        dy_fed = constant(1.0, shape=y_shape, dtype=y.dtype)
        dy = identity(dy_fed)
    (dx,) = gradients(y, [x], grad_ys=[dy])
    sess = _session()
    x_size, y_size = int(np.prod(x_shape)), int(np.prod(y_shape))
    theory = np.zeros((x_size, y_size), dtype=np_x)
    dy_data = np.zeros(y_size, dtype=y.dtype.np_dtype)
    for col in range(y_size):
        dy_data[col] = 1
        if dx is not None:
            back = sess.run(dx, {**feeds, x: x_data, dy_fed: dy_data.reshape(y_shape)})
            theory[:, col] = np.asarray(back).reshape(-1)
        dy_data[col] = 0
    numeric = np.zeros((x_size, y_size), dtype=np_x)
    scale = np.asarray(2 * delta, dtype=y.dtype.np_dtype)
    for row in range(x_size):
        step = np.zeros(x_size, dtype=np_x)
        step[row] = delta
        step = step.reshape(x_data.shape)
        y_pos = sess.run(y, {**feeds, x: x_data + step})
        y_neg = sess.run(y, {**feeds, x: x_data - step})
        numeric[row, :] = ((y_pos - y_neg) / scale).reshape(-1)
    return theory, numeric


def compute_gradient(x: Any, x_shape: Any, y: Any, y_shape: Any, x_init_value: Any = None,
                     delta: float = 1e-3, init_targets: Any = None,
                     extra_feed_dict: dict | None = None) -> Any:
    """The theoretical and numeric Jacobians of ``y`` with respect to ``x`` (a list of
    pairs when ``x`` is a list, with ``x_shape`` and ``x_init_value`` lists too).

    ``x_init_value`` defaults to uniform samples in [0, 1) from NumPy's global generator;
    ``init_targets`` are run first; ``extra_feed_dict`` is fed on every run.

    Raises:
        TypeError: for a non-floating ``x`` or ``y``.
        ValueError: without a default session, or an ``x_init_value`` of another shape.
    """
    feeds = dict(extra_feed_dict or {})
    sess = _session()
    for target in init_targets or ():
        sess.run(target)
    if isinstance(x, list):
        inits = x_init_value if x_init_value is not None else [None] * len(x)
        return [_one(xi, si, y, y_shape, ii, delta, feeds)
                for xi, si, ii in zip(x, x_shape, inits, strict=True)]
    return _one(x, x_shape, y, y_shape, x_init_value, delta, feeds)


def compute_gradient_error(x: Any, x_shape: Any, y: Any, y_shape: Any,
                           x_init_value: Any = None, delta: float = 1e-3,
                           init_targets: Any = None, extra_feed_dict: dict | None = None
                           ) -> float:
    """The largest absolute difference between the theoretical and numeric Jacobians
    (over every ``x`` when ``x`` is a list); arguments as :func:`compute_gradient`."""
    grads = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                             extra_feed_dict)
    error = 0.0
    for theory, numeric in grads if isinstance(grads, list) else [grads]:
        if theory.size or numeric.size:
            error = max(error, float(np.max(np.abs(theory - numeric))))
    return error


__all__ = ["compute_gradient", "compute_gradient_error"]
