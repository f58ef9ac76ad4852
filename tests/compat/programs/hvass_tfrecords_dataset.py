"""TFRecords and the Dataset API: Hvass-Labs' TensorFlow-Tutorials,
``18_TFRecords_Dataset_API.ipynb`` as written for TF 1.4 (commit fb1f303, before the
repository's TF 2 rewrite). ``convert`` writes each image as a ``tf.train.Example``
(``wrap_bytes`` of the raw uint8 pixels from ``tostring()``, ``wrap_int64`` of the
class) with ``tf.python_io.TFRecordWriter``; ``input_fn`` reads them back with
``tf.data.TFRecordDataset``, ``map(parse)`` (``parse_single_example`` with
``FixedLenFeature([], tf.string)`` / ``tf.int64``, ``decode_raw(..., tf.uint8)``,
``cast`` to float32), ``repeat``, ``batch(32)`` and ``make_one_shot_iterator``; then a
premade ``DNNClassifier`` (512, 256, 128 ReLU units over a ``numeric_column("image",
shape=img_shape)``) and a custom ``Estimator`` (two 3x3 conv layers of 32 filters with
max-pooling, 128 and 3 dense units, Adam on ``get_global_step()``,
``tf.metrics.accuracy``) are each trained on the training records, evaluated on the
test records, and asked to predict nine images from a ``numpy_input_fn`` and every
test record (the notebook's class counts ``np.sum(cls_pred == k)``).

Adapted: the knifey-spoony download (200x200 RGB JPEGs of three classes read with
matplotlib's ``imread``) is 60 training and 30 test generated 32x32 RGB uint8 images of
three classes (a seeded draw: class-specific strokes on a noisy background); the
training ``shuffle(buffer_size=2048)`` is left out (its order is backend-specific);
``tf.contrib.layers.flatten`` is ``tf.layers.flatten``; the record files and model
directories are temporary; the weights start from the same draw on both backends
(``common.same_start`` in a hook); 200 training steps cut to 3 for the premade
classifier (the notebook feeds it raw 0-255 pixels and its summed loss with Adagrad at
0.05 is chaotic from the first steps) and 8 for the custom model; progress printing and
plots left out. TF's numbers come from TF 2.15 (``tf.estimator`` left TF in 2.16)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"dnn_accuracy": 1e-5, "dnn_loss": 1e-4, "dnn_cls_pred": 0.0,
           "dnn_count_2": 0.0, "cnn_accuracy": 1e-5, "cnn_loss": 1e-4,
           "cnn_global_step": 0.0, "cnn_cls_pred": 0.0, "cnn_counts": 0.0,
           "record_count": 0.0}

img_size, num_channels, num_classes = 32, 3, 3
img_shape = (img_size, img_size, num_channels)


def knifey_like(n: int, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uint8 ``img_shape`` images and their classes: 0 a vertical stroke (knife),
    1 a stroke with a disc on top (spoon), 2 a stroke with three prongs (fork)."""
    cls = rng.randint(0, num_classes, n)
    images = rng.randint(0, 90, (n,) + img_shape)
    yy, xx = np.mgrid[:img_size, :img_size]
    for i, c in enumerate(cls):
        col = rng.randint(10, 22)
        images[i, 12:30, col - 1:col + 2] = 220
        if c == 1:
            images[i][(yy - 7) ** 2 + (xx - col) ** 2 <= 16] = 230
        elif c == 2:
            for dx in (-4, 0, 4):
                images[i, 2:12, col + dx] = 240
    return images.astype(np.uint8), cls.astype(np.int64)


def main(tf):
    rng = np.random.RandomState(18)
    images_train, cls_train = knifey_like(60, rng)
    images_test, cls_test = knifey_like(30, rng)
    data_dir = tempfile.mkdtemp()
    path_tfrecords_train = os.path.join(data_dir, "train.tfrecords")
    path_tfrecords_test = os.path.join(data_dir, "test.tfrecords")

    def wrap_int64(value):
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))

    def wrap_bytes(value):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))

    record_count = []

    def convert(images, labels, out_path):
        with tf.python_io.TFRecordWriter(out_path) as writer:
            for i, (img, label) in enumerate(zip(images, labels)):  # noqa: B007 - i counts them
                img_bytes = img.tobytes()
                data = \
                    {
                        'image': wrap_bytes(img_bytes),
                        'label': wrap_int64(label)
                    }
                feature = tf.train.Features(feature=data)
                example = tf.train.Example(features=feature)
                serialized = example.SerializeToString()
                writer.write(serialized)
        record_count.append(i + 1)

    convert(images=images_train, labels=cls_train, out_path=path_tfrecords_train)
    convert(images=images_test, labels=cls_test, out_path=path_tfrecords_test)

    def parse(serialized):
        features = \
            {
                'image': tf.FixedLenFeature([], tf.string),
                'label': tf.FixedLenFeature([], tf.int64)
            }
        parsed_example = tf.parse_single_example(serialized=serialized,
                                                 features=features)
        image_raw = parsed_example['image']
        image = tf.decode_raw(image_raw, tf.uint8)
        image = tf.cast(image, tf.float32)
        label = parsed_example['label']
        return image, label

    def input_fn(filenames, train, batch_size=32, buffer_size=2048):
        dataset = tf.data.TFRecordDataset(filenames=filenames)
        dataset = dataset.map(parse)
        if train:
            num_repeat = None
        else:
            num_repeat = 1
        dataset = dataset.repeat(num_repeat)
        dataset = dataset.batch(batch_size)
        iterator = dataset.make_one_shot_iterator()
        images_batch, labels_batch = iterator.get_next()
        x = {'image': images_batch}
        y = labels_batch
        return x, y

    def train_input_fn():
        return input_fn(filenames=path_tfrecords_train, train=True)

    def test_input_fn():
        return input_fn(filenames=path_tfrecords_test, train=False)

    some_images = images_test[0:9]
    predict_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"image": some_images.astype(np.float32)},
        num_epochs=1,
        shuffle=False)

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf, seed=18)

    feature_image = tf.feature_column.numeric_column("image",
                                                     shape=img_shape)
    feature_columns = [feature_image]
    num_hidden_units = [512, 256, 128]
    model = tf.estimator.DNNClassifier(feature_columns=feature_columns,
                                       hidden_units=num_hidden_units,
                                       activation_fn=tf.nn.relu,
                                       n_classes=num_classes,
                                       model_dir=tempfile.mkdtemp())
    model.train(input_fn=train_input_fn, steps=3, hooks=[SameStart()])
    dnn_result = model.evaluate(input_fn=test_input_fn)
    predictions = model.predict(input_fn=predict_input_fn)
    cls = [p['classes'] for p in predictions]
    dnn_cls_pred = np.array(cls, dtype='int').squeeze()
    predictions = model.predict(input_fn=test_input_fn)
    cls = [p['classes'] for p in predictions]
    cls_pred = np.array(cls, dtype='int').squeeze()
    dnn_count_2 = np.sum(cls_pred == 2)

    def model_fn(features, labels, mode, params):
        x = features["image"]
        net = tf.reshape(x, [-1, img_size, img_size, num_channels])
        net = tf.layers.conv2d(inputs=net, name='layer_conv1',
                               filters=32, kernel_size=3,
                               padding='same', activation=tf.nn.relu)
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.conv2d(inputs=net, name='layer_conv2',
                               filters=32, kernel_size=3,
                               padding='same', activation=tf.nn.relu)
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.flatten(net)
        net = tf.layers.dense(inputs=net, name='layer_fc1',
                              units=128, activation=tf.nn.relu)
        net = tf.layers.dense(inputs=net, name='layer_fc_2',
                              units=num_classes)
        logits = net
        y_pred = tf.nn.softmax(logits=logits)
        y_pred_cls = tf.argmax(y_pred, axis=1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            spec = tf.estimator.EstimatorSpec(mode=mode,
                                              predictions=y_pred_cls)
        else:
            cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                           logits=logits)
            loss = tf.reduce_mean(cross_entropy)
            optimizer = tf.train.AdamOptimizer(learning_rate=params["learning_rate"])
            train_op = optimizer.minimize(
                loss=loss, global_step=tf.train.get_global_step())
            metrics = \
                {
                    "accuracy": tf.metrics.accuracy(labels, y_pred_cls)
                }
            spec = tf.estimator.EstimatorSpec(
                mode=mode,
                loss=loss,
                train_op=train_op,
                eval_metric_ops=metrics)
        return spec

    params = {"learning_rate": 1e-4}
    model = tf.estimator.Estimator(model_fn=model_fn,
                                   params=params,
                                   model_dir=tempfile.mkdtemp())
    model.train(input_fn=train_input_fn, steps=8, hooks=[SameStart()])
    cnn_result = model.evaluate(input_fn=test_input_fn)
    predictions = model.predict(input_fn=predict_input_fn)
    cnn_cls_pred = np.array(list(predictions))
    predictions = model.predict(input_fn=test_input_fn)
    cls_pred = np.array(list(predictions))
    return {"dnn_accuracy": float(dnn_result["accuracy"]),
            "dnn_loss": float(dnn_result["loss"]),
            "dnn_cls_pred": [int(c) for c in dnn_cls_pred],
            "dnn_count_2": [int(dnn_count_2)],
            "cnn_accuracy": float(cnn_result["accuracy"]),
            "cnn_loss": float(cnn_result["loss"]),
            "cnn_global_step": [int(cnn_result["global_step"])],
            "cnn_cls_pred": [int(c) for c in cnn_cls_pred],
            "cnn_counts": [int(np.sum(cls_pred == k)) for k in range(num_classes)],
            "record_count": record_count}
