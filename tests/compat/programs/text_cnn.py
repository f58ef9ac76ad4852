"""Sentence classification with a CNN over word embeddings, after Denny Britz's
``cnn-text-classification-tf`` (``text_cnn.py``'s ``TextCNN`` class and ``train.py``'s
loop): ``embedding_lookup`` expanded to one channel, one conv + max-pool-over-time branch
per filter size under ``name_scope("conv-maxpool-%s")``, ``concat``, dropout, a
``get_variable`` output layer with ``tf.nn.xw_plus_b``, an L2 penalty, then
``compute_gradients`` / ``apply_gradients(global_step=...)``, gradient histogram and
``zero_fraction`` summaries, a summary ``FileWriter``, ``tf.train.global_step`` and a
checkpoint ``Saver`` every few steps. Adapted: the movie-review download and its
``VocabularyProcessor`` are replaced by generated word ids; the output layer's
``tf.contrib.layers.xavier_initializer()`` is its core name
``tf.glorot_uniform_initializer()``; dropout keep probability fed 1.0 (as deep_mnist
does) so both backends compute the same thing; short training; same starting weights."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_loss": 1e-4, "train_accuracy": 1e-6, "dev_loss": 1e-4,
           "dev_accuracy": 1e-6, "step": 0.0, "checkpoints": 0.0, "kept": 0.0}


class TextCNN:
    """Embedding -> convolutions of several widths -> max-pool over time -> softmax."""

    def __init__(self, tf, sequence_length, num_classes, vocab_size, embedding_size,
                 filter_sizes, num_filters, l2_reg_lambda=0.0):
        self.input_x = tf.placeholder(tf.int32, [None, sequence_length], name="input_x")
        self.input_y = tf.placeholder(tf.float32, [None, num_classes], name="input_y")
        self.dropout_keep_prob = tf.placeholder(tf.float32, name="dropout_keep_prob")
        l2_loss = tf.constant(0.0)

        with tf.device("/cpu:0"), tf.name_scope("embedding"):
            self.W = tf.Variable(tf.random_uniform([vocab_size, embedding_size], -1.0, 1.0),
                                 name="W")
            self.embedded_chars = tf.nn.embedding_lookup(self.W, self.input_x)
            self.embedded_chars_expanded = tf.expand_dims(self.embedded_chars, -1)

        pooled_outputs = []
        for filter_size in filter_sizes:
            with tf.name_scope(f"conv-maxpool-{filter_size}"):
                filter_shape = [filter_size, embedding_size, 1, num_filters]
                W = tf.Variable(tf.truncated_normal(filter_shape, stddev=0.1), name="W")
                b = tf.Variable(tf.constant(0.1, shape=[num_filters]), name="b")
                conv = tf.nn.conv2d(self.embedded_chars_expanded, W, strides=[1, 1, 1, 1],
                                    padding="VALID", name="conv")
                h = tf.nn.relu(tf.nn.bias_add(conv, b), name="relu")
                pooled = tf.nn.max_pool(h, ksize=[1, sequence_length - filter_size + 1, 1, 1],
                                        strides=[1, 1, 1, 1], padding="VALID", name="pool")
                pooled_outputs.append(pooled)

        num_filters_total = num_filters * len(filter_sizes)
        self.h_pool = tf.concat(pooled_outputs, 3)
        self.h_pool_flat = tf.reshape(self.h_pool, [-1, num_filters_total])

        with tf.name_scope("dropout"):
            self.h_drop = tf.nn.dropout(self.h_pool_flat, self.dropout_keep_prob)

        with tf.name_scope("output"):
            W = tf.get_variable("W", shape=[num_filters_total, num_classes],
                                initializer=tf.glorot_uniform_initializer())
            b = tf.Variable(tf.constant(0.1, shape=[num_classes]), name="b")
            l2_loss += tf.nn.l2_loss(W)
            l2_loss += tf.nn.l2_loss(b)
            self.scores = tf.nn.xw_plus_b(self.h_drop, W, b, name="scores")
            self.predictions = tf.argmax(self.scores, 1, name="predictions")

        with tf.name_scope("loss"):
            losses = tf.nn.softmax_cross_entropy_with_logits(logits=self.scores,
                                                             labels=self.input_y)
            self.loss = tf.reduce_mean(losses) + l2_reg_lambda * l2_loss

        with tf.name_scope("accuracy"):
            correct_predictions = tf.equal(self.predictions, tf.argmax(self.input_y, 1))
            self.accuracy = tf.reduce_mean(tf.cast(correct_predictions, "float"),
                                           name="accuracy")


def make_reviews(n, sequence_length=24, vocab_size=200, seed=0):
    """Generated "reviews": padded id sequences whose label is which of two word groups
    (ids 2-11 positive, 12-21 negative) occurs more often; id 0 is padding."""
    rng = np.random.RandomState(seed)
    x = np.zeros((n, sequence_length), np.int32)
    y = np.zeros((n, 2), np.float32)
    for i in range(n):
        length = rng.randint(8, sequence_length + 1)
        words = rng.randint(22, vocab_size, size=length)
        label = i % 2
        cues = rng.randint(2, 12, size=3) + 10 * label
        words[rng.choice(length, 3, replace=False)] = cues
        x[i, :length] = words
        y[i, label] = 1.0
    return x, y


def batch_iter(data, batch_size, num_epochs):
    """Batches over the data for several epochs (the original shuffles each epoch)."""
    data = np.array(data, dtype=object)
    num_batches_per_epoch = int((len(data) - 1) / batch_size) + 1
    for _epoch in range(num_epochs):
        for batch_num in range(num_batches_per_epoch):
            start_index = batch_num * batch_size
            end_index = min((batch_num + 1) * batch_size, len(data))
            yield data[start_index:end_index]


def main(tf):
    embedding_dim, filter_sizes, num_filters = 16, "3,4,5", 8
    dropout_keep_prob, l2_reg_lambda = 1.0, 0.1
    batch_size, num_epochs, evaluate_every, checkpoint_every = 32, 12, 16, 16
    x_all, y_all = make_reviews(320)
    x_train, x_dev = x_all[:256], x_all[256:]
    y_train, y_dev = y_all[:256], y_all[256:]
    vocab_size = 200
    out_dir = tempfile.mkdtemp()

    with tf.Graph().as_default():
        sess = tf.Session()
        with sess.as_default():
            cnn = TextCNN(tf, sequence_length=x_train.shape[1], num_classes=y_train.shape[1],
                          vocab_size=vocab_size, embedding_size=embedding_dim,
                          filter_sizes=list(map(int, filter_sizes.split(","))),
                          num_filters=num_filters, l2_reg_lambda=l2_reg_lambda)

            global_step = tf.Variable(0, name="global_step", trainable=False)
            optimizer = tf.train.AdamOptimizer(1e-3)
            grads_and_vars = optimizer.compute_gradients(cnn.loss)
            train_op = optimizer.apply_gradients(grads_and_vars, global_step=global_step)

            grad_summaries = []
            for g, v in grads_and_vars:
                if g is not None:
                    name = v.name.replace(":", "_")
                    grad_summaries.append(tf.summary.histogram(f"{name}/grad/hist", g))
                    grad_summaries.append(tf.summary.scalar(f"{name}/grad/sparsity",
                                                            tf.nn.zero_fraction(g)))
            grad_summaries_merged = tf.summary.merge(grad_summaries)
            loss_summary = tf.summary.scalar("loss", cnn.loss)
            acc_summary = tf.summary.scalar("accuracy", cnn.accuracy)
            train_summary_op = tf.summary.merge([loss_summary, acc_summary,
                                                 grad_summaries_merged])
            train_summary_writer = tf.summary.FileWriter(os.path.join(out_dir, "summaries",
                                                                      "train"), sess.graph)
            dev_summary_op = tf.summary.merge([loss_summary, acc_summary])
            dev_summary_writer = tf.summary.FileWriter(os.path.join(out_dir, "summaries",
                                                                    "dev"), sess.graph)

            checkpoint_dir = os.path.abspath(os.path.join(out_dir, "checkpoints"))
            checkpoint_prefix = os.path.join(checkpoint_dir, "model")
            if not os.path.exists(checkpoint_dir):
                os.makedirs(checkpoint_dir)
            saver = tf.train.Saver(tf.global_variables(), max_to_keep=5)

            sess.run(tf.global_variables_initializer())
            same_start(sess, tf)

            def train_step(x_batch, y_batch):
                feed_dict = {cnn.input_x: x_batch, cnn.input_y: y_batch,
                             cnn.dropout_keep_prob: dropout_keep_prob}
                _, step, summaries, loss, accuracy = sess.run(
                    [train_op, global_step, train_summary_op, cnn.loss, cnn.accuracy],
                    feed_dict)
                train_summary_writer.add_summary(summaries, step)
                return loss, accuracy

            def dev_step(x_batch, y_batch, writer=None):
                feed_dict = {cnn.input_x: x_batch, cnn.input_y: y_batch,
                             cnn.dropout_keep_prob: 1.0}
                step, summaries, loss, accuracy = sess.run(
                    [global_step, dev_summary_op, cnn.loss, cnn.accuracy], feed_dict)
                if writer:
                    writer.add_summary(summaries, step)
                return loss, accuracy

            batches = batch_iter(list(zip(x_train, y_train)), batch_size, num_epochs)
            saved = []
            for batch in batches:
                x_batch, y_batch = zip(*batch)
                train_loss, train_accuracy = train_step(x_batch, y_batch)
                current_step = tf.train.global_step(sess, global_step)
                if current_step % evaluate_every == 0:
                    dev_loss, dev_accuracy = dev_step(x_dev, y_dev, writer=dev_summary_writer)
                if current_step % checkpoint_every == 0:
                    path = saver.save(sess, checkpoint_prefix, global_step=current_step)
                    saved.append(os.path.basename(path))
            state = tf.train.get_checkpoint_state(checkpoint_dir)
            kept = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
            train_summary_writer.close()
            dev_summary_writer.close()
        sess.close()
    return {"train_loss": float(train_loss), "train_accuracy": float(train_accuracy),
            "dev_loss": float(dev_loss), "dev_accuracy": float(dev_accuracy),
            "step": [int(current_step)], "checkpoints": saved, "kept": kept}
