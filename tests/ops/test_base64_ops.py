"""``tk.io.encode_base64`` / ``decode_base64`` against TF 2.21.0 (``tf.compat.v1.io``,
graph mode): outputs and the InvalidArgumentError messages below were recorded there."""

from __future__ import annotations

import base64

import numpy as np
import pytest

import trainkit as tk

VALUES = [b"", b"a", b"ab", b"abc", b"\xfb\xff\xbf", b"hello world!?"]


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_encode_is_web_safe_and_unpadded_unless_asked():
    assert _run(tk.io.encode_base64(tk.constant(VALUES))).tolist() == [
        b"", b"YQ", b"YWI", b"YWJj", b"-_-_", b"aGVsbG8gd29ybGQhPw"]
    assert _run(tk.io.encode_base64(tk.constant(VALUES), pad=True)).tolist() == [
        b"", b"YQ==", b"YWI=", b"YWJj", b"-_-_", b"aGVsbG8gd29ybGQhPw=="]
    assert _run(tk.io.encode_base64(tk.constant([[b"a", b"bb"]]))).tolist() == [
        [b"YQ", b"YmI"]]


def test_encode_matches_pythons_urlsafe_base64_on_random_bytes():
    rng = np.random.default_rng(0)
    vals = [rng.bytes(int(n)) for n in rng.integers(0, 40, 50)]
    got = _run(tk.io.encode_base64(tk.constant(vals), pad=True)).tolist()
    assert got == [base64.urlsafe_b64encode(v) for v in vals]
    assert _run(tk.io.decode_base64(tk.io.encode_base64(tk.constant(vals)))).tolist() == vals


def test_decode_accepts_padding_or_none_and_loose_trailing_bits():
    got = _run(tk.io.decode_base64(tk.constant(
        [b"YQ", b"YQ==", b"-_-_", b"aGVsbG8gd29ybGQhPw", b"", b"YWJj", b"YWJ", b"YWJ="])))
    assert got.tolist() == [b"a", b"a", b"\xfb\xff\xbf", b"hello world!?", b"", b"abc",
                            b"ab", b"ab"]


@pytest.mark.parametrize("text, message", [
    (b"YW  Jj", "Invalid character found in base64."),
    (b"YQ\n", "Invalid character found in base64."),
    (b"+/+/", "Invalid character found in base64."),  # the standard alphabet is refused
    (b"YQ=", "Invalid character found in base64."),
    (b"YQ===", "Invalid character found in base64."),
    (b"Y=Q=", "Invalid character found in base64."),
    (b"YQ==YQ==", "Invalid character found in base64."),
    (b"====", "Invalid character found in base64."),
    (b"Y", "Base64 string length cannot be 1 modulo 4."),
    (b"YWJjZ", "Base64 string length cannot be 1 modulo 4."),
    (b"YWJj=", "Base64 string length cannot be 1 modulo 4."),
])
def test_bad_base64_is_an_invalid_argument_error(text, message):
    with pytest.raises(tk.errors.InvalidArgumentError, match=message.replace(".", r"\.")):
        _run(tk.io.decode_base64(tk.constant(text)))


@pytest.mark.parametrize("fn, op", [(tk.io.encode_base64, "EncodeBase64"),
                                    (tk.io.decode_base64, "DecodeBase64")])
def test_non_string_input_is_a_type_error(fn, op):
    with pytest.raises(TypeError) as e:
        fn(tk.constant([1]))
    assert str(e.value) == (f"Input 'input' of '{op}' Op has type int32 that does not match "
                            "expected type of string.")
    assert fn(tk.constant([b"YQ"])).op.name == op


def test_write_graph_and_manip_aliases():
    assert tk.io.write_graph is tk.train.write_graph
    assert tk.manip.reshape is tk.reshape and tk.manip.roll is tk.roll
    assert tk.manip.gather_nd is tk.gather_nd and tk.manip.tile is tk.tile
    assert tk.manip.reverse is tk.reverse and tk.manip.scatter_nd is tk.scatter_nd
