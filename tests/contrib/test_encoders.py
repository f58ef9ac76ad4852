"""``tf.contrib.layers.bow_encoder``, ``embed_sequence`` with ``reuse`` and
``dense_to_sparse_tensor`` (the bag-of-words model of TF's own early
``tensorflow/examples/learn/text_classification.py``). Expected values are computed by
hand from TF 1.15's recipe (``contrib/layers/python/layers/encoders.py``: dense ids lose
their 0 cells, rows left empty take id 0's embedding, the rest average their ids'
embeddings; ``sparse_lookup=False`` averages every cell)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

EMB = np.arange(12, dtype=np.float32).reshape(4, 3)  # row k = [3k, 3k + 1, 3k + 2]
IDS = [[1, 2, 0], [0, 0, 0], [3, 3, 1]]


def _run(*fetches):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(list(fetches))


def test_bow_encoder_means_the_ids_and_gives_empty_rows_id_zero():
    with tk.Graph().as_default():
        out = tk.contrib.layers.bow_encoder(tk.constant(IDS), 4, 3,
                                            initializer=tk.constant_initializer(EMB))
        emb = tk.trainable_variables()[0]
        grad = tk.gradients(tk.reduce_sum(out * [[1.0, 2.0, 3.0]]), emb)[0]
        assert out.shape.as_list()[-1] == 3
        got, g = _run(out, tk.convert_to_tensor(grad))
    # row 0: mean(e1, e2); row 1: no ids -> e0; row 2: (2 e3 + e1) / 3
    np.testing.assert_allclose(got, [[4.5, 5.5, 6.5], [0, 1, 2], [7, 8, 9]], rtol=1e-6)
    # d/d e_k: the weight id k has in each row, times [1, 2, 3]
    weights = np.array([1.0, 1 / 2 + 1 / 3, 1 / 2, 2 / 3])
    np.testing.assert_allclose(g, weights[:, None] * [1.0, 2.0, 3.0], rtol=1e-6)
    assert emb.name == "bow_encoder/embeddings:0"


def test_bow_encoder_model_variable_scope_and_reuse():
    with tk.Graph().as_default():
        ids = tk.constant(IDS)
        tk.contrib.layers.bow_encoder(ids, 4, 3)
        tk.contrib.layers.bow_encoder(ids, 4, 3)
        tk.contrib.layers.bow_encoder(ids, 4, 3, scope="words")
        tk.contrib.layers.bow_encoder(ids, 4, 3, scope="words", reuse=True)
        names = [v.name for v in tk.get_collection(tk.GraphKeys.MODEL_VARIABLES)]
    assert names == ["bow_encoder/embeddings:0", "bow_encoder_1/embeddings:0",
                     "words/embeddings:0"]


def test_bow_encoder_dense_lookup_counts_padding():
    with tk.Graph().as_default():
        out = tk.contrib.layers.bow_encoder(tk.constant(IDS), 4, 3, sparse_lookup=False,
                                            initializer=tk.constant_initializer(EMB))
        got, = _run(out)
    np.testing.assert_allclose(got, [[3, 4, 5], [0, 1, 2], [7, 8, 9]], rtol=1e-6)


def test_bow_encoder_takes_sparse_ids_as_they_are():
    with tk.Graph().as_default():
        sp = tk.SparseTensor([[0, 0], [0, 1], [2, 0]], tk.constant([0, 2, 3]), [3, 2])
        out = tk.contrib.layers.bow_encoder(sp, 4, 3,
                                            initializer=tk.constant_initializer(EMB))
        got, = _run(out)
    # an explicit id 0 counts; row 1 is empty -> e0
    np.testing.assert_allclose(got, [[3, 4, 5], [0, 1, 2], [9, 10, 11]], rtol=1e-6)


@pytest.mark.parametrize("build, error, match", [
    (lambda ids: tk.contrib.layers.bow_encoder(ids, 0, 3), ValueError, "vocab size"),
    (lambda ids: tk.contrib.layers.bow_encoder(ids, 4, None), ValueError, "vocab size"),
    (lambda ids: tk.contrib.layers.bow_encoder(
        tk.SparseTensor([[0, 0]], tk.constant([1]), [1, 1]), 4, 3, sparse_lookup=False),
     TypeError, "dense Tensor"),
    (lambda ids: tk.contrib.layers.embed_sequence(ids, vocab_size=4), ValueError,
     "when not reusing"),
    (lambda ids: tk.contrib.layers.dense_to_sparse_tensor(tk.placeholder(tk.int32)),
     ValueError, "should be defined"),
])
def test_encoder_errors(build, error, match):
    with tk.Graph().as_default():
        with pytest.raises(error, match=match):
            build(tk.constant(IDS))


def test_embed_sequence_reuse_needs_no_sizes():
    """TF 1.15 takes the existing embeddings when reusing, sizes left out."""
    with tk.Graph().as_default():
        ids = tk.constant(IDS)
        a = tk.contrib.layers.embed_sequence(ids, 4, 3, scope="words",
                                             initializer=tk.constant_initializer(EMB))
        b = tk.contrib.layers.embed_sequence(ids, scope="words", reuse=True)
        assert len(tk.trainable_variables()) == 1
        got_a, got_b = _run(a, b)
    np.testing.assert_array_equal(got_b, got_a)
    np.testing.assert_array_equal(got_b, EMB[np.array(IDS)])


def test_dense_to_sparse_tensor_drops_the_ignored_value():
    with tk.Graph().as_default():
        layers = tk.contrib.layers
        ints = layers.dense_to_sparse_tensor(tk.constant([[3, 0], [0, 5]]))
        minus = layers.dense_to_sparse_tensor(tk.constant([[3, -1], [0, 5]]), ignore_value=-1)
        words = layers.dense_to_sparse_tensor(tk.constant([["a", ""], ["", "b"]]))
        got = _run(ints, minus, words)
    assert got[0].indices.tolist() == [[0, 0], [1, 1]] and got[0].values.tolist() == [3, 5]
    assert got[0].dense_shape.tolist() == [2, 2]
    assert got[1].values.tolist() == [3, 0, 5]
    assert got[2].values.tolist() == [b"a", b"b"]
