"""``tk.bitwise`` against values recorded with TF 2.21.0 (``tf.compat.v1.bitwise``, graph
mode): shifts by the width or more, or by negative amounts, are clamped as TF clamps them."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

b = tk.bitwise
I8 = np.array([1, -128, 127, -1, 5], np.int8)
S8 = np.array([0, 1, 7, 8, -1], np.int8)
U8 = np.array([1, 128, 255, 3, 5], np.uint8)
SU = np.array([0, 1, 7, 8, 200], np.uint8)
I32 = np.array([1, -5, 2**30, -2**31, 7], np.int32)
S32 = np.array([31, 32, 33, 100, -3], np.int32)

CASES = {
    "left int8": (lambda: b.left_shift(I8, S8), np.int8, [1, 0, -128, -128, 5]),
    "right int8": (lambda: b.right_shift(I8, S8), np.int8, [1, -64, 0, -1, 5]),
    "left uint8": (lambda: b.left_shift(U8, SU), np.uint8, [1, 0, 128, 128, 128]),
    "right uint8": (lambda: b.right_shift(U8, SU), np.uint8, [1, 64, 1, 0, 0]),
    "left int32": (lambda: b.left_shift(I32, S32), np.int32,
                   [-2147483648, -2147483648, 0, 0, 7]),
    "right int32": (lambda: b.right_shift(I32, S32), np.int32, [0, -1, 0, -1, 7]),
    "invert int8": (lambda: b.invert(I8), np.int8, [-2, 127, -128, 0, -6]),
    "invert uint8": (lambda: b.invert(U8), np.uint8, [254, 127, 0, 252, 250]),
    "and scalar": (lambda: b.bitwise_and(tk.constant(I32), 6), np.int32, [0, 2, 0, 0, 6]),
    "or": (lambda: b.bitwise_or(U8, SU), np.uint8, [1, 129, 255, 11, 205]),
    "xor": (lambda: b.bitwise_xor(I8, S8), np.int8, [1, -127, 120, -9, -6]),
    "broadcast": (lambda: b.bitwise_and(tk.constant([[12], [10]]), tk.constant([6, 3])),
                  np.int32, [[4, 0], [2, 2]]),
    "left uint64": (lambda: b.left_shift(np.array([1, 1], np.uint64),
                                         np.array([63, 64], np.uint64)),
                    np.uint64, [2**63, 2**63]),
    "invert uint64": (lambda: b.invert(np.array([0], np.uint64)), np.uint64, [2**64 - 1]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_tf(name):
    build, dtype, want = CASES[name]
    with tk.Graph().as_default(), tk.Session() as sess:
        got = sess.run(build())
    assert got.dtype == dtype and got.tolist() == want


def test_default_op_names_are_tfs():
    with tk.Graph().as_default():
        names = [f(1, 2).op.name for f in (b.bitwise_and, b.bitwise_or, b.bitwise_xor,
                                            b.left_shift, b.right_shift)]
        assert names == ["BitwiseAnd", "BitwiseOr", "BitwiseXor", "LeftShift", "RightShift"]
        assert b.invert(1).op.name == "Invert"


@pytest.mark.parametrize("build", [
    lambda: b.bitwise_and(tk.constant([1.0]), tk.constant([1.0])),
    lambda: b.invert(tk.constant([1.0])),
    lambda: b.bitwise_or(tk.constant([True]), tk.constant([False])),
])
def test_non_integer_types_are_type_errors(build):
    with tk.Graph().as_default():
        with pytest.raises(TypeError, match="has DataType (float32|bool) not in list of "
                                            "allowed values: int16, int32, int64, int8, "
                                            "uint16, uint32, uint64, uint8"):
            build()


def test_mixed_types_and_shapes_are_rejected_as_tf():
    with tk.Graph().as_default():
        with pytest.raises(TypeError, match="has type int64 that does not match type int32"):
            b.bitwise_and(tk.constant([1]), tk.constant(np.array([1], np.int64)))
        with pytest.raises(ValueError, match=r"Incompatible shapes .*\(2,\) and \(3,\)"):
            b.bitwise_and(tk.constant([1, 2]), tk.constant([1, 2, 3]))


def test_bitwise_ops_are_declared_not_differentiable():
    from trainkit.framework import registry

    for op_type in ("BitwiseAnd", "BitwiseOr", "BitwiseXor", "Invert", "LeftShift",
                    "RightShift"):
        assert registry.get_op_def(op_type).not_differentiable, op_type
