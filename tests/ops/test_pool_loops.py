"""The compiled pooling loops (``ops/pool_loops.py``) against the NumPy stride-plane
kernels they stand in for (``pool_planes.py``, ``pool_avg.py``): bitwise the same
``MaxPool``, ``MaxPoolGrad``, ``AvgPool`` and ``AvgPoolGrad`` results for VALID and SAME
padding, overlapping, tiling and gapped windows, odd sizes, float32/float64 (and a
float64 input with a float32 gradient), inputs with NaN, +-inf, +0/-0 and tied maxima,
gradients with inf, NaN and -0, on 1 and 2 kernel threads with one or several images
per chunk. TF's own semantics are checked against loop oracles in
``test_pool_planes.py`` and ``tests/autodiff/test_nn_grad.py``, which run on whichever
backend ``TRAINKIT_JIT`` selects.
"""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.client.state import SessionState
from trainkit.ops import conv_ops, jit, parallel, pool_loops, pool_ops

pytest.importorskip("numba")

RNG = np.random.default_rng(29)

#: (kernel, strides, padding): overlapping, tiling, gapped, 1-wide, larger than stride
GEOMETRIES = [((3, 3), (2, 2), "SAME"), ((3, 3), (2, 2), "VALID"), ((2, 2), (2, 2), "SAME"),
              ((2, 2), (3, 3), "VALID"), ((3, 2), (1, 2), "SAME"), ((2, 3), (3, 1), "SAME"),
              ((4, 4), (3, 3), "SAME"), ((1, 3), (2, 1), "SAME"), ((5, 5), (2, 2), "SAME"),
              ((1, 1), (1, 1), "VALID")]


class _Ctx:
    def __init__(self, attrs: dict) -> None:
        self.state = SessionState()
        self.attrs = attrs


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)   # keep the helpers working
    prev = jit.set_backend(None)
    jit.set_backend(prev)
    yield
    parallel.set_kernel_threads(None)
    jit.set_backend(prev)


def _input(shape, dtype):
    x = RNG.integers(-2, 3, size=shape).astype(dtype)     # many tied maxima
    x[x == -2] = -0.0
    x[x == 2] = RNG.normal(size=int((x == 2).sum()))
    x[0, 0, 0, 0] = np.nan
    x[-1, 1, :, -1] = -np.nan                               # a NaN of the other sign
    bits = x.view(np.uint32 if x.dtype == np.float32 else np.uint64)
    bits[1, 2:4, 1:3, 0] = np.array(np.nan, x.dtype).view(bits.dtype) | 1   # a payload
    x[1, :, :, 1] = -np.inf                                 # whole -inf windows
    x[0, -1, -1, :] = np.inf
    x[-1, 0, 0, :] = -0.0
    x[-1, 0, 1, :] = 0.0
    return x


def _grad(shape, dtype):
    dy = RNG.normal(size=shape).astype(dtype)
    dy[0, 0, 0, 2] = np.inf
    dy[1, -1, 0, 0] = np.nan
    dy[-1, 0, -1, 1] = -np.inf
    dy[0, -1, -1, :] = -0.0
    return dy


def _runs(monkeypatch, fn, calls):
    """``fn()`` on the NumPy path, then compiled on 1 and 2 kernel threads with one or
    several images per chunk; checks that the compiled runs went through ``calls``."""
    jit.set_backend("numpy")
    parallel.set_kernel_threads(1)
    out = [np.array(fn())]
    assert calls == [0]
    jit.set_backend("numba")
    for chunk in (pool_loops.CHUNK_BYTES, 1):
        monkeypatch.setattr(pool_loops, "CHUNK_BYTES", chunk)
        for threads in (1, 2):
            parallel.set_kernel_threads(threads)
            out.append(np.array(fn()))
    assert calls == [4]
    return out


def _counted(monkeypatch, name):
    calls = [0]
    real = getattr(pool_loops, name)

    def spy(*args):
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(pool_loops, name, spy)
    return calls


def _same_bits(results, what):
    want = results[0]
    for i, got in enumerate(results[1:]):
        assert got.dtype == want.dtype and got.shape == want.shape, what
        assert np.array_equal(got.view(np.uint8), want.view(np.uint8)), (
            f"{what}, compiled run {i}: differs at "
            f"{np.argwhere(got.view(np.uint8) != want.view(np.uint8))[:3].tolist()}")


def _attrs(k, s, padding, fmt="NHWC"):
    return {"ksize_hw": k, "strides_hw": s, "padding": padding, "data_format": fmt}


@pytest.mark.parametrize("k,s,padding", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_and_gradient_are_the_numpy_bits(monkeypatch, k, s, padding, dtype):
    x = _input((3, 7, 9, 3), dtype)
    g = conv_ops._geometry(7, 9, *k, _attrs(k, s, padding))
    dy = _grad((3, g.oh, g.ow, 3), dtype)
    ctx = _Ctx(_attrs(k, s, padding))
    calls = _counted(monkeypatch, "max_pool")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_kernel(ctx, x), calls),
               f"MaxPool {k} {s} {padding}")
    calls = _counted(monkeypatch, "max_pool_grad")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(ctx, x, None, dy),
                     calls), f"MaxPoolGrad {k} {s} {padding}")


@pytest.mark.parametrize("k,s,padding", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avg_pool_and_gradient_are_the_numpy_bits(monkeypatch, k, s, padding, dtype):
    x = _input((3, 7, 9, 3), dtype)
    g = conv_ops._geometry(7, 9, *k, _attrs(k, s, padding))
    dy = _grad((3, g.oh, g.ow, 3), dtype)
    ctx = _Ctx(_attrs(k, s, padding))
    calls = _counted(monkeypatch, "avg_pool")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._avg_pool_kernel(ctx, x), calls),
               f"AvgPool {k} {s} {padding}")
    calls = _counted(monkeypatch, "avg_pool_grad")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._avg_pool_grad_kernel(
        ctx, np.array(x.shape), dy), calls), f"AvgPoolGrad {k} {s} {padding}")


def test_nchw_and_a_float32_gradient_of_a_float64_input(monkeypatch):
    k, s = (3, 3), (2, 2)
    x = _input((4, 8, 7, 5), np.float64)
    dy = _grad((4, 4, 4, 5), np.float32)
    nchw = _Ctx(_attrs(k, s, "SAME", "NCHW"))
    xt, dyt = x.transpose(0, 3, 1, 2), dy.transpose(0, 3, 1, 2)
    calls = _counted(monkeypatch, "max_pool_grad")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(nchw, xt, None, dyt),
                     calls), "MaxPoolGrad NCHW, float32 dy")
    calls = _counted(monkeypatch, "max_pool")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_kernel(nchw, xt), calls),
               "MaxPool NCHW")


def test_relu_like_benchmark_shape_any_threads(monkeypatch):
    """A CIFAR-like pool (fewer images and channels): mostly +0 ties, several chunks."""
    x = np.maximum(RNG.normal(size=(9, 24, 24, 16)), 0).astype(np.float32)
    x[::2, ::3, ::5, ::2] = np.round(x[::2, ::3, ::5, ::2])
    dy = RNG.normal(size=(9, 12, 12, 16)).astype(np.float32)
    ctx = _Ctx(_attrs((3, 3), (2, 2), "SAME"))
    calls = _counted(monkeypatch, "max_pool_grad")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(ctx, x, None, dy),
                     calls), "MaxPoolGrad CIFAR-like")


def test_other_dtypes_and_the_numpy_backend_take_the_numpy_kernels():
    jit.set_backend("numba")
    f32 = np.zeros((1, 2, 2, 1), np.float32)
    assert pool_loops.usable(f32, f32.astype(np.float64))
    assert not pool_loops.usable(f32.astype(np.float16))
    assert not pool_loops.usable(f32, f32.astype(np.float16))
    assert not pool_loops.usable(f32.astype(np.int32))
    jit.set_backend("numpy")
    assert not pool_loops.usable(f32)


@pytest.mark.parametrize("shape", [(0, 5, 5, 3), (2, 5, 5, 0), (1, 1, 1, 1)])
def test_empty_and_single_pixel_inputs(monkeypatch, shape):
    x = RNG.normal(size=shape).astype(np.float32)
    ctx = _Ctx(_attrs((2, 2), (2, 2), "SAME"))
    dy = RNG.normal(size=(shape[0], 3 if shape[1] == 5 else 1,
                          3 if shape[1] == 5 else 1, shape[3])).astype(np.float32)
    calls = _counted(monkeypatch, "max_pool")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_kernel(ctx, x), calls),
               f"MaxPool {shape}")
    calls = _counted(monkeypatch, "max_pool_grad")
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(ctx, x, None, dy),
                     calls), f"MaxPoolGrad {shape}")
