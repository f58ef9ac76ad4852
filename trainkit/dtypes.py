"""``trainkit.dtypes`` (``tf.dtypes``): the dtype objects, ``as_dtype`` and the casts.
Re-exports only.

Differs from TF: there is no ``bfloat16`` (NumPy has no such type).
"""

from __future__ import annotations

from trainkit.framework.dtypes import (
    QUANTIZED_DTYPES,
    DType,
    as_dtype,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    qint8,
    qint16,
    qint32,
    quint8,
    quint16,
    resource,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
    variant,
)
from trainkit.framework.dtypes import bool_ as bool  # noqa: A004 - TF's public name
from trainkit.ops.cast_ops import cast
from trainkit.ops.complex_ops import complex  # noqa: A004 - TF's public name
from trainkit.ops.misc_ops import saturate_cast
from trainkit.ops.string_ops import as_string

__all__ = ["QUANTIZED_DTYPES", "DType", "as_dtype", "as_string", "bool", "cast", "complex",
           "complex64", "complex128", "double", "float16", "float32", "float64", "half",
           "int8", "int16", "int32", "int64", "qint8", "qint16", "qint32", "quint8",
           "quint16", "resource", "saturate_cast", "string", "uint8", "uint16", "uint32",
           "uint64", "variant"]
