"""Magenta's event-sequence RNN with ``use_cudnn=True`` (magenta/magenta
``magenta/models/shared/events_rnn_graph.py``, its TF 1.x version): ``make_cudnn`` with
``state_tuples_to_cudnn_lstm_state`` / ``cudnn_lstm_state_to_state_tuples``: in train
mode one ``tf.contrib.cudnn_rnn.CudnnLSTM(num_layers, num_units,
direction='unidirectional', dropout=...)`` called on the time-major inputs with the
stacked zero states and ``training=True``; in generate mode a ``MultiRNNCell`` of
``tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell`` under ``dynamic_rnn(...,
time_major=True, scope='cudnn_lstm/rnn')`` restoring the training checkpoint (the
documented cuDNN -> CPU workflow); ``build``'s loss, accuracies, loss per step (the
``py_func`` step count), Adam with per-gradient clipping, and generate mode's softmax
with a temperature placeholder.

Adapted: the NoteSequence pipeline and ``get_padded_batch`` (``magenta_events_rnn``
runs those) are replaced by the same 40 generated melodies fed as padded batches of 8
(``dynamic_pad``'s layout); hparams layers [16, 16], keep prob 1.0, 20 training steps;
``tf.contrib.layers.linear`` is ``tf.layers.dense``, ``create_train_op`` is written out
(``clip_by_norm`` per gradient, ``apply_gradients``); same starting weights (the
``opaque_kernel`` gets a fixed uniform draw); the training checkpoint is saved by
``tf.train.Saver`` in a temp dir and restored into the generate graph.

Reference numbers: TF 2.21 has no ``tf.contrib`` and no CPU cuDNN kernel, so there
(``not hasattr(tf, "contrib")``) the train graph's ``CudnnLSTM`` is a faithful rewrite in
core ops (the same ``opaque_kernel`` cut in TF 1.15's canonical order, cuDNN's LSTM
equations with both bias vectors, ``tf.scan`` over time) and the generate graph's cells
are ``tf.nn.rnn_cell.LSTMCell(forget_bias=0)`` (``CudnnCompatibleLSTMCell``'s
equations) loaded with the canonical weights computed from the trained buffer in NumPy;
trainkit's numbers come from its ``tf.contrib.cudnn_rnn`` and its checkpoint saveable."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.magenta_events_rnn import EncoderDecoder, _melodies

COMPARE = {"loss": 1e-4, "first_loss": 1e-5, "accuracy": 1e-6, "event_accuracy": 1e-6,
           "loss_per_step": 1e-4, "global_step": 0.0, "generate_softmax": 1e-4,
           "generate_vs_train": 1e-5}


class HParams:
    batch_size = 8
    rnn_layer_sizes = [16, 16]
    dropout_keep_prob = 1.0
    attn_length = 0
    clip_norm = 3
    learning_rate = 0.01
    residual_connections = False
    use_cudnn = True


def _batches(encoder_decoder, batch_size):
    """Padded ``(inputs, labels, lengths)`` batches as ``tf.train.batch(dynamic_pad=True)``
    makes them."""
    eye = np.eye(encoder_decoder.input_size, dtype=np.float32)
    seqs = _melodies(np.random.RandomState(8))
    out = []
    for i in range(0, len(seqs), batch_size):
        group = seqs[i:i + batch_size]
        steps = max(len(s) - 1 for s in group)
        inputs = np.zeros((batch_size, steps, encoder_decoder.input_size), np.float32)
        labels = np.zeros((batch_size, steps), np.int64)
        for b, notes in enumerate(group):
            inputs[b, :len(notes) - 1] = eye[notes[:-1]]
            labels[b, :len(notes) - 1] = notes[1:]
        out.append((inputs, labels, np.array([len(s) - 1 for s in group], np.int32)))
    return out


def _canonical_sizes(layer_sizes, input_size):
    """TF 1.15's canonical weight shapes and bias sizes of a unidirectional CudnnLSTM."""
    u, shapes = layer_sizes[0], []
    for layer in range(len(layer_sizes)):
        width = input_size if layer == 0 else u
        shapes += [(u, width)] * 4 + [(u, u)] * 4
    return shapes, [u] * (8 * len(layer_sizes))


def _tf_cudnn_lstm(tf, num_layers, num_units, input_size):
    """The TF 2.21 stand-in for ``CudnnLSTM`` (see the module doc)."""
    shapes, biases = _canonical_sizes([num_units] * num_layers, input_size)

    def call(cudnn_inputs, initial_state, training):
        del training
        size = sum(a * b for a, b in shapes) + sum(biases)
        with tf.variable_scope("cudnn_lstm"):
            opaque = tf.get_variable("opaque_kernel", [size], tf.float32)
        parts = tf.split(opaque, [a * b for a, b in shapes] + biases)
        mats = [tf.reshape(p, s) for p, s in zip(parts, shapes)]
        vecs = parts[len(shapes):]
        h0, c0 = initial_state
        x, hs, cs = cudnn_inputs, [], []
        for layer in range(num_layers):
            w, r = mats[8 * layer:8 * layer + 4], mats[8 * layer + 4:8 * layer + 8]
            bw, br = vecs[8 * layer:8 * layer + 4], vecs[8 * layer + 4:8 * layer + 8]

            def step(carry, x_t, w=w, r=r, bw=bw, br=br):
                h, c = carry
                z = [tf.matmul(x_t, w[k], transpose_b=True) + bw[k]
                     + tf.matmul(h, r[k], transpose_b=True) + br[k] for k in range(4)]
                c = tf.sigmoid(z[1]) * c + tf.sigmoid(z[0]) * tf.tanh(z[2])
                return tf.sigmoid(z[3]) * tf.tanh(c), c

            hseq, cseq = tf.scan(step, x, initializer=(h0[layer], c0[layer]))
            x = hseq
            hs.append(hseq[-1])
            cs.append(cseq[-1])
        return x, (tf.stack(hs), tf.stack(cs))
    return call


def _tf_canonical(opaque, layer_sizes, input_size):
    """NumPy: the compatible cells' ``kernel`` / ``bias`` per layer (gates i, c, f, o)."""
    shapes, biases = _canonical_sizes(layer_sizes, input_size)
    cuts = np.cumsum([a * b for a, b in shapes] + biases)[:-1]
    parts = np.split(opaque, cuts)
    mats = [p.reshape(s) for p, s in zip(parts, shapes)]
    vecs = parts[len(shapes):]
    out = []
    for layer in range(len(layer_sizes)):
        w, r = mats[8 * layer:8 * layer + 4], mats[8 * layer + 4:8 * layer + 8]
        b = [vecs[8 * layer + k] + vecs[8 * layer + 4 + k] for k in range(4)]
        order = (0, 2, 1, 3)
        out.append((np.concatenate([np.concatenate([w[k], r[k]], 1) for k in order]).T,
                    np.concatenate([b[k] for k in order])))
    return out


def main(tf):
    contrib = hasattr(tf, "contrib")
    hparams = HParams()
    encoder_decoder = EncoderDecoder()
    input_size = encoder_decoder.input_size
    num_classes = encoder_decoder.num_classes
    no_event_label = encoder_decoder.default_event_label
    batches = _batches(encoder_decoder, hparams.batch_size)
    ckpt = os.path.join(tempfile.mkdtemp(), "model.ckpt")

    # magenta/models/shared/events_rnn_graph.py
    def state_tuples_to_cudnn_lstm_state(lstm_state_tuples):
        """Convert LSTMStateTuples to CudnnLSTM format."""
        h = tf.stack([s.h for s in lstm_state_tuples])
        c = tf.stack([s.c for s in lstm_state_tuples])
        return (h, c)

    def cudnn_lstm_state_to_state_tuples(cudnn_lstm_state):
        """Convert CudnnLSTM format to LSTMStateTuples."""
        h, c = cudnn_lstm_state
        return tuple(
            tf.nn.rnn_cell.LSTMStateTuple(h=h_i, c=c_i)
            for h_i, c_i in zip(tf.unstack(h), tf.unstack(c)))

    def make_cudnn(inputs, rnn_layer_sizes, batch_size, mode,
                   dropout_keep_prob=1.0, residual_connections=False):
        cudnn_inputs = tf.transpose(inputs, [1, 0, 2])
        initial_state = tuple(
            tf.nn.rnn_cell.LSTMStateTuple(
                h=tf.zeros([batch_size, num_units], dtype=tf.float32),
                c=tf.zeros([batch_size, num_units], dtype=tf.float32))
            for num_units in rnn_layer_sizes)
        if mode != 'generate':
            # We can make a single call to CudnnLSTM since all layers are the same
            # size and we aren't using residual connections.
            cudnn_initial_state = state_tuples_to_cudnn_lstm_state(initial_state)
            if contrib:
                cell = tf.contrib.cudnn_rnn.CudnnLSTM(
                    num_layers=len(rnn_layer_sizes),
                    num_units=rnn_layer_sizes[0],
                    direction='unidirectional',
                    dropout=1.0 - dropout_keep_prob)
            else:
                cell = _tf_cudnn_lstm(tf, len(rnn_layer_sizes), rnn_layer_sizes[0],
                                      input_size)
            cudnn_outputs, cudnn_final_state = cell(
                cudnn_inputs, initial_state=cudnn_initial_state,
                training=mode == 'train')
            final_state = cudnn_lstm_state_to_state_tuples(cudnn_final_state)
        else:
            # At generation time we use CudnnCompatibleLSTMCell.
            if contrib:
                compatible = tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell
            else:
                def compatible(num_units):
                    return tf.nn.rnn_cell.LSTMCell(num_units, forget_bias=0.0,
                                                   name="cudnn_compatible_lstm_cell")
            cell = tf.nn.rnn_cell.MultiRNNCell(
                [compatible(num_units) for num_units in rnn_layer_sizes])
            cudnn_outputs, final_state = tf.nn.dynamic_rnn(
                cell, cudnn_inputs, initial_state=initial_state, time_major=True,
                scope='cudnn_lstm/rnn')
        outputs = tf.transpose(cudnn_outputs, [1, 0, 2])
        return outputs, tuple(initial_state), tuple(final_state)

    def flatten_maybe_padded_sequences(maybe_padded_sequences, lengths=None):
        def flatten_unpadded_sequences():
            return tf.reshape(maybe_padded_sequences,
                              [-1] + maybe_padded_sequences.shape.as_list()[2:])
        if lengths is None:
            return flatten_unpadded_sequences()

        def flatten_padded_sequences():
            indices = tf.where(tf.sequence_mask(lengths))
            return tf.gather_nd(maybe_padded_sequences, indices)
        return tf.cond(
            tf.equal(tf.reduce_min(lengths), tf.shape(maybe_padded_sequences)[1]),
            flatten_unpadded_sequences,
            flatten_padded_sequences)

    def build(mode):
        inputs, labels, lengths = None, None, None
        if mode == 'train':
            inputs = tf.placeholder(tf.float32, [hparams.batch_size, None, input_size])
            labels = tf.placeholder(tf.int64, [hparams.batch_size, None])
            lengths = tf.placeholder(tf.int32, [hparams.batch_size])
        else:
            inputs = tf.placeholder(tf.float32, [hparams.batch_size, None, input_size])
        dropout_keep_prob = 1.0 if mode == 'generate' else hparams.dropout_keep_prob
        outputs, initial_state, final_state = make_cudnn(
            inputs, hparams.rnn_layer_sizes, hparams.batch_size, mode,
            dropout_keep_prob=dropout_keep_prob,
            residual_connections=hparams.residual_connections)
        outputs_flat = flatten_maybe_padded_sequences(outputs, lengths)
        logits_flat = tf.layers.dense(outputs_flat, num_classes)
        if mode == 'train':
            labels_flat = flatten_maybe_padded_sequences(labels, lengths)
            softmax_cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels_flat, logits=logits_flat)
            predictions_flat = tf.argmax(logits_flat, axis=1)
            correct_predictions = tf.to_float(tf.equal(labels_flat, predictions_flat))
            event_positions = tf.to_float(tf.not_equal(labels_flat, no_event_label))

            def batch_labels_to_num_steps(batch_labels, lengths):
                num_steps = 0
                for labels, length in zip(batch_labels, lengths):
                    num_steps += encoder_decoder.labels_to_num_steps(labels[:length])
                return np.float32(num_steps)
            num_steps = tf.py_func(batch_labels_to_num_steps, [labels, lengths], tf.float32)
            loss = tf.reduce_mean(softmax_cross_entropy)
            accuracy = tf.reduce_mean(correct_predictions)
            event_accuracy = (tf.reduce_sum(correct_predictions * event_positions)
                              / tf.reduce_sum(event_positions))
            loss_per_step = tf.reduce_sum(softmax_cross_entropy) / num_steps
            optimizer = tf.train.AdamOptimizer(learning_rate=hparams.learning_rate)
            global_step = tf.train.get_or_create_global_step()
            grads_and_vars = optimizer.compute_gradients(loss)
            grads_and_vars = [(tf.clip_by_norm(g, hparams.clip_norm), v)
                              for g, v in grads_and_vars]
            train_op = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
            metrics = [loss, accuracy, event_accuracy, loss_per_step]
            return (inputs, labels, lengths), train_op, metrics, global_step, logits_flat
        temperature = tf.placeholder(tf.float32, [])
        softmax_flat = tf.nn.softmax(tf.div(logits_flat, tf.fill([num_classes], temperature)))
        softmax = tf.reshape(softmax_flat, [hparams.batch_size, -1, num_classes])
        return inputs, temperature, softmax

    primer = batches[0][0][:, :6]
    with tf.Graph().as_default():
        (x, y, n), train_op, metrics, global_step, logits = build('train')
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf, seed=4)
            opaque = [v for v in tf.global_variables() if "opaque_kernel" in v.name][0]
            opaque.load(np.random.RandomState(5).uniform(-0.2, 0.2, opaque.shape.as_list()),
                        sess)
            first_loss = None
            for step in range(20):
                inputs, labels, lengths = batches[step % len(batches)]
                out = sess.run([train_op, global_step] + metrics,
                               {x: inputs, y: labels, n: lengths})
                first_loss = out[2] if first_loss is None else first_loss
            full = np.full(hparams.batch_size, primer.shape[1], np.int32)
            train_probs = sess.run(tf.nn.softmax(logits / 0.8),
                                   {x: primer, y: np.zeros(primer.shape[:2], np.int64),
                                    n: full})
            saver.save(sess, ckpt)
            trained = sess.run(opaque)
            dense = {v.op.name: sess.run(v) for v in tf.global_variables()
                     if v.op.name.startswith("dense/")}
    with tf.Graph().as_default():
        inputs, temperature, softmax = build('generate')
        with tf.Session() as sess:
            if contrib:
                tf.train.Saver().restore(sess, ckpt)
            else:
                sess.run(tf.global_variables_initializer())
                canon = _tf_canonical(trained, hparams.rnn_layer_sizes, input_size)
                values = dict(dense)
                for k, (kernel, bias) in enumerate(canon):
                    prefix = f"cudnn_lstm/rnn/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell"
                    values[f"{prefix}/kernel"], values[f"{prefix}/bias"] = kernel, bias
                for v in tf.global_variables():
                    v.load(values[v.op.name], sess)
            probs = sess.run(softmax, {inputs: primer, temperature: 0.8})
    loss, accuracy, event_accuracy, loss_per_step = out[2:]
    return {"loss": float(loss), "first_loss": float(first_loss),
            "accuracy": float(accuracy), "event_accuracy": float(event_accuracy),
            "loss_per_step": float(loss_per_step), "global_step": [int(out[1])],
            "generate_softmax": float(np.sum(probs[:, -1] * np.arange(num_classes))),
            "generate_vs_train": float(np.abs(probs.reshape(-1, num_classes)
                                              - train_probs).max())}
