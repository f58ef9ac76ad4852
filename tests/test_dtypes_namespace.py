"""``tk.dtypes`` and the ``uint32``/``uint64`` dtypes, against values recorded with TF 2.21.0
(``tf.compat.v1.dtypes``, graph mode)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

d = tk.dtypes


def test_uint32_and_uint64_are_tfs():
    assert (d.uint32.as_datatype_enum, d.uint64.as_datatype_enum) == (22, 23)
    assert (d.uint32.max, d.uint64.max, d.uint32.min) == (2**32 - 1, 2**64 - 1, 0)
    assert d.uint32.is_unsigned and d.uint64.is_integer and d.uint32.size == 4
    assert d.as_dtype(np.uint32) is d.uint32 is tk.uint32
    assert d.as_dtype("uint64") is d.uint64 is tk.uint64
    assert d.as_dtype(22) is d.uint32
    assert tk.constant(np.array([1], np.uint64)).dtype is tk.uint64


def test_the_namespace_holds_tfs_names():
    for name in ("DType", "QUANTIZED_DTYPES", "as_dtype", "as_string", "bool", "cast",
                 "complex", "complex64", "complex128", "double", "float16", "float32",
                 "float64", "half", "int8", "int16", "int32", "int64", "qint8", "qint16",
                 "qint32", "quint8", "quint16", "resource", "saturate_cast", "string",
                 "uint8", "uint16", "uint32", "uint64", "variant"):
        assert hasattr(d, name), name
    assert d.bool is tk.bool and d.cast is tk.cast and d.float32 is tk.float32


def test_casts_match_tf():
    x = tk.constant(np.array([300, -5, 70000], np.int32))
    ops = [d.saturate_cast(x, d.uint8), d.saturate_cast(x, d.uint16), d.cast(x, d.uint32),
           d.cast(tk.constant(np.array([2**32 + 3], np.int64)), d.uint32),
           d.saturate_cast(tk.constant([1e10, -3.0]), d.uint32),
           d.complex(tk.constant([1.0]), tk.constant([2.0]))]
    with tk.Session() as sess:
        got = sess.run(ops)
    want = [(np.uint8, [255, 0, 255]), (np.uint16, [300, 0, 65535]),
            (np.uint32, [300, 4294967291, 70000]), (np.uint32, [3]),
            (np.uint32, [4294967040, 0]),  # the largest float32 below 2**32, as TF 2.21
            (np.complex64, [1 + 2j])]
    for g, (dtype, values) in zip(got, want, strict=True):
        assert g.dtype == dtype and g.tolist() == values


def test_unknown_dtype_name_is_a_type_error():
    with pytest.raises(TypeError, match="Cannot convert value 'uint128'"):
        d.as_dtype("uint128")
