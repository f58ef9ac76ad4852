"""``tf.bitwise``: and, or, xor, invert and shifts on integer tensors (broadcasting).

Shift amounts are clamped to ``[0, bits - 1]`` as TF's kernels clamp them, so shifting by
the width or more (or by a negative amount) is defined: ``left_shift`` shifts the bits of
the unsigned representation (``int8(1) << 8`` is ``-128``), ``right_shift`` is
arithmetic for signed types (``int8(-128) >> 8`` is ``-1``). The ops have no gradient.

Example:
    >>> import trainkit as tf
    >>> x = tf.bitwise.left_shift(tf.constant([1, 1], tf.int8), tf.constant([7, 9], tf.int8))
    >>> tf.Session().run(x).tolist()   # the shift of 9 is clamped to 7
    [-128, -128]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import binary_op, unary_op

INTEGER = frozenset({_dt.int8, _dt.int16, _dt.int32, _dt.int64, _dt.uint8, _dt.uint16,
                     _dt.uint32, _dt.uint64})


def bitwise_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x & y`` elementwise."""
    return binary_op("BitwiseAnd", x, y, name, INTEGER)


def bitwise_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x | y`` elementwise."""
    return binary_op("BitwiseOr", x, y, name, INTEGER)


def bitwise_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x ^ y`` elementwise."""
    return binary_op("BitwiseXor", x, y, name, INTEGER)


def invert(x: Any, name: str | None = None) -> Tensor:
    """``~x`` elementwise (every bit flipped)."""
    return unary_op("Invert", x, name, INTEGER)


def left_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x << y`` elementwise, ``y`` clamped to ``[0, bits - 1]``."""
    return binary_op("LeftShift", x, y, name, INTEGER)


def right_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x >> y`` elementwise (arithmetic for signed ``x``), ``y`` clamped to
    ``[0, bits - 1]``."""
    return binary_op("RightShift", x, y, name, INTEGER)


@registry.register_kernel("BitwiseAnd")
def _and(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.bitwise_and(x, y)


@registry.register_kernel("BitwiseOr")
def _or(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.bitwise_or(x, y)


@registry.register_kernel("BitwiseXor")
def _xor(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.bitwise_xor(x, y)


@registry.register_kernel("Invert")
def _invert(ctx: registry.KernelContext, x: Any) -> Any:
    return np.invert(x)


def _clamped(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    bits = x.dtype.itemsize * 8
    return np.clip(y, 0, bits - 1).astype(x.dtype)


@registry.register_kernel("LeftShift")
def _left_shift(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    x = np.asarray(x)
    unsigned = np.dtype(f"u{x.dtype.itemsize}")
    # two's-complement bits shifted as unsigned: no overflow, the sign bit can be set
    out = np.left_shift(x.astype(unsigned), _clamped(x, np.asarray(y)).astype(unsigned))
    return np.asarray(out).astype(x.dtype)


@registry.register_kernel("RightShift")
def _right_shift(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    x = np.asarray(x)
    return np.right_shift(x, _clamped(x, np.asarray(y))).astype(x.dtype, copy=False)


registry.not_differentiable("BitwiseAnd", "BitwiseOr", "BitwiseXor", "Invert", "LeftShift",
                            "RightShift")

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
