"""``tk.contrib.rnn.stack_bidirectional_rnn`` / ``stack_bidirectional_dynamic_rnn``
against a NumPy reference of TF 1.15's definition (``contrib/rnn/python/ops/rnn.py``:
each layer a ``bidirectional_(dynamic_)rnn`` whose concatenated outputs feed the next;
the cells' equations from ``lstm_ops.py`` / ``gru_ops.py``, see ``rnn_reference.py``),
TF 1.15's variable scopes, its argument errors, and finite-difference gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from tests.contrib import rnn_reference as ref

C = tk.contrib.rnn
B, T, D = 3, 5, 2


def _load_random(sess, variables, seed=0):
    """Gives every variable fixed random values; returns them by op name."""
    rng = np.random.default_rng(seed)
    vals = {}
    for v in variables:
        vals[v.op.name] = rng.normal(0, 0.6, v.shape.as_list())
        v.load(vals[v.op.name], sess)
    return vals


def _params(vals, prefix):
    return {k[len(prefix) + 1:]: a for k, a in vals.items() if k.startswith(prefix + "/")}


def _lstm_step(p):
    return lambda x, s: ref.lstm_block(x, s, p, forget_bias=1.0)


def _gru_step(p):
    return lambda x, s: ref.gru_block(x, s, p["gates/kernel"], p["gates/bias"],
                                      p["candidate/kernel"], p["candidate/bias"])


def _zeros(n):
    return np.zeros((B, n))


@pytest.mark.parametrize("time_major", [False, True])
def test_dynamic_stack_matches_numpy_and_tf_scopes(time_major):
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(B, T, D))
    lengths = [5, 3, 1]
    with tk.Graph().as_default():
        x = tk.constant(np.swapaxes(xs, 0, 1) if time_major else xs)
        out, st_fw, st_bw = C.stack_bidirectional_dynamic_rnn(
            [C.LSTMBlockCell(3), C.LSTMBlockCell(2)], [C.GRUBlockCellV2(4), C.GRUBlockCellV2(2)],
            x, dtype=tk.float64, sequence_length=lengths, time_major=time_major)
        names = [v.op.name for v in tk.global_variables()]
        with tk.Session() as sess:
            vals = _load_random(sess, tk.global_variables())
            got_out, got_fw, got_bw = sess.run((out, st_fw, st_bw))
    s = "stack_bidirectional_rnn/cell_{}/bidirectional_rnn/{}/{}"
    assert names == [s.format(0, "fw", "lstm_cell/kernel"), s.format(0, "fw", "lstm_cell/bias"),
                     s.format(0, "bw", "gru_cell/gates/kernel"),
                     s.format(0, "bw", "gru_cell/gates/bias"),
                     s.format(0, "bw", "gru_cell/candidate/kernel"),
                     s.format(0, "bw", "gru_cell/candidate/bias"),
                     s.format(1, "fw", "lstm_cell/kernel"), s.format(1, "fw", "lstm_cell/bias"),
                     s.format(1, "bw", "gru_cell/gates/kernel"),
                     s.format(1, "bw", "gru_cell/gates/bias"),
                     s.format(1, "bw", "gru_cell/candidate/kernel"),
                     s.format(1, "bw", "gru_cell/candidate/bias")]
    layer_in = xs
    want_fw, want_bw = [], []
    for i, (nf, nb) in enumerate([(3, 4), (2, 2)]):
        pre = f"stack_bidirectional_rnn/cell_{i}/bidirectional_rnn"
        layer_in, sf, sb = ref.bidirectional(
            _lstm_step(_params(vals, pre + "/fw/lstm_cell")),
            _gru_step(_params(vals, pre + "/bw/gru_cell")), layer_in,
            (_zeros(nf), _zeros(nf)), _zeros(nb), lengths)
        want_fw.append(sf)
        want_bw.append(sb)
    if time_major:
        got_out = np.swapaxes(got_out, 0, 1)
    assert got_out.shape == (B, T, 4)
    np.testing.assert_allclose(got_out, layer_in, rtol=1e-10, atol=1e-12)
    assert isinstance(got_fw, tuple) and len(got_fw) == 2
    for g, w in zip(got_fw, want_fw):
        np.testing.assert_allclose(g.c, w[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g.h, w[1], rtol=1e-10, atol=1e-12)
    for g, w in zip(got_bw, want_bw):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_static_stack_matches_numpy_with_initial_states_and_scopes():
    rng = np.random.default_rng(2)
    xs = rng.normal(size=(B, T, D))
    lengths = [2, 5, 4]
    init_fw = [(rng.normal(size=(B, 3)), rng.normal(size=(B, 3)))]
    init_bw = [(rng.normal(size=(B, 2)), rng.normal(size=(B, 2)))]
    with tk.Graph().as_default():
        outs, st_fw, st_bw = C.stack_bidirectional_rnn(
            [C.LSTMBlockCell(3, use_peephole=True)], [C.LSTMBlockCell(2)],
            tk.unstack(tk.constant(xs), axis=1),
            initial_states_fw=[C.LSTMStateTuple(*map(tk.constant, init_fw[0]))],
            initial_states_bw=[C.LSTMStateTuple(*map(tk.constant, init_bw[0]))],
            sequence_length=lengths, scope="enc")
        names = [v.op.name for v in tk.global_variables()]
        with tk.Session() as sess:
            vals = _load_random(sess, tk.global_variables(), seed=3)
            got_outs, got_fw, got_bw = sess.run((outs, st_fw, st_bw))
    assert names == ["enc/cell_0/fw/lstm_cell/" + n
                     for n in ("kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag")] + [
        "enc/cell_0/bw/lstm_cell/kernel", "enc/cell_0/bw/lstm_cell/bias"]
    pf, pb = _params(vals, "enc/cell_0/fw/lstm_cell"), _params(vals, "enc/cell_0/bw/lstm_cell")
    want, sf, sb = ref.bidirectional(
        lambda x, s: ref.lstm_block(x, s, pf, peephole=True), _lstm_step(pb), xs,
        init_fw[0], init_bw[0], lengths)
    assert isinstance(got_outs, list) and len(got_outs) == T
    np.testing.assert_allclose(np.stack(got_outs, 1), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_fw[0].c, sf[0], rtol=1e-10)
    np.testing.assert_allclose(got_fw[0].h, sf[1], rtol=1e-10)
    np.testing.assert_allclose(got_bw[0].c, sb[0], rtol=1e-10)
    np.testing.assert_allclose(got_bw[0].h, sb[1], rtol=1e-10)


@pytest.mark.parametrize("fn", ["static", "dynamic"])
def test_argument_errors_are_tf_value_errors(fn):
    stack = C.stack_bidirectional_rnn if fn == "static" else C.stack_bidirectional_dynamic_rnn
    x = (tk.unstack(tk.zeros([2, 3, 1]), axis=1) if fn == "static" else tk.zeros([2, 3, 1]))
    cells = lambda k: [C.GRUBlockCell(2) for _ in range(k)]  # noqa: E731
    with pytest.raises(ValueError, match="at least one fw cell"):
        stack([], cells(1), x, dtype=tk.float32)
    with pytest.raises(ValueError, match="at least one bw cell"):
        stack(cells(1), None, x, dtype=tk.float32)
    with pytest.raises(ValueError, match="cells_fw must be a list"):
        stack(tuple(cells(1)), cells(1), x, dtype=tk.float32)
    with pytest.raises(ValueError, match="cells_bw must be a list"):
        stack(cells(1), tuple(cells(1)), x, dtype=tk.float32)
    with pytest.raises(ValueError, match="same depth: 2 fw cells vs 1"):
        stack(cells(2), cells(1), x, dtype=tk.float32)
    z = tk.zeros([2, 2])
    with pytest.raises(ValueError, match="initial_states_fw must be a list .* expected 2, got 1"):
        stack(cells(2), cells(2), x, initial_states_fw=[z], dtype=tk.float32)
    with pytest.raises(ValueError, match="initial_states_bw must be a list .* got tuple"):
        stack(cells(1), cells(1), x, initial_states_bw=(z,), dtype=tk.float32)
    with pytest.raises(TypeError):
        stack(["not a cell"], cells(1), x, dtype=tk.float32)
    with pytest.raises(ValueError, match="dtype"):
        stack(cells(1), cells(1), x)


def test_dynamic_stack_gradients_match_finite_differences():
    """d outputs / d inputs and d initial states through two stacked layers (the weights
    are fixed constants handed out by a custom getter, so no initialization is needed)."""
    rng = np.random.default_rng(4)
    wrng = np.random.default_rng(7)

    def constant_getter(next_getter, name, shape=None, *args, **kwargs):
        return tk.constant(wrng.normal(0, 0.5, shape), tk.float64)

    def fn(x, h_fw, h_bw):
        with tk.variable_scope("s", custom_getter=constant_getter):
            out, sf, sb = C.stack_bidirectional_dynamic_rnn(
                [C.GRUBlockCell(2), C.GRUBlockCellV2(2)],
                [C.GRUBlockCellV2(2), C.GRUBlockCell(2)], x,
                initial_states_fw=[h_fw, h_fw], initial_states_bw=[h_bw, h_bw],
                sequence_length=[3, 2])
        return tk.concat([tk.reshape(out, [2, -1]), sf[1], sb[0]], 1)

    check_grad(fn, rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 2)),
               rng.normal(size=(2, 2)))
