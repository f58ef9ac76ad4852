"""``tk.strings.unicode_*`` equal to TF 2.21's ``tf.compat.v1.strings.unicode_*`` (graph
mode, the same inputs; every expected value below was recorded from TF 2.21.0)."""

from __future__ import annotations

import hashlib
import json
import random

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import unicode_codec as codec

S = "h\u00e9\u20ac\U0001F600"
# a, ff, b, truncated E2 82, c, U+1F600, overlong C0 AF, a surrogate ED A0 80, z, controls
BAD = b"a\xffb\xe2\x82c\xf0\x9f\x98\x80\xc0\xaf\xed\xa0\x80z\x01\x7f\xc2\x85"
BAD_CPS = [97, 65533, 98, 65533, 99, 128512, 65533, 65533, 65533, 65533, 65533, 122, 1,
           127, 133]
BAD_OFFSETS = [0, 1, 2, 3, 5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18]
U16 = S.encode("utf-16-be") + b"\xd8\x00\x00a" + b"\xdc\x00" + b"\x00"
U32 = (S.encode("utf-32-be") + b"\x00\x11\x00\x00" + b"\x00\x00\xd8\x00"
       + b"\x00\x00\x00\x41" + b"\x00\x00")
FFFD = b"\xef\xbf\xbd"


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def _list(v):
    if isinstance(v, tuple | list):
        return [_list(x) for x in v]
    return v.tolist() if hasattr(v, "tolist") else v


D = tk.strings
CASES = {
    "decode": (lambda: D.unicode_decode(S, "UTF-8"), [104, 233, 8364, 128512]),
    "decode_empty": (lambda: D.unicode_decode("", "UTF-8"), []),
    "decode_alias": (lambda: D.unicode_decode("a", "utf-8"), [97]),
    "decode_bom_kept": (lambda: D.unicode_decode(b"\xfe\xff\x00a", "UTF-16-BE"),
                        [65279, 97]),
    "decode_replace": (lambda: D.unicode_decode(BAD, "UTF-8"), BAD_CPS),
    "decode_ignore": (lambda: D.unicode_decode(BAD, "UTF-8", errors="ignore"),
                      [97, 98, 99, 128512, 122, 1, 127, 133]),
    "decode_controls": (lambda: D.unicode_decode(BAD, "UTF-8", replacement_char=63,
                                                 replace_control_characters=True),
                        [97, 63, 98, 63, 99, 128512, 63, 63, 63, 63, 63, 122, 63, 127, 133]),
    "decode_controls_ignored": (
        lambda: D.unicode_decode(BAD, "UTF-8", errors="ignore",
                                 replace_control_characters=True),
        [97, 98, 99, 128512, 122, 127, 133]),
    "decode_controls_strict": (
        lambda: D.unicode_decode("\x00\t\n\x1f \x7f\x80\x9f\u00a0\u2028", "UTF-8",
                                 errors="strict", replace_control_characters=True),
        [65533, 65533, 65533, 65533, 32, 127, 128, 159, 160, 8232]),
    "decode_out_of_range": (
        lambda: D.unicode_decode(b"\xf4\x90\x80\x80\xf8\x88\x80\x80\x80", "UTF-8"),
        [65533] * 9),
    "decode_overlong": (lambda: D.unicode_decode(b"\xe0\x80\xaf\xf0\x8f\xbf\xbf\xe1\x80",
                                                 "UTF-8"), [65533] * 8),
    "decode_surrogate_replacement": (
        lambda: D.unicode_decode(b"a\xffb", "UTF-8", replacement_char=0xD800),
        [97, 55296, 98]),
    "decode_offsets": (lambda: D.unicode_decode_with_offsets(BAD, "UTF-8"),
                       [BAD_CPS, BAD_OFFSETS]),
    "decode_offsets_ignore": (
        lambda: D.unicode_decode_with_offsets(BAD, "UTF-8", errors="ignore"),
        [[97, 98, 99, 128512, 122, 1, 127, 133], [0, 2, 5, 6, 15, 16, 17, 18]]),
    "decode_offsets_controls_ignore": (
        lambda: D.unicode_decode_with_offsets("\x00\t\n\x1f \x7f\x80\x9f\u00a0\u2028",
                                              "UTF-8", errors="ignore",
                                              replace_control_characters=True),
        [[32, 127, 128, 159, 160, 8232], [4, 5, 6, 8, 10, 12]]),
    "decode_utf16": (lambda: D.unicode_decode_with_offsets(U16, "UTF-16-BE"),
                     [[104, 233, 8364, 128512, 65533, 97, 65533, 65533],
                      [0, 2, 4, 6, 10, 12, 14, 16]]),
    "decode_utf32": (lambda: D.unicode_decode_with_offsets(U32, "UTF-32-BE"),
                     [[104, 233, 8364, 128512, 65533, 65533, 65, 65533],
                      [0, 4, 8, 12, 16, 20, 24, 28]]),
    "decode_utf32_ignore": (lambda: D.unicode_decode(U32, "UTF-32-BE", errors="ignore"),
                            [104, 233, 8364, 128512, 65]),
    "split": (lambda: D.unicode_split(BAD, "UTF-8"),
              [b"a", FFFD, b"b", FFFD, b"c", b"\xf0\x9f\x98\x80", FFFD, FFFD, FFFD, FFFD,
               FFFD, b"z", b"\x01", b"\x7f", b"\xc2\x85"]),
    "split_empty": (lambda: D.unicode_split("", "UTF-8"), []),
    "split_ignore": (lambda: D.unicode_split(BAD, "UTF-8", errors="ignore"),
                     [b"a", b"b", b"c", b"\xf0\x9f\x98\x80", b"z", b"\x01", b"\x7f",
                      b"\xc2\x85"]),
    "split_offsets": (lambda: D.unicode_split_with_offsets(S, "UTF-8"),
                      [[b"h", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80"],
                       [0, 1, 3, 6]]),
    "split_utf16": (lambda: D.unicode_split(U16, "UTF-16-BE"),
                    [b"\x00h", b"\x00\xe9", b" \xac", b"\xd8=\xde\x00", b"\xff\xfd", b"\x00a",
                     b"\xff\xfd", b"\xff\xfd"]),
    "split_offsets_utf16_replacement": (
        lambda: D.unicode_split_with_offsets(b"\x00a\xd8\x00", "UTF-16-BE",
                                             replacement_char=0x1F600),
        [[b"\x00a", b"\xd8=\xde\x00"], [0, 2]]),
    "encode": (lambda: D.unicode_encode([104, 233, 8364, 128512], "UTF-8"),
               b"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
    "encode_utf16_rows": (lambda: D.unicode_encode([[104, 233], [8364, 0]], "UTF-16-BE"),
                          [b"\x00h\x00\xe9", b" \xac\x00\x00"]),
    "encode_utf16_pairs": (
        lambda: D.unicode_encode(np.array([[0x1F600, 0x10FFFF], [0x41, 0]], np.int32),
                                 "UTF-16-BE"),
        [b"\xd8=\xde\x00\xdb\xff\xdf\xff", b"\x00A\x00\x00"]),
    "encode_utf32_rows": (lambda: D.unicode_encode([[104, 233], [8364, 0]], "UTF-32-BE"),
                          [b"\x00\x00\x00h\x00\x00\x00\xe9", b"\x00\x00 \xac\x00\x00\x00\x00"]),
    "encode_utf32_bad": (lambda: D.unicode_encode([0xDFFF, 0xFFFE, 0x10FFFF], "UTF-32-BE"),
                         b"\x00\x00\xff\xfd\x00\x00\xff\xfe\x00\x10\xff\xff"),
    "encode_rank3": (lambda: D.unicode_encode([[[65]]], "UTF-8"), [[b"A"]]),
    "encode_empty_rows": (lambda: D.unicode_encode(tk.zeros([2, 0], tk.int32), "UTF-8"),
                          [b"", b""]),
    "encode_replace": (lambda: D.unicode_encode([104, -1, 0x110000, 0xD800, 65], "UTF-8"),
                       b"h" + FFFD * 3 + b"A"),
    "encode_ignore": (lambda: D.unicode_encode([104, -1, 0x110000, 0xD800, 65], "UTF-8",
                                               errors="ignore"), b"hA"),
    "encode_replacement": (lambda: D.unicode_encode([104, -1, 0x110000, 0xD800, 65],
                                                    "UTF-8", replacement_char=63),
                           b"h???A"),
    "encode_replacement_pair": (
        lambda: D.unicode_encode([0x41, -3], "UTF-16-BE", replacement_char=0x1F600),
        b"\x00A\xd8=\xde\x00"),
    "encode_surrogate_replacement_8": (
        lambda: D.unicode_encode([65, -3], "UTF-8", replacement_char=0xD800), b"A" + FFFD),
    "encode_surrogate_replacement_16": (
        lambda: D.unicode_encode([65, -3], "UTF-16-BE", replacement_char=0xD800),
        b"\x00A\xd8\x00"),
    "encode_surrogate_replacement_32": (
        lambda: D.unicode_encode([65, -3], "UTF-32-BE", replacement_char=0xD800),
        b"\x00\x00\x00A\x00\x00\xd8\x00"),
    "transcode": (lambda: D.unicode_transcode([S, BAD], "UTF-8", "UTF-16-BE"),
                  [b"\x00h\x00\xe9 \xac\xd8=\xde\x00",
                   b"\x00a\xff\xfd\x00b\xff\xfd\x00c\xd8=\xde\x00" + b"\xff\xfd" * 5
                   + b"\x00z\x00\x01\x00\x7f\x00\x85"]),
    "transcode_same": (lambda: D.unicode_transcode(BAD, "UTF-8", "UTF-8"),
                       b"a" + FFFD + b"b" + FFFD + b"c\xf0\x9f\x98\x80" + FFFD * 5
                       + b"z\x01\x7f\xc2\x85"),
    "transcode_ignore": (lambda: D.unicode_transcode(BAD, "UTF-8", "UTF-8", errors="ignore"),
                         b"abc\xf0\x9f\x98\x80z\x01\x7f\xc2\x85"),
    "transcode_controls": (
        lambda: D.unicode_transcode(BAD, "UTF-8", "UTF-8", replace_control_characters=True),
        b"a" + FFFD + b"b" + FFFD + b"c\xf0\x9f\x98\x80" + FFFD * 5 + b"z" + FFFD
        + b"\x7f\xc2\x85"),
    "transcode_controls_ignored": (
        lambda: D.unicode_transcode(b"a\x00b", "UTF-8", "UTF-8", errors="ignore",
                                    replace_control_characters=True), b"ab"),
    "transcode_control_replacement": (
        lambda: D.unicode_transcode(b"\x00", "UTF-8", "UTF-16-BE",
                                    replace_control_characters=True, replacement_char=0x41),
        b"\x00A"),
    "transcode_from_utf16": (lambda: D.unicode_transcode(U16, "UTF-16-BE", "UTF-8"),
                             b"h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" + FFFD + b"a"
                             + FFFD * 2),
    "transcode_to_utf32": (lambda: D.unicode_transcode([[S]], "UTF-8", "UTF-32-BE"),
                           [[b"\x00\x00\x00h\x00\x00\x00\xe9\x00\x00 \xac\x00\x01\xf6\x00"]]),
    "transcode_pair_replacement": (
        lambda: D.unicode_transcode(b"a\xffb", "UTF-8", "UTF-16-BE", replacement_char=0x1F600),
        b"\x00a\xd8=\xde\x00\x00b"),
    "transcode_surrogate_replacement_8": (
        lambda: D.unicode_transcode(b"a\xff", "UTF-8", "UTF-8", replacement_char=0xDFFF),
        b"a" + FFFD),
    "transcode_surrogate_replacement_16": (
        lambda: D.unicode_transcode(b"a\xed\xa0\x80", "UTF-8", "UTF-16-BE",
                                    replacement_char=0xD800), b"\x00a" + b"\xd8\x00" * 3),
    "transcode_surrogate_replacement_32": (
        lambda: D.unicode_transcode(b"a\xff", "UTF-8", "UTF-32-BE", replacement_char=0xDFFF),
        b"\x00\x00\x00a\x00\x00\xdf\xff"),
    "transcode_nul_replacement": (
        lambda: D.unicode_transcode([b"\xff"], "UTF-8", "UTF-8", replacement_char=0),
        [b"\x00"]),
    "script": (lambda: D.unicode_script([65, 0x416, 0x4E2D, 0x300, 33, -1, 0x110000, 0x627,
                                         0x10FFFF, 0xE000]),
               [25, 8, 17, 1, 0, -1, -1, 2, 103, 103]),
    "script_matrix": (lambda: D.unicode_script(np.array(
        [[0x0E01, 0x3042, 0x30A2, 0xAC00], [0x05D0, 0x0391, 0x0915, 0x1F600]], np.int32)),
        [[38, 20, 22, 18], [19, 14, 10, 0]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unicode_op_equals_tf(name):
    build, want = CASES[name]
    assert _list(_run(build())) == want


def _corpus():
    """400 byte strings of well- and ill-formed pieces of the three encodings."""
    rng = random.Random(7)
    pieces = [b"a", b"\xff", b"\xc2\x85", b"\xe2\x82", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80",
              b"\xf0\x9f", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"\x01", b"\x00",
              b"\xd8\x00", b"\xdc\x00", b"\x00\x00", b"\x00\x10\xff\xff", b"\xf4\x90\x80\x80",
              b"\xe0\x80"]
    out = []
    for _ in range(400):
        s = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        if rng.random() < 0.3:
            s += bytes(rng.randrange(256) for _ in range(rng.randint(1, 5)))
        out.append(s)
    return out


def _decoded(s, enc, err, ctl, strict_control):
    try:
        pairs = codec.decode(s, enc, err, 0x1F600 if ctl and not strict_control else 0xFFFD,
                             ctl, strict_control)
    except codec.CodecError:
        return "ERR"
    return pairs


def test_codecs_equal_tf_on_a_corpus_of_ill_formed_strings():
    """TF 2.21 decoded (with offsets) and transcoded (UTF-8 -> UTF-16-BE, others -> UTF-8)
    each string of the corpus under every encoding, error mode and control setting; the
    SHA-256 of its results (as JSON) is below. 4590 of the 14400 were errors."""
    corpus, results = _corpus(), {}
    for enc in codec.ENCODINGS:
        out_enc = "UTF-16-BE" if enc == "UTF-8" else "UTF-8"
        for err in codec.ERROR_MODES:
            for ctl in (False, True):
                key = f"{enc}/{err}/{ctl}"
                dec = [_decoded(s, enc, err, ctl, False) for s in corpus]
                results["dec/" + key] = [
                    d if d == "ERR" else [[c for c, _ in d], [o for _, o in d]] for d in dec]
                tr = [_decoded(s, enc, err, ctl, True) for s in corpus]
                results["tr/" + key] = [
                    d if d == "ERR" else b"".join(codec.encode_one(c, out_enc) for c, _ in d)
                    .hex() for d in tr]
    digest = hashlib.sha256(json.dumps(results, sort_keys=True, separators=(",", ":"))
                            .encode()).hexdigest()
    assert digest == "e03b7e0c196ec12c94fb778ed7b7a9f4780dccf45783a96b9d3cfe427d7d48ae"


def test_script_table_spans_every_code_point():
    """Runs start at U+0000, increase, and the last starts below U+10FFFF."""
    from trainkit.ops import unicode_script_table as table
    assert table.STARTS[0] == 0 and len(table.STARTS) == len(table.SCRIPTS)
    assert all(a < b for a, b in zip(table.STARTS, table.STARTS[1:], strict=False))
    assert table.STARTS[-1] <= codec.MAX_CODE_POINT


def test_static_shapes_and_op_types():
    """TF 2.21: decode of a scalar is (None,); transcode and script keep the input shape;
    encode drops the last dimension."""
    cps = D.unicode_decode("abc", "UTF-8", name="dec")
    assert cps.shape.as_list() == [None] and cps.dtype == tk.int32
    assert cps.op.type == "UnicodeDecode" and cps.op.name == "dec"
    chars, offsets = D.unicode_decode_with_offsets("abc", "UTF-8")
    assert offsets.dtype == tk.int64 and chars.op.type == "UnicodeDecodeWithOffsets"
    p = tk.placeholder(tk.string, [None, 2])
    assert D.unicode_transcode(p, "UTF-8", "UTF-8").shape.as_list() == [None, 2]
    q = tk.placeholder(tk.int32, [None, 3])
    assert D.unicode_encode(q, "UTF-8").shape.as_list() == [None]
    assert D.unicode_script(q).shape.as_list() == [None, 3]
    split = D.unicode_split("ab", "UTF-8")
    assert split.dtype == tk.string and split.shape.as_list() == [None]


def test_fed_values():
    s = tk.placeholder(tk.string, [])
    cps = D.unicode_decode(s, "UTF-8")
    assert _run(cps, {s: "\u00e9a"}).tolist() == [233, 97]
    m = tk.placeholder(tk.int32, [None, None])
    assert _run(D.unicode_encode(m, "UTF-8"), {m: [[97, 98], [99, 100]]}).tolist() == \
        [b"ab", b"cd"]


def test_unicode_ops_are_not_differentiable():
    cp = tk.constant([65, 66])
    assert tk.gradients(tk.cast(D.unicode_script(cp), tk.float32), cp) == [None]


@pytest.mark.parametrize("build, match", [
    (lambda: D.unicode_decode(BAD, "UTF-8", errors="strict"),
     "Invalid formatting on input string"),
    (lambda: D.unicode_decode_with_offsets(b"\x00a\x00", "UTF-16-BE", errors="strict"),
     "Invalid formatting on input string"),
    (lambda: D.unicode_split(b"a\xffb", "UTF-8", errors="strict"),
     "Invalid formatting on input string"),
    (lambda: D.unicode_transcode(BAD, "UTF-8", "UTF-8", errors="strict"),
     "Invalid formatting on input string"),
    (lambda: D.unicode_transcode(b"a\x01b", "UTF-8", "UTF-8", errors="strict",
                                 replace_control_characters=True),
     "Invalid formatting on input string"),
    (lambda: D.unicode_encode([0x41, -3], "UTF-8", errors="strict"),
     "Code point is out of range for Unicode, or is a surrogate"),
    (lambda: D.unicode_encode([0xD800], "UTF-8", errors="strict"),
     "Code point is out of range for Unicode, or is a surrogate"),
    (lambda: D.unicode_decode(b"ab", "UTF-8", replacement_char=-5),
     "replacement_char out of unicode codepoint range"),
    (lambda: D.unicode_decode(b"ab", "UTF-8", replacement_char=0x110000),
     "replacement_char out of unicode codepoint range"),
    (lambda: D.unicode_encode([0x41], "UTF-8", replacement_char=0x110000),
     "replacement_char out of unicode codepoint range"),
    (lambda: D.unicode_transcode(b"ab", "UTF-8", "UTF-8", replacement_char=-1),
     "replacement_char out of unicode codepoint range"),
    (lambda: D.unicode_decode("abc", "bogus-enc"),
     "Could not create converter for input encoding: bogus-enc"),
    (lambda: D.unicode_transcode("abc", "bogus-enc", "UTF-8"),
     "Could not create converter for input encoding: bogus-enc"),
    (lambda: D.unicode_decode("abc", "ISO-8859-1"),  # Differs from TF: ICU decodes it
     "Could not create converter for input encoding: ISO-8859-1"),
])
def test_run_time_errors_are_invalid_argument(build, match):
    t = build()
    with pytest.raises(tk.errors.InvalidArgumentError, match=match):
        _run(t)


@pytest.mark.parametrize("build, error, match", [
    (lambda: D.unicode_decode(["a", "b"], "UTF-8"), ValueError, "tf.RaggedTensor"),
    (lambda: D.unicode_decode_with_offsets([["a"]], "UTF-8"), ValueError, "tf.RaggedTensor"),
    (lambda: D.unicode_split(["a"], "UTF-8"), ValueError, "tf.RaggedTensor"),
    (lambda: D.unicode_split_with_offsets(["a"], "UTF-8"), ValueError, "tf.RaggedTensor"),
    (lambda: D.unicode_decode(tk.placeholder(tk.string), "UTF-8"), ValueError,
     "Rank of `input` must be statically known"),
    (lambda: D.unicode_decode("a", "UTF-8", errors="bogus"), ValueError,
     "Attr 'errors' of 'UnicodeDecode' Op passed string 'bogus' not in: "
     '"strict", "replace", "ignore"'),
    (lambda: D.unicode_transcode("a", "UTF-8", "UTF-8", errors="bogus"), ValueError,
     "Attr 'errors' of 'UnicodeTranscode' Op passed string 'bogus'"),
    (lambda: D.unicode_encode([65], "UTF-7"), ValueError,
     "Attr 'output_encoding' of 'UnicodeEncode' Op passed string 'UTF-7' not in: "
     '"UTF-8", "UTF-16-BE", "UTF-32-BE"'),
    (lambda: D.unicode_split("a", "utf-8"), ValueError,
     "Attr 'output_encoding' of 'UnicodeEncode' Op passed string 'utf-8'"),
    (lambda: D.unicode_transcode("a", "UTF-8", "ISO-8859-1"), ValueError,
     "Attr 'output_encoding' of 'UnicodeTranscode' Op passed string 'ISO-8859-1'"),
    (lambda: D.unicode_encode(65, "UTF-8"), ValueError,
     "input_tensor's rank must be at least 1"),
    (lambda: D.unicode_encode(tk.placeholder(tk.int32), "UTF-8"), ValueError,
     "Rank of input_tensor must be statically known"),
    (lambda: D.unicode_encode([65.0], "UTF-8"), TypeError,
     "Expected int32 passed to parameter 'input_values' of op 'UnicodeEncode'"),
    (lambda: D.unicode_encode(tk.constant([65], tk.int64), "UTF-8"), TypeError,
     "Input 'input_values' of 'UnicodeEncode' Op has type int64 that does not match "
     "expected type of int32"),
    (lambda: D.unicode_script([65.0]), TypeError,
     "Expected int32 passed to parameter 'input' of op 'UnicodeScript'"),
    (lambda: D.unicode_script(tk.constant([65], tk.int64)), TypeError,
     "Input 'input' of 'UnicodeScript' Op has type int64"),
    (lambda: D.unicode_decode(tk.SparseTensor([[0]], ["a"], [1]), "UTF-8"), TypeError,
     "unicode_decode: input must be a dense tensor .* got a SparseTensor"),
    (lambda: D.unicode_transcode(tk.SparseTensor([[0]], ["a"], [1]), "UTF-8", "UTF-8"),
     TypeError, "unicode_transcode: input must be a dense tensor"),
    (lambda: D.unicode_encode(tk.SparseTensor([[0, 0]], [65], [1, 1]), "UTF-8"), TypeError,
     "unicode_encode: input must be a dense tensor"),
    (lambda: D.unicode_script(tk.SparseTensor([[0]], [65], [1])), TypeError,
     "unicode_script: input must be a dense tensor"),
    (lambda: D.unicode_transcode(tk.constant([1]), "UTF-8", "UTF-8"), ValueError,
     "requested dtype string for Tensor with dtype int32"),
])
def test_build_time_errors_like_tf(build, error, match):
    with pytest.raises(error, match=match):
        build()
