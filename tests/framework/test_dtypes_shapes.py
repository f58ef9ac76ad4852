"""dtypes and static shapes."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework.shapes import TensorShape, broadcast_static


@pytest.mark.parametrize("dt,np_t,enum", [
    (tk.float16, np.float16, 19), (tk.float32, np.float32, 1), (tk.float64, np.float64, 2),
    (tk.int8, np.int8, 6), (tk.int16, np.int16, 5), (tk.int32, np.int32, 3),
    (tk.int64, np.int64, 9), (tk.uint8, np.uint8, 4), (tk.bool, np.bool_, 10),
])
def test_dtype_table(dt, np_t, enum):
    assert dt.as_numpy_dtype is np_t
    assert dt.as_datatype_enum == enum
    assert tk.as_dtype(np_t) is dt
    assert tk.as_dtype(dt.name) is dt
    assert tk.as_dtype(enum) is dt


def test_as_dtype_strings_and_errors():
    assert tk.as_dtype("float") is tk.float32
    assert tk.as_dtype(bytes) is tk.string and tk.string.as_datatype_enum == 7
    assert tk.float32.is_floating and not tk.float32.is_integer
    assert tk.uint8.is_unsigned and tk.int8.min == -128 and tk.uint8.max == 255
    with pytest.raises(TypeError, match="complex"):
        tk.as_dtype("complex")
    # complex64/complex128 exist since the Fourier transforms (enums as TF's types.proto)
    assert tk.as_dtype(np.complex64) is tk.complex64 and tk.complex64.as_datatype_enum == 8
    assert tk.as_dtype("complex128") is tk.complex128 and tk.complex128.as_datatype_enum == 18
    assert tk.complex128.is_complex and not tk.complex128.is_floating
    assert tk.complex128.real_dtype is tk.float64 and tk.float32.real_dtype is tk.float32


def test_shape_basics():
    s = TensorShape([None, 3])
    assert s.ndims == 2 and s.as_list() == [None, 3] and not s.is_fully_defined()
    assert s[1] == 3 and s[0] is None and s[1:].as_list() == [3]
    assert s.is_compatible_with([7, 3]) and not s.is_compatible_with([7, 4])
    assert s.merge_with([5, None]).as_list() == [5, 3]
    assert TensorShape([2, 3]).num_elements() == 6
    assert TensorShape(None).ndims is None
    with pytest.raises(ValueError):
        TensorShape(None).as_list()
    with pytest.raises(ValueError):
        s.merge_with([1, 4])
    assert str(s) == "(?, 3)" and TensorShape([4]) == [4]


def test_broadcast_static():
    assert broadcast_static(TensorShape([None, 1]), TensorShape([4])).as_list() == [None, 4]
    assert broadcast_static(TensorShape([2, 1]), TensorShape([3, 1, 5])).as_list() == [3, 2, 5]
    with pytest.raises(ValueError, match="broadcasting"):
        broadcast_static(TensorShape([2]), TensorShape([3]))


def test_dimension_value_idioms_of_tf1():
    x = tk.placeholder(tk.float32, [None, 3, 5])
    assert x.get_shape()[1].value == 3 and x.shape.dims[2].value == 5
    assert x.get_shape()[0].value is None and x.shape.dims[0].value is None
    assert x.shape[1].value == 3 and x.shape[0] is None  # .shape: unknown is plain None
    d, u = x.get_shape()[1], x.get_shape()[0]
    assert isinstance(d, int) and int(d) == 3 and hash(d) == hash(3)
    assert d + 1 == 4 and 2 * d == 6 and d // 2 == 1 and d - 1 == 2 and d % 2 == 1
    assert d < 4 and d >= 3 and d != 2 and d == tk.Dimension(3)
    assert [10, 20, 30, 40][d] == 40 and list(range(d)) == [0, 1, 2]
    assert np.zeros([d, x.shape[2]]).shape == (3, 5)
    assert u == None and not u and u != 3  # noqa: E711 - the idiom under test
    assert (u + 1).value is None and (3 * u).value is None
    assert hash(u) == hash(None) and {u: 1}[tk.Dimension(None)] == 1
    with pytest.raises(TypeError, match="unknown Dimension"):
        int(u)
    assert [dd.value for dd in x.get_shape()] == [None, 3, 5]
    assert list(x.shape) == [None, 3, 5]
    assert tk.dimension_value(x.get_shape()[0]) is None and tk.dimension_value(d) == 3
    assert tk.dimension_value(7) == 7 and type(tk.dimension_value(d)) is int
    assert repr(d) == "Dimension(3)" and str(u) == "?"
    # A shape rebuilt from Dimensions is the same shape; get_shape() slices stay TF1 views.
    assert tk.TensorShape(list(x.get_shape())).as_list() == [None, 3, 5]
    assert x.get_shape()[:2][0].value is None and x.get_shape() == x.shape
    assert tk.dimension_at_index(x.shape, 0).value is None
    assert tk.dimension_at_index(x.shape, 2) == 5
    v = tk.Variable(tk.zeros([2, 4]))
    assert v.get_shape()[1].value == 4


def test_dimension_bad_values_and_compatibility():
    with pytest.raises(TypeError, match="Dimension value must be integer"):
        tk.Dimension("3")
    with pytest.raises(ValueError, match="must be >= 0"):
        tk.Dimension(-2)
    d = tk.Dimension(3)
    assert d.is_compatible_with(3) and d.is_compatible_with(None)
    assert not d.is_compatible_with(4)
    with pytest.raises(ValueError, match="not compatible"):
        d.merge_with(4)
    assert tk.Dimension(None).merge_with(4) == 4


def test_unknown_dimensions_flow_through_shape_inference():
    # Regression: shape code must not test Dimension objects with `is None`.
    a = tk.placeholder(tk.float32, [None, 128])
    b = tk.placeholder(tk.float32, [32, 10])
    assert tk.matmul(a, b, transpose_a=True).shape.as_list() == [128, 10]
    with pytest.raises(ValueError, match="dimensions must be equal"):
        tk.matmul(tk.placeholder(tk.float32, [2, 3]), tk.placeholder(tk.float32, [4, 5]))
    from trainkit.client import run_metadata_proto as rmp

    proto = rmp._shape(rmp._protos(), tk.TensorShape([None, 3]))
    assert [d.size for d in proto.dim] == [-1, 3]


def test_assert_is_fully_defined():
    """TF 2.21: None for [2, 3] and []; ValueError 'Shape ... is not fully defined' for an
    unknown dimension or rank (TF prints an unknown dimension as None, trainkit as ?)."""
    assert tk.TensorShape([2, 3]).assert_is_fully_defined() is None
    assert tk.TensorShape([]).assert_is_fully_defined() is None
    with pytest.raises(ValueError, match=r"^Shape \(\?, 3\) is not fully defined$"):
        tk.TensorShape([None, 3]).assert_is_fully_defined()
    with pytest.raises(ValueError, match=r"^Shape <unknown> is not fully defined$"):
        tk.TensorShape(None).assert_is_fully_defined()
    with pytest.raises(ValueError, match="is not fully defined"):
        tk.placeholder(tk.float32, [3, None, 2]).get_shape()[1:3].assert_is_fully_defined()
