"""``tk.feature_column.crossed_column``: TF's FarmHash ``Fingerprint64`` and
``FingerprintCat64`` (against ``tf.strings.to_hash_bucket_fast`` and a reference
re-computation of TF1's cross), the crossed bucket ids recorded with TF 2.21
(``tf.compat.v1.feature_column`` ``input_layer`` / ``linear_model`` on the same features),
TF1's names and variable names, missing values, and the errors of bad keys."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops.hash_functions import fingerprint64, fingerprint_cat64

fc = tk.feature_column

# TF 2.21 tf.strings.to_hash_bucket_fast(s, n) (= Fingerprint64(s) % n) for two moduli
N1, N2 = 2**62 - 57, 2**62 - 87
TF_BUCKETS = {b"": (1936946117179621569, 1936946117179621629),
              b"a": (3694432073954588245, 3694432073954588305),
              b"Doctorate": (749925373448644475, 749925373448644535),
              b"y" * 17: (426471879119003573, 426471879119003573),
              b"q" * 33: (337133943010535381, 337133943010535441),
              b"m" * 65: (3957167219441543411, 3957167219441543471),
              bytes(range(200)): (525935771297148851, 525935771297148851)}


@pytest.mark.parametrize("s", list(TF_BUCKETS))
def test_fingerprint64_matches_tf(s):
    fp = fingerprint64(s)
    assert 0 <= fp < 2**64
    assert (fp % N1, fp % N2) == TF_BUCKETS[s]


def test_fingerprint_cat64_is_order_sensitive_and_64_bit():
    a, b = fingerprint64(b"x"), fingerprint64(b"y")
    assert fingerprint_cat64(a, b) != fingerprint_cat64(b, a)
    assert all(0 <= fingerprint_cat64(u, v) < 2**64 for u in (0, a, 2**64 - 1)
               for v in (0, b, 2**64 - 1))


def _features():
    return {
        "education": tk.constant([["Bachelors"], ["HS-grad"], ["Doctorate"],
                                  ["Some-college-and-more-than-sixteen"]]),
        "occupation": tk.constant([["Tech-support"], ["Sales"], ["Exec-managerial"],
                                   ["Sales"]]),
        "age": tk.constant([[23.0], [37.0], [51.0], [68.0]]),
        "n": tk.constant(np.array([[3], [0], [7], [12]], np.int64)),
    }


def _hot(column, feats):
    y = fc.input_layer(feats, [fc.indicator_column(column)])
    with tk.Session() as s:
        s.run(tk.tables_initializer())
        return [np.flatnonzero(r).tolist() for r in s.run(y)]


def test_crossed_ids_match_tf():
    age = fc.bucketized_column(fc.numeric_column("age"),
                               [18, 25, 30, 35, 40, 45, 50, 55, 60, 65])
    occ = fc.categorical_column_with_vocabulary_list(
        "occupation", ["Tech-support", "Sales", "Exec-managerial"])
    cases = [  # column, TF 2.21's bucket per example
        (fc.crossed_column(["education", "occupation"], 1000), [242, 991, 195, 965]),
        (fc.crossed_column([age, "education", "occupation"], 97), [28, 2, 56, 26]),
        (fc.crossed_column([occ, "n"], 50, hash_key=12345), [30, 36, 34, 20]),
        # nested crosses are flattened; categorical ids go before raw features
        (fc.crossed_column([fc.crossed_column(["education", "n"], 10), occ], 31),
         [18, 13, 0, 3]),
    ]
    for column, want in cases:
        assert _hot(column, _features()) == [[w] for w in want], column.name


def test_every_combination_is_crossed_as_tf_does():
    col = fc.crossed_column(["a", "b", fc.categorical_column_with_identity("k", 5)], 1000003)
    feats = {"a": tk.constant([["x", "y"], ["z", "w"]]),
             "b": tk.constant([["p", "q", "r"], ["s", "t", "u"]]),
             "k": tk.constant(np.array([[1, 4], [0, 2]], np.int64))}
    got = _hot(col, feats)
    # TF 2.21 (12 crosses per example)
    assert got == [[133208, 167369, 228946, 236380, 258760, 477252, 489951, 602416, 603729,
                    761276, 791654, 819924],
                   [22510, 204222, 382370, 510498, 600166, 621968, 646749, 723815, 863018,
                    949183, 975524, 983700]]
    # the same by re-computing TF1's cross: ids first, then raw strings, last fastest
    want = set()
    for k in (1, 4):
        for a in (b"x", b"y"):
            for b in (b"p", b"q", b"r"):
                h = 0xDECAFCAFFE
                for fp in (k, fingerprint64(a), fingerprint64(b)):
                    h = fingerprint_cat64(h, fp)
                want.add(h % 1000003)
    assert set(got[0]) == want


def test_names_variables_and_missing_values():
    col = fc.crossed_column(["occupation", "education"], 20)
    assert col.name == "education_X_occupation" and col.num_buckets == 20
    feats = {"education": tk.constant([["a", ""], ["", ""]]),
             "occupation": tk.constant([["b", "c"], ["d", "e"]])}
    cols_to_vars = {}
    logits = fc.linear_model(feats, [col], cols_to_vars=cols_to_vars)
    assert [v.op.name for v in cols_to_vars[col]] == ["linear_model/education_X_occupation/weights"]
    assert cols_to_vars[col][0].shape.as_list() == [20, 1]
    hot = _hot(col, feats)
    assert len(hot[0]) in (1, 2) and hot[1] == []  # '' is missing: no cross for row 1
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        np.testing.assert_array_equal(s.run(logits), [[0.0], [0.0]])


def test_errors():
    hashed = fc.categorical_column_with_hash_bucket("h", 10)
    with pytest.raises(ValueError, match="keys must be a list with length > 1"):
        fc.crossed_column(["a"], 10)
    with pytest.raises(ValueError, match="keys must be a list"):
        fc.crossed_column("ab", 10)
    with pytest.raises(ValueError, match="hash_bucket_size must be > 1"):
        fc.crossed_column(["a", "b"], 0)
    with pytest.raises(ValueError, match="not supported for crossing"):
        fc.crossed_column(["a", hashed], 10)
    with pytest.raises(ValueError, match="Unsupported key type"):
        fc.crossed_column(["a", fc.numeric_column("x")], 10)
    with pytest.raises(ValueError, match="hash_key"):
        fc.crossed_column(["a", "b"], 10, hash_key="k")
    with pytest.raises(ValueError, match="Items of feature_columns must be a _DenseColumn"):
        fc.input_layer({"a": tk.constant([["x"]]), "b": tk.constant([["y"]])},
                       [fc.crossed_column(["a", "b"], 10)])
