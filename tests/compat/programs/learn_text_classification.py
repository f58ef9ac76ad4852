"""TensorFlow's own ``tensorflow/examples/learn/text_classification.py`` (r1.13-r1.15):
DBpedia descriptions through ``tf.contrib.learn.preprocessing.VocabularyProcessor(10)``
into word-id rows, then an ``Estimator`` with either model the program's ``--bow_model``
flag picks, both run here: ``rnn_model`` (``tf.contrib.layers.embed_sequence`` into 50-d
vectors, ``tf.unstack`` over time, a ``tf.nn.rnn_cell.GRUCell(50)`` through
``tf.nn.static_rnn``, the final state into ``tf.layers.dense`` logits) and
``bag_of_words_model`` (the ids shifted down by one so that padding is -1, the "missing"
id of ``tf.feature_column.categorical_column_with_identity``, an ``embedding_column``'s
mean of 50-d vectors through ``tf.feature_column.input_layer``, dense logits);
``estimator_spec_for_softmax_classification``: ``sparse_softmax_cross_entropy``, Adam
(0.01), ``tf.metrics.accuracy``. ``numpy_input_fn`` with the whole training set as one
batch, ``train``, ``predict``, ``evaluate``.

Adapted: ``learn.datasets.load_dataset('dbpedia')`` is the small seeded DBpedia-shaped
corpus of ``common.dbpedia`` (60 training and 30 test descriptions, 15 classes), read as
lists instead of through pandas; 15 training steps instead of 100; the training input's
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

COMPARE = {"n_words": 0.0, "rnn_accuracy": 1e-6, "rnn_loss": 1e-4, "rnn_sklearn": 1e-6,
           "rnn_prob_sum": 1e-4, "bow_accuracy": 1e-6, "bow_loss": 1e-4,
           "bow_sklearn": 1e-6, "bow_prob_sum": 1e-4, "global_step": 0.0,
           "metric_keys": 0.0}

MAX_DOCUMENT_LENGTH = 10
EMBEDDING_SIZE = 50
MAX_LABEL = 15
WORDS_FEATURE = "words"  # Name of the input words feature.


def main(tf):
    contrib = contrib_text(tf)
    n_words = 0

    def estimator_spec_for_softmax_classification(logits, labels, mode):
        """Returns EstimatorSpec instance for softmax classification."""
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

    def bag_of_words_model(features, labels, mode):
        """A bag-of-words model. Note it disregards the word order in the text."""
        bow_column = tf.feature_column.categorical_column_with_identity(
            WORDS_FEATURE, num_buckets=n_words)
        bow_embedding_column = tf.feature_column.embedding_column(
            bow_column, dimension=EMBEDDING_SIZE)
        bow = tf.feature_column.input_layer(
            features, feature_columns=[bow_embedding_column])
        logits = tf.layers.dense(bow, MAX_LABEL, activation=None)

        return estimator_spec_for_softmax_classification(
            logits=logits, labels=labels, mode=mode)

    def rnn_model(features, labels, mode):
        """RNN model to predict from sequence of words to a class."""
        # Convert indexes of words into embeddings.
        # This creates embeddings matrix of [n_words, EMBEDDING_SIZE] and then
        # maps word indexes of the sequence into [batch_size, sequence_length,
        # EMBEDDING_SIZE].
        word_vectors = contrib.layers.embed_sequence(
            features[WORDS_FEATURE], vocab_size=n_words, embed_dim=EMBEDDING_SIZE)

        # Split into list of embedding per word, while removing doc length dim.
        # word_list results to be a list of tensors [batch_size, EMBEDDING_SIZE].
        word_list = tf.unstack(word_vectors, axis=1)

        # Create a Gated Recurrent Unit cell with hidden size of EMBEDDING_SIZE.
        cell = tf.nn.rnn_cell.GRUCell(EMBEDDING_SIZE)

        # Create an unrolled Recurrent Neural Networks to length of
        # MAX_DOCUMENT_LENGTH and passes word_list as inputs for each unit.
        _, encoding = tf.nn.static_rnn(cell, word_list, dtype=tf.float32)

        # Given encoding of RNN, take encoding of last step (e.g hidden size of the
        # neural network of last step) and pass it as features for softmax
        # classification over output classes.
        logits = tf.layers.dense(encoding, MAX_LABEL, activation=None)
        return estimator_spec_for_softmax_classification(
            logits=logits, labels=labels, mode=mode)

    # Prepare training and testing data
    data = dbpedia()
    x_train = [row[1] for row in data.train.data]
    y_train = data.train.target
    x_test = [row[1] for row in data.test.data]
    y_test = data.test.target

    # Process vocabulary
    vocab_processor = contrib.learn.preprocessing.VocabularyProcessor(
        MAX_DOCUMENT_LENGTH)

    x_transform_train = vocab_processor.fit_transform(x_train)
    x_transform_test = vocab_processor.transform(x_test)

    x_train = np.array(list(x_transform_train))
    x_test = np.array(list(x_transform_test))

    n_words = len(vocab_processor.vocabulary_)
    result = {"n_words": [n_words]}

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    for bow_model in (False, True):
        # Build model
        # Switch between rnn_model and bag_of_words_model to test different models.
        model_fn = rnn_model
        if bow_model:
            # Subtract 1 because VocabularyProcessor outputs a word-id matrix where word
            # ids start from 1 and 0 means 'no word'. But
            # categorical_column_with_identity assumes 0-based count and uses -1 for
            # missing word.
            x_train -= 1
            x_test -= 1
            model_fn = bag_of_words_model
        classifier = tf.estimator.Estimator(model_fn=model_fn,
                                            model_dir=tempfile.mkdtemp())

        # Train.
        train_input_fn = tf.estimator.inputs.numpy_input_fn(
            x={WORDS_FEATURE: x_train},
            y=y_train,
            batch_size=len(x_train),
            num_epochs=None,
            shuffle=False)
        classifier.train(input_fn=train_input_fn, steps=15, hooks=[SameStart()])

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
        key = "bow" if bow_model else "rnn"
        result.update({f"{key}_accuracy": float(scores["accuracy"]),
                       f"{key}_loss": float(scores["loss"]), f"{key}_sklearn": score,
                       f"{key}_prob_sum": float(sum(p["prob"].max() for p in predictions))})
    result.update(global_step=[int(scores["global_step"])], metric_keys=sorted(scores))
    return result
