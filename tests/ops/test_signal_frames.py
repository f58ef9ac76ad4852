"""tk.signal windows, frame and overlap_and_add against TF 2.21 (values and gradients in
tests/ops/signal_windows_frames_tf.py), finite differences and the errors TF raises."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.signal_cases import run_case
from tests.ops.signal_windows_frames_tf import INPUTS, RECORDED

sig = tk.signal
S1, FR = INPUTS["S1"], INPUTS["FR"]

WINDOWS = {
    "hann_8_periodic": lambda: sig.hann_window(8),
    "hann_8_symmetric": lambda: sig.hann_window(8, periodic=False),
    "hann_7_periodic": lambda: sig.hann_window(7),
    "hann_7_symmetric_f64": lambda: sig.hann_window(7, periodic=False, dtype=tk.float64),
    "hann_1": lambda: sig.hann_window(1),
    "hamming_8_periodic": lambda: sig.hamming_window(8),
    "hamming_5_symmetric_f64": lambda: sig.hamming_window(5, False, tk.float64),
    "inverse_stft_window_fn": lambda: sig.inverse_stft_window_fn(4)(16, tk.float64),
    "inverse_stft_window_fn_hamming":
        lambda: sig.inverse_stft_window_fn(5, sig.hamming_window)(12, tk.float32),
}

FRAMES = {
    "frame": (lambda x: sig.frame(x, 4, 3), S1),
    "frame_pad_end": (lambda x: sig.frame(x, 4, 3, pad_end=True, pad_value=-1.0), S1),
    "frame_axis0": (lambda x: sig.frame(x, 3, 2, axis=0), S1.T.copy()),
    "frame_axis0_pad_end": (lambda x: sig.frame(x, 4, 4, pad_end=True, axis=-2), S1.T.copy()),
    "frame_gap": (lambda x: sig.frame(x, 2, 3), S1),
    "frame_too_short": (lambda x: sig.frame(x, 12, 2), S1),
    "overlap_and_add": (lambda x: sig.overlap_and_add(x, 2), FR),
    "overlap_and_add_step5": (lambda x: sig.overlap_and_add(x, 5), FR),
    "overlap_and_add_gap": (lambda x: sig.overlap_and_add(x, 7), FR),
    "overlap_and_add_step3": (lambda x: sig.overlap_and_add(x, 3), FR),
}


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_windows_match_tf(name):
    want = RECORDED[name][0]
    w = WINDOWS[name]()
    assert w.shape.as_list() == list(want.shape)
    with tk.Session() as sess:
        got = sess.run(w)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_frames_match_tf(name):
    build, value = FRAMES[name]
    run_case(build, value, RECORDED[name], atol=1e-10)


def test_frames_and_sums_are_adjoint_gradients():
    check_grad(lambda x: sig.frame(x, 3, 2, pad_end=True, axis=1) ** 2,
               np.linspace(-1, 1, 2 * 7 * 2).reshape(2, 7, 2))
    check_grad(lambda x: sig.overlap_and_add(x, 3) ** 2,
               np.linspace(-1, 1, 2 * 3 * 5).reshape(2, 3, 5))
    # second order: the gradient of each is the other op
    check_grad(lambda x: tk.gradients(sig.overlap_and_add(x, 2) ** 3, x)[0],
               np.linspace(-1, 1, 3 * 4).reshape(3, 4))


def test_unknown_lengths_run_and_shapes_are_static_when_known():
    x = tk.placeholder(tk.float32, [None, None])
    f = sig.frame(x, 4, 2, pad_end=True)
    assert f.shape.as_list() == [None, None, 4]
    assert sig.frame(tk.zeros([3, 9]), 4, 2).shape.as_list() == [3, 3, 4]
    back = sig.overlap_and_add(f, 2)
    (g,) = tk.gradients(tk.reduce_sum(back), x)
    with tk.Session() as sess:
        fv, bv, gv = sess.run([f, back, g], {x: np.ones((2, 5), np.float32)})
    assert fv.shape == (2, 3, 4) and bv.shape == (2, 8)
    # frames [1 1 1 1] [1 1 1 0] [1 0 0 0] (zero padding) at 0, 2, 4
    np.testing.assert_array_equal(bv[0], [1, 1, 2, 2, 2, 0, 0, 0])
    np.testing.assert_array_equal(gv, [[1, 1, 2, 2, 2]] * 2)  # frames holding each sample


def test_complex_and_integer_signals_frame():
    z = tk.constant(np.arange(6) * (1 + 1j))
    with tk.Session() as sess:
        got = sess.run([sig.frame(z, 2, 2), sig.overlap_and_add(tk.ones([2, 3], tk.int32), 1)])
    np.testing.assert_array_equal(got[0], np.arange(6).reshape(3, 2) * (1 + 1j))
    np.testing.assert_array_equal(got[1], [1, 2, 2, 1])


def test_errors():
    with pytest.raises(ValueError, match="rank 1"):
        sig.frame(tk.constant(1.0), 2, 1)
    with pytest.raises(ValueError, match="positive"):
        sig.frame(tk.zeros([4]), 0, 1)
    with pytest.raises(ValueError, match="rank 0"):
        sig.frame(tk.zeros([4]), [2, 2], 1)
    with pytest.raises(TypeError, match="known when the graph is built"):
        sig.frame(tk.zeros([4]), tk.placeholder(tk.int32, []), 1)
    with pytest.raises(ValueError, match="at least rank 2"):
        sig.overlap_and_add(tk.zeros([4]), 1)
    with pytest.raises(ValueError, match="must be an integer"):
        sig.overlap_and_add(tk.zeros([2, 4]), 1.5)
    with pytest.raises(ValueError, match="floating point"):
        sig.hann_window(4, dtype=tk.int32)


def test_contrib_signal_is_the_same():
    assert tk.contrib.signal.stft is sig.stft and tk.contrib.signal.frame is sig.frame
    assert tk.spectral.dct is sig.dct


@pytest.mark.parametrize("frames, length, step", [(3, 7, 2), (40, 7, 3), (2, 9, 4),
                                                   (5, 3, 5), (1, 4, 1), (0, 4, 3)])
def test_overlap_and_add_against_a_loop(frames, length, step):
    # both ways of summing (per piece of gcd(length, step) samples, or per frame)
    x = np.random.default_rng(frames).standard_normal((2, frames, length))
    want = np.zeros((2, max(0, length + step * (frames - 1))))
    for f in range(frames):
        want[:, f * step:f * step + length] += x[:, f]
    with tk.Session() as sess:
        got = sess.run(sig.overlap_and_add(tk.constant(x), step))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
