"""Issue 3 proofs: least squares by gradient descent, and bitwise reproducibility."""

from __future__ import annotations

import numpy as np

import trainkit as tk


def test_linear_regression_reaches_closed_form_least_squares():
    rng = np.random.default_rng(0)
    n, d = 200, 3
    X = rng.normal(size=(n, d))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.7 + 0.1 * rng.normal(size=n)
    A = np.hstack([X, np.ones((n, 1))])
    w_star, *_ = np.linalg.lstsq(A, y, rcond=None)

    x_ph = tk.placeholder(tk.float64, [None, d])
    y_ph = tk.placeholder(tk.float64, [None])
    w = tk.Variable(np.zeros(d), name="w")
    b = tk.Variable(0.0, dtype=tk.float64, name="b")
    pred = tk.reshape(tk.matmul(x_ph, tk.reshape(w, [d, 1])), [-1]) + b
    loss = tk.reduce_mean(tk.square(pred - y_ph))
    gs = tk.train.get_or_create_global_step()
    train = tk.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for _ in range(500):
            sess.run(train, {x_ph: X, y_ph: y})
        got = np.append(sess.run(w), sess.run(b))
        assert sess.run(gs) == 500
    np.testing.assert_allclose(got, w_star, atol=1e-3)


def _train_losses(seed: int) -> list[float]:
    tk.reset_default_graph()
    tk.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(64, 10)).astype(np.float32)
    labels = rng.integers(0, 3, size=64)
    x = tk.placeholder(tk.float32, [None, 10])
    t = tk.placeholder(tk.int32, [None])
    h = tk.layers.dense(x, 16, activation=tk.nn.relu)
    h = tk.layers.dropout(h, rate=0.3, training=True)
    logits = tk.layers.dense(h, 3)
    loss = tk.losses.sparse_softmax_cross_entropy(t, logits)
    train = tk.train.AdamOptimizer(0.01).minimize(loss)
    out = []
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for _ in range(15):
            out.append(sess.run([loss, train], {x: X, t: labels})[0])
    return out


def test_same_seed_gives_bitwise_identical_losses():
    a = _train_losses(3)
    b = _train_losses(3)
    c = _train_losses(4)
    assert [v.tobytes() for v in a] == [v.tobytes() for v in b]
    assert a != c
    assert a[-1] < a[0]
