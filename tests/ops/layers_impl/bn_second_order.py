"""A gradient penalty through a batch-norm layer (shared by the core and contrib batch-norm
tests): ``pen = sum(d/dx sum(lrelu(bn(x * g0 + b)) * v))**2``; returns the largest
``|d pen / d b|`` and a fixed random projection of ``d pen / d g0``. Batch norm cancels a
per-channel shift, so with exact second derivatives ``d pen / d b`` is zero."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def penalty_grads(tf: Any, make_bn: Callable) -> tuple[float, float]:
    rng = np.random.RandomState(0)
    x = tf.constant(rng.normal(size=[4, 3, 3, 5]).astype(np.float32))
    b = tf.Variable(rng.normal(size=[5]).astype(np.float32))
    g0 = tf.Variable(rng.uniform(0.5, 1.5, size=[4, 3, 3, 5]).astype(np.float32))
    v = tf.constant(rng.normal(size=[4, 3, 3, 5]).astype(np.float32))
    h = make_bn(x * g0 + b)
    h = tf.maximum(h, 0.2 * h)
    g = tf.gradients(tf.reduce_sum(h * v), x)[0]
    pen = tf.reduce_sum(tf.square(g))
    db, dg0 = tf.gradients(pen, [b, g0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, c = sess.run([db, dg0])
    return float(np.abs(a).max()), float(np.sum(c * rng.normal(size=c.shape)))
