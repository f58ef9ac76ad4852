"""random_gamma / random_poisson: TF1's shapes (``shape + broadcast(params)``), the rate
parameterisation, seeds that repeat across sessions, and sample moments."""

from __future__ import annotations

import numpy as np

import trainkit as tk


def test_gamma_and_poisson_shapes_moments_and_seeds():
    g = tk.random_gamma([4000], alpha=[0.5, 3.0], beta=[1.0, 2.0], seed=1)
    p = tk.random.poisson([2.0, 7.5], [3000], seed=2)
    p1 = tk.random_poisson(4.0, [2, 3], dtype=tk.int64)
    assert g.shape.as_list() == [4000, 2] and p.shape.as_list() == [3000, 2]
    with tk.Session() as sess:
        gv, pv, p1v = sess.run([g, p, p1])
    with tk.Session() as sess:
        assert np.array_equal(sess.run(g), gv)          # the op seed repeats the draw
    np.testing.assert_allclose(gv.mean(0), [0.5, 1.5], rtol=0.08)       # alpha / beta
    np.testing.assert_allclose(gv.var(0), [0.5, 0.75], rtol=0.15)       # alpha / beta**2
    np.testing.assert_allclose(pv.mean(0), [2.0, 7.5], rtol=0.05)
    assert gv.dtype == np.float32 and p1v.dtype == np.int64 and p1v.shape == (2, 3)
    assert tk.random.gamma is tk.random_gamma
