"""Candidate samplers (distribution, expected counts, seeds, checkpointed RNG state),
compute_accidental_hits, and nce_loss / sampled_softmax_loss against NumPy with the same
sampled candidates."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

FLT_MAX = float(np.finfo(np.float32).max)


def _p_log_uniform(c, r):
    return (np.log(c + 2.0) - np.log(c + 1.0)) / np.log(r + 1.0)


def test_log_uniform_sampler_distribution_and_expected_counts():
    labels = tk.constant([[1], [7]], tk.int64)
    s = tk.nn.log_uniform_candidate_sampler(labels, 1, 40000, unique=False, range_max=10,
                                            seed=3)
    with tk.Session() as sess:
        sampled, tec, sec = sess.run(s)
    freq = np.bincount(sampled, minlength=10) / sampled.size
    p = _p_log_uniform(np.arange(10), 10)
    np.testing.assert_allclose(freq, p, atol=0.01)   # ~4 sigma for 40000 draws
    np.testing.assert_allclose(tec[:, 0], p[[1, 7]] * 40000, rtol=1e-5)
    np.testing.assert_allclose(sec, p[sampled] * 40000, rtol=1e-5)
    assert tec.dtype == np.float32 and sampled.dtype == np.int64


def test_unique_samples_and_their_expected_counts():
    labels = tk.constant([[0, 3]], tk.int64)
    s = tk.nn.log_uniform_candidate_sampler(labels, 2, 6, unique=True, range_max=20, seed=1)
    with tk.Session() as sess:
        for _ in range(5):
            sampled, tec, sec = sess.run(s)
            assert len(set(sampled.tolist())) == 6
            p = _p_log_uniform(sampled, 20)
            p_true = _p_log_uniform(np.array([0, 3]), 20)
            if np.allclose(sec, p * 6, rtol=1e-5):   # no draw rejected: p * k, as TF
                np.testing.assert_allclose(tec[0], p_true * 6, rtol=1e-5)
                continue
            tries = np.log1p(-sec.astype(np.float64)) / np.log1p(-p)  # 1-(1-p)^tries
            assert np.all(np.abs(tries - np.round(tries[0])) < 1e-2) and tries[0] > 6.99
            want_true = -np.expm1(np.round(tries[0]) * np.log1p(-p_true))
            np.testing.assert_allclose(tec[0], want_true, rtol=1e-5)


def test_uniform_sampler_and_seeds_replay_in_a_new_session():
    def run():
        tk.reset_default_graph()
        tk.set_random_seed(5)
        s = tk.nn.uniform_candidate_sampler(tk.constant([[2]], tk.int64), 1, 8, False, 4)
        with tk.Session() as sess:
            return [sess.run(s) for _ in range(2)]
    a, b = run(), run()
    np.testing.assert_array_equal(a[0].sampled_candidates, b[0].sampled_candidates)
    np.testing.assert_array_equal(a[1].sampled_candidates, b[1].sampled_candidates)
    assert a[0].sampled_candidates.max() < 4
    np.testing.assert_allclose(a[0].sampled_expected_count, 8 / 4)


def test_sampler_state_is_restored_from_a_checkpoint(tmp_path):
    tk.set_random_seed(9)
    s = tk.nn.log_uniform_candidate_sampler(tk.constant([[1]], tk.int64), 1, 5, True, 50)
    v = tk.Variable(1.0)
    saver = tk.train.Saver()
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(s.sampled_candidates)
        path = saver.save(sess, str(tmp_path / "m"))
        want = [sess.run(s.sampled_candidates) for _ in range(2)]
    with tk.Session() as sess:
        saver.restore(sess, path)
        got = [sess.run(s.sampled_candidates) for _ in range(2)]
    np.testing.assert_array_equal(np.array(got), np.array(want))
    del v


def test_sampler_bad_arguments():
    lab = tk.constant([[1]], tk.int64)
    with pytest.raises(ValueError, match="range_max"):
        tk.nn.log_uniform_candidate_sampler(lab, 1, 10, True, 5)
    with pytest.raises(ValueError, match="num_sampled"):
        tk.nn.uniform_candidate_sampler(lab, 1, 0, False, 5)
    with pytest.raises(ValueError, match="num_true"):
        tk.nn.uniform_candidate_sampler(tk.constant([[1, 2]], tk.int64), 1, 2, False, 5)
    with pytest.raises(TypeError, match="int64"):
        tk.nn.uniform_candidate_sampler(tk.constant([[1.0]]), 1, 2, False, 5)


def test_compute_accidental_hits_matches_tf():
    hits = tk.nn.compute_accidental_hits(tk.constant([[1, 2], [3, 3]], tk.int64),
                                         tk.constant([2, 3, 1], tk.int64), 2)
    with tk.Session() as sess:
        idx, ids, w = sess.run(hits)
    # recorded with TF 2.21 (tf.compat.v1.nn.compute_accidental_hits)
    np.testing.assert_array_equal(idx, [0, 0, 1, 1])
    np.testing.assert_array_equal(ids, [2, 0, 1, 1])
    np.testing.assert_array_equal(w, [-FLT_MAX] * 4)


def test_compute_accidental_hits_marks_a_repeated_class_at_its_last_position():
    hits = tk.nn.compute_accidental_hits(tk.constant([[1, 3], [2, 5]], tk.int64),
                                         tk.constant([1, 2, 1, 3, 3], tk.int64), num_true=2)
    with tk.Session() as sess:
        idx, ids, w = sess.run(hits)
    # recorded with TF 2.21: one hit per (row, true class), at the class's last position
    np.testing.assert_array_equal(idx, [0, 0, 1])
    np.testing.assert_array_equal(ids, [2, 4, 1])
    np.testing.assert_array_equal(w, [-FLT_MAX] * 3)


def _np_logits(W, b, labels, x, sampled, tec, sec, remove_hits):
    true_logits = np.sum(x[:, None, :] * W[labels], axis=2) + b[labels]
    sampled_logits = x @ W[sampled].T + b[sampled]
    if remove_hits:
        for i in range(labels.shape[0]):
            for j, c in enumerate(sampled):
                if c in labels[i]:
                    sampled_logits[i, j] += -FLT_MAX
    true_logits = true_logits - np.log(tec)
    sampled_logits = sampled_logits - np.log(sec)
    logits = np.concatenate([true_logits, sampled_logits], 1)
    lab = np.concatenate([np.full(true_logits.shape, 1.0 / labels.shape[1]),
                          np.zeros(sampled_logits.shape)], 1)
    return logits, lab


def _setup(num_true):
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(30, 4)), rng.normal(size=30)
    x = rng.normal(size=(5, 4))
    labels = rng.integers(0, 30, size=(5, num_true))
    labels[0, 0] = 0    # class 0 is the likeliest sample: makes accidental hits likely
    return W, b, x, labels


@pytest.mark.parametrize("num_true,remove", [(1, False), (2, True)])
def test_nce_loss_matches_numpy_with_the_same_samples(num_true, remove):
    W, b, x, labels = _setup(num_true)
    sv = tk.nn.log_uniform_candidate_sampler(tk.constant(labels, tk.int64), num_true, 8,
                                             True, 30, seed=2)
    loss = tk.nn.nce_loss(tk.constant(W), tk.constant(b), tk.constant(labels),
                          tk.constant(x), 8, 30, num_true=num_true, sampled_values=sv,
                          remove_accidental_hits=remove)
    with tk.Session() as sess:
        got, (sampled, tec, sec) = sess.run((loss, sv))
    logits, lab = _np_logits(W, b, labels, x, sampled, tec, sec, remove)
    want = (np.maximum(logits, 0) - logits * lab + np.log1p(np.exp(-np.abs(logits)))).sum(1)
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("num_true,remove", [(1, True), (2, False)])
def test_sampled_softmax_loss_matches_numpy_with_the_default_sampler(num_true, remove):
    W, b, x, labels = _setup(num_true)
    tk.set_random_seed(4)
    loss = tk.nn.sampled_softmax_loss(tk.constant(W), tk.constant(b), tk.constant(labels),
                                      tk.constant(x), 6, 30, num_true=num_true,
                                      remove_accidental_hits=remove)
    sampler = [op for op in tk.get_default_graph().get_operations()
               if op.type == "LogUniformCandidateSampler"]
    assert len(sampler) == 1
    with tk.Session() as sess:
        got, (sampled, tec, sec) = sess.run((loss, list(sampler[0].outputs)))
    assert len(set(sampled.tolist())) == 6                   # unique by default
    logits, lab = _np_logits(W, b, labels, x, sampled, tec, sec, remove)
    z = logits - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    np.testing.assert_allclose(got, -(lab * logp).sum(1), rtol=1e-6)


def test_word2vec_style_training_with_nce_lowers_the_loss():
    rng = np.random.default_rng(1)
    vocab, dim = 40, 8
    centers = rng.integers(0, vocab, 64)
    contexts = (centers + 1) % vocab               # a deterministic "next word" task
    tk.set_random_seed(0)
    emb = tk.Variable(tk.random_uniform([vocab, dim], -1.0, 1.0))
    nce_w = tk.Variable(tk.truncated_normal([vocab, dim], stddev=0.3))
    nce_b = tk.Variable(tk.zeros([vocab]))
    embed = tk.nn.embedding_lookup(emb, centers)
    loss = tk.reduce_mean(tk.nn.nce_loss(nce_w, nce_b, contexts[:, None], embed, 10, vocab))
    eval_logits = tk.matmul(embed, nce_w, transpose_b=True) + nce_b
    acc = tk.reduce_mean(tk.cast(tk.nn.in_top_k(eval_logits, contexts, 3), tk.float32))
    train = tk.train.AdagradOptimizer(0.5).minimize(loss)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        first = np.mean([sess.run(loss) for _ in range(5)])
        for _ in range(150):
            sess.run(train)
        last = np.mean([sess.run(loss) for _ in range(5)])
        accuracy = sess.run(acc)
    assert last < 0.5 * first
    assert accuracy > 0.5


def _word2vec_run(logdir, last_step):
    """Trains a tiny skip-gram model with NCE under MonitoredTrainingSession up to
    ``last_step`` (resuming from ``logdir``); returns the final embedding."""
    tk.reset_default_graph()
    tk.set_random_seed(3)
    rng = np.random.default_rng(0)
    centers = rng.integers(0, 30, 16)
    contexts = ((centers + 1) % 30)[:, None]
    emb = tk.get_variable("emb", [30, 4], initializer=tk.random_uniform_initializer(-1, 1))
    w = tk.get_variable("nce_w", [30, 4])
    b = tk.get_variable("nce_b", [30], initializer=tk.zeros_initializer())
    loss = tk.reduce_mean(tk.nn.nce_loss(w, b, contexts, tk.nn.embedding_lookup(emb, centers),
                                         num_sampled=5, num_classes=30))
    gs = tk.train.get_or_create_global_step()
    train = tk.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=gs)
    with tk.train.MonitoredTrainingSession(
            checkpoint_dir=str(logdir), save_checkpoint_steps=4, save_summaries_steps=None,
            hooks=[tk.train.StopAtStepHook(last_step=last_step)]) as sess:
        while not sess.should_stop():
            sess.run(train)
    with tk.Session() as sess:
        tk.train.Saver().restore(sess, tk.train.latest_checkpoint(str(logdir)))
        return sess.run(emb)


def test_nce_training_resumes_exactly_from_a_checkpoint(tmp_path):
    straight = _word2vec_run(tmp_path / "a", 8)
    _word2vec_run(tmp_path / "b", 4)
    resumed = _word2vec_run(tmp_path / "b", 8)       # steps 5..8 after a restart
    np.testing.assert_array_equal(resumed, straight)  # same samples, same momentum slots


def test_sampled_loss_bad_arguments():
    w, b = tk.zeros([10, 3]), tk.zeros([10])
    x = tk.zeros([2, 3])
    with pytest.raises(TypeError, match="integer class ids"):
        tk.nn.nce_loss(w, b, tk.zeros([2, 1]), x, 2, 10)
    with pytest.raises(TypeError, match="triple"):
        tk.nn.sampled_softmax_loss(w, b, [[1], [2]], x, 2, 10, sampled_values=[1, 2])
    with pytest.raises(TypeError, match="int64"):
        tk.nn.compute_accidental_hits(tk.zeros([2, 1]), [1, 2], 1)


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_nce_loss_with_partitioned_weights_equals_unpartitioned(strategy):
    W, b, x, labels = _setup(1)
    sv = tk.nn.log_uniform_candidate_sampler(tk.constant(labels, tk.int64), 1, 8, True, 30,
                                             seed=5)
    if strategy == "mod":
        parts = [W[0::3], W[1::3], W[2::3]]
        bparts = [b[0::3], b[1::3], b[2::3]]
    else:
        parts, bparts = [W[:10], W[10:20], W[20:]], [b[:10], b[10:20], b[20:]]
    whole = tk.nn.nce_loss(tk.constant(W), tk.constant(b), labels, tk.constant(x), 8, 30,
                           sampled_values=sv)
    split = tk.nn.nce_loss([tk.constant(p) for p in parts], [tk.constant(p) for p in bparts],
                           labels, tk.constant(x), 8, 30, sampled_values=sv,
                           partition_strategy=strategy)
    with tk.Session() as sess:
        a, c = sess.run((whole, split))
    np.testing.assert_allclose(a, c, rtol=1e-12)
