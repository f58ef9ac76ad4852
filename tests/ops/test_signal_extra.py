"""tk.signal's Kaiser/KBD/Vorbis windows, mdct/inverse_mdct and fftshift/ifftshift against
TF 2.21 (tests/ops/signal_extra_tf.py) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.signal_cases import run_case
from tests.ops.signal_extra_tf import RECORDED, M, Z
from tests.ops.signal_windows_frames_tf import INPUTS

sig = tk.signal
S1, S2 = INPUTS["S1"], INPUTS["S2"]

WINDOWS = {
    "kaiser_7": lambda: sig.kaiser_window(7),
    "kaiser_8_beta4_f64": lambda: sig.kaiser_window(8, beta=4.0, dtype=tk.float64),
    "kaiser_1": lambda: sig.kaiser_window(1),
    "kbd_8": lambda: sig.kaiser_bessel_derived_window(8),
    "kbd_9_beta5_f64": lambda: sig.kaiser_bessel_derived_window(9, 5.0, tk.float64),
    "vorbis_8": lambda: sig.vorbis_window(8),
    "vorbis_5_f64": lambda: sig.vorbis_window(5, dtype=tk.float64),
}

CASES = {
    "mdct": (lambda x: sig.mdct(x, 8), S2),
    "mdct_ortho_pad_kbd": (lambda x: sig.mdct(
        x, 12, window_fn=sig.kaiser_bessel_derived_window, pad_end=True, norm="ortho"), S2),
    "mdct_no_window": (lambda x: sig.mdct(x, 4, window_fn=None), S1),
    "inverse_mdct": (sig.inverse_mdct, M),
    "inverse_mdct_ortho_none": (lambda m: sig.inverse_mdct(m, None, norm="ortho"), M),
    "fftshift": (sig.fftshift, Z),
    "ifftshift_axis": (lambda z: sig.ifftshift(z, axes=-1), Z),
    "fftshift_axes": (lambda z: sig.fftshift(z, axes=[0, 1]), Z),
}


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_windows_match_tf(name):
    want = RECORDED[name][0]
    with tk.Session() as sess:
        got = sess.run(WINDOWS[name]())
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    build, value = CASES[name]
    run_case(build, value, RECORDED[name], atol=1e-10)


def test_mdct_round_trip_and_gradients():
    x = np.sin(np.arange(2 * 48) * 0.37).reshape(2, 48)
    back = sig.inverse_mdct(sig.mdct(tk.constant(x), 16, norm="ortho"), norm="ortho")
    with tk.Session() as sess:
        bv = sess.run(back)
    # Princen-Bradley: exact wherever two frames overlap
    np.testing.assert_allclose(bv[:, 8:40], x[:, 8:40], atol=1e-12)
    check_grad(lambda v: sig.mdct(v, 8) ** 2, x[:, :20])
    check_grad(lambda v: sig.inverse_mdct(v) ** 2, x[:, :12].reshape(2, 3, 4))


def test_shift_errors_and_round_trip():
    z = tk.constant(np.arange(15.0).reshape(3, 5))
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(sig.ifftshift(sig.fftshift(z))),
                                      np.arange(15.0).reshape(3, 5))
    with pytest.raises(ValueError, match="out of range"):
        sig.fftshift(z, axes=2)
    with pytest.raises(ValueError, match="multiple of 4"):
        sig.mdct(z, 6)
