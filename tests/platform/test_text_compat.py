"""tk.compat.as_bytes / as_text / as_str / path_to_str behave as tf.compat's (TF 2.21:
as_bytes('é') == b'\\xc3\\xa9', as_text(b'\\xc3\\xa9') == 'é', TypeError on an int)."""

from __future__ import annotations

import pathlib

import pytest

import trainkit as tk


def test_conversions():
    assert tk.compat.as_bytes("é") == b"\xc3\xa9"
    assert tk.compat.as_bytes(bytearray(b"ab")) == b"ab"
    assert tk.compat.as_bytes(b"x") == b"x"
    assert tk.compat.as_text(b"\xc3\xa9") == "é" == tk.compat.as_str("é")
    assert tk.compat.as_bytes("é", "latin-1") == b"\xe9"
    assert tk.compat.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    assert tk.compat.path_to_str(3) == 3


def test_bad_types():
    with pytest.raises(TypeError, match="Expected binary or unicode string, got 3"):
        tk.compat.as_bytes(3)
    with pytest.raises(TypeError, match="Expected binary or unicode string"):
        tk.compat.as_text(None)
