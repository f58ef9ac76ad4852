"""``tf.nn.fixed_unigram_candidate_sampler`` against TF 2.21 ``tf.compat.v1``: the expected
counts below are TF's for the same arguments (they do not depend on the random draws);
the draws themselves follow trainkit's generator, checked by their frequencies."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk

U = [1, 2, 3, 4, 5, 6]


def _run(fetches, n=1):
    with tk.Session() as s:
        return [s.run(fetches) for _ in range(n)]


@pytest.mark.parametrize("kwargs, true_ids, want", [
    (dict(range_max=6, unigrams=U), [0, 3, 5], [0.190476194, 0.761904776, 1.142857194]),
    (dict(range_max=6, unigrams=U, distortion=0.5), [0, 3, 5],
     [0.369282275, 0.738564551, 0.904553175]),
    (dict(range_max=8, unigrams=U, num_reserved_ids=2), [0, 3, 5],
     [0.0, 0.380952388, 0.761904776]),
    (dict(range_max=3, unigrams=U, num_shards=2, shard=1), [0, 1, 2],
     [0.666666687, 1.333333373, 2.0]),
])
def test_expected_counts_are_tf_values(kwargs, true_ids, want):
    with tk.Graph().as_default():
        tc = tk.constant([[i] for i in true_ids], tk.int64)
        out = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 4, False, seed=3, **kwargs)
        (r,) = _run(out)
        np.testing.assert_allclose(r.true_expected_count.ravel(), want, rtol=1e-6)
        assert r.sampled_expected_count.shape == (4,)
        assert set(r.sampled_candidates.tolist()) <= set(range(kwargs["range_max"]))


def test_draw_frequencies_follow_the_weights_and_reserved_ids_never_appear():
    with tk.Graph().as_default():
        tc = tk.constant([[2]], tk.int64)
        out = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 50, False, range_max=8,
                                                    unigrams=U, num_reserved_ids=2, seed=1)
        draws = np.concatenate([r.sampled_candidates for r in _run(out, 200)])
    counts = np.bincount(draws, minlength=8)
    assert counts[:2].sum() == 0
    p = np.asarray(U, float) / sum(U)
    n = len(draws)
    # each count within 5 standard deviations of its binomial mean
    assert np.all(np.abs(counts[2:] - n * p) < 5 * np.sqrt(n * p * (1 - p)))


@pytest.mark.parametrize("seed", [7, 8, 9, 10])
def test_unique_counts_share_one_number_of_tries(seed):
    # TF 2.21, unigrams [1, 2, 3], 2 unique samples: 0.4212963 for class 0 (p = 1/6),
    # 0.875 for class 2 (p = 1/2): 1 - (1 - p) ** 3, three tries
    with tk.Graph().as_default():
        tc = tk.constant([[0], [1], [2]], tk.int64)
        out = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 2, True, range_max=3,
                                                    unigrams=[1, 2, 3], seed=seed)
        (r,) = _run(out)
    assert len(set(r.sampled_candidates.tolist())) == 2
    p = np.array([1, 2, 3]) / 6.0
    if np.allclose(r.true_expected_count.ravel(), p * 2, rtol=1e-6):
        return   # no draw rejected: TF counts p * k, as without unique
    tries = math.log(1 - r.true_expected_count[0, 0]) / math.log(1 - p[0])
    assert abs(tries - round(tries)) < 1e-4 and round(tries) >= 2
    np.testing.assert_allclose(r.true_expected_count.ravel(), 1 - (1 - p) ** round(tries),
                               rtol=1e-6)


def test_vocab_file_last_field_counts(tmp_path):
    path = tmp_path / "vocab.csv"
    path.write_text("the,4\nof,2\n\nand,2\n")
    with tk.Graph().as_default():
        tc = tk.constant([[0], [2]], tk.int64)
        out = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 8, False, range_max=3,
                                                    vocab_file=str(path))
        (r,) = _run(out)
    np.testing.assert_allclose(r.true_expected_count.ravel(), [4.0, 2.0])


def test_errors():
    with tk.Graph().as_default():
        tc = tk.constant([[0], [3]], tk.int64)
        with pytest.raises(ValueError, match="exactly one of vocab_file and unigrams"):
            tk.nn.fixed_unigram_candidate_sampler(tc, 1, 2, False, range_max=3)
        with pytest.raises(ValueError, match="shard must be"):
            tk.nn.fixed_unigram_candidate_sampler(tc, 1, 2, False, range_max=3, unigrams=U,
                                                  num_shards=2, shard=2)
        # TF's run-time messages: "range is 5 must be equal to weights size  3" and
        # "`true_candidate` out of range [0, 3), received 3"
        wrong = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 2, False, range_max=5,
                                                      unigrams=[1, 2, 3])
        outside = tk.nn.fixed_unigram_candidate_sampler(tc, 1, 2, False, range_max=3,
                                                        unigrams=[1, 2, 3])
        with tk.Session() as s:
            with pytest.raises(tk.errors.InvalidArgumentError, match="weights size"):
                s.run(wrong)
            with pytest.raises(tk.errors.InvalidArgumentError, match="out of range"):
                s.run(outside)


def test_learned_unigram_counts_grow_with_the_true_classes_as_tf():
    # TF 2.21: true classes [1, 1, 2], range 5, 3 samples: the first run sees weights all
    # 1 (0.6 each), the next [1, 3, 2, 1, 1] (1.125, 1.125, 0.75), then [1, 5, 3, 1, 1]
    with tk.Graph().as_default():
        tc = tk.constant([[1], [1], [2]], tk.int64)
        out = tk.nn.learned_unigram_candidate_sampler(tc, 1, 3, False, 5, seed=1)
        got = [r.true_expected_count.ravel() for r in _run(out, 3)]
    np.testing.assert_allclose(got, [[0.6, 0.6, 0.6], [1.125, 1.125, 0.75],
                                     [1.363636, 1.363636, 0.818182]], rtol=1e-5)


def test_unique_without_rejections_counts_p_times_k_and_all_sampler():
    # TF 2.21: the first unique learned-unigram run (no rejected draws) gives 0.6 = 3 / 5
    with tk.Graph().as_default():
        tc = tk.constant([[1], [1], [2]], tk.int64)
        uniq = tk.nn.learned_unigram_candidate_sampler(tc, 1, 3, True, 5, seed=1)
        every = tk.random.all_candidate_sampler(tc, 1, 4, True)
        with tk.Session() as s:
            r = s.run(uniq)
            a = s.run(every)
    tries_free = len(set(r.sampled_candidates.tolist())) == 3
    assert tries_free
    if np.allclose(r.sampled_expected_count, 0.6):   # no draw was rejected
        np.testing.assert_allclose(r.true_expected_count.ravel(), [0.6] * 3, rtol=1e-6)
    assert a.sampled_candidates.tolist() == [0, 1, 2, 3]
    assert a.true_expected_count.tolist() == [[1.0]] * 3
    assert a.sampled_expected_count.tolist() == [1.0] * 4
