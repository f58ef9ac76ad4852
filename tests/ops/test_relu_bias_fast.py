"""``Relu`` against a zeros vector and ``BiasAdd`` with a tiled bias (``ops/nn_activations``):
bitwise NumPy's ``np.maximum(x, 0)`` / ``x + b`` on every size regime (small unpooled,
pooled in one call, blocked on the kernel threads), with signed zeros, NaN and
infinities, integer inputs, rows that are not a multiple of the tile, and for 1 and 2
kernel threads."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits as _bits
from tests.bits import specials as _specials
from trainkit.ops import parallel

RNG = np.random.default_rng(41)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,dtype", [((7, 5), np.float32), ((300, 512), np.float32),
                                         ((50, 28, 28, 32), np.float32),
                                         ((1000, 300), np.float64),
                                         ((33, 1000, 3), np.float16),
                                         ((400, 900), np.int32)])
def test_relu_is_bitwise_numpy_maximum(shape, dtype, threads):
    x = _specials((RNG.normal(size=shape) * 4).astype(dtype))
    ph = tk.placeholder(x.dtype, shape)
    y = tk.nn.relu(ph)
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            got = [sess.run(y, {ph: x}) for _ in range(2)]   # pooled buffers reused
    finally:
        parallel.set_kernel_threads(old)
    ref = np.maximum(x, x.dtype.type(0))
    for g in got:
        assert g.dtype == ref.dtype and g.shape == ref.shape
        np.testing.assert_array_equal(_bits(g), _bits(ref))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf + -inf, as NumPy
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,dtype", [((3, 5), np.float32), ((128, 512), np.float32),
                                         ((50, 28, 28, 32), np.float32),
                                         ((37, 11, 13, 24), np.float32),
                                         ((2000, 384), np.float64),
                                         ((999, 3000), np.float32),
                                         ((70, 7, 7, 3), np.float16)])
def test_bias_add_with_a_tiled_bias_is_bitwise_numpy(shape, dtype, threads):
    x = _specials(RNG.normal(size=shape).astype(dtype))
    b = _specials(RNG.normal(size=shape[-1]).astype(dtype))
    ph = tk.placeholder(x.dtype, shape)
    y = tk.nn.bias_add(ph, tk.constant(b))
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            got = [sess.run(y, {ph: x}) for _ in range(2)]
    finally:
        parallel.set_kernel_threads(old)
    ref = x + b
    for g in got:
        assert g.dtype == ref.dtype
        np.testing.assert_array_equal(_bits(g), _bits(ref))
