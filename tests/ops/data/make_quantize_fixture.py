"""Records TF 2.21's quantize/dequantize results for tests/ops/test_quantize_ops.py.

Run with the TF peer venv (never a project dependency):
    /work/venvs/tf/bin/python tests/ops/data/make_quantize_fixture.py
It writes quantize_tf.npz beside itself (plain arrays, loaded with allow_pickle=False).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

RANGES = [(-1.0, 1.0), (-6.0, 6.0), (0.0, 1.0), (-0.1, 0.25), (0.5, 1.0), (-1.0, -0.5),
          (-3.7, 2.9), (0.0, 0.0), (-1e-4, 1e-4), (-127.0, 128.0)]
TYPES = ("quint8", "qint8", "quint16", "qint16", "qint32")
MODES = [("MIN_COMBINED", "HALF_AWAY_FROM_ZERO", False), ("MIN_FIRST", "HALF_AWAY_FROM_ZERO",
         False), ("SCALED", "HALF_AWAY_FROM_ZERO", False), ("SCALED", "HALF_TO_EVEN", False),
         ("SCALED", "HALF_TO_EVEN", True), ("SCALED", "HALF_AWAY_FROM_ZERO", True)]
CONCAT_RANGES = [(-1.0, 1.0, -1.0, 1.0), (0.0, 1.0, -2.0, 3.0), (0.5, 1.0, 0.2, 4.0),
                 (-3.0, -1.0, -2.0, 0.0), (0.0, 0.0, -1.0, 2.0), (-1e-3, 2e-3, -5.0, 7.0)]
NP = {"quint8": np.uint8, "qint8": np.int8, "quint16": np.uint16, "qint16": np.int16,
      "qint32": np.int32}


def inputs(rng: np.random.Generator) -> np.ndarray:
    """Random values, quarter steps (ties on small grids), out of range, +-0, NaN, inf."""
    rand = rng.uniform(-8, 8, 60)
    quarters = np.arange(-32, 33) / 4.0
    special = [0.0, -0.0, 1e30, -1e30, np.inf, -np.inf, np.nan, 1 / 3, 0.1, 1e-5]
    return np.concatenate([rand, quarters, special]).astype(np.float32)


def cases():
    """(key, range index, type name, mode, round_mode, narrow) for every case."""
    for ri in range(len(RANGES)):
        for tn in TYPES:
            for mi, (mode, rmode, narrow) in enumerate(MODES):
                yield f"{ri}_{tn}_{mi}", ri, tn, mode, rmode, narrow


def main() -> None:
    import tensorflow as tf

    t = tf.compat.v1
    t.disable_eager_execution()
    rng = np.random.default_rng(5)
    x = inputs(rng)
    out: dict[str, np.ndarray] = {"x": x}
    fetch = {}
    with tf.Graph().as_default():
        for key, ri, tn, mode, rmode, narrow in cases():
            mn, mx = RANGES[ri]
            q = t.quantization.quantize(x, mn, mx, getattr(tf, tn), mode=mode,
                                        round_mode=rmode, narrow_range=narrow)
            d = t.quantization.dequantize(q.output, q.output_min, q.output_max, mode=mode,
                                          narrow_range=narrow)
            fetch[key] = (t.bitcast(q.output, getattr(tf, tn.lstrip("q"))), q.output_min,
                          q.output_max, d)
        # every level of each type through dequantize with a few ranges
        for tn in TYPES:
            info = np.iinfo(NP[tn])
            levels = np.unique(np.concatenate([
                np.arange(info.min, min(info.max, info.min + 300)),
                np.arange(max(info.min, info.max - 300), info.max + 1),
                rng.integers(info.min, info.max, 200, endpoint=True)])).astype(NP[tn])
            out[f"levels_{tn}"] = levels
            qt = t.bitcast(t.constant(levels), getattr(tf, tn))
            for ri in (0, 2, 6, 9):
                mn, mx = RANGES[ri]
                for mi, (mode, _, narrow) in enumerate(MODES):
                    fetch[f"deq_{tn}_{ri}_{mi}"] = t.quantization.dequantize(
                        qt, mn, mx, mode=mode, narrow_range=narrow)
        # per-axis quantize (MIN_COMBINED, SCALED) on [4, 3] slices of x
        x2 = x[:84].reshape(28, 3)
        out["x2"] = x2
        amn, amx = np.float32([-1.0, 0.0, -3.7]), np.float32([1.0, 1.0, 2.9])
        for tn in ("quint8", "qint8", "qint32"):
            for mi in (0, 2, 3, 4):
                mode, rmode, narrow = MODES[mi]
                q = t.quantization.quantize(x2, amn, amx, getattr(tf, tn), mode=mode,
                                            round_mode=rmode, narrow_range=narrow, axis=1)
                d = t.quantization.dequantize(q.output, q.output_min, q.output_max,
                                              mode=mode, narrow_range=narrow, axis=1)
                fetch[f"axis_{tn}_{mi}"] = (t.bitcast(q.output, getattr(tf, tn.lstrip("q"))),
                                            q.output_min, q.output_max, d)
        # quantized_concat (TF has CPU kernels for quint8 and qint32) of [2, 3] and [2, 2]
        for tn in ("quint8", "qint32"):
            info = np.iinfo(NP[tn])
            a = rng.integers(info.min, info.max, (2, 3), endpoint=True).astype(NP[tn])
            b = rng.integers(info.min, info.max, (2, 2), endpoint=True).astype(NP[tn])
            a[0, :2] = [info.min, info.max]
            out[f"concat_a_{tn}"], out[f"concat_b_{tn}"] = a, b
            qa, qb = (t.bitcast(t.constant(v), getattr(tf, tn)) for v in (a, b))
            for ci, (m1, x1, m2, x2_) in enumerate(CONCAT_RANGES):
                r = t.quantization.quantized_concat(1, [qa, qb], [m1, m2], [x1, x2_])
                fetch[f"concat_{tn}_{ci}"] = (
                    t.bitcast(r[0], getattr(tf, tn.lstrip("q"))), r[1], r[2])
        with t.Session() as sess:
            vals = sess.run(fetch)
    for k, v in vals.items():
        if isinstance(v, tuple):
            for i, a in enumerate(v):
                out[f"{k}_{i}"] = np.asarray(a)
        else:
            out[k] = np.asarray(v)
    np.savez_compressed(Path(__file__).with_name("quantize_tf.npz"), **stack(out))


def stack(flat: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Packs the per-case arrays into a few per-type ones: ``q_{type}``/``deq_{type}``
    [range, mode, value], ``qmin_{type}``/``qmax_{type}`` [range, mode] and
    ``levels_deq_{type}`` [range (0, 2, 6, 9), mode, level]."""
    out = {k: v for k, v in flat.items() if k.startswith(("x", "levels_", "axis_", "concat"))}
    for tn in TYPES:
        for i, name in enumerate(("q", "qmin", "qmax", "deq")):
            out[f"{name}_{tn}"] = np.asarray([[flat[f"{ri}_{tn}_{mi}_{i}"]
                                               for mi in range(len(MODES))]
                                              for ri in range(len(RANGES))])
        out[f"levels_deq_{tn}"] = np.asarray([[flat[f"deq_{tn}_{ri}_{mi}"]
                                               for mi in range(len(MODES))]
                                              for ri in (0, 2, 6, 9)])
    return out


if __name__ == "__main__":
    main()
