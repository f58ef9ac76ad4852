"""The Fourier transforms against values and gradients recorded with TF 2.21.0
(``tf.compat.v1``, graph mode), NumPy's FFTs and central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def pat(shape, k=7, m=5):
    """The deterministic input pattern the TF numbers below were recorded with."""
    n = int(np.prod(shape))
    return ((np.arange(n) * k % m) - 2.0).reshape(shape) / 2


def cpat(shape):
    return pat(shape) + 1j * pat(shape, 3, 4)


def grad_pattern(y):
    """The ``grad_ys`` of the recorded cases."""
    return pat(y.shape, 5, 3) + (1j * pat(y.shape, 3, 7) if np.iscomplexobj(y) else 0)


# name, function, input, fft_length, TF 2.21 output, TF 2.21 gradient for grad_pattern
RECORDED = [
    ("rfft", tk.spectral.rfft, pat([2, 5]), None,
     [[0j, -1.25 - 0.40615j, -1.25 + 1.720477j]] * 2,
     [[-1.5, -2.24659, 0.453712, -2.762729, 1.055607],
      [-1.5, -1.728184, -2.511715, 0.202698, 0.537201]]),
    ("rfft_pad", tk.spectral.rfft, pat([2, 5]), [7],
     [[0j, -1.222521 - 0.541044j, -1.900969 - 0.347948j, -0.37651 + 1.756759j]] * 2,
     [[-2.5, -2.328542, -0.792702, 0.257497, -2.435945],
      [-1.5, -0.239352, 1.151746, 1.800696, -2.146707]]),
    ("irfft_even", tk.spectral.irfft, cpat([2, 4]), [6],
     [[0.083333, -0.394338, -0.561004, 0.25, -0.272329, -0.105662],
      [-0.083333, -0.394338, 0.272329, 0.25, 0.561004, -0.105662]],
     [[-0.5, 0j, -0.5 - 0.288675j, 0j]] * 2),
    ("irfft_odd", tk.signal.irfft, cpat([2, 4]), [7],
     [[0.0, -0.127432, -0.740312, 0.144364, -0.010221, -0.238381, -0.028018],
      [0.071429, -0.413838, 0.06218, 0.342563, 0.187979, 0.564112, -0.314424]],
     [[-0.571429, -0.142857 - 0.099414j, -0.142857 - 0.501931j, -0.142857 + 0.154584j],
      [-0.428571, 0.166795 + 0.049707j, 0.457558 + 0.250966j, -0.195781 - 0.077292j]]),
    ("rfft2d", tk.spectral.rfft2d, pat([3, 4]), None,
     [[-1, -1 + 1j, -1], [-0.25 - 1.299038j, -0.334936 - 1.25j, 1.25 - 2.165064j],
      [-0.25 + 1.299038j, -4.665064 - 1.25j, 1.25 + 2.165064j]],
     [[-4.5, -2.5, -4.5, -0.5], [-0.433013, -0.25, 3.897114, 0.25],
      [0.433013, -0.25, -3.897114, 0.25]]),
    ("irfft2d", tk.signal.irfft2d, cpat([3, 3]), [3, 4],
     [[0.083333, 0.083333, -0.416667, -0.25], [-0.041667, -0.20016, 0.063996, 0.072169],
      [-0.041667, -0.633173, 0.352671, -0.072169]],
     [[-0.5, 0j, 0j], [-0.0625 - 0.036084j, -0.125 - 0.466506j, -0.0625 + 0.108253j],
      [-0.0625 + 0.036084j, -0.125 - 0.033494j, -0.0625 - 0.108253j]]),
    ("fft", tk.fft, cpat([2, 3]), None,
     [[-0.5j, -1.066987 - 0.383975j, -1.933013 - 2.116025j],
      [-1 - 1j, -1.549038 - 1.549038j, 1.049038 + 1.049038j]],
     [[-1.5 + 1.5j, 0.549038 - 1.816987j, -2.049038 - 2.683013j],
      [-1.5 + 1j, -2.482051 - 0.066987j, 0.982051 - 0.933013j]]),
    ("ifft2d", tk.ifft2d, cpat([2, 3]), None,
     [[-0.166667 - 0.25j, -0.147329 - 0.177831j, -0.436004 - 0.322169j],
      [0.166667 + 0.083333j, -0.497008 - 0.527511j, 0.080342 + 0.194177j]],
     [[-0.5 + 0.416667j, -0.177831 - 0.602671j, -0.322169 - 0.313996j],
      [0.083333j, -0.505181 - 0.291667j, 0.505181 - 0.291667j]]),
    ("fft3d", tk.fft3d, cpat([2, 2, 2]), None,
     [[[-2j, 1 - 2j], [-3, -4j]], [[-1, 0j], [0j, -5]]],
     [[[-4 + 2.5j, -1 + 4.5j], [1 - 1.5j, -3.5j]], [[-1 + 0.5j, -3.5j], [-3.5j, -3 - 3.5j]]]),
    # TF 2.21 has no gradient for the 3-D real transforms; the outputs are recorded
    ("rfft3d", tk.spectral.rfft3d, pat([2, 2, 3]), None,
     [[[-1, -1 - 0.866025j], [2, -2.5]], [[-1, -2.5], [0j, 4.330127j]]], None),
    ("irfft3d", tk.spectral.irfft3d, cpat([2, 2, 2]), [2, 2, 3],
     [[[-0.041667, 0.083333, 0.083333], [-0.375, -0.288675, 0.288675]],
      [[-0.125, 0.0, 0.0], [0.208333, -0.416667, -0.416667]]], None),
]


def _apply(fn, x, fft_length):
    return fn(x) if fft_length is None else fn(x, fft_length)


@pytest.mark.parametrize("case", RECORDED, ids=[c[0] for c in RECORDED])
def test_values_and_gradients_match_tf(case):
    _, fn, x, fft_length, want_y, want_g = case
    xt = tk.constant(x)
    y = _apply(fn, xt, fft_length)
    with tk.Session() as sess:
        yv = sess.run(y)
        np.testing.assert_allclose(yv, want_y, atol=2e-6)
        assert y.shape.as_list() == list(yv.shape)
        if want_g is not None:
            g = tk.gradients(y, xt, grad_ys=tk.constant(grad_pattern(yv)))[0]
            gv = sess.run(g)
            assert g.dtype == xt.dtype and gv.shape == x.shape
            np.testing.assert_allclose(gv, want_g, atol=2e-6)


FORWARD = [
    (tk.fft, lambda a: np.fft.fft(a), 1, False),
    (tk.ifft, lambda a: np.fft.ifft(a), 1, False),
    (tk.fft2d, lambda a: np.fft.fft2(a), 2, False),
    (tk.ifft2d, lambda a: np.fft.ifft2(a), 2, False),
    (tk.fft3d, lambda a: np.fft.fftn(a, axes=(-3, -2, -1)), 3, False),
    (tk.ifft3d, lambda a: np.fft.ifftn(a, axes=(-3, -2, -1)), 3, False),
    (tk.spectral.rfft, lambda a: np.fft.rfft(a), 1, True),
    (tk.spectral.rfft2d, lambda a: np.fft.rfft2(a), 2, True),
    (tk.spectral.rfft3d, lambda a: np.fft.rfftn(a, axes=(-3, -2, -1)), 3, True),
]


@pytest.mark.parametrize("fn,ref,rank,real", FORWARD, ids=[f[0].__name__ for f in FORWARD])
@pytest.mark.parametrize("single", [True, False])
def test_forward_matches_numpy_over_batch_dims(fn, ref, rank, real, single):
    rng = np.random.default_rng(rank)
    a = rng.standard_normal((2, 3, 4, 5, 6)[-(rank + 2):])
    if not real:
        a = a + 1j * rng.standard_normal(a.shape)
    kind = (np.float32 if real else np.complex64) if single else \
        (np.float64 if real else np.complex128)
    out = np.complex64 if single else np.complex128
    with tk.Session() as sess:
        y = fn(a.astype(kind))
        got = sess.run(y)
    assert got.dtype == out and y.dtype.np_dtype == out
    np.testing.assert_allclose(got, ref(a.astype(kind)), rtol=1e-5 if single else 1e-12,
                               atol=1e-5 if single else 1e-12)


@pytest.mark.parametrize("n", [5, 6])
def test_irfft_inverts_rfft_and_takes_single_precision(n):
    a = np.random.default_rng(n).standard_normal((3, n)).astype(np.float32)
    spec = tk.signal.rfft(a)
    back = tk.signal.irfft(spec, [n])
    with tk.Session() as sess:
        got = sess.run(back)
    assert got.dtype == np.float32 and back.dtype is tk.float32
    np.testing.assert_allclose(got, a, atol=1e-5)


def _loss_fd(fn, x, fft_length, w, eps=1e-6):
    """Central differences of ``Re <w, fn(x)>`` over the real (and imaginary) parts of x:
    the gradient TF defines for ``grad_ys=w`` is ``dL/dRe x + i dL/dIm x``."""
    ph = tk.placeholder(tk.as_dtype(x.dtype), x.shape)
    y = _apply(fn, ph, fft_length)
    with tk.Session() as sess:
        def loss(v):
            return float(np.real(np.vdot(w, sess.run(y, {ph: v}))))
        parts = [1.0, 1j] if np.iscomplexobj(x) else [1.0]
        num = np.zeros(x.shape, x.dtype)
        for unit in parts:
            for j in np.ndindex(x.shape):
                d = np.zeros(x.shape, x.dtype)
                d[j] = eps * unit
                num[j] += unit * (loss(x + d) - loss(x - d)) / (2 * eps)
        got = sess.run(tk.gradients(y, ph, grad_ys=tk.constant(w))[0], {ph: x})
    return got, num


FD_CASES = [
    (tk.fft, (2, 3), None), (tk.ifft3d, (2, 2, 3), None), (tk.fft2d, (3, 4), None),
    (tk.spectral.rfft, (2, 5), [4]), (tk.spectral.rfft, (2, 5), [8]),
    (tk.spectral.rfft2d, (3, 5), [2, 6]), (tk.spectral.rfft3d, (2, 3, 3), None),
    (tk.spectral.irfft, (2, 4), None), (tk.spectral.irfft, (2, 4), [5]),
    (tk.spectral.irfft, (2, 4), [4]), (tk.spectral.irfft2d, (3, 4), [4, 7]),
    (tk.spectral.irfft3d, (2, 2, 3), [3, 2, 4]),
]


@pytest.mark.parametrize("fn,shape,fft_length", FD_CASES)
def test_gradients_match_finite_differences(fn, shape, fft_length):
    rng = np.random.default_rng(len(shape))
    real_input = fn.__name__.startswith("rfft")
    x = rng.standard_normal(shape)
    if not real_input:
        x = x + 1j * rng.standard_normal(shape)
    with tk.Session() as sess:
        yv = sess.run(_apply(fn, tk.constant(x), fft_length))
    w = rng.standard_normal(yv.shape) + (1j * rng.standard_normal(yv.shape)
                                         if np.iscomplexobj(yv) else 0)
    got, num = _loss_fd(fn, x, fft_length, w)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, num, atol=1e-6)


@pytest.mark.parametrize("fn,x,fft_length", [
    (tk.spectral.rfft, np.arange(5.0), [4]), (tk.spectral.irfft, np.ones(4) + 1j, [7]),
    (tk.fft2d, np.ones((2, 3)) * (1 - 2j), None)])
def test_second_derivative_is_the_forward_transform(fn, x, fft_length):
    """d/dw <v, grad_x(<w, f(x)>)> = f(v): the gradient's gradient is f again."""
    xt = tk.constant(x)
    y = _apply(fn, xt, fft_length)
    with tk.Session() as sess:
        shape = sess.run(y).shape
        w = tk.placeholder(y.dtype, shape)
        gx = tk.gradients(y, xt, grad_ys=w)[0]
        v = np.linspace(-1, 1, x.size).reshape(x.shape).astype(x.dtype)
        ggw = tk.gradients(gx, w, grad_ys=tk.constant(v))[0]
        got = sess.run(ggw, {w: np.zeros(shape, y.dtype.np_dtype)})
        want = sess.run(_apply(fn, tk.constant(v), fft_length))
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_lengths_inferred_from_dynamic_shapes():
    x = tk.placeholder(tk.float64, [None, None])
    spec = tk.signal.rfft(x)
    back = tk.signal.irfft(spec)  # 2 * (inner - 1)
    assert spec.shape.as_list() == [None, None] and spec.dtype is tk.complex128
    a = np.random.default_rng(0).standard_normal((2, 6))
    with tk.Session() as sess:
        s, b = sess.run([spec, back], {x: a})
    np.testing.assert_allclose(s, np.fft.rfft(a), atol=1e-12)
    np.testing.assert_allclose(b, a, atol=1e-12)


def test_static_shapes():
    assert tk.spectral.rfft(tk.zeros([5])).shape.as_list() == [3]
    assert tk.spectral.rfft(tk.zeros([5]), [8]).shape.as_list() == [5]
    assert tk.spectral.irfft(tk.zeros([5], tk.complex64)).shape.as_list() == [8]
    assert tk.spectral.rfft2d(tk.zeros([2, 3, 5])).shape.as_list() == [2, 3, 3]
    assert tk.spectral.irfft2d(tk.zeros([3, 5], tk.complex64), [4, 6]).shape.as_list() \
        == [4, 6]
    assert tk.fft3d(tk.zeros([2, 3, 4], tk.complex128)).dtype is tk.complex128


def test_errors_match_tf():
    # each message and class as TF 2.21 raises it at graph construction
    with pytest.raises(TypeError, match="not in list of allowed values: complex64"):
        tk.fft(tk.zeros([4]))
    with pytest.raises(ValueError, match="at least rank 1"):
        tk.fft(tk.zeros([], tk.complex64))
    with pytest.raises(ValueError, match="at least rank 2"):
        tk.fft2d(tk.zeros([4], tk.complex64))
    with pytest.raises(ValueError, match="Dimension must be 1"):
        tk.signal.rfft(tk.zeros([4]), fft_length=[4, 4])
    with pytest.raises(ValueError, match="RFFT requires tf.float32 or tf.float64"):
        tk.signal.rfft(tk.zeros([4], tk.complex64))
    with pytest.raises(ValueError, match="RFFT requires tf.float32 or tf.float64"):
        tk.signal.rfft(tk.zeros([4], tk.int32))
    with pytest.raises(ValueError, match="IRFFT requires tf.complex64 or tf.complex128"):
        tk.signal.irfft(tk.zeros([4]))
    # a fed fft_length is checked when the op runs (InvalidArgumentError, as TF)
    fl = tk.placeholder(tk.int32, [None])
    y = tk.signal.rfft(tk.zeros([5]), fl)
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="fft_length"):
            sess.run(y, {fl: [4, 4]})
        with pytest.raises(tk.errors.InvalidArgumentError, match="fft_length"):
            sess.run(y, {fl: [-1]})


def test_public_names():
    for name in ("fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"):
        assert getattr(tk, name) is getattr(tk.spectral, name) is getattr(tk.signal, name)
    for name in ("rfft", "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d"):
        assert getattr(tk.spectral, name) is getattr(tk.signal, name)
    assert tk.complex64.is_complex and tk.complex64.real_dtype is tk.float32
    assert tk.as_dtype(np.complex128) is tk.complex128


def test_graph_def_round_trip_with_tf_attrs():
    """The nodes carry TF's dtype attrs (Tcomplex, Treal; T/Tout for complex/abs), so TF
    2.21 imports and runs such a GraphDef (checked by hand); trainkit re-imports it."""
    c = tk.constant(np.array([1 + 2j, 3j], np.complex64))
    tk.fft(c, name="y")
    r = tk.spectral.rfft(tk.constant([1.0, 2.0, 3.0]), name="r")
    tk.spectral.irfft(r, name="i")
    gd = tk.get_default_graph().as_graph_def()
    nodes = {n.name: n for n in gd.node}
    assert set(nodes["y"].attr) >= {"Tcomplex"} and "T" not in nodes["y"].attr
    assert nodes["r"].attr["Treal"].type == 1 and nodes["r"].attr["Tcomplex"].type == 8
    with tk.Graph().as_default():
        tk.import_graph_def(gd, name="")
        with tk.Session() as sess:
            y, i = sess.run(["y:0", "i:0"])
    np.testing.assert_allclose(y, [1 + 5j, 1 - 1j], atol=1e-6)  # TF 2.21: the same
    np.testing.assert_allclose(i, [2.25, 3.75], atol=1e-6)
