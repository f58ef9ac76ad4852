"""batch_normalization: batch statistics vs moving averages, UPDATE_OPS, names."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_training_mode_normalizes_and_updates_moving_averages():
    rng = np.random.default_rng(0)
    xs = rng.normal(2.0, 3.0, size=(8, 3))
    x = tk.placeholder(tk.float64, [None, 3])
    y = tk.layers.batch_normalization(x, training=True, momentum=0.9, epsilon=1e-3)
    names = sorted(v.op.name for v in tk.global_variables())
    assert names == ["batch_normalization/beta", "batch_normalization/gamma",
                     "batch_normalization/moving_mean", "batch_normalization/moving_variance"]
    assert sorted(v.op.name for v in tk.trainable_variables()) == names[:2]
    updates = tk.get_collection(tk.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    mm, mv = [v for v in tk.global_variables() if "moving" in v.op.name]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out = sess.run(y, {x: xs})
        sess.run(updates, {x: xs})
        mean, var = sess.run([mm, mv])
    ref = (xs - xs.mean(0)) / np.sqrt(xs.var(0) + 1e-3)
    np.testing.assert_allclose(out, ref, atol=1e-10)
    np.testing.assert_allclose(mean, 0.1 * xs.mean(0))
    np.testing.assert_allclose(var, 0.9 + 0.1 * xs.var(0))  # biased for 2-D inputs


def test_inference_uses_moving_averages_and_tensor_training_flag():
    x = tk.placeholder(tk.float32, [None, 2, 2, 2])
    flag = tk.placeholder(tk.bool, [])
    y = tk.layers.batch_normalization(x, training=flag, momentum=0.5,
                                      moving_mean_initializer=tk.constant_initializer(1.0),
                                      moving_variance_initializer=tk.constant_initializer(4.0))
    updates = tk.get_collection(tk.GraphKeys.UPDATE_OPS)
    mv = [v for v in tk.global_variables() if "moving_variance" in v.op.name][0]
    xs = np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        inf, _ = sess.run([y, updates], {x: xs, flag: False})
        np.testing.assert_allclose(inf, (xs - 1.0) / np.sqrt(4.0 + 1e-3), rtol=1e-5)
        np.testing.assert_allclose(sess.run(mv), [4.0, 4.0])  # no update when not training
        sess.run(updates, {x: xs, flag: True})
        # 4-D inputs update with the unbiased batch variance (n = 8 values per channel)
        unbiased = xs.reshape(-1, 2).var(0) * 8 / 7
        np.testing.assert_allclose(sess.run(mv), 0.5 * 4.0 + 0.5 * unbiased, rtol=1e-5)


def test_axis_1_and_errors():
    x = tk.ones([2, 3, 4])
    y = tk.layers.batch_normalization(x, axis=1, training=True)
    assert [v.shape.as_list() for v in tk.trainable_variables()] == [[3], [3]]
    assert y.shape.as_list() == [2, 3, 4]
    with pytest.raises(ValueError, match="axis 3 is out of range for an input of rank 3"):
        tk.layers.batch_normalization(x, axis=3)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\], got 1.5"):
        tk.layers.batch_normalization(x, momentum=1.5)
    with pytest.raises(NotImplementedError, match="renorm"):
        tk.layers.batch_normalization(x, renorm=True)


# TF 2.21 (tf.compat.v1) on tests/ops/layers_impl/bn_second_order.py's graph: the fused
# kernel (the default for 4-D inputs) gives max |d pen / d b| = 4.4e-06 (zero up to
# rounding) and a projection of d pen / d g0 of 41.385600919575715; fused=False (built
# on tf.nn.moments, whose variance stops the gradient through the mean) gives 1.2753714
# and 41.17871434727101.
@pytest.mark.parametrize("fused, db_max, projection", [
    (None, None, 41.385600919575715), (True, None, 41.385600919575715),
    (False, 1.2753714323043823, 41.17871434727101)])
def test_second_derivatives_through_training_batch_norm_match_tf(fused, db_max, projection):
    from tests.ops.layers_impl.bn_second_order import penalty_grads

    got_db, got_projection = penalty_grads(
        tk, lambda t: tk.layers.batch_normalization(t, training=True, fused=fused))
    if db_max is None:
        assert got_db < 1e-4
    else:
        assert got_db == pytest.approx(db_max, rel=1e-4)
    assert got_projection == pytest.approx(projection, rel=1e-4)
