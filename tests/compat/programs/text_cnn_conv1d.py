"""Chinese news classification with a 1-D CNN, after gaussic's
``text-classification-cnn-rnn`` (``cnn_model.py``'s ``TCNNConfig`` / ``TextCNN`` and
``run_cnn.py``'s ``train`` / ``evaluate`` / ``test``): an embedding from
``tf.get_variable``, ``tf.layers.conv1d`` over the embedded sequence, global max
pooling by ``tf.reduce_max(conv, reduction_indices=[1])``, ``tf.layers.dense`` +
dropout + relu, ``softmax_cross_entropy_with_logits``, Adam; the training loop writes a
merged summary every ``save_per_batch`` batches, evaluates the whole validation set in
batches every ``print_per_batch`` and saves the model when the validation accuracy
improves (early stop after ``require_improvement`` batches without), then ``test``
restores the best checkpoint into a new session and scores the test set.

Adapted: the cnews download and vocabulary files are replaced by generated id sequences
(4 classes, each marked by a few class words among noise); a smaller config; the
``batch_iter`` shuffle uses a seeded ``RandomState`` (NumPy, the same on both backends);
``tf.contrib.layers.dropout(fc, keep_prob)`` is written ``tf.nn.dropout`` (the same op in
training mode) and fed keep probability 1.0 so both backends compute the same thing;
the per-class ``sklearn`` report is left out; same starting weights."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"best_acc_val": 1e-6, "last_loss_val": 1e-4, "test_loss": 1e-4,
           "test_acc": 1e-6, "total_batch": 0.0, "improved_at": 0.0,
           "conv_shape": 0.0}


class TCNNConfig:
    """CNN configuration (scaled down)."""
    embedding_dim = 16
    seq_length = 60
    num_classes = 4
    num_filters = 32
    kernel_size = 5
    vocab_size = 300
    hidden_dim = 32
    dropout_keep_prob = 1.0
    learning_rate = 1e-3
    batch_size = 32
    num_epochs = 12
    print_per_batch = 24
    save_per_batch = 5


class TextCNN:
    """Text classification, CNN model."""

    def __init__(self, tf, config):
        self.config = config
        self.input_x = tf.placeholder(tf.int32, [None, self.config.seq_length], name="input_x")
        self.input_y = tf.placeholder(tf.float32, [None, self.config.num_classes],
                                      name="input_y")
        self.keep_prob = tf.placeholder(tf.float32, name="keep_prob")
        self.cnn(tf)

    def cnn(self, tf):
        with tf.device("/cpu:0"):
            embedding = tf.get_variable("embedding", [self.config.vocab_size,
                                                      self.config.embedding_dim])
            embedding_inputs = tf.nn.embedding_lookup(embedding, self.input_x)

        with tf.name_scope("cnn"):
            conv = tf.layers.conv1d(embedding_inputs, self.config.num_filters,
                                    self.config.kernel_size, name="conv")
            self.conv = conv
            gmp = tf.reduce_max(conv, reduction_indices=[1], name="gmp")

        with tf.name_scope("score"):
            fc = tf.layers.dense(gmp, self.config.hidden_dim, name="fc1")
            fc = tf.nn.dropout(fc, self.keep_prob)
            fc = tf.nn.relu(fc)
            self.logits = tf.layers.dense(fc, self.config.num_classes, name="fc2")
            self.y_pred_cls = tf.argmax(tf.nn.softmax(self.logits), 1)

        with tf.name_scope("optimize"):
            cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logits=self.logits,
                                                                    labels=self.input_y)
            self.loss = tf.reduce_mean(cross_entropy)
            self.optim = tf.train.AdamOptimizer(
                learning_rate=self.config.learning_rate).minimize(self.loss)

        with tf.name_scope("accuracy"):
            correct_pred = tf.equal(tf.argmax(self.input_y, 1), self.y_pred_cls)
            self.acc = tf.reduce_mean(tf.cast(correct_pred, tf.float32))


def make_news(n, config, seed):
    """Generated documents: noise words (ids 20+) with 6 words of the class's group
    (class c owns ids 4c+1 .. 4c+4), padded with 0 at the front like ``pad_sequences``."""
    rng = np.random.RandomState(seed)
    x = np.zeros((n, config.seq_length), np.int32)
    labels = rng.randint(config.num_classes, size=n)
    for i, c in enumerate(labels):
        length = rng.randint(config.seq_length // 2, config.seq_length + 1)
        words = rng.randint(20, config.vocab_size, size=length)
        words[rng.choice(length, 6, replace=False)] = 4 * c + 1 + rng.randint(4, size=6)
        x[i, config.seq_length - length:] = words
    return x, np.eye(config.num_classes, dtype=np.float32)[labels]


def batch_iter(x, y, batch_size=64, rng=None):
    """Shuffled batches over one epoch."""
    data_len = len(x)
    num_batch = int((data_len - 1) / batch_size) + 1
    indices = rng.permutation(np.arange(data_len))
    x_shuffle = x[indices]
    y_shuffle = y[indices]
    for i in range(num_batch):
        start_id = i * batch_size
        end_id = min((i + 1) * batch_size, data_len)
        yield x_shuffle[start_id:end_id], y_shuffle[start_id:end_id]


def main(tf):
    config = TCNNConfig()
    x_train, y_train = make_news(384, config, seed=1)
    x_val, y_val = make_news(96, config, seed=2)
    x_test, y_test = make_news(96, config, seed=3)
    rng = np.random.RandomState(0)
    base_dir = tempfile.mkdtemp()
    tensorboard_dir = os.path.join(base_dir, "tensorboard", "textcnn")
    save_dir = os.path.join(base_dir, "checkpoints", "textcnn")
    save_path = os.path.join(save_dir, "best_validation")

    model = TextCNN(tf, config)

    def feed_data(x_batch, y_batch, keep_prob):
        return {model.input_x: x_batch, model.input_y: y_batch, model.keep_prob: keep_prob}

    def evaluate(sess, x_, y_):
        """The loss and accuracy over all of the given data."""
        data_len = len(x_)
        total_loss = 0.0
        total_acc = 0.0
        for x_batch, y_batch in batch_iter(x_, y_, 128, rng):
            batch_len = len(x_batch)
            loss, acc = sess.run([model.loss, model.acc],
                                 feed_dict=feed_data(x_batch, y_batch, 1.0))
            total_loss += loss * batch_len
            total_acc += acc * batch_len
        return total_loss / data_len, total_acc / data_len

    # -- train ------------------------------------------------------------------------
    if not os.path.exists(tensorboard_dir):
        os.makedirs(tensorboard_dir)
    tf.summary.scalar("loss", model.loss)
    tf.summary.scalar("accuracy", model.acc)
    merged_summary = tf.summary.merge_all()
    writer = tf.summary.FileWriter(tensorboard_dir)
    saver = tf.train.Saver()
    if not os.path.exists(save_dir):
        os.makedirs(save_dir)

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    same_start(session, tf, biases=True)
    writer.add_graph(session.graph)

    total_batch = 0
    best_acc_val = 0.0
    last_improved = 0
    improved_at = []
    require_improvement = 1000
    flag = False
    for _epoch in range(config.num_epochs):
        for x_batch, y_batch in batch_iter(x_train, y_train, config.batch_size, rng):
            feed_dict = feed_data(x_batch, y_batch, config.dropout_keep_prob)
            if total_batch % config.save_per_batch == 0:
                s = session.run(merged_summary, feed_dict=feed_dict)
                writer.add_summary(s, total_batch)
            if total_batch % config.print_per_batch == 0:
                feed_dict[model.keep_prob] = 1.0
                loss_train, acc_train = session.run([model.loss, model.acc],
                                                    feed_dict=feed_dict)
                loss_val, acc_val = evaluate(session, x_val, y_val)
                if acc_val > best_acc_val:
                    best_acc_val = acc_val
                    last_improved = total_batch
                    improved_at.append(total_batch)
                    saver.save(sess=session, save_path=save_path)
            feed_dict[model.keep_prob] = config.dropout_keep_prob
            session.run(model.optim, feed_dict=feed_dict)
            total_batch += 1
            if total_batch - last_improved > require_improvement:
                flag = True
                break
        if flag:
            break
    writer.close()
    session.close()

    # -- test -------------------------------------------------------------------------
    session = tf.Session()
    session.run(tf.global_variables_initializer())
    saver = tf.train.Saver()
    saver.restore(sess=session, save_path=save_path)
    test_loss, test_acc = evaluate(session, x_test, y_test)
    y_test_cls = np.argmax(y_test, 1)
    y_pred_cls = np.zeros(shape=len(x_test), dtype=np.int32)
    batch_size = 128
    num_batch = int((len(x_test) - 1) / batch_size) + 1
    for i in range(num_batch):
        start_id = i * batch_size
        end_id = min((i + 1) * batch_size, len(x_test))
        feed_dict = {model.input_x: x_test[start_id:end_id], model.keep_prob: 1.0}
        y_pred_cls[start_id:end_id] = session.run(model.y_pred_cls, feed_dict=feed_dict)
    conv_shape = session.run(tf.shape(model.conv), {model.input_x: x_test[:3]}).tolist()
    session.close()
    assert abs(float(np.mean(y_pred_cls == y_test_cls)) - test_acc) < 1e-6
    return {"best_acc_val": float(best_acc_val), "last_loss_val": float(loss_val),
            "test_loss": float(test_loss), "test_acc": float(test_acc),
            "total_batch": [total_batch], "improved_at": improved_at,
            "conv_shape": conv_shape}
