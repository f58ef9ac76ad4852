"""``tk.nn.ctc_loss_v2`` (dense and sparse labels, blank first / inside / last) and
``tk.nn.ctc_beam_search_decoder_v2`` against TF 2.21 (tf.compat.v1, float32 logits from a
seeded generator: losses, and the logits gradient for seeded upstream weights as shape,
sum and index-weighted sum; recorded by tests/ops/data/make_nn_extras_reference.py)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

LOGITS = np.random.default_rng(8).normal(size=(6, 2, 5)).astype(np.float32)
DENSE = np.array([[1, 2, 2, 4], [3, 1, 0, 0]], np.int32)

TF = {  # TF 2.21: [loss, d/dlogits fingerprint]
    'dense0': [[8.810123443603516, 5.058551788330078],
               ((6, 2, 5), 2.7462374418973923e-07, 7.65671888529323)],
    'dense2': [[10.668814659118652, 4.106448650360107],
               ((6, 2, 5), 3.317836672067642e-07, 3.323513495735824)],
    'dense_m1': [[8.76694393157959, 3.293114423751831],
                 ((6, 2, 5), -1.019798219203949e-07, 0.6525439801625907)],
    'sparse_m1': [[8.684073448181152, 5.151365756988525],
                  ((2, 6, 5), -2.845190465450287e-07, -4.173996731638908)],
    'sparse1': [[10.385268211364746, 5.088964939117432],
                ((2, 6, 5), 7.172347977757454e-06, 13.600447533419356)],
}
TF_BEAM = ([[[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], [1, 0, 1, 2, 0], [2, 3]],
           [[[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], [2, 0, 1, 2, 1], [2, 3]],
           [[-3.1428840160369873, -3.22861909866333],
            [-1.760978102684021, -1.795599341392517]])


def _fp(a):
    a = np.asarray(a, np.float64)
    return (a.shape, a.sum(), (a.ravel() * np.arange(a.size)).sum())


def _check(loss, logits, key, seed):
    up = np.random.default_rng(seed).uniform(0.5, 1.5, loss.shape.as_list())
    (g,) = tk.gradients(loss, [logits], grad_ys=tk.constant(up, tk.float32))
    with tk.Session() as s:
        lv, gv = s.run([loss, g])
    assert loss.dtype == tk.float32 and lv.shape == (2,)
    np.testing.assert_allclose(lv, TF[key][0], rtol=2e-6)
    shape, total, weighted = _fp(gv)
    assert shape == TF[key][1][0]
    # TF's float32 arithmetic: about 3e-6 per element, weighted by indices up to 59
    np.testing.assert_allclose([total, weighted], TF[key][1][1:], rtol=5e-5, atol=2e-5)


@pytest.mark.parametrize("key, blank", [("dense0", None), ("dense2", 2), ("dense_m1", -1)])
def test_dense_labels_match_tf(key, blank):
    logits = tk.constant(LOGITS)
    labels = DENSE if blank != -1 else DENSE - 1
    loss = tk.nn.ctc_loss_v2(labels, logits, [3, 2], [6, 5], blank_index=blank)
    _check(loss, logits, key, 3)


@pytest.mark.parametrize("key, blank", [("sparse_m1", -1), ("sparse1", 1)])
def test_sparse_labels_match_tf(key, blank):
    logits = tk.constant(np.transpose(LOGITS, [1, 0, 2]))
    sp = tk.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]],
                         tk.constant([0, 2, 2, 3, 0], tk.int32), [2, 4])
    loss = tk.nn.ctc_loss_v2(sp, logits, None, [6, 5], logits_time_major=False,
                             blank_index=blank)
    _check(loss, logits, key, 4)


def test_dense_blank_last_equals_v1_ctc_loss_and_unique_is_unused():
    """Blank = last class and dense labels: the v1 loss on the same sequences."""
    labels = DENSE - 1  # classes 0..3, blank 4
    v2 = tk.nn.ctc_loss_v2(labels, LOGITS, [3, 2], [6, 5], blank_index=4,
                           unique=tk.nn.ctc_unique_labels(labels))
    sp = tk.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]],
                         tk.constant([0, 1, 1, 2, 0], tk.int32), [2, 4])
    v1 = tk.nn.ctc_loss(sp, LOGITS, [6, 5])
    assert v2.op.name.startswith("ctc_loss_dense/")
    with tk.Session() as s:
        a, b = s.run([v2, v1])
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(a, TF["dense_m1"][0], rtol=2e-6)


def test_beam_search_v2_matches_tf_and_does_not_merge_repeats():
    dec, lp = tk.nn.ctc_beam_search_decoder_v2(LOGITS[:, :, :4], [6, 4], beam_width=3,
                                               top_paths=2)
    with tk.Session() as s:
        got = s.run([[d.indices, d.values, d.dense_shape] for d in dec] + [lp])
    for path, want in zip(got[:2], TF_BEAM[:2], strict=True):
        for a, b in zip(path, want, strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(got[2], TF_BEAM[2], rtol=1e-5)
    assert lp.op.get_attr("merge_repeated") is False  # the v1 default merges them


def test_bad_arguments():
    sp = tk.SparseTensor([[0, 0]], tk.constant([1], tk.int32), [1, 1])
    x = np.zeros((3, 1, 4), np.float32)
    with pytest.raises(ValueError, match="blank_index"):  # TF 2.21: ValueError
        tk.nn.ctc_loss_v2(sp, x, None, [3])
    with pytest.raises(ValueError, match="blank_index must lie"):
        tk.nn.ctc_loss_v2(sp, x, None, [3], blank_index=4)
    with pytest.raises(ValueError, match="label_length"):
        tk.nn.ctc_loss_v2(np.array([[1]], np.int32), x, None, [3])
    with pytest.raises(ValueError, match="beam_width"):  # TF 2.21: ValueError
        tk.nn.ctc_beam_search_decoder_v2(x, [3], beam_width=0)
    top = tk.nn.ctc_beam_search_decoder_v2(x, [3], beam_width=2, top_paths=3)[1]
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError):
        s.run(top)  # TF 2.21: InvalidArgumentError when run


def test_labels_longer_than_the_frames_fail_when_run():
    """Differs from TF: TF 2.21's dense path returns ~709 here; the CTCLoss kernel errs."""
    loss = tk.nn.ctc_loss_v2(np.array([[1, 2, 3, 4]], np.int32), np.zeros((3, 1, 5),
                             np.float32), [4], [3])
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError):
        s.run(loss)
