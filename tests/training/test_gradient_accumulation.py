"""``tk.train.GradientAccumulationOptimizer``: N backward passes per update.

- The variables move only on every N-th run, by exactly one update of the wrapped
  optimizer on the mean (or sum) of the N runs' gradients: checked against the wrapped
  optimizer fed that mean through a placeholder (SGD by hand in NumPy, Adam bitwise
  against the wrapped optimizer itself) and, for a mean loss over equal batches, against
  one run on the concatenated batch.
- The global step counts updates; accumulators and the counter are saved in
  checkpoints, so a run interrupted between updates and restored ends bitwise where the
  uninterrupted run ends; ``IndexedSlices`` gradients and None gradients.
- Bad arguments raise typed errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(2)
X = RNG.normal(size=(12, 3)).astype(np.float32)
Y = RNG.normal(size=(12, 1)).astype(np.float32)
W0 = RNG.normal(size=(3, 1)).astype(np.float32)


def _model():
    x = tk.placeholder(tk.float32, [None, 3])
    y = tk.placeholder(tk.float32, [None, 1])
    w = tk.Variable(W0, name="w")
    b = tk.Variable(np.zeros(1, np.float32), name="b")
    loss = tk.reduce_mean(tk.square(tk.matmul(x, w) + b - y))
    return x, y, w, b, loss


def _batches(n, size=3):
    return [(X[i * size:(i + 1) * size], Y[i * size:(i + 1) * size]) for i in range(n)]


def test_sgd_moves_once_per_n_runs_by_the_mean_gradient():
    with tk.Graph().as_default():
        x, y, w, b, loss = _model()
        gs = tk.train.get_or_create_global_step()
        opt = tk.train.GradientAccumulationOptimizer(tk.train.GradientDescentOptimizer(0.1), 3)
        train = opt.minimize(loss, global_step=gs)
        grads = tk.gradients(loss, [w, b])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            seen, steps = [], []
            for bx, by in _batches(3):
                seen.append(sess.run(grads, {x: bx, y: by}))
                sess.run(train, {x: bx, y: by})
                steps.append(sess.run(gs))
                if len(seen) < 3:                       # nothing moves before the 3rd run
                    assert np.array_equal(sess.run(w), W0)
            got_w, got_b = sess.run([w, b])
    assert steps == [0, 0, 1]                           # the global step counts updates
    mean_w = sum(g[0] for g in seen) / 3
    mean_b = sum(g[1] for g in seen) / 3
    np.testing.assert_allclose(got_w, W0 - 0.1 * mean_w, rtol=1e-6)
    np.testing.assert_allclose(got_b, -0.1 * mean_b, rtol=1e-6)
    # a mean loss over equal batches: the big batch's gradient, up to rounding
    with tk.Graph().as_default():
        x, y, w, b, loss = _model()
        tk.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(tk.get_collection(tk.GraphKeys.TRAIN_OP), {x: X[:9], y: Y[:9]})
            np.testing.assert_allclose(sess.run(w), got_w, rtol=1e-5)


def test_adam_on_the_averaged_gradient_bitwise_and_sum_mode():
    n = 2
    runs = _batches(4)
    with tk.Graph().as_default():
        x, y, w, b, loss = _model()
        acc = tk.train.GradientAccumulationOptimizer(tk.train.AdamOptimizer(0.05), n)
        train = acc.minimize(loss)
        grads = tk.gradients(loss, [w, b])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            gvals = []
            for bx, by in runs:
                gvals.append(sess.run(grads, {x: bx, y: by}))
                sess.run(train, {x: bx, y: by})
            got = sess.run([w, b])
            assert sorted(s for s in acc.get_slot_names()) == ["m", "v"]
            assert {v.op.name for v in acc.variables()} >= {
                "GradientAccumulation/accumulated_passes",
                "GradientAccumulation/accumulator/w", "GradientAccumulation/accumulator/b"}
    with tk.Graph().as_default():          # the wrapped optimizer fed the same sums / n
        w = tk.Variable(W0, name="w")
        b = tk.Variable(np.zeros(1, np.float32), name="b")
        gw, gb = tk.placeholder(tk.float32, [3, 1]), tk.placeholder(tk.float32, [1])
        step = tk.train.AdamOptimizer(0.05).apply_gradients([(gw, w), (gb, b)])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for k in range(0, len(runs), n):
                sw = (gvals[k][0] + gvals[k + 1][0]) / np.float32(n)
                sb = (gvals[k][1] + gvals[k + 1][1]) / np.float32(n)
                sess.run(step, {gw: sw, gb: sb})
            want = sess.run([w, b])
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    with tk.Graph().as_default():          # average=False applies the sum
        x, y, w, b, loss = _model()
        train = tk.train.GradientAccumulationOptimizer(
            tk.train.GradientDescentOptimizer(0.1), 2, average=False).minimize(loss)
        grads = tk.gradients(loss, w)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            total = 0
            for bx, by in runs[:2]:
                total = total + sess.run(grads, {x: bx, y: by})[0]
                sess.run(train, {x: bx, y: by})
            np.testing.assert_allclose(sess.run(w), W0 - 0.1 * total, rtol=1e-6)


def _run(ckpt_dir, stop_after=None, restore=False):
    """Six runs with steps=4 (one update after the 4th run, a partial sum after that);
    optionally saved after ``stop_after`` runs and continued in a new graph."""
    with tk.Graph().as_default():
        x, y, w, b, loss = _model()
        gs = tk.train.get_or_create_global_step()
        train = tk.train.GradientAccumulationOptimizer(tk.train.AdamOptimizer(0.05), 4) \
            .minimize(loss, global_step=gs)
        saver = tk.train.Saver()
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            start = 0
            if restore:
                saver.restore(sess, tk.train.latest_checkpoint(ckpt_dir))
                start = stop_after
            for i, (bx, by) in enumerate(_batches(4, 2) * 2):
                if i < start:
                    continue
                sess.run(train, {x: bx, y: by})
                if i + 1 == stop_after and not restore:
                    saver.save(sess, f"{ckpt_dir}/model", global_step=gs)
                    return None
            return sess.run([w, b, gs])


def test_a_checkpoint_between_updates_resumes_exactly(tmp_path):
    whole = _run(str(tmp_path / "a"))
    assert whole[2] == 2
    _run(str(tmp_path / "b"), stop_after=6)            # 2 passes into the 2nd update
    resumed = _run(str(tmp_path / "b"), stop_after=6, restore=True)
    for a, r in zip(whole, resumed):
        assert np.array_equal(a, r)


def test_sparse_and_missing_gradients():
    with tk.Graph().as_default():
        table = tk.Variable(np.arange(8, dtype=np.float32).reshape(4, 2), name="table")
        unused = tk.Variable(1.0, name="unused")
        ids = tk.placeholder(tk.int32, [None])
        loss = tk.reduce_sum(tk.nn.embedding_lookup(table, ids))
        opt = tk.train.GradientAccumulationOptimizer(tk.train.GradientDescentOptimizer(1.0), 2)
        grads = opt.compute_gradients(loss, var_list=[table, unused])
        assert grads[1][0] is None
        train = opt.apply_gradients(grads)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(train, {ids: [0, 0]})
            sess.run(train, {ids: [3]})
            got = sess.run(table)
    want = np.arange(8, dtype=np.float32).reshape(4, 2)
    want[0] -= 1.0                     # (2 + 0) / 2
    want[3] -= 0.5                     # (0 + 1) / 2
    np.testing.assert_array_equal(got, want)


def test_bad_arguments():
    sgd = tk.train.GradientDescentOptimizer(0.1)
    for bad in (0, -2, 1.5, True, "4"):
        with pytest.raises(ValueError, match="positive int"):
            tk.train.GradientAccumulationOptimizer(sgd, bad)
    with pytest.raises(TypeError, match="tk.train optimizer"):
        tk.train.GradientAccumulationOptimizer("adam", 2)
    with tk.Graph().as_default():
        v = tk.Variable(1.0)
        opt = tk.train.GradientAccumulationOptimizer(sgd, 2)
        with pytest.raises(TypeError, match="not a Variable"):
            opt.apply_gradients([(tk.constant(1.0), 3.0)])
        assert opt.steps == 2
        one = tk.train.GradientAccumulationOptimizer(sgd, 1).apply_gradients(
            [(tk.constant(1.0), v)])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(one)
            assert sess.run(v) == pytest.approx(0.9)
