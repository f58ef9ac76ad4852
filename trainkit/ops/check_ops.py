"""Run-time checks: ``Assert``, ``assert_positive`` and friends, ``check_numerics``.

A failing check raises ``InvalidArgumentError`` when the op runs, with the message and the
offending data. The assert functions return an op to run (or to use in
``control_dependencies``).

Example:
    >>> import trainkit as tk
    >>> x = tk.placeholder(tk.float32, [2])
    >>> with tk.control_dependencies([tk.assert_positive(x, message="x")]):
    ...     y = tk.identity(x)
    >>> with tk.Session() as sess:
    ...     sess.run(y, {x: [1.0, 2.0]})
    array([1., 2.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import control_flow_ops, tensor_summary
from trainkit.ops.op_util import make_op


def format_value(value: Any, summarize: int | None, v2: bool = True) -> str:
    """A tensor value as TF writes it in messages (``ops/tensor_summary.py``): ``v2`` as
    ``tf.print``, else as ``tf.Print`` / ``tf.Assert`` (without the outer brackets)."""
    return tensor_summary.summarize(value, summarize, v2)


def _numpy_text(value: Any, summarize: int | None) -> str:
    """NumPy's text of a value, as TF's static assertion messages show it."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    arr = np.asarray(value)
    if arr.dtype == object:
        arr = np.vectorize(lambda b: b.decode("utf-8", "replace")
                           if isinstance(b, bytes) else str(b), otypes=[object])(arr)
        if arr.ndim == 0:
            return str(arr[()])
    if summarize is None or summarize < 0:
        return np.array2string(arr, threshold=np.iinfo(np.int64).max, separator=" ")
    return np.array2string(arr, threshold=0 if arr.size else 1, edgeitems=max(summarize, 1),
                           separator=" ")


def _data_tensors(data: Any) -> list[Tensor]:
    out = []
    for i, d in enumerate(data or []):
        if isinstance(d, str | bytes):
            out.append(conversion.convert_to_tensor(d, dtype=_dt.string, name=f"data_{i}"))
        else:
            out.append(conversion.convert_to_tensor(d, name=f"data_{i}"))
    return out


def Assert(condition: Any, data: Any, summarize: int | None = None,  # noqa: N802 - TF name
           name: str | None = None) -> Operation:
    """An op raising ``InvalidArgumentError('assertion failed: ...')`` with ``data`` when
    ``condition`` (a scalar bool) is false.

    Raises:
        TypeError: if ``condition`` is not boolean.
    """
    with name_scope(name, "Assert"):
        cond = conversion.convert_to_tensor(condition, name="condition")
        if cond.dtype is not _dt.bool_:
            raise TypeError(f"Assert: condition must be a bool tensor, got {cond.dtype.name} "
                            f"({cond.name}).")
        inputs = [cond, *_data_tensors(data)]
        return make_op("Assert", inputs, [], name="Assert",
                       attrs={"summarize": 3 if summarize is None else summarize})


@registry.register_kernel("Assert", stateful=True)
def _assert_kernel(ctx: registry.KernelContext, cond: Any, *data: Any) -> None:
    if not np.all(cond):
        s = ctx.attrs["summarize"]
        parts = " ".join(f"[{format_value(d, s, v2=False)}]" for d in data)
        raise errors.InvalidArgumentError(None, None, f"assertion failed: {parts}")


_COMPARE = {
    "less": (np.less, "<"), "less_equal": (np.less_equal, "<="),
    "greater": (np.greater, ">"), "greater_equal": (np.greater_equal, ">="),
    "equal": (np.equal, "=="), "not_equal": (np.not_equal, "!="),
}


def _compare_assert(x: Any, y: Any, cmp: str, data: Any, summarize: int | None,
                    message: str | None, name: str | None, default_name: str,
                    y_label: str = "y") -> Operation:
    with name_scope(name, default_name):
        xt = conversion.convert_to_tensor(x, name="x")
        yt = conversion.convert_to_tensor(y, dtype=xt.dtype, name="y") \
            if not isinstance(y, Tensor) else y
        if xt.dtype is not yt.dtype:
            raise TypeError(f"{default_name}: x and y must have the same dtype, got "
                            f"{xt.dtype.name} ({xt.name}) and {yt.dtype.name} ({yt.name}).")
        op_sym = _COMPARE[cmp][1]
        head = (message + "  " if message else "") + \
            f"Condition x {op_sym} {y_label} did not hold element-wise:"
        extra = _data_tensors(data)
        return make_op("AssertCompare", [xt, yt, *extra], [], name="assert",
                       attrs={"cmp": cmp, "message": head, "x_name": xt.name,
                              "y_name": yt.name if y_label == "y" else "",
                              "summarize": 3 if summarize is None else summarize})


@registry.register_kernel("AssertCompare", stateful=True)
def _assert_compare_kernel(ctx: registry.KernelContext, x: Any, y: Any, *data: Any) -> None:
    a = ctx.attrs
    fn = _COMPARE[a["cmp"]][0]
    try:
        ok = bool(np.all(fn(x, y)))
    except ValueError as e:  # shapes that do not broadcast
        raise errors.InvalidArgumentError(None, None, f"{a['message']} {e}") from None
    if ok:
        return
    s = a["summarize"]
    lines = [a["message"], f"x ({a['x_name']}) = ", _numpy_text(x, s)]
    if a["y_name"]:
        lines += [f"y ({a['y_name']}) = ", _numpy_text(y, s)]
    lines += [_numpy_text(d, s) for d in data]
    raise errors.InvalidArgumentError(None, None, "\n".join(lines))


def assert_equal(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                 message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x == y`` element-wise (broadcasting)."""
    return _compare_assert(x, y, "equal", data, summarize, message, name, "assert_equal")


def assert_none_equal(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                      message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x != y`` element-wise."""
    return _compare_assert(x, y, "not_equal", data, summarize, message, name,
                           "assert_none_equal")


def assert_less(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x < y`` element-wise."""
    return _compare_assert(x, y, "less", data, summarize, message, name, "assert_less")


def assert_less_equal(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                      message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x <= y`` element-wise."""
    return _compare_assert(x, y, "less_equal", data, summarize, message, name,
                           "assert_less_equal")


def assert_greater(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                   message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x > y`` element-wise."""
    return _compare_assert(x, y, "greater", data, summarize, message, name, "assert_greater")


def assert_greater_equal(x: Any, y: Any, data: Any = None, summarize: int | None = None,
                         message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x >= y`` element-wise."""
    return _compare_assert(x, y, "greater_equal", data, summarize, message, name,
                           "assert_greater_equal")


def _sign_assert(x: Any, cmp: str, data: Any, summarize: int | None, message: str | None,
                 name: str | None, default_name: str) -> Operation:
    xt = conversion.convert_to_tensor(x, name="x")
    zero = np.zeros((), dtype=xt.dtype.np_dtype)
    return _compare_assert(xt, zero, cmp, data, summarize, message, name, default_name,
                           y_label="0")


def assert_positive(x: Any, data: Any = None, summarize: int | None = None,
                    message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x > 0`` element-wise."""
    return _sign_assert(x, "greater", data, summarize, message, name, "assert_positive")


def assert_non_negative(x: Any, data: Any = None, summarize: int | None = None,
                        message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x >= 0`` element-wise."""
    return _sign_assert(x, "greater_equal", data, summarize, message, name,
                        "assert_non_negative")


def assert_negative(x: Any, data: Any = None, summarize: int | None = None,
                    message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x < 0`` element-wise."""
    return _sign_assert(x, "less", data, summarize, message, name, "assert_negative")


def assert_non_positive(x: Any, data: Any = None, summarize: int | None = None,
                        message: str | None = None, name: str | None = None) -> Operation:
    """Asserts ``x <= 0`` element-wise."""
    return _sign_assert(x, "less_equal", data, summarize, message, name,
                        "assert_non_positive")


def assert_rank(x: Any, rank: int, data: Any = None, summarize: int | None = None,
                message: str | None = None, name: str | None = None) -> Operation:
    """Asserts that ``x`` has rank ``rank`` (statically when the rank is known).

    Raises:
        ValueError: at build time, when the static rank is known and differs.
    """
    xt = conversion.convert_to_tensor(x, name="x")
    nd = xt.shape.ndims
    if nd is not None:
        if nd != int(rank):
            raise ValueError(f"{message + '  ' if message else ''}Tensor {xt.name} must have "
                             f"rank {int(rank)}. Received rank {nd}, shape {xt.shape}")
        return control_flow_ops.no_op(name=name or "assert_rank")
    with name_scope(name, "assert_rank"):
        return make_op("AssertRank", [xt, *_data_tensors(data)], [], name="assert",
                       attrs={"rank": int(rank), "message": message or "",
                              "x_name": xt.name})


@registry.register_kernel("AssertRank", stateful=True)
def _assert_rank_kernel(ctx: registry.KernelContext, x: Any, *data: Any) -> None:
    r = np.ndim(x)
    if r != ctx.attrs["rank"]:
        m = ctx.attrs["message"]
        raise errors.InvalidArgumentError(
            None, None, f"{m + '  ' if m else ''}Tensor {ctx.attrs['x_name']} must have rank "
                        f"{ctx.attrs['rank']}. Received rank {r}, shape {list(np.shape(x))}")


def assert_type(tensor: Any, tf_type: Any, message: str | None = None,
                name: str | None = None) -> Operation:
    """Checks ``tensor``'s dtype at build time; returns a no-op.

    Raises:
        TypeError: if the dtype differs.
    """
    t = conversion.convert_to_tensor(tensor)
    want = _dt.as_dtype(tf_type)
    if t.dtype is not want:
        raise TypeError(f"{message + ' ' if message else ''}{t.name} must be of type "
                        f"{want.name}, got {t.dtype.name}.")
    return control_flow_ops.no_op(name=name or "assert_type")


def assert_scalar(tensor: Any, name: str | None = None, message: str | None = None) -> Tensor:
    """Returns ``tensor`` after checking that its static rank is 0.

    Raises:
        ValueError: if the rank is known and not 0.
    """
    t = conversion.convert_to_tensor(tensor)
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape for "
                         f"{t.name}, saw shape: {t.shape}.")
    return t


def check_numerics(tensor: Any, message: str, name: str | None = None) -> Tensor:
    """``tensor``, checked at run time for NaN and Inf values.

    Raises:
        TypeError: at build time, for a non-floating-point tensor.
    """
    t = conversion.convert_to_tensor(tensor)
    if not t.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'tensor' has DataType {t.dtype.name} not "
                        "in list of allowed values: float16, float32, float64 "
                        f"(check_numerics on {t.name}).")
    return t.graph.create_op("CheckNumerics", [t], [t.dtype], name=name or "CheckNumerics",
                       attrs={"message": str(message), "T": t.dtype},
                       shapes=[t.shape]).outputs[0]


@registry.register_kernel("CheckNumerics", aliases_input=True)
def _check_numerics_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    arr = np.asarray(x)
    if not np.isfinite(arr).all():
        nan, inf = bool(np.isnan(arr).any()), bool(np.isinf(arr).any())
        what = "Inf and NaN" if nan and inf else ("NaN" if nan else "Inf")
        raise errors.InvalidArgumentError(
            None, None, f"{ctx.attrs['message']} : Tensor had {what} values")
    return x


@registry.register_gradient("CheckNumerics")
def _check_numerics_grad(op: Operation, grad: Tensor) -> list:
    return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected in "
                                 "gradient. " + op.attrs["message"])]


def verify_tensor_all_finite(t: Any, msg: str, name: str | None = None) -> Tensor:
    """``check_numerics`` under its TF1 alias."""
    return check_numerics(t, msg, name=name)


registry.not_differentiable("Assert", "AssertCompare", "AssertRank")

__all__ = [
    "Assert", "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
    "assert_greater", "assert_greater_equal", "assert_positive", "assert_non_negative",
    "assert_negative", "assert_non_positive", "assert_rank", "assert_type", "assert_scalar",
    "check_numerics", "verify_tensor_all_finite", "format_value",
]
