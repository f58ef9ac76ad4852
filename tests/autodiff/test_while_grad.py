"""Gradients through while_loop: finite differences (the shared checker), the same
computation unrolled by hand, captured weights, nesting with loops and conds,
maximum_iterations, back_prop=False, and training a loop model with an optimizer."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _rnn_loop(x, w, steps=4):
    def body(i, h):
        return i + 1, tk.tanh(tk.matmul(h, w) + x)

    return tk.while_loop(lambda i, h: i < steps, body, [0, x])[1]


def _rnn_unrolled(x, w, steps=4):
    h = x
    for _ in range(steps):
        h = tk.tanh(tk.matmul(h, w) + x)
    return h


def test_gradients_wrt_initial_value_and_captured_weight_match_finite_differences():
    rng = np.random.default_rng(0)
    check_grad(_rnn_loop, rng.normal(size=(2, 3)), 0.5 * rng.normal(size=(3, 3)))


def test_loop_gradients_equal_the_unrolled_graph():
    rng = np.random.default_rng(1)
    xv, wv = rng.normal(size=(2, 3)), 0.5 * rng.normal(size=(3, 3))
    x = tk.placeholder(tk.float64, [2, 3])
    w = tk.placeholder(tk.float64, [3, 3])
    yl, yu = _rnn_loop(x, w), _rnn_unrolled(x, w)
    gl = tk.gradients(tk.reduce_sum(yl * yl), [x, w])
    gu = tk.gradients(tk.reduce_sum(yu * yu), [x, w])
    with tk.Session() as sess:
        a, b = sess.run([[yl] + gl, [yu] + gu], {x: xv, w: wv})
    for p, q in zip(a, b):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_capture_computed_from_another_capture_is_counted_once():
    """The body reads ``m`` and ``k = m @ K`` (attention reads its memory and the keys
    projected from it): d/dm must add the path through ``k`` once, as the unrolled
    graph does (regression: the body's gradient also walked k -> m)."""
    rng = np.random.default_rng(4)
    kv = rng.normal(size=(3, 3))

    def loop(m):
        k = tk.matmul(m, tk.constant(kv))

        def body(i, acc):
            return i + 1, acc + tk.reduce_sum(tk.tanh(k * acc + m))

        return tk.while_loop(lambda i, a: i < 3, body, [0, tk.constant(0.5, tk.float64)])[1]

    check_grad(loop, rng.normal(size=(2, 3)))


def test_gradient_of_power_loop_by_hand():
    x = tk.placeholder(tk.float64, [])
    n = tk.placeholder(tk.int32, [])
    _, y = tk.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, tk.ones([],
                                                                                tk.float64)])
    (g,) = tk.gradients(y, x)
    with tk.Session() as sess:
        for k in (0, 1, 5):
            assert sess.run(g, {x: 1.5, n: k}) == pytest.approx(k * 1.5 ** (k - 1) if k else 0)


def test_several_float_loop_vars_and_an_int_counter():
    def f(a, b):
        def body(i, u, v):
            return i + 1, u * v + 0.1, tk.sin(u) - v

        return tk.while_loop(lambda i, u, v: i < 3, body, [0, a, b])[1:]

    rng = np.random.default_rng(2)
    check_grad(lambda a, b: tk.stack(f(a, b)), rng.normal(size=3), rng.normal(size=3))


def test_maximum_iterations_gradient():
    def f(x):
        return tk.while_loop(lambda y: tk.reduce_sum(y) < 1e9, lambda y: y * 1.5 + tk.sin(y),
                             [x], maximum_iterations=3)

    check_grad(f, np.array([0.3, -0.2]))


def test_nested_loop_gradient_matches_finite_differences():
    def f(x, w):
        def outer(i, h):
            _, h2 = tk.while_loop(lambda j, g: j < i + 1, lambda j, g: (j + 1, tk.tanh(g * w)),
                                  [0, h])
            return i + 1, h2 + x

        return tk.while_loop(lambda i, h: i < 3, outer, [0, x])[1]

    rng = np.random.default_rng(3)
    check_grad(f, rng.normal(size=3), rng.normal(size=3))


def test_cond_inside_loop_gradient():
    def f(x):
        def body(i, v):
            return i + 1, tk.cond(tk.equal(i % 2, 0), lambda: v * v, lambda: tk.sin(v) + x)

        return tk.while_loop(lambda i, v: i < 4, body, [0, x])[1]

    check_grad(f, np.array([0.4, -0.9]))


@pytest.mark.parametrize("take", [True, False])
def test_loop_inside_cond_gradient(take):
    p = tk.constant(take)

    def f(x):
        return tk.cond(p, lambda: tk.while_loop(lambda i, v: i < 3, lambda i, v: (
            i + 1, v * tk.cos(v)), [0, x])[1], lambda: x * 3.0)

    check_grad(f, np.array([0.4, 0.7]))


def test_back_prop_false_stops_gradients():
    x = tk.constant(2.0)
    y = tk.while_loop(lambda v: v < 100.0, lambda v: v * v, [x], back_prop=False)
    assert tk.gradients(y, x) == [None]


def test_gradient_with_unconnected_loop_var_and_output():
    x = tk.placeholder(tk.float64, [])
    z = tk.placeholder(tk.float64, [])
    _, a, b = tk.while_loop(lambda i, a, b: i < 2, lambda i, a, b: (i + 1, a * 2.0, b + z),
                            [0, x, z])
    ga, gz = tk.gradients(a, [x, z])
    with tk.Session() as sess:
        # a = 4x does not depend on z, as a capture (None) or as b's initial value (the
        # zero gradient of b; TF1 returns None there too: it walks per-iteration ops)
        assert sess.run([ga, gz], {x: 1.0, z: 1.0}) == [4.0, 0.0]


def test_two_gradient_calls_on_one_loop():
    x = tk.placeholder(tk.float64, [])
    y = tk.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, x])[1]
    (g1,) = tk.gradients(y, x)
    (g2,) = tk.gradients(y * y, x)
    with tk.Session() as sess:
        v1, v2 = sess.run([g1, g2], {x: 2.0})
    assert v1 == pytest.approx(4 * 2.0 ** 3)   # y = x^4
    assert v2 == pytest.approx(8 * 2.0 ** 7)   # y^2 = x^8


def test_training_a_loop_model_with_an_optimizer_under_monitored_training_session():
    # Fit a to make a^3 (computed by a loop) equal 8: a -> 2.
    a = tk.Variable(1.0)
    y = tk.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * a), [0, a])[1]
    loss = tk.square(y - 8.0)
    gs = tk.train.get_or_create_global_step()
    train = tk.train.GradientDescentOptimizer(0.005).minimize(loss, global_step=gs)
    losses = []

    class Record(tk.train.SessionRunHook):
        def before_run(self, ctx):
            return tk.train.SessionRunArgs(loss)

        def after_run(self, ctx, values):
            losses.append(values.results)

    hooks = [tk.train.StopAtStepHook(last_step=200), Record()]
    with tk.train.MonitoredTrainingSession(hooks=hooks, save_summaries_steps=None,
                                           save_checkpoint_secs=None) as sess:
        while not sess.should_stop():
            _, final_a = sess.run([train, a])
    assert len(losses) == 200
    assert losses[-1] < 1e-6 < losses[0]
    assert final_a == pytest.approx(2.0, abs=1e-4)


def test_second_order_gradient_through_a_loop_is_a_clear_error():
    x = tk.constant(2.0)
    y = tk.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x), [0, x])[1]
    (g,) = tk.gradients(y, x)
    with pytest.raises(LookupError, match="Second-order gradients through while loops"):
        tk.gradients(g, x)


def test_weight_gradient_summed_as_one_product_after_the_loop():
    """A captured weight wider than the rows it multiplies: its per-iteration gradient
    h^T g is summed as one product of the stacked operands after the loop (the
    ``WhileGrad`` op returns them); values as unrolled, and zeros for no iteration."""
    rng = np.random.default_rng(5)
    xv, wv = rng.normal(size=(2, 6)), 0.4 * rng.normal(size=(6, 6))
    x = tk.placeholder(tk.float64, [2, 6])
    w = tk.placeholder(tk.float64, [6, 6])
    n = tk.placeholder(tk.int32, [])

    def body(i, h):
        return i + 1, tk.tanh(tk.matmul(h, w) + x)

    yl = tk.while_loop(lambda i, h: i < n, body, [0, x])[1]
    (gw,) = tk.gradients(tk.reduce_sum(yl * yl), [w])
    assert gw.op.type == "MatMul"  # after the loop, not summed inside it
    (gu,) = tk.gradients(tk.reduce_sum(_rnn_unrolled(x, w, 3) ** 2), [w])
    with tk.Session() as sess:
        got, want = sess.run([gw, gu], {x: xv, w: wv, n: 3})
        np.testing.assert_allclose(got, want, rtol=1e-12)
        np.testing.assert_array_equal(sess.run(gw, {x: xv, w: wv, n: 0}), np.zeros((6, 6)))
