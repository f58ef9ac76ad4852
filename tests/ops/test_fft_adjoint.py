"""The real transforms' gradients (FFTAdjoint) against dense float64 adjoints: the RFFT
adjoint runs as a half-size irfft, so its DC/Nyquist handling and odd lengths are pinned
down here for float32 and float64."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _rfft_matrix(n_in: int, n: int) -> np.ndarray:
    """``A`` with ``rfft(x cropped or padded to n) = A @ x``."""
    k = np.arange(n // 2 + 1)[:, None]
    t = np.arange(n_in)[None, :]
    return np.where(t < n, np.exp(-2j * np.pi * k * t / n), 0.0)


def _grad(op, x, g, dtype, lengths):
    xt = tk.placeholder(dtype, x.shape)
    y = op(xt, lengths)
    (gx,) = tk.gradients(y, xt, grad_ys=tk.constant(g.astype(y.dtype.as_numpy_dtype)))
    with tk.Session() as sess:
        return sess.run(gx, {xt: x.astype(dtype.as_numpy_dtype)})


@pytest.mark.parametrize("n_in, n", [(8, 8), (7, 7), (5, 8), (9, 6), (6, 1), (10, 2)])
@pytest.mark.parametrize("dtype", [tk.float32, tk.float64])
def test_rfft_gradient_is_the_dense_adjoint(n_in, n, dtype):
    rng = np.random.default_rng(n_in * 10 + n)
    x = rng.standard_normal((3, n_in))
    g = rng.standard_normal((3, n // 2 + 1)) + 1j * rng.standard_normal((3, n // 2 + 1))
    want = np.real(g @ np.conj(_rfft_matrix(n_in, n)))  # Re(A^H g), row by row
    got = _grad(tk.spectral.rfft, x, g, dtype, [n])
    assert got.dtype == dtype.as_numpy_dtype
    tol = 2e-5 if dtype is tk.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("n", [6, 7])
@pytest.mark.parametrize("dtype", [tk.float32, tk.float64])
def test_irfft_gradient_is_the_dense_adjoint(n, dtype):
    rng = np.random.default_rng(n)
    m = n // 2 + 1
    z = rng.standard_normal((2, m)) + 1j * rng.standard_normal((2, m))
    g = rng.standard_normal((2, n))
    # irfft as a real-linear map of (Re z, Im z): columns from unit inputs
    cols = [np.fft.irfft(np.eye(m)[j] * s, n) for s in (1, 1j) for j in range(m)]
    basis = np.stack(cols, 1)  # [n, 2m]
    adj = g @ basis  # d<g, irfft(z)> / d(Re z, Im z)
    want = adj[:, :m] + 1j * adj[:, m:]
    got = _grad(tk.spectral.irfft, z, g, tk.complex64 if dtype is tk.float32 else
                tk.complex128, [n])
    tol = 2e-5 if dtype is tk.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("dims", [(4, 6), (3, 5), (2, 3, 4)])
def test_multi_dimensional_rfft_gradient_matches_the_complex_formula(dims):
    rng = np.random.default_rng(len(dims))
    rank = len(dims)
    x = rng.standard_normal((2,) + dims)
    half = dims[:-1] + (dims[-1] // 2 + 1,)
    g = rng.standard_normal((2,) + half) + 1j * rng.standard_normal((2,) + half)
    full = np.zeros((2,) + dims, complex)
    full[(Ellipsis,) + tuple(slice(0, h) for h in half)] = g
    want = np.fft.ifftn(full, axes=tuple(range(-rank, 0)), norm="forward").real
    op = {2: tk.spectral.rfft2d, 3: tk.spectral.rfft3d}[rank]
    got = _grad(op, x, g, tk.float64, list(dims))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
