"""complex/real/imag/conj and the modulus abs against values and gradients recorded with
TF 2.21.0 (``tf.compat.v1``, graph mode); finite differences are in
tests/autodiff/test_gradient_registry.py."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

A = np.array([[0.5, -1.5, 2.0], [0.0, 1.0, -0.25]])
B = np.array([1.0, -2.0, 0.0])


def test_values_match_tf():
    re, im = tk.constant(A), tk.constant(B)
    z = tk.complex(re, im)
    assert z.dtype is tk.complex128 and z.shape.as_list() == [2, 3]
    with tk.Session() as sess:
        zv, r, i, c, m, r2, i2, c2 = sess.run(
            [z, tk.real(z), tk.imag(z), tk.conj(z), tk.abs(z), tk.real(re), tk.imag(re),
             tk.conj(re)])
    np.testing.assert_array_equal(zv, A + 1j * B)
    np.testing.assert_array_equal(r, A)
    np.testing.assert_array_equal(i, np.broadcast_to(B, (2, 3)))
    np.testing.assert_array_equal(c, A - 1j * B)
    np.testing.assert_allclose(m, [[1.118034, 2.5, 2.0], [1.0, 2.236068, 0.25]], atol=1e-6)
    np.testing.assert_array_equal(r2, A)
    np.testing.assert_array_equal(i2, np.zeros((2, 3)))
    np.testing.assert_array_equal(c2, A)


def test_gradients_match_tf():
    re, im = tk.constant(A), tk.constant(B)
    z = tk.complex(re, im)
    spec = tk.spectral.rfft(re)
    y = tk.spectral.irfft(tk.conj(tk.complex(tk.real(spec), tk.imag(spec) * 2.0)), [3])
    loss = (tk.reduce_sum(tk.abs(z) * re) + tk.reduce_sum(y * y)
            + tk.reduce_sum(tk.abs(spec)))
    g_re, g_im = tk.gradients(loss, [re, im])
    (g_z,) = tk.gradients(tk.abs(z), z, grad_ys=tk.constant(np.ones((2, 3))))
    with tk.Session() as sess:
        gr, gi, gz = sess.run([g_re, g_im, g_z])
    np.testing.assert_allclose(gr, [[3.42384, -10.004194, 20.321995],
                                    [1.672673, 10.415262, -3.404654]], atol=2e-6)
    np.testing.assert_allclose(gi, [0.447214, 0.305573, 0.0], atol=1e-6)
    # the modulus' gradient is z / |z| (recorded: 1 + 0j where z = 2, -1 where z = -0.25)
    np.testing.assert_allclose(gz, [[0.447214 + 0.894427j, -0.6 - 0.8j, 1],
                                    [1j, 0.447214 - 0.894427j, -1]], atol=1e-6)


def test_single_precision_and_the_zero_modulus():
    z = tk.complex(tk.constant([0.0, 3.0]), tk.constant([0.0, 4.0]))
    m = tk.abs(z)
    (g,) = tk.gradients(m, z)
    with tk.Session() as sess:
        mv, gv = sess.run([m, g])
    assert z.dtype is tk.complex64 and m.dtype is tk.float32 and mv.dtype == np.float32
    np.testing.assert_allclose(mv, [0.0, 5.0])
    np.testing.assert_allclose(gv, [0.0, 0.6 + 0.8j], atol=1e-7)  # div_no_nan at 0, as TF


def test_errors_and_names():
    with pytest.raises(TypeError, match="float32 or both float64"):
        tk.complex(tk.constant([1.0]), tk.constant([1.0], tk.float64))
    with pytest.raises(TypeError, match="float32 or both float64"):
        tk.complex(tk.constant([1]), tk.constant([1]))
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tk.maximum(tk.complex(1.0, 2.0), 1.0)  # the real-only ops refuse complex
    assert tk.math.real is tk.real and tk.math.abs is tk.abs and tk.math.conj is tk.conj
    assert tk.abs(tk.constant([-1.0])).op.type == "Abs"
