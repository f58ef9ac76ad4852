"""hwalsuklee/tensorflow-mnist-cnn: ``cnn_model.py``'s ``CNN`` (two ``slim.conv2d`` +
``slim.max_pool2d``, ``slim.flatten``, ``slim.fully_connected(1024)``, ``slim.dropout``
and a linear ``fco``, all under ``slim.arg_scope([slim.conv2d, slim.fully_connected],
normalizer_fn=slim.batch_norm, normalizer_params={'is_training': ..., 'decay': 0.9,
'updates_collections': None})``), trained as ``mnist_cnn_train.py`` does:
``slim.losses.softmax_cross_entropy(y, y_)``, ``batch = tf.Variable(0)`` as the global
step of an ``exponential_decay(1e-4, batch * batch_size, train_size, 0.95,
staircase=True)`` Adam, training accuracy read with each step, the validation accuracy
every ``validation_step`` steps with ``is_training: False``, a ``tf.train.Saver`` keeping
the best model, which is restored for the test accuracy.

Adapted: MNIST from the bundled digits (``common.read_data_sets``, no shuffling, the
test images serve as validation and test set); a few steps with ``validation_step = 10``;
``CNN(x, is_training)`` is given the ``MODE`` placeholder the script defines and feeds
(the original calls ``CNN(x)``, so its batch norm and dropout stay in training mode even
when ``is_training: False`` is fed) - this runs ``slim.batch_norm`` and ``slim.dropout``
with a boolean tensor; ``CNN`` is called inside an extra ``slim.arg_scope([slim.dropout],
keep_prob=1.0)`` since the two backends draw different dropout masks; no summaries.
``slim`` is ``tf.contrib.slim`` under trainkit and ``tf_slim`` 1.1.0 under TF 2.21
(``slim_lenet._slim``'s stand-in). Both start from ``same_start``'s NumPy weights.

Tolerances: the per-step losses agree to 1e-6 for two steps and drift to about 1e-3
relative by step 20 (Adam at ``1e-4`` moves weights with near-zero gradients by about
``lr * sign(g)``, so rounding-level gradient differences become visible; the batch-norm
statistics and gradients match TF to float precision on their own), hence 2e-3 on the
final loss and 5e-3 on the test logits' mean, which go through the moving statistics.
"""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.slim_lenet import _slim

COMPARE = {"first_loss": 1e-5, "final_loss": 2e-3, "train_accuracy": 0.0,
           "max_validation_accuracy": 0.01, "test_accuracy": 0.01,
           "test_logits_mean": 5e-3, "moving_mean_sum": 1e-3, "global_step": 0.0,
           "variables": 0.0}


def CNN(tf, slim, inputs, is_training=True):  # noqa: N802 - cnn_model.py's name
    batch_norm_params = {"is_training": is_training, "decay": 0.9,
                         "updates_collections": None}
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        normalizer_fn=slim.batch_norm,
                        normalizer_params=batch_norm_params):
        x = tf.reshape(inputs, [-1, 28, 28, 1])
        net = slim.conv2d(x, 32, [5, 5], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.conv2d(net, 64, [5, 5], scope="conv2")
        net = slim.max_pool2d(net, [2, 2], scope="pool2")
        net = slim.flatten(net, scope="flatten3")
        net = slim.fully_connected(net, 1024, scope="fc3")
        net = slim.dropout(net, is_training=is_training, scope="dropout3")
        outputs = slim.fully_connected(net, 10, activation_fn=None, normalizer_fn=None,
                                       scope="fco")
    return outputs


def main(tf):
    slim = _slim(tf)
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    model_directory = tempfile.mkdtemp(prefix="mnist_cnn_") + "/model.ckpt"
    batch_size, steps, validation_step = 50, 21, 10
    train_size = mnist.train.num_examples
    validation_data, validation_labels = mnist.test.images, mnist.test.labels

    is_training = tf.placeholder(tf.bool, name="MODE")
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    with slim.arg_scope([slim.dropout], keep_prob=1.0):
        y = CNN(tf, slim, x, is_training)
    with tf.name_scope("LOSS"):
        loss = slim.losses.softmax_cross_entropy(y, y_)
    with tf.name_scope("ADAM"):
        batch = tf.Variable(0)
        learning_rate = tf.train.exponential_decay(
            1e-4, batch * batch_size, train_size, 0.95, staircase=True)
        train_step = tf.train.AdamOptimizer(learning_rate).minimize(loss, global_step=batch)
    with tf.name_scope("ACC"):
        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    saver = tf.train.Saver()
    moving = [v for v in tf.global_variables() if v.op.name == "conv1/BatchNorm/moving_mean"]
    names = sorted(v.op.name for v in tf.global_variables())

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed_dict={is_training: True})
        same_start(sess, tf, biases=True)
        max_acc, losses = 0.0, []
        for i in range(steps):
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            _, train_accuracy, lv = sess.run([train_step, accuracy, loss],
                                             feed_dict={x: batch_xs, y_: batch_ys,
                                                        is_training: True})
            losses.append(lv)
            if i % validation_step == 0:
                validation_accuracy = sess.run(accuracy, feed_dict={
                    x: validation_data, y_: validation_labels, is_training: False})
            if validation_accuracy > max_acc:
                max_acc = validation_accuracy
                saver.save(sess, model_directory)
        moving_mean = sess.run(moving[0])
        saver.restore(sess, model_directory)
        y_final = sess.run(y, feed_dict={x: mnist.test.images, is_training: False})
        step = sess.run(batch)
    test_acc = np.mean(np.argmax(y_final, 1) == np.argmax(mnist.test.labels, 1))
    return {"first_loss": float(losses[0]), "final_loss": float(losses[-1]),
            "train_accuracy": float(train_accuracy), "max_validation_accuracy": float(max_acc),
            "test_accuracy": float(test_acc), "test_logits_mean": float(y_final.mean()),
            "moving_mean_sum": float(moving_mean.sum()), "global_step": int(step),
            "variables": names}
