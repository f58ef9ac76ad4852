"""tf.contrib.seq2seq helpers, BasicDecoder and dynamic_decode against NumPy references
(tests/contrib/seq2seq_numpy.py: the same cell math stepped with Python loops, and
TF 1.15's decode-loop rules re-derived by hand: a row's length is the step at which it
finished, outputs past it are zeros only with impute_finished), plus hand-computed cases
and the typed errors of bad inputs."""

import numpy as np
import pytest

import trainkit as tf
from tests.contrib import seq2seq_numpy as ref

s2s = tf.contrib.seq2seq
RNG = np.random.default_rng(11)
B, T, D, H, V = 3, 5, 4, 6, 7


def _weights(sess):
    return {v.op.name.split("/")[-2] + "/" + v.op.name.split("/")[-1]: val
            for v, val in zip(tf.global_variables(), sess.run(tf.global_variables()))}


def _training_graph(time_major=False, impute_finished=False, output_time_major=False):
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    lengths = np.array([5, 2, 3], np.int32)
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    inputs = tf.constant(np.transpose(x, (1, 0, 2)) if time_major else x)
    helper = s2s.TrainingHelper(inputs, tf.constant(lengths), time_major=time_major)
    decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32),
                               output_layer=tf.layers.Dense(V))
    out = s2s.dynamic_decode(decoder, output_time_major=output_time_major,
                             impute_finished=impute_finished)
    return x, lengths, out


def _np_training(w, x, lengths, impute):
    cell = {"kernel": w["basic_rnn_cell/kernel"], "bias": w["basic_rnn_cell/bias"]}
    h = np.zeros((B, H), np.float32)
    logits, final = [], h
    for t in range(max(lengths)):
        out, h_new = ref.rnn_step(cell, x[:, t], h)
        y = out @ w["dense/kernel"] + w["dense/bias"]
        done = t >= lengths
        if impute:
            y = np.where(done[:, None], 0.0, y)
            h_new = np.where(done[:, None], h, h_new)
        logits.append(y)
        h = h_new
    final = h
    return np.stack(logits, 1), final


@pytest.mark.parametrize("time_major", [False, True])
def test_training_helper_decode_matches_numpy(time_major):
    x, lengths, (out, state, seq_len) = _training_graph(time_major=time_major)
    assert isinstance(out, s2s.BasicDecoderOutput)
    assert out.rnn_output.shape.as_list() == [B, None, V]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_state, got_len = sess.run([out, state, seq_len])
        want, _ = _np_training(_weights(sess), x, lengths, impute=False)
    np.testing.assert_array_equal(got_len, lengths)
    assert got.rnn_output.shape == (B, 5, V)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got.sample_id, np.argmax(want, -1))
    assert got.sample_id.dtype == np.int32


def test_impute_finished_zeros_outputs_and_keeps_state():
    x, lengths, (out, state, seq_len) = _training_graph(impute_finished=True,
                                                        output_time_major=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_state = sess.run([out, state])
        want, want_state = _np_training(_weights(sess), x, lengths, impute=True)
    np.testing.assert_allclose(got.rnn_output, np.transpose(want, (1, 0, 2)), rtol=1e-5,
                               atol=1e-5)
    assert np.all(got.rnn_output[2:, 1] == 0.0)       # row 1 has length 2
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-5)


def test_training_helper_stops_at_longest_row_and_zero_lengths():
    x = tf.constant(RNG.normal(size=(2, 6, D)).astype(np.float32))
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.TrainingHelper(x, [0, 3])
    out, _, lens = s2s.dynamic_decode(
        s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_len = sess.run([out.rnn_output, lens])
    assert got.shape == (2, 3, H)          # the loop stops after max(length) = 3 steps
    np.testing.assert_array_equal(got_len, [0, 3])


def _greedy_graph(max_iter, end_token, sample_temperature=None, emb=None):
    emb = RNG.normal(size=(V, D)).astype(np.float32) if emb is None else emb
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    if sample_temperature is None:
        helper = s2s.GreedyEmbeddingHelper(tf.constant(emb), tf.fill([B], 0), end_token)
    else:
        helper = s2s.SampleEmbeddingHelper(tf.constant(emb), tf.fill([B], 0), end_token,
                                           softmax_temperature=sample_temperature, seed=3)
    decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32),
                               output_layer=tf.layers.Dense(V))
    return emb, s2s.dynamic_decode(decoder, maximum_iterations=max_iter)


def _np_greedy(w, emb, end_token, max_iter):
    cell = {"kernel": w["basic_rnn_cell/kernel"], "bias": w["basic_rnn_cell/bias"]}
    h = np.zeros((B, H), np.float32)
    x = emb[np.zeros(B, int)]
    finished = np.zeros(B, bool)
    lengths = np.zeros(B, np.int32)
    ids, logits = [], []
    for t in range(max_iter):
        out, h = ref.rnn_step(cell, x, h)
        y = out @ w["dense/kernel"] + w["dense/bias"]
        k = np.argmax(y, -1)
        lengths = np.where(finished, lengths, t + 1)
        finished = finished | (k == end_token)
        ids.append(k)
        logits.append(y)
        x = emb[k]
        if finished.all():
            break
    return np.stack(logits, 1), np.stack(ids, 1), lengths


def test_greedy_embedding_helper_matches_numpy_and_stops_at_end_token():
    # first pass: find the ids the decoder emits, then pick one of row 0's as end token
    emb, (out, _, lens) = _greedy_graph(8, end_token=-1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = _weights(sess)
        got = sess.run(out)
    _, ids, _ = _np_greedy(w, emb, -1, 8)
    np.testing.assert_array_equal(got.sample_id, ids)
    end = int(ids[0, 2])
    tf.reset_default_graph()
    _, (out, _, lens) = _greedy_graph(8, end_token=end, emb=emb)
    assert out.rnn_output.shape.as_list() == [B, None, V]
    with tf.Session() as sess:
        for v in tf.global_variables():
            key = v.op.name.split("/")[-2] + "/" + v.op.name.split("/")[-1]
            v.load(w[key], sess)
        got, got_len = sess.run([out, lens])
    want_logits, want_ids, want_len = _np_greedy(w, emb, end, 8)
    assert want_len[0] <= 3
    np.testing.assert_array_equal(got_len, want_len)
    np.testing.assert_array_equal(got.sample_id, want_ids)
    np.testing.assert_allclose(got.rnn_output, want_logits, rtol=1e-5, atol=1e-5)


def test_greedy_all_rows_emit_end_token_at_first_step():
    """Hand computation: a zero output kernel and a bias peaking at the end token make
    every row emit it at step 0, so every length is 1 and one step is decoded."""
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.GreedyEmbeddingHelper(tf.ones([V, D]), [2, 2, 2], 4)
    bias = np.zeros(V, np.float32)
    bias[4] = 1.0
    layer = tf.layers.Dense(V, kernel_initializer=tf.zeros_initializer(),
                            bias_initializer=tf.constant_initializer(bias))
    out, _, lens = s2s.dynamic_decode(
        s2s.BasicDecoder(cell, helper, cell.zero_state(3, tf.float32), output_layer=layer))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_len = sess.run([out, lens])
    np.testing.assert_array_equal(got_len, [1, 1, 1])
    np.testing.assert_array_equal(got.sample_id, [[4], [4], [4]])
    np.testing.assert_allclose(got.rnn_output, np.tile(bias, (3, 1, 1)))


def test_maximum_iterations_caps_lengths():
    _, (out, _, lens) = _greedy_graph(3, end_token=-1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_len = sess.run([out.sample_id, lens])
    assert got.shape == (B, 3)
    np.testing.assert_array_equal(got_len, [3, 3, 3])


def test_sample_helper_at_low_temperature_is_greedy():
    emb, (out, _, lens) = _greedy_graph(6, end_token=-1, sample_temperature=1e-4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = _weights(sess)
        got = sess.run(out)
    _, ids, _ = _np_greedy(w, emb, -1, 6)
    np.testing.assert_array_equal(got.sample_id, ids)


def test_sample_helper_draws_valid_ids():
    _, (out, _, _) = _greedy_graph(6, end_token=-1, sample_temperature=5.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ids = sess.run(out.sample_id)
    assert ids.shape == (B, 6) and ids.min() >= 0 and ids.max() < V


def test_custom_helper_feeds_its_own_inputs():
    """A CustomHelper feeding ones for exactly two steps: lengths 2, and with a zero
    cell kernel and bias 0 the outputs are tanh(0) = 0 throughout."""
    def init():
        return tf.constant([False, False]), tf.ones([2, D])

    def sample(time, outputs, state):
        return tf.zeros([2], tf.int32)

    def next_inputs(time, outputs, state, sample_ids):
        return tf.fill([2], time + 1 >= 2), tf.ones([2, D]), state

    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.CustomHelper(init, sample, next_inputs)
    out, _, lens = s2s.dynamic_decode(
        s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_len = sess.run([out, lens])
    np.testing.assert_array_equal(got_len, [2, 2])
    assert got.rnn_output.shape == (2, 2, H)


def test_decoder_variables_are_named_as_tf1():
    _training_graph()
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["decoder/basic_rnn_cell/kernel", "decoder/basic_rnn_cell/bias",
                     "decoder/dense/kernel", "decoder/dense/bias"]


# -- typed errors -------------------------------------------------------------------------
def _cell_and_helper():
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.TrainingHelper(tf.zeros([2, 3, D]), [3, 3])
    return cell, helper


def test_basic_decoder_rejects_bad_arguments():
    cell, helper = _cell_and_helper()
    state = cell.zero_state(2, tf.float32)
    with pytest.raises(TypeError, match="helper must be a Helper"):
        s2s.BasicDecoder(cell, object(), state)
    with pytest.raises(TypeError, match="output_layer must be a Layer"):
        s2s.BasicDecoder(cell, helper, state, output_layer=lambda x: x)
    with pytest.raises(TypeError, match="not an RNNCell"):
        s2s.BasicDecoder(object(), helper, state)


def test_dynamic_decode_rejects_bad_arguments():
    cell, helper = _cell_and_helper()
    decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32))
    with pytest.raises(TypeError, match="Expected decoder to be type Decoder"):
        s2s.dynamic_decode(cell)
    with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
        s2s.dynamic_decode(decoder, maximum_iterations=[3, 4])


def test_training_helper_rejects_bad_shapes():
    with pytest.raises(ValueError, match="sequence_length to be a vector"):
        s2s.TrainingHelper(tf.zeros([2, 3, D]), [[3, 3]])
    with pytest.raises(ValueError, match="rank at least 2"):
        s2s.TrainingHelper(tf.zeros([3]), [3])
    with pytest.raises(ValueError, match="rank at least 2"):
        s2s.TrainingHelper(tf.zeros([3]), [3], time_major=True)
    with pytest.raises(TypeError, match="integer"):
        s2s.TrainingHelper(tf.zeros([2, 3, D]), [3.0, 3.0])


def test_embedding_helpers_reject_bad_tokens():
    emb = tf.zeros([V, D])
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        s2s.GreedyEmbeddingHelper(emb, [[0, 0]], 1)
    with pytest.raises(ValueError, match="end_token must be a scalar"):
        s2s.GreedyEmbeddingHelper(emb, [0, 0], [1])
    helper = s2s.GreedyEmbeddingHelper(emb, [0, 0], 1)
    with pytest.raises(TypeError, match="single Tensor"):
        helper.sample(0, (tf.zeros([2, V]),), None)
    with pytest.raises(TypeError, match="callable"):
        s2s.CustomHelper(None, lambda: 0, lambda: 0)


def test_custom_helper_batch_size_needs_initialize():
    helper = s2s.CustomHelper(lambda: (tf.constant([False]), tf.ones([1, D])),
                              lambda **_: None, lambda **_: None)
    with pytest.raises(ValueError, match="before initialize"):
        _ = helper.batch_size
    helper.initialize()
    assert tf.Session().run(helper.batch_size) == 1


def test_output_layer_without_a_known_output_size_is_a_type_error():
    class Identity(tf.layers.Layer):
        def call(self, inputs):
            return inputs

    cell, helper = _cell_and_helper()
    decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32),
                               output_layer=Identity())
    with pytest.raises(TypeError, match="compute_output_shape"):
        _ = decoder.output_size
