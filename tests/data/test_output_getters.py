"""``tk.data.get_output_shapes/types/classes`` (TF 2.21.0's ``tf.compat.v1.data`` gives the
same structures and TypeError message for these inputs)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_getters_on_a_dataset_and_its_iterator():
    ds = tk.data.Dataset.from_tensor_slices(({"a": np.zeros((3, 2), np.float32)},
                                             np.arange(3)))
    it = tk.data.make_one_shot_iterator(ds)
    for x in (ds, it):
        shapes = tk.data.get_output_shapes(x)
        assert shapes[0]["a"].as_list() == [2] and shapes[1].as_list() == []
        assert tk.data.get_output_types(x) == ({"a": tk.float32}, tk.int64)
        assert tk.data.get_output_classes(x) == ({"a": tk.Tensor}, tk.Tensor)


@pytest.mark.parametrize("getter", ["get_output_shapes", "get_output_types",
                                    "get_output_classes"])
@pytest.mark.parametrize("bad", [3, np.zeros(2)])
def test_other_arguments_are_type_errors(getter, bad):
    with pytest.raises(TypeError) as e:
        getattr(tk.data, getter)(bad)
    assert str(e.value) == ("Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a "
                            "`tf.data.Dataset` or tf.data.Iterator object, but got "
                            f"{type(bad)}.")
