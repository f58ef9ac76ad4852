"""tk.signal.stft / inverse_stft against TF 2.21 (values and gradients recorded in
tests/ops/signal_stft_tf.py), finite differences and round trips."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.signal_cases import run_case
from tests.ops.signal_stft_tf import RECORDED
from tests.ops.signal_windows_frames_tf import INPUTS

sig = tk.signal
S2, ST = INPUTS["S2"], INPUTS["ST"]

CASES = {
    "stft": (lambda x: sig.stft(x, 16, 6), S2),
    "stft_f32_pad_fft": (lambda x: sig.stft(x, 12, 5, fft_length=20, pad_end=True),
                         S2.astype(np.float32)),
    "stft_hamming": (lambda x: sig.stft(x, 10, 4, window_fn=sig.hamming_window), S2),
    "stft_no_window": (lambda x: sig.stft(x, 8, 8, window_fn=None), S2),
    "inverse_stft": (lambda s: sig.inverse_stft(
        s, 16, 4, fft_length=32, window_fn=sig.inverse_stft_window_fn(4)), ST),
    # TF's own gradient fails here (an spectrum longer than fft_length): value only
    "inverse_stft_default": (lambda s: sig.inverse_stft(s, 16, 4), ST),
    "inverse_stft_short_fft": (lambda s: sig.inverse_stft(s, 16, 4, fft_length=12),
                               ST[..., :7].copy()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    build, value = CASES[name]
    atol = 1e-6 if value.dtype in (np.float32, np.complex64) else 1e-10
    run_case(build, value, RECORDED[name], atol=atol)


def test_gradients_match_finite_differences():
    x = np.sin(np.arange(2 * 23) * 0.7).reshape(2, 23)
    check_grad(lambda s: tk.abs(sig.stft(s, 8, 3, fft_length=10, pad_end=True)), x,
               rtol=1e-5, atol=1e-7)
    check_grad(lambda s: sig.inverse_stft(tk.complex(s, s * 0.5), 8, 2), x[:, :15]
               .reshape(2, 3, 5), rtol=1e-5, atol=1e-7)


def test_inverse_stft_window_fn_inverts_stft():
    x = tk.constant(np.cos(np.arange(3 * 64) * 0.3).reshape(3, 64))
    back = sig.inverse_stft(sig.stft(x, 16, 4), 16, 4,
                            window_fn=sig.inverse_stft_window_fn(4))
    with tk.Session() as sess:
        xv, bv = sess.run([x, back])
    # the first and last frame_length - frame_step samples lack overlapping frames
    np.testing.assert_allclose(bv[:, 12:-12], xv[:, 12:bv.shape[1] - 12], atol=1e-12)


def test_dtypes_shapes_and_errors():
    x = tk.placeholder(tk.float32, [None, 100])
    s = sig.stft(x, 25, 10)
    assert s.dtype is tk.complex64 and s.shape.as_list() == [None, 8, 17]
    assert sig.inverse_stft(s, 25, 10).shape.as_list() == [None, 95]
    with pytest.raises(ValueError, match="floating point"):  # TF: the window refuses
        sig.stft(tk.zeros([10], tk.int32), 4, 2)
    with pytest.raises(ValueError, match="RFFT requires"):
        sig.stft(tk.zeros([10], tk.int32), 4, 2, window_fn=None)
    with pytest.raises(ValueError, match="at least rank 2"):
        sig.inverse_stft(tk.zeros([5], tk.complex64), 8, 2)


def test_graph_def_round_trip_keeps_values_and_gradients():
    g1 = tk.Graph()
    with g1.as_default():
        x = tk.placeholder(tk.float32, [2, 50], name="x")
        y = sig.inverse_stft(sig.stft(x, 16, 4), 16, 4)
        gx = tk.gradients(tk.reduce_sum(y * y), x)[0]
        gd = g1.as_graph_def()
    data = np.random.default_rng(3).random((2, 50)).astype(np.float32)
    with tk.Session(graph=g1) as sess:
        want = sess.run([y, gx], {x: data})
    with tk.Graph().as_default():
        tk.import_graph_def(gd, name="")
        with tk.Session() as sess:
            got = sess.run([y.name, gx.name], {"x:0": data})
    for w, g in zip(want, got):
        np.testing.assert_array_equal(g, w)
