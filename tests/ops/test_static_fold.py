"""static_fold: the build-time values TF's C++ shape refiner computes (TF 2.21 gives
the same static shapes for resizes to these sizes, see test_image_resize_ops)."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.ops.static_fold import folded_dims, folded_value


def test_small_constant_subgraphs_are_evaluated():
    x = tk.zeros([2, 4, 6, 3])
    s = tk.shape(x)
    assert folded_value(s[1:3] * 2).tolist() == [8, 12]
    assert folded_value(tk.stack([2 * s[1], s[2] // 4])).tolist() == [8, 1]
    assert folded_value(tk.cast(tk.cast(s[1:3], tk.float32) * 1.5, tk.int32)).tolist() == [6, 9]
    assert folded_dims(s[1:3] - 1) == [3, 5]
    assert folded_value(3) is None  # not a tensor


def test_anything_run_time_stays_unknown():
    p = tk.placeholder(tk.int32, [2])
    assert folded_value(p * 2) is None and folded_dims(p * 2) == [None, None]
    assert folded_dims(tk.placeholder(tk.int32)) is None
    assert folded_dims(tk.stack([p[0], 5])) == [None, 5]
    r = tk.random_uniform([2], 1, 5, dtype=tk.int32)  # stateful: never run at build time
    assert folded_value(r) is None
    big = tk.zeros([4096], tk.int32)
    assert folded_value(big + 1) is None  # too large to fold, as TF's refiner
    with tk.control_dependencies([tk.no_op()]):
        gated = tk.constant([1, 2]) + 1
    assert folded_value(gated) is None


def test_partly_known_shapes_keep_their_known_entries():
    x = tk.placeholder(tk.float32, [2, 4, None, 3])
    s = tk.shape(x)
    assert folded_dims(s[1:3]) == [4, None]
    assert folded_dims(tk.concat([s[:2], [7]], 0)) == [2, 4, 7]
    assert folded_dims(s[1:3] * 2) == [None, None]  # arithmetic on an unknown entry
    assert folded_dims(tk.constant([-1, 3])) == [None, 3]
    assert folded_value(tk.constant(np.array([5, 6], np.int32))).tolist() == [5, 6]
