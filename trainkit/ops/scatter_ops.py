"""Sparse updates: the variable ops ``scatter_update/add/sub/mul/div/max/min`` (rows of a
variable picked by ``indices``) and ``scatter_nd_update/add/sub`` (entries picked by
index tuples), done in place on the variable's buffer and returning its new value; and
the functional ``tensor_scatter_update/add/sub/max/min`` (``tensor_scatter_nd_*``),
which copy; and ``batch_scatter_update`` (per-batch rows of a variable). Repeated
indices accumulate for add/sub/mul/div/max/min; for update the last one wins.

Example:
    >>> tk.scatter_add(v, [0, 2], [[1., 1.], [5., 5.]])     # v[0] += 1, v[2] += 5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_extras, array_ops, join_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.slicing_ops import _nd_index
from trainkit.ops.state_ops import UninitializedValue, _check_value, _ref_of

_UFUNCS = {"ScatterAdd": np.add, "ScatterSub": np.subtract, "ScatterMul": np.multiply,
           "ScatterDiv": np.divide, "ScatterMax": np.maximum, "ScatterMin": np.minimum,
           "ScatterNdAdd": np.add, "ScatterNdSub": np.subtract}


def _scatter(op_type: str, ref: Any, indices: Any, updates: Any, use_locking: Any,
             name: str | None) -> Tensor:
    r = _ref_of(ref, op_type)
    name = name or op_type
    i = conversion.convert_to_tensor(indices, name="indices")
    if not i.dtype.is_integer:
        raise TypeError(f"{op_type}: indices must be integers, got {i.dtype.name}.")
    u = _check_value(r, updates, op_type, name)
    return r.graph.create_op(op_type, [r, i, u], [r.dtype], name=name,
                             attrs={"use_locking": bool(use_locking)},
                             shapes=[r.shape]).outputs[0]


def scatter_update(ref: Any, indices: Any, updates: Any, use_locking: bool = True,
                   name: str | None = None) -> Tensor:
    """``ref[indices] = updates`` (rows); returns the variable's new value."""
    return _scatter("ScatterUpdate", ref, indices, updates, use_locking, name)


def scatter_add(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] += updates`` (repeated rows accumulate)."""
    return _scatter("ScatterAdd", ref, indices, updates, use_locking, name)


def scatter_sub(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] -= updates``."""
    return _scatter("ScatterSub", ref, indices, updates, use_locking, name)


def scatter_mul(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] *= updates``."""
    return _scatter("ScatterMul", ref, indices, updates, use_locking, name)


def scatter_div(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] /= updates``."""
    return _scatter("ScatterDiv", ref, indices, updates, use_locking, name)


def scatter_max(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] = max(ref[indices], updates)``."""
    return _scatter("ScatterMax", ref, indices, updates, use_locking, name)


def scatter_min(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                name: str | None = None) -> Tensor:
    """``ref[indices] = min(ref[indices], updates)``."""
    return _scatter("ScatterMin", ref, indices, updates, use_locking, name)


def scatter_nd_update(ref: Any, indices: Any, updates: Any, use_locking: bool = True,
                      name: str | None = None) -> Tensor:
    """``ref[indices[..., :]] = updates`` (index tuples in the last axis)."""
    return _scatter("ScatterNdUpdate", ref, indices, updates, use_locking, name)


def scatter_nd_add(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                   name: str | None = None) -> Tensor:
    """``ref[indices[..., :]] += updates``."""
    return _scatter("ScatterNdAdd", ref, indices, updates, use_locking, name)


def scatter_nd_sub(ref: Any, indices: Any, updates: Any, use_locking: bool = False,
                   name: str | None = None) -> Tensor:
    """``ref[indices[..., :]] -= updates``."""
    return _scatter("ScatterNdSub", ref, indices, updates, use_locking, name)


def _tensor_scatter(op_type: str, tensor: Any, indices: Any, updates: Any,
                    name: str | None) -> Tensor:
    t = conversion.convert_to_tensor(tensor, name="tensor")
    i = conversion.convert_to_tensor(indices, name="indices")
    u = conversion.convert_to_tensor(updates, name="updates", dtype=t.dtype)
    return make_op(op_type, [t, i, u], [t.dtype], name=name or op_type,
                   shapes=[t.shape]).outputs[0]


def tensor_scatter_update(tensor: Any, indices: Any, updates: Any,
                          name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` written at the index tuples ``indices``."""
    return _tensor_scatter("TensorScatterUpdate", tensor, indices, updates, name)


def tensor_scatter_add(tensor: Any, indices: Any, updates: Any,
                       name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` added at ``indices``."""
    return _tensor_scatter("TensorScatterAdd", tensor, indices, updates, name)


def tensor_scatter_sub(tensor: Any, indices: Any, updates: Any,
                       name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``."""
    return _tensor_scatter("TensorScatterSub", tensor, indices, updates, name)


def tensor_scatter_max(tensor: Any, indices: Any, updates: Any,
                       name: str | None = None) -> Tensor:
    """A copy of ``tensor`` holding, at ``indices``, the maximum of its value and the
    ``updates`` there."""
    return _tensor_scatter("TensorScatterMax", tensor, indices, updates, name)


def tensor_scatter_min(tensor: Any, indices: Any, updates: Any,
                       name: str | None = None) -> Tensor:
    """A copy of ``tensor`` holding, at ``indices``, the minimum of its value and the
    ``updates`` there."""
    return _tensor_scatter("TensorScatterMin", tensor, indices, updates, name)


def batch_scatter_update(ref: Any, indices: Any, updates: Any, use_locking: bool = True,
                         name: str | None = None) -> Tensor:
    """``ref[b..., indices[b..., k]] = updates[b..., k]`` for every batch position
    ``b...`` (the leading dimensions of ``indices``): ``scatter_nd_update`` with the
    batch positions prepended to each index, as TF builds it.

    Raises:
        ValueError: when the rank of ``indices`` is unknown.
    """
    with name_scope(name, "BatchScatterUpdate", [ref, indices, updates]):
        idx = conversion.convert_to_tensor(indices, name="indices")
        rank = idx.shape.ndims
        if rank is None:
            raise ValueError("batch_scatter_update needs indices of known rank.")
        shape = array_ops.shape(idx, out_type=idx.dtype)
        parts = []
        for d in range(rank - 1):
            r = array_ops.range(shape[d], dtype=idx.dtype)
            view = [1] * rank
            view[d] = -1
            parts.append(array_extras.broadcast_to(array_ops.reshape(r, view), shape))
        parts.append(idx)
        nd = join_ops.stack(parts, axis=-1)
        return scatter_nd_update(ref, nd, updates, use_locking=use_locking)


# -- kernels -----------------------------------------------------------------------------
def _buffer(ctx: registry.KernelContext, ref: Any) -> np.ndarray:
    if type(ref) is not np.ndarray:
        raise ref.error() if isinstance(ref, UninitializedValue) else TypeError(
            f"{ctx.op.type} needs a variable buffer, got {type(ref).__name__}")
    return ref


def _rows(ctx: registry.KernelContext, ref: np.ndarray, idx: Any) -> np.ndarray:
    idx = np.asarray(idx).astype(np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= ref.shape[0]):
        bad = idx[(idx < 0) | (idx >= ref.shape[0])][0]
        raise errors.InvalidArgumentError(
            None, ctx.op, f"indices[...] = {bad} is not in [0, {ref.shape[0]})")
    return idx


def _scatter_kernel(op_type: str) -> Any:
    nd = "Nd" in op_type
    fn = _UFUNCS.get(op_type)

    def kernel(ctx: registry.KernelContext, ref: Any, idx: Any, u: Any) -> np.ndarray:
        buf = _buffer(ctx, ref)
        where = _nd_index(idx, buf.shape) if nd else _rows(ctx, buf, idx)
        u = np.asarray(u, dtype=buf.dtype)
        with ctx.state.lock:
            if fn is None:
                buf[where] = u
            else:
                fn.at(buf, where, u)
        return buf
    return kernel


for _t in ("ScatterUpdate", "ScatterNdUpdate", *_UFUNCS):
    registry.register_kernel(_t, stateful=True, aliases_input=True)(_scatter_kernel(_t))


def _tensor_kernel(fn: Any) -> Any:
    def kernel(ctx: registry.KernelContext, t: Any, idx: Any, u: Any) -> np.ndarray:
        out = np.array(t, copy=True)
        where = _nd_index(idx, out.shape)
        if fn is None:
            out[where] = u
        else:
            fn.at(out, where, np.asarray(u, dtype=out.dtype))
        return out
    return kernel


registry.register_kernel("TensorScatterUpdate")(_tensor_kernel(None))
registry.register_kernel("TensorScatterAdd")(_tensor_kernel(np.add))
registry.register_kernel("TensorScatterSub")(_tensor_kernel(np.subtract))
registry.register_kernel("TensorScatterMax")(_tensor_kernel(np.maximum))
registry.register_kernel("TensorScatterMin")(_tensor_kernel(np.minimum))
registry.not_differentiable("ScatterUpdate", "ScatterNdUpdate", *_UFUNCS)

tensor_scatter_nd_update = tensor_scatter_update
tensor_scatter_nd_add = tensor_scatter_add
tensor_scatter_nd_sub = tensor_scatter_sub
tensor_scatter_nd_max = tensor_scatter_max
tensor_scatter_nd_min = tensor_scatter_min

__all__ = ["scatter_update", "scatter_add", "scatter_sub", "scatter_mul", "scatter_div",
           "scatter_max", "scatter_min", "scatter_nd_update", "scatter_nd_add",
           "scatter_nd_sub", "tensor_scatter_update", "tensor_scatter_add",
           "tensor_scatter_sub", "tensor_scatter_nd_update", "tensor_scatter_nd_add",
           "tensor_scatter_nd_sub", "tensor_scatter_max", "tensor_scatter_min",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min", "batch_scatter_update"]
