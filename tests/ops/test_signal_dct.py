"""tk.signal.dct/idct, linear_to_mel_weight_matrix and mfccs_from_log_mel_spectrograms
against TF 2.21 (tests/ops/signal_dct_mel_tf.py), finite differences and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.signal_cases import run_case
from tests.ops.signal_dct_mel_tf import RECORDED
from tests.ops.signal_windows_frames_tf import INPUTS

sig = tk.signal
D, LM = INPUTS["D"], INPUTS["LM"]

CASES = {
    "dct2_n6": (lambda x: sig.dct(x, n=6), D),
    "dct2_n11_ortho": (lambda x: sig.dct(x, n=11, norm="ortho"), D),
    "idct2_ortho_f32": (lambda x: sig.idct(x, norm="ortho"), D.astype(np.float32)),
    "mfccs": (sig.mfccs_from_log_mel_spectrograms, LM),
    "mfccs_f32": (sig.mfccs_from_log_mel_spectrograms, LM.astype(np.float32)),
}
for _t in (1, 2, 3, 4):
    CASES[f"dct{_t}"] = (lambda x, t=_t: sig.dct(x, type=t), D)
    CASES[f"idct{_t}"] = (lambda x, t=_t: sig.idct(x, type=t), D)
    if _t != 1:
        CASES[f"dct{_t}_ortho"] = (lambda x, t=_t: sig.dct(x, type=t, norm="ortho"), D)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    build, value = CASES[name]
    run_case(build, value, RECORDED[name], atol=1e-6 if value.dtype == np.float32 else 1e-10)


def test_ortho_pairs_invert_and_gradients():
    x = np.linspace(-1, 1, 2 * 3 * 5).reshape(2, 3, 5)
    for t in (2, 3, 4):
        y = sig.idct(sig.dct(tk.constant(x), type=t, norm="ortho"), type=t, norm="ortho")
        with tk.Session() as sess:
            np.testing.assert_allclose(sess.run(y), x, atol=1e-12)
    check_grad(lambda v: sig.dct(v, type=1, n=4) ** 2, x)
    check_grad(lambda v: sig.mfccs_from_log_mel_spectrograms(v) ** 2, x)


def test_dynamic_batch_dimensions():
    x = tk.placeholder(tk.float64, [None, None, 8])
    y = sig.dct(x, norm="ortho")
    assert y.shape.as_list() == [None, None, 8]
    with tk.Session() as sess:
        got = sess.run(y, {x: np.tile(D, (2, 1, 1))})
    np.testing.assert_allclose(got[1], RECORDED["dct2_ortho"][0], atol=1e-10)


def test_mel_matrices_match_tf():
    small = sig.linear_to_mel_weight_matrix(8, 17, 16000, 20.0, 8000.0, tk.float64)
    default = sig.linear_to_mel_weight_matrix()
    assert default.dtype is tk.float32 and default.shape.as_list() == [129, 20]
    with tk.Session() as sess:
        sv, dv = sess.run([small, default])
    np.testing.assert_allclose(sv, RECORDED["mel_small"][0], atol=1e-10)
    sums = np.concatenate([dv.sum(0), dv.sum(1)])  # TF computes in float32
    np.testing.assert_allclose(sums, RECORDED["mel_default_sums"][0], rtol=1e-5, atol=2e-5)


@pytest.mark.parametrize("call, match", [
    (lambda: sig.dct(tk.zeros([3, 4]), axis=0), "axis must be -1"),
    (lambda: sig.dct(tk.zeros([3, 4]), type=5), "Types I, II, III and IV"),
    (lambda: sig.dct(tk.zeros([3, 4]), type=1, norm="ortho"), "Type-I"),
    (lambda: sig.dct(tk.zeros([3, 1]), type=1), "greater than one"),
    (lambda: sig.dct(tk.zeros([3, 4]), norm="unit"), "Unknown normalization"),
    (lambda: sig.dct(tk.zeros([3, 4]), n=0), "positive integer"),
    (lambda: sig.linear_to_mel_weight_matrix(0), "num_mel_bins must be positive"),
    (lambda: sig.linear_to_mel_weight_matrix(lower_edge_hertz=-1.0), "non-negative"),
    (lambda: sig.linear_to_mel_weight_matrix(lower_edge_hertz=4000.0), ">= upper_edge"),
    (lambda: sig.linear_to_mel_weight_matrix(upper_edge_hertz=4500.0), "Nyquist"),
    (lambda: sig.linear_to_mel_weight_matrix(dtype=tk.int32), "floating point"),
    (lambda: sig.mfccs_from_log_mel_spectrograms(tk.zeros([2, 0])), "must be positive"),
])
def test_errors_as_tf(call, match):
    with pytest.raises((ValueError, NotImplementedError), match=match):
        call()
