"""TensorFlow's own ``tensorflow/examples/learn/text_classification_cnn.py``
(r1.13-r1.15): DBpedia descriptions through
``tf.contrib.learn.preprocessing.VocabularyProcessor(100)`` into word-id rows; an
``Estimator`` whose ``cnn_model`` embeds them with ``tf.contrib.layers.embed_sequence``
(20-d), ``tf.expand_dims`` to one channel, then under ``variable_scope('CNN_Layer1')`` a
``tf.layers.conv2d`` of 10 filters of 20 words x 20 dims (VALID, relu), a
``tf.layers.max_pooling2d`` (4, stride 2, SAME) and a ``tf.transpose`` that makes the
filters the width, under ``CNN_Layer2`` another ``conv2d`` of 20 x 10 and a max over
time squeezed, ``tf.layers.dense`` logits; ``sparse_softmax_cross_entropy``, Adam
(0.01), ``tf.metrics.accuracy``. ``numpy_input_fn`` with the whole training set as one
batch, ``train``, ``predict``, ``evaluate``.

Adapted: ``learn.datasets.load_dataset('dbpedia')`` is the small seeded DBpedia-shaped
corpus of ``common.dbpedia`` (60 training and 30 test descriptions), read as lists
instead of through pandas; 10 training steps instead of 100; the training input's
``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue draws from its own random
stream); a model directory of its own; the weights start from the same draw
(``same_start`` in a hook); ``sklearn.metrics.accuracy_score`` is its one comparison.
Under TF 2.x (no ``tf.contrib``) ``embed_sequence`` and the ``VocabularyProcessor`` are
:mod:`tf_contrib`'s TF 1.15 stand-ins."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import dbpedia, same_start
from tests.compat.programs.tf_contrib import contrib_text

COMPARE = {"n_words": 0.0, "accuracy": 1e-6, "loss": 1e-4, "sklearn_accuracy": 1e-6,
           "prob_sum": 1e-4, "global_step": 0.0, "metric_keys": 0.0, "variables": 0.0}

MAX_DOCUMENT_LENGTH = 100
EMBEDDING_SIZE = 20
N_FILTERS = 10
WINDOW_SIZE = 20
FILTER_SHAPE1 = [WINDOW_SIZE, EMBEDDING_SIZE]
FILTER_SHAPE2 = [WINDOW_SIZE, N_FILTERS]
POOLING_WINDOW = 4
POOLING_STRIDE = 2
MAX_LABEL = 15
WORDS_FEATURE = "words"  # Name of the input words feature.


def main(tf):
    contrib = contrib_text(tf)
    n_words = 0

    def cnn_model(features, labels, mode):
        """2 layer ConvNet to predict from sequence of words to a class."""
        # Convert indexes of words into embeddings.
        # This creates embeddings matrix of [n_words, EMBEDDING_SIZE] and then
        # maps word indexes of the sequence into [batch_size, sequence_length,
        # EMBEDDING_SIZE].
        word_vectors = contrib.layers.embed_sequence(
            features[WORDS_FEATURE], vocab_size=n_words, embed_dim=EMBEDDING_SIZE)
        word_vectors = tf.expand_dims(word_vectors, 3)
        with tf.variable_scope("CNN_Layer1"):
            # Apply Convolution filtering on input sequence.
            conv1 = tf.layers.conv2d(
                word_vectors,
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
    data = dbpedia()
    x_train = [row[1] for row in data.train.data]
    y_train = data.train.target
    x_test = [row[1] for row in data.test.data]
    y_test = data.test.target

    # Process vocabulary
    vocab_processor = contrib.learn.preprocessing.VocabularyProcessor(
        MAX_DOCUMENT_LENGTH)
    x_train = np.array(list(vocab_processor.fit_transform(x_train)))
    x_test = np.array(list(vocab_processor.transform(x_test)))
    n_words = len(vocab_processor.vocabulary_)

    # Build model
    classifier = tf.estimator.Estimator(model_fn=cnn_model, model_dir=tempfile.mkdtemp())

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    # Train.
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={WORDS_FEATURE: x_train},
        y=y_train,
        batch_size=len(x_train),
        num_epochs=None,
        shuffle=False)
    classifier.train(input_fn=train_input_fn, steps=10, hooks=[SameStart()])

    # Predict.
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={WORDS_FEATURE: x_test}, y=y_test, num_epochs=1, shuffle=False)
    predictions = list(classifier.predict(input_fn=test_input_fn))
    y_predicted = np.array(list(p["class"] for p in predictions))
    y_predicted = y_predicted.reshape(np.array(y_test).shape)

    # Score with sklearn.
    score = float(np.mean(y_test == y_predicted))

    # Score with tensorflow.
    scores = classifier.evaluate(input_fn=test_input_fn)
    return {"n_words": [n_words], "accuracy": float(scores["accuracy"]),
            "loss": float(scores["loss"]), "sklearn_accuracy": score,
            "prob_sum": float(sum(p["prob"].max() for p in predictions)),
            "global_step": [int(scores["global_step"])], "metric_keys": sorted(scores),
            "variables": sorted(n for n in classifier.get_variable_names()
                                if "Adam" not in n)}
