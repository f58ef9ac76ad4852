"""``slim.batch_norm(zero_debias_moving_mean=True)`` (DCGAN's discriminator and generator
in tensorflow/models' slim nets) against TF 2.21 + tf_slim 1.1.0: the same variables and
collections, and, after three training steps, the same moving statistics and outputs
(values printed by tf_slim on the same inputs)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

slim = tk.contrib.slim


def test_zero_debiased_moving_mean_matches_tf_slim():
    x = tk.placeholder(tk.float32, [4, 2, 2, 3], name="x")
    y = slim.batch_norm(x, decay=0.9, zero_debias_moving_mean=True, is_training=True,
                        scale=True)
    z = slim.batch_norm(tk.reshape(x, [16, 3]), decay=0.8, zero_debias_moving_mean=True,
                        updates_collections=None, scope="bn2")
    assert [v.op.name for v in tk.global_variables()] == [
        "BatchNorm/beta", "BatchNorm/gamma", "BatchNorm/moving_mean",
        "BatchNorm/moving_variance", "BatchNorm/BatchNorm/moving_mean/biased",
        "BatchNorm/BatchNorm/moving_mean/local_step", "bn2/beta", "bn2/moving_mean",
        "bn2/moving_variance", "bn2/bn2/moving_mean/biased", "bn2/bn2/moving_mean/local_step"]
    assert [v.op.name for v in slim.get_model_variables()] == [
        "BatchNorm/beta", "BatchNorm/gamma", "BatchNorm/moving_mean",
        "BatchNorm/moving_variance", "bn2/beta", "bn2/moving_mean", "bn2/moving_variance"]
    assert [v.op.name for v in tk.trainable_variables()] == ["BatchNorm/beta",
                                                             "BatchNorm/gamma", "bn2/beta"]
    updates = tk.get_collection(tk.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    moving = [v for v in tk.global_variables() if v.op.name.startswith("BatchNorm/moving")]
    moving2 = [v for v in tk.global_variables() if v.op.name.startswith("bn2/moving")]
    rng = np.random.RandomState(0)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for i in range(3):
            xv = rng.normal(size=[4, 2, 2, 3]).astype(np.float32) + i
            _, yv, zv = sess.run([updates, y, z], {x: xv})
        mean, variance = sess.run(moving)
        mean2, variance2 = sess.run(moving2)
    # debiased: near the mean of the three batches' means (about 1), not decay-shrunk
    np.testing.assert_allclose(mean, [1.2878, 1.29992, 0.9891], atol=2e-5)
    np.testing.assert_allclose(variance, [1.01049, 1.00878, 0.99046], atol=2e-5)
    np.testing.assert_allclose(mean2, [1.36629, 1.37936, 1.07876], atol=2e-5)
    np.testing.assert_allclose(variance2, [1.00628, 1.01526, 0.98284], atol=2e-5)
    np.testing.assert_allclose(yv[0, 0], [[-0.4312, 1.40046, -0.00835],
                                          [0.03159, 1.49383, -1.46924]], atol=2e-5)
    np.testing.assert_allclose(zv[0], [-0.4312, 1.40046, -0.00835], atol=2e-5)


def test_zero_debias_by_hand():
    """One update from zero: biased = (1 - d) * m, step = 1, so the moving mean is
    biased / (1 - d) = m exactly (NumPy/hand computation)."""
    x = tk.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    y = slim.batch_norm(x, decay=0.5, zero_debias_moving_mean=True, updates_collections=None)
    moving_mean = [v for v in tk.global_variables() if v.op.name == "BatchNorm/moving_mean"]
    step = [v for v in tk.global_variables() if v.op.name.endswith("local_step")]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(y)
        np.testing.assert_allclose(sess.run(moving_mean[0]), [2.0, 3.0], rtol=1e-6)
        assert sess.run(step[0]) == 1.0


def test_renorm_batch_weights_and_adjustment_are_still_not_implemented():
    for kwargs in (dict(renorm=True), dict(batch_weights=tk.ones([2])),
                   dict(adjustment=lambda shape: (1.0, 0.0))):
        with pytest.raises(NotImplementedError, match="renorm and adjustment"):
            slim.batch_norm(tk.ones([2, 3]), **kwargs)
