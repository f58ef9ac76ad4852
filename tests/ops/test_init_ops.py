"""Initializers: values, statistics over large samples, glorot/he limits, seeding,
configs and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import init_ops


def _eval(t):
    with tk.Session() as s:
        return s.run(t)


def test_constant_like_initializers():
    assert _eval(tk.zeros_initializer()([2, 3])).tolist() == [[0.0] * 3] * 2
    ones = _eval(tk.ones_initializer(dtype=tk.int32)([2]))
    assert ones.dtype == np.int32 and ones.tolist() == [1, 1]
    c = _eval(tk.constant_initializer(0.25)([2, 2], dtype=tk.float64))
    assert c.dtype == np.float64 and (c == 0.25).all()
    lst = _eval(tk.constant_initializer([1, 2, 3, 4])([2, 2]))
    np.testing.assert_array_equal(lst, [[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tk.constant_initializer(tk.constant(1.0))
    with pytest.raises(TypeError, match="shape"):
        tk.constant_initializer([1, 2], verify_shape=True)([3])


def test_call_signature_accepts_tensorshape_and_partition_info():
    t = tk.zeros_initializer()(tk.TensorShape([3]), tk.float32, partition_info=None)
    assert t.shape.as_list() == [3]
    with pytest.raises(ValueError, match="fully defined"):
        tk.zeros_initializer()([None, 2])


def test_random_normal_and_uniform_statistics():
    n = _eval(tk.random_normal_initializer(mean=1.0, stddev=0.5, seed=1)([400, 500]))
    assert abs(n.mean() - 1.0) < 0.01 and abs(n.std() - 0.5) < 0.01
    u = _eval(tk.random_uniform_initializer(-2.0, 2.0, seed=2)([400, 500]))
    assert u.min() >= -2.0 and u.max() < 2.0 and abs(u.std() - 4 / math.sqrt(12)) < 0.01
    d = _eval(tk.random_uniform_initializer(seed=3)([1000]))  # maxval defaults to 1
    assert d.min() >= 0.0 and d.max() < 1.0


def test_truncated_normal_initializer_bounds():
    x = _eval(tk.truncated_normal_initializer(stddev=0.1, seed=4)([200_000]))
    assert np.abs(x).max() <= 0.2 and abs(x.std() - 0.1 * 0.87962566) < 0.002


def test_glorot_uniform_limit_and_std():
    x = _eval(tk.glorot_uniform_initializer(seed=5)([300, 500]))
    limit = math.sqrt(6.0 / 800.0)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit
    assert abs(x.std() - limit / math.sqrt(3.0)) < 0.01 * limit


def test_glorot_normal_and_he_and_lecun_std():
    shape = [300, 600]
    cases = [
        (tk.glorot_normal_initializer(seed=6), math.sqrt(2.0 / 900.0)),
        (tk.he_normal(seed=7), math.sqrt(2.0 / 300.0)),
        (init_ops.lecun_normal(seed=8), math.sqrt(1.0 / 300.0)),
    ]
    for init, std in cases:
        x = _eval(init(shape))
        assert abs(x.std() - std) < 0.02 * std, init.get_config()
        assert np.abs(x).max() <= 2 * std / 0.87962566 + 1e-6
    he_u = _eval(tk.he_uniform(seed=9)(shape))
    assert np.abs(he_u).max() <= math.sqrt(6.0 / 300.0)


def test_variance_scaling_conv_fans_and_modes():
    assert init_ops.compute_fans([3, 3, 16, 32]) == (144.0, 288.0)
    assert init_ops.compute_fans([7]) == (7.0, 7.0) and init_ops.compute_fans([]) == (1.0, 1.0)
    init = tk.variance_scaling_initializer(scale=3.0, mode="fan_out", distribution="uniform",
                                           seed=10)
    x = _eval(init([3, 3, 16, 32]))
    limit = math.sqrt(3.0 * 3.0 / 288.0)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.98 * limit
    un = _eval(tk.variance_scaling_initializer(distribution="untruncated_normal",
                                               seed=11)([400, 400]))
    assert abs(un.std() - math.sqrt(1 / 400)) < 0.002 and np.abs(un).max() > 3 / 20


def test_variance_scaling_validation():
    with pytest.raises(ValueError, match="`scale` must be positive"):
        tk.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode`"):
        tk.variance_scaling_initializer(mode="fan_sideways")
    with pytest.raises(ValueError, match="Invalid `distribution`"):
        tk.variance_scaling_initializer(distribution="cauchy")
    with pytest.raises(ValueError, match="floating point"):
        tk.glorot_uniform_initializer()([2, 2], dtype=tk.int32)


def test_same_seed_same_values_across_sessions_and_initializers():
    tk.set_random_seed(123)
    a = tk.get_variable("a", [5], initializer=tk.random_normal_initializer(seed=1))
    b = tk.get_variable("b", [5], initializer=tk.random_normal_initializer(seed=1))
    c = tk.get_variable("c", [5], initializer=tk.random_normal_initializer(seed=2))
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        va, vb, vc = s.run([a, b, c])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        va2 = s.run(a)
    np.testing.assert_array_equal(va, vb)
    np.testing.assert_array_equal(va, va2)
    assert not np.array_equal(va, vc)


def test_graph_seed_alone_makes_initial_values_reproducible():
    def build():
        g = tk.Graph()
        with g.as_default():
            tk.set_random_seed(9)
            w = tk.get_variable("w", [4, 4])
            with tk.Session() as s:
                s.run(w.initializer)
                return s.run(w)

    np.testing.assert_array_equal(build(), build())


def test_configs_round_trip():
    init = tk.variance_scaling_initializer(2.0, "fan_avg", "uniform", seed=3)
    again = init_ops.VarianceScaling.from_config(init.get_config())
    assert again.get_config() == init.get_config()
    assert tk.initializers.glorot_uniform is tk.glorot_uniform_initializer
    assert tk.initializers.global_variables is tk.global_variables_initializer
