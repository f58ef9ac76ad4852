"""tf.contrib.learn.preprocessing.VocabularyProcessor with TF 1.15's documented behaviour
(hand-written expectations); save/restore use JSON instead of TF's pickle."""

import json

import numpy as np
import pytest

import trainkit as tf

pp = tf.contrib.learn.preprocessing


def test_tokenizer_regex():
    got = list(pp.tokenizer(["I like PyTorch, NLP-based models! don't", "HTTPServer ok"]))
    assert got == [["I", "like", "Py", "Torch", "NLP", "-based", "models", "don't"],
                   ["HTTP", "Server", "ok"]]


def test_fit_transform_reverse_and_unknowns():
    vp = pp.VocabularyProcessor(4)
    docs = ["a b c", "b c d e f", "c"]
    ids = np.array(list(vp.fit_transform(docs)))
    assert ids.dtype == np.int64
    assert ids.tolist() == [[1, 2, 3, 0], [2, 3, 4, 5], [3, 0, 0, 0]]
    assert len(vp.vocabulary_) == 7          # <UNK> plus a..f (f counted though cut)
    assert next(vp.transform(["a zzz b"])).tolist() == [1, 0, 2, 0]   # frozen: unseen -> 0
    assert list(vp.reverse([[1, 2, 0, 0]])) == ["a b <UNK> <UNK>"]
    assert vp.vocabulary_.get("zzz") == 0 and len(vp.vocabulary_) == 7


def test_min_frequency_reorders_by_count_then_alphabet():
    vp = pp.VocabularyProcessor(3, min_frequency=1)
    vp.fit(["x y z", "z y w", "z q"])
    # counts: z 3, y 2, x/w/q 1 -> only counts > 1 stay, most frequent first
    assert [vp.vocabulary_.reverse(i) for i in range(len(vp.vocabulary_))] == \
        ["<UNK>", "z", "y"]
    assert next(vp.transform(["y x z"])).tolist() == [2, 0, 1]
    ties = pp.CategoricalVocabulary()
    for w in ["b", "a", "c", "a", "b"]:
        ties.add(w)
    ties.trim(0)
    assert [ties.reverse(i) for i in range(4)] == ["<UNK>", "a", "b", "c"]


def test_trim_with_max_frequency_keeps_tf_s_count_table():
    """TF 1.15's ``trim`` keeps the counts of the first ``len - 1`` sorted categories
    (``self._freq = dict(self._freq[:idx - 1])``): with ``max_frequency`` a skipped
    frequent category keeps its count and the last kept one loses its own, which a
    second ``trim`` shows."""
    vocab = pp.CategoricalVocabulary()
    for word, count in (("a", 5), ("b", 3), ("c", 2), ("d", 1)):
        vocab.add(word, count)
    vocab.trim(1, max_frequency=5)        # a skipped (5 >= 5), b and c kept, d cut
    assert [vocab.reverse(i) for i in range(len(vocab))] == ["<UNK>", "b", "c"]
    vocab.trim(1)                          # counts left: a 5, b 3 (not c)
    assert [vocab.reverse(i) for i in range(len(vocab))] == ["<UNK>", "a", "b"]


def test_given_vocabulary_and_custom_tokenizer():
    vocab = pp.CategoricalVocabulary()
    vocab.get("hello")
    vp = pp.VocabularyProcessor(2, vocabulary=vocab,
                                tokenizer_fn=lambda docs: (d.split("|") for d in docs))
    assert next(vp.transform(["hello|new"])).tolist() == [1, 2]   # not frozen before fit


def test_save_restore_json(tmp_path):
    vp = pp.VocabularyProcessor(5, min_frequency=0).fit(["the cat", "the dog sat"])
    path = str(tmp_path / "vocab.json")
    vp.save(path)
    data = json.loads(open(path).read())
    assert data["vocabulary"]["categories"] == ["the", "cat", "dog", "sat"]
    back = pp.VocabularyProcessor.restore(path)
    assert back.max_document_length == 5
    docs = ["the dog", "a cat sat"]
    np.testing.assert_array_equal(list(back.transform(docs)), list(vp.transform(docs)))
    assert back.vocabulary_.get("new") == 0       # still frozen
    (tmp_path / "bad.json").write_text("not json")
    with pytest.raises(ValueError, match="not a saved VocabularyProcessor"):
        pp.VocabularyProcessor.restore(str(tmp_path / "bad.json"))


def test_byte_processor():
    bp = pp.ByteProcessor(4)
    out = list(bp.fit_transform(["ab", "héllo"]))
    assert out[0].tolist() == [97, 98, 0, 0] and out[1].tolist() == [104, 195, 169, 108]
    assert list(bp.reverse([out[0], np.array([255, 0, 0, 0])])) == ["ab", ""]


def test_errors():
    with pytest.raises(ValueError, match="max_document_length"):
        pp.VocabularyProcessor(-1)
    with pytest.raises(TypeError, match="iterable of strings"):
        pp.VocabularyProcessor(3).fit("one string")
    v = pp.CategoricalVocabulary(support_reverse=False)
    with pytest.raises(ValueError, match="support_reverse"):
        v.reverse(0)
