"""``tk.nn.ctc_loss`` and its gradient, ``ctc_greedy_decoder``, ``ctc_beam_search_decoder``
and ``tk.edit_distance``: against a brute-force NumPy sum over every alignment, finite
differences, values recorded with TF 2.21 (``tf.compat.v1``, graph mode, same inputs), and
the errors of bad inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = np.random.RandomState(0).randn(7, 4, 5).astype(np.float32)  # [time, batch, classes]
LABELS = [[0, 1, 1], [2], [3, 3, 0, 1], [1, 2, 1, 2]]


def _sparse(labels, dtype=tk.int32):
    idx = [[b, t] for b, seq in enumerate(labels) for t in range(len(seq))]
    vals = [v for seq in labels for v in seq]
    width = max(len(s) for s in labels)
    return tk.SparseTensor(tk.constant(idx, tk.int64), tk.constant(vals, dtype),
                           tk.constant([len(labels), width], tk.int64))


def _brute_ctc(logits, label, merge_repeated=True):
    """-log of the summed probability of every frame path that reads ``label`` (repeats
    merged, then blanks dropped; without merging each non-blank frame is one label)."""
    t_max, classes = logits.shape
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    blank = classes - 1
    total = 0.0
    for path in itertools.product(range(classes), repeat=t_max):
        seq = [c for i, c in enumerate(path)
               if not (merge_repeated and i and c == path[i - 1])]
        if [c for c in seq if c != blank] == list(label):
            total += np.prod(p[np.arange(t_max), path])
    return -np.log(total)


@pytest.mark.parametrize("merge", [True, False])
def test_loss_matches_brute_force_over_alignments(merge):
    rng = np.random.RandomState(1)
    x = rng.randn(5, 3, 3)
    labels = [[0, 0], [1], [0, 1, 0]]
    with tk.Session() as s:
        got = s.run(tk.nn.ctc_loss(_sparse(labels), tk.constant(x), [5, 4, 5],
                                   ctc_merge_repeated=merge))
    want = [_brute_ctc(x[:n, b], labels[b], merge) for b, n in enumerate([5, 4, 5])]
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_loss_matches_tf_for_every_flag_combination():
    # tf.compat.v1.nn.ctc_loss in TF 2.21 on X (float32), lengths [7, 5, 6, 4]
    tf_losses = {(False, True): [10.4657, 4.27944, 9.91934, 5.01632],
                 (False, False): [10.44991, 5.21737, 10.05077, 5.01632],
                 (True, True): [8.95883, 4.27944, 6.85396, 5.01632],
                 (True, False): [9.26958, 5.21737, 8.44569, 5.01632]}
    with tk.Session() as s:
        for (collapse, merge), want in tf_losses.items():
            loss = tk.nn.ctc_loss(_sparse(LABELS), tk.constant(X), [7, 5, 6, 4],
                                  preprocess_collapse_repeated=collapse,
                                  ctc_merge_repeated=merge)
            assert loss.dtype == tk.float32 and loss.shape.as_list() == [4]
            np.testing.assert_allclose(s.run(loss), want, atol=2e-5)


@pytest.mark.parametrize("merge", [True, False])
def test_gradient_matches_finite_differences(merge):
    rng = np.random.RandomState(2)
    x = rng.randn(6, 3, 4)
    labels = [[0, 0, 2], [1], [2, 1]]
    check_grad(lambda v: tk.nn.ctc_loss(_sparse(labels), v, [6, 3, 5],
                                        ctc_merge_repeated=merge), x, rtol=1e-5, atol=1e-7)


def test_gradient_is_zero_past_each_length_and_batch_major_matches():
    x = tk.constant(X)
    loss = tk.nn.ctc_loss(_sparse(LABELS), x, [7, 5, 6, 4])
    loss_bm = tk.nn.ctc_loss(_sparse(LABELS), tk.transpose(x, [1, 0, 2]), [7, 5, 6, 4],
                             time_major=False)
    (g,) = tk.gradients(tk.reduce_sum(loss), [x])
    with tk.Session() as s:
        lv, lbv, gv = s.run([loss, loss_bm, g])
    np.testing.assert_array_equal(lv, lbv)
    assert not gv[5:, 1].any() and not gv[6:, 2].any() and not gv[4:, 3].any()
    np.testing.assert_allclose(gv.sum(axis=2), 0.0, atol=1e-5)  # softmax minus posteriors


def test_ignored_empty_and_impossible_sequences_match_tf():
    x = np.random.RandomState(3).randn(5, 3, 4).astype(np.float32)
    labels = _sparse([[1, 1], [0, 2, 1, 0, 2, 1], [2]])
    with tk.Session() as s:
        a = s.run(tk.nn.ctc_loss(labels, tk.constant(x), [5, 4, 0],
                                 ignore_longer_outputs_than_inputs=True))
        xb = tk.constant(x.transpose(1, 0, 2))
        loss = tk.nn.ctc_loss(labels, logits=xb, sequence_length=[2, 4, 0],
                              ignore_longer_outputs_than_inputs=True, time_major=False)
        b = s.run(loss)
        (g,) = s.run(tk.gradients(tk.reduce_sum(loss), [xb]))
    # TF 2.21: [6.0231233, 0, 0] and [inf, 0, 0] ([1, 1] cannot fit 2 frames)
    np.testing.assert_allclose(a, [6.0231233, 0.0, 0.0], rtol=1e-6)
    assert b[0] == np.inf and b[1] == 0.0 and b[2] == 0.0
    soft = np.exp(x[:2, 0]) / np.exp(x[:2, 0]).sum(1, keepdims=True)
    np.testing.assert_allclose(g[0, :2], soft, rtol=1e-6)  # TF1: the softmax, no path
    assert not g[1:].any() and not g[0, 2:].any()


def test_blank_only_labels_match_tf():
    """Labels that are all the blank (``num_classes - 1``) leave ``l'`` one blank; TF's
    kernel then also counts a path ending a frame early (its beta starts at state -1 of
    the last frame, which is state 0 of the one before), so the loss is not
    ``-sum log y_blank``. Keras's image_ocr.py trains on such rows. TF 2.21's numbers."""
    x = np.random.RandomState(0).randn(10, 2, 5).astype(np.float32)
    labels = tk.SparseTensor(tk.constant([[0, 0], [1, 0], [1, 1]], tk.int64),
                             tk.constant([4, 4, 4], tk.int32), tk.constant([2, 2], tk.int64))
    xt = tk.constant(x)
    loss = tk.nn.ctc_loss(labels, xt, tk.constant([10, 7], tk.int32))
    (g,) = tk.gradients(tk.reduce_sum(loss), [xt])
    with tk.Session() as s:
        a, b = s.run([loss, g])
    np.testing.assert_allclose(a, [12.562278747558594, 11.27792739868164], rtol=1e-6)
    plain = -np.log(np.exp(x[:, 0]) / np.exp(x[:, 0]).sum(1, keepdims=True))[:, 4].sum()
    assert a[0] < plain - 0.1
    np.testing.assert_allclose(b[9, 0, 4], 0.02012299932539463, atol=2e-6)
    np.testing.assert_allclose(b[:, 1].sum(0), [0.9957780241966248, 1.728333592414856,
                                                1.8616206645965576, 1.050735592842102,
                                                -4.8486647605896], atol=2e-5)
    assert not b[7:, 1].any()


def test_second_derivative_is_refused():
    x = tk.constant(X)
    (g,) = tk.gradients(tk.reduce_sum(tk.nn.ctc_loss(_sparse(LABELS), x, [7, 5, 6, 4])), [x])
    with pytest.raises(LookupError, match="second"):
        tk.gradients(tk.reduce_sum(g * g), [x])


def test_loss_build_errors():
    x = tk.constant(X)
    with pytest.raises(TypeError, match="SparseTensor"):
        tk.nn.ctc_loss([[0, 1]], x, [7, 5, 6, 4])
    with pytest.raises(TypeError, match="int32"):
        tk.nn.ctc_loss(_sparse(LABELS, tk.int64), x, [7, 5, 6, 4])
    with pytest.raises(TypeError, match="int32"):
        tk.nn.ctc_loss(_sparse(LABELS), x, tk.constant([7, 5, 6, 4], tk.int64))
    with pytest.raises(ValueError, match="rank 3"):
        tk.nn.ctc_loss(_sparse(LABELS), tk.constant(X[0]), [7, 5, 6, 4])
    with pytest.raises(ValueError, match="both"):
        tk.nn.ctc_loss(_sparse(LABELS), x, [7, 5, 6, 4], logits=x)
    with pytest.raises(TypeError, match="float"):
        tk.nn.ctc_loss(_sparse(LABELS), tk.constant(X.astype(np.int32)), [7, 5, 6, 4])
    with pytest.raises(ValueError, match="batch size"):
        tk.nn.ctc_loss(_sparse(LABELS), x, [7, 5, 6])
    lengths = tk.placeholder(tk.int32, [None])
    loss = tk.nn.ctc_loss(_sparse(LABELS), x, lengths)
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError,
                                          match="len\\(sequence_length\\) != batch_size"):
        s.run(loss, {lengths: [7, 5, 6]})


@pytest.mark.parametrize("labels, lengths, kwargs, match", [
    (LABELS, [8, 5, 6, 4], {}, r"seq_len\(0\) > num_time_steps"),
    ([[0, 1, 1], [2], [3, 3, 0, 1], [1, 2, 1, 2, 1, 2, 1, 2]], [7, 5, 6, 4], {},
     "Not enough time for target transition sequence"),
    ([[0, 1, 1], [2], [4, 0], [1]], [7, 5, 6, 4], {}, "non-null label"),
    ([[0, 1, 1], [2], [-1], [1]], [7, 5, 6, 4], {}, "nonnegative"),
])
def test_loss_run_errors(labels, lengths, kwargs, match):
    loss = tk.nn.ctc_loss(_sparse(labels), tk.constant(X), lengths, **kwargs)
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError, match=match):
        s.run(loss)


def test_missing_batch_entry_is_an_error():
    lab = tk.SparseTensor([[0, 0], [2, 0], [3, 0]], tk.constant([1, 2, 3]), [4, 1])
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError,
                                          match="Labels length is zero in batch 1"):
        s.run(tk.nn.ctc_loss(lab, tk.constant(X), [7, 5, 6, 4]))


def _value(sp):
    return [sp.indices.tolist(), sp.values.tolist(), sp.dense_shape.tolist()]


def test_greedy_decoder_matches_tf():
    seq = [7, 5, 6, 1]
    d, lp = tk.nn.ctc_greedy_decoder(tk.constant(X), seq)
    d2, _ = tk.nn.ctc_greedy_decoder(tk.constant(X), seq, merge_repeated=False)
    assert d[0].dtype == tk.int64 and lp.shape.as_list() == [4, 1]
    with tk.Session() as s:
        dv, lpv, d2v = s.run([d[0], lp, d2[0]])
    # TF 2.21 tf.nn.ctc_greedy_decoder on the same inputs
    assert dv.values.tolist() == [3, 3, 0, 3, 1, 3, 2, 0, 1, 2, 1, 3, 1]
    assert dv.indices[:, 0].tolist() == [0] * 4 + [1] * 4 + [2] * 4 + [3]
    assert dv.dense_shape.tolist() == [4, 4]
    assert d2v.values.tolist() == [3, 3, 0, 3, 1, 3, 2, 2, 0, 1, 1, 1, 2, 1, 3, 1]
    assert d2v.dense_shape.tolist() == [4, 6]
    np.testing.assert_allclose(lpv[:, 0], [-11.336638, -5.619030, -6.491249, -1.494079],
                               rtol=1e-6)
    np.testing.assert_allclose(lpv[:, 0], [-X[:n, b].max(1).sum() for b, n in
                                           enumerate(seq)], rtol=1e-6)


def test_beam_search_decoder_matches_tf():
    seq = [7, 5, 6, 1]
    d, lp = tk.nn.ctc_beam_search_decoder(tk.constant(X), seq, beam_width=3, top_paths=2)
    d3, lp3 = tk.nn.ctc_beam_search_decoder(tk.constant(X), seq, beam_width=10,
                                            top_paths=3, merge_repeated=False)
    assert len(d) == 2 and len(d3) == 3 and lp3.shape.as_list() == [4, 3]
    with tk.Session() as s:
        dv, lpv, d3v, lp3v = s.run([d, lp, d3, lp3])
    # TF 2.21 tf.compat.v1.nn.ctc_beam_search_decoder on the same inputs
    assert [v.values.tolist() for v in dv] == [[3, 0, 3, 1, 2, 0, 1, 0, 1, 3, 1],
                                               [3, 0, 3, 3, 2, 0, 1, 0, 1, 0, 0]]
    assert [v.dense_shape.tolist() for v in dv] == [[4, 4], [4, 4]]
    np.testing.assert_allclose(lpv, [[-4.14433, -4.35274], [-3.26227, -3.29139],
                                     [-4.64642, -4.68893], [-0.64117, -1.80157]], atol=2e-5)
    assert [v.values.tolist() for v in d3v] == [
        [3, 3, 1, 0, 3, 1, 2, 0, 1, 2, 3, 1], [3, 3, 0, 3, 3, 2, 0, 1, 0, 3, 0],
        [3, 1, 0, 3, 1, 3, 2, 0, 1, 0, 1, 3, 3]]
    assert d3v[0].indices[:5].tolist() == [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]]
    np.testing.assert_allclose(lp3v, [[-3.89531, -4.03703, -4.05218],
                                      [-2.63728, -2.79033, -3.22195],
                                      [-3.73373, -4.19712, -4.28347],
                                      [-0.64117, -1.80157, -1.82218]], atol=2e-5)


def test_wide_beam_scores_are_exact_prefix_probabilities():
    # With a beam wider than every prefix, each prefix's score is its exact probability:
    # the sum over the frame paths collapsing to it (checked by enumeration).
    x = np.random.RandomState(4).randn(4, 1, 3)
    (d,), lp = tk.nn.ctc_beam_search_decoder(tk.constant(x), [4], beam_width=200)
    with tk.Session() as s:
        dv, lpv = s.run([d, lp])
    want = -_brute_ctc(x[:, 0], dv.values.tolist())
    np.testing.assert_allclose(lpv[0, 0], want, rtol=1e-10)


def test_decoder_errors():
    x = tk.constant(X)
    with pytest.raises(ValueError, match="beam_width"):
        tk.nn.ctc_beam_search_decoder(x, [7, 5, 6, 4], beam_width=0)
    with pytest.raises(ValueError, match="rank 3"):
        tk.nn.ctc_greedy_decoder(tk.constant(X[0]), [7, 5, 6, 4])
    with pytest.raises(TypeError, match="float"):
        tk.nn.ctc_greedy_decoder(tk.constant(X.astype(np.int32)), [7, 5, 6, 4])
    with tk.Session() as s:
        with pytest.raises(tk.errors.InvalidArgumentError, match="more paths than the beam"):
            s.run(tk.nn.ctc_beam_search_decoder(x, [7, 5, 6, 4], beam_width=2,
                                                top_paths=3)[1])
        with pytest.raises(tk.errors.InvalidArgumentError, match="Less leaves"):
            s.run(tk.nn.ctc_beam_search_decoder(x, [7, 5, 6, 0], top_paths=3)[1])
        with pytest.raises(tk.errors.FailedPreconditionError, match=r"sequence_length\(0\)"):
            s.run(tk.nn.ctc_greedy_decoder(x, [9, 5, 6, 4])[1])
        with pytest.raises(tk.errors.InvalidArgumentError, match="blank_index"):
            s.run(tk.nn.ctc_greedy_decoder(x, [7, 5, 6, 4], blank_index=5)[1])


def _levenshtein(a, b):
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[-1]


def test_edit_distance_matches_tf():
    h = tk.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 2]],
                        ["a", "b", "c", "x", "y", "z"], [2, 2, 3])
    t = tk.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [1, 0, 0], [1, 1, 0], [1, 1, 1]],
                        ["a", "c", "b", "x", "q", "r"], [2, 2, 3])
    with tk.Session() as s:
        norm, raw = s.run([tk.edit_distance(h, t), tk.edit_distance(h, t, normalize=False)])
    # TF 2.21 tf.edit_distance on the same tensors
    np.testing.assert_allclose(norm, [[1 / 3, np.inf], [2.0, 1.0]], rtol=1e-6)
    np.testing.assert_array_equal(raw, [[1.0, 1.0], [2.0, 2.0]])


def test_edit_distance_matches_dynamic_programming():
    rng = np.random.RandomState(5)
    hyp = [rng.randint(0, 3, rng.randint(1, 9)).tolist() for _ in range(30)]
    tru = [rng.randint(0, 3, rng.randint(1, 9)).tolist() for _ in range(30)]

    def sp(seqs):
        idx = [[b, i] for b, q in enumerate(seqs) for i in range(len(q))]
        return tk.SparseTensorValue(np.array(idx, np.int64),
                                    np.array([v for q in seqs for v in q], np.int32),
                                    np.array([len(seqs), 8], np.int64))

    with tk.Session() as s:
        got = s.run(tk.edit_distance(sp(hyp), sp(tru), normalize=False))
        cast = s.run(tk.cast(tk.SparseTensor.from_value(sp(hyp)), tk.int64))
    np.testing.assert_array_equal(got, [_levenshtein(a, b) for a, b in zip(hyp, tru)])
    assert cast.values.dtype == np.int64 and cast.values.tolist() == sp(hyp).values.tolist()


def test_edit_distance_errors():
    t = tk.SparseTensor([[0, 0]], [1], [1, 1])
    with pytest.raises(TypeError, match="Hypothesis must be a SparseTensor"):
        tk.edit_distance([[1]], t)
    with pytest.raises(TypeError, match="Truth must be a SparseTensor"):
        tk.edit_distance(t, [[1]])
    with pytest.raises(TypeError, match="must match"):
        tk.edit_distance(tk.SparseTensor([[0, 0]], [1.0], [1, 1]), t)
    bad = tk.edit_distance(tk.SparseTensor([[0, 0, 0]], [1], [1, 1, 1]), t)
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError, match="ranks"):
        s.run(bad)
