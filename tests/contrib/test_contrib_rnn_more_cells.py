"""TF 1.15's contrib wrappers and smaller cells (``HighwayWrapper``,
``AttentionCellWrapper``, ``Conv2DLSTMCell``, ``IndRNNCell``, ``SRUCell``, ``UGRNNCell``,
``CoupledInputForgetGateLSTMCell``, ``NASCell``) over a few ``dynamic_rnn`` steps with
sequence lengths, against NumPy references of TF 1.15's equations (``rnn_reference.py``,
written from ``tensorflow/contrib/rnn/python/ops/rnn_cell.py``); their variable names and
shapes; finite-difference gradients; typed errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.contrib import rnn_reference as ref

C = tk.contrib.rnn
B, T, D = 3, 4, 3
LENGTHS = [4, 2, 1]


def _run(make_cell, xs, lengths=LENGTHS, seed=0, scale=0.6):
    """dynamic_rnn with fixed random variable values: ``(out, state, {name: value},
    [(name, shape)])`` (names without the leading ``rnn/``)."""
    rng = np.random.default_rng(seed)
    with tk.Graph().as_default():
        cell = make_cell()
        out, state = tk.nn.dynamic_rnn(cell, tk.constant(xs), sequence_length=lengths,
                                       dtype=tk.float64)
        variables = tk.global_variables()
        assert set(cell.variables) == set(variables)
        with tk.Session() as sess:
            vals = {}
            for v in variables:
                vals[v.op.name[4:]] = rng.normal(0, scale, v.shape.as_list())
                v.load(vals[v.op.name[4:]], sess)
            got = sess.run((out, state))
    return got[0], got[1], vals, [(v.op.name[4:], v.shape.as_list()) for v in variables]


def _sub(vals, prefix):
    return {k[len(prefix) + 1:]: v for k, v in vals.items() if k.startswith(prefix + "/")}


def _close(got, want):
    for g, w in zip(tk.nest.flatten(got), tk.nest.flatten(want)):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def _xs(seed, shape=(B, T, D)):
    return np.random.default_rng(seed).normal(size=shape)


# -- HighwayWrapper ---------------------------------------------------------------------
@pytest.mark.parametrize("coupled", [True, False])
def test_highway_wrapper_matches_numpy(coupled):
    xs = _xs(1)
    out, st, p, names = _run(
        lambda: C.HighwayWrapper(C.GRUBlockCellV2(D), couple_carry_transform_gates=coupled),
        xs)
    extra = [] if coupled else [("transform_w", [3, 3]), ("transform_b", [3])]
    assert names == [("gru_cell/gates/kernel", [6, 6]), ("gru_cell/gates/bias", [6]),
                     ("gru_cell/candidate/kernel", [6, 3]), ("gru_cell/candidate/bias", [3]),
                     ("carry_w", [3, 3]), ("carry_b", [3])] + extra
    g = _sub(p, "gru_cell")

    def step(x, h):
        out, new = ref.gru_block(x, h, g["gates/kernel"], g["gates/bias"],
                                 g["candidate/kernel"], g["candidate/bias"])
        return ref.highway(x, out, p, coupled), new
    want, wst = ref.unroll(step, xs, np.zeros((B, D)), LENGTHS)
    _close(out, want)
    _close(st, wst)


def test_highway_initial_biases_and_errors():
    with tk.Graph().as_default():
        cell = C.HighwayWrapper(C.SRUCell(2), couple_carry_transform_gates=False,
                                carry_bias_init=0.5)
        cell(tk.zeros([1, 2]), cell.zero_state(1, tk.float32))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            vals = {v.op.name: sess.run(v) for v in tk.global_variables()}
    np.testing.assert_array_equal(vals["carry_b"], np.float32([0.5, 0.5]))
    np.testing.assert_array_equal(vals["transform_b"], np.float32([-0.5, -0.5]))
    with pytest.raises(TypeError):
        C.HighwayWrapper("not a cell")
    with tk.Graph().as_default():
        cell = C.HighwayWrapper(C.SRUCell(3))
        with pytest.raises(ValueError, match="not compatible"):
            cell(tk.zeros([1, 2]), cell.zero_state(1, tk.float32))


# -- AttentionCellWrapper ---------------------------------------------------------------
def test_attention_cell_wrapper_matches_numpy():
    xs = _xs(2)
    out, st, p, names = _run(lambda: C.AttentionCellWrapper(C.LSTMBlockCell(4), 3,
                                                            attn_vec_size=2), xs, scale=0.5)
    a = "attention_cell_wrapper"
    assert names == [(f"{a}/kernel", [7, 3]), (f"{a}/bias", [3]),
                     (f"{a}/lstm_cell/kernel", [7, 16]), (f"{a}/lstm_cell/bias", [16]),
                     (f"{a}/attention/attn_w", [1, 1, 4, 2]), (f"{a}/attention/attn_v", [2]),
                     (f"{a}/attention/kernel", [8, 2]), (f"{a}/attention/bias", [2]),
                     (f"{a}/attn_output_projection/kernel", [8, 4]),
                     (f"{a}/attn_output_projection/bias", [4])]
    pa = _sub(p, a)
    lstm = _sub(pa, "lstm_cell")
    state0 = ((np.zeros((B, 4)), np.zeros((B, 4))), np.zeros((B, 4)), np.zeros((B, 12)))
    want, wst = ref.unroll(
        lambda x, s: ref.attention_wrapper(lambda v, cs: ref.lstm_block(v, cs, lstm), x, s,
                                           pa, 3), xs, state0, LENGTHS)
    _close(out, want)
    _close(st, wst)


def test_attention_cell_wrapper_concatenated_state_and_errors():
    xs = _xs(3)
    out, st, p, _ = _run(lambda: C.AttentionCellWrapper(C.IndRNNCell(2), 2,
                                                        state_is_tuple=False), xs)
    pa = _sub(p, "attention_cell_wrapper")
    ind = _sub(pa, "ind_rnn_cell")

    def step(x, s):
        o, (cs, at, win) = ref.attention_wrapper(lambda v, h: ref.indrnn(v, h, ind), x,
                                                 (s[:, :2], s[:, 2:4], s[:, 4:]), pa, 2)
        return o, np.concatenate([cs, at, win], 1)
    want, wst = ref.unroll(step, xs, np.zeros((B, 8)), LENGTHS)
    assert st.shape == (B, 8)
    _close(out, want)
    _close(st, wst)
    with pytest.raises(ValueError, match="state_is_tuple is not set"):
        C.AttentionCellWrapper(C.LSTMBlockCell(2), 2, state_is_tuple=False)
    with pytest.raises(ValueError, match="attn_length should be greater than zero"):
        C.AttentionCellWrapper(C.SRUCell(2), 0)
    with pytest.raises(TypeError):
        C.AttentionCellWrapper(object(), 2)


# -- the smaller cells ------------------------------------------------------------------
def test_ugrnn_sru_indrnn_match_numpy():
    xs = _xs(4)
    out, st, p, names = _run(lambda: C.UGRNNCell(2, forget_bias=0.4), xs)
    assert names == [("ugrnn_cell/kernel", [5, 4]), ("ugrnn_cell/bias", [4])]
    want, wst = ref.unroll(lambda x, h: ref.ugrnn(x, h, _sub(p, "ugrnn_cell"), 0.4), xs,
                           np.zeros((B, 2)), LENGTHS)
    _close((out, st), (want, wst))
    out, st, p, names = _run(lambda: C.SRUCell(3), xs)
    assert names == [("sru_cell/kernel", [3, 12]), ("sru_cell/bias", [6])]
    want, wst = ref.unroll(lambda x, c: ref.sru(x, c, _sub(p, "sru_cell")), xs,
                           np.zeros((B, 3)), LENGTHS)
    _close((out, st), (want, wst))
    out, st, p, names = _run(lambda: C.IndRNNCell(2), xs)
    assert names == [("ind_rnn_cell/kernel_w", [3, 2]), ("ind_rnn_cell/kernel_u", [1, 2]),
                     ("ind_rnn_cell/bias", [2])]
    want, wst = ref.unroll(lambda x, h: ref.indrnn(x, h, _sub(p, "ind_rnn_cell")), xs,
                           np.zeros((B, 2)), LENGTHS)
    _close((out, st), (want, wst))


@pytest.mark.parametrize("proj,biases", [(None, False), (2, True)])
def test_nas_cell_matches_numpy(proj, biases):
    xs = _xs(5)
    out, st, p, names = _run(lambda: C.NASCell(3, num_proj=proj, use_biases=biases), xs,
                             scale=0.4)
    want_names = [("nas_cell/recurrent_kernel", [proj or 3, 24]), ("nas_cell/kernel", [3, 24])]
    want_names += [("nas_cell/bias", [24])] if biases else []
    want_names += [("nas_cell/projection_weights", [3, 2])] if proj else []
    assert names == want_names
    state0 = (np.zeros((B, 3)), np.zeros((B, proj or 3)))
    want, wst = ref.unroll(lambda x, s: ref.nas(x, s, _sub(p, "nas_cell"), biases), xs,
                           state0, LENGTHS)
    _close((out, st), (want, wst))


@pytest.mark.parametrize("peep,ln,proj,shards", [
    (False, False, None, 1), (True, False, 2, 1), (True, True, 2, 2), (False, True, None, 3)])
def test_cifg_cell_matches_numpy(peep, ln, proj, shards):
    xs = _xs(6)
    out, st, p, names = _run(lambda: C.CoupledInputForgetGateLSTMCell(
        3, use_peepholes=peep, num_proj=proj, proj_clip=0.3 if proj else None,
        num_unit_shards=shards, layer_norm=ln, forget_bias=0.7), xs)
    s = "coupled_input_forget_gate_lstm_cell/"
    rows = 3 + (proj or 3)
    want = [(f"{s}W_{k}", [rows // shards + (1 if k < rows % shards else 0), 9])
            for k in range(shards)] + [(s + "B", [9])]
    want += [(f"{s}{g}/{v}", [3]) for g in ("transform", "forget", "output")
             for v in ("gamma", "beta")] if ln else []
    want += [(s + "W_F_diag", [3]), (s + "W_O_diag", [3])] if peep else []
    want += [(f"{s}state/{v}", [3]) for v in ("gamma", "beta")] if ln else []
    want += [(s + "W_P_0", [3, proj])] if proj else []
    assert names == want
    state0 = (np.zeros((B, 3)), np.zeros((B, proj or 3)))
    w, wst = ref.unroll(lambda x, st_: ref.cifg(x, st_, _sub(p, s[:-1]), 0.7, peep, ln,
                                                0.3 if proj else None), xs, state0, LENGTHS)
    _close((out, st), (w, wst))


def test_cifg_concatenated_state():
    xs = _xs(7)
    out, st, p, _ = _run(lambda: C.CoupledInputForgetGateLSTMCell(2, state_is_tuple=False),
                         xs)

    def step(x, s):
        m, (c, m2) = ref.cifg(x, (s[:, :2], s[:, 2:]),
                              _sub(p, "coupled_input_forget_gate_lstm_cell"))
        return m, np.concatenate([c, m2], 1)
    want, wst = ref.unroll(step, xs, np.zeros((B, 4)), LENGTHS)
    _close((out, st), (want, wst))


def test_conv2d_lstm_cell_matches_numpy():
    xs = _xs(8, (2, 3, 4, 5, 2))
    out, st, p, names = _run(lambda: C.Conv2DLSTMCell(input_shape=[4, 5, 2],
                                                      output_channels=3,
                                                      kernel_shape=[3, 2],
                                                      forget_bias=0.5), xs, lengths=[3, 1])
    assert names == [("conv_lstm_cell/kernel", [3, 2, 5, 12]), ("conv_lstm_cell/biases", [12])]
    state0 = (np.zeros((2, 4, 5, 3)), np.zeros((2, 4, 5, 3)))
    b, t = xs.shape[:2]
    lengths = np.array([3, 1])
    state, outs = state0, []
    pc = _sub(p, "conv_lstm_cell")
    for k in range(t):             # ref.unroll with 4-D rows
        o, new = ref.conv_lstm2d(xs[:, k], state, pc, 0.5)
        live = (k < lengths)[:, None, None, None]
        outs.append(np.where(live, o, 0.0))
        state = tuple(np.where(live, a, c) for a, c in zip(new, state))
    _close((out, st), (np.stack(outs, 1), state))


def test_conv_lstm_shapes_skip_connection_and_errors():
    cell = C.Conv1DLSTMCell(input_shape=[6, 2], output_channels=3, kernel_shape=[3],
                            skip_connection=True)
    assert cell.output_size.as_list() == [6, 5]
    assert cell.state_size.c.as_list() == [6, 3]
    with tk.Graph().as_default():
        out, (c, h) = cell(tk.zeros([2, 6, 2]), cell.zero_state(2, tk.float32))
        assert out.shape.as_list() == [2, 6, 5] and c.shape.as_list() == [2, 6, 3]
        cell3 = C.Conv3DLSTMCell(input_shape=[2, 3, 3, 1], output_channels=2,
                                 kernel_shape=[1, 3, 3])
        out3, _ = cell3(tk.zeros([1, 2, 3, 3, 1]), cell3.zero_state(1, tk.float32))
        assert out3.shape.as_list() == [1, 2, 3, 3, 2]
    with pytest.raises(ValueError, match="Invalid input_shape"):
        C.ConvLSTMCell(2, [4, 2], 3, [3, 3])
    with pytest.raises(ValueError, match="kernel_shape"):
        C.Conv2DLSTMCell(input_shape=[4, 4, 2], output_channels=3, kernel_shape=[3])
    with pytest.raises(ValueError, match="output_channels"):
        C.Conv2DLSTMCell(input_shape=[4, 4, 2], output_channels=0, kernel_shape=[3, 3])


def test_small_cells_errors():
    for make in (lambda: C.UGRNNCell(0), lambda: C.SRUCell(-2), lambda: C.IndRNNCell(1.5),
                 lambda: C.NASCell(0), lambda: C.NASCell(2, num_proj=0),
                 lambda: C.CoupledInputForgetGateLSTMCell(0)):
        with pytest.raises(ValueError):
            make()
    with pytest.raises(TypeError, match="activation"):
        C.SRUCell(2, activation=3)
    with tk.Graph().as_default():
        cell = C.CoupledInputForgetGateLSTMCell(2, num_unit_shards=5)
        with pytest.raises(ValueError, match="Too many shards"):
            cell(tk.zeros([1, 1]), cell.zero_state(1, tk.float32))
        cell = C.NASCell(2)
        with pytest.raises(ValueError, match="Could not infer input size"):
            cell(tk.placeholder(tk.float32, [1, None]), cell.zero_state(1, tk.float32))


def _const_getter(seed):
    rng = np.random.default_rng(seed)

    def getter(next_getter, name, shape=None, *args, **kwargs):
        return tk.constant(rng.normal(0, 0.5, shape), tk.float64)
    return getter


@pytest.mark.parametrize("make", [
    lambda: C.AttentionCellWrapper(C.GRUBlockCellV2(2), 2),
    lambda: C.HighwayWrapper(C.UGRNNCell(2), couple_carry_transform_gates=False),
    lambda: C.NASCell(2, num_proj=2, use_biases=True),
    lambda: C.CoupledInputForgetGateLSTMCell(2, use_peepholes=True, layer_norm=True),
    lambda: C.SRUCell(2),
    lambda: C.IndRNNCell(2, activation=tk.tanh),
], ids=["attention", "highway", "nas", "cifg", "sru", "indrnn"])
def test_gradients_match_finite_differences(make):
    """d outputs / d inputs over 3 steps of dynamic_rnn (fixed constant weights)."""
    def fn(x):
        with tk.variable_scope("g", custom_getter=_const_getter(11)):
            out, st = tk.nn.dynamic_rnn(make(), x, sequence_length=[3, 2], dtype=tk.float64)
        return tk.concat([tk.reshape(out, [2, -1])] + tk.nest.flatten(st), 1)
    check_grad(fn, np.random.default_rng(12).normal(size=(2, 3, 2)), rtol=1e-5, atol=1e-6)
