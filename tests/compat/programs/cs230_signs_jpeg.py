"""The CS230 (Stanford) SIGNS hand-sign classifier, from cs230-stanford/cs230-code-examples
``tensorflow/vision``: ``model/input_fn.py`` (``tf.data`` from a list of JPEG file names:
``tf.read_file``, ``tf.image.decode_jpeg(channels=3)``, ``convert_image_dtype``,
``resize_images`` to 64x64, ``batch``, ``prefetch``, ``make_initializable_iterator``),
``model/model_fn.py`` (four conv-batchnorm-relu-maxpool blocks under ``variable_scope``s,
two dense layers, ``tf.losses.sparse_softmax_cross_entropy``, Adam under the UPDATE_OPS
control dependency, ``tf.metrics.accuracy``/``mean`` reset through their local variables,
the summaries with ``boolean_mask``-ed misclassified images), ``model/training.py``'s
``train_sess``/``train_and_evaluate`` epoch loop and ``model/evaluation.py``'s
``evaluate_sess``; hyperparameters from ``experiments/base_model/params.json``.

Adapted: the SIGNS download is replaced by generated 72x72 JPEG files (six classes of
coloured stripes plus noise, written with ``common.write_jpeg``) in a temp dir, named
``{label}_IMG_{id}.jpg`` as ``build_dataset.py`` names them; the training pipeline leaves
out ``shuffle`` and ``train_preprocess``'s random flip/brightness/saturation (TF's
stateful random stream is not reproduced), so it maps ``_parse_function`` like the
evaluation pipeline; ``num_channels`` 8, batch 16, 2 epochs over 48 training and 24
evaluation images; no checkpoints, summary files or tqdm; same starting weights. The
losses are compared to 1e-3 (eval 5e-3): Adam's first steps with batch norm amplify
float rounding, and the evaluation's batch norm reads moving averages six updates old."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start, write_jpeg

COMPARE = {"train_loss": 1e-3, "train_accuracy": 1e-6, "eval_loss": 5e-3,
           "eval_accuracy": 1e-6, "global_step": 0.0, "pixel_sum": 1e-6}


class Params:
    learning_rate = 1e-3
    batch_size = 16
    num_epochs = 2
    num_channels = 8
    use_batch_norm = True
    bn_momentum = 0.9
    image_size = 64
    use_random_flip = True
    num_labels = 6
    num_parallel_calls = 4
    save_summary_steps = 1
    train_size = 48
    eval_size = 24


def _write_signs(directory, count, start, rng):
    """``count`` images, label ``i % 6``: ``label + 1`` vertical stripes on noise."""
    names, labels = [], []
    for i in range(count):
        label = i % 6
        img = rng.randint(0, 60, (72, 72, 3)).astype(np.int32)
        width = 72 // (2 * (label + 1))
        for s in range(label + 1):
            x0 = 2 * s * width + width // 2
            img[:, x0:x0 + width, label % 3] += 150
            img[10:60, x0:x0 + width, (label + 1) % 3] += 40
        path = os.path.join(directory, f"{label}_IMG_{start + i}.jpg")
        write_jpeg(path, np.clip(img, 0, 255).astype(np.uint8))
        names.append(path)
        labels.append(label)
    return names, labels


def main(tf):
    params = Params()
    rng = np.random.RandomState(5)
    data_dir = tempfile.mkdtemp()
    train_filenames, train_labels = _write_signs(data_dir, params.train_size, 0, rng)
    eval_filenames, eval_labels = _write_signs(data_dir, params.eval_size, 1000, rng)

    # model/input_fn.py
    def _parse_function(filename, label, size):
        image_string = tf.read_file(filename)
        # Don't use tf.image.decode_image, or the output shape will be undefined
        image_decoded = tf.image.decode_jpeg(image_string, channels=3)
        # This will convert to float values in [0, 1]
        image = tf.image.convert_image_dtype(image_decoded, tf.float32)
        resized_image = tf.image.resize_images(image, [size, size])
        return resized_image, label

    def input_fn(is_training, filenames, labels, params):
        assert len(filenames) == len(labels), "Filenames and labels should have same length"
        parse_fn = lambda f, l: _parse_function(f, l, params.image_size)  # noqa: E731, E741
        if is_training:  # .shuffle(num_samples) and .map(train_fn) left out (docstring)
            dataset = (tf.data.Dataset.from_tensor_slices((tf.constant(filenames),
                                                           tf.constant(labels)))
                       .map(parse_fn, num_parallel_calls=params.num_parallel_calls)
                       .batch(params.batch_size)
                       .prefetch(1))
        else:
            dataset = (tf.data.Dataset.from_tensor_slices((tf.constant(filenames),
                                                           tf.constant(labels)))
                       .map(parse_fn)
                       .batch(params.batch_size)
                       .prefetch(1))
        iterator = dataset.make_initializable_iterator()
        images, labels = iterator.get_next()
        iterator_init_op = iterator.initializer
        return {'images': images, 'labels': labels, 'iterator_init_op': iterator_init_op}

    # model/model_fn.py
    def build_model(is_training, inputs, params):
        images = inputs['images']
        assert images.get_shape().as_list() == [None, params.image_size, params.image_size, 3]
        out = images
        num_channels = params.num_channels
        bn_momentum = params.bn_momentum
        channels = [num_channels, num_channels * 2, num_channels * 4, num_channels * 8]
        for i, c in enumerate(channels):
            with tf.variable_scope(f'block_{i + 1}'):
                out = tf.layers.conv2d(out, c, 3, padding='same')
                if params.use_batch_norm:
                    out = tf.layers.batch_normalization(out, momentum=bn_momentum,
                                                        training=is_training)
                out = tf.nn.relu(out)
                out = tf.layers.max_pooling2d(out, 2, 2)
        assert out.get_shape().as_list() == [None, 4, 4, num_channels * 8]
        out = tf.reshape(out, [-1, 4 * 4 * num_channels * 8])
        with tf.variable_scope('fc_1'):
            out = tf.layers.dense(out, num_channels * 8)
            if params.use_batch_norm:
                out = tf.layers.batch_normalization(out, momentum=bn_momentum,
                                                    training=is_training)
            out = tf.nn.relu(out)
        with tf.variable_scope('fc_2'):
            logits = tf.layers.dense(out, params.num_labels)
        return logits

    def model_fn(mode, inputs, params, reuse=False):
        is_training = (mode == 'train')
        model_spec = inputs
        with tf.variable_scope('model', reuse=reuse):
            logits = build_model(is_training, inputs, params)
            predictions = tf.argmax(logits, 1)
            model_spec["predictions"] = predictions
        labels = inputs['labels']
        labels = tf.cast(labels, tf.int64)
        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(labels, predictions), tf.float32))
        if is_training:
            optimizer = tf.train.AdamOptimizer(params.learning_rate)
            global_step = tf.train.get_or_create_global_step()
            if params.use_batch_norm:
                with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                    train_op = optimizer.minimize(loss, global_step=global_step)
            else:
                train_op = optimizer.minimize(loss, global_step=global_step)
        with tf.variable_scope("metrics"):
            metrics = {
                'accuracy': tf.metrics.accuracy(labels=labels,
                                                predictions=tf.argmax(logits, 1)),
                'loss': tf.metrics.mean(loss)
            }
        update_metrics_op = tf.group(*[op for _, op in metrics.values()])
        metric_variables = tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES, scope="metrics")
        metrics_init_op = tf.variables_initializer(metric_variables)
        tf.summary.scalar('loss', loss)
        tf.summary.scalar('accuracy', accuracy)
        tf.summary.image('train_image', inputs['images'])
        mask = tf.not_equal(labels, predictions)
        for label in range(0, params.num_labels):
            mask_label = tf.logical_and(mask, tf.equal(predictions, label))
            incorrect_image_label = tf.boolean_mask(inputs['images'], mask_label)
            tf.summary.image(f'incorrectly_labeled_{label}', incorrect_image_label)
        model_spec['loss'] = loss
        model_spec['accuracy'] = accuracy
        model_spec['metrics_init_op'] = metrics_init_op
        model_spec['metrics'] = metrics
        model_spec['update_metrics'] = update_metrics_op
        model_spec['summary_op'] = tf.summary.merge_all()
        model_spec['variable_init_op'] = tf.global_variables_initializer()
        if is_training:
            model_spec['train_op'] = train_op
        return model_spec

    # model/training.py and model/evaluation.py
    def train_sess(sess, model_spec, num_steps, params):
        loss = model_spec['loss']
        train_op = model_spec['train_op']
        update_metrics = model_spec['update_metrics']
        metrics = model_spec['metrics']
        summary_op = model_spec['summary_op']
        global_step = tf.train.get_global_step()
        sess.run(model_spec['iterator_init_op'])
        sess.run(model_spec['metrics_init_op'])
        for i in range(num_steps):
            if i % params.save_summary_steps == 0:
                _, _, loss_val, summ, global_step_val = sess.run(
                    [train_op, update_metrics, loss, summary_op, global_step])
            else:
                _, _, loss_val = sess.run([train_op, update_metrics, loss])
        metrics_values = {k: v[0] for k, v in metrics.items()}
        return sess.run(metrics_values)

    def evaluate_sess(sess, model_spec, num_steps):
        update_metrics = model_spec['update_metrics']
        eval_metrics = model_spec['metrics']
        sess.run(model_spec['iterator_init_op'])
        sess.run(model_spec['metrics_init_op'])
        for _ in range(num_steps):
            sess.run(update_metrics)
        metrics_values = {k: v[0] for k, v in eval_metrics.items()}
        return sess.run(metrics_values)

    # train.py
    train_inputs = input_fn(True, train_filenames, train_labels, params)
    eval_inputs = input_fn(False, eval_filenames, eval_labels, params)
    train_model_spec = model_fn('train', train_inputs, params)
    eval_model_spec = model_fn('eval', eval_inputs, params, reuse=True)

    with tf.Session() as sess:
        sess.run(train_model_spec['variable_init_op'])
        same_start(sess, tf, seed=2)
        for _epoch in range(params.num_epochs):
            num_steps = (params.train_size + 1) // params.batch_size
            train_metrics = train_sess(sess, train_model_spec, num_steps, params)
            num_steps = (params.eval_size + 1) // params.batch_size
            eval_metrics = evaluate_sess(sess, eval_model_spec, num_steps)
        step = sess.run(tf.train.get_global_step())
        sess.run(eval_inputs['iterator_init_op'])
        pixels = sess.run(eval_inputs['images'])
    return {"train_loss": float(train_metrics['loss']),
            "train_accuracy": float(train_metrics['accuracy']),
            "eval_loss": float(eval_metrics['loss']),
            "eval_accuracy": float(eval_metrics['accuracy']),
            "global_step": [int(step)], "pixel_sum": float(np.sum(pixels, dtype=np.float64))}
