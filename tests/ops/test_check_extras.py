"""assert_integer / assert_rank_at_least / assert_rank_in / assert_same_float_dtype /
assert_proper_iterable (build-time errors as TF's), assert_near (a run-time check),
assert_variables_initialized and is_numeric_tensor."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_static_assertions():
    tk.assert_integer(tk.constant([1, 2]))
    with pytest.raises(TypeError, match="to be integer"):
        tk.assert_integer(tk.constant([1.0]))
    tk.assert_rank_at_least(tk.zeros([2, 3]), 1)
    tk.debugging.assert_rank_in(tk.zeros([2, 3]), [1, 2])
    with pytest.raises(ValueError, match="must have rank at least 3"):
        tk.assert_rank_at_least(tk.zeros([2, 3]), 3)
    with pytest.raises(ValueError, match=r"must have rank in \(0, 1\)"):
        tk.assert_rank_in(tk.zeros([2, 3]), [0, 1])
    assert tk.assert_same_float_dtype([tk.zeros([1], tk.float64)]) is tk.float64
    assert tk.assert_same_float_dtype(None) is tk.float32
    with pytest.raises(ValueError):
        tk.assert_same_float_dtype([tk.zeros([1]), tk.zeros([1], tk.float64)])
    tk.assert_proper_iterable([1, 2])
    with pytest.raises(TypeError, match="proper"):
        tk.assert_proper_iterable(np.ones(2))
    assert tk.is_numeric_tensor(tk.constant(1)) and not tk.is_numeric_tensor(tk.constant("a"))


def test_assert_near_and_variables_initialized():
    x = tk.placeholder(tk.float32, [2])
    check = tk.assert_near(x, [1.0, 2.0], rtol=1e-3)
    with tk.control_dependencies([check]):
        y = tk.identity(x)
    v = tk.Variable(1.0)
    ready = tk.assert_variables_initialized([v])
    with tk.Session() as sess:
        assert sess.run(y, {x: [1.0005, 2.001]}).tolist() == pytest.approx([1.0005, 2.001])
        with pytest.raises(tk.errors.InvalidArgumentError):
            sess.run(y, {x: [1.1, 2.0]})
        assert not sess.run(ready)
        sess.run(v.initializer)
        assert sess.run(ready)
