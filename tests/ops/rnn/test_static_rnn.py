"""static_rnn / static_bidirectional_rnn against NumPy loops, TF1's variable names, and
training under MonitoredSession."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.rnn import rnn_reference as ref

R = tk.nn.rnn_cell
T, B, D, N = 4, 3, 2, 5


def _np_lstm_loop(xs, kernel, bias, lengths=None, reverse=False):
    """A NumPy BasicLSTMCell unrolled with TF1's sequence_length rules."""
    b = xs[0].shape[0]
    c = np.zeros((b, N))
    h = np.zeros((b, N))
    outs = []
    for t, x in enumerate(xs):
        o, (nc, nh) = ref.basic_lstm(x, c, h, kernel, bias)
        if lengths is not None:
            done = (t >= lengths)[:, None]
            o = np.where(done, 0.0, o)
            nc, nh = np.where(done, c, nc), np.where(done, h, nh)
        c, h = nc, nh
        outs.append(o)
    return outs, (c, h)


def _run_static(lengths, scope=None):
    rng = np.random.default_rng(0)
    xs_np = [rng.normal(size=(B, D)) for _ in range(T)]
    xs = [tk.constant(x) for x in xs_np]
    seq = None if lengths is None else tk.constant(lengths)
    outs, state = tk.nn.static_rnn(R.BasicLSTMCell(N), xs, dtype=tk.float64,
                                   sequence_length=seq, scope=scope)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got = sess.run((outs, state))
        kernel, bias = sess.run(tk.trainable_variables())
    return xs_np, got, kernel, bias


@pytest.mark.parametrize("lengths", [None, np.array([4, 2, 0], np.int32)])
def test_static_rnn_matches_numpy_loop(lengths):
    xs, (outs, state), kernel, bias = _run_static(lengths)
    want, (wc, wh) = _np_lstm_loop(xs, kernel, bias, lengths)
    for o, w in zip(outs, want):
        np.testing.assert_allclose(o, w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state.c, wc, rtol=1e-12)
    np.testing.assert_allclose(state.h, wh, rtol=1e-12)
    if lengths is not None:
        assert not np.any(outs[3][1]) and not np.any(state.h[2])  # past the end: zeros


def test_static_rnn_gradients_with_sequence_length():
    lengths = np.array([3, 1], np.int32)

    def fn(x0, x1, x2, kernel, bias):
        def getter(next_getter, name, *a, **k):
            return kernel if name.endswith("kernel") else bias
        with tk.variable_scope("v", custom_getter=getter):
            outs, st = tk.nn.static_rnn(R.BasicLSTMCell(2), [x0, x1, x2], dtype=tk.float64,
                                        sequence_length=lengths)
        return tk.concat(outs + [st.c, st.h], 1)

    rng = np.random.default_rng(1)
    check_grad(fn, *[rng.normal(size=(2, 2)) for _ in range(3)],
               rng.normal(size=(4, 8)), rng.normal(size=8))


def test_static_bidirectional_rnn_matches_numpy():
    rng = np.random.default_rng(2)
    xs_np = [rng.normal(size=(B, D)) for _ in range(T)]
    lengths = np.array([4, 3, 1], np.int32)
    outs, sf, sb = tk.nn.static_bidirectional_rnn(
        R.BasicLSTMCell(N), R.BasicLSTMCell(N), [tk.constant(x) for x in xs_np],
        dtype=tk.float64, sequence_length=lengths)
    names = [v.op.name for v in tk.trainable_variables()]
    assert names == ["bidirectional_rnn/fw/basic_lstm_cell/kernel",
                     "bidirectional_rnn/fw/basic_lstm_cell/bias",
                     "bidirectional_rnn/bw/basic_lstm_cell/kernel",
                     "bidirectional_rnn/bw/basic_lstm_cell/bias"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got, gf, gb = sess.run((outs, sf, sb))
        kf, bf, kb, bb = sess.run(tk.trainable_variables())
    fw, (fc, fh) = _np_lstm_loop(xs_np, kf, bf, lengths)
    # the backward pass reads each row's first length[b] steps in reverse
    rev = []
    for t in range(T):
        step = np.zeros((B, D))
        for b in range(B):
            step[b] = xs_np[lengths[b] - 1 - t][b] if t < lengths[b] else xs_np[t][b]
        rev.append(step)
    bw_rev, (bc, bh) = _np_lstm_loop(rev, kb, bb, lengths)
    bw = []
    for t in range(T):
        step = np.zeros((B, N))
        for b in range(B):
            step[b] = bw_rev[lengths[b] - 1 - t][b] if t < lengths[b] else bw_rev[t][b]
        bw.append(step)
    for t in range(T):
        np.testing.assert_allclose(got[t], np.concatenate([fw[t], bw[t]], 1), rtol=1e-12,
                                   atol=1e-14)
    np.testing.assert_allclose(gf.h, fh, rtol=1e-12)
    np.testing.assert_allclose(gb.c, bc, rtol=1e-12)


# Variable names and shapes recorded with tensorflow-cpu 2.21 (tf.compat.v1, legacy keras).
TF1_NAMES = [
    (lambda: R.BasicLSTMCell(4), [("rnn/basic_lstm_cell/kernel", [7, 16]),
                                  ("rnn/basic_lstm_cell/bias", [16])]),
    (lambda: R.BasicRNNCell(4), [("rnn/basic_rnn_cell/kernel", [7, 4]),
                                 ("rnn/basic_rnn_cell/bias", [4])]),
    (lambda: R.GRUCell(4), [("rnn/gru_cell/gates/kernel", [7, 8]),
                            ("rnn/gru_cell/gates/bias", [8]),
                            ("rnn/gru_cell/candidate/kernel", [7, 4]),
                            ("rnn/gru_cell/candidate/bias", [4])]),
    (lambda: R.LSTMCell(4, use_peepholes=True, num_proj=2),
     [("rnn/lstm_cell/kernel", [5, 16]), ("rnn/lstm_cell/bias", [16]),
      ("rnn/lstm_cell/w_f_diag", [4]), ("rnn/lstm_cell/w_i_diag", [4]),
      ("rnn/lstm_cell/w_o_diag", [4]), ("rnn/lstm_cell/projection/kernel", [4, 2])]),
    (lambda: R.MultiRNNCell([R.BasicLSTMCell(4), R.GRUCell(3)]),
     [("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", [7, 16]),
      ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias", [16]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel", [7, 6]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias", [6]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel", [7, 3]),
      ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias", [3])]),
    (lambda: R.DropoutWrapper(R.BasicLSTMCell(4), 0.5),
     [("rnn/basic_lstm_cell/kernel", [7, 16]), ("rnn/basic_lstm_cell/bias", [16])]),
    (lambda: R.ResidualWrapper(R.BasicRNNCell(3)),
     [("rnn/basic_rnn_cell/kernel", [6, 3]), ("rnn/basic_rnn_cell/bias", [3])]),
]


@pytest.mark.parametrize("make,want", TF1_NAMES)
def test_variable_names_match_tf1(make, want):
    xs = [tk.placeholder(tk.float32, [2, 3]) for _ in range(2)]
    tk.nn.static_rnn(make(), xs, dtype=tk.float32)
    assert [(v.op.name, v.shape.as_list()) for v in tk.global_variables()] == want


def test_cell_scoping_follows_tf1_layers():
    x = tk.placeholder(tk.float32, [2, 3])
    c = R.BasicLSTMCell(4)
    s = c.zero_state(2, tk.float32)
    c(x, s)
    c(x, s)                                   # reuses its variables
    R.BasicLSTMCell(4)(x, s)                  # a new cell: a new unique scope
    with tk.variable_scope("foo"):
        R.GRUCell(4)(x, tk.zeros([2, 4]))
    R.BasicRNNCell(4)(x, tk.zeros([2, 4]), scope="myscope")
    assert [v.op.name for v in tk.global_variables()] == [
        "basic_lstm_cell/kernel", "basic_lstm_cell/bias", "basic_lstm_cell_1/kernel",
        "basic_lstm_cell_1/bias", "foo/gru_cell/gates/kernel", "foo/gru_cell/gates/bias",
        "foo/gru_cell/candidate/kernel", "foo/gru_cell/candidate/bias", "myscope/kernel",
        "myscope/bias"]


def test_one_cell_in_two_static_rnns_shares_weights_and_new_cell_clashes():
    xs = [tk.placeholder(tk.float32, [2, 3]) for _ in range(2)]
    cell = R.BasicLSTMCell(4)
    tk.nn.static_rnn(cell, xs, dtype=tk.float32)
    tk.nn.static_rnn(cell, xs, dtype=tk.float32, scope="other")
    assert len(tk.global_variables()) == 2
    with pytest.raises(ValueError, match="rnn/basic_lstm_cell/kernel already exists"):
        tk.nn.static_rnn(R.BasicLSTMCell(4), xs, dtype=tk.float32)
    with tk.variable_scope(tk.get_variable_scope(), reuse=True):
        tk.nn.static_rnn(R.BasicLSTMCell(4), xs, dtype=tk.float32)
    assert len(tk.global_variables()) == 2


def test_static_rnn_bad_inputs_raise():
    x = tk.placeholder(tk.float32, [2, 3])
    cell = R.BasicRNNCell(2)
    with pytest.raises(TypeError, match="sequence"):
        tk.nn.static_rnn(cell, x, dtype=tk.float32)
    with pytest.raises(ValueError, match="must not be empty"):
        tk.nn.static_rnn(cell, [], dtype=tk.float32)
    with pytest.raises(ValueError, match="dtype must be specified"):
        tk.nn.static_rnn(cell, [x])
    with pytest.raises(ValueError, match="Input size"):
        tk.nn.static_rnn(cell, [tk.placeholder(tk.float32, [2, None])], dtype=tk.float32)
    with pytest.raises(ValueError, match="vector"):
        tk.nn.static_rnn(cell, [x], dtype=tk.float32, sequence_length=[[1, 2]])
    with pytest.raises(TypeError, match="RNNCell"):
        tk.nn.static_rnn(lambda a, b: a, [x], dtype=tk.float32)


def test_static_rnn_with_unknown_batch_and_initial_state():
    x = tk.placeholder(tk.float32, [None, 3])
    cell = R.GRUCell(2)
    init = tk.placeholder(tk.float32, [None, 2])
    outs, st = tk.nn.static_rnn(cell, [x, x], initial_state=init)
    lengths = tk.placeholder(tk.int32, [None])
    outs2, st2 = tk.nn.static_rnn(cell, [x, x], initial_state=init, sequence_length=lengths)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        feed = {x: np.ones((4, 3)), init: np.full((4, 2), 0.5), lengths: [0, 1, 2, 2]}
        a, b, a2, b2 = sess.run((outs, st, outs2, st2), feed)
    np.testing.assert_allclose(b2[0], 0.5)                   # length 0: state copied
    np.testing.assert_allclose(a2[1][1], 0.0)                # past the end: zero output
    np.testing.assert_allclose(b2[2:], b[2:], rtol=1e-6)


def test_lstm_trains_under_monitored_session_and_checkpoints(tmp_path):
    rng = np.random.default_rng(3)
    data = rng.normal(size=(8, 4, 2)).astype(np.float32)
    target = data.sum(axis=(1, 2))[:, None].astype(np.float32)
    xs = tk.unstack(tk.constant(data), axis=1)
    outs, _ = tk.nn.static_rnn(R.MultiRNNCell([R.BasicLSTMCell(8), R.BasicLSTMCell(8)]),
                               xs, dtype=tk.float32)
    pred = tk.layers.dense(outs[-1], 1)
    loss = tk.reduce_mean(tk.square(pred - target))
    gs = tk.train.get_or_create_global_step()
    train = tk.train.AdamOptimizer(0.02).minimize(loss, global_step=gs)
    losses = []
    with tk.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                           hooks=[tk.train.StopAtStepHook(last_step=60)],
                                           save_summaries_steps=None) as sess:
        while not sess.should_stop():
            _, lv = sess.run([train, loss])
            losses.append(lv)
    assert losses[-1] < 0.5 * losses[0]
    ckpt = tk.train.latest_checkpoint(str(tmp_path))
    names = {n for n, _ in tk.train.list_variables(ckpt)}
    assert "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel" in names
    assert "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias/Adam_1" in names


def test_cell_and_bidirectional_bad_arguments():
    x = tk.placeholder(tk.float32, [2, 3])
    cell = R.GRUCell(2)
    with pytest.raises(TypeError, match="scope must be a string"):
        cell(x, tk.zeros([2, 2]), scope=3)
    with pytest.raises(TypeError, match="RNNCell"):
        tk.nn.static_bidirectional_rnn(cell, "cell", [x], dtype=tk.float32)
    with pytest.raises(TypeError, match="integer vector"):
        tk.nn.static_rnn(R.GRUCell(2), [x], dtype=tk.float32, sequence_length=[1.5, 2.0])
    with pytest.raises(TypeError, match="callable"):
        R.DropoutWrapper(R.GRUCell(2), dropout_state_filter_visitor=3)
    with pytest.raises(TypeError, match="residual_fn"):
        R.ResidualWrapper(R.GRUCell(2), residual_fn=3)


def test_dropout_state_filter_visitor_structures():
    """A visitor returning a structure picks state parts: drop only layer 1's state."""
    cells = R.MultiRNNCell([R.BasicRNNCell(40), R.BasicRNNCell(40)])
    wrapped = R.DropoutWrapper(cells, state_keep_prob=0.5,
                               dropout_state_filter_visitor=lambda s: (
                                   (False, True) if isinstance(s, tuple) else True))
    x = tk.ones([30, 4])
    _, state = wrapped(x, wrapped.zero_state(30, tk.float32))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        s0, s1 = sess.run(state)
    assert np.mean(s0 == 0) < 0.01 and 0.35 < np.mean(s1 == 0) < 0.65
    bad = R.DropoutWrapper(cells, state_keep_prob=0.5,
                           dropout_state_filter_visitor=lambda s: (True,))
    with pytest.raises(ValueError, match="does not match"):
        bad(x, bad.zero_state(30, tk.float32))


def _unstacked_run(x_np, axis, order):
    """Outputs, final state and the gradients (x and weights) of a static_rnn over
    ``unstack(x, axis)`` (steps taken in ``order``), and the op feeding LSTMSequence."""
    graph = tk.Graph()
    with graph.as_default():
        x = tk.constant(x_np)
        steps = tk.unstack(x, axis=axis)
        outs, state = tk.nn.static_rnn(R.BasicLSTMCell(N), [steps[t] for t in order],
                                       dtype=tk.float64)
        loss = tk.reduce_sum(tk.sin(tk.stack(outs, 1))) + tk.reduce_sum(state.c)
        grads = tk.gradients(loss, [x] + tk.trainable_variables())
        (seq,) = [op for op in graph.get_operations() if op.type == "LSTMSequence"]
        rng = np.random.default_rng(6)  # the same weights in both graphs
        sets = [tk.assign(v, rng.normal(size=v.shape.as_list()))
                for v in tk.trainable_variables()]
        with tk.Session() as sess:
            sess.run(sets)
            return sess.run([outs, state, grads]), seq.inputs[0]


@pytest.mark.parametrize("axis,shape", [(1, (3, 4, 2)), (1, (4, 4, 2)), (0, (4, 3, 2))])
def test_unstacked_inputs_feed_the_sequence_without_per_step_copies(axis, shape):
    """``static_rnn(cell, unstack(x, axis))``: the fused op reads ``x`` (transposed for
    axis 1) instead of restacking the steps; values and gradients (also ``dx``) are
    bitwise those of the general path (the same steps, restacked)."""
    x_np = np.random.default_rng(5).normal(size=shape)
    steps = shape[axis]
    got, fed = _unstacked_run(x_np, axis, range(steps))
    assert fed.op.type == ("Transpose" if axis else "Const")
    # a permuted copy of the steps takes the general path: stack, then reorder back
    perm = [1, 0, 3, 2] if steps == 4 else None
    want, fed2 = _unstacked_run(x_np.swapaxes(0, axis)[perm].swapaxes(0, axis), axis, perm)
    assert fed2.op.type == "Pack"
    for a, b in zip(tk.nest.flatten(got[:2]), tk.nest.flatten(want[:2])):
        np.testing.assert_array_equal(a, b)
    dx_want = want[2][0].swapaxes(0, axis)[perm].swapaxes(0, axis)
    np.testing.assert_array_equal(got[2][0], dx_want)
    for a, b in zip(got[2][1:], want[2][1:]):
        np.testing.assert_array_equal(a, b)
