"""FtrlOptimizer and ProximalGradientDescentOptimizer: three steps on a quadratic, against
values computed once with TensorFlow 2.21 (tf.compat.v1.train), plus a hand-computed step."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _three_steps(make):
    v = tk.Variable([1.0, -2.0, 0.5], name="v")
    loss = tk.reduce_sum((v * tk.constant([1.0, 2.0, -3.0]) - tk.constant([0.3, 0.1, -1.0]))
                         ** 2)
    op = make().minimize(loss)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for _ in range(3):
            sess.run(op)
        return sess.run(v), [x.name for x in tk.global_variables()]


CASES = [  # (constructor, TF 2.21 result)
    (lambda: tk.train.FtrlOptimizer(0.5),
     [0.29926037788391113, -0.9496114253997803, 0.3200315833091736]),
    (lambda: tk.train.FtrlOptimizer(0.5, l1_regularization_strength=0.3,
                                    l2_regularization_strength=0.2),
     [0.278482586145401, -0.9330201148986816, 0.3169509470462799]),
    (lambda: tk.train.FtrlOptimizer(0.5, learning_rate_power=-0.7,
                                    initial_accumulator_value=0.5,
                                    l1_regularization_strength=0.1),
     [0.29404115676879883, -1.6414850950241089, 0.3327764570713043]),
    (lambda: tk.train.FtrlOptimizer(0.5, l2_shrinkage_regularization_strength=0.3,
                                    l1_regularization_strength=0.05),
     [0.22742880880832672, -0.8867108225822449, 0.3163391947746277]),
    (lambda: tk.train.FtrlOptimizer(0.5, learning_rate_power=0.0,
                                    l2_regularization_strength=0.1),
     [0.2922614514827728, 51.5146369934082, -87.19383239746094]),
]


@pytest.mark.parametrize("make,expected", CASES)
def test_ftrl_matches_tf(make, expected):
    got, names = _three_steps(make)
    np.testing.assert_allclose(got, expected, rtol=2e-6)
    assert names == ["v:0", "v/Ftrl:0", "v/Ftrl_1:0"]


def test_ftrl_one_step_by_hand():
    v = tk.Variable([2.0], name="w")
    op = tk.train.FtrlOptimizer(1.0, initial_accumulator_value=1.0,
                                l1_regularization_strength=0.5).minimize(3.0 * tk.reduce_sum(v))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(op)
        out = sess.run(v)
    # g = 3: accum 1 -> 10; linear = 3 - (sqrt(10) - 1) * 2; quadratic = sqrt(10)
    lin = 3 - (np.sqrt(10) - 1) * 2
    np.testing.assert_allclose(out, [(np.sign(lin) * 0.5 - lin) / np.sqrt(10)], rtol=1e-6)


@pytest.mark.parametrize("make,expected", [
    (lambda: tk.train.ProximalGradientDescentOptimizer(0.1),
     [0.6583999991416931, 0.03360000252723694, 0.24800004065036774]),
    (lambda: tk.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.5,
                                                       l2_regularization_strength=0.3),
     [0.49165892601013184, 0.0, 0.20709195733070374]),
])
def test_proximal_gd_matches_tf(make, expected):
    got, names = _three_steps(make)
    np.testing.assert_allclose(got, expected, rtol=2e-6)
    assert names == ["v:0"]


def test_argument_errors():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tk.train.FtrlOptimizer(0.1, initial_accumulator_value=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        tk.train.FtrlOptimizer(0.1, learning_rate_power=0.5)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        tk.train.FtrlOptimizer(0.1, l1_regularization_strength=-0.1)
    with pytest.raises(ValueError, match="l2_regularization_strength"):
        tk.train.ProximalGradientDescentOptimizer(0.1, l2_regularization_strength=-1)
    with pytest.raises(TypeError, match="learning_rate"):
        tk.train.ProximalGradientDescentOptimizer("fast")
