"""``TensorArray``: TF1's dynamically written list of tensors (``tf.TensorArray``).

As in TF1, a TensorArray is a ``handle`` (a ``resource`` tensor whose run-time value is a
:class:`TensorArrayStore`) plus a ``flow`` (a float32 scalar that orders the operations
and carries gradients). Every write returns a new TensorArray object with a new flow:
use the returned object. A TensorArray can be a ``while_loop`` variable (its flow is).

Example:
    >>> ta = tk.TensorArray(tk.float32, size=3)
    >>> ta = ta.write(0, 1.0).write(1, 2.0).write(2, 3.0)
    >>> sess.run(ta.stack())    # [1., 2., 3.]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import math_ops
from trainkit.ops.array_ops import range as _range
from trainkit.ops.array_ops import shape as _shape
from trainkit.ops.op_util import make_op
from trainkit.ops.tensor_array_store import TensorArrayStore


def _int_tensor(x: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(x, name=name)
    if not t.dtype.is_integer:
        raise TypeError(f"TensorArray: {name} must be an integer tensor, got {t.dtype.name}.")
    return t


class TensorArray:
    """A list of same-dtype tensors written and read by index (``tf.TensorArray``).

    Args:
        dtype: the element dtype.
        size: int32 scalar, the initial size (required unless ``handle`` is given).
        dynamic_size: writes past the end grow the array (default False).
        clear_after_read: reading an element frees it; reading it again is an error
            (default True).
        tensor_array_name, name: names.
        handle, flow: build a TensorArray object over an existing array.
        infer_shape: every element must have the shape of the first one written.
        element_shape: the (partially) known shape of every element.
        colocate_with_first_write_call: accepted for compatibility.

    Raises:
        ValueError: for a missing ``size``, ``handle`` without ``flow``, or both
            ``handle`` and ``size``/``tensor_array_name``.
    """

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: bool | None = None,
                 clear_after_read: bool | None = None, tensor_array_name: str | None = None,
                 handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True,
                 name: str | None = None):
        if handle is not None and tensor_array_name:
            raise ValueError("Cannot construct with both handle and tensor_array_name")
        if handle is not None and flow is None:
            raise ValueError("flow must not be None if handle is not None.")
        if handle is None and size is None:
            raise ValueError("Size must be provided if handle is not provided")
        if handle is not None and size is not None:
            raise ValueError("Cannot provide both a handle and size at the same time")
        self._dtype = _dt.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = bool(infer_shape)
        # one-element list shared by every TensorArray object over the same array
        self._element_shape = [as_shape(element_shape)]
        if handle is not None:
            self._handle = handle
            self._flow = flow
            return
        with name_scope(name, "TensorArray"):
            size_t = _int_tensor(size, "size")
            shape = self._element_shape[0]
            op = make_op("TensorArrayV3", [size_t], [_dt.resource, _dt.float32],
                         name=tensor_array_name or "TensorArrayV3",
                         attrs={"dtype": self._dtype, "dynamic_size": self._dynamic_size,
                                "clear_after_read": self._clear_after_read,
                                "infer_shape": self._infer_shape,
                                "element_shape": None if shape.ndims is None
                                else tuple(shape.as_list())},
                         shapes=[TensorShape([2]), TensorShape([])])
            self._handle, self._flow = op.outputs

    # -- properties -----------------------------------------------------------------
    @property
    def handle(self) -> Tensor:
        """The ``resource`` tensor naming the array."""
        return self._handle

    @property
    def flow(self) -> Tensor:
        """The float32 scalar that orders this array's operations."""
        return self._flow

    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        """The static shape every element has (as far as known)."""
        return self._element_shape[0]

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    def _with_flow(self, flow: Tensor) -> TensorArray:
        ta = TensorArray.__new__(TensorArray)
        ta.__dict__.update(self.__dict__)
        ta._flow = flow
        return ta

    def _merge_element_shape(self, shape: TensorShape) -> None:
        if not self._infer_shape:
            return
        known = self._element_shape[0]
        if not shape.is_compatible_with(known):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected {known} "
                             "(and infer_shape=True)")
        self._element_shape[0] = known.merge_with(shape)

    def _value(self, value: Any, what: str) -> Tensor:
        try:
            v = conversion.convert_to_tensor(value, dtype=self._dtype, name="value")
        except (TypeError, ValueError) as e:
            raise TypeError(f"TensorArray.{what}: the value must be convertible to "
                            f"{self._dtype.name}: {e}") from None
        if v.dtype is not self._dtype:
            raise TypeError(f"TensorArray.{what}: TensorArray dtype is {self._dtype.name} "
                            f"but the value has dtype {v.dtype.name}.")
        return v

    def _op(self, op_type: str, inputs: list, dtypes: list, name: str | None,
            default: str, shapes: list, attrs: dict | None = None) -> Operation:
        with name_scope(name, default):
            return make_op(op_type, [self._handle] + inputs + [self._flow], dtypes,
                           name=op_type, attrs=attrs or {}, shapes=shapes)

    # -- writing ----------------------------------------------------------------------
    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """Writes ``value`` at ``index``; returns the new TensorArray."""
        v = self._value(value, "write")
        self._merge_element_shape(v.shape)
        op = self._op("TensorArrayWriteV3", [_int_tensor(index, "index"), v], [_dt.float32],
                      name, "TensorArrayWrite", [TensorShape([])])
        return self._with_flow(op.outputs[0])

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """Writes ``value[k]`` at ``indices[k]``; returns the new TensorArray."""
        v = self._value(value, "scatter")
        if v.shape.ndims is not None and v.shape.ndims > 0:
            self._merge_element_shape(TensorShape(v.shape.as_list()[1:]))
        op = self._op("TensorArrayScatterV3", [_int_tensor(indices, "indices"), v],
                      [_dt.float32], name, "TensorArrayScatter", [TensorShape([])])
        return self._with_flow(op.outputs[0])

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """Writes ``value[k]`` at index ``k`` for every row of ``value``."""
        with name_scope(name, "TensorArrayUnstack"):
            v = self._value(value, "unstack")
            n = _shape(v)[0]
            return self.scatter(_range(0, n), v, name="TensorArrayScatter")

    def split(self, value: Any, lengths: Any, name: str | None = None) -> TensorArray:
        """Splits ``value`` along axis 0 into pieces of ``lengths`` and writes them."""
        v = self._value(value, "split")
        lens = math_ops.cast(_int_tensor(lengths, "lengths"), _dt.int64)
        if v.shape.ndims is not None and v.shape.ndims > 0:
            self._merge_element_shape(TensorShape([None] + v.shape.as_list()[1:]))
        op = self._op("TensorArraySplitV3", [v, lens], [_dt.float32], name,
                      "TensorArraySplit", [TensorShape([])])
        return self._with_flow(op.outputs[0])

    # -- reading ----------------------------------------------------------------------
    def read(self, index: Any, name: str | None = None) -> Tensor:
        """The element at ``index``."""
        op = self._op("TensorArrayReadV3", [_int_tensor(index, "index")], [self._dtype],
                      name, "TensorArrayRead", [self.element_shape])
        return op.outputs[0]

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        """The elements at ``indices``, stacked."""
        idx = _int_tensor(indices, "indices")
        n = idx.shape.as_list()[0] if idx.shape.ndims == 1 else None
        shape = TensorShape([n]).concatenate(self.element_shape)
        op = self._op("TensorArrayGatherV3", [idx], [self._dtype], name,
                      "TensorArrayGather", [shape])
        return op.outputs[0]

    def stack(self, name: str | None = None) -> Tensor:
        """All elements stacked along a new axis 0."""
        with name_scope(name, "TensorArrayStack"):
            return self.gather(_range(0, self.size()), name="TensorArrayGather")

    def concat(self, name: str | None = None) -> Tensor:
        """All elements concatenated along axis 0."""
        es = self.element_shape
        shape = TensorShape(None) if es.ndims is None else TensorShape(
            [None] + es.as_list()[1:])
        op = self._op("TensorArrayConcatV3", [], [self._dtype, _dt.int64], name,
                      "TensorArrayConcat", [shape, TensorShape([None])])
        return op.outputs[0]

    def size(self, name: str | None = None) -> Tensor:
        """The current number of elements (int32 scalar)."""
        return self._op("TensorArraySizeV3", [], [_dt.int32], name, "TensorArraySize",
                        [TensorShape([])]).outputs[0]

    # -- misc ---------------------------------------------------------------------------
    def identity(self) -> TensorArray:
        """A TensorArray over the same array whose flow is an identity of this flow."""
        from trainkit.ops.array_ops import identity

        return self._with_flow(identity(self._flow))

    def grad(self, source: str, flow: Any = None, name: str | None = None) -> TensorArray:
        """The gradient TensorArray for gradient ``source`` (TF1's ``TensorArrayGradV3``)."""
        flow_t = self._flow if flow is None else conversion.convert_to_tensor(flow)
        with name_scope(name, "TensorArrayGrad"):
            op = make_op("TensorArrayGradV3", [self._handle, flow_t],
                         [_dt.resource, _dt.float32], name="TensorArrayGradV3",
                         attrs={"source": source}, shapes=[TensorShape([2]), TensorShape([])])
        g = TensorArray(self._dtype, handle=op.outputs[0], flow=op.outputs[1],
                        infer_shape=self._infer_shape)
        g._element_shape = self._element_shape
        g._clear_after_read = False
        return g

    def close(self, name: str | None = None) -> Operation:
        """Closes the array: later reads and writes fail."""
        with name_scope(name, "TensorArrayClose"):
            return make_op("TensorArrayCloseV3", [self._handle], [], name="TensorArrayCloseV3")

    def __repr__(self) -> str:
        return f"<tk.TensorArray dtype={self._dtype.name} flow={self._flow.name}>"


# -- kernels ---------------------------------------------------------------------------
@registry.register_kernel("TensorArrayV3", stateful=True)
def _create(ctx: registry.KernelContext, size: Any) -> tuple:
    a = ctx.attrs
    store = TensorArrayStore(a["dtype"].np_dtype, int(size), a["dynamic_size"],
                             a["clear_after_read"], a["element_shape"], a["infer_shape"],
                             name=ctx.name)
    return store, np.float32(0.0)


@registry.register_kernel("TensorArrayWriteV3", stateful=True)
def _write(ctx: registry.KernelContext, h: TensorArrayStore, i: Any, v: Any,
           flow: Any) -> Any:
    h.write(i, v)
    return flow


@registry.register_kernel("TensorArrayScatterV3", stateful=True)
def _scatter(ctx: registry.KernelContext, h: TensorArrayStore, i: Any, v: Any,
             flow: Any) -> Any:
    h.scatter(i, v)
    return flow


@registry.register_kernel("TensorArraySplitV3", stateful=True)
def _split(ctx: registry.KernelContext, h: TensorArrayStore, v: Any, lengths: Any,
           flow: Any) -> Any:
    h.split(v, lengths)
    return flow


@registry.register_kernel("TensorArrayReadV3", stateful=True)
def _read(ctx: registry.KernelContext, h: TensorArrayStore, i: Any, flow: Any) -> Any:
    return h.read(i)


@registry.register_kernel("TensorArrayGatherV3", stateful=True)
def _gather(ctx: registry.KernelContext, h: TensorArrayStore, i: Any, flow: Any) -> Any:
    return h.gather(i)


@registry.register_kernel("TensorArrayConcatV3", stateful=True)
def _concat(ctx: registry.KernelContext, h: TensorArrayStore, flow: Any) -> tuple:
    return h.concat()


@registry.register_kernel("TensorArraySizeV3", stateful=True)
def _size(ctx: registry.KernelContext, h: TensorArrayStore, flow: Any) -> Any:
    return np.int32(h.size)


@registry.register_kernel("TensorArrayCloseV3", stateful=True)
def _close(ctx: registry.KernelContext, h: TensorArrayStore) -> None:
    h.closed = True


@registry.register_kernel("TensorArrayGradV3", stateful=True)
def _grad(ctx: registry.KernelContext, h: TensorArrayStore, flow: Any) -> tuple:
    return h.grad(ctx.attrs["source"]), flow


registry.not_differentiable("TensorArrayV3", "TensorArraySizeV3", "TensorArrayCloseV3",
                            "TensorArrayGradV3")

__all__ = ["TensorArray"]
