"""tf.contrib.crf against brute-force enumeration of every tag sequence (NumPy) and
gradients against central finite differences."""

import itertools

import numpy as np
import pytest

import trainkit as tf

RNG = np.random.default_rng(7)
B, T, N = 4, 4, 3
INPUTS = RNG.normal(size=(B, T, N))
TRANS = RNG.normal(size=(N, N))
TAGS = RNG.integers(0, N, size=(B, T)).astype(np.int32)
LENGTHS = np.array([4, 2, 1, 0], np.int32)


def np_score(x, tags, length, trans):
    s = sum(x[t, tags[t]] for t in range(length))
    return s + sum(trans[tags[t - 1], tags[t]] for t in range(1, length))


def np_log_norm(x, length, trans):
    if length <= 0:
        return 0.0
    scores = [np_score(x, seq, length, trans)
              for seq in itertools.product(range(x.shape[1]), repeat=length)]
    return float(np.log(np.sum(np.exp(scores))))


def np_best(x, length, trans):
    seqs = list(itertools.product(range(x.shape[1]), repeat=length))
    scores = [np_score(x, s, length, trans) for s in seqs]
    i = int(np.argmax(scores))
    return list(seqs[i]), scores[i]


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


def run(*ts, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(list(ts), feed_dict=feed)


def test_scores_and_log_norm_match_enumeration():
    crf = tf.contrib.crf
    x = tf.constant(INPUTS)
    trans = tf.constant(TRANS)
    unary, binary, seq, norm, ll = run(
        crf.crf_unary_score(TAGS, LENGTHS, x), crf.crf_binary_score(TAGS, LENGTHS, trans),
        crf.crf_sequence_score(x, TAGS, LENGTHS, trans), crf.crf_log_norm(x, LENGTHS, trans),
        crf.crf_log_likelihood(x, TAGS, LENGTHS, trans)[0])
    want_seq = [np_score(INPUTS[b], TAGS[b], LENGTHS[b], TRANS) for b in range(B)]
    want_unary = [np_score(INPUTS[b], TAGS[b], LENGTHS[b], TRANS * 0) for b in range(B)]
    want_norm = [np_log_norm(INPUTS[b], LENGTHS[b], TRANS) for b in range(B)]
    np.testing.assert_allclose(unary, want_unary, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(binary, np.subtract(want_seq, want_unary), atol=1e-12)
    np.testing.assert_allclose(seq, want_seq, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(norm, want_norm, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ll, np.subtract(want_seq, want_norm), rtol=1e-12, atol=1e-12)
    assert np.all(ll[:3] < 0) and ll[3] == 0.0


def test_single_step_sequences():
    crf = tf.contrib.crf
    x = INPUTS[:, :1]
    seq, norm = run(crf.crf_sequence_score(tf.constant(x), TAGS[:, :1], LENGTHS, TRANS),
                    crf.crf_log_norm(tf.constant(x), LENGTHS, TRANS))
    lengths = np.minimum(LENGTHS, 1)
    np.testing.assert_allclose(seq, [np_score(x[b], TAGS[b], lengths[b], TRANS)
                                     for b in range(B)], atol=1e-12)
    np.testing.assert_allclose(norm, [np_log_norm(x[b], lengths[b], TRANS)
                                      for b in range(B)], atol=1e-12)


def test_gradients_match_finite_differences():
    x = tf.placeholder(tf.float64, [B, T, N])
    trans = tf.placeholder(tf.float64, [N, N])
    ll, _ = tf.contrib.crf.crf_log_likelihood(x, TAGS, LENGTHS, trans)
    loss = tf.reduce_sum(ll * np.array([1.0, -2.0, 0.5, 3.0]))
    gx, gt = tf.gradients(loss, [x, trans])
    with tf.Session() as s:
        def f(xv, tv):
            return s.run(loss, {x: xv, trans: tv})
        ax, at = s.run([gx, gt], {x: INPUTS, trans: TRANS})
        eps = 1e-6
        for arr, grad, which in [(INPUTS, ax, 0), (TRANS, at, 1)]:
            num = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                hi, lo = arr.copy(), arr.copy()
                hi[idx] += eps
                lo[idx] -= eps
                args_hi = (hi, TRANS) if which == 0 else (INPUTS, hi)
                args_lo = (lo, TRANS) if which == 0 else (INPUTS, lo)
                num[idx] = (f(*args_hi) - f(*args_lo)) / (2 * eps)
            np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-7)
    assert np.all(ax[3] == 0) and np.all(ax[1, 2:] == 0)   # padding gets no gradient


def test_transition_variable_is_created_and_trained():
    x = tf.constant(INPUTS.astype(np.float32))
    ll, trans = tf.contrib.crf.crf_log_likelihood(x, TAGS, LENGTHS)
    assert trans.op.name == "transitions" and trans.shape.as_list() == [N, N]
    loss = -tf.reduce_mean(ll)
    step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        before = s.run(loss)
        for _ in range(20):
            s.run(step)
        assert s.run(loss) < before


def test_viterbi_and_crf_decode_match_enumeration():
    for b in range(3):
        n = LENGTHS[b]
        path, score = tf.contrib.crf.viterbi_decode(INPUTS[b, :n], TRANS)
        want_path, want_score = np_best(INPUTS[b], n, TRANS)
        assert path == want_path
        np.testing.assert_allclose(score, want_score, rtol=1e-12)
    tags, best = run(*tf.contrib.crf.crf_decode(tf.constant(INPUTS.astype(np.float32)),
                                                tf.constant(TRANS.astype(np.float32)),
                                                tf.constant(LENGTHS)))
    assert tags.dtype == np.int32 and tags.shape == (B, T) and best.dtype == np.float32
    for b in range(3):
        want_path, want_score = np_best(INPUTS[b], LENGTHS[b], TRANS)
        assert tags[b, :LENGTHS[b]].tolist() == want_path
        assert np.all(tags[b, LENGTHS[b]:] == 0)
        np.testing.assert_allclose(best[b], want_score, rtol=1e-5)
    # TF's crf_decode on an empty sequence: the argmax of the first step, its max score
    assert tags[3].tolist() == [int(INPUTS[3, 0].argmax()), 0, 0, 0]
    np.testing.assert_allclose(best[3], INPUTS[3, 0].max(), rtol=1e-6)


def test_bad_inputs():
    crf = tf.contrib.crf
    with pytest.raises(ValueError, match="rank 3"):
        crf.crf_log_norm(tf.zeros([2, 3]), [1, 1], TRANS)
    with pytest.raises(ValueError, match="square"):
        crf.crf_binary_score(TAGS, LENGTHS, tf.zeros([3, 2]))
    with pytest.raises(TypeError, match="integers"):
        crf.crf_unary_score(TAGS.astype(np.float32), LENGTHS, INPUTS)
    with pytest.raises(ValueError, match="viterbi_decode needs"):
        crf.viterbi_decode(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="number of tags"):
        crf.crf_log_likelihood(tf.placeholder(tf.float32, [2, 3, None]), TAGS[:2, :3], [1, 1])
