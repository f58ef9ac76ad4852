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


def _two_sparse_steps(make):
    """Two steps on rows 1 and 3 of a 4x2 variable, looked up by ``gather([1, 3, 1])``
    (row 1 twice: its gradients are summed)."""
    w = tk.Variable(np.array([[0.5, -0.1], [0.3, 0.2], [-0.2, 0.4], [0.1, -0.3]],
                             np.float32))
    x = tk.gather(w, [1, 3, 1])
    loss = tk.reduce_sum(x * x * tk.constant([[1.0], [2.0], [-0.5]]) + x)
    opt = make()
    step = opt.minimize(loss, var_list=[w])
    assert isinstance(tk.gradients(loss, [w])[0], tk.IndexedSlices)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for _ in range(2):
            sess.run(step)
        slots = [sess.run(opt.get_slot(w, n)) for n in opt.get_slot_names()]
        return sess.run(w), slots


def _numpy_sparse(update, steps=2):
    """The same two steps in NumPy: row gradients summed over the lookups, the update
    applied to rows 1 and 3 only."""
    w = np.array([[0.5, -0.1], [0.3, 0.2], [-0.2, 0.4], [0.1, -0.3]])
    state = {}
    for _ in range(steps):
        g = {1: 2 * w[1] * 1.0 + 1 + 2 * w[1] * -0.5 + 1, 3: 2 * w[3] * 2.0 + 1}
        for i, gi in g.items():
            w[i] = update(w[i], gi, state.setdefault(i, {}))
    return w


def test_sparse_ftrl_changes_only_the_looked_up_rows():
    lr, l1, l2 = 0.2, 0.05, 0.1

    def ftrl(w, g, s):
        a, lin = s.get("a", 0.1), s.get("lin", 0.0)
        a_new = a + g * g
        lin = lin + g - (np.sqrt(a_new) - np.sqrt(a)) / lr * w
        s["a"], s["lin"] = a_new, lin
        quad = np.sqrt(a_new) / lr + 2 * l2
        return np.where(np.abs(lin) > l1, (np.sign(lin) * l1 - lin) / quad, 0.0)

    got, (accum, linear) = _two_sparse_steps(lambda: tk.train.FtrlOptimizer(
        lr, l1_regularization_strength=l1, l2_regularization_strength=l2))
    np.testing.assert_allclose(got, _numpy_sparse(ftrl), rtol=1e-6)
    # TF 2.15.1 (tf.compat.v1, SparseApplyFtrlV2), the same program:
    np.testing.assert_allclose(got.ravel(), [
        0.5, -0.1, -0.06879662722349167, -0.15274856984615326, -0.2, 0.4,
        -0.1792665719985962, -0.13669303059577942], rtol=1e-6)
    assert np.all(accum[[0, 2]] == np.float32(0.1)) and np.all(linear[[0, 2]] == 0)


def test_sparse_proximal_gradient_descent_changes_only_the_looked_up_rows():
    lr, l1, l2 = 0.2, 0.05, 0.1

    def prox(w, g, s):
        p = w - lr * g
        return np.sign(p) * np.maximum(np.abs(p) - lr * l1, 0) / (1 + lr * l2)

    got, _ = _two_sparse_steps(lambda: tk.train.ProximalGradientDescentOptimizer(
        lr, l1_regularization_strength=l1, l2_regularization_strength=l2))
    np.testing.assert_allclose(got, _numpy_sparse(prox), rtol=1e-6)
    np.testing.assert_allclose(got.ravel(), [  # TF 2.15.1, the same program
        0.5, -0.1, -0.49769318103790283, -0.5592079758644104, -0.2, 0.4,
        -0.21895426511764526, -0.23433294892311096], rtol=1e-6)
