"""More TF1 assertions: ``assert_integer``, ``assert_rank_at_least``, ``assert_rank_in``,
``assert_same_float_dtype``, ``assert_proper_iterable`` (checked when the graph is
built, as TF does for static information), ``assert_near`` (a run-time check built on
``Assert``), ``assert_variables_initialized`` and ``is_numeric_tensor``.

Example:
    >>> with tk.control_dependencies([assert_near(x, y, rtol=1e-5)]):
    ...     z = tk.identity(x)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import control_flow_ops, join_ops, math_ops, state_ops
from trainkit.ops.check_ops import Assert


def _static_rank(x: Any, who: str) -> tuple[Tensor, int]:
    t = conversion.convert_to_tensor(x, name="x")
    if t.shape.ndims is None:
        raise ValueError(f"{who}: trainkit checks ranks when the graph is built; the rank "
                         f"of {t.name} is unknown.")
    return t, t.shape.ndims


def assert_integer(x: Any, message: str | None = None, name: str | None = None
                   ) -> Operation:
    """A no-op when ``x`` has an integer dtype.

    Raises:
        TypeError: a non-integer dtype.
    """
    t = conversion.convert_to_tensor(x, name="x")
    if not t.dtype.is_integer:
        raise TypeError(f"{message + '  ' if message else ''}Expected \"x\" to be integer "
                        f"type.  Found: {t.name} of dtype {t.dtype.name}")
    return control_flow_ops.no_op(name=name or "assert_integer")


def assert_rank_at_least(x: Any, rank: int, data: Any = None, summarize: int | None = None,
                         message: str | None = None, name: str | None = None) -> Operation:
    """A no-op when ``x``'s rank is at least ``rank``.

    Raises:
        ValueError: a smaller (or unknown) rank.
    """
    t, nd = _static_rank(x, "assert_rank_at_least")
    if nd < int(rank):
        raise ValueError(f"{message + '  ' if message else ''}Tensor {t.name} must have rank "
                         f"at least {int(rank)}.  Received rank {nd}, shape {t.shape}")
    return control_flow_ops.no_op(name=name or "assert_rank_at_least")


def assert_rank_in(x: Any, ranks: Any, data: Any = None, summarize: int | None = None,
                   message: str | None = None, name: str | None = None) -> Operation:
    """A no-op when ``x``'s rank is one of ``ranks``.

    Raises:
        ValueError: another (or an unknown) rank.
    """
    t, nd = _static_rank(x, "assert_rank_in")
    allowed = [int(r) for r in ranks]
    if nd not in allowed:
        raise ValueError(f"{message + '  ' if message else ''}Tensor {t.name} must have rank "
                         f"in {tuple(allowed)}.  Received rank {nd}, shape {t.shape}")
    return control_flow_ops.no_op(name=name or "assert_rank_in")


def assert_same_float_dtype(tensors: Any = None, dtype: Any = None) -> _dt.DType:
    """The common floating dtype of ``tensors`` (and ``dtype``); ``float32`` when none.

    Raises:
        ValueError: tensors of different or non-floating dtypes.
    """
    found = _dt.as_dtype(dtype) if dtype is not None else None
    for t in tensors or []:
        dt = t.dtype if hasattr(t, "dtype") else None
        if dt is None:
            continue
        dt = _dt.as_dtype(dt)
        if found is None:
            found = dt
        elif dt is not found:
            raise ValueError(f"Expected {found.name}, got {dt.name} for tensor {t}.")
    if found is None:
        return _dt.float32
    if not found.is_floating:
        raise ValueError(f"Expected floating point type, got {found.name}.")
    return found


def assert_proper_iterable(values: Any) -> None:
    """Accepts lists, tuples, sets, generators and arrays of values.

    Raises:
        TypeError: a tensor, a string or a non-iterable.
    """
    if isinstance(values, Tensor | np.ndarray | str | bytes) or \
            not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument \"values\" to be a \"proper\" iterable.  Found: "
                        f"{type(values)}")


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None, data: Any = None,
                summarize: int | None = None, message: str | None = None,
                name: str | None = None) -> Operation:
    """At run time, ``|x - y| <= atol + rtol * |y|`` everywhere (defaults: 10 eps of the
    dtype), else ``InvalidArgumentError``."""
    with name_scope(name, "assert_near", [x, y, rtol, atol]):
        xt = conversion.convert_to_tensor(x, name="x")
        yt = conversion.convert_to_tensor(y, name="y", dtype=xt.dtype)
        eps = float(np.finfo(xt.dtype.np_dtype).eps) if xt.dtype.is_floating else 0.0
        r = math_ops.cast(10 * eps if rtol is None else rtol, xt.dtype)
        a = math_ops.cast(10 * eps if atol is None else atol, xt.dtype)
        tol = a + r * math_ops.abs(yt)
        ok = math_ops.reduce_all(math_ops.less_equal(math_ops.abs(xt - yt), tol))
        if data is None:
            data = [message or "x and y not equal to tolerance", "x =", xt, "y =", yt]
        return Assert(ok, data, summarize=summarize)


def assert_variables_initialized(var_list: Any = None) -> Tensor:
    """A bool scalar: whether every variable of ``var_list`` (all by default) has a
    value."""
    vs = var_list if var_list is not None else state_ops.global_variables()
    if not vs:
        return conversion.convert_to_tensor(True)
    flags = [state_ops.is_variable_initialized(v) for v in vs]
    return math_ops.reduce_all(join_ops.stack(flags))


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a tensor of a numeric dtype."""
    return isinstance(tensor, Tensor) and (tensor.dtype.is_floating or tensor.dtype.is_integer)


__all__ = ["assert_integer", "assert_rank_at_least", "assert_rank_in",
           "assert_same_float_dtype", "assert_proper_iterable", "assert_near",
           "assert_variables_initialized", "is_numeric_tensor"]
