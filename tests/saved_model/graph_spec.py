"""One small serving graph built the same way with trainkit and with TF (``tf`` is either
module), and the signatures of every kind over it; ``make_tf_reference`` records TF's."""

from __future__ import annotations

from typing import Any

import numpy as np

W = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], dtype=np.float32)


def build(tf: Any) -> dict[str, Any]:
    """The graph's tensors: a linear model over ``x`` plus tf.Example-style inputs."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(W, name="w")
    b = tf.Variable(np.zeros(2, np.float32), name="b")
    logits = tf.add(tf.matmul(x, w), b, name="logits")
    scores = tf.nn.softmax(logits, name="scores")
    serialized = tf.placeholder(tf.string, [None], name="tf_example")
    classes = tf.constant(["neg", "pos"], name="classes")
    sp = tf.sparse_placeholder(tf.float32, shape=[None, 4], name="sp")
    count = tf.placeholder(tf.int64, None, name="count")
    return {"x": x, "w": w, "logits": logits, "scores": scores, "serialized": serialized,
            "classes": classes, "sp": sp, "count": count}


def signatures(tf: Any, t: dict[str, Any]) -> dict[str, Any]:
    """A signature of each kind (predict, classify, regress, built by hand)."""
    sm = tf.saved_model
    info = sm.utils.build_tensor_info
    return {
        "serving_default": sm.signature_def_utils.predict_signature_def(
            inputs={"x": t["x"]}, outputs={"scores": t["scores"], "logits": t["logits"]}),
        "classify": sm.signature_def_utils.classification_signature_def(
            t["serialized"], t["classes"], t["scores"]),
        "regress": sm.signature_def_utils.regression_signature_def(
            t["serialized"], t["logits"]),
        "custom": sm.signature_def_utils.build_signature_def(
            inputs={"sp": info(t["sp"]), "count": info(t["count"])},
            outputs={"w": info(t["w"])}, method_name="custom/method"),
    }
