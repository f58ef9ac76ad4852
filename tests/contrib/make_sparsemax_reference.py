"""Records TF 1.15's ``tf.contrib.sparsemax`` (its Python graph, built here with TF 2.21's
ops, since TF 2 has no contrib) values and gradients for test_sparsemax.py.

Not a test: run it with the TF peer environment, from the repository root::

    /work/venvs/tf/bin/python tests/contrib/make_sparsemax_reference.py
"""

import json
import os
import sys

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tensorflow.compat.v1 as tf  # noqa: E402
from sparsemax_cases import LABELS, LOGITS, SPECIAL, WEIGHTS  # noqa: E402

tf.disable_v2_behavior()


def sparsemax(logits):
    """TF 1.15's contrib/sparsemax/python/ops/sparsemax.py, op for op."""
    logits = tf.convert_to_tensor(logits)
    obs = tf.shape(logits)[0]
    dims = tf.shape(logits)[1]
    z = logits
    z_sorted, _ = tf.nn.top_k(z, k=dims)
    z_cumsum = tf.cumsum(z_sorted, axis=1)
    k = tf.range(1, tf.cast(dims, logits.dtype) + 1, dtype=logits.dtype)
    z_check = 1 + k * z_sorted > z_cumsum
    k_z = tf.reduce_sum(tf.cast(z_check, tf.int32), axis=1)
    k_z_safe = tf.maximum(k_z, 1)
    indices = tf.stack([tf.range(0, obs), k_z_safe - 1], axis=1)
    tau_sum = tf.gather_nd(z_cumsum, indices)
    tau_z = (tau_sum - 1) / tf.cast(k_z, logits.dtype)
    p = tf.maximum(tf.cast(0, logits.dtype), z - tau_z[:, tf.newaxis])
    return tf.where(tf.logical_or(tf.equal(k_z, 0), tf.is_nan(z_cumsum[:, -1])),
                    tf.fill([obs, dims], tf.cast(float("nan"), logits.dtype)), p)


def sparsemax_loss(z, p, q):
    """TF 1.15's contrib/sparsemax/python/ops/sparsemax_loss.py, op for op."""
    sum_s = tf.where(tf.logical_or(p > 0, tf.is_nan(p)), p * (z - 0.5 * p), tf.zeros_like(p))
    q_part = q * (0.5 * q - z)
    q_part_safe = tf.where(tf.logical_and(tf.equal(q, 0), tf.is_inf(z)), tf.zeros_like(z),
                           q_part)
    return tf.reduce_sum(sum_s + q_part_safe, axis=1)


out = {}
with tf.Session() as sess:
    for key, x in LOGITS.items():
        z = tf.constant(x)
        p = sparsemax(z)
        loss = sparsemax_loss(z, p, tf.constant(LABELS[key]))
        g = tf.gradients(tf.reduce_sum(p * WEIGHTS[key]), z)[0]
        gl = tf.gradients(tf.reduce_sum(loss), z)[0]
        vals = sess.run([p, g, loss, gl])
        out[key] = dict(zip(["sparsemax", "grad", "loss", "loss_grad"],
                            [v.tolist() for v in vals]))
    special = sparsemax(tf.constant(SPECIAL))
    out["special"] = [[None if v != v else v for v in row] for row in sess.run(special).tolist()]
out["tf_version"] = tf.__version__
with open(os.path.join(HERE, "sparsemax_reference.json"), "w") as f:
    f.write(json.dumps(out, indent=1, sort_keys=True))
