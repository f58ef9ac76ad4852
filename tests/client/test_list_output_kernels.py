"""Kernels registered ``returns_list`` (ops whose output count is an attribute) return a
list even for one output; the executor gives such an op's one output the list's item.

Before this, ``tf.split(x, 1, axis)``, ``tf.unstack`` of a size-1 axis, ``tf.shape_n`` /
``tf.identity_n`` of one tensor and ``tf.dynamic_partition(..., 1)`` ran to a value
wrapped in one extra leading dimension (found by the cookbook's Shakespeare LSTM, which
splits a one-word sequence into its one time step). The expected values are TF 1.x's
documented semantics (checked against TF 2.21 ``tf.compat.v1``): the one piece of a split
into one is the input, the one item of an unstack is ``x[0]``, and so on."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework import registry
from trainkit.ops.op_util import make_op

X = np.arange(6, dtype=np.float32).reshape(1, 2, 3)


@registry.register_kernel("_TestPiecesAsList", returns_list=True)
def _pieces_as_list(ctx, x):
    return [x + k for k in range(ctx.attrs["n"])]


@registry.register_kernel("_TestOneValue")
def _one_value(ctx, x):
    return [x, x]  # a single-output op whose value happens to be a list


def _op(op_type, n):
    x = tk.constant(np.float32(1.0))
    return make_op(op_type, [x], [tk.float32] * n, name=op_type, attrs={"n": n},
                   shapes=[[]] * n).outputs


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_list_kernel_gives_each_output_its_item(n):
    outs = _op("_TestPiecesAsList", n)
    with tk.Session() as s:
        assert s.run(list(outs)) == [1.0 + k for k in range(n)]


def test_a_plain_kernel_keeps_its_value_whole():
    [out] = _op("_TestOneValue", 1)
    with tk.Session() as s:
        assert [float(v) for v in s.run(out)] == [1.0, 1.0]


def test_registry_records_the_flag():
    assert registry.get_op_def("_TestPiecesAsList").returns_list
    assert not registry.get_op_def("_TestOneValue").returns_list
    for op_type in ("Split", "SplitV", "Unpack", "ShapeN", "IdentityN", "DynamicPartition"):
        assert registry.get_op_def(op_type).returns_list, op_type


@pytest.mark.parametrize("build, want", [
    (lambda x: tk.split(x, 1, axis=1)[0], X),
    (lambda x: tk.split(x, [2], axis=1)[0], X),
    (lambda x: tk.split(x, 1, axis=0)[0], X),
    (lambda x: tk.unstack(x, axis=0)[0], X[0]),
    (lambda x: tk.shape_n([x])[0], np.array([1, 2, 3], np.int32)),
    (lambda x: tk.identity_n([x])[0], X),
    (lambda x: tk.dynamic_partition(tk.reshape(x, [6]), tk.zeros([6], tk.int32), 1)[0],
     X.reshape(6)),
], ids=["split", "split_v", "split_axis0", "unstack", "shape_n", "identity_n",
        "dynamic_partition"])
def test_one_output_ops_run_to_their_static_shape(build, want):
    out = build(tk.constant(X))
    with tk.Session() as s:
        got = s.run(out)
    np.testing.assert_array_equal(got, want)
    assert out.shape.is_compatible_with(got.shape)


def test_split_into_one_then_squeeze_trains():
    """The cookbook LSTM's pattern: a ``[1, 1, d]`` embedding split into one time step and
    squeezed; the gradient of ``sum(piece^2)`` is ``2 x`` (hand computation)."""
    x = tk.Variable(X[:, :1, :], name="x")
    piece = tk.squeeze(tk.split(axis=1, num_or_size_splits=1, value=x)[0], [1])
    [g] = tk.gradients(tk.reduce_sum(tk.square(piece)), [x])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        p, gv = s.run([piece, g])
    np.testing.assert_array_equal(p, X[:, 0, :])
    np.testing.assert_array_equal(gv, 2 * X[:, :1, :])


def test_split_of_a_fed_size_1_axis_still_checks_divisibility():
    x = tk.placeholder(tk.float32, [None, None])
    [piece] = tk.split(x, 1, axis=1)
    with tk.Session() as s:
        np.testing.assert_array_equal(s.run(piece, {x: X[0]}), X[0])
    [a, b] = tk.split(x, 2, axis=1)
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError, match="evenly"):
        s.run(a, {x: X[0]})
