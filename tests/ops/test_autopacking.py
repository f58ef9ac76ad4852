"""``convert_to_tensor`` of lists and tuples holding Tensors (TF's autopacking): one
``Pack`` named ``packed``, nested lists packed first, a requested dtype casting the
Tensors. Names, shapes, values and errors checked against TF 2.21 compat.v1."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _run(t, feed=None):
    with tk.Session() as s:
        return s.run(t, feed)


def test_list_with_a_tensor_packs():
    x = tk.placeholder(tk.float32, [], name="x")
    t = tk.convert_to_tensor([x, 2.0])
    assert (t.name, t.op.type, t.shape.as_list(), t.dtype) == ("packed:0", "Pack", [2],
                                                               tk.float32)
    assert tk.convert_to_tensor([x, 2.0], name="foo").name == "foo:0"
    nested = tk.convert_to_tensor([[x, 1.0], (2.0, 3.0)])
    assert nested.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(_run(nested, {x: 5.0}), [[5.0, 1.0], [2.0, 3.0]])
    assert tk.convert_to_tensor([tk.Variable(1.0), 2.0]).op.type == "Pack"
    assert tk.convert_to_tensor([1.0, 2.0]).op.type == "Const"  # no tensor: a constant


def test_op_arguments_autopack():
    """``tf.string_split([line])`` (a dataset map's element in a list) and math ops."""
    line = tk.placeholder(tk.string, [])
    words = tk.string_split([line]).values
    assert _run(words, {line: b"a bc d"}).tolist() == [b"a", b"bc", b"d"]
    x = tk.placeholder(tk.float32, [])
    np.testing.assert_array_equal(_run(tk.add([x, 1.0], 1.0), {x: 3.0}), [4.0, 2.0])


def test_requested_dtype_casts_and_mismatches_raise():
    i = tk.placeholder(tk.int32, [], name="i")
    x = tk.placeholder(tk.float32, [], name="x")
    cast = tk.convert_to_tensor([i, 2], dtype=tk.float32)
    assert cast.dtype == tk.float32
    np.testing.assert_array_equal(_run(cast, {i: 4}), [4.0, 2.0])
    assert tk.convert_to_tensor([i, 2], preferred_dtype=tk.int64).dtype == tk.int64
    with pytest.raises(TypeError, match="list containing a tensor of dtype float32 to int32"):
        tk.convert_to_tensor([i, x])
    with pytest.raises(TypeError, match="Expected int32"):
        tk.convert_to_tensor([i, 2.5])
    with pytest.raises(ValueError, match="Shapes must be equal"):
        tk.convert_to_tensor([tk.zeros([2]), tk.zeros([3])])
