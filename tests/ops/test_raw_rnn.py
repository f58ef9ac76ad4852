"""``tk.nn.raw_rnn``: TF1's documented dynamic_rnn emulation against ``dynamic_rnn`` with
the same cell, finished rows, a loop state and an emit structure, finite-difference
gradients, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient


def _emulate(cell, x, lengths, emit_fn=None, loop_state0=None, loop_update=None):
    t_max, batch, depth = x.shape.as_list()
    inputs_ta = tk.TensorArray(tk.float64, size=t_max).unstack(x)

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            state = cell.zero_state(batch, tk.float64)
            emit = None if emit_fn is None else emit_fn(tk.zeros([batch, 3], tk.float64))
            new_loop = loop_state0
        else:
            state = cell_state
            emit = cell_output if emit_fn is None else emit_fn(cell_output)
            new_loop = None if loop_update is None else loop_update(loop_state, cell_output)
        done = time >= lengths
        nxt = tk.cond(tk.reduce_all(done), lambda: tk.zeros([batch, depth], tk.float64),
                      lambda: inputs_ta.read(tk.minimum(time, t_max - 1)))
        return done, nxt, state, emit, new_loop

    return tk.nn.raw_rnn(cell, loop_fn)


def test_raw_rnn_matches_dynamic_rnn():
    rs = np.random.RandomState(0)
    xv, lens = rs.randn(5, 3, 2), np.array([2, 5, 3], np.int32)
    with tk.Graph().as_default():
        x = tk.constant(xv)
        cell = tk.nn.rnn_cell.BasicRNNCell(3)
        emit_ta, state, loop_state = _emulate(cell, x, tk.constant(lens))
        assert loop_state is None
        out = emit_ta.stack()
        assert [v.op.name for v in tk.global_variables()] == ["rnn/basic_rnn_cell/kernel",
                                                              "rnn/basic_rnn_cell/bias"]
        d_out, d_state = tk.nn.dynamic_rnn(cell, x, sequence_length=lens, time_major=True,
                                           dtype=tk.float64)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got, got_state, want, want_state = s.run([out, state, d_out, d_state])
    assert got.shape == (5, 3, 3)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-12)


def test_raw_rnn_stops_when_all_rows_finish_and_carries_loop_state():
    rs = np.random.RandomState(1)
    xv = rs.randn(6, 2, 2)
    with tk.Graph().as_default():
        cell = tk.nn.rnn_cell.BasicLSTMCell(3)
        emit_ta, state, steps = _emulate(
            cell, tk.constant(xv), tk.constant([1, 3]),
            emit_fn=lambda o: (o, tk.reduce_sum(o, 1, keepdims=True)),
            loop_state0=tk.constant(0.0, tk.float64),
            loop_update=lambda ls, o: ls + 1.0)
        assert isinstance(state, tk.nn.rnn_cell.LSTMStateTuple)
        outs = [ta.stack() for ta in emit_ta]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            o, osum, n = s.run([outs[0], outs[1], steps])
    assert o.shape == (3, 2, 3) and osum.shape == (3, 2, 1) and n == 3.0
    np.testing.assert_array_equal(o[1:, 0], 0.0)       # row 0 finished after one step
    np.testing.assert_allclose(osum[..., 0], o.sum(2), rtol=1e-12)


def test_raw_rnn_gradients_finite_differences():
    rs = np.random.RandomState(2)
    xv, wsum = rs.randn(4, 2, 2), rs.uniform(0.5, 1.5, (4, 2, 3))
    with tk.Graph().as_default():
        x = tk.placeholder(tk.float64, [4, 2, 2])
        emit_ta, _, _ = _emulate(tk.nn.rnn_cell.BasicRNNCell(3), x, tk.constant([4, 2]))
        loss = tk.reduce_sum(emit_ta.stack() * wsum)
        kernel = tk.global_variables()[0]
        gx, gk = tk.gradients(loss, [x, kernel])
        new = tk.placeholder(tk.float64, kernel.shape)
        assign = tk.assign(kernel, new)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            k0 = s.run(kernel)
            got_x, got_k = s.run([gx, gk], {x: xv})

            def f(vals):
                s.run(assign, {new: vals[1]})
                return float(s.run(loss, {x: vals[0]}))

            np.testing.assert_allclose(got_x, numeric_gradient(f, [xv, k0], 0), rtol=1e-6,
                                       atol=1e-9)
            np.testing.assert_allclose(got_k, numeric_gradient(f, [xv, k0], 1), rtol=1e-6,
                                       atol=1e-9)


def test_raw_rnn_errors():
    cell = tk.nn.rnn_cell.BasicRNNCell(2)
    with pytest.raises(TypeError, match="loop_fn must be a callable"):
        tk.nn.raw_rnn(cell, None)
    with pytest.raises(TypeError, match="not an RNNCell"):
        tk.nn.raw_rnn(object(), lambda *a: None)

    def bad_state(time, out, state, loop_state):
        return tk.constant([False]), tk.zeros([1, 2]), (tk.zeros([1, 2]),) * 2, None, None

    with pytest.raises(ValueError, match="initial state"):
        tk.nn.raw_rnn(cell, bad_state)

    def bad_finished(time, out, state, loop_state):
        return tk.constant([0]), tk.zeros([1, 2]), tk.zeros([1, 2]), None, None

    with pytest.raises(TypeError, match="finished must be a bool"):
        tk.nn.raw_rnn(cell, bad_finished)
