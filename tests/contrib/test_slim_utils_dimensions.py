"""``slim.utils``' shape-argument helpers and ``slim.model_analyzer``, against TF 2.21 +
tf_slim 1.1.0 (every value and message below was printed by tf_slim). ResNet's
bottleneck reads its input depth with ``slim.utils.last_dimension``, the Inception tests
count parameters with ``slim.model_analyzer.analyze_vars``."""

from __future__ import annotations

import contextlib
import io

import pytest

import trainkit as tk

slim = tk.contrib.slim
S = tk.TensorShape
u = slim.utils


def test_last_and_channel_dimension():
    assert u.last_dimension(S([8, 7, 7, 64]), min_rank=4) == 64
    assert u.channel_dimension(S([2, 3, 4, 5]), "channels_first", 4) == 3
    assert u.channel_dimension(S([2, 3, 4, 5]), "channels_last") == 5


@pytest.mark.parametrize("shape, min_rank, message", [
    (S([8, None]), 2, r"dimension -1 of shape must be known but is None"),
    (S(None), 1, r"dims of shape must be known but is None"),
    (S([3]), 2, r"rank of shape must be at least 2 not: 1"),
])
def test_last_dimension_errors(shape, min_rank, message):
    with pytest.raises(ValueError, match=message):
        u.last_dimension(shape, min_rank)


def test_two_element_tuple():
    assert u.two_element_tuple(3) == (3, 3)
    assert u.two_element_tuple([2, 5]) == (2, 5)
    assert tuple(u.two_element_tuple(S([2, 5]))) == (2, 5)
    with pytest.raises(ValueError, match=r"Must be a list with 2 elements: \[1, 2, 3\]"):
        u.two_element_tuple([1, 2, 3])
    with pytest.raises(ValueError, match="Must be an int, a list with 2 elements or a "
                                         "TensorShape of length 2"):
        u.two_element_tuple("a")


def test_n_positive_integers():
    assert u.n_positive_integers(3, 2) == (2, 2, 2)
    assert u.n_positive_integers(2, [3, 4]) == (3, 4)
    assert u.n_positive_integers(2, S([3, 4])) == (3, 4)


@pytest.mark.parametrize("n, value, error, message", [
    (0, 1, ValueError, "n must be a positive integer"),
    (2.5, 1, ValueError, "n must be a positive integer"),
    ("x", 1, ValueError, "invalid literal"),
    (None, 1, TypeError, "NoneType"),
    (2, [1, 2, 3], ValueError, r"Expected sequence of 2 positive integers, but received"),
    (2, [1, "a"], ValueError, r"Expected sequence of 2 positive integers, but received"),
    (2, 0, ValueError, "expected positive integer, but received 0"),
    (2, [1, 0], ValueError, "expected positive integer, but received 0"),
])
def test_n_positive_integers_errors(n, value, error, message):
    with pytest.raises(error, match=message):
        u.n_positive_integers(n, value)


def test_analyze_vars_counts_elements_and_bytes_and_prints_tf_slims_table():
    a = tk.Variable(tk.zeros([3, 4]), name="a")
    b = tk.Variable(tk.zeros([2], tk.float64), name="b")
    c = tk.get_variable("c", shape=[5], dtype=tk.int32)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert slim.model_analyzer.analyze_vars([a, b, c], print_info=True) == (19, 84)
    assert out.getvalue() == (
        "---------\nVariables: name (type shape) [size]\n---------\n"
        "a:0 (float32 3x4) [12, bytes: 48]\nb:0 (float64 2) [2, bytes: 16]\n"
        "c:0 (int32 5) [5, bytes: 20]\nTotal size of variables: 19\n"
        "Total bytes of variables: 84\n")
    assert slim.model_analyzer.tensor_description(a) == "(float32 3x4)"
    assert slim.model_analyzer.analyze_vars([]) == (0, 0)


def test_analyze_ops_counts_statically_known_outputs():
    """A [None, 3] placeholder counts 0; the 2x2 constant and its product 4 each: 8."""
    tk.placeholder(tk.float32, [None, 3], name="x")
    y = tk.constant([[1.0, 2.0], [3.0, 4.0]], name="y")
    tk.matmul(y, y, name="z")
    assert slim.model_analyzer.analyze_ops(tk.get_default_graph()) == 8
