"""``tf.contrib`` for the compat programs: trainkit's own under trainkit, and under TF 2.x
(which has no ``tf.contrib``) stand-ins with TF 1.15's behaviour: ``layers`` and
``framework.arg_scope`` from tf_slim 1.1.0, ``rnn`` as ``tf.nn.rnn_cell``,
``layers.xavier_initializer`` as ``tf.glorot_uniform_initializer`` (the same Glorot-uniform
rule) and ``seq2seq.sequence_loss`` written out as TF 1.15 computes it with both averages
on (the weighted sparse softmax cross entropy summed, divided by the weights' sum plus
1e-12). Not a program: ``reference.program_names`` skips it."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any


def contrib(tf: Any) -> Any:
    """``tf.contrib``, or a namespace of TF 1.15-equivalent stand-ins under TF 2.x."""
    if hasattr(tf, "contrib"):
        return tf.contrib
    from tests.compat.programs.slim_lenet import _slim

    slim = _slim(tf)
    layers = importlib.import_module("tf_slim.layers")
    layer_fns = {name: getattr(layers, name)
                 for name in ("fully_connected", "batch_norm", "dropout")}

    def sequence_loss(logits, targets, weights):
        num_classes = tf.shape(logits)[2]
        logits_flat = tf.reshape(logits, [-1, num_classes])
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=logits_flat)
        crossent *= tf.reshape(weights, [-1])
        return tf.reduce_sum(crossent) / (tf.reduce_sum(weights) + 1e-12)

    return SimpleNamespace(
        layers=SimpleNamespace(xavier_initializer=tf.glorot_uniform_initializer,
                               **layer_fns),
        framework=SimpleNamespace(arg_scope=slim.arg_scope),
        rnn=tf.nn.rnn_cell,
        seq2seq=SimpleNamespace(sequence_loss=sequence_loss))
