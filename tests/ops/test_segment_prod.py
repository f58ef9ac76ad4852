"""``tf.unsorted_segment_prod`` / ``tf.math.segment_prod`` and their gradient (TF's rule
for zero rows, negative ids dropped): every expected value was printed by TF 2.21
``tf.compat.v1`` for the same graph."""

from __future__ import annotations

import numpy as np

import trainkit as tk

D = np.array([[1.0, 2.0], [3.0, 0.0], [0.5, 4.0], [2.0, 0.0], [5.0, 6.0]], np.float32)


def test_values_and_gradients_are_tfs():
    with tk.Graph().as_default():
        d = tk.constant(D)
        ids = tk.constant([0, 0, 1, 1, 3])
        a = tk.unsorted_segment_prod(d, ids, 4)
        b = tk.math.segment_prod(d, ids)
        c = tk.math.unsorted_segment_prod(d, tk.constant([0, -1, 1, 1, 0]), 3)
        w = tk.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
        (ga,) = tk.gradients(tk.reduce_sum(a * w), [d])
        (gc,) = tk.gradients(tk.reduce_sum(c), [d])
        d2 = tk.constant(np.array([[0.0], [0.0], [3.0]], np.float32))
        (g2,) = tk.gradients(tk.reduce_sum(tk.unsorted_segment_prod(d2, [0, 0, 0], 1)), [d2])
        with tk.Session() as s:
            ra, rb, rc, rga, rgc, rg2 = s.run([a, b, c, ga, gc, g2])
    assert ra.tolist() == rb.tolist() == [[3.0, 0.0], [1.0, 0.0], [1.0, 1.0], [5.0, 6.0]]
    assert rc.tolist() == [[5.0, 12.0], [1.0, 0.0], [1.0, 1.0]]
    assert rga.tolist() == [[3.0, 0.0], [1.0, 4.0], [6.0, 0.0], [1.5, 16.0], [7.0, 8.0]]
    assert rgc.tolist() == [[5.0, 6.0], [0.0, 0.0], [2.0, 0.0], [0.5, 4.0], [1.0, 2.0]]
    assert rg2.tolist() == [[0.0], [0.0], [0.0]]     # two zeros: no row's share survives
