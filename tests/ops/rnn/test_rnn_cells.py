"""Each RNN cell against a NumPy reference of TF1's equations, and its gradients against
finite differences (weights fed through a custom getter, so they are differentiable
inputs)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.ops.rnn import rnn_reference as ref

R = tk.nn.rnn_cell
B, D, N = 3, 2, 4


def _weights_getter(params):
    """A custom getter handing out the given tensors by their name inside the cell."""
    def getter(next_getter, name, *args, **kwargs):
        for key, t in sorted(params.items(), key=lambda kv: -len(kv[0])):
            if name.endswith("/" + key):
                return t
        raise KeyError(name)
    return getter


def _run_cell(make_cell, x, state, params):
    """Runs one step of a float64 cell whose weights are the given arrays."""
    tensors = {k: tk.constant(v) for k, v in params.items()}
    with tk.variable_scope("w", custom_getter=_weights_getter(tensors)):
        out, new_state = make_cell()(tk.constant(x), tk.nest.map_structure(tk.constant, state))
    with tk.Session() as sess:
        return sess.run((out, new_state))


def _rand(rng, *shape):
    return rng.normal(0, 0.7, shape)


def test_basic_rnn_cell_matches_numpy():
    rng = np.random.default_rng(0)
    x, h = _rand(rng, B, D), _rand(rng, B, N)
    p = {"kernel": _rand(rng, D + N, N), "bias": _rand(rng, N)}
    out, st = _run_cell(lambda: R.BasicRNNCell(N), x, h, p)
    want, _ = ref.basic_rnn(x, h, p["kernel"], p["bias"])
    np.testing.assert_allclose(out, want, rtol=1e-12)
    np.testing.assert_allclose(st, want, rtol=1e-12)


@pytest.mark.parametrize("forget_bias", [1.0, 0.0, 2.5])
def test_basic_lstm_cell_matches_numpy(forget_bias):
    rng = np.random.default_rng(1)
    x, c, h = _rand(rng, B, D), _rand(rng, B, N), _rand(rng, B, N)
    p = {"kernel": _rand(rng, D + N, 4 * N), "bias": _rand(rng, 4 * N)}
    out, st = _run_cell(lambda: R.BasicLSTMCell(N, forget_bias=forget_bias), x,
                        R.LSTMStateTuple(c, h), p)
    want, (wc, wh) = ref.basic_lstm(x, c, h, p["kernel"], p["bias"], forget_bias)
    assert isinstance(st, R.LSTMStateTuple)
    np.testing.assert_allclose(out, want, rtol=1e-12)
    np.testing.assert_allclose(st.c, wc, rtol=1e-12)
    np.testing.assert_allclose(st.h, wh, rtol=1e-12)


def test_basic_lstm_concatenated_state_and_activation():
    rng = np.random.default_rng(2)
    x, c, h = _rand(rng, B, D), _rand(rng, B, N), _rand(rng, B, N)
    p = {"kernel": _rand(rng, D + N, 4 * N), "bias": _rand(rng, 4 * N)}
    out, st = _run_cell(lambda: R.BasicLSTMCell(N, state_is_tuple=False,
                                                activation=tk.nn.relu),
                        x, np.concatenate([c, h], 1), p)
    want, (wc, wh) = ref.basic_lstm(x, c, h, p["kernel"], p["bias"],
                                    act=lambda v: np.maximum(v, 0))
    np.testing.assert_allclose(out, want, rtol=1e-12)
    np.testing.assert_allclose(st, np.concatenate([wc, wh], 1), rtol=1e-12)


@pytest.mark.parametrize("peep,proj,cell_clip,proj_clip", [
    (False, None, None, None), (True, None, None, None), (True, 3, 0.3, None),
    (False, 2, None, 0.1)])
def test_lstm_cell_matches_numpy(peep, proj, cell_clip, proj_clip):
    rng = np.random.default_rng(3)
    m = proj or N
    x, c, h = _rand(rng, B, D), _rand(rng, B, N), _rand(rng, B, m)
    p = {"kernel": _rand(rng, D + m, 4 * N), "bias": _rand(rng, 4 * N)}
    if peep:
        p.update(w_f_diag=_rand(rng, N), w_i_diag=_rand(rng, N), w_o_diag=_rand(rng, N))
    if proj:
        p["projection/kernel"] = _rand(rng, N, proj)
    out, st = _run_cell(lambda: R.LSTMCell(N, use_peepholes=peep, num_proj=proj,
                                           cell_clip=cell_clip, proj_clip=proj_clip,
                                           forget_bias=0.5),
                        x, R.LSTMStateTuple(c, h), p)
    want, (wc, wm) = ref.lstm(x, c, h, p, 0.5, peep, cell_clip, proj_clip)
    np.testing.assert_allclose(out, want, rtol=1e-12)
    np.testing.assert_allclose(st.c, wc, rtol=1e-12)
    np.testing.assert_allclose(st.h, wm, rtol=1e-12)
    if cell_clip:
        assert np.abs(st.c).max() <= cell_clip
    if proj_clip:
        assert np.abs(out).max() <= proj_clip


def test_gru_cell_matches_numpy():
    rng = np.random.default_rng(4)
    x, h = _rand(rng, B, D), _rand(rng, B, N)
    p = {"gates/kernel": _rand(rng, D + N, 2 * N), "gates/bias": _rand(rng, 2 * N),
         "candidate/kernel": _rand(rng, D + N, N), "candidate/bias": _rand(rng, N)}
    out, st = _run_cell(lambda: R.GRUCell(N), x, h, p)
    want, _ = ref.gru(x, h, p)
    np.testing.assert_allclose(out, want, rtol=1e-12)
    np.testing.assert_allclose(st, want, rtol=1e-12)


def _grad_fn(make_cell, names, state_fn):
    """fn(x, *state parts, *weights) -> concat(output, flattened new state)."""
    def fn(x, *rest):
        k = len(rest) - len(names)
        state = state_fn(rest[:k])
        getter = _weights_getter(dict(zip(names, rest[k:])))
        with tk.variable_scope("g", custom_getter=getter):
            out, new = make_cell()(x, state)
        return tk.concat([out] + tk.nest.flatten(new), 1)
    return fn


def test_cell_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    x = _rand(rng, 2, D)
    c, h = _rand(rng, 2, 3), _rand(rng, 2, 3)
    check_grad(_grad_fn(lambda: R.BasicRNNCell(3), ["kernel", "bias"], lambda s: s[0]),
               x, h, _rand(rng, D + 3, 3), _rand(rng, 3))
    check_grad(_grad_fn(lambda: R.BasicLSTMCell(3), ["kernel", "bias"],
                        lambda s: R.LSTMStateTuple(*s)),
               x, c, h, _rand(rng, D + 3, 12), _rand(rng, 12))
    check_grad(_grad_fn(lambda: R.GRUCell(3), ["gates/kernel", "gates/bias",
                                               "candidate/kernel", "candidate/bias"],
                        lambda s: s[0]),
               x, h, _rand(rng, D + 3, 6), _rand(rng, 6), _rand(rng, D + 3, 3),
               _rand(rng, 3))
    m = _rand(rng, 2, 2)
    check_grad(_grad_fn(lambda: R.LSTMCell(3, use_peepholes=True, num_proj=2),
                        ["kernel", "bias", "w_f_diag", "w_i_diag", "w_o_diag",
                         "projection/kernel"], lambda s: R.LSTMStateTuple(*s)),
               x, c, m, _rand(rng, D + 2, 12), _rand(rng, 12), _rand(rng, 3),
               _rand(rng, 3), _rand(rng, 3), _rand(rng, 3, 2))


def test_variables_initial_values_follow_tf1():
    x = tk.placeholder(tk.float32, [2, 3])
    lstm = R.BasicLSTMCell(4)
    lstm(x, lstm.zero_state(2, tk.float32))
    gru = R.GRUCell(4)
    gru(x, gru.zero_state(2, tk.float32))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(lstm.variables[1]), np.zeros(16))
        gb, cb = sess.run([gru.variables[1], gru.variables[3]])
    np.testing.assert_array_equal(gb, np.ones(8))
    np.testing.assert_array_equal(cb, np.zeros(4))
    assert [v.op.name for v in gru.variables] == [
        "gru_cell/gates/kernel", "gru_cell/gates/bias", "gru_cell/candidate/kernel",
        "gru_cell/candidate/bias"]


def test_zero_state_shapes_and_dynamic_batch():
    cell = R.MultiRNNCell([R.BasicLSTMCell(3), R.GRUCell(2)])
    assert cell.state_size == (R.LSTMStateTuple(3, 3), 2)
    assert cell.output_size == 2
    b = tk.placeholder(tk.int32, [])
    zs = cell.zero_state(b, tk.float64)
    assert zs[0].c.shape.as_list() == [None, 3]
    with tk.Session() as sess:
        v = sess.run(zs, {b: 5})
    assert v[0].h.shape == (5, 3) and v[1].shape == (5, 2) and v[1].dtype == np.float64
    assert not np.any(v[0].c)


def test_bad_constructor_arguments_raise():
    with pytest.raises(ValueError, match="num_units"):
        R.BasicLSTMCell(0)
    with pytest.raises(ValueError, match="num_units"):
        R.GRUCell(2.5)
    with pytest.raises(ValueError, match="num_proj"):
        R.LSTMCell(3, num_proj=-1)
    with pytest.raises(ValueError, match="cell_clip"):
        R.LSTMCell(3, cell_clip=-1.0)
    with pytest.raises(TypeError, match="activation"):
        R.BasicRNNCell(3, activation="tanh!")
    with pytest.raises(TypeError, match="unexpected"):
        R.BasicRNNCell(3, bogus=1)


def test_unknown_input_depth_raises_when_built():
    x = tk.placeholder(tk.float32, [2, None])
    cell = R.BasicLSTMCell(3)
    with pytest.raises(ValueError, match="inputs.shape\\[-1\\] to be known"):
        cell(x, cell.zero_state(2, tk.float32))


def test_user_subclass_with_call_and_sizes():
    class Doubler(R.RNNCell):
        @property
        def state_size(self):
            return 2

        @property
        def output_size(self):
            return 2

        def build(self, shape):
            self.w = self.add_variable("w", [2], initializer=tk.ones_initializer())

        def call(self, inputs, state):
            new = inputs * self.w + state
            return new * 2.0, new

    xs = [tk.constant([[1.0, 2.0]]), tk.constant([[3.0, 4.0]])]
    outs, st = tk.nn.static_rnn(Doubler(), xs, dtype=tk.float32)
    assert [v.op.name for v in tk.global_variables()] == ["rnn/doubler/w"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        o, s = sess.run((outs, st))
    np.testing.assert_allclose(o[1], [[8.0, 12.0]])
    np.testing.assert_allclose(s, [[4.0, 6.0]])


def test_second_derivatives_through_an_lstm_cell():
    """TF1's BasicLSTMCell is built from differentiable ops: d/dx of a gradient works."""
    rng = np.random.default_rng(6)
    weights = {"kernel": rng.normal(size=(5, 8)), "bias": rng.normal(size=8)}

    def fn(x):
        getter = _weights_getter({k: tk.constant(v) for k, v in weights.items()})
        with tk.variable_scope("w", custom_getter=getter):
            cell = R.BasicLSTMCell(2)
            out, _ = cell(x, cell.zero_state(2, tk.float64))
        (gx,) = tk.gradients(tk.reduce_sum(tk.square(out)), [x])
        return gx
    check_grad(fn, rng.normal(size=(2, 3)), rtol=1e-5, atol=1e-7)


def test_lstm_cell_initializer_applies_to_kernel_peepholes_and_projection():
    cell = R.LSTMCell(3, use_peepholes=True, num_proj=2,
                      initializer=tk.constant_initializer(0.5))
    cell(tk.zeros([1, 4]), cell.zero_state(1, tk.float32))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        values = dict(zip([v.op.name for v in cell.variables], sess.run(cell.variables)))
    for name, v in values.items():
        want = 0.0 if name.endswith("bias") else 0.5
        np.testing.assert_array_equal(v, np.full(v.shape, want), err_msg=name)
    assert values["lstm_cell/projection/kernel"].shape == (3, 2)
