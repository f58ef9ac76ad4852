"""The dense optimizer updates as compiled one-pass loops (``ops/jit.py``).

Each loop is the twin of a NumPy block function of ``training_ops.py``: per element the
same float operations, grouped and ordered as the NumPy passes run them, in the
variable's dtype (the hyperparameters arrive as scalars of that dtype), so both give
bitwise the same buffers (``tests/training/test_update_loops.py``). Every loop reads an
element's gradient before it writes the element's buffers, so a gradient aliasing a
buffer behaves as in the NumPy functions. Arrays are flat and C-contiguous.

Why: the NumPy functions make a dozen passes per block; a loop makes one, which on the
deep-MNIST ``fc1`` Adam update (3.2 M float32, one thread) is 1.2 ms against 3.8 ms.
"""

from __future__ import annotations

import numpy as np

from trainkit.ops import jit


@jit.loop
def gd(w, g, lr):  # noqa: ANN001, ANN201 - compiled: numba types the arguments
    """var -= grad * lr"""
    for i in range(w.shape[0]):
        w[i] = w[i] - g[i] * lr


@jit.loop
def momentum(w, a, g, lr, mu):  # noqa: ANN001, ANN201
    """accum = accum * momentum + grad; var -= accum * lr"""
    for i in range(w.shape[0]):
        ai = a[i] * mu + g[i]
        a[i] = ai
        w[i] = w[i] - ai * lr


@jit.loop
def nesterov(w, a, g, lr, mu):  # noqa: ANN001, ANN201
    """accum = accum * momentum + grad; var -= grad * lr + accum * momentum * lr"""
    for i in range(w.shape[0]):
        gi = g[i]
        ai = a[i] * mu + gi
        a[i] = ai
        w[i] = w[i] - (gi * lr + (ai * mu) * lr)


@jit.loop
def adam(w, m, v, g, b1, c1, c2, eps, alpha):  # noqa: ANN001, ANN201
    """m += (g - m) * (1 - beta1); v += (g^2 - v) * (1 - beta2);
    var -= (m * alpha) / (sqrt(v) + eps)"""
    for i in range(w.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        vi = v[i] + (gi * gi - v[i]) * c2
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - (mi * alpha) / (np.sqrt(vi) + eps)


@jit.loop
def nadam(w, m, v, g, b1, c1, c2, eps, alpha):  # noqa: ANN001, ANN201
    """Adam's moments; var -= ((g * (1 - beta1) + m * beta1) * alpha) / (sqrt(v) + eps)"""
    for i in range(w.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        vi = v[i] + (gi * gi - v[i]) * c2
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - ((gi * c1 + mi * b1) * alpha) / (np.sqrt(vi) + eps)


@jit.loop
def adagrad(w, a, g, lr, one):  # noqa: ANN001, ANN201
    """accum += g^2; var -= (g * lr) * (1 / sqrt(accum))"""
    for i in range(w.shape[0]):
        gi = g[i]
        ai = a[i] + gi * gi
        a[i] = ai
        w[i] = w[i] - (gi * lr) * (one / np.sqrt(ai))


@jit.loop
def adagrad_frozen(w, a, g, lr, one):  # noqa: ANN001, ANN201
    """var -= (g * lr) * (1 / sqrt(accum)), accum unchanged"""
    for i in range(w.shape[0]):
        w[i] = w[i] - (g[i] * lr) * (one / np.sqrt(a[i]))


@jit.loop
def rmsprop(w, ms, mom, g, lr, c, eps, mu):  # noqa: ANN001, ANN201
    """ms += (g^2 - ms) * (1 - rho); mom = mom * mu + (g * lr) / sqrt(ms + eps);
    var -= mom"""
    for i in range(w.shape[0]):
        gi = g[i]
        msi = ms[i] + (gi * gi - ms[i]) * c
        ms[i] = msi
        mi = mom[i] * mu + (gi * lr) / np.sqrt(msi + eps)
        mom[i] = mi
        w[i] = w[i] - mi


@jit.loop
def centered_rmsprop(w, mg, ms, mom, g, lr, c, eps, mu):  # noqa: ANN001, ANN201
    """ms += (g^2 - ms) * (1 - rho); mg += (g - mg) * (1 - rho);
    mom = mom * mu + (g * lr) / sqrt((ms - mg^2) + eps); var -= mom"""
    for i in range(w.shape[0]):
        gi = g[i]
        msi = ms[i] + (gi * gi - ms[i]) * c
        ms[i] = msi
        mgi = mg[i] + (gi - mg[i]) * c
        mg[i] = mgi
        mi = mom[i] * mu + (gi * lr) / np.sqrt((msi - mgi * mgi) + eps)
        mom[i] = mi
        w[i] = w[i] - mi


@jit.loop
def adadelta(w, acc, acc_up, g, lr, rho, c, eps, one):  # noqa: ANN001, ANN201
    """accum = accum * rho + g^2 * (1 - rho);
    update = (sqrt(accum_update + eps) * (1 / sqrt(accum + eps))) * g;
    accum_update = accum_update * rho + update^2 * (1 - rho); var -= update * lr"""
    for i in range(w.shape[0]):
        gi = g[i]
        ai = acc[i] * rho + (gi * gi) * c
        acc[i] = ai
        ui = (np.sqrt(acc_up[i] + eps) * (one / np.sqrt(ai + eps))) * gi
        acc_up[i] = acc_up[i] * rho + (ui * ui) * c
        w[i] = w[i] - ui * lr


__all__ = ["gd", "momentum", "nesterov", "adam", "nadam", "adagrad", "adagrad_frozen",
           "rmsprop", "centered_rmsprop", "adadelta"]
