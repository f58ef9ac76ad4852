"""Data types: ``DType`` objects that mirror ``tf.DType`` and map to NumPy dtypes.

Strings are stored as NumPy ``object`` arrays holding ``bytes``.

Example:
    >>> as_dtype("float32") is float32
    True
    >>> float32.as_numpy_dtype
    <class 'numpy.float32'>
"""

from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type (``tk.float32``, ``tk.int64``, ``tk.string``, ...)."""

    __slots__ = ("_name", "_np", "_enum")

    def __init__(self, name: str, np_type: type, enum: int):
        self._name = name
        self._np = np_type
        self._enum = enum

    @property
    def name(self) -> str:
        """The TF name, e.g. ``'float32'``."""
        return self._name

    @property
    def as_numpy_dtype(self) -> type:
        """The NumPy scalar type (``np.object_`` for strings)."""
        return self._np

    @property
    def np_dtype(self) -> np.dtype:
        """The ``numpy.dtype`` used for arrays of this type."""
        return np.dtype(self._np)

    @property
    def as_datatype_enum(self) -> int:
        """The ``DT_*`` enum value of TF's ``types.proto``."""
        return self._enum

    @property
    def base_dtype(self) -> DType:
        """This dtype (trainkit has no reference dtypes)."""
        return self

    @property
    def real_dtype(self) -> DType:
        """The dtype of the real and imaginary parts (float32 for complex64, else itself)."""
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    @property
    def is_floating(self) -> bool:
        return self._name.startswith("float")

    @property
    def is_integer(self) -> bool:
        return self._name.startswith(("int", "uint"))

    @property
    def is_unsigned(self) -> bool:
        return self._name.startswith("uint") or self._name == "bool"

    @property
    def is_bool(self) -> bool:
        return self._name == "bool"

    @property
    def is_numeric(self) -> bool:
        return self.is_floating or self.is_integer

    @property
    def is_quantized(self) -> bool:
        """True for ``qint8``, ``quint8``, ``qint16``, ``quint16`` and ``qint32``."""
        return self._name in _QUANTIZED

    @property
    def is_complex(self) -> bool:
        return self._name.startswith("complex")

    @property
    def min(self) -> Any:
        """Smallest representable value."""
        if self.is_floating:
            return np.finfo(self._np).min
        if self.is_integer:
            return np.iinfo(self._np).min
        raise TypeError(f"Cannot find minimum value of {self._name}.")

    @property
    def max(self) -> Any:
        """Largest representable value."""
        if self.is_floating:
            return np.finfo(self._np).max
        if self.is_integer:
            return np.iinfo(self._np).max
        raise TypeError(f"Cannot find maximum value of {self._name}.")

    @property
    def size(self) -> int:
        """Bytes per element (1 for strings, as a placeholder)."""
        return 1 if self._name == "string" else np.dtype(self._np).itemsize

    def is_compatible_with(self, other: Any) -> bool:
        return as_dtype(other) is self

    def __repr__(self) -> str:
        return f"tk.{self._name}"

    def __reduce__(self):
        return (as_dtype, (self._name,))


float16 = DType("float16", np.float16, 19)
half = float16
float32 = DType("float32", np.float32, 1)
float64 = DType("float64", np.float64, 2)
double = float64
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
uint32 = DType("uint32", np.uint32, 22)
uint64 = DType("uint64", np.uint64, 23)
bool_ = DType("bool", np.bool_, 10)
complex64 = DType("complex64", np.complex64, 8)
complex128 = DType("complex128", np.complex128, 18)
string = DType("string", np.object_, 7)
# Opaque handles: a TensorArray's handle (resource) and a while loop's saved iterations
# (variant). Their values are Python objects; they are never fed, fetched or converted.
resource = DType("resource", np.object_, 20)
variant = DType("variant", np.object_, 21)

# Quantized types (TF's ``tf.quint8`` & co.): values are held in the NumPy integer type of
# the same width, but NumPy dtypes never map back to them (uint8 stays ``tk.uint8``).
qint8 = DType("qint8", np.int8, 11)
quint8 = DType("quint8", np.uint8, 12)
qint32 = DType("qint32", np.int32, 13)
qint16 = DType("qint16", np.int16, 15)
quint16 = DType("quint16", np.uint16, 16)
_QUANTIZED_LIST = (qint8, quint8, qint16, quint16, qint32)
QUANTIZED_DTYPES = frozenset(_QUANTIZED_LIST)
_QUANTIZED = frozenset(d.name for d in _QUANTIZED_LIST)

ALL_DTYPES = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32,
              uint64, bool_, string, complex64, complex128)
_BY_NAME: dict[str, DType] = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update({"half": float16, "float": float32, "double": float64, "bool_": bool_})
_BY_NAME.update({"resource": resource, "variant": variant})
_BY_NAME.update({d.name: d for d in _QUANTIZED_LIST})
_BY_ENUM: dict[int, DType] = {d.as_datatype_enum: d
                              for d in ALL_DTYPES + (resource, variant) + _QUANTIZED_LIST}
_BY_NP: dict[Any, DType] = {np.dtype(d.as_numpy_dtype): d for d in ALL_DTYPES
                            if d is not string}


def as_dtype(type_value: Any) -> DType:
    """Converts a ``DType``, NumPy dtype/type, Python type, name or enum to a ``DType``.

    Raises:
        TypeError: if the value does not name a supported type.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        try:
            return _BY_NAME[type_value]
        except KeyError:
            raise TypeError(f"Cannot convert value {type_value!r} to a trainkit DType.") from None
    if isinstance(type_value, int) and not isinstance(type_value, bool):
        try:
            return _BY_ENUM[type_value]
        except KeyError:
            raise TypeError(f"Cannot convert enum {type_value} to a trainkit DType.") from None
    if type_value is bool:
        return bool_
    if type_value is int:
        return int32
    if type_value is float:
        return float32
    if type_value in (bytes, str, np.bytes_, np.str_, object, np.object_):
        return string
    try:
        npd = np.dtype(type_value)
    except TypeError:
        raise TypeError(f"Cannot convert value {type_value!r} to a trainkit DType.") from None
    if npd.kind in ("S", "U", "O"):
        return string
    try:
        return _BY_NP[npd]
    except KeyError:
        raise TypeError(f"Unsupported NumPy dtype {npd} for a trainkit tensor.") from None


def dtype_of_value(value: Any) -> DType:
    """The dtype TF infers for a Python/NumPy value (Python floats -> float32, ints -> int32)."""
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind in ("S", "U", "O"):
            return string
        if value.dtype == np.int64 and isinstance(value, np.generic):
            return int64
        return as_dtype(value.dtype)
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int32 if -(2**31) <= value < 2**31 else int64
    if isinstance(value, float):
        return float32
    if isinstance(value, bytes | str):
        return string
    arr = np.asarray(value)
    if arr.dtype.kind in ("S", "U", "O"):
        return string
    if arr.dtype == np.float64:
        return float32
    if arr.dtype == np.int64:
        return int32 if arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31) \
            else int64
    return as_dtype(arr.dtype)


def to_string_array(value: Any) -> np.ndarray:
    """Converts strings/bytes (nested) to an object array of ``bytes``."""
    arr = np.asarray(value, dtype=object)
    flat = arr.reshape(-1)
    for i, v in enumerate(flat):
        if isinstance(v, str):
            flat[i] = v.encode("utf-8")
        elif isinstance(v, np.bytes_ | np.str_):
            flat[i] = bytes(v) if isinstance(v, np.bytes_) else str(v).encode("utf-8")
        elif not isinstance(v, bytes):
            raise TypeError(f"Expected a string or bytes value, got {v!r}.")
    return flat.reshape(arr.shape)


__all__ = [
    "DType", "as_dtype", "float16", "half", "float32", "float64", "double", "int8", "int16",
    "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool_", "string", "dtype_of_value",
    "to_string_array", "resource", "variant", "complex64", "complex128", "qint8", "quint8",
    "qint16", "quint16", "qint32", "QUANTIZED_DTYPES",
]
