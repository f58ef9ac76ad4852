"""Tensor values in messages as TF 2.21 (``tf.compat.v1``) writes them: ``tf.print`` and
``tf.strings.format`` (v2 style), ``tf.Print`` and ``tf.Assert`` (v1 style). Every
expected string below was printed by TF for the same values."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops.tensor_summary import summarize

M = np.arange(12).reshape(3, 4).astype(np.float32) / 3


@pytest.mark.parametrize("value, n, want", [
    (np.arange(10), 3, "[0 1 2 ... 7 8 9]"),
    (np.arange(10), 2, "[0 1 ... 8 9]"),
    (np.array([[1, 2], [3, 4]]), 3, "[[1 2]\n [3 4]]"),
    (np.array([b"ab", b"c"], object), 3, '["ab" "c"]'),
    (np.arange(12).reshape(3, 4), 1, "[[0 ... 3]\n ...\n [8 ... 11]]"),
    (np.float32([0.1, 1e-8, 3.0, -2.0]), 3, "[0.1 1e-08 3 -2]"),
    (np.arange(1, 9).reshape(2, 2, 2), 3, "[[[1 2]\n  [3 4]]\n\n [[5 6]\n  [7 8]]]"),
    (np.zeros((0, 2)), 3, "[]"),
    (np.array([b'a"b'], object), 3, '["a\\"b"]'),
    (np.arange(24).reshape(2, 3, 4), 1,
     "[[[0 ... 3]\n  ...\n  [8 ... 11]]\n\n [[12 ... 15]\n  ...\n  [20 ... 23]]]"),
    (np.float64([1.5, 2.25]), 3, "[1.5 2.25]"),
    (np.arange(5), -1, "[0 1 2 3 4]"),
    (np.array([True, False]), 3, "[1 0]"),
    (np.float32([71.2833, 1 / 3, 123456789.0, 1e20, 2.5e-5, -0.0, np.inf, np.nan]), 3,
     "[71.2833 0.333333343 123456792 ... -0 inf nan]"),
    (np.float64([1 / 3, 0.1, 123456789.123, 1e-300]), 3,
     "[0.33333333333333331 0.1 123456789.123 1e-300]"),
    (np.array([1 + 2j], np.complex64), 3, "[?]"),
    (np.array(b"ab", object), 3, '"ab"'),
    (np.bool_(True), 1, "1"),
])
def test_v2_text_is_tfs(value, n, want):
    assert summarize(value, n) == want


def test_strings_format_and_print(capsys):
    with tk.Graph().as_default():
        cases = [tk.strings.format("x = {}, y = {}", [tk.constant([1, 2, 3]), tk.constant(2.5)]),
                 tk.strings.format("a {} b", tk.constant(np.arange(10)), summarize=2),
                 tk.strings.format("<>", [tk.constant([[1, 2], [3, 4]])], placeholder="<>"),
                 tk.strings.format("no placeholders", []),
                 tk.strings.format("{} {}", [tk.constant(True),
                                             tk.constant(np.arange(12).reshape(3, 4))],
                                   summarize=1)]
        with tk.Session() as s:
            assert [s.run(c) for c in cases] == [
                b"x = [1 2 3], y = 2.5", b"a [0 1 ... 8 9] b", b"[[1 2]\n [3 4]]",
                b"no placeholders", b"1 [[0 ... 3]\n ...\n [8 ... 11]]"]
            s.run(tk.print("pv2", tk.constant(np.arange(10)), tk.constant(M),
                           tk.constant(["a"]), summarize=2))
        assert capsys.readouterr().err == (
            'pv2 [0 1 ... 8 9] [[0 0.333333343 0.666666687 1]\n'
            ' [1.33333337 1.66666663 2 2.33333325]\n'
            ' [2.66666675 3 3.33333325 3.66666675]] ["a"]\n')
        with pytest.raises(ValueError, match="template expects 2 tensors, but the inputs "
                                             "only has 1"):
            tk.strings.format("{} {}", [tk.constant(1)])


def test_v1_print_and_assert_text(capsys):
    with tk.Graph().as_default():
        x = tk.constant(np.arange(10))
        p = tk.Print(x, [x, tk.constant(M), tk.constant(["a", "b"]), tk.constant(True)],
                     message="msg: ", summarize=3)
        a = tk.Assert(tk.constant(False), [x, tk.constant(M), tk.constant("s")], summarize=2)
        with tk.Session() as s:
            s.run(p)
            assert capsys.readouterr().err.strip() == \
                "msg: [0 1 2...][[0 0.333333343 0.666666687...]...][a b][1]"
            with pytest.raises(tk.errors.InvalidArgumentError) as info:
                s.run(a)
    assert "assertion failed: [0 1...] [[0 0.333333343...]...] [s]" in str(info.value)
