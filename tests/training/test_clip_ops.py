"""clip_by_norm / clip_by_global_norm against NumPy, incl. None entries and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_clip_by_norm():
    t = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(_run(tk.clip_by_norm(tk.constant(t), 1.0)), t / 5.0)
    np.testing.assert_allclose(_run(tk.clip_by_norm(tk.constant(t), 10.0)), t)
    rows = _run(tk.clip_by_norm(tk.constant(t), 2.5, axes=[1]))
    np.testing.assert_allclose(rows, [[1.5, 2.0], [0.0, 0.0]])


def test_clip_by_norm_gradient_is_finite_at_zero():
    x = tk.constant([0.0, 0.0])
    (g,) = tk.gradients(tk.reduce_sum(tk.clip_by_norm(x, 1.0)), [x])
    np.testing.assert_allclose(_run(g), [1.0, 1.0])


def test_clip_by_global_norm():
    a, b = np.array([3.0, 0.0]), np.array([[0.0], [4.0]])
    clipped, norm = tk.clip_by_global_norm([tk.constant(a), None, tk.constant(b)], 2.5)
    assert clipped[1] is None
    vals = _run([clipped[0], clipped[2], norm])
    assert vals[2] == pytest.approx(5.0)
    np.testing.assert_allclose(vals[0], a * 0.5)
    np.testing.assert_allclose(vals[1], b * 0.5)
    unclipped, _ = tk.clip_by_global_norm([tk.constant(a)], 10.0)
    np.testing.assert_allclose(_run(unclipped[0]), a)
    bad, _ = tk.clip_by_global_norm([tk.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(_run(bad[0])).all()
    used, _ = tk.clip_by_global_norm([tk.constant(a)], 1.0, use_norm=tk.constant(6.0, tk.float64))
    np.testing.assert_allclose(_run(used[0]), a / 6.0)


def test_global_norm_and_errors():
    assert _run(tk.global_norm([tk.constant([3.0]), tk.constant([4.0])])) == pytest.approx(5.0)
    with pytest.raises(TypeError, match="t_list should be a sequence"):
        tk.clip_by_global_norm(tk.constant([1.0]), 1.0)
    with pytest.raises(ValueError, match="must be floating point, got int32"):
        tk.clip_by_norm(tk.constant([1, 2]), 1.0)


def test_op_names_are_tfs():
    # recorded with TF 2.21 (tf.compat.v1, graph mode); programs fetch these by name
    with tk.Graph().as_default():
        t, u = tk.constant([1.0, 2.0]), tk.constant([3.0])
        gn = tk.global_norm([t, u])
        clipped, norm = tk.clip_by_global_norm([t, u], 1.0)
        mine, _ = tk.clip_by_global_norm([t], 1.0, use_norm=gn, name="mine")
        assert tk.clip_by_norm(t, 1.0).name == "clip_by_norm:0"
        assert tk.clip_by_norm(t, 1.0, name="cn").name == "cn:0"
        assert tk.clip_by_average_norm(t, 1.0).name == "clip_by_average_norm:0"
        assert gn.name == "global_norm/global_norm:0"
        assert norm.name == "global_norm_1/global_norm:0"
        assert [c.name for c in clipped] == ["clip_by_global_norm/clip_by_global_norm/_0:0",
                                             "clip_by_global_norm/clip_by_global_norm/_1:0"]
        assert [c.name for c in mine] == ["mine/mine/_0:0"]
