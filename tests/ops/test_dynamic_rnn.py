"""dynamic_rnn and bidirectional_dynamic_rnn: an LSTM against a NumPy reference of the same
equations, TF1's sequence_length semantics, variable names, time_major, unknown time
dimension, gradients (finite differences, and equal to the same cell unrolled by hand),
errors, and reverse / reverse_sequence."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.loop_cells import LSTM, TanhCell


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _np_lstm(x, w, b, lengths=None):
    """x: [batch, time, depth]; returns outputs [batch, time, units] and (c, h)."""
    batch, steps, _ = x.shape
    units = w.shape[1] // 4
    c = np.zeros((batch, units))
    h = np.zeros((batch, units))
    outs = np.zeros((batch, steps, units))
    for t in range(steps):
        z = np.concatenate([x[:, t], h], 1) @ w + b
        i, j, f, o = np.split(z, 4, axis=1)
        c2 = c * _sig(f + 1.0) + _sig(i) * np.tanh(j)
        h2 = np.tanh(c2) * _sig(o)
        live = np.ones(batch, bool) if lengths is None else t < np.asarray(lengths)
        c = np.where(live[:, None], c2, c)
        h = np.where(live[:, None], h2, h)
        outs[:, t] = np.where(live[:, None], h2, 0.0)
    return outs, (c, h)


def _weights(sess):
    return sess.run([v for v in tk.global_variables() if "kernel" in v.name][0]), \
        sess.run([v for v in tk.global_variables() if "bias" in v.name][0])


@pytest.mark.parametrize("lengths", [None, [5, 2, 0]])
def test_lstm_matches_numpy_reference(lengths):
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(3, 5, 2)).astype(np.float32)
    x = tk.placeholder(tk.float32, [None, None, 2])
    seq = None if lengths is None else tk.constant(lengths)
    out, st = tk.nn.dynamic_rnn(LSTM(4), x, sequence_length=seq, dtype=tk.float32)
    assert out.shape.as_list()[1:] == [None, 4]
    assert [v.name for v in tk.global_variables()] == ["rnn/lstm/kernel:0", "rnn/lstm/bias:0"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        w, b = _weights(sess)
        ov, sv = sess.run([out, st], {x: xv})
    ref, (c, h) = _np_lstm(xv.astype(np.float64), w, b, lengths)
    np.testing.assert_allclose(ov, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv.c, c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv.h, h, rtol=1e-5, atol=1e-6)
    if lengths is not None:
        assert not ov[1, 2:].any() and not ov[2].any()   # zeros past each row's end


def test_time_major_initial_state_and_scope():
    rng = np.random.default_rng(1)
    xv = rng.normal(size=(4, 2, 3)).astype(np.float32)   # [time, batch, depth]
    cell = TanhCell(5)
    h0 = tk.constant(rng.normal(size=(2, 5)).astype(np.float32))
    out, st = tk.nn.dynamic_rnn(cell, tk.constant(xv), initial_state=h0, time_major=True,
                                scope="enc")
    assert out.shape.as_list() == [4, 2, 5]
    assert {v.name for v in tk.global_variables()} == {"enc/tanh_cell/kernel:0",
                                                        "enc/tanh_cell/bias:0"}
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        k, b = sess.run(tk.global_variables())
        ov, sv, h = sess.run([out, st, h0])
    for t in range(4):
        h = np.tanh(np.concatenate([xv[t], h], 1) @ k + b)
        np.testing.assert_allclose(ov[t], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv, h, rtol=1e-5, atol=1e-6)


def test_dynamic_rnn_equals_the_same_cell_unrolled_in_values_and_gradients():
    rng = np.random.default_rng(2)
    xv = rng.normal(size=(2, 4, 3))
    lens = [4, 2]
    x = tk.placeholder(tk.float64, [2, 4, 3])
    cell = LSTM(3)
    out, st = tk.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tk.float64)
    # the same cell unrolled by hand with TF's copy-through semantics, sharing variables
    state = cell.zero_state(2, tk.float64)
    outs = []
    with tk.variable_scope("rnn", reuse=True):
        for t in range(4):
            o, new = cell(x[:, t], state)
            live = tk.constant(np.array(lens) > t)
            outs.append(tk.where(live, o, tk.zeros_like(o)))
            state = type(new)(*[tk.where(live, n, s) for n, s in zip(new, state)])
    unrolled = tk.stack(outs, 1)
    loss_d = tk.reduce_sum(out * out) + tk.reduce_sum(st.c)
    loss_u = tk.reduce_sum(unrolled * unrolled) + tk.reduce_sum(state.c)
    tv = tk.trainable_variables()
    assert len(tv) == 2
    gd = tk.gradients(loss_d, [x] + tv)
    gu = tk.gradients(loss_u, [x] + tv)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b = sess.run([[out] + gd, [unrolled] + gu], {x: xv})
    for p, q in zip(a, b):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


class _ConstCell(TanhCell):
    """A tanh cell whose weights are constants (so the checker needs no variables)."""

    def __init__(self, k, b):
        super().__init__(k.shape[1])
        self.k, self.b = k, b

    def __call__(self, inputs, state, scope=None):
        h = tk.tanh(tk.matmul(tk.concat([inputs, state], 1), tk.constant(self.k)) + self.b)
        return h, h


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    k, b = rng.normal(size=(4, 2)), rng.normal(size=2)

    def f(x, h0):
        out, st = tk.nn.dynamic_rnn(_ConstCell(k, b), x, sequence_length=[3, 1],
                                    initial_state=h0)
        return tk.concat([tk.reshape(out, [-1]), tk.reshape(st, [-1])], 0)

    check_grad(f, rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 2)))


def test_bidirectional_matches_two_numpy_passes():
    rng = np.random.default_rng(4)
    xv = rng.normal(size=(2, 4, 3)).astype(np.float32)
    lens = [4, 2]
    x = tk.placeholder(tk.float32, [2, None, 3])
    (of, ob), (sf, sb) = tk.nn.bidirectional_dynamic_rnn(TanhCell(3), TanhCell(3), x,
                                                         sequence_length=lens,
                                                         dtype=tk.float32)
    names = sorted(v.name for v in tk.global_variables())
    assert names == ["bidirectional_rnn/bw/tanh_cell/bias:0",
                     "bidirectional_rnn/bw/tanh_cell/kernel:0",
                     "bidirectional_rnn/fw/tanh_cell/bias:0",
                     "bidirectional_rnn/fw/tanh_cell/kernel:0"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        var = {v.name: sess.run(v) for v in tk.global_variables()}
        vf, vb, vsf, vsb = sess.run([of, ob, sf, sb], {x: xv})

    def run(k, b, seq):
        h, outs = np.zeros(3), []
        for xt in seq:
            h = np.tanh(np.concatenate([xt, h]) @ k + b)
            outs.append(h)
        return np.array(outs), h

    for r, n in enumerate(lens):
        fo, fs = run(var["bidirectional_rnn/fw/tanh_cell/kernel:0"],
                     var["bidirectional_rnn/fw/tanh_cell/bias:0"], xv[r, :n])
        bo, bs = run(var["bidirectional_rnn/bw/tanh_cell/kernel:0"],
                     var["bidirectional_rnn/bw/tanh_cell/bias:0"], xv[r, :n][::-1])
        np.testing.assert_allclose(vf[r, :n], fo, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(vb[r, :n], bo[::-1], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(vsf[r], fs, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(vsb[r], bs, rtol=1e-5, atol=1e-6)
        assert not vf[r, n:].any() and not vb[r, n:].any()


def test_errors():
    x = tk.placeholder(tk.float32, [2, 3, 4])
    with pytest.raises(TypeError, match="not an RNNCell"):
        tk.nn.dynamic_rnn(object(), x, dtype=tk.float32)
    with pytest.raises(ValueError, match="must give a dtype"):
        tk.nn.dynamic_rnn(TanhCell(2), x)
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tk.nn.dynamic_rnn(TanhCell(2), x, sequence_length=[[1, 2]], dtype=tk.float32)
    with pytest.raises(ValueError, match="rank at least 2"):
        tk.nn.dynamic_rnn(TanhCell(2), tk.placeholder(tk.float32, [3]), dtype=tk.float32)
    with pytest.raises(ValueError, match="depth of inputs"):
        tk.nn.dynamic_rnn(TanhCell(2), tk.placeholder(tk.float32, [2, 3, None]),
                          dtype=tk.float32)
    with pytest.raises(TypeError, match="cell_bw"):
        tk.nn.bidirectional_dynamic_rnn(TanhCell(2), None, x, dtype=tk.float32)


def test_reverse_and_reverse_sequence_values_and_gradients():
    x = np.arange(24, dtype=np.float64).reshape(2, 4, 3)
    r = tk.reverse(tk.constant(x), axis=[1])
    rs = tk.reverse_sequence(tk.constant(x), [3, 1], seq_axis=1, batch_axis=0)
    rv, rsv = tk.Session().run([r, rs])
    np.testing.assert_array_equal(rv, x[:, ::-1])
    exp = x.copy()
    exp[0, :3] = x[0, 2::-1]
    np.testing.assert_array_equal(rsv, exp)
    check_grad(lambda t: tk.reverse(t, [0, 2]) * tk.sin(t), np.random.default_rng(5).normal(
        size=(2, 3, 2)))
    check_grad(lambda t: tk.reverse_sequence(t, [2, 3], seq_axis=0, batch_axis=1) * t,
               np.random.default_rng(6).normal(size=(3, 2)))
    with pytest.raises(ValueError, match="out of range"):
        tk.reverse(tk.constant(x), axis=[3])
    with pytest.raises(ValueError, match="must differ"):
        tk.reverse_sequence(tk.constant(x), [1, 1], seq_axis=1, batch_axis=1)
    bad = tk.reverse_sequence(tk.constant(x), [5, 1], seq_axis=1, batch_axis=0)
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="seq_lengths must be in"):
            sess.run(bad)


_HAS_CELLS = hasattr(tk.nn, "static_rnn") and hasattr(getattr(tk.nn, "rnn_cell", None),
                                                       "BasicLSTMCell")


@pytest.mark.skipif(not _HAS_CELLS, reason="tk.nn.rnn_cell / static_rnn not merged yet")
def test_dynamic_rnn_equals_static_rnn_with_sequence_length_in_values_and_gradients():
    rng = np.random.default_rng(7)
    xv = rng.normal(size=(3, 4, 2))
    lens = np.array([4, 1, 3])
    x = tk.placeholder(tk.float64, [3, 4, 2])
    cell = tk.nn.rnn_cell.BasicLSTMCell(3)
    out_d, st_d = tk.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tk.float64)
    out_s, st_s = tk.nn.static_rnn(cell, tk.unstack(x, axis=1), sequence_length=lens,
                                   dtype=tk.float64)
    out_s = tk.stack(out_s, 1)
    tv = tk.trainable_variables()
    assert sorted(v.name for v in tv) == ["rnn/basic_lstm_cell/bias:0",
                                          "rnn/basic_lstm_cell/kernel:0"]
    gd = tk.gradients(tk.reduce_sum(out_d ** 2) + tk.reduce_sum(st_d.c), [x] + tv)
    gs = tk.gradients(tk.reduce_sum(out_s ** 2) + tk.reduce_sum(st_s.c), [x] + tv)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b = sess.run([[out_d, st_d.c, st_d.h] + gd, [out_s, st_s.c, st_s.h] + gs],
                        {x: xv})
    for p, q in zip(a, b):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


@pytest.mark.skipif(not _HAS_CELLS, reason="tk.nn.rnn_cell not merged yet")
def test_basic_lstm_cell_in_dynamic_rnn_matches_numpy():
    rng = np.random.default_rng(8)
    xv = rng.normal(size=(2, 5, 3)).astype(np.float32)
    x = tk.placeholder(tk.float32, [None, None, 3])
    out, st = tk.nn.dynamic_rnn(tk.nn.rnn_cell.BasicLSTMCell(4), x, sequence_length=[5, 3],
                                dtype=tk.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        w, b = _weights(sess)
        ov, sv = sess.run([out, st], {x: xv})
    ref, (c, h) = _np_lstm(xv.astype(np.float64), w, b, [5, 3])
    np.testing.assert_allclose(ov, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv.c, c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv.h, h, rtol=1e-5, atol=1e-6)
