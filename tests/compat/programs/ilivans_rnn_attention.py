"""Ilya Ivanov's "tf-rnn-attention" (github.com/ilivans/tf-rnn-attention, MIT:
``attention.py``, ``train.py``, ``utils.py``): the word-level attention of Yang et al.'s
Hierarchical Attention Networks over a bidirectional GRU, for IMDB sentiment.
``attention``: the ``(outputs_fw, outputs_bw)`` tuple concatenated, ``inputs.shape[2].value``,
``w_omega`` / ``b_omega`` / ``u_omega`` by ``get_variable`` with a
``random_normal_initializer``, ``tanh(tensordot(inputs, w_omega, axes=1) + b_omega)``
under ``name_scope('v')``, ``tensordot(v, u_omega, axes=1)`` scores, softmax ``alphas``
and the alpha-weighted sum of the RNN outputs. ``train.py``: name-scoped placeholders, a
``tf.Variable`` embedding, ``bidirectional_dynamic_rnn`` of two ``GRUCell``s with
``sequence_length``, ``tf.nn.dropout`` by a ``keep_prob`` placeholder, a ``xw_plus_b``
logit squeezed, ``sigmoid_cross_entropy_with_logits``, Adam, rounded-sigmoid accuracy,
histogram and scalar summaries merged and written by two ``FileWriter``s, the
exponentially smoothed training loss (``DELTA``), test averages per epoch, a final
``Saver.save``. ``utils.py`` as written (``zero_pad``, ``get_vocabulary_size``,
``fit_in_vocabulary``, ``batch_generator`` shuffling with ``np.random``).

Adapted: ``keras.datasets.imdb`` is replaced by the generated reviews of
``imdb_lstm.py`` (its first 160 training and 64 test reviews, word ids below 200); sizes
cut (sequence length 20, embedding 16, GRUs of 16, attention 8, batch 32, 2 epochs); the
dropout keep probability fed in training is 1.0 (its masks are backend-specific);
``np.random`` is seeded before the batch generators shuffle (both backends then see the
same batches); files go to a temporary directory; no tqdm / prints (the numbers are
returned); ``tf.contrib.rnn.GRUCell`` is ``tf.nn.rnn_cell.GRUCell`` where TF has no
``tf.contrib``; same starting weights (the 1-D ``b_omega`` / ``u_omega`` a seeded normal
draw)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.imdb_lstm import load_data

COMPARE = {"loss_train": 2e-4, "loss_test": 2e-4, "accuracy_train": 1e-6,
           "accuracy_test": 1e-6, "alphas_sum": 1e-5, "summaries": 0.0}


def attention(tf, inputs, attention_size, time_major=False, return_alphas=False):
    if isinstance(inputs, tuple):
        # In case of Bi-RNN, concatenate the forward and the backward RNN outputs.
        inputs = tf.concat(inputs, 2)

    if time_major:
        # (T,B,D) => (B,T,D)
        inputs = tf.array_ops.transpose(inputs, [1, 0, 2])

    hidden_size = inputs.shape[2].value  # D value - hidden size of the RNN layer

    initializer = tf.random_normal_initializer(stddev=0.1)

    # Trainable parameters
    w_omega = tf.get_variable(name="w_omega", shape=[hidden_size, attention_size],
                              initializer=initializer)
    b_omega = tf.get_variable(name="b_omega", shape=[attention_size], initializer=initializer)
    u_omega = tf.get_variable(name="u_omega", shape=[attention_size], initializer=initializer)

    with tf.name_scope('v'):
        # Applying fully connected layer with non-linear activation to each of the B*T
        # timestamps; the shape of `v` is (B,T,D)*(D,A)=(B,T,A), where A=attention_size
        v = tf.tanh(tf.tensordot(inputs, w_omega, axes=1) + b_omega)

    # For each of the timestamps its vector of size A from `v` is reduced with `u` vector
    vu = tf.tensordot(v, u_omega, axes=1, name='vu')  # (B,T) shape
    alphas = tf.nn.softmax(vu, name='alphas')         # (B,T) shape

    # Output of (Bi-)RNN is reduced with attention vector; the result has (B,D) shape
    output = tf.reduce_sum(inputs * tf.expand_dims(alphas, -1), 1)

    if not return_alphas:
        return output
    else:
        return output, alphas


def zero_pad(X, seq_len):
    return np.array([x[:seq_len - 1] + [0] * max(seq_len - len(x), 1) for x in X])


def get_vocabulary_size(X):
    return max([max(x) for x in X]) + 1  # plus the 0th word


def fit_in_vocabulary(X, voc_size):
    return [[w for w in x if w < voc_size] for x in X]


def batch_generator(X, y, batch_size):
    """Primitive batch generator
    """
    size = X.shape[0]
    X_copy = X.copy()
    y_copy = y.copy()
    indices = np.arange(size)
    np.random.shuffle(indices)
    X_copy = X_copy[indices]
    y_copy = y_copy[indices]
    i = 0
    while True:
        if i + batch_size <= size:
            yield X_copy[i:i + batch_size], y_copy[i:i + batch_size]
            i += batch_size
        else:
            i = 0
            indices = np.arange(size)
            np.random.shuffle(indices)
            X_copy = X_copy[indices]
            y_copy = y_copy[indices]
            continue


def main(tf):
    if hasattr(tf, "contrib"):
        GRUCell = tf.contrib.rnn.GRUCell
    else:
        GRUCell = tf.nn.rnn_cell.GRUCell
    bi_rnn = tf.nn.bidirectional_dynamic_rnn
    root = tempfile.mkdtemp(prefix="ilivans_rnn_attention_")

    NUM_WORDS = 200
    SEQUENCE_LENGTH = 20
    EMBEDDING_DIM = 16
    HIDDEN_SIZE = 16
    ATTENTION_SIZE = 8
    KEEP_PROB = 1.0
    BATCH_SIZE = 32
    NUM_EPOCHS = 2
    DELTA = 0.5
    MODEL_PATH = os.path.join(root, 'model')

    # Load the data set
    (X_train, y_train), (X_test, y_test) = load_data(num_words=NUM_WORDS)
    (X_train, y_train), (X_test, y_test) = (X_train[:160], y_train[:160]), (X_test[:64],
                                                                           y_test[:64])

    # Sequences pre-processing
    vocabulary_size = get_vocabulary_size(X_train)
    X_test = fit_in_vocabulary(X_test, vocabulary_size)
    X_train = zero_pad(X_train, SEQUENCE_LENGTH)
    X_test = zero_pad(X_test, SEQUENCE_LENGTH)

    # Different placeholders
    with tf.name_scope('Inputs'):
        batch_ph = tf.placeholder(tf.int32, [None, SEQUENCE_LENGTH], name='batch_ph')
        target_ph = tf.placeholder(tf.float32, [None], name='target_ph')
        seq_len_ph = tf.placeholder(tf.int32, [None], name='seq_len_ph')
        keep_prob_ph = tf.placeholder(tf.float32, name='keep_prob_ph')

    # Embedding layer
    with tf.name_scope('Embedding_layer'):
        embeddings_var = tf.Variable(tf.random_uniform([vocabulary_size, EMBEDDING_DIM],
                                                       -1.0, 1.0), trainable=True)
        tf.summary.histogram('embeddings_var', embeddings_var)
        batch_embedded = tf.nn.embedding_lookup(embeddings_var, batch_ph)

    # (Bi-)RNN layer(-s)
    rnn_outputs, _ = bi_rnn(GRUCell(HIDDEN_SIZE), GRUCell(HIDDEN_SIZE),
                            inputs=batch_embedded, sequence_length=seq_len_ph,
                            dtype=tf.float32)
    tf.summary.histogram('RNN_outputs', rnn_outputs)

    # Attention layer
    with tf.name_scope('Attention_layer'):
        attention_output, alphas = attention(tf, rnn_outputs, ATTENTION_SIZE,
                                             return_alphas=True)
        tf.summary.histogram('alphas', alphas)

    # Dropout
    drop = tf.nn.dropout(attention_output, keep_prob_ph)

    # Fully connected layer
    with tf.name_scope('Fully_connected_layer'):
        # Hidden size is multiplied by 2 for Bi-RNN
        W = tf.Variable(tf.truncated_normal([HIDDEN_SIZE * 2, 1], stddev=0.1))
        b = tf.Variable(tf.constant(0., shape=[1]))
        y_hat = tf.nn.xw_plus_b(drop, W, b)
        y_hat = tf.squeeze(y_hat)
        tf.summary.histogram('W', W)

    with tf.name_scope('Metrics'):
        # Cross-entropy loss and optimizer initialization
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=y_hat,
                                                                      labels=target_ph))
        tf.summary.scalar('loss', loss)
        optimizer = tf.train.AdamOptimizer(learning_rate=1e-3).minimize(loss)

        # Accuracy metric
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.round(tf.sigmoid(y_hat)), target_ph),
                                          tf.float32))
        tf.summary.scalar('accuracy', accuracy)

    merged = tf.summary.merge_all()

    # Batch generators
    np.random.seed(0)
    train_batch_generator = batch_generator(X_train, y_train, BATCH_SIZE)
    test_batch_generator = batch_generator(X_test, y_test, BATCH_SIZE)

    train_writer = tf.summary.FileWriter(os.path.join(root, 'logdir/train'), accuracy.graph)
    test_writer = tf.summary.FileWriter(os.path.join(root, 'logdir/test'), accuracy.graph)

    session_conf = tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))

    saver = tf.train.Saver()

    n_summaries = 0
    with tf.Session(config=session_conf) as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        rng = np.random.RandomState(1)
        for var in tf.trainable_variables():
            if var.name.endswith(("b_omega:0", "u_omega:0")):
                var.load(rng.normal(0, 0.1, var.shape.as_list()).astype(np.float32), sess)
        for epoch in range(NUM_EPOCHS):
            loss_train = 0
            loss_test = 0
            accuracy_train = 0
            accuracy_test = 0

            # Training
            num_batches = X_train.shape[0] // BATCH_SIZE
            for b in range(num_batches):
                x_batch, y_batch = next(train_batch_generator)
                seq_len = np.array([list(x).index(0) + 1 for x in x_batch])  # actual lengths
                loss_tr, acc, _, summary = sess.run([loss, accuracy, optimizer, merged],
                                                    feed_dict={batch_ph: x_batch,
                                                               target_ph: y_batch,
                                                               seq_len_ph: seq_len,
                                                               keep_prob_ph: KEEP_PROB})
                accuracy_train += acc
                loss_train = loss_tr * DELTA + loss_train * (1 - DELTA)
                train_writer.add_summary(summary, b + num_batches * epoch)
                n_summaries += 1
            accuracy_train /= num_batches

            # Testing
            num_batches = X_test.shape[0] // BATCH_SIZE
            for b in range(num_batches):
                x_batch, y_batch = next(test_batch_generator)
                seq_len = np.array([list(x).index(0) + 1 for x in x_batch])  # actual lengths
                loss_test_batch, acc, summary, alphas_v = sess.run(
                    [loss, accuracy, merged, alphas],
                    feed_dict={batch_ph: x_batch, target_ph: y_batch, seq_len_ph: seq_len,
                               keep_prob_ph: 1.0})
                accuracy_test += acc
                loss_test += loss_test_batch
                test_writer.add_summary(summary, b + num_batches * epoch)
                n_summaries += 1
            accuracy_test /= num_batches
            loss_test /= num_batches

        train_writer.close()
        test_writer.close()
        saver.save(sess, MODEL_PATH)
    return {"loss_train": float(loss_train), "loss_test": float(loss_test),
            "accuracy_train": float(accuracy_train), "accuracy_test": float(accuracy_test),
            "alphas_sum": float(np.abs(alphas_v - 1.0 / SEQUENCE_LENGTH).sum()),
            "summaries": [n_summaries, int(os.path.exists(MODEL_PATH + ".index"))]}
