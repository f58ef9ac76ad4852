"""Discrete Fourier transforms over a tensor's innermost 1, 2 or 3 dimensions.

``fft``/``ifft`` (and the 2-D, 3-D forms) map complex64/complex128 to the same dtype;
``rfft`` maps float32/float64 to complex64/complex128 keeping the ``fft_length // 2 + 1``
non-negative frequencies of the last dimension, ``irfft`` is its inverse (the input's
inner dimensions are cropped or zero-padded to ``fft_length``, as TF). Gradients
(trainkit/autodiff/fft_grad.py) are the adjoints of these linear maps under
``Re <u, v>``, which is TF's convention for complex gradients.

Example:
    >>> spec = tk.spectral.rfft(signal)                       # [..., n // 2 + 1] complex64
    >>> back = tk.spectral.irfft(spec, fft_length=[n])        # [..., n] float32
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value

# op type -> (number of transformed inner dims, inverse?)
COMPLEX_OPS = {"FFT": (1, False), "IFFT": (1, True), "FFT2D": (2, False),
               "IFFT2D": (2, True), "FFT3D": (3, False), "IFFT3D": (3, True)}
REAL_TO_COMPLEX = {"RFFT": 1, "RFFT2D": 2, "RFFT3D": 3}
COMPLEX_TO_REAL = {"IRFFT": 1, "IRFFT2D": 2, "IRFFT3D": 3}
_COMPLEX_OF = {_dt.float32: _dt.complex64, _dt.float64: _dt.complex128}


def _axes(rank: int) -> tuple[int, ...]:
    return tuple(range(-rank, 0))


def _check_rank(x: Tensor, rank: int, op_type: str, nm: str) -> None:
    if x.shape.ndims is not None and x.shape.ndims < rank:
        raise ValueError(f"Shape must be at least rank {rank} but is rank {x.shape.ndims} "
                         f"for '{nm}' ({op_type}) with input shape {x.shape}.")


def complex_fft(op_type: str, input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The complex ``op_type`` transform (``"FFT"``, ``"IFFT2D"``, ...) of ``input``.

    Raises:
        TypeError: if ``input`` is not complex64/complex128.
        ValueError: if its rank is statically below the transform's.
    """
    rank = COMPLEX_OPS[op_type][0]
    x = conversion.convert_to_tensor(input, name="input")
    if not x.dtype.is_complex:
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not "
                        "in list of allowed values: complex64, complex128")
    nm = name or op_type
    _check_rank(x, rank, op_type, nm)
    return make_op(op_type, [x], [x.dtype], name=nm, attrs={"Tcomplex": x.dtype},
                   shapes=[x.shape]).outputs[0]


def _fft_length(x: Tensor, fft_length: Any, rank: int, inverse: bool) -> Tensor:
    """``fft_length`` as an int32 tensor, inferred from ``x``'s shape when ``None``."""
    if fft_length is not None:
        return conversion.convert_to_tensor(fft_length, dtype=_dt.int32, name="fft_length")
    dims = x.shape.as_list()[-rank:] if x.shape.ndims is not None else [None]
    if None not in dims:
        if inverse:
            dims = dims[:-1] + [2 * (dims[-1] - 1)]
        return conversion.convert_to_tensor(np.asarray(dims, np.int32), name="fft_length")
    inner = array_ops.shape(x)[-rank:]
    if not inverse:
        return inner
    return array_ops.concat([inner[:-1], 2 * (inner[-1:] - 1)], 0)


def _out_shape(x: Tensor, lengths: Any, rank: int, inverse: bool) -> TensorShape:
    if x.shape.ndims is None:
        return TensorShape(None)
    outer = x.shape.as_list()[:-rank]
    if lengths is None:
        return TensorShape(outer + [None] * rank)
    dims = [int(d) for d in lengths]
    if not inverse:
        dims[-1] = dims[-1] // 2 + 1
    return TensorShape(outer + dims)


def real_fft(op_type: str, input_tensor: Any, fft_length: Any = None,
             name: str | None = None) -> Tensor:
    """The real-input (``"RFFT*"``) or real-output (``"IRFFT*"``) transform.

    Raises:
        ValueError: for an input of the wrong kind (TF: "RFFT requires tf.float32 or
            tf.float64 inputs"), a rank below the transform's, or a static ``fft_length``
            that is not a vector of that many entries.
    """
    inverse = op_type in COMPLEX_TO_REAL
    rank = COMPLEX_TO_REAL[op_type] if inverse else REAL_TO_COMPLEX[op_type]
    x = conversion.convert_to_tensor(input_tensor, name="input_tensor")
    kind = "IRFFT" if inverse else "RFFT"
    ok = x.dtype.is_complex if inverse else x.dtype in _COMPLEX_OF
    if not ok:
        allowed = "tf.complex64 or tf.complex128" if inverse else "tf.float32 or tf.float64"
        raise ValueError(f"{kind} requires {allowed} inputs, got: {x}")
    nm = name or op_type.lower()
    _check_rank(x, rank, op_type, nm)
    lengths = _fft_length(x, fft_length, rank, inverse)
    static = constant_value(lengths)
    if lengths.shape.ndims not in (None, 1) or (
            lengths.shape.ndims == 1 and lengths.shape[0] not in (None, rank)):
        raise ValueError(f"Dimension must be {rank} but is {lengths.shape} for '{nm}' "
                         f"({op_type}): fft_length must be a vector of {rank} lengths.")
    out_dtype = x.dtype.real_dtype if inverse else _COMPLEX_OF[x.dtype]
    shape = _out_shape(x, None if static is None else np.reshape(static, [-1]), rank, inverse)
    attrs = {"Treal": out_dtype if inverse else x.dtype,
             "Tcomplex": x.dtype if inverse else out_dtype}  # TF's attrs, for GraphDefs
    return make_op(op_type, [x, lengths], [out_dtype], name=nm, attrs=attrs,
                   shapes=[shape]).outputs[0]


def _kernel_lengths(lengths: Any, rank: int) -> tuple[int, ...]:
    lengths = np.asarray(lengths)
    if lengths.shape != (rank,) or (lengths < 0).any():
        raise errors.InvalidArgumentError(
            None, None, f"fft_length must be a vector of {rank} non-negative lengths, "
            f"got {lengths.tolist()}")
    return tuple(int(n) for n in lengths)


def crop_or_pad(x: np.ndarray, dims: Any) -> np.ndarray:
    """``x`` with its last ``len(dims)`` axes cut or zero-padded to ``dims``."""
    rank = len(dims)
    x = x[(Ellipsis,) + tuple(slice(0, int(n)) for n in dims)]
    pad = [(0, 0)] * (x.ndim - rank) + [(0, int(n) - m) for n, m in
                                        zip(dims, x.shape[-rank:], strict=True)]
    return np.pad(x, pad) if any(p for _, p in pad) else x


def _c2c_kernel(op_type: str) -> Any:
    rank, inverse = COMPLEX_OPS[op_type]

    def kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
        x = np.asarray(x)
        fn = np.fft.ifftn if inverse else np.fft.fftn
        return fn(x, axes=_axes(rank)).astype(x.dtype, copy=False)
    return kernel


def _r2c_kernel(op_type: str) -> Any:
    rank = REAL_TO_COMPLEX[op_type]

    def kernel(ctx: registry.KernelContext, x: Any, lengths: Any) -> np.ndarray:
        x = np.asarray(x)
        dims = _kernel_lengths(lengths, rank)
        out = np.fft.rfftn(crop_or_pad(x, dims), axes=_axes(rank)) if all(dims) else \
            np.zeros(x.shape[:-rank] + dims[:-1] + (dims[-1] // 2 + 1,), np.complex128)
        return out.astype(_COMPLEX_OF[_dt.as_dtype(x.dtype)].np_dtype, copy=False)
    return kernel


def _c2r_kernel(op_type: str) -> Any:
    rank = COMPLEX_TO_REAL[op_type]

    def kernel(ctx: registry.KernelContext, x: Any, lengths: Any) -> np.ndarray:
        x = np.asarray(x)
        dims = _kernel_lengths(lengths, rank)
        real = np.float32 if x.dtype == np.complex64 else np.float64
        if not all(dims):
            return np.zeros(x.shape[:-rank] + dims, real)
        half = crop_or_pad(x, dims[:-1] + (dims[-1] // 2 + 1,))
        return np.fft.irfftn(half, s=dims, axes=_axes(rank)).astype(real, copy=False)
    return kernel


for _t in COMPLEX_OPS:
    registry.register_kernel(_t)(_c2c_kernel(_t))
for _t in REAL_TO_COMPLEX:
    registry.register_kernel(_t)(_r2c_kernel(_t))
for _t in COMPLEX_TO_REAL:
    registry.register_kernel(_t)(_c2r_kernel(_t))


def fft(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 1-D discrete Fourier transform over the innermost dimension."""
    return complex_fft("FFT", input, name)


def ifft(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 1-D inverse discrete Fourier transform over the innermost dimension."""
    return complex_fft("IFFT", input, name)


def fft2d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 2-D discrete Fourier transform over the 2 innermost dimensions."""
    return complex_fft("FFT2D", input, name)


def ifft2d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 2-D inverse discrete Fourier transform over the 2 innermost dimensions."""
    return complex_fft("IFFT2D", input, name)


def fft3d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 3-D discrete Fourier transform over the 3 innermost dimensions."""
    return complex_fft("FFT3D", input, name)


def ifft3d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The 3-D inverse discrete Fourier transform over the 3 innermost dimensions."""
    return complex_fft("IFFT3D", input, name)


def rfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The 1-D FFT of a real signal: ``fft_length[0] // 2 + 1`` complex frequencies."""
    return real_fft("RFFT", input_tensor, fft_length, name)


def irfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The real signal of length ``fft_length[0]`` whose ``rfft`` is ``input_tensor``
    (default length ``2 * (inner - 1)``)."""
    return real_fft("IRFFT", input_tensor, fft_length, name)


def rfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The 2-D FFT of a real signal over its 2 innermost dimensions."""
    return real_fft("RFFT2D", input_tensor, fft_length, name)


def irfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The inverse of ``rfft2d``: a real signal of shape ``fft_length``."""
    return real_fft("IRFFT2D", input_tensor, fft_length, name)


def rfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The 3-D FFT of a real signal over its 3 innermost dimensions."""
    return real_fft("RFFT3D", input_tensor, fft_length, name)


def irfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """The inverse of ``rfft3d``: a real signal of shape ``fft_length``."""
    return real_fft("IRFFT3D", input_tensor, fft_length, name)


__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "complex_fft", "real_fft", "crop_or_pad", "COMPLEX_OPS",
           "REAL_TO_COMPLEX", "COMPLEX_TO_REAL"]
