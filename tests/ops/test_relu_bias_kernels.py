"""The chunked kernels of ``ops/relu_bias_kernels.py`` against independent NumPy
references, bitwise: ``ReluGrad`` is ``g * (x > 0)`` (so ``-0.0`` for a negative ``g``
and NaN for an infinite one where ``x <= 0``), ``_FusedBiasAddRelu`` is
``np.maximum(x + b, 0)``; on sizes around the 1 MiB chunk, odd shapes, float16/32/64,
with signed zeros, NaN and infinities, for 1 and 2 kernel threads."""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits as _bits
from tests.bits import specials as _specials
from trainkit.framework import registry
from trainkit.ops import parallel, relu_bias_kernels

RNG = np.random.default_rng(97)
CHUNK_ITEMS32 = relu_bias_kernels.CHUNK_BYTES // 4


class _State:
    def __init__(self) -> None:
        self.resources: dict = {}
        self.lock = threading.Lock()


def _ctx(**attrs):
    return types.SimpleNamespace(attrs=attrs, state=_State(), op=None, name="k", key="k",
                                 session=None)


@pytest.fixture(params=[1, 2])
def threads(request):
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(request.param)
    yield request.param
    parallel.set_kernel_threads(old)


SHAPES = [((5, 3), np.float32), ((64, 64), np.float32),            # unpooled, one call
          ((CHUNK_ITEMS32 + 1,), np.float32),                       # a 1-item last chunk
          ((3, 2 * CHUNK_ITEMS32 // 3 + 7), np.float32),            # 2 chunks + tail
          ((50, 28, 28, 32), np.float32), ((37, 19, 13, 24), np.float32),
          ((700, 1001), np.float64), ((33, 1000, 31), np.float16)]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf * 0, as NumPy
@pytest.mark.parametrize("shape,dtype", SHAPES)
def test_relu_grad_is_bitwise_g_times_mask(shape, dtype, threads):
    g = _specials((RNG.normal(size=shape) * 3).astype(dtype))
    x = _specials(RNG.normal(size=shape).astype(dtype))
    ref = g * (x > 0).astype(dtype)    # an independent formula: a float mask
    kernel, ctx = registry.get_kernel("ReluGrad"), _ctx()
    for _ in range(3):  # pooled output and mask buffers reused
        got = kernel(ctx, g, x)
        assert got.dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_array_equal(_bits(got), _bits(ref))


@pytest.mark.parametrize("shape,dtype", SHAPES)
def test_relu_kernel_is_bitwise_maximum(shape, dtype, threads):
    x = _specials(RNG.normal(size=shape).astype(dtype))
    got = registry.get_kernel("Relu")(_ctx(), x)
    np.testing.assert_array_equal(_bits(got), _bits(np.where(x > 0, x, np.maximum(x, 0))))


def test_relu_grad_of_non_contiguous_and_broadcast_inputs():
    g = RNG.normal(size=(300, 200)).astype(np.float32)
    x = RNG.normal(size=(200, 300)).astype(np.float32).T     # transposed, not contiguous
    got = registry.get_kernel("ReluGrad")(_ctx(), g, x)
    np.testing.assert_array_equal(_bits(got), _bits(g * (x > 0).astype(np.float32)))
    row = RNG.normal(size=(300,)).astype(np.float32)          # broadcast: not pooled
    got = registry.get_kernel("ReluGrad")(_ctx(), g.T, row)
    np.testing.assert_array_equal(_bits(got), _bits(g.T * (row > 0).astype(np.float32)))


def _fused_ref(x: np.ndarray, b: np.ndarray, nchw: bool) -> np.ndarray:
    bb = b.reshape((-1,) + (1,) * (x.ndim - 2)) if nchw else b
    s = x + bb
    return np.where(s > 0, s, np.maximum(s, 0))    # keeps NaN and maximum's signed zero


FUSED_SHAPES = [((3, 5), np.float32, "NHWC"), ((128, 512), np.float32, "NHWC"),
                ((50, 28, 28, 32), np.float32, "NHWC"), ((37, 11, 13, 24), np.float32, "NHWC"),
                ((9, 7, 5, 3000), np.float32, "NHWC"),  # c > the 2048-item tile
                ((1, 300_000), np.float32, "NHWC"),     # one row wider than a chunk
                ((2000, 385), np.float64, "NHWC"), ((70, 7, 7, 3), np.float16, "NHWC"),
                ((20, 64, 30, 31), np.float32, "NCHW"), ((600, 700), np.int32, "NHWC")]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf + -inf, as NumPy
@pytest.mark.parametrize("shape,dtype,fmt", FUSED_SHAPES)
def test_fused_bias_add_relu_kernel_is_bitwise_numpy(shape, dtype, fmt, threads):
    x = (RNG.normal(size=shape) * 4).astype(dtype)
    c = shape[1] if fmt == "NCHW" else shape[-1]
    b = (RNG.normal(size=c) * 4).astype(dtype)
    if x.dtype.kind == "f":
        _specials(x)
        _specials(b)
    kernel, ctx = registry.get_kernel("_FusedBiasAddRelu"), _ctx(data_format=fmt)
    ref = _fused_ref(x, b, fmt == "NCHW")
    unfused = registry.get_kernel("Relu")(
        _ctx(), registry.get_kernel("BiasAdd")(_ctx(data_format=fmt), x, b))
    np.testing.assert_array_equal(_bits(unfused), _bits(ref))
    for _ in range(2):
        got = kernel(ctx, x, b)
        assert got.dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_array_equal(_bits(got), _bits(ref))


def test_fused_kernel_checks_the_bias_size():
    with pytest.raises(tk.errors.InvalidArgumentError, match="as many biases"):
        registry.get_kernel("_FusedBiasAddRelu")(_ctx(data_format="NHWC"),
                                                 np.ones((4, 3), np.float32),
                                                 np.ones(2, np.float32))


def test_chunking_is_fixed_by_the_shape():
    seen: list[list] = []
    for t in (1, 2):
        old = parallel.kernel_threads()
        parallel.set_kernel_threads(t)
        try:
            calls: list = []
            lock = threading.Lock()

            def work(s, e, calls=calls, lock=lock):
                with lock:
                    calls.append((s, e))

            per = relu_bias_kernels.for_chunks(3 * CHUNK_ITEMS32 + 5, 4, work, "t")
        finally:
            parallel.set_kernel_threads(old)
        seen.append(sorted(calls))
    assert per == CHUNK_ITEMS32
    assert seen[0] == seen[1] == [(0, per), (per, 2 * per), (2 * per, 3 * per),
                                  (3 * per, 3 * per + 5)]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("shape,dtype,fmt", FUSED_SHAPES)
def test_in_place_fused_kernel_is_bitwise_and_writes_only_eligible_inputs(shape, dtype, fmt,
                                                                          threads):
    x = (RNG.normal(size=shape) * 4).astype(dtype)
    c = shape[1] if fmt == "NCHW" else shape[-1]
    b = (RNG.normal(size=c) * 4).astype(dtype)
    if x.dtype.kind == "f":
        _specials(x)
        _specials(b)
    ref = _fused_ref(x, b, fmt == "NCHW")
    xin = x.copy()
    got = registry.get_kernel("_FusedBiasAddReluInPlace")(_ctx(data_format=fmt), xin, b)
    np.testing.assert_array_equal(_bits(got), _bits(ref))
    assert (got is xin) == (fmt == "NHWC")
    if fmt == "NCHW":
        np.testing.assert_array_equal(_bits(xin), _bits(x))
    ro = x.copy()
    ro.flags.writeable = False                         # never written
    got = registry.get_kernel("_FusedBiasAddReluInPlace")(_ctx(data_format=fmt), ro, b)
    np.testing.assert_array_equal(_bits(got), _bits(ref))
    np.testing.assert_array_equal(_bits(ro), _bits(x))
