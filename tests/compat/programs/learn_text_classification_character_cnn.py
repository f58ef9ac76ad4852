"""TensorFlow's own ``tensorflow/examples/learn/text_classification_character_cnn.py``
(r1.13-r1.15), after "Character-level Convolutional Networks for Text Classification":
DBpedia descriptions through ``tf.contrib.learn.preprocessing.ByteProcessor(100)`` into
``uint8`` byte rows, reshaped to ``[-1, 100, 1, 1]``; an ``Estimator`` whose
``char_cnn_model`` one-hot encodes the bytes (``tf.one_hot(..., 256)`` of the ``uint8``
ids) and reshapes them to a ``[-1, 100, 256, 1]`` image, then under
``variable_scope('CNN_Layer1')`` a ``tf.layers.conv2d`` of 10 filters of 20 x 256 (VALID,
relu), ``tf.layers.max_pooling2d`` (4, stride 2, SAME) and a ``tf.transpose`` making the
filters the width, under ``CNN_Layer2`` a ``conv2d`` of 20 x 10 and a max over positions
squeezed, ``tf.layers.dense`` logits; ``sparse_softmax_cross_entropy``, Adam (0.01),
``tf.metrics.accuracy``; ``numpy_input_fn`` with the whole training set as one batch,
``train``, ``evaluate``.

Adapted: ``learn.datasets.load_dataset('dbpedia')`` is the small seeded DBpedia-shaped
corpus of ``common.dbpedia`` (24 training and 15 test descriptions), read as lists
instead of through pandas; 3 training steps instead of 100; the training input's
``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue draws from its own random
stream); a model directory of its own; the weights start from the same draw
(``same_start`` in a hook). Under TF 2.x (no ``tf.contrib``) the ``ByteProcessor`` is
:mod:`tf_contrib`'s TF 1.15 stand-in."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import dbpedia, same_start
from tests.compat.programs.tf_contrib import contrib_text

COMPARE = {"accuracy": 1e-6, "loss": 1e-4, "global_step": 0.0, "metric_keys": 0.0,
           "bytes": 0.0}

MAX_DOCUMENT_LENGTH = 100
N_FILTERS = 10
FILTER_SHAPE1 = [20, 256]
FILTER_SHAPE2 = [20, N_FILTERS]
POOLING_WINDOW = 4
POOLING_STRIDE = 2
MAX_LABEL = 15
CHARS_FEATURE = "chars"  # Name of the input character feature.


def main(tf):
    contrib = contrib_text(tf)

    def char_cnn_model(features, labels, mode):
        """Character level convolutional neural network model to predict classes."""
        features_onehot = tf.one_hot(features[CHARS_FEATURE], 256)
        input_layer = tf.reshape(
            features_onehot, [-1, MAX_DOCUMENT_LENGTH, 256, 1])
        with tf.variable_scope("CNN_Layer1"):
            # Apply Convolution filtering on input sequence.
            conv1 = tf.layers.conv2d(
                input_layer,
                filters=N_FILTERS,
                kernel_size=FILTER_SHAPE1,
                padding="VALID",
                # Add a ReLU for non linearity.
                activation=tf.nn.relu)
            # Max pooling across output of Convolution+Relu.
            pool1 = tf.layers.max_pooling2d(
                conv1,
                pool_size=POOLING_WINDOW,
                strides=POOLING_STRIDE,
                padding="SAME")
            # Transpose matrix so that n_filters from convolution becomes width.
            pool1 = tf.transpose(pool1, [0, 1, 3, 2])
        with tf.variable_scope("CNN_Layer2"):
            # Second level of convolution filtering.
            conv2 = tf.layers.conv2d(
                pool1,
                filters=N_FILTERS,
                kernel_size=FILTER_SHAPE2,
                padding="VALID")
            # Max across each filter to get useful features for classification.
            pool2 = tf.squeeze(tf.reduce_max(conv2, 1), axis=[1])

        # Apply regular WX + B and classification.
        logits = tf.layers.dense(pool2, MAX_LABEL, activation=None)

        predicted_classes = tf.argmax(logits, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(
                mode=mode,
                predictions={
                    "class": predicted_classes,
                    "prob": tf.nn.softmax(logits)
                })

        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        if mode == tf.estimator.ModeKeys.TRAIN:
            optimizer = tf.train.AdamOptimizer(learning_rate=0.01)
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
            return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

        eval_metric_ops = {
            "accuracy": tf.metrics.accuracy(
                labels=labels, predictions=predicted_classes)
        }
        return tf.estimator.EstimatorSpec(
            mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)

    # Prepare training and testing data
    data = dbpedia(n_train=24, n_test=15)
    x_train = [row[1] for row in data.train.data]
    y_train = data.train.target
    x_test = [row[1] for row in data.test.data]
    y_test = data.test.target

    # Process vocabulary
    char_processor = contrib.learn.preprocessing.ByteProcessor(MAX_DOCUMENT_LENGTH)
    x_train = np.array(list(char_processor.fit_transform(x_train)))
    x_test = np.array(list(char_processor.transform(x_test)))
    x_train = x_train.reshape([-1, MAX_DOCUMENT_LENGTH, 1, 1])
    x_test = x_test.reshape([-1, MAX_DOCUMENT_LENGTH, 1, 1])

    # Build model
    classifier = tf.estimator.Estimator(model_fn=char_cnn_model,
                                        model_dir=tempfile.mkdtemp())

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    # Train.
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={CHARS_FEATURE: x_train},
        y=y_train,
        batch_size=len(x_train),
        num_epochs=None,
        shuffle=False)
    classifier.train(input_fn=train_input_fn, steps=3, hooks=[SameStart()])

    # Eval.
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={CHARS_FEATURE: x_test},
        y=y_test,
        num_epochs=1,
        shuffle=False)

    scores = classifier.evaluate(input_fn=test_input_fn)
    return {"accuracy": float(scores["accuracy"]), "loss": float(scores["loss"]),
            "global_step": [int(scores["global_step"])], "metric_keys": sorted(scores),
            "bytes": [str(x_train.dtype), int(x_train.sum())]}
