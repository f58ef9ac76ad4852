"""``tk.compat``'s helpers against TF 2.21's ``tf.compat.v1`` (values and TypeError messages
recorded with TF 2.21.0; TF 1.15's ``tf.compat`` defines the same functions)."""

from __future__ import annotations

import numbers
import pathlib

import numpy as np
import pytest

import trainkit as tk

c = tk.compat


@pytest.mark.parametrize("value, expected", [
    (b"ab", b"ab"), ("ab", b"ab"), ("é", b"\xc3\xa9"), (bytearray(b"xy"), b"xy"),
    (np.str_("q"), b"q"),
])
def test_as_bytes(value, expected):
    out = c.as_bytes(value)
    assert out == expected and isinstance(out, bytes)


def test_as_bytes_and_as_text_take_an_encoding():
    assert c.as_bytes("é", "latin-1") == b"\xe9"
    assert c.as_text(b"\xe9", "latin-1") == "é"
    with pytest.raises(UnicodeDecodeError):
        c.as_text(b"\xe9")


@pytest.mark.parametrize("fn", [c.as_text, c.as_str])
@pytest.mark.parametrize("value, expected", [
    (b"ab", "ab"), ("ab", "ab"), ("é", "é"), (b"\xc3\xa9", "é"), (np.bytes_(b"r"), "r"),
])
def test_as_text(fn, value, expected):
    out = fn(value)
    assert out == expected and isinstance(out, str)


@pytest.mark.parametrize("fn, value", [
    (c.as_bytes, 3), (c.as_bytes, None), (c.as_bytes, pathlib.Path("/a/b")),
    (c.as_text, 3), (c.as_text, None), (c.as_text, bytearray(b"xy")),
    (c.as_str, pathlib.Path("/a/b")),
])
def test_non_strings_are_type_errors_worded_as_tf(fn, value):
    with pytest.raises(TypeError) as e:
        fn(value)
    assert str(e.value) == f"Expected binary or unicode string, got {value!r}"


@pytest.mark.parametrize("value, expected", [
    (b"ab", "ab"), ("ab", "ab"), (bytearray(b"xy"), "bytearray(b'xy')"), (3, "3"),
    (None, "None"), (np.bytes_(b"r"), "r"), (pathlib.Path("/a/b"), "/a/b"),
])
def test_as_str_any(value, expected):
    assert c.as_str_any(value) == expected


def test_path_to_str_converts_only_path_likes():
    assert c.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    for v in (b"ab", "ab", 3, None):
        assert c.path_to_str(v) is v


def test_type_tuples():
    assert c.bytes_or_text_types == (bytes, str)
    assert c.integral_types == (numbers.Integral, np.integer)
    assert c.real_types == (numbers.Real, np.integer, np.floating)
    assert c.complex_types == (numbers.Complex, np.number)
    assert isinstance(np.int8(1), c.integral_types) and not isinstance(1.5, c.integral_types)


def test_dimension_value_returns_non_dimensions_unchanged():
    assert c.dimension_value(tk.Dimension(4)) == 4
    assert type(c.dimension_value(tk.Dimension(4))) is int
    assert c.dimension_value(tk.Dimension(None)) is None
    assert c.dimension_value(None) is None
    v = np.int64(2)
    assert c.dimension_value(v) is v  # TF 2.21: np.int64(2)
    assert c.dimension_value("5") == "5"  # TF 2.21 returns it unchanged


def test_dimension_at_index():
    s = tk.TensorShape([2, None, 3])
    assert c.dimension_at_index(s, 0).value == 2
    assert c.dimension_at_index(s, 1).value is None
    assert c.dimension_at_index(s, -1).value == 3
    assert c.dimension_at_index(tk.TensorShape(None), 5).value is None
    with pytest.raises(IndexError):
        c.dimension_at_index(s, 3)


def test_forward_compatible_against_tf_2_21_horizon():
    # TF 2.21.0: (2019,1,1) True, (2030,1,1) False, (2026,1,15) True, (2026,1,16) False
    assert c.forward_compatible(2019, 1, 1)
    assert not c.forward_compatible(2030, 1, 1)
    assert c.forward_compatible(2026, 1, 15)
    assert not c.forward_compatible(2026, 1, 16)
    assert c.forward_compatible(2019, 13, 1)  # TF packs the date and does not check it


def test_forward_compatibility_horizon_moves_the_window():
    with c.forward_compatibility_horizon(2030, 1, 2):
        assert c.forward_compatible(2030, 1, 1)
        assert not c.forward_compatible(2030, 1, 2)
    assert not c.forward_compatible(2030, 1, 1)


def test_forward_compatible_bad_arguments():
    with pytest.raises(TypeError, match="unsupported operand"):
        c.forward_compatible("2019", 1, 1)
    with pytest.raises(ValueError, match="month must be in 1..12"):
        with c.forward_compatibility_horizon(2030, 13, 1):
            pass


def test_v1_is_trainkit():
    assert c.v1 is tk
