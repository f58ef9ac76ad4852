"""``tf.train.noisy_linear_cosine_decay`` against TF 2.21 ``tf.compat.v1``: with no noise it
printed 0.055672478 at step 30 of 100 (lr 0.1); with ``initial_variance=1`` its 4000 draws
had mean 0.05524 and std 0.03119, the std being ``lr * cosine * (1 + 30) ** -0.275``."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk


def test_without_noise_it_is_tf_value_and_named_as_tf():
    with tk.Graph().as_default():
        gs = tk.constant(30, tk.int64)
        a = tk.train.noisy_linear_cosine_decay(0.1, gs, 100, initial_variance=0.0)
        c = tk.train.noisy_linear_cosine_decay(0.1, gs, 100)
        assert (a.name, c.name) == ("NoisyLinearCosineDecay:0", "NoisyLinearCosineDecay_1:0")
        with tk.Session() as s:
            assert s.run(a) == np.float32(0.055672478)


def test_noise_has_the_documented_spread_and_is_new_each_run():
    with tk.Graph().as_default():
        gs = tk.constant(30, tk.int64)
        c = tk.train.noisy_linear_cosine_decay(0.1, gs, 100, initial_variance=1.0,
                                               variance_decay=0.55)
        with tk.Session() as s:
            v = np.array([s.run(c) for _ in range(4000)])
    cosine = 0.5 * (1 + math.cos(math.pi * 0.3))
    want_std = 0.1 * cosine * (1 + 30) ** -0.275
    assert abs(v.std() - want_std) < 0.05 * want_std          # 4000 draws: ~1 % error
    assert abs(v.mean() - 0.055672478) < 4 * want_std / math.sqrt(4000)
    assert len(set(v.tolist())) > 3900


def test_needs_a_global_step_and_positive_decay_steps():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="global_step is required"):
            tk.train.noisy_linear_cosine_decay(0.1, None, 100)
        with pytest.raises(ValueError, match="decay_steps must be positive"):
            tk.train.noisy_linear_cosine_decay(0.1, tk.constant(1), 0)
