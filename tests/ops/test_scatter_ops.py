"""Variable scatters (in place) and tensor scatters: the same sequence of updates as TF
2.21 (tf.compat.v1 reference variables; every state recorded below) and the tensor
scatters' gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def test_variable_scatters_equal_tf_step_by_step():
    v = tk.Variable(np.arange(8.).reshape(4, 2))
    ops = [tk.scatter_update(v, [1, 3], [[9., 9.], [7., 7.]]),
           tk.scatter_add(v, [0, 0, 2], [[1., 1.], [2., 2.], [5., 5.]]),
           tk.scatter_sub(v, [3], [[1., 2.]]), tk.scatter_mul(v, [1], [[2., 3.]]),
           tk.scatter_div(v, [2], [[2., 4.]]),
           tk.scatter_max(v, [0, 1], [[100., -1.], [0., 50.]]),
           tk.scatter_min(v, [2], [[0., 100.]]),
           tk.scatter_nd_update(v, [[0, 1], [3, 0]], [-1., -2.]),
           tk.scatter_nd_add(v, [[1, 1], [1, 1]], [10., 10.]),
           tk.scatter_nd_sub(v, [[2]], [[1., 1.]])]
    want = [[[0, 1], [9, 9], [4, 5], [7, 7]], [[3, 4], [9, 9], [9, 10], [7, 7]],
            [[3, 4], [9, 9], [9, 10], [6, 5]], [[3, 4], [18, 27], [9, 10], [6, 5]],
            [[3, 4], [18, 27], [4.5, 2.5], [6, 5]], [[100, 4], [18, 50], [4.5, 2.5], [6, 5]],
            [[100, 4], [18, 50], [0, 2.5], [6, 5]], [[100, -1], [18, 50], [0, 2.5], [-2, 5]],
            [[100, -1], [18, 70], [0, 2.5], [-2, 5]], [[100, -1], [18, 70], [-1, 1.5], [-2, 5]]]
    with tk.Session() as sess:
        sess.run(v.initializer)
        for op, w in zip(ops, want):
            assert sess.run(op).tolist() == w
        assert sess.run(v).tolist() == want[-1]
        with pytest.raises(tk.errors.InvalidArgumentError, match="not in"):
            sess.run(tk.scatter_add(v, [4], [[1., 1.]]))


def test_tensor_scatters_and_gradients_equal_tf():
    t = tk.constant(np.arange(6., dtype=np.float32).reshape(3, 2))
    u = tk.constant([[9., 9.], [8., 8.]])
    out = [tk.tensor_scatter_update(t, [[0], [2]], u),
           tk.tensor_scatter_nd_add(t, [[1, 1], [1, 1]], [5., 5.]),
           tk.tensor_scatter_sub(t, [[0, 0]], [1.])]
    gt, gu = tk.gradients(tk.reduce_sum(out[0] * [[1., 2.], [3., 4.], [5., 6.]]), [t, u])
    with tk.Session() as sess:
        a, b, c, gt, gu = sess.run(out + [gt, gu])
    assert a.tolist() == [[9, 9], [2, 3], [8, 8]] and b.tolist() == [[0, 1], [2, 13], [4, 5]]
    assert c.tolist() == [[-1, 1], [2, 3], [4, 5]]
    assert gt.tolist() == [[0, 0], [3, 4], [0, 0]] and gu.tolist() == [[1, 2], [5, 6]]
    x = np.arange(6.).reshape(3, 2)
    check_grad(lambda p, q: tk.tensor_scatter_add(p, [[1], [1]], q), x, x[:2] + 1)
    check_grad(lambda p, q: tk.tensor_scatter_sub(p, [[2, 0]], q), x, np.ones(1))
