"""where_v2, clip_by_average_norm, saturate_cast, truncatediv/mod, setdiff1d, searchsorted,
bincount, confusion_matrix and batch_gather equal to TF 2.21 (tf.compat.v1, the same
inputs; outputs recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


CASES = {
    "wv2": (lambda: tk.where_v2([True, False, True], [[1, 2, 3], [4, 5, 6]], 0),
            [[1, 0, 3], [4, 0, 6]]),
    "sat": (lambda: tk.saturate_cast([-300., 5.7, 400.], tk.uint8), [0, 5, 255]),
    "sat8": (lambda: tk.saturate_cast([-300, 5, 400], tk.int8), [-128, 5, 127]),
    "tdiv": (lambda: tk.truncatediv([-7, 7, -7], [2, 2, -2]), [-3, 3, 3]),
    "tmod": (lambda: tk.truncatemod([-7, 7, -7], [2, -2, -2]), [-1, 1, -1]),
    "tmodf": (lambda: tk.truncatemod([-7.5, 7.5], [2., -2.]), [-1.5, 1.5]),
    "ss": (lambda: tk.searchsorted([[1, 3, 5, 7], [2, 4, 6, 8]], [[3, 6], [1, 9]]),
           [[1, 3], [0, 4]]),
    "ssr": (lambda: tk.searchsorted([1, 3, 3, 5], [3, 4], side="right"), [3, 3]),
    "bc": (lambda: tk.bincount([1, 1, 3, 0]), [1, 2, 0, 1]),
    "bcw": (lambda: tk.bincount([1, 1, 3], weights=[0.5, 1., 2.], minlength=6),
            [0.0, 1.5, 0.0, 2.0, 0.0, 0.0]),
    "bcm": (lambda: tk.bincount([1, 1, 5], maxlength=3), [0, 2, 0]),
    "cm": (lambda: tk.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1]),
           [[1, 0, 0], [0, 1, 1], [0, 0, 1]]),
    "cmw": (lambda: tk.math.confusion_matrix([0, 1], [1, 1], num_classes=3, weights=[2, 3]),
            [[0, 2, 0], [0, 3, 0], [0, 0, 0]]),
    "bg": (lambda: tk.batch_gather(tk.reshape(tk.range(12), [2, 3, 2]), [[2, 0], [1, 1]]),
           [[[4, 5], [0, 1]], [[8, 9], [8, 9]]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_misc_op_equals_tf(name):
    build, want = CASES[name]
    assert _run(build()).tolist() == want


def test_setdiff_clip_and_aliases():
    out, idx = _run(tk.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5]))
    assert out.tolist() == [2, 4, 6] and idx.tolist() == [1, 3, 5]
    np.testing.assert_allclose(_run(tk.clip_by_average_norm([[3., 4.], [0., 12.]], 1.0)),
                               [[0.9230769872665405, 1.2307692766189575],
                                [0.0, 3.692307949066162]], rtol=1e-6)
    assert _run(tk.accumulate_n([[1, 2], [3, 4]])).tolist() == [4, 6]
    assert _run(tk.scalar_mul(2.0, [1.0, 3.0])).tolist() == [2.0, 6.0]
    a, b = _run(tk.identity_n([tk.constant(1), tk.constant([2])]))
    assert a == 1 and b.tolist() == [2]
    assert [s.tolist() for s in _run(tk.shape_n([tk.zeros([2, 3]), tk.zeros([4])]))] == [
        [2, 3], [4]]
    assert tk.py_function is tk.numpy_function and tk.reverse_v2 is tk.reverse
    check_grad(lambda p: tk.batch_gather(p, [[2, 0], [1, 1]]), np.arange(12.).reshape(2, 3, 2))
