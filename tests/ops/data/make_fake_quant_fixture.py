"""Records TF 2.21's fake-quant results for tests/ops/test_fake_quant_ops.py.

Run with the TF peer venv (never a project dependency):
    /work/venvs/tf/bin/python tests/ops/data/make_fake_quant_fixture.py
It writes fake_quant_tf.npz beside itself (plain arrays, loaded with allow_pickle=False).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

RANGES = [(-1.0, 1.0), (-6.0, 6.0), (0.0, 1.0), (-0.1, 0.25), (0.5, 1.0), (-1.0, -0.5),
          (-3.7, 2.9), (-1e-3, 1e-3), (-127.3, 255.1), (1.0, -1.0), (0.0, 0.0),
          (2.0, 2.0)]


def inputs(mn: float, mx: float, rng: np.random.Generator) -> np.ndarray:
    """Random values, values at (float32) rounding ties, out of range and non-finite."""
    lo, hi = min(mn, mx), max(mn, mx)
    span = max(hi - lo, 1e-3)
    rand = rng.uniform(lo - 0.3 * span, hi + 0.3 * span, 40)
    steps = np.arange(-2, 40, dtype=np.float32)
    ties = np.float32(lo) + (steps + np.float32(0.5)) * np.float32(span / 31)
    special = [0.0, -0.0, lo, hi, np.nan, np.inf, -np.inf, 1e30, -1e30, lo - 1e-7, hi + 1e-7]
    return np.concatenate([rand, ties, special]).astype(np.float32)


def main() -> None:
    import tensorflow as tf

    t = tf.compat.v1
    t.disable_eager_execution()
    rng = np.random.default_rng(7)
    out: dict[str, np.ndarray] = {}
    fetch: dict[str, object] = {}
    g = tf.Graph()
    with g.as_default():
        for ri, (mn, mx) in enumerate(RANGES):
            x = inputs(mn, mx, rng)
            up = rng.standard_normal(x.shape).astype(np.float32)
            out[f"x_{ri}"], out[f"up_{ri}"] = x, up
            for bits in range(2, 17):
                for narrow in (False, True):
                    key = f"{ri}_{bits}_{int(narrow)}"
                    xt = t.constant(x)
                    mnt, mxt = t.constant(np.float32(mn)), t.constant(np.float32(mx))
                    y = t.quantization.fake_quant_with_min_max_vars(
                        xt, mnt, mxt, num_bits=bits, narrow_range=narrow)
                    fetch[f"vars_{key}"] = y
                    fetch[f"grads_{key}"] = t.gradients(y * up, [xt, mnt, mxt])
                    if mn < mx:
                        fetch[f"args_{key}"] = t.quantization.fake_quant_with_min_max_args(
                            x, mn, mx, num_bits=bits, narrow_range=narrow)
                        fetch[f"argsgrad_{key}"] = \
                            t.quantization.fake_quant_with_min_max_args_gradient(
                                up, x, mn, mx, num_bits=bits, narrow_range=narrow)
        # per channel: 6 channels with different ranges, [4, 3, 6] and [40, 6] inputs
        pmn = np.float32([-1.0, 0.0, -0.1, 0.5, 0.0, -3.7])
        pmx = np.float32([1.0, 1.0, 0.25, 1.0, 0.0, 2.9])
        out["pc_min"], out["pc_max"] = pmn, pmx
        for si, shape in enumerate([(4, 3, 6), (40, 6), (6,)]):
            x = (rng.standard_normal(shape) * 2).astype(np.float32)
            up = rng.standard_normal(shape).astype(np.float32)
            out[f"pc_x_{si}"], out[f"pc_up_{si}"] = x, up
            for bits in (2, 5, 8, 16):
                for narrow in (False, True):
                    key = f"{si}_{bits}_{int(narrow)}"
                    xt, mnt, mxt = t.constant(x), t.constant(pmn), t.constant(pmx)
                    y = t.quantization.fake_quant_with_min_max_vars_per_channel(
                        xt, mnt, mxt, num_bits=bits, narrow_range=narrow)
                    fetch[f"pc_{key}"] = y
                    fetch[f"pcgrads_{key}"] = t.gradients(y * up, [xt, mnt, mxt])
        with t.Session() as sess:
            vals = sess.run(fetch)
    for k, v in vals.items():
        if isinstance(v, list):
            for i, a in enumerate(v):
                out[f"{k}_{i}"] = np.asarray(a, np.float32)
        else:
            out[k] = np.asarray(v, np.float32)
    np.savez_compressed(Path(__file__).with_name("fake_quant_tf.npz"), **stack(out))


def stack(flat: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Packs the per-case arrays ``{kind}_{ri}_{bits}_{narrow}[_{i}]`` of one range into
    one ``{kind}[_{i}]_{ri}`` array of shape [15 (bits 2..16), 2 (narrow), ...] (a few
    large arrays compress far better than thousands of small ones)."""
    out = {k: v for k, v in flat.items() if not k.startswith(("vars_", "grads_", "args"))}
    for ri in range(len(RANGES)):
        for kind in ("vars", "args", "argsgrad", "grads_{}_0", "grads_{}_1", "grads_{}_2"):
            name = kind.replace("_{}", "")
            rows = []
            for bits in range(2, 17):
                pair = []
                for nr in (0, 1):
                    key = f"{kind.split('_')[0]}_{ri}_{bits}_{nr}" + \
                        (f"_{kind[-1]}" if "{}" in kind else "")
                    if key not in flat:
                        break
                    pair.append(flat[key])
                if len(pair) == 2:
                    rows.append(pair)
            if rows:
                out[f"{name}_{ri}"] = np.asarray(rows, np.float32)
    return out


if __name__ == "__main__":
    main()
