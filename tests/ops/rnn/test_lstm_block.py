"""The fused LSTM step (``LSTMBlock``) and sequence (``LSTMSequence``) against the same
cells built op by op.

``BasicLSTMCell`` and ``LSTMCell`` with the default ``tanh`` build one ``LSTMBlock`` op
per step (one ``LSTMSequence`` for a whole ``static_rnn``/``dynamic_rnn``, with or
without ``sequence_length``; per step with a projection); any other activation (here
``lambda x: tk.tanh(x)``, the same function) builds the equations op by op, which
``test_rnn_tf1_numbers.py`` checks against TF1. Per step, forward values agree bitwise
(same operations in the same order); the sequence op splits each step's product in two
(``x_t w[:D]`` for blocks of steps at once), makes its sigmoids from one ``tanh`` and
regroups the gradients: those agree to a tight tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.rnn import rnn_reference as ref

R = tk.nn.rnn_cell
T, B, D, N = 5, 3, 4, 6


def _unfused(x):
    return tk.tanh(x)


CELLS = {
    "basic": lambda act: R.BasicLSTMCell(N, forget_bias=0.7, activation=act),
    "lstm_plain": lambda act: R.LSTMCell(N, forget_bias=0.3, activation=act),
    "lstm_peep_clip_proj": lambda act: R.LSTMCell(N, use_peepholes=True, cell_clip=0.6,
                                                  num_proj=4, proj_clip=0.9,
                                                  activation=act),
    "basic_concat_state": lambda act: R.BasicLSTMCell(N, state_is_tuple=False,
                                                      activation=act),
    "multi": lambda act: R.MultiRNNCell([R.BasicLSTMCell(N, activation=act),
                                         R.LSTMCell(3, use_peepholes=True, activation=act)]),
}


def _run(cell_name, fused, kind, dtype):
    """Outputs, final state and the gradients of a loss w.r.t. inputs and variables."""
    rng = np.random.default_rng(3)
    graph = tk.Graph()
    with graph.as_default():
        tk.set_random_seed(1)
        x = tk.constant(rng.normal(size=(B, T, D)), dtype)
        cell = CELLS[cell_name](None if fused else _unfused)
        if kind.startswith("static"):
            lengths = [T, 2, 0] if kind == "static_lengths" else None
            outs, state = tk.nn.static_rnn(cell, tk.unstack(x, axis=1), dtype=dtype,
                                           sequence_length=lengths)
            out = tk.stack(outs, 1)
        elif kind == "dynamic":
            out, state = tk.nn.dynamic_rnn(cell, x, dtype=dtype)
        else:
            out, state = tk.nn.dynamic_rnn(cell, x, dtype=dtype,
                                           sequence_length=[T, 2, 3])
        loss = tk.reduce_sum(tk.square(out - 0.3)) + tk.reduce_sum(
            tk.nest.flatten(state)[0] * 0.5)
        variables = tk.trainable_variables()
        grads = tk.gradients(loss, [x] + variables)
        types = {op.type for op in graph.get_operations()}
        assert bool({"LSTMBlock", "LSTMSequence"} & types) is fused
        whole = fused and cell_name != "lstm_peep_clip_proj"
        assert ("LSTMSequence" in types) is whole
        wrng = np.random.default_rng(5)  # the same weights for both graphs, by name
        assigns = [tk.assign(v, wrng.uniform(-0.5, 0.5, v.shape.as_list()))
                   for v in sorted(variables, key=lambda v: v.op.name)]
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(assigns)
            got = sess.run([out, tk.nest.flatten(state), grads])
    return [v.op.name for v in variables], got


@pytest.mark.parametrize("kind", ["static", "static_lengths", "dynamic", "dynamic_lengths"])
@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fused_cell_matches_the_equations_op_by_op(cell_name, kind, dtype):
    dtype = getattr(tk, dtype)
    names_f, (out_f, state_f, grads_f) = _run(cell_name, True, kind, dtype)
    names_u, (out_u, state_u, grads_u) = _run(cell_name, False, kind, dtype)
    assert names_f == names_u  # TF1's variable names either way
    rtol = 1e-12 if dtype is tk.float64 else 2e-5
    if cell_name == "lstm_peep_clip_proj":  # one LSTMBlock per step: the same operations
        np.testing.assert_array_equal(out_f, out_u)
    np.testing.assert_allclose(out_f, out_u, rtol=rtol, atol=rtol)
    for a, b in zip(state_f, state_u):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    for name, a, b in zip(["x"] + names_f, grads_f, grads_u):
        scale = np.max(np.abs(b))
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=name)


def test_fused_basic_lstm_gradients_match_numpy_backprop():
    """One step's gradients against a hand-written NumPy backward pass."""
    rng = np.random.default_rng(4)
    x, c, h = rng.normal(size=(B, D)), rng.normal(size=(B, N)), rng.normal(size=(B, N))
    kernel, bias = rng.normal(size=(D + N, 4 * N)) * 0.5, rng.normal(size=4 * N) * 0.1
    gc, gh = rng.normal(size=(B, N)), rng.normal(size=(B, N))
    from trainkit.ops.rnn.lstm_block import lstm_block

    ts = [tk.constant(v) for v in (x, c, h, kernel, bias)]
    _, cs, _, _, _, _, hh = lstm_block(*ts, forget_bias=1.0)
    grads = tk.gradients([cs, hh], ts, grad_ys=[tk.constant(gc), tk.constant(gh)])
    with tk.Session() as sess:
        got_cs, got_h, got = sess.run([cs, hh, grads])
    _, (want_c, want_h) = ref.basic_lstm(x, c, h, kernel, bias)
    np.testing.assert_allclose(got_cs, want_c, rtol=1e-13)
    np.testing.assert_allclose(got_h, want_h, rtol=1e-13)
    # NumPy backward of the same equations
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    z = np.concatenate([x, h], 1) @ kernel + bias
    zi, zj, zf, zo = np.split(z, 4, axis=1)
    i, j, f, o = sig(zi), np.tanh(zj), sig(zf + 1.0), sig(zo)
    cs_ = c * f + i * j
    co = np.tanh(cs_)
    dcs = gc + gh * o * (1 - co ** 2)
    dz = np.concatenate([dcs * j * i * (1 - i), dcs * i * (1 - j ** 2),
                         dcs * c * f * (1 - f), gh * co * o * (1 - o)], 1)
    dxh = dz @ kernel.T
    want = [dxh[:, :D], dcs * f, dxh[:, D:], np.concatenate([x, h], 1).T @ dz, dz.sum(0)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


def test_lstm_block_rejects_partial_peepholes_and_mixed_dtypes():
    from trainkit.ops.rnn.lstm_block import lstm_block

    x, c = tk.zeros([2, 3]), tk.zeros([2, 4])
    w, b = tk.zeros([7, 16]), tk.zeros([16])
    with pytest.raises(ValueError, match="peephole"):
        lstm_block(x, c, c, w, b, tk.zeros([4]))
    with pytest.raises(TypeError, match="dtype"):
        lstm_block(x, c, tk.zeros([2, 4], tk.float64), w, b)
    with pytest.raises(ValueError, match="columns"):
        lstm_block(x, c, c, tk.zeros([7, 12]), b)
