"""Converting Python values to tensors: the errors TF raises (TF 2.21, tf.compat.v1 in
graph mode, gives ``ValueError: None values not supported.`` for each case below)."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit.framework import conversion


@pytest.mark.parametrize("make", [
    lambda: tk.convert_to_tensor(None),
    lambda: tk.convert_to_tensor(None, dtype=tk.string),
    lambda: tk.constant(None),
    lambda: tk.constant(None, dtype=tk.float32),
    lambda: tk.identity(None),
    lambda: tk.add(None, 1.0),
], ids=["convert", "convert_string", "constant", "constant_float", "identity", "add"])
def test_none_is_a_value_error(make):
    with pytest.raises(ValueError, match="None values not supported"):
        make()


def test_none_branch_of_cond_is_a_value_error():
    """pkmital's libs/batch_norm.py reads ``ema.average`` before ``ema.apply``: the
    ``False`` branch returns ``(None, None)``, which TF's ``tf.cond`` rejects."""
    with pytest.raises(ValueError, match="None values not supported"):
        tk.cond(tk.placeholder(tk.bool), lambda: (tk.constant(1.0), tk.constant(2.0)),
                lambda: (None, None))


def test_value_to_ndarray_still_types_mismatches():
    with pytest.raises(TypeError, match="Expected int32"):
        conversion.value_to_ndarray(1.5, tk.int32)
    assert conversion.value_to_ndarray([1, 2], tk.int32).tolist() == [1, 2]
