"""tf.contrib.seq2seq attention (Bahdanau, Luong, AttentionWrapper) decoded with
TrainingHelper + dynamic_decode, against NumPy references (tests/contrib/seq2seq_numpy.py:
TF 1.15's attention math re-derived by hand and stepped with Python loops); gradients
against central finite differences in float64; TF 1.15's variable names; typed errors."""

import numpy as np
import pytest

import trainkit as tf
from tests.contrib import seq2seq_numpy as ref

s2s = tf.contrib.seq2seq
RNG = np.random.default_rng(5)
B, S, T, D, H, A = 3, 5, 4, 3, 6, 4
MEM_LEN = np.array([5, 2, 3], np.int32)
TGT_LEN = np.array([4, 4, 2], np.int32)

REF_KEYS = {"memory_layer/kernel": "memory_layer", "basic_lstm_cell/kernel": "kernel",
            "basic_lstm_cell/bias": "bias", "query_layer/kernel": "query_layer",
            "attention_layer/kernel": "attention_layer"}


def _np_weights(sess):
    out = {}
    for v, val in zip(tf.global_variables(), sess.run(tf.global_variables())):
        parts = v.op.name.split("/")
        two = "/".join(parts[-2:])
        out[REF_KEYS.get(two, parts[-1])] = val
    return out


def _build(kind, dtype=np.float32, mem_len=MEM_LEN, output_attention=True,
           attention_layer_size=A, alignment_history=True):
    memory = tf.placeholder_with_default(RNG.normal(size=(B, S, H)).astype(dtype), [B, S, H])
    x = RNG.normal(size=(B, T, D)).astype(dtype)
    with tf.variable_scope("dec"):
        if kind.startswith("bahdanau"):
            mech = s2s.BahdanauAttention(H, memory, memory_sequence_length=mem_len,
                                         normalize=kind.endswith("norm"))
        else:
            mech = s2s.LuongAttention(H, memory, memory_sequence_length=mem_len,
                                      scale=kind.endswith("scale"))
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(H), mech,
                                    attention_layer_size=attention_layer_size,
                                    alignment_history=alignment_history,
                                    output_attention=output_attention)
        init = cell.zero_state(B, dtype)
        decoder = s2s.BasicDecoder(cell, s2s.TrainingHelper(tf.constant(x), TGT_LEN), init)
        out, state, lens = s2s.dynamic_decode(decoder)
    return memory, x, out, state, lens


def _perturb_attention_v(sess):
    """Glorot-initialised vectors are fine; give attention_g/b non-default values so the
    normalised form is really exercised."""
    for v in tf.global_variables():
        if v.op.name.endswith("attention_g"):
            v.load(np.asarray(0.7, v.dtype.as_numpy_dtype), sess)
        if v.op.name.endswith("attention_b"):
            v.load(RNG.normal(size=v.shape.as_list()).astype(v.dtype.as_numpy_dtype), sess)


@pytest.mark.parametrize("kind", ["bahdanau", "bahdanau_norm", "luong", "luong_scale"])
def test_attention_decode_matches_numpy(kind):
    memory, x, out, state, lens = _build(kind)
    history = state.alignment_history.stack()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _perturb_attention_v(sess)
        mem, got, got_state, got_hist, got_len = sess.run(
            [memory, out, state._replace(alignment_history=()), history, lens])
        w = _np_weights(sess)
    want, want_align, (c, h) = ref.attention_decode(kind, w, mem, MEM_LEN, x, T)
    np.testing.assert_array_equal(got_len, TGT_LEN)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_hist, want_align, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got_state.alignments, want_align[-1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got_state.cell_state.h, h, rtol=1e-4, atol=1e-5)
    assert got_state.time == T
    # masking with memory_sequence_length: no weight past a row's memory length
    for b, n in enumerate(MEM_LEN):
        assert np.all(got_hist[:, b, n:] == 0.0)
    np.testing.assert_allclose(got_hist.sum(-1), 1.0, rtol=1e-5)


def test_context_attention_and_cell_output_variant():
    """attention_layer_size=None (the context is the attention) and output_attention=False
    (the cell output is emitted), without memory masking."""
    memory, x, out, state, _ = _build("luong", mem_len=None, output_attention=False,
                                      attention_layer_size=None, alignment_history=False)
    assert state.alignment_history == ()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mem, got, att = sess.run([memory, out.rnn_output, state.attention])
        w = _np_weights(sess)
    want, want_align, _ = ref.attention_decode("luong", w, mem, None, x, T,
                                               output_attention=False, attention_layer=False)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(att, np.einsum("bt,btd->bd", want_align[-1], mem), rtol=1e-4,
                               atol=1e-5)


def test_variable_names_follow_tf1():
    _build("bahdanau_norm")
    names = [v.op.name for v in tf.global_variables()]
    assert names == [
        "dec/memory_layer/kernel",
        "dec/decoder/attention_wrapper/basic_lstm_cell/kernel",
        "dec/decoder/attention_wrapper/basic_lstm_cell/bias",
        "dec/decoder/attention_wrapper/bahdanau_attention/query_layer/kernel",
        "dec/decoder/attention_wrapper/bahdanau_attention/attention_v",
        "dec/decoder/attention_wrapper/bahdanau_attention/attention_g",
        "dec/decoder/attention_wrapper/bahdanau_attention/attention_b",
        "dec/decoder/attention_wrapper/attention_layer/kernel"]
    tf.reset_default_graph()
    _build("luong_scale")
    assert "dec/decoder/attention_wrapper/luong_attention/attention_g" in [
        v.op.name for v in tf.global_variables()]


def test_zero_state_clone_keeps_fields_and_shapes():
    memory = tf.zeros([B, S, H])
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), s2s.LuongAttention(H, memory),
                                attention_layer_size=A)
    state = cell.zero_state(B, tf.float32)
    enc = tf.placeholder(tf.float32, [None, H])
    new = state.clone(cell_state=enc)
    assert new.cell_state is enc and new.cell_state.shape.as_list() == [B, H]
    assert new.attention is state.attention
    assert cell.output_size == A and cell.state_size.attention == A
    with pytest.raises(ValueError, match="incompatible"):
        state.clone(cell_state=tf.zeros([B, H + 1]))
    with tf.Session() as sess:
        got = sess.run(new, {enc: np.ones((B, H), np.float32)})
    assert got.time == 0 and got.attention.shape == (B, A) and got.alignments.shape == (B, S)


def test_two_mechanisms_concatenate_attentions():
    memory = tf.constant(RNG.normal(size=(2, S, H)).astype(np.float32))
    mechs = [s2s.LuongAttention(H, memory), s2s.BahdanauAttention(3, memory)]
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), mechs, attention_layer_size=[2, 3])
    out, state = cell(tf.ones([2, D]), cell.zero_state(2, tf.float32))
    assert out.shape.as_list() == [2, 5] and isinstance(state.alignments, tuple)
    assert "attention_wrapper/attention_layer_1/kernel" in [
        v.op.name for v in tf.global_variables()]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(state.alignments)
    assert [a.shape for a in got] == [(2, S), (2, S)]


def test_gradients_match_finite_differences():
    memory, x, out, _, _ = _build("bahdanau_norm", dtype=np.float64)
    probe = tf.constant(RNG.normal(size=(B, T, A)))
    mask = tf.sequence_mask(TGT_LEN, T, dtype=tf.float64)[:, :, None]
    loss = tf.reduce_sum(out.rnn_output * probe * mask)
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables + [memory])
    assert all(g is not None for g in grads)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _perturb_attention_v(sess)
        analytic = sess.run(grads)
        eps = 1e-6
        for v, g in zip(variables, analytic):
            base = sess.run(v)
            flat = base.reshape(-1)
            for i in RNG.choice(flat.size, size=min(3, flat.size), replace=False):
                vals = []
                for d in (eps, -eps):
                    p = flat.copy()
                    p[i] += d
                    v.load(p.reshape(base.shape), sess)
                    vals.append(sess.run(loss))
                v.load(base, sess)
                num = (vals[0] - vals[1]) / (2 * eps)
                np.testing.assert_allclose(g.reshape(-1)[i], num, rtol=1e-5, atol=1e-7,
                                           err_msg=v.op.name)
        mem = sess.run(memory)
        for idx in [(0, 0, 1), (1, 1, 2), (2, 4, 0)]:   # (1, 1) is kept, (2, 4) masked
            vals = []
            for d in (eps, -eps):
                p = mem.copy()
                p[idx] += d
                vals.append(sess.run(loss, {memory: p}))
            num = (vals[0] - vals[1]) / (2 * eps)
            np.testing.assert_allclose(analytic[-1][idx], num, rtol=1e-5, atol=1e-7)
    assert analytic[-1][2, 4, 0] == 0.0


# -- typed errors -------------------------------------------------------------------------
def test_wrapper_rejects_bad_arguments():
    memory = tf.zeros([2, S, H])
    mech = s2s.LuongAttention(H, memory)
    cell = tf.nn.rnn_cell.GRUCell(H)
    with pytest.raises(TypeError, match="must be an AttentionMechanism"):
        s2s.AttentionWrapper(cell, memory)
    with pytest.raises(TypeError, match="not an RNNCell"):
        s2s.AttentionWrapper(object(), mech)
    with pytest.raises(ValueError, match="one integer per attention_mechanism"):
        s2s.AttentionWrapper(cell, mech, attention_layer_size=[2, 3])
    with pytest.raises(TypeError, match="cell_input_fn must be callable"):
        s2s.AttentionWrapper(cell, mech, cell_input_fn=3)
    wrapper = s2s.AttentionWrapper(cell, mech)
    with pytest.raises(TypeError, match="AttentionWrapperState"):
        wrapper(tf.ones([2, D]), tf.zeros([2, H]))


def test_mismatched_batch_sizes_are_invalid_argument():
    memory = tf.zeros([2, S, H])
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), s2s.LuongAttention(H, memory))
    with pytest.raises(tf.errors.InvalidArgumentError, match="requested batch size"):
        cell.zero_state(3, tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="initial_cell_state"):
        s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), s2s.LuongAttention(H, memory),
                             initial_cell_state=tf.zeros([4, H]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch sizes do not match"):
        s2s.BahdanauAttention(H, memory, memory_sequence_length=[1, 2, 3])


def test_dynamic_batch_mismatch_fails_at_run_time():
    memory = tf.placeholder(tf.float32, [None, S, H])
    inputs = tf.placeholder(tf.float32, [None, T, D])
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), s2s.BahdanauAttention(H, memory))
    batch = tf.shape(inputs)[0]
    helper = s2s.TrainingHelper(inputs, tf.fill([batch], T))
    out, _, _ = s2s.dynamic_decode(
        s2s.BasicDecoder(cell, helper, cell.zero_state(batch, tf.float32)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ok = sess.run(out.rnn_output, {memory: np.zeros((2, S, H)), inputs: np.zeros((2, T, D))})
        assert ok.shape == (2, T, H)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Non-matching batch sizes"):
            sess.run(out.rnn_output, {memory: np.zeros((2, S, H)),
                                      inputs: np.zeros((3, T, D))})


def test_mechanisms_reject_bad_inputs():
    memory = tf.zeros([2, S, H])
    with pytest.raises(ValueError, match="num_units"):
        s2s.LuongAttention(0, memory)
    with pytest.raises(ValueError, match="batch_size, max_time"):
        s2s.BahdanauAttention(H, tf.zeros([H]))
    with pytest.raises(ValueError, match="fully defined inner dims"):
        s2s.LuongAttention(H, tf.placeholder(tf.float32, [2, S, None]))
    with pytest.raises(TypeError, match="probability_fn must be callable"):
        s2s.LuongAttention(H, memory, probability_fn=1)
    mech = s2s.LuongAttention(4, memory)
    with pytest.raises(ValueError, match="Incompatible or unknown inner dimensions"):
        mech(tf.zeros([2, H]), None)
    zero_len = s2s.LuongAttention(H, memory, memory_sequence_length=[0, 2])
    align, _ = zero_len(tf.ones([2, H]), None)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="greater than zero"):
            sess.run(align)


def test_hardmax():
    got = tf.Session().run(s2s.hardmax(tf.constant([[0.1, 3.0, 2.0], [5.0, 1.0, 5.0]])))
    np.testing.assert_array_equal(got, [[0, 1, 0], [1, 0, 0]])


def test_memory_sequence_length_must_be_an_int_vector():
    memory = tf.zeros([2, S, H])
    with pytest.raises(ValueError, match="must be a vector"):
        s2s.LuongAttention(H, memory, memory_sequence_length=[[1, 2]])
    with pytest.raises(TypeError, match="integer"):
        s2s.BahdanauAttention(H, memory, memory_sequence_length=[1.0, 2.0])
