"""``tk.contrib.legacy_seq2seq.model_with_buckets``: one shared set of variables for every
bucket, each bucket's model the same as the model built alone on the truncated inputs,
its loss the NumPy weighted cross-entropy of its outputs (TF1's ``sequence_loss`` /
``sequence_loss_by_example``), and the errors of bad arguments. (TF 2.x has no
``tf.contrib``, so the references are NumPy re-computations of TF1's definitions.)"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import trainkit as tk

L = tk.contrib.legacy_seq2seq
BATCH, VOCAB = 3, 6


def _model(buckets, per_example_loss=False, loss_fn=None):
    enc = [tk.placeholder(tk.int32, [None], name=f"enc{i}") for i in range(buckets[-1][0])]
    dec = [tk.placeholder(tk.int32, [None], name=f"dec{i}") for i in range(buckets[-1][1] + 1)]
    w = [tk.placeholder(tk.float32, [None], name=f"w{i}") for i in range(buckets[-1][1])]
    targets = dec[1:]
    cell = tk.nn.rnn_cell.GRUCell(5)

    def seq2seq(x, y):
        # a fresh copy per bucket, as TF1's translate model does: a cell object keeps the
        # variables of its first call
        return L.embedding_rnn_seq2seq(x, y, copy.deepcopy(cell), num_encoder_symbols=VOCAB,
                                       num_decoder_symbols=VOCAB, embedding_size=4)

    outputs, losses = L.model_with_buckets(enc, dec, targets, w, buckets, seq2seq,
                                           softmax_loss_function=loss_fn,
                                           per_example_loss=per_example_loss)
    return enc, dec, w, outputs, losses, seq2seq


def _feed(enc, dec, w, rng):
    feed = {p: rng.randint(0, VOCAB, BATCH) for p in enc + dec}
    feed.update({p: rng.uniform(0.0, 1.0, BATCH).astype(np.float32) for p in w})
    return feed


def _xent(logits, labels):
    z = logits - logits.max(1, keepdims=True)
    return np.log(np.exp(z).sum(1)) - z[np.arange(len(labels)), labels]


@pytest.mark.parametrize("per_example", [False, True])
def test_buckets_share_variables_and_losses_match_numpy(per_example):
    buckets = [(2, 3), (4, 5)]
    enc, dec, w, outputs, losses, _ = _model(buckets, per_example)
    n_vars = len(tk.trainable_variables())
    assert [len(o) for o in outputs] == [3, 5]
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        feed = _feed(enc, dec, w, np.random.RandomState(0))
        outs, got = s.run([outputs, losses], feed)
    assert n_vars == 12  # one model: 2 embeddings, 2 GRUs (4 each), the projection (2)
    for (_, n_out), logits, loss in zip(buckets, outs, got):
        steps = [_xent(logits[t], feed[dec[t + 1]]) * feed[w[t]] for t in range(n_out)]
        by_example = np.sum(steps, 0) / (np.sum([feed[w[t]] for t in range(n_out)], 0)
                                         + 1e-12)
        want = by_example if per_example else by_example.sum() / BATCH
        np.testing.assert_allclose(loss, want, rtol=1e-5)


def test_each_bucket_is_the_model_built_alone():
    enc, dec, w, outputs, _, seq2seq = _model([(2, 2), (4, 3)])
    with tk.variable_scope(tk.get_variable_scope(), reuse=True):
        alone, _ = seq2seq(enc[:2], dec[:2])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        feed = _feed(enc, dec, w, np.random.RandomState(1))
        a, b = s.run([outputs[0], alone], feed)
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_custom_loss_function_gets_labels_and_logits():
    seen = []

    def loss_fn(labels, logits):
        seen.append((labels, logits))
        return tk.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)

    _model([(2, 2)], loss_fn=loss_fn)
    assert len(seen) == 2 and seen[0][1].shape.as_list() == [None, VOCAB]


def test_errors():
    enc = [tk.placeholder(tk.int32, [None]) for _ in range(2)]
    f = lambda x, y: (y, None)
    with pytest.raises(ValueError, match="encoder_inputs \\(2\\) must be at least"):
        L.model_with_buckets(enc, enc * 2, enc * 2, enc * 2, [(3, 2)], f)
    with pytest.raises(ValueError, match="targets \\(1\\)"):
        L.model_with_buckets(enc, enc, enc[:1], enc, [(2, 2)], f)
    with pytest.raises(ValueError, match="weights \\(1\\)"):
        L.model_with_buckets(enc, enc, enc, enc[:1], [(2, 2)], f)
    with pytest.raises(ValueError, match="empty"):
        L.model_with_buckets(enc, enc, enc, enc, [], f)
    with pytest.raises(TypeError, match="pairs"):
        L.model_with_buckets(enc, enc, enc, enc, [3], f)
    with pytest.raises(TypeError, match="callable"):
        L.model_with_buckets(enc, enc, enc, enc, [(2, 2)], None)
