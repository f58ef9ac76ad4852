"""``tk.contrib.legacy_seq2seq``: rnn_decoder, basic/tied/embedding seq2seq and the
attention decoder against NumPy re-computations of TF1's equations from the variables'
values, TF1's variable names, finite-difference gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient
from trainkit.ops.rnn.core_rnn_cell import Linear

L = tk.contrib.legacy_seq2seq


def _values(sess, prefix=""):
    """Every global variable's value by name (without ``:0``), optionally re-rooted."""
    return {v.op.name[len(prefix):]: sess.run(v) for v in tk.global_variables()
            if v.op.name.startswith(prefix)}


def _rnn_step(w, scope, x, h):
    return np.tanh(np.concatenate([x, h], 1) @ w[scope + "/kernel"] + w[scope + "/bias"])


def _softmax(s):
    e = np.exp(s - s.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _np_attention_decoder(w, p, xs, h, states, heads, init_attn, loop=None):
    """TF1's attention_decoder with a BasicRNNCell; ``p`` is the decoder scope."""
    b, _, a = states.shape
    feats = [states @ w[f"{p}/AttnW_{k}"][0, 0] for k in range(heads)]

    def attend(q):
        out = []
        for k in range(heads):
            y = q @ w[f"{p}/Attention_{k}/kernel"] + w[f"{p}/Attention_{k}/bias"]
            s = np.sum(w[f"{p}/AttnV_{k}"] * np.tanh(feats[k] + y[:, None, :]), 2)
            out.append(np.einsum("bl,bla->ba", _softmax(s), states))
        return out

    attns = attend(h) if init_attn else [np.zeros((b, a))] * heads
    outs, prev = [], None
    for x in xs:
        if loop is not None and prev is not None:
            x = loop(prev)
        x = np.concatenate([x] + attns, 1) @ w[f"{p}/kernel"] + w[f"{p}/bias"]
        h = _rnn_step(w, f"{p}/basic_rnn_cell", x, h)
        attns = attend(h)
        o = np.concatenate([h] + attns, 1) @ w[f"{p}/AttnOutputProjection/kernel"] \
            + w[f"{p}/AttnOutputProjection/bias"]
        outs.append(o)
        prev = o
    return outs, h


def test_rnn_decoder_and_basic_rnn_seq2seq_match_numpy():
    rs = np.random.RandomState(0)
    enc = [rs.randn(2, 3) for _ in range(4)]
    dec = [rs.randn(2, 3) for _ in range(3)]
    with tk.Graph().as_default():
        outs, state = L.basic_rnn_seq2seq([tk.constant(e) for e in enc],
                                          [tk.constant(d) for d in dec],
                                          tk.nn.rnn_cell.BasicRNNCell(5), dtype=tk.float64)
        names = sorted(v.op.name for v in tk.global_variables())
        assert names == ["basic_rnn_seq2seq/rnn/basic_rnn_cell/bias",
                         "basic_rnn_seq2seq/rnn/basic_rnn_cell/kernel",
                         "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/bias",
                         "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/kernel"]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got, got_state = s.run([outs, state])
            w = _values(s, "basic_rnn_seq2seq/")
    h = np.zeros((2, 5))
    for x in enc:
        h = _rnn_step(w, "rnn/basic_rnn_cell", x, h)
    for i, x in enumerate(dec):
        h = _rnn_step(w, "rnn_decoder/basic_rnn_cell", x, h)
        np.testing.assert_allclose(got[i], h, rtol=1e-12)
    np.testing.assert_allclose(got_state, h, rtol=1e-12)


def test_rnn_decoder_loop_function_and_tied_seq2seq():
    rs = np.random.RandomState(1)
    xs = [rs.randn(2, 4) for _ in range(3)]
    with tk.Graph().as_default():
        cell = tk.nn.rnn_cell.BasicRNNCell(4)
        seen = []

        def loop(prev, i):
            seen.append((i, tk.get_variable_scope().name, tk.get_variable_scope().reuse))
            return prev * 2.0

        outs, _ = L.rnn_decoder([tk.constant(x) for x in xs], tk.zeros([2, 4], tk.float64),
                                cell, loop_function=loop)
        assert [i for i, _, _ in seen] == [1, 2]
        assert seen[0][1:] == ("rnn_decoder/loop_function", True)
        t_outs, _ = L.tied_rnn_seq2seq([tk.constant(x) for x in xs],
                                       [tk.constant(x) for x in xs],
                                       tk.nn.rnn_cell.BasicRNNCell(4), dtype=tk.float64)
        tied = [v.op.name for v in tk.global_variables() if "tied" in v.op.name]
        assert tied == ["combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_rnn_cell/kernel",
                        "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_rnn_cell/bias"]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got = s.run(outs)
            w = _values(s, "rnn_decoder/")
    h = np.zeros((2, 4))
    prev = None
    for x in xs:
        h = _rnn_step(w, "basic_rnn_cell", x if prev is None else prev * 2.0, h)
        prev = h
    np.testing.assert_allclose(got[-1], h, rtol=1e-12)


@pytest.mark.parametrize("heads,init_attn,loop", [(1, False, False), (2, True, False),
                                                  (1, True, True)])
def test_attention_decoder_matches_numpy(heads, init_attn, loop):
    rs = np.random.RandomState(2)
    xs = [rs.randn(3, 4) for _ in range(3)]
    states, h0 = rs.randn(3, 5, 6), rs.randn(3, 4)
    with tk.Graph().as_default():
        outs, state = L.attention_decoder(
            [tk.constant(x) for x in xs], tk.constant(h0), tk.constant(states),
            tk.nn.rnn_cell.BasicRNNCell(4), output_size=4, num_heads=heads,
            loop_function=(lambda prev, i: prev) if loop else None,
            initial_state_attention=init_attn, dtype=tk.float64)
        assert outs[0].shape.as_list() == [3, 4]
        names = {v.op.name for v in tk.global_variables()}
        assert {"attention_decoder/AttnW_0", "attention_decoder/AttnV_0",
                "attention_decoder/kernel", "attention_decoder/Attention_0/kernel",
                "attention_decoder/AttnOutputProjection/bias",
                "attention_decoder/basic_rnn_cell/kernel"} <= names
        assert len(names) == 6 + 4 * heads
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got, got_state = s.run([outs, state])
            w = _values(s)
    want, want_state = _np_attention_decoder(w, "attention_decoder", xs, h0, states, heads,
                                             init_attn, (lambda p: p) if loop else None)
    for g, e in zip(got, want):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-10, atol=1e-12)


def test_attention_decoder_gradients_finite_differences():
    rs = np.random.RandomState(3)
    xs_v = [rs.randn(2, 3) for _ in range(2)]
    st_v, h_v = rs.randn(2, 4, 3), rs.randn(2, 3)
    with tk.Graph().as_default():
        xs = [tk.placeholder(tk.float64, [2, 3]) for _ in xs_v]
        st = tk.placeholder(tk.float64, [2, 4, 3])
        h0 = tk.placeholder(tk.float64, [2, 3])
        outs, _ = L.attention_decoder(xs, h0, st, tk.nn.rnn_cell.BasicRNNCell(3),
                                      num_heads=2, initial_state_attention=True,
                                      dtype=tk.float64)
        wsum = rs.uniform(0.5, 1.5, (2, 3))
        loss = tk.reduce_sum(tk.add_n(outs) * wsum)
        attn_w = [v for v in tk.global_variables() if v.op.name.endswith("AttnW_1")][0]
        grads = tk.gradients(loss, [st, h0, xs[1], attn_w])
        new = tk.placeholder(tk.float64, attn_w.shape)
        assign = tk.assign(attn_w, new)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            w0 = s.run(attn_w)
            base = dict(zip(xs, xs_v))
            base.update({st: st_v, h0: h_v})
            got = s.run(grads, base)

            def f(vals):
                s.run(assign, {new: vals[3]})
                feed = dict(base)
                feed.update({st: vals[0], h0: vals[1], xs[1]: vals[2]})
                return float(s.run(loss, feed))

            arrays = [st_v, h_v, xs_v[1], w0]
            for i in range(4):
                num = numeric_gradient(f, arrays, i)
                np.testing.assert_allclose(got[i], num, rtol=1e-6, atol=1e-8,
                                           err_msg=f"gradient {i}")


def test_embedding_rnn_seq2seq_matches_numpy_with_feed_previous():
    rs = np.random.RandomState(4)
    enc = [rs.randint(0, 7, 3).astype(np.int32) for _ in range(3)]
    dec = [rs.randint(0, 9, 3).astype(np.int32) for _ in range(3)]
    with tk.Graph().as_default():
        outs, state = L.embedding_rnn_seq2seq(
            [tk.constant(e) for e in enc], [tk.constant(d) for d in dec],
            tk.nn.rnn_cell.BasicRNNCell(4), 7, 9, 5, feed_previous=True, dtype=tk.float64)
        p = "embedding_rnn_seq2seq/"
        assert sorted(v.op.name for v in tk.global_variables()) == sorted(p + n for n in [
            "rnn/embedding_wrapper/embedding",
            "rnn/embedding_wrapper/basic_rnn_cell/kernel",
            "rnn/embedding_wrapper/basic_rnn_cell/bias",
            "embedding_rnn_decoder/embedding",
            "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/basic_rnn_cell/kernel",
            "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/basic_rnn_cell/bias",
            "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/kernel",
            "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/bias"])
        assert outs[0].dtype == tk.float64 and outs[0].shape.as_list() == [3, 9]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got = s.run(outs)
            w = _values(s, p)
    h = np.zeros((3, 4))
    for ids in enc:
        h = _rnn_step(w, "rnn/embedding_wrapper/basic_rnn_cell",
                      w["rnn/embedding_wrapper/embedding"][ids], h)
    d = "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper"
    emb = w["embedding_rnn_decoder/embedding"]
    x = emb[dec[0]]
    for i in range(3):
        h = _rnn_step(w, d + "/basic_rnn_cell", x, h)
        o = h @ w[d + "/kernel"] + w[d + "/bias"]
        np.testing.assert_allclose(got[i], o, rtol=1e-10)
        x = emb[np.argmax(o, 1)]


def test_embedding_attention_seq2seq_names_and_output_projection():
    with tk.Graph().as_default():
        enc = [tk.constant([1, 2]) for _ in range(3)]
        dec = [tk.constant([0, 3]) for _ in range(2)]
        proj = (tk.zeros([4, 9]), tk.zeros([9]))
        outs, _ = L.embedding_attention_seq2seq(enc, dec, tk.nn.rnn_cell.GRUCell(4), 7, 9, 5,
                                                output_projection=proj, feed_previous=True)
        assert outs[0].shape.as_list() == [2, 4]
        names = {v.op.name for v in tk.global_variables()}
        p = "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/"
        assert p + "gru_cell/gates/kernel" in names and p + "AttnW_0" in names
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            assert s.run(outs[1]).shape == (2, 4)


def test_legacy_seq2seq_errors():
    x = [tk.zeros([2, 3])]
    cell = tk.nn.rnn_cell.BasicRNNCell(3)
    with pytest.raises(TypeError, match="RNNCell"):
        L.rnn_decoder(x, tk.zeros([2, 3]), "not a cell")
    with pytest.raises(ValueError, match="at least 1 input"):
        L.attention_decoder([], tk.zeros([2, 3]), tk.zeros([2, 4, 3]), cell)
    with pytest.raises(ValueError, match="less than 1 heads"):
        L.attention_decoder(x, tk.zeros([2, 3]), tk.zeros([2, 4, 3]), cell, num_heads=0)
    with pytest.raises(ValueError, match="Shape\\[2\\] of attention_states"):
        L.attention_decoder(x, tk.zeros([2, 3]), tk.placeholder(tk.float32, [2, 4, None]),
                            cell)
    with pytest.raises(TypeError, match="list of per-step"):
        L.rnn_decoder(tk.zeros([2, 3]), tk.zeros([2, 3]), cell)
    with pytest.raises(TypeError, match="feed_previous must be a Python bool"):
        L.embedding_rnn_seq2seq([tk.constant([1])], [tk.constant([1])], cell, 3, 3, 2,
                                feed_previous=tk.constant(True))
    with pytest.raises(ValueError, match="output_projection"):
        L.embedding_rnn_decoder([tk.constant([1])], tk.zeros([1, 3]), cell, 4, 2,
                                output_projection=(tk.zeros([3, 5]), tk.zeros([5])))
    with pytest.raises(ValueError, match="linear is expecting 2D"):
        Linear(tk.zeros([2, 3, 1]), 2, True)
    with pytest.raises(ValueError, match="output_size must be a positive"):
        tk.contrib.rnn.OutputProjectionWrapper(cell, 0)
    with pytest.raises(TypeError, match="not a RNNCell"):
        tk.contrib.rnn.EmbeddingWrapper(None, 3, 2)


def test_encoder_copy_shares_tensors_of_the_cell():
    """The encoder's deep copy of a DropoutWrapper keeps the very keep_prob placeholder."""
    with tk.Graph().as_default():
        keep = tk.placeholder(tk.float32, [])
        cell = tk.nn.rnn_cell.DropoutWrapper(tk.nn.rnn_cell.BasicRNNCell(3),
                                             output_keep_prob=keep)
        outs, _ = L.basic_rnn_seq2seq([tk.ones([2, 3], tk.float64)] * 2,
                                      [tk.ones([2, 3], tk.float64)] * 2, cell,
                                      dtype=tk.float64)
        assert len(tk.global_variables()) == 4
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            assert s.run(outs[1], {keep: 1.0}).shape == (2, 3)
