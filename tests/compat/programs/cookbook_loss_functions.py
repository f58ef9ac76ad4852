"""Loss functions: nfmcclure's tensorflow_cookbook, ``02_TensorFlow_Way/
04_Implementing_Loss_Functions/04_loss_functions.py``. Regression losses (L2, L1, two
pseudo-Huber) over ``tf.linspace(-1., 1., 500)`` and classification losses over
``tf.linspace(-3., 5., 500)``: hinge, the cross entropy ``-t log(x) - (1 - t) log(1 - x)``
written out with ``tf.log`` (NaN where ``x <= 0`` and ``-inf`` / NaN at the edges, as the
recipe plots it), ``sigmoid_cross_entropy_with_logits`` of ``expand_dims``'d inputs,
``weighted_cross_entropy_with_logits`` with TF1's ``targets=`` keyword and a tensor
``pos_weight``, and the two softmax cross entropies (``softmax_cross_entropy_with_
logits_v2`` and the sparse one) of one row of logits.

Adapted: nothing but the output: the plotted curves are returned as their sums over the
finite values with the count of non-finite ones, and the printed cross entropies."""

from __future__ import annotations

import numpy as np

COMPARE = {"l2": 1e-5, "l1": 1e-5, "phuber1": 1e-5, "phuber2": 1e-5, "hinge": 1e-5,
           "xentropy": 1e-5, "xentropy_nonfinite": 0.0, "xentropy_sigmoid": 1e-5,
           "xentropy_weighted": 1e-5, "softmax_xentropy": 1e-6, "sparse_xentropy": 1e-6,
           "shapes": 0.0}


def _finite_sum(v):
    v = np.asarray(v, np.float64)
    return float(np.sum(v[np.isfinite(v)]))


def main(tf):
    sess = tf.Session()
    x_vals = tf.linspace(-1., 1., 500)
    target = tf.constant(0.)
    l2_y_vals = tf.square(target - x_vals)
    l2_y_out = sess.run(l2_y_vals)
    l1_y_vals = tf.abs(target - x_vals)
    l1_y_out = sess.run(l1_y_vals)
    delta1 = tf.constant(0.25)
    phuber1_y_vals = tf.multiply(tf.square(delta1), tf.sqrt(1. + tf.square(
        (target - x_vals) / delta1)) - 1.)
    phuber1_y_out = sess.run(phuber1_y_vals)
    delta2 = tf.constant(5.)
    phuber2_y_vals = tf.multiply(tf.square(delta2), tf.sqrt(1. + tf.square(
        (target - x_vals) / delta2)) - 1.)
    phuber2_y_out = sess.run(phuber2_y_vals)

    x_vals = tf.linspace(-3., 5., 500)
    target = tf.constant(1.)
    targets = tf.fill([500, ], 1.)
    hinge_y_vals = tf.maximum(0., 1. - tf.multiply(target, x_vals))
    hinge_y_out = sess.run(hinge_y_vals)
    xentropy_y_vals = (- tf.multiply(target, tf.log(x_vals))
                       - tf.multiply((1. - target), tf.log(1. - x_vals)))
    xentropy_y_out = sess.run(xentropy_y_vals)
    x_val_input = tf.expand_dims(x_vals, 1)
    target_input = tf.expand_dims(targets, 1)
    xentropy_sigmoid_y_vals = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_val_input,
                                                                      labels=target_input)
    xentropy_sigmoid_y_out = sess.run(xentropy_sigmoid_y_vals)
    weight = tf.constant(0.5)
    xentropy_weighted_y_vals = tf.nn.weighted_cross_entropy_with_logits(logits=x_vals,
                                                                        targets=targets,
                                                                        pos_weight=weight)
    xentropy_weighted_y_out = sess.run(xentropy_weighted_y_vals)

    unscaled_logits = tf.constant([[1., -3., 10.]])
    target_dist = tf.constant([[0.1, 0.02, 0.88]])
    softmax_xentropy = tf.nn.softmax_cross_entropy_with_logits_v2(logits=unscaled_logits,
                                                                  labels=target_dist)
    softmax_out = sess.run(softmax_xentropy)
    unscaled_logits = tf.constant([[1., -3., 10.]])
    sparse_target_dist = tf.constant([2])
    sparse_xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=unscaled_logits, labels=sparse_target_dist)
    sparse_out = sess.run(sparse_xentropy)
    sess.close()
    return {"l2": _finite_sum(l2_y_out), "l1": _finite_sum(l1_y_out),
            "phuber1": _finite_sum(phuber1_y_out), "phuber2": _finite_sum(phuber2_y_out),
            "hinge": _finite_sum(hinge_y_out), "xentropy": _finite_sum(xentropy_y_out),
            "xentropy_nonfinite": [int(np.sum(np.isnan(xentropy_y_out))),
                                   int(np.sum(np.isinf(xentropy_y_out)))],
            "xentropy_sigmoid": _finite_sum(xentropy_sigmoid_y_out),
            "xentropy_weighted": _finite_sum(xentropy_weighted_y_out),
            "softmax_xentropy": float(softmax_out[0]), "sparse_xentropy": float(sparse_out[0]),
            "shapes": [list(np.shape(v)) for v in (xentropy_sigmoid_y_out, softmax_out,
                                                   sparse_out)]}
