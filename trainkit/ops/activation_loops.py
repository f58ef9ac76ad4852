"""The activation gradients and the fused ``BiasAdd`` + ``Relu`` step as compiled
one-pass loops (``ops/jit.py``).

Each loop is the twin of NumPy passes in ``relu_bias_kernels.py`` or
``sigmoid_tanh_kernels.py``: per element the same IEEE operations in the same order, in
the array's dtype (constants arrive as scalars of that dtype), so both give bitwise the
same values (``tests/ops/test_activation_loops.py``; where two NaNs meet, which one
comes out is defined by neither path, see ``lrn_loops.py``). Only exact arithmetic is
here:
the sigmoid and tanh themselves call ``exp``/``tanh``, which a compiled loop takes from
libm while NumPy may use its own SIMD routines, so they stay NumPy's.

Arrays are C-contiguous, flat (``[rows, C]`` for the bias); ``out`` may be the input.
The kernels use the loops from ``relu_bias_kernels.LOOP_MIN_BYTES`` on, in
``CHUNK_BYTES`` chunks on the kernel threads.

Measured, CPU ms per kernel call (one kernel thread, float32, medians over 3
alternations of the backends in one process, load 6-7 on 2 cores), NumPy / compiled:

============  ================  =================  =============
kernel        [50, 28, 28, 32]  [128, 14, 14, 64]  [128, 512]
============  ================  =================  =============
ReluGrad      0.32 / 0.14       0.43 / 0.19        0.021 / 0.011
BiasAdd+Relu  0.28 / 0.12       0.36 / 0.15        0.021 / 0.011
  in place    0.23 / 0.09       0.30 / 0.13        0.017 / 0.008
SigmoidGrad   0.31 / 0.14       0.49 / 0.19        0.016 / 0.009
TanhGrad      0.21 / 0.14       0.29 / 0.19        0.012 / 0.009
============  ================  =================  =============

In the training steps (``benchmarks.op_cores``, 2 kernel threads, CPU ms per step,
medians of 3 runs alternating with the parent commit): ReluGrad CIFAR-10 2.8 -> 1.9,
deep MNIST 0.98 -> 0.63, MLP 0.058 -> 0.038; the in-place BiasAdd+Relu 1.9 -> 1.2,
0.70 -> 0.36, 0.067 -> 0.052.

Not compiled: ``BiasAddGrad`` is a BLAS matrix-vector product whose summation order is
OpenBLAS's (no loop of ours gives its bits), and the softmax cross entropies need
``exp``/``log`` and NumPy's pairwise row sums.
"""

from __future__ import annotations

from trainkit.ops import jit


@jit.loop
def relu_grad(g, x, out, zero, one):  # noqa: ANN001, ANN201 - compiled: numba types them
    """``out = g * (x > 0)`` with the mask as the dtype's 1 / 0, as NumPy multiplies a
    boolean mask (so ``-0.0`` for a negative ``g`` and NaN for an infinite one where
    ``x <= 0``)."""
    for i in range(g.shape[0]):
        out[i] = g[i] * (one if x[i] > zero else zero)


@jit.loop
def bias_relu(x, b, out, zero):  # noqa: ANN001, ANN201
    """``out = np.maximum(x + b, 0)`` row by row: ``maximum`` keeps a NaN and gives
    ``+0.0`` for ``-0.0``, which ``0 if v <= 0 else v`` does too."""
    rows, c = x.shape
    for i in range(rows):
        xi, oi = x[i], out[i]
        for j in range(c):
            v = xi[j] + b[j]
            oi[j] = zero if v <= zero else v


@jit.loop
def bias_relu_in_place(x, b, zero):  # noqa: ANN001, ANN201
    """:func:`bias_relu` into ``x`` itself (with ``out`` aliasing ``x``, LLVM's overlap
    check sends :func:`bias_relu` to its scalar loop: 1.5x NumPy's time)."""
    rows, c = x.shape
    for i in range(rows):
        xi = x[i]
        for j in range(c):
            v = xi[j] + b[j]
            xi[j] = zero if v <= zero else v


@jit.loop
def sigmoid_grad(y, dy, out, one):  # noqa: ANN001, ANN201
    """``out = (dy * y) * (1 - y)``."""
    for i in range(y.shape[0]):
        out[i] = (dy[i] * y[i]) * (one - y[i])


@jit.loop
def tanh_grad(y, dy, out, one):  # noqa: ANN001, ANN201
    """``out = dy * (1 - y * y)``."""
    for i in range(y.shape[0]):
        out[i] = dy[i] * (one - y[i] * y[i])


__all__ = ["relu_grad", "bias_relu", "bias_relu_in_place", "sigmoid_grad", "tanh_grad"]
