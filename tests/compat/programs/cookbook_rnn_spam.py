"""An RNN for SMS spam: nfmcclure's tensorflow_cookbook, ``09_Recurrent_Neural_Networks/
02_Implementing_RNN_for_Spam_Prediction/02_implementing_rnn.py``. Texts cleaned by a
regular expression, mapped to 25 word ids by ``tf.contrib.learn.preprocessing.
VocabularyProcessor`` (words seen 10 times or fewer dropped), an embedding lookup, a
``BasicRNNCell`` of 10 units run by ``tf.nn.dynamic_rnn``, ``tf.nn.dropout`` with a fed
keep probability, the last time step taken by ``tf.gather`` of the time-major transpose at
``int(output.get_shape()[0]) - 1``, a softmax layer, RMSProp, and per-epoch reshuffled
batches of 250 with the last partial batch kept.

Adapted: the SMS Spam Collection download (UCI's zip, cached as ``temp/text_data.txt``) is
replaced by the 500 generated messages of :func:`common.sms_spam_lines`; ``np.random`` is
seeded (the recipe seeds nothing); under TF 2.x (no ``tf.contrib``) the
``VocabularyProcessor`` and ``contrib.rnn`` come from :mod:`tf_contrib`'s TF 1.15
stand-ins, and trainkit (whose ``__version__`` is 0.x) takes the recipe's
``tf.nn.rnn_cell.BasicRNNCell`` branch; the training feed's keep probability is 1.0
instead of 0.5 (dropout masks are backend-specific random draws); the embedding's
``random_uniform`` and the output layer's ``truncated_normal`` starts, and the cell's
kernel, are replaced by :func:`common.same_start`'s Glorot-uniform NumPy draws so both
backends start alike; the prints and the matplotlib plots are left out."""

from __future__ import annotations

import re

import numpy as np

from tests.compat.programs.common import same_start, sms_spam_lines
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"vocab_size": 0.0, "train_test_sizes": 0.0, "first_test_loss": 1e-5,
           "last_test_loss": 1e-4, "last_train_loss": 1e-4, "test_accuracy": 1e-6,
           "processed_head": 0.0}


def main(tf):
    np.random.seed(17)
    sess = tf.Session()
    epochs = 20
    batch_size = 250
    max_sequence_length = 25
    rnn_size = 10
    embedding_size = 50
    min_word_frequency = 10
    learning_rate = 0.0005
    dropout_keep_prob = tf.placeholder(tf.float32)

    text_data = sms_spam_lines(np.random.RandomState(5))
    text_data = [x.split('\t') for x in text_data if len(x) >= 1]
    [text_data_target, text_data_train] = [list(x) for x in zip(*text_data)]

    def clean_text(text_string):
        text_string = re.sub(r'([^\s\w]|_|[0-9])+', '', text_string)
        text_string = " ".join(text_string.split())
        text_string = text_string.lower()
        return text_string

    text_data_train = [clean_text(x) for x in text_data_train]
    learn = tf.contrib.learn if hasattr(tf, "contrib") else contrib(tf).learn
    vocab_processor = learn.preprocessing.VocabularyProcessor(max_sequence_length,
                                                              min_frequency=min_word_frequency)
    text_processed = np.array(list(vocab_processor.fit_transform(text_data_train)))
    text_processed = np.array(text_processed)
    text_data_target = np.array([1 if x == 'ham' else 0 for x in text_data_target])
    shuffled_ix = np.random.permutation(np.arange(len(text_data_target)))
    x_shuffled = text_processed[shuffled_ix]
    y_shuffled = text_data_target[shuffled_ix]
    ix_cutoff = int(len(y_shuffled) * 0.80)
    x_train, x_test = x_shuffled[:ix_cutoff], x_shuffled[ix_cutoff:]
    y_train, y_test = y_shuffled[:ix_cutoff], y_shuffled[ix_cutoff:]
    vocab_size = len(vocab_processor.vocabulary_)

    x_data = tf.placeholder(tf.int32, [None, max_sequence_length])
    y_output = tf.placeholder(tf.int32, [None])
    embedding_mat = tf.Variable(tf.random_uniform([vocab_size, embedding_size], -1.0, 1.0))
    embedding_output = tf.nn.embedding_lookup(embedding_mat, x_data)
    if tf.__version__[0] >= '1':
        cell = contrib(tf).rnn.BasicRNNCell(num_units=rnn_size)
    else:
        cell = tf.nn.rnn_cell.BasicRNNCell(num_units=rnn_size)
    output, state = tf.nn.dynamic_rnn(cell, embedding_output, dtype=tf.float32)
    output = tf.nn.dropout(output, dropout_keep_prob)
    output = tf.transpose(output, [1, 0, 2])
    last = tf.gather(output, int(output.get_shape()[0]) - 1)
    weight = tf.Variable(tf.truncated_normal([rnn_size, 2], stddev=0.1))
    bias = tf.Variable(tf.constant(0.1, shape=[2]))
    logits_out = tf.matmul(last, weight) + bias
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits_out, labels=y_output)
    loss = tf.reduce_mean(losses)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits_out, 1),
                                               tf.cast(y_output, tf.int64)), tf.float32))
    optimizer = tf.train.RMSPropOptimizer(learning_rate)
    train_step = optimizer.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=3)

    train_loss = []
    test_loss = []
    train_accuracy = []
    test_accuracy = []
    for _ in range(epochs):
        shuffled_ix = np.random.permutation(np.arange(len(x_train)))
        x_train = x_train[shuffled_ix]
        y_train = y_train[shuffled_ix]
        num_batches = int(len(x_train) / batch_size) + 1
        for i in range(num_batches):
            min_ix = i * batch_size
            max_ix = np.min([len(x_train), ((i + 1) * batch_size)])
            x_train_batch = x_train[min_ix:max_ix]
            y_train_batch = y_train[min_ix:max_ix]
            train_dict = {x_data: x_train_batch, y_output: y_train_batch,
                          dropout_keep_prob: 1.0}
            sess.run(train_step, feed_dict=train_dict)
        temp_train_loss, temp_train_acc = sess.run([loss, accuracy], feed_dict=train_dict)
        train_loss.append(temp_train_loss)
        train_accuracy.append(temp_train_acc)
        test_dict = {x_data: x_test, y_output: y_test, dropout_keep_prob: 1.0}
        temp_test_loss, temp_test_acc = sess.run([loss, accuracy], feed_dict=test_dict)
        test_loss.append(temp_test_loss)
        test_accuracy.append(temp_test_acc)
    sess.close()
    return {"vocab_size": [vocab_size], "train_test_sizes": [len(y_train), len(y_test)],
            "first_test_loss": float(test_loss[0]), "last_test_loss": float(test_loss[-1]),
            "last_train_loss": float(train_loss[-1]),
            "test_accuracy": float(test_accuracy[-1]),
            "processed_head": [int(v) for v in text_processed[:3].ravel()]}
