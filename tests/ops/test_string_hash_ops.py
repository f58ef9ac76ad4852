"""String hash buckets and feature-column hash / OOV buckets equal TF's: every expected
bucket below was computed with TF 2.21 (tf.compat.v1, graph mode) on the same strings."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops.hash_functions import fingerprint64, hash64, siphash24

fc = tk.feature_column

WORDS = [b"", b"a", b"ab", b"abc", b"hello", b"doctorate", b"0123456789abcdef", b"x" * 17,
         b"y" * 40, b"z" * 100, b"-1", b"42", "caf\u00e9".encode()]
# TF 2.21: string_to_hash_bucket_fast / string_to_hash_bucket / _strong(key=[1, 2]), 1000
FAST = [263, 939, 502, 385, 296, 960, 263, 581, 6, 73, 430, 736, 587]
LEGACY = [899, 868, 699, 710, 938, 663, 294, 830, 129, 879, 983, 712, 640]
STRONG = [435, 646, 106, 917, 622, 32, 844, 32, 653, 279, 660, 157, 724]
# TF 2.21 with num_buckets = 2**62 (nearly the whole hash); strong key [0xDEADBEEF, 12345]
FAST_BIG = [1936946117179621455, 3694432073954588131, 3066228220894225694,
            2640714258260161385, 3786372426573024488, 2149675042154455152,
            1493332391325024359, 2082709914559524773, 276292113409495006,
            4609163928736578169, 2722188246723688526, 623910487284905736,
            2156005646011579779]
LEGACY_BIG = [105434511174508091, 2996632905371535868, 3579204183985781795,
              1046625677629754806, 1331861223480393034, 451403530480030855,
              1490712428580208486, 4161156153655800118, 2760375234777655417,
              1186615579875097071, 585573198988968271, 2474269682032266808,
              424548586353042928]
STRONG_BIG = [2502000603692052692, 143681390078488863, 74679862209803159,
              3170853831572285175, 1150066470745654324, 3774459732358527343,
              1180000462899787596, 649734789058550587, 828562241092387685,
              754380198005033538, 995353849933451889, 3271358486588887838,
              1126689183219773518]


def test_hash_functions_equal_tf_on_every_length_class():
    big = 2 ** 62
    assert [fingerprint64(w) % big for w in WORDS] == FAST_BIG
    assert [hash64(w) % big for w in WORDS] == LEGACY_BIG
    assert [siphash24((0xDEADBEEF, 12345), w) % big for w in WORDS] == STRONG_BIG


def test_string_to_hash_bucket_ops_equal_tf():
    s = tk.constant(np.array(WORDS, dtype=object).reshape(13, 1))
    ops = [tk.string_to_hash_bucket_fast(s, 1000), tk.string_to_hash_bucket(s, 1000),
           tk.string_to_hash_bucket_strong(s, 1000, [1, 2]),
           tk.strings.to_hash_bucket_fast(s, 1000), tk.strings.to_hash_bucket(s, 1000),
           tk.strings.to_hash_bucket_strong(s, 1000, [1, 2]),
           tk.strings.to_hash_bucket_fast(s, 2 ** 62)]
    assert ops[0].dtype is tk.int64 and ops[0].shape.as_list() == [13, 1]
    with tk.Session() as sess:
        got = [g.reshape(-1).tolist() for g in sess.run(ops)]
    assert got[:6] == [FAST, LEGACY, STRONG, FAST, LEGACY, STRONG]
    assert got[6] == FAST_BIG


def test_string_to_hash_bucket_errors():
    with pytest.raises(TypeError, match="string tensor"):
        tk.string_to_hash_bucket_fast(tk.constant([1, 2]), 3)
    with pytest.raises(ValueError, match="less than minimum 1"):
        tk.string_to_hash_bucket_fast(["a"], 0)
    with pytest.raises(ValueError, match="key of two ints"):
        tk.string_to_hash_bucket_strong(["a"], 3, [1])


def _ids(col, feats):
    out = fc.input_layer(feats, [fc.indicator_column(col)])
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())  # vocabulary columns are lookup tables, as in TF
        onehot = sess.run(out)
    assert (onehot.sum(1) == 1).all()
    return onehot.argmax(1).tolist()


WORDS2 = ["hello", "a", "doctorate", "tokyo", "berlin", "paris", "x" * 40]
INTS = [3, 42, 7, 0, 123456789, -5, 2 ** 40]


def test_feature_column_hash_buckets_equal_tf():
    # TF 2.21: the column's transformed ids on the same one-value-per-row features
    s = fc.categorical_column_with_hash_bucket("s", 10)
    i = fc.categorical_column_with_hash_bucket("i", 10, dtype=tk.int64)
    i32 = fc.categorical_column_with_hash_bucket("i32", 1000, dtype=tk.int32)
    assert _ids(s, {"s": tk.constant([[w] for w in WORDS2])}) == [6, 9, 0, 7, 4, 7, 2]
    assert _ids(i, {"i": tk.constant([[v] for v in INTS], tk.int64)}) == \
        [1, 6, 8, 5, 6, 6, 8]
    assert _ids(i32, {"i32": tk.constant([[v] for v in INTS[:6]], tk.int32)}) == \
        [921, 736, 88, 735, 306, 816]


def test_vocabulary_oov_buckets_equal_tf():
    v = fc.categorical_column_with_vocabulary_list("v", ["paris", "rome"], num_oov_buckets=5)
    vi = fc.categorical_column_with_vocabulary_list("vi", [7, 3], num_oov_buckets=5,
                                                    dtype=tk.int64)
    assert _ids(v, {"v": tk.constant([[w] for w in WORDS2])}) == [3, 6, 2, 4, 6, 0, 4]
    assert _ids(vi, {"vi": tk.constant([[x] for x in INTS], tk.int64)}) == \
        [1, 3, 0, 2, 3, 3, 5]
