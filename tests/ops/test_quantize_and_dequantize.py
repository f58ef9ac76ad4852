"""quantize_and_dequantize (QuantizeAndDequantizeV2) and quantize_and_dequantize_v2
(QuantizeAndDequantizeV4) against values recorded with TF 2.21 (compat.v1, graph mode).

tests/ops/data/qdq_tf.npz (rebuilt by make_qdq_fixture.py) holds float32 and float64
results for 9 given ranges x num_bits 2..31 x signed/unsigned x narrow_range x both round
modes, on inputs with exact ties, out-of-range values, +-0 and +-inf; plus the range taken
from the input, per tensor and per slice along an axis. Compared bitwise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.ops.data.make_qdq_fixture import BITS, RANGES, cases

DATA = np.load(Path(__file__).with_name("data") / "qdq_tf.npz", allow_pickle=False)


def assert_bitwise(got, want) -> None:
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan].view(np.uint8), want[~nan].view(np.uint8))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matches_tf_bitwise(dtype):
    # fixture layout: {kind}_{dtype}_{ri} of shape [len(BITS), 2 (signed_input),
    # 2 (narrow_range), 2 (HALF_TO_EVEN, HALF_UP), ...]
    x = DATA[f"x_{dtype}"]
    fetch = {}
    with tk.Graph().as_default():
        for _, dt, ri, bits, signed, narrow, mode in cases():
            if dt != dtype:
                continue
            mn, mx = RANGES[ri]
            kw = {"signed_input": signed, "num_bits": bits, "round_mode": mode,
                  "narrow_range": narrow}
            at = (ri, BITS.index(bits), int(signed), int(narrow), int(mode == "HALF_UP"))
            fetch[("given",) + at] = tk.quantization.quantize_and_dequantize(
                x, mn, mx, range_given=True, **kw)
            if ri == 0:
                fetch[("auto",) + at] = tk.quantization.quantize_and_dequantize(
                    x[:-5], mn, mx, range_given=False, **kw)
                fetch[("axis",) + at] = tk.quantization.quantize_and_dequantize_v2(
                    x[:-7].reshape(-1, 4), [mn] * 4, [mx] * 4, range_given=False, axis=1,
                    **kw)
        with tk.Session() as sess:
            got = sess.run(fetch)
    for (kind, ri, *at), v in got.items():
        assert_bitwise(v, DATA[f"{kind}_{dtype}_{ri}"][tuple(at)])


def test_round_modes_and_nan_by_hand():
    y = np.array([[-2, -1.0], [-0.5, 0], [0.1, 0.5], [1, 2]], np.float32)
    kw = {"range_given": True, "num_bits": 3, "narrow_range": True}
    with tk.Session() as sess:
        up = sess.run(tk.quantization.quantize_and_dequantize(y, -1.0, 1.0,
                                                              round_mode="HALF_UP", **kw))
        even = sess.run(tk.quantization.quantize_and_dequantize(y, -1.0, 1.0, **kw))
        # TF 2.21: the range taken from an input holding NaN makes everything NaN
        nan = sess.run(tk.quantization.quantize_and_dequantize([1.0, np.nan], -1.0, 1.0))
        # ... while a given range passes NaN through
        given = sess.run(tk.quantization.quantize_and_dequantize(
            [0.5, np.nan], -1.0, 1.0, range_given=True))
    np.testing.assert_allclose(up.ravel(), [-1, -1, -1 / 3, 0, 0, 2 / 3, 1, 1], rtol=1e-7)
    np.testing.assert_allclose(even.ravel(), [-1, -1, -2 / 3, 0, 0, 2 / 3, 1, 1], rtol=1e-7)
    assert np.isnan(nan).all()
    assert given[0] == np.float32(0.503937) and np.isnan(given[1])


def test_gradients_as_tf():
    y = np.array([[-2, -1.0], [-0.5, 0], [0.1, 0.5], [1, 2]], np.float32)
    up = np.arange(8, dtype=np.float32).reshape(4, 2)
    x = tk.constant(y)
    mn, mx = tk.constant(-1.0), tk.constant(0.5)
    v2 = tk.quantization.quantize_and_dequantize(x, mn, mx, range_given=True)
    v4 = tk.quantization.quantize_and_dequantize_v2(x, mn, mx, range_given=False)
    g2 = tk.gradients(v2 * up, [x, mn, mx])
    g4 = tk.gradients(v4 * up, [x, mn, mx])
    assert g2[1] is None and g2[2] is None  # V2: straight through everywhere
    assert g4[0].op.type == "QuantizeAndDequantizeV4Grad"
    cmn, cmx = tk.constant([-1.0, -0.1]), tk.constant([0.5, 3.0])
    v4a = tk.quantization.quantize_and_dequantize_v2(x, cmn, cmx, axis=1)
    g4a = tk.gradients(v4a * up, [x, cmn, cmx])
    with tk.Session() as sess:
        r2, r4, r4a = sess.run((g2[0], g4, g4a))
    np.testing.assert_array_equal(r2, up)
    # TF 2.21: V4 keeps the gradient where input_min <= x <= input_max (the given tensors,
    # even when range_given=False); d/dmin and d/dmax are zeros
    np.testing.assert_array_equal(r4[0], [[0, 1], [2, 3], [4, 5], [0, 0]])
    assert r4[1] == 0 and r4[2] == 0
    np.testing.assert_array_equal(r4a[0], [[0, 0], [2, 3], [4, 5], [0, 7]])
    np.testing.assert_array_equal(r4a[1], [0, 0])


def test_build_errors():
    y = np.zeros((4, 2), np.float32)
    q = tk.quantization.quantize_and_dequantize
    with pytest.raises(ValueError, match="round_mode"):
        q(y, -1.0, 1.0, round_mode="FOO")
    with pytest.raises(ValueError, match="equal"):
        q(y, [-1.0] * 3, [1.0] * 3, axis=1)
    with pytest.raises(ValueError, match="rank 1"):
        q(y, -1.0, 1.0, axis=1)
    with pytest.raises(ValueError, match="rank 0"):
        q(y, [-1.0], 1.0)
    with pytest.raises(ValueError, match="at least rank 3"):
        q(y, [-1.0] * 2, [1.0] * 2, axis=2)
    with pytest.raises(TypeError, match="does not match"):
        q(tk.constant(y.astype(np.float64)), tk.constant(-1.0), 1.0)
    with pytest.raises(TypeError, match="float"):
        q(tk.constant([1, 2]), 0, 1)


def test_float16_has_no_cpu_kernel_as_tf():
    op = tk.quantization.quantize_and_dequantize(np.float16([0.5]), -1.0, 1.0)
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError, match="HALF"):
        sess.run(op)


@pytest.mark.parametrize("kw", [
    {"range_given": True, "input_min": 1.0, "input_max": -1.0},
    {"range_given": True, "input_min": -1.0, "input_max": np.nan},
    {"num_bits": 0}, {"num_bits": 62}, {"num_bits": 63, "signed_input": False},
    # TF 2.21's kernel reads a given range as scalars, so a given per-axis range fails
    {"range_given": True, "input_min": [-1.0, -1.0], "input_max": [1.0, 1.0], "axis": 1},
])
def test_run_errors(kw):
    y = np.zeros((4, 2), np.float32)
    args = {"input_min": -1.0, "input_max": 1.0, **kw}
    op = tk.quantization.quantize_and_dequantize(y, **args)
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError):
        sess.run(op)


def test_largest_num_bits_and_unsigned_without_clamping():
    # TF 2.21: 61 (signed) and 62 (unsigned) bits run and leave float32 values as they
    # are; an unsigned range taken from the input is not clamped, so -1 stays -1
    y = np.array([-1.0, 0.25, 1.0, 0.3], np.float32)
    q = tk.quantization.quantize_and_dequantize
    with tk.Session() as sess:
        a = sess.run(q(y, 0.0, 0.0, num_bits=61))
        b = sess.run(q(y, 0.0, 0.0, num_bits=62, signed_input=False))
        c = sess.run(q(y, 0.0, 0.0, num_bits=2, signed_input=False))
    np.testing.assert_array_equal(a, y)
    np.testing.assert_array_equal(b, y)
    np.testing.assert_array_equal(c, np.float32([-1.0, 1 / 3, 1.0, 1 / 3]))
