"""Session tensor handles: keep a value in the session between runs."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.placeholders import placeholder


def get_session_handle(data: Any, name: str | None = None) -> Tensor:
    """A string tensor; fetching it stores ``data``'s value in the session and returns a
    ``TensorHandle``."""
    t = conversion.convert_to_tensor(data)
    return make_op("GetSessionHandle", [t], [_dt.string], name=name or "GetSessionHandle",
                   shapes=[TensorShape([])]).outputs[0]


def get_session_tensor(handle: Any, dtype: Any, name: str | None = None
                       ) -> tuple[Tensor, Tensor]:
    """Returns ``(holder, tensor)``: feed a handle to ``holder`` to read its value."""
    holder = placeholder(_dt.string, [], name=(name or "GetSessionTensor") + "_handle")
    dt = _dt.as_dtype(dtype)
    t = make_op("GetSessionTensor", [holder], [dt], name=name or "GetSessionTensor",
                attrs={"dtype": dt}, shapes=[TensorShape(None)]).outputs[0]
    return holder, t


def delete_session_tensor(handle: Any, name: str | None = None) -> tuple[Tensor, Operation]:
    """Returns ``(holder, op)``: feed a handle to ``holder`` and run ``op`` to free it."""
    holder = placeholder(_dt.string, [], name=(name or "DeleteSessionTensor") + "_handle")
    op = make_op("DeleteSessionTensor", [holder], [], name=name or "DeleteSessionTensor")
    return holder, op


def _key(h: Any) -> bytes:
    if isinstance(h, np.ndarray):
        h = h[()]
    return h if isinstance(h, bytes) else str(h).encode("utf-8")


@registry.register_kernel("GetSessionHandle", stateful=True)
def _get_handle_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    h = f"GetSessionHandle;{ctx.name};{ctx.state.new_handle_id()};cpu".encode()
    ctx.state.handles[h] = np.array(x, copy=True)
    return np.array(h, dtype=object)


@registry.register_kernel("GetSessionTensor", stateful=True)
def _get_tensor_kernel(ctx: registry.KernelContext, h: Any) -> Any:
    key = _key(h)
    try:
        return ctx.state.handles[key]
    except KeyError:
        raise errors.NotFoundError(None, ctx.op, f"Session tensor handle {key!r} not found "
                                                 "(deleted or from another session).") from None


@registry.register_kernel("DeleteSessionTensor", stateful=True)
def _delete_tensor_kernel(ctx: registry.KernelContext, h: Any) -> None:
    ctx.state.handles.pop(_key(h), None)


registry.not_differentiable("GetSessionHandle", "GetSessionTensor", "DeleteSessionTensor")

__all__ = ["get_session_handle", "get_session_tensor", "delete_session_tensor"]
