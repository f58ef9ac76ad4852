"""Lookup tables (tf.lookup, tf.contrib.lookup): values, OOV buckets and the
uninitialized-table error equal to TF 2.21 (tf.compat.v1, the same vocabularies and
files; outputs recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

L = tk.contrib.lookup


@pytest.fixture
def files(tmp_path):
    vocab, kv = tmp_path / "vocab.txt", tmp_path / "kv.txt"
    vocab.write_text("apple\nbanana\ncherry\n")
    kv.write_text("x\t7\ny\t9\n")
    return str(vocab), str(kv)


def test_lookup_tables_equal_tf(files):
    vocab, kv = files
    r = {}
    t1 = L.index_table_from_tensor(["a", "b", "c"], num_oov_buckets=3)
    r["ix"] = t1.lookup(tk.constant([["b", "zz"], ["a", "hello"]]))
    r["ix_size"] = t1.size()
    r["ixd"] = L.index_table_from_tensor(["a", "b"], default_value=-5).lookup(
        tk.constant(["b", "q"]))
    r["ixf"] = L.index_table_from_file(vocab, num_oov_buckets=2).lookup(
        tk.constant(["cherry", "kiwi", "apple", "x"]))
    r["its"] = L.index_to_string_table_from_tensor(["a", "b"]).lookup(
        tk.constant([1, 0, 5], tk.int64))
    r["itsf"] = L.index_to_string_table_from_file(vocab, default_value="?").lookup(
        tk.constant([2, 9], tk.int64))
    h = tk.lookup.StaticHashTable(tk.lookup.KeyValueTensorInitializer(
        [1, 2, 3], [10., 20., 30.], key_dtype=tk.int64, value_dtype=tk.float32), -1.)
    r["h"], r["hs"] = h.lookup(tk.constant([3, 4, 1], tk.int64)), h.size()
    r["tfile"] = tk.lookup.StaticHashTable(tk.lookup.TextFileInitializer(
        kv, tk.string, 0, tk.int64, 1, delimiter="\t"), -1).lookup(tk.constant(["y", "x", "z"]))
    iv = tk.lookup.StaticVocabularyTable(tk.lookup.KeyValueTensorInitializer(
        tk.constant([7, 3], tk.int64), tk.constant([0, 1], tk.int64)), 4)
    r["iv"] = iv.lookup(tk.constant([3, 42, 7, 100], tk.int64))
    with tk.Session() as sess:
        with pytest.raises(tk.errors.FailedPreconditionError, match="Table not initialized"):
            sess.run(r["h"])
        sess.run(tk.tables_initializer())
        got = {k: np.asarray(v).tolist() for k, v in sess.run(r).items()}
    assert got == {"ix": [[1, 4], [0, 4]], "ix_size": 6, "ixd": [1, -5], "ixf": [2, 4, 0, 3],
                   "its": [b"b", b"a", b"UNK"], "itsf": [b"cherry", b"?"],
                   "h": [30.0, -1.0, 10.0], "hs": 3, "tfile": [9, 7, -1], "iv": [1, 2, 0, 5]}


def test_string_default_is_bytes_like_the_found_values():
    """TF 2.21 compat.v1: ``index_to_string_table_from_tensor(['a', 'b']).lookup([1, 5])``
    gives ``array([b'b', b'UNK'], dtype=object)``: the default is a bytes element too,
    not a nested 0-d array (which printing or ``b' '.join`` of the row would expose)."""
    table = L.index_to_string_table_from_tensor(["a", "b"])
    words = table.lookup(tk.constant([[1, 5]], tk.int64))
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        got = sess.run(words)
    assert got.dtype == object and got.shape == (1, 2)
    assert [type(v) for v in got[0]] == [bytes, bytes]
    assert b" ".join(got[0]) == b"b UNK"
