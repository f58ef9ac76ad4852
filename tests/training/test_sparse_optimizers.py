"""Every optimizer applies an IndexedSlices gradient (from gather) with TF1's sparse
update rule, checked against NumPy references of those rules."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

V, D = 6, 3
STEPS = [np.array([1, 4, 1]), np.array([2, 4]), np.array([5, 5, 5, 0])]


def _dedupe(ids, rows):
    u, inv = np.unique(ids, return_inverse=True)
    g = np.zeros((u.size, rows.shape[1]))
    np.add.at(g, inv, rows)
    return u, g


def _np_gd(e, slots, i, g, t):
    e[i] -= 0.1 * g


def _np_momentum(nesterov):
    def rule(e, slots, i, g, t):
        a = slots.setdefault("accum", np.zeros_like(e))
        a[i] = 0.9 * a[i] + g
        e[i] -= 0.1 * g + 0.1 * 0.9 * a[i] if nesterov else 0.1 * a[i]
    return rule


def _np_adagrad(e, slots, i, g, t):
    a = slots.setdefault("accum", np.full_like(e, 0.1))
    a[i] += g * g
    e[i] -= 0.1 * g / np.sqrt(a[i])


def _np_rmsprop(centered):
    def rule(e, slots, i, g, t):
        ms = slots.setdefault("ms", np.ones_like(e))
        mom = slots.setdefault("mom", np.zeros_like(e))
        mg = slots.setdefault("mg", np.zeros_like(e))
        ms[i] = 0.9 * ms[i] + 0.1 * g * g
        denom = ms[i] + 1e-10
        if centered:
            mg[i] = 0.9 * mg[i] + 0.1 * g
            denom = ms[i] - mg[i] ** 2 + 1e-10
        mom[i] = 0.5 * mom[i] + 0.1 * g / np.sqrt(denom)
        e[i] -= mom[i]
    return rule


def _np_adadelta(e, slots, i, g, t):
    a = slots.setdefault("accum", np.zeros_like(e))
    au = slots.setdefault("accum_update", np.zeros_like(e))
    a[i] = 0.95 * a[i] + 0.05 * g * g
    upd = np.sqrt(au[i] + 1e-8) / np.sqrt(a[i] + 1e-8) * g
    au[i] = 0.95 * au[i] + 0.05 * upd * upd
    e[i] -= 1.0 * upd


def _np_adam(e, slots, i, g, t):
    """TF1 AdamOptimizer._apply_sparse: m, v decay on all rows; var moves on all rows."""
    m = slots.setdefault("m", np.zeros_like(e))
    v = slots.setdefault("v", np.zeros_like(e))
    lr_t = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
    m *= 0.9
    m[i] += 0.1 * g
    v *= 0.999
    v[i] += 0.001 * g * g
    e -= lr_t * m / (np.sqrt(v) + 1e-8)


CASES = {
    "gd": (lambda: tk.train.GradientDescentOptimizer(0.1), _np_gd),
    "momentum": (lambda: tk.train.MomentumOptimizer(0.1, 0.9), _np_momentum(False)),
    "nesterov": (lambda: tk.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
                 _np_momentum(True)),
    "adagrad": (lambda: tk.train.AdagradOptimizer(0.1), _np_adagrad),
    "rmsprop": (lambda: tk.train.RMSPropOptimizer(0.1, momentum=0.5), _np_rmsprop(False)),
    "centered": (lambda: tk.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
                 _np_rmsprop(True)),
    "adadelta": (lambda: tk.train.AdadeltaOptimizer(1.0), _np_adadelta),
    "adam": (lambda: tk.train.AdamOptimizer(0.1), _np_adam),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sparse_update_matches_tf1_rule(name):
    make_opt, rule = CASES[name]
    rng = np.random.default_rng(0)
    e0 = rng.normal(size=(V, D))
    emb = tk.Variable(e0, name="emb")
    ids = tk.placeholder(tk.int32, [None])
    w = tk.placeholder(tk.float64, [None, D])
    loss = tk.reduce_sum(w * tk.gather(emb, ids))
    opt = make_opt()
    grads = opt.compute_gradients(loss, [emb])
    assert isinstance(grads[0][0], tk.IndexedSlices)
    train = opt.apply_gradients(grads)
    assert any(op.type.startswith("SparseApply") for op in tk.get_default_graph()
               .get_operations())
    e = e0.copy()
    slots: dict = {}
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for t, step_ids in enumerate(STEPS, start=1):
            wv = rng.normal(size=(step_ids.size, D))
            before = sess.run(emb)
            sess.run(train, {ids: step_ids, w: wv})
            after = sess.run(emb)
            i, g = _dedupe(step_ids, wv)
            rule(e, slots, i, g, t)
            np.testing.assert_allclose(after, e, rtol=1e-10, atol=1e-12)
            untouched = np.setdiff1d(np.arange(V), step_ids)
            if name != "adam":
                np.testing.assert_array_equal(after[untouched], before[untouched])
            elif t == 2:  # TF1 Adam (not LazyAdam) moves every row with a nonzero m
                assert not np.allclose(after[1], before[1])
                np.testing.assert_array_equal(after[3], before[3])   # m = 0: no move


def test_sparse_gradient_of_duplicate_ids_equals_dense_update():
    rng = np.random.default_rng(1)
    e0 = rng.normal(size=(V, D))
    outs = []
    for sparse in (True, False):
        tk.reset_default_graph()
        emb = tk.Variable(e0)
        looked = tk.gather(emb, [3, 3, 0])
        if not sparse:  # the same loss through a dense path (matmul by one-hot)
            looked = tk.matmul(tk.one_hot([3, 3, 0], V, dtype=tk.float64), emb)
        loss = tk.reduce_sum(tk.square(looked))
        train = tk.train.MomentumOptimizer(0.05, 0.9).minimize(loss)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            outs.append(sess.run(emb))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


def test_sparse_update_out_of_range_index_is_an_error():
    emb = tk.Variable(np.zeros((3, 2)))
    g = tk.IndexedSlices(tk.constant(np.ones((1, 2))), tk.constant([7]), tk.constant([3, 2]))
    train = tk.train.GradientDescentOptimizer(0.1).apply_gradients([(g, emb)])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        with pytest.raises(tk.errors.InvalidArgumentError, match="not in \\[0, 3\\)"):
            sess.run(train)
        np.testing.assert_array_equal(sess.run(emb), np.zeros((3, 2)))


def test_indexed_slices_fetch_and_densify():
    p = tk.constant(np.arange(6.0).reshape(3, 2))
    (g,) = tk.gradients(tk.reduce_sum(tk.gather(p, [[2, 0], [2, 2]])), [p])
    with tk.Session() as sess:
        val = sess.run(g)
        dense = sess.run(tk.convert_to_tensor(g))
    assert isinstance(val, tk.IndexedSlicesValue)
    np.testing.assert_array_equal(val.indices, [2, 0, 2, 2])
    np.testing.assert_array_equal(val.dense_shape, [3, 2])
    np.testing.assert_array_equal(dense, [[1, 1], [0, 0], [3, 3]])
    with pytest.raises(ValueError, match="without dense_shape"):
        tk.convert_to_tensor(tk.IndexedSlices(g.values, g.indices))
    with pytest.raises(TypeError, match="integer"):
        tk.IndexedSlices(g.values, g.values)


def test_sparse_and_dense_gradients_of_one_variable_are_summed():
    emb = tk.Variable(np.ones((4, 2)))
    loss = tk.reduce_sum(tk.gather(emb, [1, 1])) + tk.reduce_sum(emb * 2.0)
    (g,) = tk.gradients(loss, [emb])
    loss2 = tk.reduce_sum(tk.gather(emb, [0])) + tk.reduce_sum(tk.gather(emb, [3, 0]))
    (g2,) = tk.gradients(loss2, [emb])
    assert isinstance(g2, tk.IndexedSlices) and not isinstance(g, tk.IndexedSlices)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(g), [[2, 2], [4, 4], [2, 2], [2, 2]])
        np.testing.assert_array_equal(sess.run(tk.convert_to_tensor(g2)),
                                      [[2, 2], [0, 0], [0, 0], [1, 1]])


def test_clip_by_global_norm_keeps_indexed_slices_sparse():
    emb = tk.Variable(np.ones((5, 2)))
    w = tk.Variable(np.ones(2))
    loss = tk.reduce_sum(tk.gather(emb, [1, 3]) * 3.0) + tk.reduce_sum(w * 4.0)
    grads = tk.gradients(loss, [emb, w])
    clipped, norm = tk.clip_by_global_norm(grads, 1.0)
    assert isinstance(clipped[0], tk.IndexedSlices)
    train = tk.train.MomentumOptimizer(1.0, 0.5).apply_gradients(zip(clipped, [emb, w]))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        n, c0 = sess.run((norm, clipped[0]))
        sess.run(train)
        e = sess.run(emb)
    np.testing.assert_allclose(n, np.sqrt(4 * 9 + 2 * 16))     # values of the slices
    np.testing.assert_allclose(c0.values, 3.0 / n)
    np.testing.assert_allclose(e[[0, 2, 4]], 1.0)                # untouched rows
    np.testing.assert_allclose(e[1], 1.0 - 3.0 / n)
