"""Fake-quantization ops against values recorded with TF 2.21 (compat.v1, graph mode).

tests/ops/data/fake_quant_tf.npz holds TF's outputs and gradients for 12 ranges (min > max,
min == max, ranges not containing 0, ...) x num_bits 2..16 x narrow_range, on inputs with
values at float32 rounding ties, out of range, +-0, NaN and +-inf; it is rebuilt by
tests/ops/data/make_fake_quant_fixture.py. Everything is compared bitwise (NaN as NaN),
the d/dmin and d/dmax sums included (summed in Eigen's order, trainkit/ops/eigen_sum.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.ops.data.make_fake_quant_fixture import RANGES

DATA = np.load(Path(__file__).with_name("data") / "fake_quant_tf.npz", allow_pickle=False)


def assert_bitwise(got, want) -> None:
    got = np.asarray(got, np.float32)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32))


@pytest.mark.parametrize("ri", range(len(RANGES)))
def test_fake_quant_matches_tf_bitwise(ri):
    # fixture layout: {kind}_{ri} of shape [15 (num_bits 2..16), 2 (narrow_range), ...];
    # grads_{i}_{ri} holds d/dinputs (i=0), d/dmin (1) and d/dmax (2)
    mn, mx = RANGES[ri]
    x, up = DATA[f"x_{ri}"], DATA[f"up_{ri}"]
    fetch = {}
    with tk.Graph().as_default():
        xt = tk.constant(x)
        mnt, mxt = tk.constant(np.float32(mn)), tk.constant(np.float32(mx))
        for bits in range(2, 17):
            for nr in (False, True):
                y = tk.quantization.fake_quant_with_min_max_vars(
                    xt, mnt, mxt, num_bits=bits, narrow_range=nr)
                fetch["vars", bits, nr] = y
                fetch["grads", bits, nr] = tk.gradients(y * up, [xt, mnt, mxt])
                if mn < mx:
                    a = tk.quantization.fake_quant_with_min_max_args(
                        xt, mn, mx, num_bits=bits, narrow_range=nr)
                    fetch["args", bits, nr] = a
                    fetch["argsgrad", bits, nr] = tk.gradients(a * up, [xt])[0]
        with tk.Session() as sess:
            got = sess.run(fetch)
    for (kind, bits, nr), v in got.items():
        at = (bits - 2, int(nr))
        if kind == "grads":
            assert_bitwise(v[0], DATA[f"grads_0_{ri}"][at])
            for i in (1, 2):
                assert_bitwise(v[i], DATA[f"grads_{i}_{ri}"][at])
        else:
            assert_bitwise(v, DATA[f"{kind}_{ri}"][at])


@pytest.mark.parametrize("si", range(3))
def test_per_channel_matches_tf(si):
    pmn, pmx = DATA["pc_min"], DATA["pc_max"]  # channel 4 has min == max == 0
    x, up = DATA[f"pc_x_{si}"], DATA[f"pc_up_{si}"]
    with tk.Graph().as_default():
        xt, mnt, mxt = tk.constant(x), tk.constant(pmn), tk.constant(pmx)
        fetch = {}
        for bits in (2, 5, 8, 16):
            for nr in (False, True):
                key = f"{si}_{bits}_{int(nr)}"
                y = tk.quantization.fake_quant_with_min_max_vars_per_channel(
                    xt, mnt, mxt, num_bits=bits, narrow_range=nr)
                fetch[key] = (y, tk.gradients(y * up, [xt, mnt, mxt]))
        with tk.Session() as sess:
            got = sess.run(fetch)
    for key, (y, g) in got.items():
        assert_bitwise(y, DATA[f"pc_{key}"])
        assert_bitwise(g[0], DATA[f"pcgrads_{key}_0"])
        for i in (1, 2):
            assert_bitwise(g[i], DATA[f"pcgrads_{key}_{i}"])


def test_a_few_values_by_hand():
    # TF 2.21: args(-1, 1) of these inputs (nudged range [-0.99608, 1.00392], 8 bits)
    x = np.array([-2, -1.0, -0.5, 0, 0.1, 0.5, 1, 2, np.nan, np.inf, -np.inf], np.float32)
    want = [-0.9960785, -0.9960785, -0.5019608, 0.0, 0.10196079, 0.5019608, 1.0039216,
            1.0039216, np.nan, 1.0039216, -0.9960785]
    with tk.Session() as sess:
        got = sess.run(tk.fake_quant_with_min_max_args(x, -1.0, 1.0))
        np.testing.assert_allclose(got, want, rtol=1e-7)
        # TF 2.21: vars(min=1, max=-1) is not an error; every value lands on 0.9960785
        inv = sess.run(tk.quantization.fake_quant_with_min_max_vars(x, 1.0, -1.0))
        assert np.all(inv[~np.isnan(x)] == np.float32(0.9960785))
        # TF 2.21: the vars gradient with upstream 0..10 -> d/dmin 11, d/dmax 16
        xt = tk.constant(x)
        mn, mx = tk.constant(-1.0), tk.constant(1.0)
        y = tk.quantization.fake_quant_with_min_max_vars(xt, mn, mx)
        dx, dmin, dmax = sess.run(tk.gradients(y * np.arange(11, dtype=np.float32),
                                               [xt, mn, mx]))
    np.testing.assert_array_equal(dx, [0, 0, 2, 3, 4, 5, 6, 0, 0, 0, 0])
    assert (dmin, dmax) == (11.0, 16.0)


def test_gradient_op_types_and_namespaces():
    x = tk.constant([0.5])
    assert tk.gradients(tk.fake_quant_with_min_max_args(x), [x])[0].op.type == \
        "FakeQuantWithMinMaxArgsGradient"
    g = tk.quantization.fake_quant_with_min_max_vars_gradient([1.0], x, -1.0, 1.0)
    assert [t.shape.as_list() for t in g] == [[1], [], []]
    assert tk.fake_quant_with_min_max_vars is tk.quantization.fake_quant_with_min_max_vars
    assert tk.fake_quant_with_min_max_vars_per_channel is \
        tk.quantization.fake_quant_with_min_max_vars_per_channel


@pytest.mark.parametrize("build", [
    lambda x: tk.quantization.fake_quant_with_min_max_args(x, 1.0, -1.0),
    lambda x: tk.quantization.fake_quant_with_min_max_args(x, 0.0, 0.0),
    lambda x: tk.quantization.fake_quant_with_min_max_args(x, num_bits=1),
    lambda x: tk.quantization.fake_quant_with_min_max_args_gradient(x, x, 1.0, 1.0),
    lambda x: tk.quantization.fake_quant_with_min_max_vars(x, -1.0, 1.0, num_bits=17),
    lambda x: tk.quantization.fake_quant_with_min_max_vars_per_channel(
        x, [-1.0] * 3, [1.0] * 3, num_bits=1),
])
def test_bad_attributes_fail_when_run(build):
    # TF 2.21: these build, then raise InvalidArgumentError when run
    op = build(tk.constant([0.1, 0.2, 0.3]))
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError):
        sess.run(op)


def test_messages_name_the_problem():
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="smaller than max"):
            sess.run(tk.fake_quant_with_min_max_args([1.0], 1.0, -1.0))
        with pytest.raises(tk.errors.InvalidArgumentError, match="between 2 and 16"):
            sess.run(tk.fake_quant_with_min_max_args([1.0], num_bits=17))


def test_static_shape_errors_at_build():
    x = tk.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="rank 0"):
        tk.quantization.fake_quant_with_min_max_vars(x, [0.0], 1.0)
    with pytest.raises(ValueError, match="equal"):
        tk.quantization.fake_quant_with_min_max_vars_per_channel(x, [-1.0] * 2, [1.0] * 3)
    with pytest.raises(ValueError, match="rank 1"):
        tk.quantization.fake_quant_with_min_max_vars_per_channel(x, [[-1.0] * 3], [1.0] * 3)
    with pytest.raises(ValueError, match="at least rank 1"):
        tk.quantization.fake_quant_with_min_max_vars_per_channel(3.0, [-1.0], [1.0])
    with pytest.raises(ValueError, match="equal"):
        tk.quantization.fake_quant_with_min_max_vars_gradient([1.0, 2.0], x, -1.0, 1.0)
    with pytest.raises(TypeError, match="float32"):
        tk.quantization.fake_quant_with_min_max_args(tk.constant([1], tk.int32))


def test_dynamic_shape_mismatch_fails_when_run():
    ph = tk.placeholder(tk.float32, None)
    y = tk.quantization.fake_quant_with_min_max_vars_per_channel(ph, [-1.0] * 3, [1.0] * 3)
    g = tk.quantization.fake_quant_with_min_max_args_gradient(ph, [1.0, 2.0, 3.0])
    with tk.Session() as sess:
        for fetch, value in ((y, np.ones((2, 4))), (y, 1.0), (g, np.ones(2))):
            with pytest.raises(tk.errors.InvalidArgumentError):
                sess.run(fetch, {ph: value})
        np.testing.assert_allclose(sess.run(y, {ph: np.ones((2, 3))}),
                                   np.full((2, 3), 1.0039216, np.float32))


def test_every_gradient_op_names_a_size_mismatch_when_run():
    ph = tk.placeholder(tk.float32, None)
    x = [[1.0, 2.0, 3.0]]
    q = tk.quantization
    grads = [q.fake_quant_with_min_max_args_gradient(ph, x),
             q.fake_quant_with_min_max_vars_gradient(ph, x, -1.0, 1.0),
             q.fake_quant_with_min_max_vars_per_channel_gradient(ph, x, [-1.0] * 3,
                                                                 [1.0] * 3)]
    with tk.Session() as sess:
        for g in grads:
            with pytest.raises(tk.errors.InvalidArgumentError, match="must be the same size"):
                sess.run(g, {ph: np.ones((2, 3), np.float32)})


def _hashed(n: int, a: int, b: int) -> np.ndarray:
    """Deterministic values in [-3, 3) (no RNG, so the inputs are the same everywhere)."""
    i = np.arange(n, dtype=np.uint64)
    u = ((i * np.uint64(a) + np.uint64(b)) % np.uint64(2**32)).astype(np.float64) / 2**32
    return (u * 6 - 3).astype(np.float32)


@pytest.mark.parametrize(("n", "dmin", "dmax"), [
    # TF 2.21: fake_quant_with_min_max_vars_gradient(g, x, -1.0, 1.5)[1:] for
    # x = _hashed(n, 2654435761, 12345), g = _hashed(n, 40503, 977); sizes past Eigen's
    # 8192-value leaf exercise its tree of partial sums
    (100, -104.9020004272461, -71.93212890625),
    (8193, -7563.208984375, -5668.9150390625),
    (16400, -13869.8720703125, -10392.5322265625),
    (100000, -5702.978515625, -4267.5146484375),
    (1000000, -26017.833984375, -19492.236328125),
])
def test_min_max_gradient_sums_are_tfs_bitwise(n, dmin, dmax):
    x, g = _hashed(n, 2654435761, 12345), _hashed(n, 40503, 977)
    with tk.Session() as sess:
        got = sess.run(tk.quantization.fake_quant_with_min_max_vars_gradient(g, x, -1.0, 1.5))
    assert (got[1], got[2]) == (np.float32(dmin), np.float32(dmax))


@pytest.mark.parametrize(("rows", "dmin", "dmax"), [
    # TF 2.21: fake_quant_with_min_max_vars_per_channel_gradient(g, x, [-1, -2, 0],
    # [1.5, 1, 2])[1:] for x, g = _hashed(rows * 3, ...) as above, reshaped [rows, 3]
    (100, [-98.72021484375, -47.872779846191406, -149.58262634277344],
     [-74.7940673828125, -95.72926330566406, -50.84969711303711]),
    (9000, [-6706.69384765625, -3356.2646484375, -10066.0537109375],
     [-5032.626953125, -6704.732421875, -3352.10302734375]),
    (50000, [-8568.904296875, -4289.36767578125, -12876.560546875],
     [-6442.408203125, -8571.10546875, -4289.23828125]),
])
def test_per_channel_gradient_sums_are_tfs_bitwise(rows, dmin, dmax):
    x = _hashed(rows * 3, 2654435761, 12345).reshape(rows, 3)
    g = _hashed(rows * 3, 40503, 977).reshape(rows, 3)
    with tk.Session() as sess:
        got = sess.run(tk.quantization.fake_quant_with_min_max_vars_per_channel_gradient(
            g, x, [-1.0, -2.0, 0.0], [1.5, 1.0, 2.0]))
    np.testing.assert_array_equal(got[1], np.float32(dmin))
    np.testing.assert_array_equal(got[2], np.float32(dmax))
