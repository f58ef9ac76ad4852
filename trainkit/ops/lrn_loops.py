"""LRN and its gradient as compiled one-pass loops (``ops/jit.py``).

The NumPy kernels of ``lrn_ops.py`` make about a dozen whole-chunk passes (squares, the
``2r`` shifted adds of the window sum, alpha, bias, the power, the product; the gradient
twice as many); a loop here walks the pixels once and does the window sums in a
``C + 2r``-wide row scratch that stays in L1. Per element the same IEEE operations in
the same order as the NumPy passes, in the input's dtype, the zero padding included
(``0 + (-0.0)`` is ``+0.0``), so both give bitwise the same values
(``tests/ops/test_lrn_loops.py``). Except which NaN: where two NaNs meet in one
operation neither path defines which comes out (NumPy's own ``add`` returns the first
operand's in its SIMD body and the second's in its scalar tail, so it depends on where
an element falls in a pass); NaNs stay NaNs in the same places.

Only exact arithmetic is compiled. ``N ** -beta`` is exact for the betas with NumPy
shortcuts (0.5, 0.75, 1: ``sqrt`` and division, see ``lrn_ops._pow_neg``); any other
beta needs ``pow``, which a compiled loop takes from libm while NumPy uses its own SIMD
routines: on 2 M random float32 inputs in [1, 4) numba's ``x ** -0.6`` differed from
NumPy's in 384 K, ``exp`` (of normal * 5) in 786 K (float64: 109 K and 92 K; numba
0.68, NumPy 2.4, this machine). So for other betas only the normalizer ``N``
(:func:`norm`) and the gradient's window sum given ``N`` and ``N ** -beta``
(:func:`grad_given`) are compiled; the power stays NumPy's, and so does the derived
cache of ``lrn_ops``.

With a shortcut beta the gradient recomputes ``N`` and ``N ** -beta`` from ``x`` in the
loop (:func:`grad`) rather than taking them from the forward through the derived cache:
reusing them would save ~2 of its ~7 ms on CIFAR's first LRN, while the cache's copy of
``x`` and its comparison cost 1.1 + 1.4 ms, and the forward would write two more arrays.

Measured, CPU ms per call of the kernels (one kernel thread, float32, ``depth_radius=4,
bias=1, alpha=0.001/9, beta=0.75``; medians over 5 alternations of the backends in one
process, load 4-6 on 2 cores; the NumPy path with its derived cache):

=================  =============  =================
shape              LRN numpy/jit  LRNGrad numpy/jit
=================  =============  =================
[128, 24, 24, 64]  11.4 / 2.6     10.1 / 7.0
[128, 12, 12, 64]  2.8 / 0.64     2.5 / 1.5
=================  =============  =================

In the CIFAR-10 training step (``python -m benchmarks.op_cores --only cifar10 --steps
20``, 2 kernel threads, medians of 3 runs alternating with the parent commit, both with
compiled optimizer updates): the two LRN 5.9 -> 1.5 ms CPU, the two LRNGrad 5.7 -> 3.7;
with the activation loops (``activation_loops.py``) the step 74.7 -> 66.8 ms CPU.
(The gradient's ~7 ms is its arithmetic: two window sums, two square roots and two
divisions per element; without the square roots and one division it still took 6.5,
and blocks of 32 pixels instead of single pixels were no faster.)
The window sum unrolls (``taps``, :func:`_wsum`); with the radius a runtime int the
loops ran scalar and took longer than NumPy (forward 12.5 ms).
"""

from __future__ import annotations

import numpy as np

from trainkit.ops import jit

#: ``N ** -beta`` shortcuts compiled in the loops (exact: square roots and divisions)
MODES = {0.5: 0, 0.75: 1, 1.0: 2}


@jit.loop
def _wsum(w, d, taps):  # noqa: ANN001, ANN201 - compiled: numba types the arguments
    """``((w[d] + w[d+1]) + ...) + w[d+2r]``: the window sum of channel ``d`` in a wide
    row ``w`` (the values at ``r .. r+C``, zeros around), added in the NumPy passes'
    order. ``taps`` is a tuple of ``2r + 1`` zeros: its length is a compile-time
    constant, so the sum unrolls and the loop over ``d`` vectorizes (with ``r`` a
    runtime int it did not: CIFAR's LRN 12.5 ms, 2.4 unrolled)."""
    if len(taps) == 1:
        return w[d]
    acc = w[d] + w[d + 1]
    for k in range(2, len(taps)):
        acc = acc + w[d + k]
    return acc


@jit.loop
def _inv_pow(v, mode, one):  # noqa: ANN001, ANN201
    """``v ** -beta`` for the shortcut betas (``lrn_ops._pow_neg``'s operations)."""
    if mode == 0:
        return one / np.sqrt(v)
    if mode == 1:
        s = np.sqrt(v)
        return one / (s * np.sqrt(s))
    return one / v


@jit.loop
def norm(x, n, taps, alpha, bias):  # noqa: ANN001, ANN201
    """``n = window_sum(x * x) * alpha + bias`` over the rows (pixels) of ``x``
    (``[rows, C]``, C-contiguous)."""
    rows, c = x.shape
    r = len(taps) // 2
    w = np.zeros(c + 2 * r, x.dtype)
    for i in range(rows):
        xi, ni = x[i], n[i]
        for d in range(c):
            w[r + d] = xi[d] * xi[d]
        for d in range(c):
            ni[d] = _wsum(w, d, taps) * alpha + bias


@jit.loop
def forward(x, y, taps, alpha, bias, mode, one):  # noqa: ANN001, ANN201
    """``y = x * N ** -beta`` with ``N = window_sum(x * x) * alpha + bias``."""
    rows, c = x.shape
    r = len(taps) // 2
    w = np.zeros(c + 2 * r, x.dtype)
    for i in range(rows):
        xi, yi = x[i], y[i]
        for d in range(c):
            w[r + d] = xi[d] * xi[d]
        for d in range(c):
            yi[d] = xi[d] * _inv_pow(_wsum(w, d, taps) * alpha + bias, mode, one)


@jit.loop
def grad(dy, x, y, dx, taps, alpha, bias, mode, one, scale):  # noqa: ANN001, ANN201
    """``dx = N ** -beta * dy - (window_sum(dy * y / N) * x) * scale``, ``N`` recomputed
    from ``x``."""
    rows, c = x.shape
    r = len(taps) // 2
    w = np.zeros(c + 2 * r, x.dtype)
    n = np.empty(c, x.dtype)
    for i in range(rows):
        xi, yi, dyi, dxi = x[i], y[i], dy[i], dx[i]
        for d in range(c):
            w[r + d] = xi[d] * xi[d]
        for d in range(c):
            n[d] = _wsum(w, d, taps) * alpha + bias
        for d in range(c):
            w[r + d] = (dyi[d] * yi[d]) / n[d]
        for d in range(c):
            dxi[d] = (_inv_pow(n[d], mode, one) * dyi[d]
                      - (_wsum(w, d, taps) * xi[d]) * scale)


@jit.loop
def grad_given(dy, x, y, n, p, dx, taps, scale):  # noqa: ANN001, ANN201
    """:func:`grad` with ``N`` and ``N ** -beta`` given (``n``, ``p``)."""
    rows, c = x.shape
    r = len(taps) // 2
    w = np.zeros(c + 2 * r, x.dtype)
    for i in range(rows):
        xi, yi, dyi, dxi, ni, pi = x[i], y[i], dy[i], dx[i], n[i], p[i]
        for d in range(c):
            w[r + d] = (dyi[d] * yi[d]) / ni[d]
        for d in range(c):
            dxi[d] = pi[d] * dyi[d] - (_wsum(w, d, taps) * xi[d]) * scale


__all__ = ["MODES", "norm", "forward", "grad", "grad_given"]
