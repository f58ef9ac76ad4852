"""Arm's keyword-spotting DNN with 8-bit fake quantization, from ARM-software/ML-KWS-for-MCU:
``models.py``'s ``prepare_model_settings``, ``quant_models.py``'s ``create_dnn_model`` (the
fully-connected layers under ``variable_scope``s, ``tf.fake_quant_with_min_max_vars`` on
the input and after every layer with ``min=-act_max``, ``max=act_max - act_max/128``),
``train.py``'s training (``softmax_cross_entropy_with_logits`` under name scopes, Adam on a
fed learning rate within the UPDATE_OPS control dependency, the two-stage step/rate
schedule, ``argmax``/``tf.confusion_matrix`` evaluation every ``eval_step_interval`` steps
with accuracy weighted over the validation set, ``tf.assign`` global-step increments,
``Saver`` checkpoints of the best validation accuracy, the final test pass) and
``quant_test.py``'s ``run_quant_inference`` (a new graph with the fake-quantized model,
``load_variables_from_checkpoint``, each trainable variable rounded to 8 bits with its
power-of-two scale in NumPy and written back with ``tf.assign``, then training/validation/
test accuracy and confusion matrices).

Adapted: the speech-commands download and ``input_data.AudioProcessor`` (WAV decoding and
``contrib_audio`` MFCCs) are replaced by an object serving generated 10x25 MFCC-like
fingerprints of the 12 labels in order (no background noise or time shift); training uses
``create_dnn_model`` with ``act_max`` all 0 (no fake quantization: ``models.py``'s DNN),
inference ``act_max = [32, 32, 32, 32, 32]``; ``slim.learning.create_train_op(loss,
optimizer)`` is written as ``optimizer.minimize(loss, global_step)`` (what it does);
``tf.contrib.layers.xavier_initializer`` is ``tf.glorot_uniform_initializer`` and the
weights start from the same draw (biases 0); 40+10 steps of batch 50; no summaries,
``weights.h`` or graph files; checkpoints in a temp dir."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_cross_entropy": 1e-5, "best_val_accuracy": 1e-6, "test_accuracy": 1e-6,
           "quant_train_accuracy": 1e-6, "quant_val_accuracy": 1e-6,
           "quant_test_accuracy": 1e-6, "quant_confusion_trace": 0.0,
           "quant_weight_sum": 1e-6, "dec_bits": 0.0, "quant_logit_sum": 1e-5}


class FLAGS:
    sample_rate = 16000
    clip_duration_ms = 1000
    window_size_ms = 40.0
    window_stride_ms = 40.0
    dct_coefficient_count = 10
    how_many_training_steps = '40,10'
    learning_rate = '0.001,0.0001'
    eval_step_interval = 20
    batch_size = 50
    model_architecture = 'dnn'
    model_size_info = [128, 128, 128]
    act_max = [32, 32, 32, 32, 32]
    wanted_words = 'yes,no,up,down,left,right,on,off,stop,go'


class AudioProcessor:
    """``input_data.AudioProcessor``'s ``get_data``/``set_size`` over generated
    fingerprints: label means in [-20, 20] plus unit noise, labels cycling 0..11."""

    def __init__(self, model_settings, rng):
        size, count = model_settings['fingerprint_size'], model_settings['label_count']
        means = rng.uniform(-20, 20, (count, size))
        self.data = {}
        for mode, n in (('training', 600), ('validation', 120), ('testing', 120)):
            labels = np.arange(n) % count
            x = means[labels] + rng.normal(0, 40.0, (n, size))
            self.data[mode] = (x.astype(np.float32), np.eye(count, dtype=np.float32)[labels])
        self._train_pos = 0

    def set_size(self, mode):
        return len(self.data[mode][0])

    def get_data(self, how_many, offset, model_settings, background_frequency,
                 background_volume_range, time_shift, mode, sess):
        x, y = self.data[mode]
        if mode == 'training':
            idx = (self._train_pos + np.arange(how_many)) % len(x)
            self._train_pos = (self._train_pos + how_many) % len(x)
            return x[idx], y[idx]
        return x[offset:offset + how_many], y[offset:offset + how_many]


def main(tf):
    # models.py
    def prepare_model_settings(label_count, sample_rate, clip_duration_ms,
                               window_size_ms, window_stride_ms, dct_coefficient_count):
        desired_samples = int(sample_rate * clip_duration_ms / 1000)
        window_size_samples = int(sample_rate * window_size_ms / 1000)
        window_stride_samples = int(sample_rate * window_stride_ms / 1000)
        length_minus_window = (desired_samples - window_size_samples)
        if length_minus_window < 0:
            spectrogram_length = 0
        else:
            spectrogram_length = 1 + int(length_minus_window / window_stride_samples)
        fingerprint_size = dct_coefficient_count * spectrogram_length
        return {
            'desired_samples': desired_samples,
            'window_size_samples': window_size_samples,
            'window_stride_samples': window_stride_samples,
            'spectrogram_length': spectrogram_length,
            'dct_coefficient_count': dct_coefficient_count,
            'fingerprint_size': fingerprint_size,
            'label_count': label_count,
            'sample_rate': sample_rate,
        }

    # quant_models.py
    def create_dnn_model(fingerprint_input, model_settings, model_size_info,
                         act_max, is_training):
        if is_training:
            dropout_prob = tf.placeholder(tf.float32, name='dropout_prob')
        fingerprint_size = model_settings['fingerprint_size']
        label_count = model_settings['label_count']
        num_layers = len(model_size_info)
        layer_dim = [fingerprint_size]
        layer_dim.extend(model_size_info)
        flow = fingerprint_input
        if act_max[0] != 0:
            flow = tf.fake_quant_with_min_max_vars(flow, min=-act_max[0],
                                                   max=act_max[0] - (act_max[0] / 128.0),
                                                   num_bits=8)
        for i in range(1, num_layers + 1):
            with tf.variable_scope('fc' + str(i)):
                W = tf.get_variable('W', shape=[layer_dim[i - 1], layer_dim[i]],
                                    initializer=tf.glorot_uniform_initializer())
                b = tf.get_variable('b', shape=[layer_dim[i]])
                flow = tf.matmul(flow, W) + b
                if act_max[i] != 0:
                    flow = tf.fake_quant_with_min_max_vars(
                        flow, min=-act_max[i], max=act_max[i] - (act_max[i] / 128.0),
                        num_bits=8)
                flow = tf.nn.relu(flow)
                if is_training:
                    flow = tf.nn.dropout(flow, dropout_prob)
        weights = tf.get_variable('final_fc', shape=[layer_dim[-1], label_count],
                                  initializer=tf.glorot_uniform_initializer())
        bias = tf.Variable(tf.zeros([label_count]))
        logits = tf.matmul(flow, weights) + bias
        if act_max[num_layers + 1] != 0:
            logits = tf.fake_quant_with_min_max_vars(
                logits, min=-act_max[num_layers + 1],
                max=act_max[num_layers + 1] - (act_max[num_layers + 1] / 128.0), num_bits=8)
        if is_training:
            return logits, dropout_prob
        else:
            return logits

    def load_variables_from_checkpoint(sess, start_checkpoint):
        saver = tf.train.Saver(tf.global_variables())
        saver.restore(sess, start_checkpoint)

    words_list = ['_silence_', '_unknown_'] + FLAGS.wanted_words.split(',')
    model_settings = prepare_model_settings(
        len(words_list), FLAGS.sample_rate, FLAGS.clip_duration_ms, FLAGS.window_size_ms,
        FLAGS.window_stride_ms, FLAGS.dct_coefficient_count)
    audio_processor = AudioProcessor(model_settings, np.random.RandomState(21))
    label_count = model_settings['label_count']
    fingerprint_size = model_settings['fingerprint_size']
    train_dir = tempfile.mkdtemp()
    os.makedirs(os.path.join(train_dir, 'best'))

    # train.py
    sess = tf.InteractiveSession()
    training_steps_list = list(map(int, FLAGS.how_many_training_steps.split(',')))
    learning_rates_list = list(map(float, FLAGS.learning_rate.split(',')))
    fingerprint_input = tf.placeholder(tf.float32, [None, fingerprint_size],
                                       name='fingerprint_input')
    logits, dropout_prob = create_dnn_model(fingerprint_input, model_settings,
                                            FLAGS.model_size_info, [0, 0, 0, 0, 0],
                                            is_training=True)
    ground_truth_input = tf.placeholder(tf.float32, [None, label_count],
                                        name='groundtruth_input')
    with tf.name_scope('cross_entropy'):
        cross_entropy_mean = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=ground_truth_input,
                                                    logits=logits))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.name_scope('train'), tf.control_dependencies(update_ops):
        learning_rate_input = tf.placeholder(tf.float32, [], name='learning_rate_input')
        train_op = tf.train.AdamOptimizer(learning_rate_input)
        train_step = train_op.minimize(cross_entropy_mean,
                                       global_step=tf.train.get_or_create_global_step())
    predicted_indices = tf.argmax(logits, 1)
    expected_indices = tf.argmax(ground_truth_input, 1)
    correct_prediction = tf.equal(predicted_indices, expected_indices)
    confusion_matrix = tf.confusion_matrix(expected_indices, predicted_indices,
                                           num_classes=label_count)
    evaluation_step = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    global_step = tf.train.get_or_create_global_step()
    increment_global_step = tf.assign(global_step, global_step + 1)
    saver = tf.train.Saver(tf.global_variables())
    tf.global_variables_initializer().run()
    same_start(sess, tf, seed=7, biases=True)

    best_accuracy = 0
    checkpoint = None
    training_steps_max = np.sum(training_steps_list)
    for training_step in range(1, training_steps_max + 1):
        training_steps_sum = 0
        for i in range(len(training_steps_list)):
            training_steps_sum += training_steps_list[i]
            if training_step <= training_steps_sum:
                learning_rate_value = learning_rates_list[i]
                break
        train_fingerprints, train_ground_truth = audio_processor.get_data(
            FLAGS.batch_size, 0, model_settings, 0.8, 0.1, 0, 'training', sess)
        train_accuracy, cross_entropy_value, _, _ = sess.run(
            [evaluation_step, cross_entropy_mean, train_step, increment_global_step],
            feed_dict={fingerprint_input: train_fingerprints,
                       ground_truth_input: train_ground_truth,
                       learning_rate_input: learning_rate_value,
                       dropout_prob: 1.0})
        is_last_step = (training_step == training_steps_max)
        if (training_step % FLAGS.eval_step_interval) == 0 or is_last_step:
            set_size = audio_processor.set_size('validation')
            total_accuracy = 0
            for i in range(0, set_size, FLAGS.batch_size):
                validation_fingerprints, validation_ground_truth = (
                    audio_processor.get_data(FLAGS.batch_size, i, model_settings, 0.0,
                                             0.0, 0, 'validation', sess))
                validation_accuracy, conf_matrix = sess.run(
                    [evaluation_step, confusion_matrix],
                    feed_dict={fingerprint_input: validation_fingerprints,
                               ground_truth_input: validation_ground_truth,
                               dropout_prob: 1.0})
                batch_size = min(FLAGS.batch_size, set_size - i)
                total_accuracy += (validation_accuracy * batch_size) / set_size
            if total_accuracy > best_accuracy or checkpoint is None:
                best_accuracy = total_accuracy
                checkpoint_path = os.path.join(train_dir, 'best', FLAGS.model_architecture
                                               + '_' + str(int(best_accuracy * 10000))
                                               + '.ckpt')
                checkpoint = saver.save(sess, checkpoint_path, global_step=training_step)

    set_size = audio_processor.set_size('testing')
    test_total = 0
    for i in range(0, set_size, FLAGS.batch_size):
        test_fingerprints, test_ground_truth = audio_processor.get_data(
            FLAGS.batch_size, i, model_settings, 0.0, 0.0, 0, 'testing', sess)
        test_accuracy = sess.run(evaluation_step,
                                 feed_dict={fingerprint_input: test_fingerprints,
                                            ground_truth_input: test_ground_truth,
                                            dropout_prob: 1.0})
        batch_size = min(FLAGS.batch_size, set_size - i)
        test_total += (test_accuracy * batch_size) / set_size
    sess.close()

    # quant_test.py
    results = {}
    with tf.Graph().as_default():
        sess = tf.InteractiveSession()
        fingerprint_input = tf.placeholder(tf.float32, [None, fingerprint_size],
                                           name='fingerprint_input')
        logits = create_dnn_model(fingerprint_input, model_settings, FLAGS.model_size_info,
                                  FLAGS.act_max, is_training=False)
        ground_truth_input = tf.placeholder(tf.float32, [None, label_count],
                                            name='groundtruth_input')
        predicted_indices = tf.argmax(logits, 1)
        expected_indices = tf.argmax(ground_truth_input, 1)
        correct_prediction = tf.equal(predicted_indices, expected_indices)
        confusion_matrix = tf.confusion_matrix(expected_indices, predicted_indices,
                                               num_classes=label_count)
        evaluation_step = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        load_variables_from_checkpoint(sess, checkpoint)

        weight_sum, dec_bits_list = 0.0, []
        for v in tf.trainable_variables():
            var_values = sess.run(v)
            min_value = var_values.min()
            max_value = var_values.max()
            int_bits = int(np.ceil(np.log2(max(abs(min_value), abs(max_value)))))
            dec_bits = 7 - int_bits
            var_values = np.round(var_values * 2 ** dec_bits)
            weight_sum += float(np.abs(var_values).sum())
            dec_bits_list.append(dec_bits)
            var_values = var_values / (2 ** dec_bits)
            var_values = sess.run(tf.assign(v, var_values))

        trace = 0
        for mode in ('training', 'validation', 'testing'):
            set_size = audio_processor.set_size(mode)
            total_accuracy = 0
            total_conf_matrix = None
            for i in range(0, set_size, FLAGS.batch_size):
                fingerprints, ground_truth = audio_processor.get_data(
                    FLAGS.batch_size, i, model_settings, 0.0, 0.0, 0, mode, sess)
                accuracy, conf_matrix = sess.run(
                    [evaluation_step, confusion_matrix],
                    feed_dict={fingerprint_input: fingerprints,
                               ground_truth_input: ground_truth})
                batch_size = min(FLAGS.batch_size, set_size - i)
                total_accuracy += (accuracy * batch_size) / set_size
                if total_conf_matrix is None:
                    total_conf_matrix = conf_matrix
                else:
                    total_conf_matrix += conf_matrix
            results[mode] = float(total_accuracy)
            trace += int(np.trace(total_conf_matrix))
        x, _ = audio_processor.get_data(120, 0, model_settings, 0.0, 0.0, 0, 'testing', sess)
        logit_sum = float(np.abs(sess.run(logits, {fingerprint_input: x})).sum())
        sess.close()
    return {"train_cross_entropy": float(cross_entropy_value),
            "best_val_accuracy": float(best_accuracy), "test_accuracy": float(test_total),
            "quant_train_accuracy": results['training'],
            "quant_val_accuracy": results['validation'],
            "quant_test_accuracy": results['testing'], "quant_confusion_trace": [trace],
            "quant_weight_sum": weight_sum, "dec_bits": dec_bits_list,
            "quant_logit_sum": logit_sum}
