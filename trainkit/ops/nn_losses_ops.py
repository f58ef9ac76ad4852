"""Loss ops of ``tk.nn``: l2_loss and the three cross entropies with logits, each a fused,
numerically stable NumPy kernel.

The softmax cross entropies are one op with two outputs, the loss and its gradient
with respect to the logits (``backprop``), as in TF, so the gradient rule only scales it.

Example:
    >>> import trainkit as tk
    >>> loss = tk.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=tk.constant([0]), logits=tk.constant([[0.0, 0.0]]))
    >>> with tk.Session() as s:
    ...     print(round(float(s.run(loss)[0]), 4))
    0.6931
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def _sentinel_check(sentinel: Any, fn: str) -> None:
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=...).")


def _float(x: Any, what: str, dtype: Any = None) -> Tensor:
    t = conversion.convert_to_tensor(x, dtype=dtype) if not isinstance(x, Tensor) else x
    if not t.dtype.is_floating:
        raise TypeError(f"{what} must be a floating-point tensor, got {t.dtype.name} "
                        f"({t.name}).")
    return t


# -- l2_loss ------------------------------------------------------------------------------
def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """``sum(t ** 2) / 2`` as a scalar."""
    x = _float(t, "l2_loss input")
    return make_op("L2Loss", [x], [x.dtype], name=name or "L2Loss",
                   shapes=[TensorShape([])]).outputs[0]


@registry.register_kernel("L2Loss")
def _l2_loss(ctx: registry.KernelContext, x: Any) -> Any:
    x = np.asarray(x)
    return x.dtype.type(np.vdot(x, x) / 2) if x.size else x.dtype.type(0)


# -- sigmoid cross entropy ----------------------------------------------------------------
def sigmoid_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, name: str | None = None) -> Tensor:
    """Elementwise ``-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x))`` for labels ``z``
    and logits ``x``, computed as ``max(x, 0) - x z + log(1 + exp(-|x|))``.

    Raises:
        ValueError: if ``labels`` and ``logits`` have different shapes.
    """
    _sentinel_check(_sentinel, "sigmoid_cross_entropy_with_logits")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    x = _float(logits, "logits")
    z = _float(labels, "labels", dtype=x.dtype)
    if z.dtype is not x.dtype:
        raise TypeError(f"labels dtype {z.dtype.name} does not match logits dtype "
                        f"{x.dtype.name}.")
    if not x.shape.is_compatible_with(z.shape):
        raise ValueError(f"logits and labels must have the same shape ({x.shape} vs "
                         f"{z.shape})")
    return make_op("SigmoidCrossEntropyWithLogits", [x, z], [x.dtype],
                   name=name or "logistic_loss",
                   shapes=[x.shape.merge_with(z.shape)]).outputs[0]


@registry.register_kernel("SigmoidCrossEntropyWithLogits")
def _sigmoid_xent(ctx: registry.KernelContext, x: Any, z: Any) -> Any:
    if np.shape(x) != np.shape(z):
        raise errors.InvalidArgumentError(
            None, None, f"logits and labels must have the same shape: {list(np.shape(x))} vs "
                        f"{list(np.shape(z))}")
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


# -- softmax cross entropy ----------------------------------------------------------------
def softmax_cross_entropy_with_logits_v2(_sentinel: Any = None, labels: Any = None,
                                         logits: Any = None, axis: int = -1,
                                         name: str | None = None,
                                         dim: int | None = None) -> Tensor:
    """``-sum(labels * log_softmax(logits), axis)``; gradients flow into both inputs.

    Labels shaped unlike the logits are accepted as TF accepts them: both flattened to
    ``[-1, classes]`` matrices that broadcast against each other (labels ``[1, n, k]``
    with logits ``[n, k]``, or ``[1, k]`` labels for every row); the loss has the
    logits' outer shape.

    Raises:
        ValueError: if the shapes of ``labels`` and ``logits`` differ and do not
            broadcast as matrices.
    """
    _sentinel_check(_sentinel, "softmax_cross_entropy_with_logits_v2")
    return _softmax_xent(labels, logits, dim if dim is not None else axis, name,
                         stop_labels=False)


def softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1,
                                      name: str | None = None, axis: int | None = None
                                      ) -> Tensor:
    """The TF1 version: like ``_v2`` but no gradient flows into ``labels``."""
    _sentinel_check(_sentinel, "softmax_cross_entropy_with_logits")
    return _softmax_xent(labels, logits, axis if axis is not None else dim, name,
                         stop_labels=True)


def _softmax_xent(labels: Any, logits: Any, axis: int, name: str | None,
                  stop_labels: bool) -> Tensor:
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    x = _float(logits, "logits")
    z = labels if isinstance(labels, Tensor) else conversion.convert_to_tensor(labels)
    if z.dtype is not x.dtype:
        # TF casts the labels to the logits' dtype (float64 or integer labels included).
        from trainkit.ops.cast_ops import cast

        if not (z.dtype.is_floating or z.dtype.is_integer or z.dtype.is_bool):
            raise TypeError(f"labels must be numeric to cast to the logits' dtype "
                            f"{x.dtype.name}, got {z.dtype.name} ({z.name}).")
        z = cast(z, x.dtype)
    if stop_labels:
        from trainkit.ops.array_ops import stop_gradient

        z = stop_gradient(z, name="labels_stop_gradient")
    if not x.shape.is_compatible_with(z.shape):
        return _softmax_xent_matrices(x, z, axis, name)
    shape = x.shape.merge_with(z.shape)
    ax = int(axis)
    if shape.ndims is not None:
        r = shape.ndims
        if r == 0 or not -r <= ax < r:
            raise ValueError(f"softmax_cross_entropy_with_logits: axis {ax} is out of range "
                             f"for logits of shape {shape}.")
        ax %= r
        d = shape.as_list()
        loss_shape = TensorShape(d[:ax] + d[ax + 1:])
    else:
        if ax != -1:
            raise ValueError("softmax_cross_entropy_with_logits: axis other than -1 needs "
                             "logits of known rank.")
        loss_shape = TensorShape(None)
    op = make_op("SoftmaxCrossEntropyWithLogits", [x, z], [x.dtype, x.dtype],
                 name=name or "softmax_cross_entropy_with_logits", attrs={"axis": ax},
                 shapes=[loss_shape, shape])
    return op.outputs[0]


def _broadcast_dim(a: int | None, b: int | None) -> tuple[bool, int | None]:
    """``(ok, dim)``: whether two static sizes broadcast, and the result's size."""
    if a == b or b == 1:
        return True, a
    if a == 1:
        return True, b
    if a is None or b is None:  # an unknown size broadcasts to the known one (> 1)
        return True, b if a is None else a
    return False, None


def _softmax_xent_matrices(x: Tensor, z: Tensor, axis: int, name: str | None) -> Tensor:
    """TF's path for labels shaped unlike the logits: both are flattened to matrices
    (``[-1, classes]``, TF's ``_flatten_outer_dims``), the kernel broadcasts one matrix
    against the other, and the loss takes the logits' outer shape. So labels
    ``[1, n, k]`` (``labels=[one_hot]``) work with logits ``[n, k]``."""
    from trainkit.ops.array_ops import reshape
    from trainkit.ops.array_ops import shape as shape_of

    xd = x.shape.as_list() if x.shape.ndims else None
    zd = z.shape.as_list() if z.shape.ndims else None
    mismatch = ValueError(f"logits and labels must have the same shape or be broadcastable "
                          f"as [-1, classes] matrices, received ({x.shape} vs {z.shape}).")
    if xd is None or zd is None or int(axis) not in (-1, len(xd) - 1):
        raise mismatch

    def rows(d: list) -> int | None:
        return None if None in d[:-1] else int(np.prod(d[:-1], dtype=np.int64))

    ok_rows, n = _broadcast_dim(rows(xd), rows(zd))
    ok_cols, k = _broadcast_dim(xd[-1], zd[-1])
    if not (ok_rows and ok_cols) or xd[-1] is None or zd[-1] is None:
        raise mismatch
    x2 = reshape(x, [-1, xd[-1]])
    z2 = reshape(z, [-1, zd[-1]])
    op = make_op("SoftmaxCrossEntropyWithLogits", [x2, z2], [x.dtype, x.dtype],
                 name=name or "softmax_cross_entropy_with_logits", attrs={"axis": 1},
                 shapes=[TensorShape([n]), TensorShape([n, k])])
    outer = xd[:-1] if None not in xd[:-1] else shape_of(x)[:-1]
    loss = reshape(op.outputs[0], outer)
    # Matrix logits: the loss has the kernel's (broadcast) row count, as TF infers it.
    loss.set_shape([n] if len(xd) == 2 else xd[:-1])
    return loss


@registry.register_kernel("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_kernel(ctx: registry.KernelContext, x: Any, z: Any) -> tuple:
    x, z = np.asarray(x), np.asarray(z)
    if x.shape != z.shape:
        # TF's kernel broadcasts labels and logits when both are matrices.
        try:
            shape = np.broadcast_shapes(x.shape, z.shape) if x.ndim == z.ndim == 2 else None
        except ValueError:
            shape = None
        if shape is None:
            raise errors.InvalidArgumentError(
                None, None, f"logits and labels must be the same size or broadcastable "
                            f"matrices: logits_size={list(x.shape)} "
                            f"labels_size={list(z.shape)}")
        x, z = np.broadcast_to(x, shape), np.broadcast_to(z, shape)
    return softmax_xent_np(x, z, ctx.attrs["axis"])


def _shifted_softmax(x: np.ndarray, ax: int) -> tuple:
    """``(s, p, lse)``: the logits shifted by their maximum (``s <= 0``), the softmax
    ``p`` and ``log(sum(exp(s)))``, with one ``exp`` pass (``p`` is ``exp(s)`` divided in
    place)."""
    s = np.subtract(x, np.max(x, axis=ax, keepdims=True))
    p = np.exp(s)
    total = np.sum(p, axis=ax, keepdims=True)
    p /= total
    return s, p, np.log(total)


def softmax_xent_np(x: np.ndarray, z: np.ndarray, ax: int) -> tuple:
    """``(loss, backprop)`` of the softmax cross entropy of logits ``x`` and labels ``z``
    along ``ax``: ``loss = -sum(z * log_softmax(x))``, ``backprop = softmax(x) - z``.

    One ``exp`` pass, fewer passes and temporaries than ``log_softmax`` then products:
    with ``s = x - max(x)`` and ``lse = log(sum(exp(s)))``, ``loss = sum(z * (lse - s))``
    (``lse - s >= 0``, computed in ``s``'s buffer) and ``backprop`` is the softmax
    ``exp(s) / sum(exp(s))`` minus ``z``, in ``exp(s)``'s buffer.
    """
    s, p, lse = _shifted_softmax(x, ax)
    np.subtract(lse, s, out=s)
    s *= z
    p -= z
    return np.sum(s, axis=ax), p


def sparse_softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                             logits: Any = None, name: str | None = None
                                             ) -> Tensor:
    """``-log_softmax(logits)[..., labels]`` for integer class ``labels`` in
    ``[0, num_classes)``.

    Raises:
        ValueError: if ``labels``' rank is not ``logits``' rank minus one or the shapes
            differ.
        errors.InvalidArgumentError: at run time, for a label outside ``[0, num_classes)``.
    """
    _sentinel_check(_sentinel, "sparse_softmax_cross_entropy_with_logits")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    x = _float(logits, "logits")
    y = conversion.convert_to_tensor(labels)
    if y.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(f"labels must be int32 or int64, got {y.dtype.name} ({y.name}).")
    if x.shape.ndims is not None and y.shape.ndims is not None:
        if y.shape.ndims != x.shape.ndims - 1:
            raise ValueError(f"Rank mismatch: Rank of labels (received {y.shape.ndims}) "
                             f"should equal rank of logits minus 1 (received "
                             f"{x.shape.ndims}).")
        if not y.shape.is_compatible_with(x.shape[:-1]):
            raise ValueError(f"Shape mismatch: The shape of labels (received {y.shape}) "
                             f"should equal the shape of logits except for the last "
                             f"dimension (received {x.shape}).")
    if x.shape.ndims == 0:
        raise ValueError(f"Logits cannot be scalars - received shape {x.shape}.")
    loss_shape = x.shape[:-1].merge_with(y.shape) if x.shape.ndims is not None else y.shape
    op = make_op("SparseSoftmaxCrossEntropyWithLogits", [x, y], [x.dtype, x.dtype],
                 name=name or "SparseSoftmaxCrossEntropyWithLogits",
                 shapes=[loss_shape, x.shape])
    return op.outputs[0]


@registry.register_kernel("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_kernel(ctx: registry.KernelContext, x: Any, y: Any) -> tuple:
    x = np.asarray(x)
    y = np.asarray(y)
    if y.shape != x.shape[:-1]:
        raise errors.InvalidArgumentError(
            None, None, f"logits and labels must have compatible shapes: logits shape "
                        f"{list(x.shape)}, labels shape {list(y.shape)}")
    n = x.shape[-1]
    # one reduction: as unsigned, a negative label is larger than any class count
    if y.size and np.max(y.view(np.dtype(y.dtype.str.replace("i", "u")))) >= n:
        _bad_label(y, n)
    s, p, lse = _shifted_softmax(np.ascontiguousarray(x), -1)  # p.reshape(-1): a view
    # the label's entry of every row by one flat index: fewer NumPy calls than
    # take/put_along_axis (in a training step, after its large kernels, every NumPy call
    # runs cold: CIFAR's 128x10 took 126-130 us in the step, 26 in a loop; now 102-104)
    flat = np.arange(0, y.size * n, n, dtype=np.intp)
    flat += y.reshape(-1)
    loss = lse.reshape(-1) - s.reshape(-1)[flat]
    p.reshape(-1)[flat] -= 1
    return loss.reshape(y.shape).astype(x.dtype, copy=False), p


def _bad_label(y: np.ndarray, n: int) -> None:
    bad = y[(y < 0) | (y >= n)].reshape(-1)[0]
    raise errors.InvalidArgumentError(
        None, None, f"Received a label value of {bad} which is outside the valid range "
                    f"of [0, {n}).  Label values: {' '.join(map(str, y.reshape(-1)))}")


__all__ = ["l2_loss", "sigmoid_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
           "sparse_softmax_cross_entropy_with_logits", "softmax_xent_np"]
