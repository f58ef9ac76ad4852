"""tf.contrib.seq2seq BeamSearchDecoder, gather_tree and tile_batch against NumPy
references (tests/contrib/seq2seq_numpy.py: TF 1.15's beam step and gather_tree kernel
re-derived by hand), hand-computed cases, beam width 1 against greedy decoding, and the
typed errors."""

import numpy as np
import pytest

import trainkit as tf
from tests.contrib import seq2seq_numpy as ref
from trainkit.ops.seq2seq.beam_search_ops import gather_tree_from_array

s2s = tf.contrib.seq2seq
RNG = np.random.default_rng(21)
SEED = 0
B, H, V, D = 2, 5, 6, 3


def test_tile_batch_repeats_each_entry_consecutively():
    x = tf.constant([[1, 2], [3, 4]])
    t = s2s.tile_batch({"a": x, "b": tf.constant([7, 8])}, 3)
    assert t["a"].shape.as_list() == [6, 2]
    got = tf.Session().run(t)
    np.testing.assert_array_equal(got["a"], [[1, 2]] * 3 + [[3, 4]] * 3)
    np.testing.assert_array_equal(got["b"], [7, 7, 7, 8, 8, 8])
    with pytest.raises(ValueError, match="statically known rank"):
        s2s.tile_batch(tf.constant(3), 2)


def test_gather_tree_by_hand():
    """Batch 0 (length 3): beam 0 ends in id 6 whose parent chain is 1 -> 0, so it reads
    [2, 4, 6]; beam 1 reads [2, 3, 7]. Batch 1 (length 2): beam 0 [8, 1] and the step past
    its length is end_token; beam 1 [9, 1] -> the end token (1) is kept, later steps 1."""
    ids = np.array([[[2, 9], [8, 9]], [[3, 4], [1, 1]], [[6, 7], [5, 5]]], np.int32)
    parents = np.array([[[0, 0], [0, 0]], [[0, 0], [0, 1]], [[1, 0], [0, 0]]], np.int32)
    got = tf.Session().run(s2s.gather_tree(ids, parents, [3, 2], 1))
    np.testing.assert_array_equal(got[:, 0], [[4 - 2, 2], [4, 3], [6, 7]])
    np.testing.assert_array_equal(got[:, 1], [[8, 9], [1, 1], [1, 1]])
    np.testing.assert_array_equal(got, ref.gather_tree(ids, parents, [3, 2], 1))
    bad = parents.copy()
    bad[2, 0, 0] = 7
    with pytest.raises(tf.errors.InvalidArgumentError, match="invalid parent id"):
        tf.Session().run(s2s.gather_tree(ids, bad, [3, 2], 1))
    with pytest.raises(ValueError, match="max_time, batch, beam"):
        s2s.gather_tree(ids[0], parents[0], [3, 2], 1)


def _rnn_beam_graph(beam, end, max_iter, length_penalty=0.0, seed=SEED):
    # fixed inputs and a graph seed for the layers' initial weights: unseeded, about one
    # run in eight drew weights under which no beam finishes within max_iter
    rng = np.random.default_rng(seed)
    tf.set_random_seed(seed)
    emb = rng.normal(size=(V, D)).astype(np.float32)
    enc = rng.normal(size=(B, H)).astype(np.float32)
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    decoder = s2s.BeamSearchDecoder(cell, tf.constant(emb), tf.constant([0, 2]), end,
                                    s2s.tile_batch(tf.constant(enc), beam), beam,
                                    output_layer=tf.layers.Dense(V),
                                    length_penalty_weight=length_penalty)
    return emb, enc, s2s.dynamic_decode(decoder, maximum_iterations=max_iter)


@pytest.mark.parametrize("length_penalty", [0.0, 0.8])
def test_beam_search_matches_numpy(length_penalty):
    beam, max_iter = 3, 7
    emb, enc, (out, state, lens) = _rnn_beam_graph(beam, 5, max_iter, length_penalty)
    assert out.predicted_ids.shape.as_list() == [B, None, beam]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        bias = [v for v in tf.global_variables() if v.op.name.endswith("dense/bias")][0]
        bias.load(np.eye(V, dtype=np.float32)[5] * 0.6, sess)  # so some beams finish
        got, got_state, got_len = sess.run([out, state.cell_state, lens])
        w = {v.op.name.split("/")[-2] + "/" + v.op.name.split("/")[-1]: val
             for v, val in zip(tf.global_variables(), sess.run(tf.global_variables()))}

    def step(x, h):
        h, _ = ref.rnn_step({"kernel": w["basic_rnn_cell/kernel"],
                             "bias": w["basic_rnn_cell/bias"]}, x, h)
        return h @ w["dense/kernel"] + w["dense/bias"], h

    scores, ids, parents, full, lengths, final = ref.beam_search(
        step, np.repeat(enc, beam, 0), emb, np.array([0, 2]), 5, beam, max_iter,
        length_penalty)
    raw = got.beam_search_decoder_output
    np.testing.assert_array_equal(raw.predicted_ids, np.transpose(ids, (1, 0, 2)))
    np.testing.assert_array_equal(raw.parent_ids, np.transpose(parents, (1, 0, 2)))
    np.testing.assert_allclose(raw.scores, np.transpose(scores, (1, 0, 2)), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_array_equal(got.predicted_ids, np.transpose(full, (1, 0, 2)))
    np.testing.assert_array_equal(got_len, lengths)
    np.testing.assert_allclose(got_state, final, rtol=1e-4, atol=1e-5)
    assert (lengths < max_iter).any(), "the case should have finished beams"


def test_beam_width_one_with_attention_is_greedy_decoding():
    """With one beam, beam search keeps the argmax at every step: the same ids as
    GreedyEmbeddingHelper + BasicDecoder over the same AttentionWrapper weights."""
    memory = tf.constant(RNG.normal(size=(B, 4, H)).astype(np.float32))
    emb = tf.constant(RNG.normal(size=(V, D)).astype(np.float32))
    mech = s2s.BahdanauAttention(H, memory, memory_sequence_length=tf.constant([4, 2]))
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(H), mech, attention_layer_size=H)
    layer = tf.layers.Dense(V)
    with tf.variable_scope("decode") as scope:
        greedy = s2s.BasicDecoder(cell, s2s.GreedyEmbeddingHelper(emb, [0, 0], -1),
                                  cell.zero_state(B, tf.float32), output_layer=layer)
        g_out, _, _ = s2s.dynamic_decode(greedy, maximum_iterations=5)
    with tf.variable_scope(scope, reuse=True):
        beam = s2s.BeamSearchDecoder(cell, emb, [0, 0], -1, cell.zero_state(B, tf.float32),
                                     1, output_layer=layer)
        b_out, _, b_len = s2s.dynamic_decode(beam, maximum_iterations=5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g_ids, b_ids, lens = sess.run([g_out.sample_id, b_out.predicted_ids, b_len])
    np.testing.assert_array_equal(b_ids[:, :, 0], g_ids)
    np.testing.assert_array_equal(lens, [[5], [5]])



def test_beam_search_over_attention_memory_of_unknown_length():
    """nmt's beam-search inference: an AttentionWrapper over a fed memory whose length is
    unknown when the graph is built (its alignments' state size is then a tensor, which
    TF 1.15's BeamSearchDecoder reads as an unknown shape) decodes exactly as over the
    same memory given as a constant, with the same weights."""
    mem_value = RNG.normal(size=(B, 4, H)).astype(np.float32)
    emb = tf.constant(RNG.normal(size=(V, D)).astype(np.float32))
    fed = tf.placeholder(tf.float32, [None, None, H])
    layer = tf.layers.Dense(V)
    outs = []
    for memory, reuse in ((tf.constant(mem_value), False), (fed, True)):
        with tf.variable_scope("decode", reuse=reuse):
            tiled = s2s.tile_batch(memory, 2)
            mech = s2s.LuongAttention(H, tiled, memory_sequence_length=[4, 4, 2, 2])
            cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(H), mech,
                                        attention_layer_size=H)
            beam = s2s.BeamSearchDecoder(cell, emb, [0, 0], 1,
                                         cell.zero_state(B * 2, tf.float32), 2,
                                         output_layer=layer, length_penalty_weight=1.0)
            out, state, _ = s2s.dynamic_decode(beam, maximum_iterations=4)
            outs.append((out.predicted_ids, state.log_probs))
    assert isinstance(cell.state_size.alignments, tf.Tensor)  # the fed memory's length
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        (ids_c, lp_c), (ids_f, lp_f) = sess.run(outs, {fed: mem_value})
    np.testing.assert_array_equal(ids_f, ids_c)
    np.testing.assert_allclose(lp_f, lp_c, rtol=1e-6)

def test_beam_search_rejects_bad_arguments():
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    emb = tf.zeros([V, D])
    state = tf.zeros([B * 2, H])
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        s2s.BeamSearchDecoder(cell, emb, [[0, 0]], 1, state, 2)
    with pytest.raises(ValueError, match="end_token must be a scalar"):
        s2s.BeamSearchDecoder(cell, emb, [0, 0], [1], state, 2)
    with pytest.raises(ValueError, match="beam_width"):
        s2s.BeamSearchDecoder(cell, emb, [0, 0], 1, state, 0)
    with pytest.raises(TypeError, match="output_layer must be a Layer"):
        s2s.BeamSearchDecoder(cell, emb, [0, 0], 1, state, 2, output_layer=len)
    with pytest.raises(ValueError, match="coverage_penalty_weight"):
        s2s.BeamSearchDecoder(cell, emb, [0, 0], 1, state, 2, coverage_penalty_weight=0.5)
    with pytest.raises(ValueError, match="batch_size=encoder_batch_size \\* beam_width"):
        s2s.BeamSearchDecoder(cell, emb, [0, 0], 1, tf.zeros([B, H]), 2)


def test_alignment_history_is_reordered_along_the_final_beams():
    """reorder_tensor_arrays (TF's default) returns the stacked alignment history with
    entry [t, b * K + k] taken from the ancestor of final beam k at step t (beam k itself
    past its length); checked against the unordered history of the same decode."""
    beam, steps = 3, 4
    rng = np.random.default_rng(21)
    memory = s2s.tile_batch(tf.constant(rng.normal(size=(B, 4, H)).astype(np.float32)), beam)
    emb = tf.constant(rng.normal(size=(V, D)).astype(np.float32))
    mech = s2s.LuongAttention(H, memory)
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), mech, alignment_history=True)
    layer = tf.layers.Dense(V)
    results = []
    for reorder in (True, False):
        with tf.variable_scope("decode", reuse=tf.AUTO_REUSE):
            dec = s2s.BeamSearchDecoder(cell, emb, [0, 0], 2, cell.zero_state(B * beam,
                                                                                tf.float32),
                                        beam, output_layer=layer,
                                        reorder_tensor_arrays=reorder)
            results.append(s2s.dynamic_decode(dec, maximum_iterations=steps))
    (out, state, _), (_, raw_state, _) = results
    assert isinstance(state.cell_state.alignment_history, tf.Tensor)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(layer.bias.assign(np.eye(V, dtype=np.float32)[2]))  # some beams finish
        got, parents, lengths, raw = sess.run([
            state.cell_state.alignment_history, out.beam_search_decoder_output.parent_ids,
            state.lengths, raw_state.cell_state.alignment_history.stack()])
    parents = np.transpose(parents, (1, 0, 2))
    t_max = parents.shape[0]
    beam_ids = np.tile(np.arange(beam), (t_max, B, 1))
    order = ref.gather_tree(beam_ids, parents, lengths.max(1), beam + 1)
    inside = np.arange(t_max)[:, None, None] < lengths[None]
    order = np.where(inside, order, beam_ids)
    want = np.stack([raw[t, [b * beam + order[t, b, k] for b in range(B) for k in range(beam)]]
                     for t in range(t_max)])
    assert got.shape == raw.shape == (t_max, B * beam, 4)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_gather_tree_from_array_by_hand():
    """Two steps, one batch entry, beams 0 and 1 both descending from beam 1 at step 0;
    beam 1 has length 1, so its step 1 keeps its own entry."""
    t = np.array([[[10.0], [11.0]], [[20.0], [21.0]]], np.float32)   # [T, B*K, 1]
    parents = np.array([[[0, 0]], [[1, 1]]], np.int32)               # [T, B, K]
    got = tf.Session().run(gather_tree_from_array(t, parents, tf.constant([[2, 1]])))
    np.testing.assert_array_equal(got[:, :, 0], [[11.0, 11.0], [20.0, 21.0]])
