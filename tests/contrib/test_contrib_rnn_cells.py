"""TF 1.15's contrib cells (``LayerNormBasicLSTMCell``, ``LSTMBlockCell``,
``LSTMBlockFusedCell``, ``GRUBlockCell``, ``GRUBlockCellV2``) against NumPy references of
TF 1.15's equations (``rnn_reference.py``, written from ``contrib/rnn/python/ops``), with
TF's variable names and shapes, finite-difference gradients and typed errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.contrib import rnn_reference as ref

C = tk.contrib.rnn
B, T, D = 3, 4, 2
LENGTHS = [4, 2, 0]
NORMS = ("input", "transform", "forget", "output", "state")


def _run_dynamic(make_cell, xs, lengths=LENGTHS, seed=0, scale=0.6):
    """dynamic_rnn over ``xs`` with every variable loaded with fixed random values;
    returns ``(outputs, state, {name: value}, [(name, shape)])``."""
    rng = np.random.default_rng(seed)
    with tk.Graph().as_default():
        cell = make_cell()
        out, state = tk.nn.dynamic_rnn(cell, tk.constant(xs), sequence_length=lengths,
                                       dtype=tk.float64)
        variables = cell.variables
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            vals = {}
            for v in variables:
                short = v.op.name.split("/", 2)[2]       # drop "rnn/<cell scope>/"
                vals[short] = rng.normal(0, scale, v.shape.as_list())
                v.load(vals[short], sess)
            got = sess.run((out, state))
    return got[0], got[1], vals, [(v.op.name, v.shape.as_list()) for v in variables]


def _close(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


# -- LayerNormBasicLSTMCell -------------------------------------------------------------
def test_layer_norm_lstm_matches_numpy_over_steps_with_lengths():
    xs = np.random.default_rng(1).normal(size=(B, T, D))
    out, st, p, names = _run_dynamic(lambda: C.LayerNormBasicLSTMCell(3, forget_bias=0.5),
                                     xs)
    assert names == [("rnn/layer_norm_basic_lstm_cell/kernel", [5, 12])] + [
        (f"rnn/layer_norm_basic_lstm_cell/{s}/{g}", [3]) for s in NORMS
        for g in ("gamma", "beta")]
    state0 = (np.zeros((B, 3)), np.zeros((B, 3)))
    want, (wc, wh) = ref.unroll(lambda x, s: ref.layer_norm_lstm(x, s, p, 0.5), xs, state0,
                                LENGTHS)
    _close(out, want)
    _close(st.c, wc)
    _close(st.h, wh)
    assert np.all(out[2] == 0) and np.all(st.c[2] == 0)


def test_layer_norm_lstm_without_norm_has_bias_and_plain_lstm_math():
    xs = np.random.default_rng(2).normal(size=(B, T, D))
    out, st, p, names = _run_dynamic(lambda: C.LayerNormBasicLSTMCell(2, layer_norm=False),
                                     xs)
    assert names == [("rnn/layer_norm_basic_lstm_cell/kernel", [4, 8]),
                     ("rnn/layer_norm_basic_lstm_cell/bias", [8])]
    state0 = (np.zeros((B, 2)), np.zeros((B, 2)))
    want, (wc, wh) = ref.unroll(lambda x, s: ref.layer_norm_lstm(x, s, p, use_ln=False), xs,
                                state0, LENGTHS)
    _close(out, want)
    _close(st.h, wh)


def test_layer_norm_gain_and_shift_initial_values():
    with tk.Graph().as_default():
        cell = C.LayerNormBasicLSTMCell(2, norm_gain=0.7, norm_shift=-0.2)
        cell(tk.zeros([1, 3]), cell.zero_state(1, tk.float32))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            vals = {v.op.name: sess.run(v) for v in cell.variables}
    for s in NORMS:
        np.testing.assert_array_equal(vals[f"layer_norm_basic_lstm_cell/{s}/gamma"],
                                      np.float32([0.7, 0.7]))
        np.testing.assert_array_equal(vals[f"layer_norm_basic_lstm_cell/{s}/beta"],
                                      np.float32([-0.2, -0.2]))


def test_layer_norm_lstm_recurrent_dropout():
    """keep_prob 1.0 (a float) builds no dropout; keep_prob 0.5 drops about half of the
    candidate's units and scales the rest by 2 (checked through ``c`` of one step from a
    zero state with the forget/input gates' effect removed: c = sigmoid(i) * g)."""
    def graph_ops(keep):
        g = tk.Graph()
        with g.as_default():
            cell = C.LayerNormBasicLSTMCell(400, dropout_keep_prob=keep, dropout_prob_seed=3,
                                            layer_norm=False)
            x = tk.constant(np.ones((1, 2)))
            c, h = cell(x, cell.zero_state(1, tk.float64))[1]
        return g, c
    g1, _ = graph_ops(1.0)
    assert not any("dropout" in op.name for op in g1.get_operations())
    g2, c = graph_ops(0.5)
    with g2.as_default(), tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        cv = sess.run(c)
    zero_frac = np.mean(cv == 0)
    assert 0.35 < zero_frac < 0.65


def test_layer_norm_lstm_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    names = ["kernel"] + [f"{s}/{g}" for s in NORMS for g in ("gamma", "beta")]
    n = 2

    def fn(x, c, h, *weights):
        table = dict(zip(names, weights))

        def getter(next_getter, name, *args, **kwargs):
            for key in sorted(table, key=len, reverse=True):
                if name.endswith("/" + key):
                    return table[key]
            raise KeyError(name)
        with tk.variable_scope("g", custom_getter=getter):
            out, (nc, nh) = C.LayerNormBasicLSTMCell(n)(x, C.LSTMStateTuple(c, h))
        return tk.concat([out, nc], 1)

    weights = [rng.normal(0, 0.6, (D + n, 4 * n))] + [
        rng.normal(1 if k % 2 == 0 else 0, 0.3, (n,)) for k in range(10)]
    check_grad(fn, rng.normal(size=(2, D)), rng.normal(size=(2, n)),
               rng.normal(size=(2, n)), *weights, rtol=1e-5, atol=1e-6)


def test_layer_norm_lstm_errors():
    with pytest.raises(ValueError, match="num_units"):
        C.LayerNormBasicLSTMCell(0)
    with pytest.raises(TypeError, match="activation"):
        C.LayerNormBasicLSTMCell(2, activation="tanh")
    cell = C.LayerNormBasicLSTMCell(2)
    with pytest.raises(ValueError, match="inputs.shape"):
        cell(tk.placeholder(tk.float32, [2, None]), cell.zero_state(2, tk.float32))


# -- LSTMBlockCell / LSTMBlockFusedCell ---------------------------------------------------
@pytest.mark.parametrize("peephole,clip", [(False, None), (True, 0.15), (False, 0.0)])
def test_lstm_block_cell_matches_numpy(peephole, clip):
    xs = np.random.default_rng(4).normal(size=(B, T, D)) * 2
    out, st, p, names = _run_dynamic(
        lambda: C.LSTMBlockCell(3, forget_bias=0.3, cell_clip=clip, use_peephole=peephole),
        xs, scale=0.9)
    want_names = [("rnn/lstm_cell/kernel", [5, 12]), ("rnn/lstm_cell/bias", [12])]
    if peephole:
        want_names += [(f"rnn/lstm_cell/w_{g}_diag", [3]) for g in "ifo"]
    assert names == want_names
    state0 = (np.zeros((B, 3)), np.zeros((B, 3)))
    want, (wc, wh) = ref.unroll(
        lambda x, s: ref.lstm_block(x, s, p, 0.3, clip, peephole), xs, state0, LENGTHS)
    _close(out, want)
    _close(st.c, wc)
    _close(st.h, wh)
    if clip:
        assert np.abs(st.c).max() <= clip + 1e-15 and np.abs(wc).max() == pytest.approx(clip)


def test_lstm_block_cell_step_by_step_and_bias_zero_init():
    rng = np.random.default_rng(5)
    xv, cv, hv = (rng.normal(size=(B, n)) for n in (D, 2, 2))
    with tk.Graph().as_default():
        cell = C.LSTMBlockCell(2, use_peephole=True)
        x = tk.constant(xv)
        h1, s1 = cell(x, C.LSTMStateTuple(tk.constant(cv), tk.constant(hv)))
        h2, s2 = cell(x, s1)
        assert len(tk.global_variables()) == 5       # the second step reuses them
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(cell.variables[1]), np.zeros(8))
            p = {}
            for v in cell.variables:
                p[v.op.name.split("/")[-1]] = rng.normal(size=v.shape.as_list())
                v.load(p[v.op.name.split("/")[-1]], sess)
            got_h, got_s = sess.run((h2, s2))
    _, st1 = ref.lstm_block(xv, (cv, hv), p, peephole=True)
    want_h, (want_c, _) = ref.lstm_block(xv, st1, p, peephole=True)
    _close(got_h, want_h)
    _close(got_s.c, want_c)


@pytest.mark.parametrize("lengths", [None, [4, 1, 0]])
def test_lstm_block_fused_cell_matches_numpy(lengths):
    rng = np.random.default_rng(6)
    xs = rng.normal(size=(T, B, D))
    c0, h0 = rng.normal(size=(B, 3)), rng.normal(size=(B, 3))
    with tk.Graph().as_default():
        cell = C.LSTMBlockFusedCell(3, forget_bias=0.2, use_peephole=True, cell_clip=1.5)
        out, st = cell(tk.constant(xs), initial_state=(tk.constant(c0), tk.constant(h0)),
                       sequence_length=lengths)
        outs_list, _ = cell(tk.unstack(tk.constant(xs)), dtype=tk.float64)
        assert [v.op.name for v in tk.global_variables()] == [
            "lstm_fused_cell/" + n for n in ("kernel", "bias", "w_i_diag", "w_f_diag",
                                             "w_o_diag")]
        assert isinstance(outs_list, list) and len(outs_list) == T
        with tk.Session() as sess:
            p = {}
            for v in cell.variables:
                p[v.op.name.split("/")[-1]] = rng.normal(0, 0.8, v.shape.as_list())
                v.load(p[v.op.name.split("/")[-1]], sess)
            got_out, got_st, got_list = sess.run((out, st, outs_list))
    want, (wc, wh) = ref.unroll(lambda x, s: ref.lstm_block(x, s, p, 0.2, 1.5, True),
                                np.swapaxes(xs, 0, 1), (c0, h0), lengths)
    _close(got_out, np.swapaxes(want, 0, 1))
    _close(got_st.c, wc)
    _close(got_st.h, wh)
    want0, _ = ref.unroll(lambda x, s: ref.lstm_block(x, s, p, 0.2, 1.5, True),
                          np.swapaxes(xs, 0, 1), (np.zeros((B, 3)), np.zeros((B, 3))))
    _close(np.stack(got_list, 1), want0)


def test_lstm_block_cells_gradients_match_finite_differences():
    rng = np.random.default_rng(7)
    names = ["kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag"]

    def fn(x, c, h, *weights):
        table = dict(zip(names, weights))
        with tk.variable_scope("g", custom_getter=lambda g, name, *a, **k:
                               table[name.split("/")[-1]]):
            out, st = tk.nn.dynamic_rnn(C.LSTMBlockCell(2, use_peephole=True), x,
                                        initial_state=C.LSTMStateTuple(c, h),
                                        sequence_length=[3, 2])
            f_out, f_st = C.LSTMBlockFusedCell(2, use_peephole=True)(
                tk.transpose(x, [1, 0, 2]), initial_state=(c, h), sequence_length=[3, 1])
        return tk.concat([tk.reshape(out, [2, -1]), st.c, tf_flat(f_out), f_st.h], 1)

    def tf_flat(t):
        return tk.reshape(tk.transpose(t, [1, 0, 2]), [2, -1])

    check_grad(fn, rng.normal(size=(2, 3, D)), rng.normal(size=(2, 2)),
               rng.normal(size=(2, 2)), rng.normal(0, 0.6, (D + 2, 8)),
               rng.normal(0, 0.3, (8,)), *(rng.normal(0, 0.5, (2,)) for _ in range(3)),
               rtol=1e-5, atol=1e-6)


def test_lstm_block_errors():
    with pytest.raises(ValueError, match="num_units"):
        C.LSTMBlockCell(-1)
    with pytest.raises(TypeError, match="cell_clip"):
        C.LSTMBlockCell(2, cell_clip="big")
    cell = C.LSTMBlockCell(2)
    with pytest.raises(ValueError, match="rank 2"):
        cell(tk.zeros([2, 3, 1]), cell.zero_state(2, tk.float32))
    cell = C.LSTMBlockCell(2)
    with pytest.raises(ValueError, match="inputs_shape\\[1\\] to be set"):
        cell(tk.placeholder(tk.float32, [2, None]), cell.zero_state(2, tk.float32))
    cell = C.LSTMBlockCell(2)
    with pytest.raises(ValueError, match="tuple with length 2"):
        cell(tk.zeros([2, 3]), (tk.zeros([2, 2]),) * 3)
    fused = C.LSTMBlockFusedCell(2)
    with pytest.raises(ValueError, match="initial_state or dtype"):
        fused(tk.zeros([3, 2, 1]))
    with pytest.raises(ValueError, match="rank 3"):
        fused(tk.zeros([2, 1]), dtype=tk.float32)
    with pytest.raises(ValueError, match="tuple with length 2 or None"):
        fused(tk.zeros([3, 2, 1]), initial_state=tk.zeros([2, 2]))


# -- GRUBlockCell / GRUBlockCellV2 ------------------------------------------------------
@pytest.mark.parametrize("cls,names", [
    ("GRUBlockCell", ("w_c", "b_ru", "w_ru", "b_c")),
    ("GRUBlockCellV2", ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"))])
def test_gru_block_cells_match_numpy_with_tf_names(cls, names):
    xs = np.random.default_rng(8).normal(size=(B, T, D))
    out, st, p, got_names = _run_dynamic(lambda: getattr(C, cls)(3), xs)
    assert got_names == [(f"rnn/gru_cell/{names[0]}", [5, 6]), (f"rnn/gru_cell/{names[1]}", [6]),
                         (f"rnn/gru_cell/{names[2]}", [5, 3]), (f"rnn/gru_cell/{names[3]}", [3])]
    gk, gb, ck, cb = (p[n] for n in names)      # TF 1.15's w_c is the gate kernel
    want, wst = ref.unroll(lambda x, s: ref.gru_block(x, s, gk, gb, ck, cb), xs,
                           np.zeros((B, 3)), LENGTHS)
    _close(out, want)
    _close(st, wst)


def test_gru_block_initial_biases_and_cell_size_alias():
    with tk.Graph().as_default():
        cell = C.GRUBlockCell(cell_size=2)
        cell(tk.zeros([1, 3]), cell.zero_state(1, tk.float32))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            b_ru, b_c = sess.run([cell.variables[1], cell.variables[3]])
    np.testing.assert_array_equal(b_ru, np.ones(4))
    np.testing.assert_array_equal(b_c, np.zeros(2))
    assert cell.state_size == cell.output_size == 2


def test_gru_block_gradients_match_finite_differences():
    rng = np.random.default_rng(9)
    names = ["w_c", "b_ru", "w_ru", "b_c"]

    def fn(x, h, *weights):
        table = dict(zip(names, weights))
        with tk.variable_scope("g", custom_getter=lambda g, name, *a, **k:
                               table[name.split("/")[-1]]):
            out, _ = C.GRUBlockCell(2)(x, h)
        return out

    check_grad(fn, rng.normal(size=(2, D)), rng.normal(size=(2, 2)),
               rng.normal(size=(D + 2, 4)), rng.normal(size=(4,)),
               rng.normal(size=(D + 2, 2)), rng.normal(size=(2,)))


def test_gru_block_errors():
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        C.GRUBlockCell()
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        C.GRUBlockCellV2(2, cell_size=2)
    with pytest.raises(ValueError, match="num_units"):
        C.GRUBlockCell(0)
    cell = C.GRUBlockCell(3)
    with pytest.raises(ValueError, match="Shape of h_prev\\[1\\] incorrect"):
        cell(tk.zeros([2, 4]), tk.zeros([2, 2]))
    with pytest.raises(ValueError, match="rank 2"):
        C.GRUBlockCellV2(3)(tk.zeros([2, 1, 4]), tk.zeros([2, 3]))
