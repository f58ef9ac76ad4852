"""quantize/dequantize (QuantizeV2, Dequantize) against values recorded with TF 2.21.

tests/ops/data/quantize_tf.npz (rebuilt by make_quantize_fixture.py, with oneDNN off so
TF runs its reference kernels; where oneDNN's kernels run they give the same values)
holds, for 10 ranges (min > 0, max < 0, min == max == 0, tiny, ...) x the five quantized
types x MIN_COMBINED / MIN_FIRST / SCALED (both round modes, narrow_range): the quantized
values, output range and the dequantized round trip; every extreme level of each type
dequantized; and per-axis runs. Everything is compared bitwise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.ops.data.make_quantize_fixture import MODES, RANGES, TYPES, cases

DATA = np.load(Path(__file__).with_name("data") / "quantize_tf.npz", allow_pickle=False)


def assert_bitwise(got, want) -> None:
    got = np.asarray(got)
    assert got.shape == want.shape
    if want.dtype.kind == "f":
        nan = np.isnan(want)
        np.testing.assert_array_equal(np.isnan(got), nan)
        got, want = got[~nan], want[~nan]
    np.testing.assert_array_equal(np.ascontiguousarray(got).view(np.uint8),
                                  np.ascontiguousarray(want).view(np.uint8))


@pytest.mark.parametrize("tn", TYPES)
def test_quantize_and_round_trip_match_tf(tn):
    x = DATA["x"]
    fetch = {}
    with tk.Graph().as_default():
        for key, ri, t, mode, rmode, narrow in cases():
            if t != tn:
                continue
            mn, mx = RANGES[ri]
            q = tk.quantization.quantize(x, mn, mx, getattr(tk, tn), mode=mode,
                                         round_mode=rmode, narrow_range=narrow)
            assert q.output.dtype is getattr(tk, tn)
            d = tk.quantization.dequantize(q.output, q.output_min, q.output_max, mode=mode,
                                           narrow_range=narrow)
            fetch[key] = (q.output, q.output_min, q.output_max, d)
        with tk.Session() as sess:
            got = sess.run(fetch)
    for key, values in got.items():
        ri, _, mi = key.split("_")
        for name, v in zip(("q", "qmin", "qmax", "deq"), values, strict=True):
            assert_bitwise(v, DATA[f"{name}_{tn}"][int(ri), int(mi)])


@pytest.mark.parametrize("tn", TYPES)
def test_dequantize_every_extreme_level_matches_tf(tn):
    levels = DATA[f"levels_{tn}"]
    fetch = {}
    with tk.Graph().as_default():
        q = tk.constant(levels, dtype=getattr(tk, tn))
        for i, ri in enumerate((0, 2, 6, 9)):
            mn, mx = RANGES[ri]
            for mi, (mode, _, narrow) in enumerate(MODES):
                fetch[i, mi] = tk.dequantize(q, mn, mx, mode=mode, narrow_range=narrow)
        with tk.Session() as sess:
            got = sess.run(fetch)
    for at, v in got.items():
        assert_bitwise(v, DATA[f"levels_deq_{tn}"][at])


@pytest.mark.parametrize("tn", ["quint8", "qint8", "qint32"])
def test_per_axis_matches_tf(tn):
    x2 = DATA["x2"]
    amn, amx = np.float32([-1.0, 0.0, -3.7]), np.float32([1.0, 1.0, 2.9])
    with tk.Graph().as_default():
        fetch = {}
        for mi in (0, 2, 3, 4):
            mode, rmode, narrow = MODES[mi]
            q = tk.quantize(x2, amn, amx, getattr(tk, tn), mode=mode, round_mode=rmode,
                            narrow_range=narrow, axis=1)
            assert q.output_min.shape.as_list() == [3]
            d = tk.dequantize(q.output, q.output_min, q.output_max, mode=mode,
                              narrow_range=narrow, axis=-1)
            fetch[mi] = (q.output, q.output_min, q.output_max, d)
        with tk.Session() as sess:
            got = sess.run(fetch)
    for mi, values in got.items():
        for i, v in enumerate(values):
            assert_bitwise(v, DATA[f"axis_{tn}_{mi}_{i}"])


def test_by_hand():
    # quint8 MIN_COMBINED over [0, 1]: level = trunc(x * 255 + 0.5), so 0.5 -> 128
    with tk.Session() as sess:
        q, lo, hi = sess.run(tk.quantize([0.0, 0.5, 1.0, 2.0, -1.0], 0.0, 1.0, tk.quint8))
        q2 = sess.run(tk.quantize_v2([0.5], 0.0, 1.0, tk.quint8, "MIN_COMBINED", "q2"))
    assert q2.output == 128
    np.testing.assert_array_equal(q, [0, 128, 255, 255, 0])
    assert q.dtype == np.uint8 and (lo, hi) == (0.0, 1.0)


def test_quantized_dtypes():
    assert tk.quint8.is_quantized and not tk.quint8.is_integer and not tk.uint8.is_quantized
    assert [d.as_datatype_enum for d in (tk.qint8, tk.quint8, tk.qint32, tk.qint16,
                                         tk.quint16)] == [11, 12, 13, 15, 16]
    assert tk.as_dtype("qint16") is tk.qint16 and tk.as_dtype(np.uint8) is tk.uint8
    assert tk.as_dtype(12) is tk.quint8 and tk.QUANTIZED_DTYPES == {
        tk.qint8, tk.quint8, tk.qint16, tk.quint16, tk.qint32}
    with pytest.raises(TypeError):
        tk.quint8.min  # noqa: B018 - TF raises for quantized types too


def test_build_errors():
    x = np.zeros((4, 2), np.float32)
    with pytest.raises(ValueError, match="Attr 'mode'"):
        tk.quantize(x, -1.0, 1.0, tk.quint8, mode="FOO")
    with pytest.raises(ValueError, match="Attr 'round_mode'"):
        tk.quantize(x, -1.0, 1.0, tk.quint8, round_mode="HALF_UP")
    for t in (tk.float32, tk.uint8):
        with pytest.raises(TypeError, match="allowed values"):
            tk.quantize(x, -1.0, 1.0, t)
    with pytest.raises(ValueError, match="equal"):
        tk.quantize(x, [-1.0] * 3, [1.0] * 3, tk.quint8, axis=1)
    with pytest.raises(ValueError, match="rank 0"):
        tk.quantize(x, [-1.0], [1.0], tk.quint8)
    with pytest.raises(ValueError, match="rank 1"):
        tk.quantize(x, -1.0, 1.0, tk.quint8, axis=2)
    with pytest.raises(TypeError, match="quantized"):
        tk.dequantize(x, -1.0, 1.0)
    q = tk.constant([1, 2], dtype=tk.quint8)
    with pytest.raises(ValueError, match="Attr 'mode'"):
        tk.dequantize(q, -1.0, 1.0, mode="FOO")
    with pytest.raises(TypeError, match="float32"):
        tk.dequantize(q, -1.0, 1.0, dtype=tk.float64)


def test_run_errors():
    x = np.zeros((4, 2), np.float32)
    q = tk.constant([[1, 2]], dtype=tk.quint8)
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="only supported for mode"):
            sess.run(tk.quantize(x, -1.0, 1.0, tk.quint8, round_mode="HALF_TO_EVEN"))
        with pytest.raises(tk.errors.InvalidArgumentError, match="larger than"):
            sess.run(tk.quantize(x, 1.0, -1.0, tk.quint8))
        with pytest.raises(tk.errors.UnimplementedError, match="MIN_FIRST"):
            sess.run(tk.quantize(x, [-1.0] * 2, [1.0] * 2, tk.quint8, axis=1,
                                 mode="MIN_FIRST"))
        with pytest.raises(tk.errors.UnimplementedError, match="MIN_FIRST"):
            sess.run(tk.dequantize(q, [-1.0] * 2, [1.0] * 2, axis=1, mode="MIN_FIRST"))
        ph = tk.placeholder(tk.float32, None)
        with pytest.raises(tk.errors.InvalidArgumentError):
            sess.run(tk.quantize(x, ph, 1.0, tk.quint8), {ph: [-1.0, 0.0]})


def test_no_gradient_as_tf():
    x = tk.constant([0.5])
    q = tk.quantize(x, -1.0, 1.0, tk.qint8)
    with pytest.raises(LookupError, match="op type: Dequantize"):
        tk.gradients(tk.dequantize(q.output, q.output_min, q.output_max), [x])


@pytest.mark.parametrize("tn", ["quint8", "qint32"])
def test_quantized_concat_matches_tf(tn):
    # the fixture's CONCAT_RANGES: equal ranges (copied), one input at 0..0, min > 0,
    # max < 0, tiny ranges; the first row holds each type's extreme levels
    from tests.ops.data.make_quantize_fixture import CONCAT_RANGES

    a, b = DATA[f"concat_a_{tn}"], DATA[f"concat_b_{tn}"]
    dt = getattr(tk, tn)
    with tk.Graph().as_default():
        qa, qb = tk.constant(a, dtype=dt), tk.constant(b, dtype=dt)
        fetch = {ci: tk.quantization.quantized_concat(1, [qa, qb], [m1, m2], [x1, x2])
                 for ci, (m1, x1, m2, x2) in enumerate(CONCAT_RANGES)}
        assert fetch[0].output.shape.as_list() == [2, 5] and fetch[0].output.dtype is dt
        with tk.Session() as sess:
            got = sess.run(fetch)
    for ci, values in got.items():
        for i, v in enumerate(values):
            assert_bitwise(v, DATA[f"concat_{tn}_{ci}_{i}"])


def test_quantized_concat_errors():
    q8 = tk.constant([[1, 2]], dtype=tk.quint8)
    with pytest.raises(ValueError, match="must match length"):
        tk.quantized_concat(1, [q8, q8], [0.0] * 3, [1.0] * 3)
    with pytest.raises(ValueError, match="rank 0"):
        tk.quantized_concat([1], [q8, q8], [0.0] * 2, [1.0] * 2)
    with pytest.raises(ValueError, match="equal"):
        tk.quantized_concat(1, [q8, tk.constant([[1, 2], [3, 4]], dtype=tk.quint8)],
                            [0.0] * 2, [1.0] * 2)
    with pytest.raises(TypeError, match="quantized"):
        tk.quantized_concat(0, [[1.0], [2.0]], [0.0] * 2, [1.0] * 2)
    qi8 = tk.constant([1], dtype=tk.qint8)
    ph = tk.placeholder(tk.int32, [])
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="DT_QINT8"):
            sess.run(tk.quantized_concat(0, [qi8, qi8], [0.0] * 2, [1.0] * 2))
        with pytest.raises(tk.errors.InvalidArgumentError, match="range"):
            sess.run(tk.quantized_concat(ph, [q8, q8], [0.0] * 2, [1.0] * 2), {ph: 2})
        with pytest.raises(LookupError, match="QuantizedConcat"):
            x = tk.constant([[0.5]])
            q = tk.quantize(x, 0.0, 1.0, tk.quint8)
            c = tk.quantized_concat(0, [q.output, q.output], [q.output_min] * 2,
                                    [q.output_max] * 2)
            tk.gradients(c.output_min, [x])
