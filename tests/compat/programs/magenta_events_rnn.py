"""Magenta's event-sequence RNN (the Melody RNN family's shared graph), from magenta/magenta:
``magenta/common/sequence_example_lib.py`` (``make_sequence_example`` building
``tf.train.SequenceExample`` protos of one-hot inputs and int64 labels;
``get_padded_batch``: ``string_input_producer``, ``TFRecordReader``,
``tf.parse_single_sequence_example`` with ``FixedLenSequenceFeature``s, the length from
``tf.shape``, ``tf.train.batch(dynamic_pad=True)``; ``count_records`` with
``tf_record_iterator``; ``flatten_maybe_padded_sequences``: ``tf.cond`` between a reshape
and ``gather_nd`` at ``tf.where(tf.sequence_mask(lengths))``) and
``magenta/models/shared/events_rnn_graph.py`` (``make_rnn_cell``: BasicLSTMCells in
DropoutWrappers in a MultiRNNCell; ``build`` in train mode: ``dynamic_rnn`` with the
lengths, a linear layer, sparse softmax cross-entropy, accuracy, event/no-event accuracy,
the ``py_func`` step count, loss and perplexity per step, Adam through
``create_train_op`` with gradient clipping, everything added to collections).

Adapted: the NoteSequence/melody pipeline is replaced by 40 generated melodies (lengths
9-24, 12 pitch classes, each next note a fixed interval from the last) written to a
TFRecord file in a temp dir, with an encoder/decoder of the same interface (one-hot
inputs, ``default_event_label`` 0, ``labels_to_num_steps`` = length); ``shuffle=False``
and one enqueuing thread (TF's shuffle queue and thread interleaving are not
reproducible); ``tf.contrib.rnn`` is ``tf.nn.rnn_cell``, ``tf.contrib.layers.linear`` is
``tf.layers.dense`` without activation, ``slim.learning.create_train_op(loss, optimizer,
clip_gradient_norm)`` is written out as what it does (each gradient ``clip_by_norm``-ed,
``apply_gradients`` with the global step); hparams batch 8, layers [32, 32], keep prob
1.0; ``events_rnn_train``'s loop is a plain session with queue runners for 30 steps;
same starting weights."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss": 1e-4, "perplexity": 1e-4, "accuracy": 1e-6, "event_accuracy": 1e-6,
           "no_event_accuracy": 1e-6, "loss_per_step": 1e-4, "global_step": 0.0,
           "num_records": 0.0, "first_loss": 1e-5}


class HParams:
    batch_size = 8
    rnn_layer_sizes = [32, 32]
    dropout_keep_prob = 1.0
    attn_length = 0
    clip_norm = 3
    learning_rate = 0.01
    residual_connections = False
    use_cudnn = False


class EncoderDecoder:
    """The interface ``build`` reads: one-hot inputs of 12 pitch classes."""
    input_size = 12
    num_classes = 12
    default_event_label = 0

    def labels_to_num_steps(self, labels):
        return len(labels)


def _melodies(rng):
    out = []
    for _ in range(40):
        length = rng.randint(9, 25)
        step = rng.choice([2, 5, 7])
        start = rng.randint(0, 12)
        notes = (start + step * np.arange(length + 1)) % 12
        notes[rng.rand(length + 1) < 0.15] = 0
        out.append(notes)
    return out


def main(tf):
    # magenta/common/sequence_example_lib.py
    def make_sequence_example(inputs, labels):
        input_features = [
            tf.train.Feature(float_list=tf.train.FloatList(value=input_))
            for input_ in inputs]
        label_features = []
        for label in labels:
            label = [int(label)]
            label_features.append(
                tf.train.Feature(int64_list=tf.train.Int64List(value=label)))
        feature_list = {
            'inputs': tf.train.FeatureList(feature=input_features),
            'labels': tf.train.FeatureList(feature=label_features)
        }
        feature_lists = tf.train.FeatureLists(feature_list=feature_list)
        return tf.train.SequenceExample(feature_lists=feature_lists)

    def get_padded_batch(file_list, batch_size, input_size, label_shape=None,
                         num_enqueuing_threads=4, shuffle=False):
        file_queue = tf.train.string_input_producer(file_list)
        reader = tf.TFRecordReader()
        _, serialized_example = reader.read(file_queue)
        sequence_features = {
            'inputs': tf.FixedLenSequenceFeature(shape=[input_size], dtype=tf.float32),
            'labels': tf.FixedLenSequenceFeature(shape=label_shape or [], dtype=tf.int64)}
        _, sequence = tf.parse_single_sequence_example(
            serialized_example, sequence_features=sequence_features)
        length = tf.shape(sequence['inputs'])[0]
        input_tensors = [sequence['inputs'], sequence['labels'], length]
        return tf.train.batch(
            input_tensors,
            batch_size=batch_size,
            capacity=500,
            num_threads=num_enqueuing_threads,
            dynamic_pad=True,
            allow_smaller_final_batch=False)

    def count_records(file_list, stop_at=None):
        num_records = 0
        for tfrecord_file in file_list:
            for _ in tf.python_io.tf_record_iterator(tfrecord_file):
                num_records += 1
                if stop_at and num_records >= stop_at:
                    return num_records
        return num_records

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

    # magenta/models/shared/events_rnn_graph.py
    def make_rnn_cell(rnn_layer_sizes, dropout_keep_prob=1.0, attn_length=0,
                      base_cell=tf.nn.rnn_cell.BasicLSTMCell, residual_connections=False):
        cells = []
        for i in range(len(rnn_layer_sizes)):
            cell = base_cell(rnn_layer_sizes[i])
            cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=dropout_keep_prob)
            cells.append(cell)
        cell = tf.nn.rnn_cell.MultiRNNCell(cells)
        return cell

    hparams = HParams()
    encoder_decoder = EncoderDecoder()
    input_size = encoder_decoder.input_size
    num_classes = encoder_decoder.num_classes
    no_event_label = encoder_decoder.default_event_label

    path = os.path.join(tempfile.mkdtemp(), 'training_melodies.tfrecord')
    writer = tf.python_io.TFRecordWriter(path)
    eye = np.eye(input_size)
    for notes in _melodies(np.random.RandomState(8)):
        inputs = [list(eye[n]) for n in notes[:-1]]
        writer.write(make_sequence_example(inputs, notes[1:]).SerializeToString())
    writer.close()
    sequence_example_file_paths = [path]

    def build():
        inputs, labels, lengths = get_padded_batch(
            sequence_example_file_paths, hparams.batch_size, input_size,
            label_shape=[], shuffle=False, num_enqueuing_threads=1)
        expanded_inputs = inputs
        dropout_keep_prob = hparams.dropout_keep_prob
        cell = make_rnn_cell(hparams.rnn_layer_sizes, dropout_keep_prob=dropout_keep_prob,
                             attn_length=hparams.attn_length,
                             residual_connections=hparams.residual_connections)
        initial_state = cell.zero_state(hparams.batch_size, tf.float32)
        outputs, final_state = tf.nn.dynamic_rnn(
            cell, expanded_inputs, sequence_length=lengths, initial_state=initial_state,
            swap_memory=True)
        outputs_flat = flatten_maybe_padded_sequences(outputs, lengths)
        num_logits = num_classes
        logits_flat = tf.layers.dense(outputs_flat, num_logits)

        labels_flat = flatten_maybe_padded_sequences(labels, lengths)
        softmax_cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels_flat, logits=logits_flat)
        predictions_flat = tf.argmax(logits_flat, axis=1)
        correct_predictions = tf.to_float(tf.equal(labels_flat, predictions_flat))
        event_positions = tf.to_float(tf.not_equal(labels_flat, no_event_label))
        no_event_positions = tf.to_float(tf.equal(labels_flat, no_event_label))

        def batch_labels_to_num_steps(batch_labels, lengths):
            num_steps = 0
            for labels, length in zip(batch_labels, lengths):
                num_steps += encoder_decoder.labels_to_num_steps(labels[:length])
            return np.float32(num_steps)
        num_steps = tf.py_func(batch_labels_to_num_steps, [labels, lengths], tf.float32)

        loss = tf.reduce_mean(softmax_cross_entropy)
        perplexity = tf.exp(loss)
        accuracy = tf.reduce_mean(correct_predictions)
        event_accuracy = (tf.reduce_sum(correct_predictions * event_positions)
                          / tf.reduce_sum(event_positions))
        no_event_accuracy = (tf.reduce_sum(correct_predictions * no_event_positions)
                             / tf.reduce_sum(no_event_positions))
        loss_per_step = tf.reduce_sum(softmax_cross_entropy) / num_steps
        perplexity_per_step = tf.exp(loss_per_step)

        optimizer = tf.train.AdamOptimizer(learning_rate=hparams.learning_rate)
        global_step = tf.train.get_or_create_global_step()
        grads_and_vars = optimizer.compute_gradients(loss)
        grads_and_vars = [(tf.clip_by_norm(g, hparams.clip_norm), v)
                          for g, v in grads_and_vars]
        grad_updates = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
        with tf.control_dependencies([grad_updates]):
            train_op = tf.identity(loss, name='train_op')
        tf.add_to_collection('train_op', train_op)
        vars_to_summarize = {
            'loss': loss,
            'metrics/perplexity': perplexity,
            'metrics/accuracy': accuracy,
            'metrics/event_accuracy': event_accuracy,
            'metrics/no_event_accuracy': no_event_accuracy,
            'metrics/loss_per_step': loss_per_step,
            'metrics/perplexity_per_step': perplexity_per_step,
        }
        for var_name, var_value in vars_to_summarize.items():
            tf.summary.scalar(var_name, var_value)
            tf.add_to_collection(var_name, var_value)
        del final_state

    build()
    num_records = count_records(sequence_example_file_paths)
    graph = tf.get_default_graph()
    train_op = graph.get_collection('train_op')[0]
    names = ['loss', 'metrics/perplexity', 'metrics/accuracy', 'metrics/event_accuracy',
             'metrics/no_event_accuracy', 'metrics/loss_per_step']
    metrics = [graph.get_collection(n)[0] for n in names]
    global_step = tf.train.get_global_step()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=4)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        first_loss = None
        for _ in range(30):
            out = sess.run([train_op, global_step] + metrics)
            if first_loss is None:
                first_loss = out[2]
        coord.request_stop()
        coord.join(threads)
    loss, perplexity, accuracy, event_accuracy, no_event_accuracy, loss_per_step = out[2:]
    return {"loss": float(loss), "perplexity": float(perplexity),
            "accuracy": float(accuracy), "event_accuracy": float(event_accuracy),
            "no_event_accuracy": float(no_event_accuracy),
            "loss_per_step": float(loss_per_step), "global_step": [int(out[1])],
            "num_records": [num_records], "first_loss": float(first_loss)}
