"""Gradient rules of the array ops against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
import trainkit.autodiff.array_grad  # noqa: F401 - registers the rules under test
import trainkit.autodiff.math_grad  # noqa: F401
from tests.autodiff.gradcheck import check_grad
from trainkit.autodiff import gradients
from trainkit.framework import registry

R = np.random.default_rng(42)


def r(*shape):
    return R.normal(size=shape)


CASES = {
    "identity": (lambda x: tk.identity(x) * 2.0, [r(3)]),
    "reshape": (lambda x: tk.reshape(x, [3, -1]) ** 2, [r(2, 3)]),
    "transpose": (lambda x: tk.transpose(x, [2, 0, 1]) * tk.constant(r(4, 2, 3)),
                  [r(2, 3, 4)]),
    "transpose_default": (lambda x: tk.transpose(x) ** 2, [r(2, 3)]),
    "expand_squeeze": (lambda x: tk.squeeze(tk.expand_dims(x, 1) ** 2), [r(3, 2)]),
    "tile": (lambda x: tk.tile(x, [2, 3]) ** 2, [r(2, 2)]),
    "pad_constant": (lambda x: tk.pad(x, [[1, 0], [2, 1]], constant_values=3.0) ** 2,
                     [r(2, 3)]),
    "pad_reflect": (lambda x: tk.pad(x, [[1, 2], [2, 1]], "REFLECT") ** 2, [r(4, 3)]),
    "pad_symmetric": (lambda x: tk.pad(x, [[2, 1], [0, 3]], "SYMMETRIC") ** 2, [r(3, 3)]),
    "concat": (lambda x, y: tk.concat([x, y, x], 1) ** 2, [r(2, 1), r(2, 3)]),
    "stack": (lambda x, y: tk.stack([x, y], axis=1) ** 2, [r(2, 3), r(2, 3)]),
    "unstack_partial": (lambda x: tk.unstack(x, axis=1)[1] ** 2, [r(2, 3)]),
    "split": (lambda x: tk.split(x, [1, 2], axis=1)[1] ** 2, [r(2, 3)]),
    "split_even": (lambda x: tk.split(x, 2)[0] * 3.0, [r(4, 2)]),
    "slice": (lambda x: tk.slice(x, [1, 0], [2, -1]) ** 2, [r(4, 3)]),
    "getitem": (lambda x: x[1:, ::-2, None, 0] ** 2, [r(3, 4, 2)]),
    "gather": (lambda x: tk.gather(x, [[2, 0], [2, 1]]) ** 2, [r(3, 2)]),
    "gather_axis1": (lambda x: tk.gather(x, [1, 1, 0], axis=1) ** 2, [r(2, 3, 2)]),
    "gather_nd": (lambda x: tk.gather_nd(x, [[0, 1], [1, 0], [0, 1]]) ** 2, [r(2, 2)]),
    "boolean_mask": (lambda x: tk.boolean_mask(x, [True, False, True]) ** 2, [r(3, 2)]),
    "fill": (lambda v: tk.fill([2, 3], v) * tk.constant(r(2, 3)), [r()]),
    "sparse_to_dense": (lambda v, d: tk.sparse.to_dense(
        tk.SparseTensor([[0, 1], [1, 0]], v, [2, 3]), d) ** 2, [r(2), r()]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    fn, arrays = CASES[name]
    check_grad(fn, *arrays)


def test_scatter_nd_gradient():
    check_grad(lambda u: tk.scatter_nd([[0], [2], [0]], u, [3, 2]) ** 2, r(3, 2))


def test_second_order_through_grad_kernels():
    """Gradients of the gradient kernels (StridedSliceGrad, GatherGrad, MirrorPadGrad,
    BooleanMaskGrad) are themselves checked by differentiating a first gradient."""
    def twice(make):
        def fn(x):
            y = make(x)
            (g,) = gradients(tk.reduce_sum(y * y), [x])
            return g * x
        return fn

    check_grad(twice(lambda x: x[1:, ::2]), r(3, 4))
    check_grad(twice(lambda x: tk.gather(x, [0, 0, 2])), r(3, 2))
    check_grad(twice(lambda x: tk.pad(x, [[1, 1]], "REFLECT")), r(4))
    check_grad(twice(lambda x: tk.boolean_mask(x, [False, True, True])), r(3))


def test_stop_gradient_blocks():
    x = tk.placeholder(tk.float64, [2])
    (g,) = gradients(x * tk.stop_gradient(x), [x])
    with tk.Session() as s:
        np.testing.assert_allclose(s.run(g, {x: [1.0, 3.0]}), [1.0, 3.0])
    assert registry.get_op_def("StopGradient").not_differentiable


def test_non_differentiable_ops_declared():
    for t in ("Shape", "Size", "Rank", "OneHot", "Range", "ZerosLike", "OnesLike"):
        assert registry.get_op_def(t).not_differentiable, t


def test_unknown_dims_gradient():
    x = tk.placeholder(tk.float64, [None, 3])
    y = tk.reshape(tk.concat([x, x], 0)[:, 1:], [-1])
    (g,) = gradients(tk.reduce_sum(y * y), [x])
    a = r(2, 3)
    with tk.Session() as s:
        ref = np.zeros_like(a)
        ref[:, 1:] = 4 * a[:, 1:]
        np.testing.assert_allclose(s.run(g, {x: a}), ref)
