"""``py_func``: any Python function as an op.

The function receives the input values as read-only NumPy arrays and returns one value
per ``Tout`` dtype. Errors it raises become the ``tf.errors`` class TF uses
(``ValueError``/``TypeError`` -> ``InvalidArgumentError``, ``StopIteration`` ->
``OutOfRangeError``, ``MemoryError`` -> ``ResourceExhaustedError``,
``NotImplementedError`` -> ``UnimplementedError``, anything else -> ``UnknownError``;
an ``OpError`` keeps its class), with a message naming the op.

Example:
    >>> import numpy as np, trainkit as tk
    >>> y = tk.py_func(lambda a: np.sort(a), [tk.constant([3, 1, 2])], tk.int32)
    >>> with tk.Session() as sess:
    ...     sess.run(y)
    array([1, 2, 3], dtype=int32)
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor

_tokens = itertools.count()
_token_lock = threading.Lock()


def py_func(func: Callable, inp: Any, Tout: Any, stateful: bool = True,  # noqa: N803
            name: str | None = None) -> Any:
    """Wraps ``func(*input_values)`` as an op.

    Args:
        func: the Python function.
        inp: a list of tensors (or values convertible to tensors); a single tensor is
            accepted too.
        Tout: one dtype (the op has one output and a Tensor is returned) or a list of
            dtypes (a list of Tensors is returned; for ``[]`` the Operation).
        stateful: False lets the op be treated as a pure function.
        name: the op name (default ``PyFunc``).

    Raises:
        TypeError: if ``func`` is not callable or ``Tout`` is missing.
    """
    if not callable(func):
        raise TypeError(f"py_func: func must be callable, got {func!r}.")
    if Tout is None:
        raise TypeError("py_func: Tout must be a dtype or a list of dtypes, got None.")
    is_list = isinstance(Tout, list | tuple)
    touts = [_dt.as_dtype(t) for t in (Tout if is_list else [Tout])]
    if inp is None:
        inp = []
    elif isinstance(inp, Tensor) or not isinstance(inp, list | tuple):
        inp = [inp]
    inputs = [conversion.convert_to_tensor(x) for x in inp]
    graph = inputs[0].graph if inputs else get_default_graph()
    with _token_lock:
        token = f"pyfunc_{next(_tokens)}"
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    op = graph.create_op(op_type, inputs, touts, name=name or op_type,
                         attrs={"token": token, "Tout": tuple(touts), "func": func},
                         shapes=[TensorShape(None)] * len(touts))
    if not is_list:
        return op.outputs[0]
    if not touts:
        return op
    return list(op.outputs)


def numpy_function(func: Callable, inp: Any, Tout: Any, stateful: bool = True,  # noqa: N803
                   name: str | None = None) -> Any:
    """Alias of :func:`py_func` (``tf.numpy_function``)."""
    return py_func(func, inp, Tout, stateful=stateful, name=name)


def _read_only(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        v = x.view()
        v.flags.writeable = False
        return v
    return x


def _where(ctx: registry.KernelContext) -> str:
    return f"{ctx.op.type} op '{ctx.name}'"


def _convert_error(e: Exception, ctx: registry.KernelContext) -> errors.OpError:
    if isinstance(e, errors.OpError):
        return e
    token = ctx.attrs["token"]
    msg = f"{_where(ctx)}: {type(e).__name__}: {e}"
    if isinstance(e, ValueError | TypeError):
        cls: type[errors.OpError] = errors.InvalidArgumentError
    elif isinstance(e, StopIteration):
        cls = errors.OutOfRangeError
    elif isinstance(e, MemoryError):
        cls = errors.ResourceExhaustedError
    elif isinstance(e, NotImplementedError):
        cls = errors.UnimplementedError
    else:
        cls = errors.UnknownError
    return cls(None, None, f"{msg} (raised by the Python function of {token})")


def _as_output(i: int, value: Any, dt: _dt.DType, where: str) -> Any:
    if dt is _dt.string:
        try:
            return _dt.to_string_array(value)
        except TypeError as e:
            raise errors.InvalidArgumentError(
                None, None, f"{i}-th value returned by {where} is not a string: {e}") from None
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype != dt.np_dtype:
            raise errors.InvalidArgumentError(
                None, None, f"{i}-th value returned by {where} is {value.dtype}, but "
                            f"expects {dt.name}")
        return np.array(value, copy=True)
    try:
        return np.asarray(value, dtype=dt.np_dtype)
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(
            None, None, f"{i}-th value returned by {where} cannot be converted to "
                        f"{dt.name}: {e}") from None


def _py_func_kernel(ctx: registry.KernelContext, *args: Any) -> Any:
    a = ctx.attrs
    token, touts = a["token"], a["Tout"]
    try:
        result = a["func"](*[_read_only(x) for x in args])
    except Exception as e:  # noqa: BLE001 - every error from user code is mapped
        raise _convert_error(e, ctx) from e
    if not touts:
        return None
    if len(touts) == 1 and not isinstance(result, list | tuple):
        result = [result]
    if not isinstance(result, list | tuple) or len(result) != len(touts):
        got = len(result) if isinstance(result, list | tuple) else type(result).__name__
        raise errors.InvalidArgumentError(
            None, None, f"{_where(ctx)} ({token}) returned {got} values, but expects "
                        f"{len(touts)}")
    where = f"{_where(ctx)} ({token})"
    out = [_as_output(i, r, dt, where) for i, (r, dt) in enumerate(zip(result, touts))]
    return out[0] if len(out) == 1 else out


registry.register_kernel("PyFunc", stateful=True)(_py_func_kernel)
registry.register_kernel("PyFuncStateless")(_py_func_kernel)
registry.not_differentiable("PyFunc", "PyFuncStateless")

__all__ = ["py_func", "numpy_function"]
