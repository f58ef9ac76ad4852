"""The finite-difference gradient checker shared by the per-module gradient tests."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.autodiff import gradients

EPS = 1e-6


def numeric_gradient(objective, arrays, index, eps=EPS):
    """Central differences of the scalar ``objective(list_of_arrays)`` with respect to
    ``arrays[index]``; the other arrays stay as they are."""
    arrays = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    num = np.zeros_like(arrays[index])
    for j in np.ndindex(arrays[index].shape):
        up = [a.copy() for a in arrays]
        dn = [a.copy() for a in arrays]
        up[index][j] += eps
        dn[index][j] -= eps
        num[j] = (objective(up) - objective(dn)) / (2 * eps)
    return num


def check_grad(fn, *arrays, rtol=1e-6, atol=1e-7, seed=0):
    """Compares ``gradients`` of ``sum(w * fn(*xs))`` with central differences."""
    rng = np.random.default_rng(seed)
    xs = [tk.placeholder(tk.float64, a.shape) for a in arrays]
    y = fn(*xs)
    with tk.Session() as sess:
        feed = dict(zip(xs, arrays))
        yv = sess.run(y, feed)
        w = rng.uniform(0.5, 1.5, np.shape(yv))
        grads = gradients(y, xs, grad_ys=tk.constant(w, tk.float64))
        # a sparse gradient (IndexedSlices, e.g. of gather) is compared densified
        grads = [tk.convert_to_tensor(g) if isinstance(g, tk.IndexedSlices) else g
                 for g in grads]
        got = sess.run([g for g in grads if g is not None], feed)

        def f(vals):
            return float(np.sum(w * sess.run(y, dict(zip(xs, vals)))))

        it = iter(got)
        for i, g in enumerate(grads):
            num = numeric_gradient(f, arrays, i)
            if g is None:
                np.testing.assert_allclose(num, 0.0, atol=atol)
                continue
            np.testing.assert_allclose(next(it), num, rtol=rtol, atol=atol,
                                       err_msg=f"gradient of input {i}")


__all__ = ["check_grad", "numeric_gradient", "EPS"]
