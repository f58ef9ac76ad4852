"""Flush-to-zero of subnormal results, as TF's CPU kernels give them. The TF numbers were
computed with TF 2.21 (``tf.compat.v1``, ``disable_v2_behavior()``): ``tf.exp`` of
``-90`` in float32 is 0 (NumPy: 8.2e-40), the softmax of ``[0, -90, -200]`` is
``[1, 0, 0]`` and its ``tf.log`` ``[0, -inf, -inf]``."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.ops.denormals import flush_to_zero

TINY32 = np.finfo(np.float32).tiny


def test_flush_to_zero_on_arrays_and_scalars():
    a = np.array([1e-40, -1e-40, TINY32, -TINY32, 0.5, 0.0], np.float32)
    out = flush_to_zero(a)
    assert out is a
    assert out.tolist() == [0.0, 0.0, float(TINY32), -float(TINY32), 0.5, 0.0]
    assert np.signbit(out[1]) and not np.signbit(out[0])
    assert flush_to_zero(np.float64(1e-310)) == 0.0
    assert flush_to_zero(np.float32(0.25)) == np.float32(0.25)
    ints = np.array([0, 1], np.int32)
    assert flush_to_zero(ints) is ints


def test_exp_and_softmax_flush_like_tf():
    x = tk.placeholder(tk.float32, [None, 3])
    y = tk.nn.softmax(x)
    with tk.Session() as sess:
        e, s, log_s = sess.run([tk.exp(x), y, tk.log(y)],
                               {x: [[0.0, -90.0, -200.0], [0.0, -87.5, -103.5]]})
    # TF 2.21: exp(-87.5) = 9.98e-39 is subnormal too, so 0.
    assert e.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    assert s.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    assert np.isneginf(log_s[:, 1:]).all()
    with tk.Session() as sess:  # normal results are untouched
        got = sess.run(tk.exp(tk.constant([-87.0, 1.0], tk.float32)))
    np.testing.assert_array_equal(got, np.exp(np.float32([-87.0, 1.0])))


def test_zero_times_log_of_underflowed_softmax_is_nan():
    """hunkim's lab-07-1 ``-sum(Y * log(softmax))`` with learning rate 1.5: TF's cost
    turns nan where a class probability underflows; NumPy's subnormal kept it finite."""
    logits = tk.constant([[0.0, -95.0]], tk.float32)
    cost = -tk.reduce_sum(tk.constant([[1.0, 0.0]]) * tk.log(tk.nn.softmax(logits)))
    with tk.Session() as sess:
        assert np.isnan(sess.run(cost))
