"""Seeded ``tf.nn.log_uniform_candidate_sampler`` / ``uniform_candidate_sampler`` draw
TF's classes: the expected values below are what TF 2.21 (``tf.compat.v1``, CPU) returned
for the same arguments and seeds, two runs each (the second run reads on in the op's
Philox stream, 2048 words per sampled class further)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import range_sampler_draws
from trainkit.ops.philox_stream import PhiloxStream

# (sampler, true classes, num_true, num_sampled, unique, range_max, seed) ->
# TF's (sampled, true_expected_count, sampled_expected_count) of two runs
# (the graph seed is unset: TF's op seeds are (87654321, seed); the first case sets 1)
CASES = [
    ("log_uniform", [[1], [2]], 1, 5, True, 50, 5, [
        ([8, 36, 2, 4, 10], [0.5156194, 0.36583778],
         [0.13398422, 0.03391331, 0.36583778, 0.23185356, 0.1106501]),
        ([5, 2, 43, 0, 38], [0.58134174, 0.45548505],
         [0.27382267, 0.45548505, 0.0448207, 0.7880719, 0.05036745])]),
    ("uniform", [[1], [2]], 1, 6, True, 10, 7, [
        ([9, 8, 4, 6, 2, 5], [0.6513215899] * 2, [0.6513215899] * 6),
        ([1, 8, 0, 4, 5, 3], [0.5217031240] * 2, [0.5217031240] * 6)]),
    ("log_uniform", [[1], [2]], 1, 8, False, 1000, 3, [
        ([0, 277, 0, 104, 14, 186, 0, 287], [0.4695087671, 0.3331217765],
         [0.8026305437, 0.0041578179, 0.8026305437, 0.0109759215, 0.0747324526,
          0.0061757536, 0.8026305437, 0.0040136990]),
        ([100, 0, 3, 304, 552, 8, 873, 6], [0.4695087671, 0.3331217765],
         [0.0114084770, 0.8026305437, 0.2583893239, 0.0037903506, 0.0020920531,
          0.1220023185, 0.0013241294, 0.1546228229])]),
    ("log_uniform", [[0, 3]], 2, 9, True, 12, 11, [
        ([5, 0, 1, 7, 9, 4, 6, 2, 8], [0.9994795918, 0.8874540328],
         [0.7740712165, 0.9994795918, 0.9839116930, 0.6763820648, 0.5969925522,
          0.8296046257, 0.7228341102, 0.9424500465, 0.6345657706]),
        ([0, 1, 6, 2, 3, 4, 9, 7, 8], [0.9997228384, 0.9061846137],
         [0.9997228384, 0.9885961413, 0.7509414553, 0.9546355605, 0.9061846137,
          0.8529677391, 0.6263865232, 0.7054208517, 0.6639710664])]),
]


@pytest.mark.parametrize("kind, true, num_true, k, unique, range_max, seed, runs", CASES)
def test_seeded_samplers_draw_tf_classes(kind, true, num_true, k, unique, range_max, seed,
                                         runs):
    sampler = getattr(tk.nn, f"{kind}_candidate_sampler")
    with tk.Graph().as_default():
        if seed == 5:
            tk.set_random_seed(1)
        out = sampler(tk.constant(true, tk.int64), num_true, k, unique, range_max, seed=seed)
        with tk.Session() as s:
            got = [s.run(out) for _ in runs]
    for g, (sampled, true_ec, sampled_ec) in zip(got, runs):
        assert g.sampled_candidates.tolist() == sampled
        assert g.sampled_candidates.dtype == np.int64
        assert g.true_expected_count.dtype == np.float32
        np.testing.assert_allclose(g.true_expected_count.ravel(), true_ec, rtol=2e-7)
        np.testing.assert_allclose(g.sampled_expected_count, sampled_ec, rtol=2e-7)


def test_a_new_session_starts_the_stream_afresh():
    with tk.Graph().as_default():
        tk.set_random_seed(1)
        out = tk.nn.log_uniform_candidate_sampler(tk.constant([[1]], tk.int64), 1, 5, True,
                                                  50, seed=5)
        firsts = []
        for _ in range(2):
            with tk.Session() as s:
                firsts.append(s.run(out.sampled_candidates).tolist())
    assert firsts == [[8, 36, 2, 4, 10]] * 2


def test_each_run_sets_aside_2048_words_per_class():
    stream = PhiloxStream(1, 5)
    _, c0 = range_sampler_draws.reserve(stream, 5)
    _, c1 = range_sampler_draws.reserve(stream, 5)
    assert c0 == (0, 0, 5, 0)
    assert c1 == (5 * range_sampler_draws.WORDS_PER_CLASS // 4, 0, 5, 0)


def test_unique_draws_skip_repeats_and_count_every_try():
    key, counter = range_sampler_draws.reserve(PhiloxStream(1, 3), 3)
    classes, tries = range_sampler_draws.draw(key, counter, 3, True, 3, log_uniform=False)
    every, n = range_sampler_draws.draw(key, counter, tries, False, 3, log_uniform=False)
    assert n == tries > 3
    firsts: list[int] = []
    for c in every.tolist():
        if c not in firsts:
            firsts.append(c)
    assert firsts == classes.tolist() and sorted(firsts) == [0, 1, 2]
    assert every[-1] not in every[:-1].tolist()  # the last try brought the third class


def test_expected_count_formulas():
    p = np.array([0.5, 0.1], np.float32)
    np.testing.assert_array_equal(range_sampler_draws.expected_count(p, 4, 4),
                                  np.array([2.0, 0.4], np.float32))
    np.testing.assert_allclose(range_sampler_draws.expected_count(p, 4, 6),
                               [1 - 0.5 ** 6, 1 - 0.9 ** 6], rtol=1e-6)


def test_too_many_unique_classes_is_a_value_error():
    key, counter = range_sampler_draws.reserve(PhiloxStream(1, 2), 4)
    with pytest.raises(ValueError, match="cannot draw 4 distinct classes from 3"):
        range_sampler_draws.draw(key, counter, 4, True, 3, log_uniform=True)
