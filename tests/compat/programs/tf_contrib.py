"""``tf.contrib`` for the compat programs: trainkit's own under trainkit, and under TF 2.x
(which has no ``tf.contrib``) stand-ins with TF 1.15's behaviour: ``layers`` and
``framework.arg_scope`` from tf_slim 1.1.0, ``rnn`` as ``tf.nn.rnn_cell``,
``layers.xavier_initializer`` as ``tf.glorot_uniform_initializer`` (the same Glorot-uniform
rule), ``seq2seq.sequence_loss`` written out as TF 1.15 computes it with both averages
on (the weighted sparse softmax cross entropy summed, divided by the weights' sum plus
1e-12) and ``legacy_seq2seq.sequence_loss_by_example`` likewise (per time step the loss
function's value, sparse softmax cross entropy by default, times the weight; the steps
added; with ``average_across_timesteps`` divided by the weights added plus 1e-12). Not a
program: ``reference.program_names`` skips it."""

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
                 for name in ("fully_connected", "batch_norm", "dropout", "flatten")}

    def sequence_loss(logits, targets, weights):
        num_classes = tf.shape(logits)[2]
        logits_flat = tf.reshape(logits, [-1, num_classes])
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=logits_flat)
        crossent *= tf.reshape(weights, [-1])
        return tf.reduce_sum(crossent) / (tf.reduce_sum(weights) + 1e-12)

    def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                                 softmax_loss_function=None, name=None):
        if not len(logits) == len(targets) == len(weights):
            raise ValueError("logits, targets and weights must have the same length")
        with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
            per_step = []
            for logit, target, weight in zip(logits, targets, weights):
                if softmax_loss_function is None:
                    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=tf.reshape(target, [-1]), logits=logit)
                else:
                    loss = softmax_loss_function(labels=target, logits=logit)
                per_step.append(loss * weight)
            total = tf.add_n(per_step)
            if average_across_timesteps:
                total /= tf.add_n(weights) + 1e-12
        return total

    return SimpleNamespace(
        legacy_seq2seq=SimpleNamespace(sequence_loss_by_example=sequence_loss_by_example),
        layers=SimpleNamespace(xavier_initializer=tf.glorot_uniform_initializer,
                               **layer_fns),
        framework=SimpleNamespace(arg_scope=slim.arg_scope),
        rnn=tf.nn.rnn_cell,
        seq2seq=SimpleNamespace(sequence_loss=sequence_loss))
