"""Records TF 2.21's quantize_and_dequantize results for tests/ops/test_quantize_ops.py.

Run with the TF peer venv (never a project dependency):
    /work/venvs/tf/bin/python tests/ops/data/make_qdq_fixture.py
It writes qdq_tf.npz beside itself (plain arrays, loaded with allow_pickle=False).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

RANGES = [(-1.0, 1.0), (-6.0, 6.0), (0.0, 1.0), (-0.1, 0.25), (0.5, 1.0), (-1.0, -0.5),
          (-3.7, 2.9), (0.0, 0.0), (-127.0, 127.0)]
BITS = (2, 3, 4, 5, 7, 8, 11, 16, 23, 31)


def inputs(rng: np.random.Generator, dtype: type) -> np.ndarray:
    """Random values, exact halves of small grids (ties), out of range, +-0, inf."""
    rand = rng.uniform(-8, 8, 40)
    ties = np.arange(-40, 41) / 8.0 + 1 / 16.0
    halves = np.arange(-20, 21) / 2.0
    special = [0.0, -0.0, 1e30, -1e30, np.inf, -np.inf, 1 / 3, -2 / 3, 0.1]
    return np.concatenate([rand, ties, halves, special]).astype(dtype)


def cases():
    """(key, dtype, range index, bits, signed, narrow, round_mode) for every case."""
    for dtype in ("float32", "float64"):
        for ri in range(len(RANGES)):
            for bits in BITS:
                for signed in (False, True):
                    for narrow in (False, True):
                        for mode in ("HALF_TO_EVEN", "HALF_UP"):
                            key = f"{dtype}_{ri}_{bits}_{int(signed)}_{int(narrow)}_{mode}"
                            yield key, dtype, ri, bits, signed, narrow, mode


def main() -> None:
    import tensorflow as tf

    t = tf.compat.v1
    t.disable_eager_execution()
    rng = np.random.default_rng(11)
    out: dict[str, np.ndarray] = {}
    xs = {dt: inputs(rng, np.dtype(dt).type) for dt in ("float32", "float64")}
    out.update({f"x_{dt}": v for dt, v in xs.items()})
    fetch = {}
    with tf.Graph().as_default():
        for key, dt, ri, bits, signed, narrow, mode in cases():
            mn, mx = RANGES[ri]
            x = xs[dt]
            fetch[f"given_{key}"] = t.quantization.quantize_and_dequantize(
                x, mn, mx, signed_input=signed, num_bits=bits, range_given=True,
                round_mode=mode, narrow_range=narrow)
            if ri == 0:
                fetch[f"auto_{key}"] = t.quantization.quantize_and_dequantize(
                    x[:-5], mn, mx, signed_input=signed, num_bits=bits,
                    range_given=False, round_mode=mode, narrow_range=narrow)
                x2 = x[:-7].reshape(-1, 4)
                fetch[f"axis_{key}"] = t.quantization.quantize_and_dequantize_v2(
                    x2, [mn] * 4, [mx] * 4, signed_input=signed, num_bits=bits,
                    range_given=False, round_mode=mode, narrow_range=narrow, axis=1)
        with t.Session() as sess:
            vals = sess.run(fetch)
    out.update(stack({k: np.asarray(v) for k, v in vals.items()}))
    np.savez_compressed(Path(__file__).with_name("qdq_tf.npz"), **out)


def stack(flat: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Packs ``{kind}_{key}`` arrays into ``{kind}_{dtype}_{ri}`` arrays of shape
    [len(BITS), 2 (signed), 2 (narrow), 2 (round mode: HALF_TO_EVEN, HALF_UP), ...]."""
    out = {}
    for kind in ("given", "auto", "axis"):
        for dtype in ("float32", "float64"):
            for ri in range(len(RANGES)):
                rows = [flat.get(f"{kind}_{key}") for key, dt, r, *_ in cases()
                        if dt == dtype and r == ri]
                if rows and rows[0] is not None:
                    arr = np.asarray(rows)
                    out[f"{kind}_{dtype}_{ri}"] = arr.reshape(
                        (len(BITS), 2, 2, 2) + arr.shape[1:])
    return out


if __name__ == "__main__":
    main()
