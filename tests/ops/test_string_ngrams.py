"""``tk.strings.ngrams`` equal to TF 2.21's ``tf.compat.v1.strings.ngrams`` (graph mode, the
same inputs; the outputs and static shapes below were recorded from TF 2.21.0)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

ABCD = ["a", "b", "c", "d"]
CASES = {
    "bigrams": ((ABCD, 2), {}, [b"a b", b"b c", b"c d"]),
    "widths": ((ABCD, (1, 3)), {"separator": "|"},
               [b"a", b"b", b"c", b"d", b"a|b|c", b"b|c|d"]),
    "pad_full": ((ABCD, 3), {"pad_values": "P"},
                 [b"P P a", b"P a b", b"a b c", b"b c d", b"c d P", b"d P P"]),
    "pad_pair_width1": ((ABCD, 3), {"pad_values": ("L", "R"), "padding_width": 1},
                        [b"L a b", b"a b c", b"b c d", b"c d R"]),
    "pad_wide_one": ((ABCD, 6), {"pad_values": ("L", "R"), "padding_width": 1},
                     [b"L a b c d R"]),
    "pad_width_capped": ((ABCD, 2), {"pad_values": ["L", "R"], "padding_width": 5},
                         [b"L a", b"a b", b"b c", b"c d", b"d R"]),
    "too_short": ((ABCD, 6), {}, []),
    "preserve": ((ABCD, 6), {"preserve_short_sequences": True}, [b"a b c d"]),
    "preserve_unused": ((ABCD, (2, 6)), {"preserve_short_sequences": True},
                        [b"a b", b"b c", b"c d"]),
    "preserve_two_widths": ((ABCD, (6, 7)), {"preserve_short_sequences": True},
                            [b"a b c d"]),
    "preserve_padded": ((["a", "b"], 5), {"pad_values": "P", "padding_width": 1,
                                          "preserve_short_sequences": True}, [b"P a b P"]),
    "preserve_padded_widths": ((["a", "b"], (6, 7)),
                               {"pad_values": "P", "padding_width": 1,
                                "preserve_short_sequences": True}, [b"P a b P"]),
    "padded_width3": ((["a", "b"], 5), {"pad_values": "P", "padding_width": 3,
                                        "preserve_short_sequences": True},
                      [b"P P P a b", b"P P a b P", b"P a b P P", b"a b P P P"]),
    "two_widths_padded": ((ABCD, (5, 6)), {"pad_values": "P", "padding_width": 2,
                                           "preserve_short_sequences": True},
                          [b"P P a b c", b"P a b c d", b"a b c d P", b"b c d P P",
                           b"P P a b c d", b"P a b c d P", b"a b c d P P"]),
    "unigram_preserve": ((["ab", "cd"], 1), {"preserve_short_sequences": True},
                         [b"ab", b"cd"]),
    "empty_preserve": ((np.zeros([0], object), 2),
                       {"pad_values": "P", "preserve_short_sequences": True}, []),
    "empty_pad_strings": ((["a", "b"], 2), {"pad_values": ("", "")}, [b" a", b"a b", b"b "]),
    "matrix": (([["a", "b", "c"], ["d", "e", "f"]], 2), {},
               [[b"a b", b"b c"], [b"d e", b"e f"]]),
    "matrix_pad": (([["a", "b", "c"], ["d", "e", "f"]], (2, 3)), {"pad_values": "P"},
                   [[b"P a", b"a b", b"b c", b"c P", b"P P a", b"P a b", b"a b c",
                     b"b c P", b"c P P"],
                    [b"P d", b"d e", b"e f", b"f P", b"P P d", b"P d e", b"d e f",
                     b"e f P", b"f P P"]]),
    "matrix_preserve": (([["a", "b"], ["c", "d"]], 3), {"preserve_short_sequences": True},
                        [[b"a b"], [b"c d"]]),
    "matrix_none": (([["a", "b"], ["c", "d"]], 3), {}, [[], []]),
    "rank3": (([[["a", "b"], ["c", "d"]]], 2), {"separator": ""}, [[[b"ab"], [b"cd"]]]),
    "rank3_widths": (([[["a", "b", "c"]], [["d", "e", "f"]]], (3, 1)),
                     {"separator": "_", "pad_values": ("<", ">"), "padding_width": 2},
                     [[[b"<_<_a", b"<_a_b", b"a_b_c", b"b_c_>", b"c_>_>", b"a", b"b",
                        b"c"]],
                      [[b"<_<_d", b"<_d_e", b"d_e_f", b"e_f_>", b"f_>_>", b"d", b"e",
                        b"f"]]]),
    "utf8": ((["caf\u00e9", "x"], 2), {"separator": "\u00b7"},
             [b"caf\xc3\xa9\xc2\xb7x"]),
}


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


@pytest.mark.parametrize("name", sorted(CASES))
def test_ngrams_equal_tf(name):
    args, kwargs, want = CASES[name]
    got = _run(tk.strings.ngrams(*args, **kwargs))
    assert got.tolist() == want
    assert got.dtype == object


def test_static_shape_keeps_leading_dimensions():
    """TF 2.21: (None,) for a vector, (2, None) for [2, 3], (2, 1, None) for [2, 1, 3]."""
    assert tk.strings.ngrams(ABCD, 2).shape.as_list() == [None]
    p = tk.placeholder(tk.string, [2, 3])
    assert tk.strings.ngrams(p, (1, 2)).shape.as_list() == [2, None]
    q = tk.placeholder(tk.string, [2, 1, 3])
    assert tk.strings.ngrams(q, 2).shape.as_list() == [2, 1, None]
    r = tk.placeholder(tk.string, [None, None])
    assert tk.strings.ngrams(r, 2).shape.as_list() == [None, None]


def test_fed_matrix_and_empty_rows():
    """TF 2.21: [[a,b,c],[x,y,z]] -> bigrams per row; a [2, 0] feed gives shape (2, 0)
    and a [0, 3] feed (0, 1) (TF's reshape to [0, -1])."""
    p = tk.placeholder(tk.string, [None, None])
    bigrams = tk.strings.ngrams(p, 2)
    got = _run(bigrams, {p: [["a", "b", "c"], ["x", "y", "z"]]})
    assert got.tolist() == [[b"a b", b"b c"], [b"x y", b"y z"]]
    padded = tk.strings.ngrams(p, 3, pad_values="P", padding_width=1,
                               preserve_short_sequences=True)
    assert _run(padded, {p: np.zeros([2, 0], object)}).shape == (2, 0)
    assert _run(padded, {p: np.zeros([0, 3], object)}).shape == (0, 1)


def test_op_is_one_string_ngrams_node_without_gradient():
    out = tk.strings.ngrams(ABCD, 2, name="grams")
    assert out.op.type == "StringNGrams" and out.op.name == "grams"
    assert out.op.get_attr("ngram_widths") == [2]
    assert out.op.get_attr("pad_width") == 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"ngram_width": 0}, ValueError, "All ngram_widths must be greater than 0"),
    ({"ngram_width": (2, -1)}, ValueError, "All ngram_widths must be greater than 0"),
    ({"ngram_width": 2, "pad_values": "P", "padding_width": 0}, ValueError,
     "padding_width must be greater than 0"),
    ({"ngram_width": 2, "padding_width": 1}, ValueError,
     "pad_values must be provided if padding_width is set"),
    ({"ngram_width": 2, "pad_values": 1}, TypeError,
     "pad_values must be a string, tuple of strings, or None"),
    ({"ngram_width": 2, "pad_values": ("a",)}, TypeError,
     "pad_values must be a string, tuple of strings, or None"),
])
def test_bad_arguments_raise_like_tf(kwargs, error, match):
    with pytest.raises(error, match=match):
        tk.strings.ngrams(ABCD, **kwargs)


def test_sparse_data_is_a_type_error():
    sp = tk.SparseTensor([[0, 0]], ["a"], [1, 2])
    with pytest.raises(TypeError, match="dense string tensor .* got a SparseTensor"):
        tk.strings.ngrams(sp, 2)


def test_bad_data_raises_like_tf():
    """TF 2.21: ValueError for a scalar, an unknown rank and a non-string tensor."""
    with pytest.raises(ValueError, match="Data must have rank>0"):
        tk.strings.ngrams("a", 2)
    with pytest.raises(ValueError, match="Rank of data must be known"):
        tk.strings.ngrams(tk.placeholder(tk.string), 2)
    with pytest.raises(ValueError, match="requested dtype string for Tensor with dtype int32"):
        tk.strings.ngrams(tk.constant([1, 2]), 2)
