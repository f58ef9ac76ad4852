"""A "modern" convnet on MNIST: Parag K. Mital's "tensorflow_tutorials" (github.com/
pkmital/tensorflow_tutorials at commit c3eefe5, ``python/06_modern_convnet.py``) with its
helpers from ``python/libs/``: ``batch_norm`` (``batch_norm.py``: ``beta``/``gamma``
``tf.Variable``s in a ``tf.variable_scope``, ``tf.nn.moments`` over the batch and both
spatial axes, a ``tf.train.ExponentialMovingAverage(decay=0.9)`` of the moments, a
``tf.cond`` on the fed ``is_training`` bool choosing the batch moments, behind
``tf.control_dependencies([ema_apply_op])`` and ``tf.identity``, or the averages, then
``tf.nn.batch_norm_with_global_normalization`` with positional arguments), ``lrelu``
(``activations.py``: ``0.5 (1 + leak) x + 0.5 (1 - leak) abs(x)`` inside a
``variable_scope``) and ``conv2d``/``linear`` (``connections.py``: ``tf.get_variable`` with
a ``Dimension`` in the shape, ``truncated_normal_initializer`` / ``random_normal_initializer``,
``tf.nn.bias_add``). Three strided 5x5 convolutions (32, 64, 64) each batch-normalised
and leaky-rectified, a linear layer to 10, softmax, the written-out cross-entropy, Adam;
per epoch the validation accuracy with ``is_training: False``.

Adapted: ``libs/batch_norm.py`` is taken at its version before commit 1e327bd ("Update
to batch_norm (Unwanted ema updates)"), the one ``libs/connections.py`` still has: at
HEAD ``ema.average(...)`` is read before ``ema.apply`` has made the averages, so the
``is_training: False`` branch returns ``None`` and TF1's ``tf.cond`` rejects it. So
``ema_apply_op`` is built outside the ``tf.cond`` and, as in TF1, runs on every step
that evaluates the batch norm, training or not (what that commit called "unwanted
updates"): the averages returned show it. Also: MNIST is the bundled digits
(``common.read_data_sets``; ``libs.datasets.MNIST()`` is ``read_data_sets('MNIST_data/',
one_hot=True)``); 10 epochs -> 2 of 7 batches of 100; the weights start from
``common.same_start``'s draw (biases at zero) on both backends; prints are returned.
"""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"validation_accuracy": 3e-3, "train_cost": 1e-3, "ema_mean_sum": 1e-4,
           "ema_var_sum": 1e-4, "ema_after_eval": 1e-4, "variables": 0.0}


def make_libs(tf):
    """``libs.batch_norm.batch_norm``, ``libs.activations.lrelu`` and
    ``libs.connections.conv2d`` / ``linear``, bound to the ``tf`` module given."""

    def batch_norm(x, phase_train, scope='bn', affine=True):
        """Batch normalization on convolutional maps (libs/batch_norm.py)."""
        with tf.variable_scope(scope):
            shape = x.get_shape().as_list()

            beta = tf.Variable(tf.constant(0.0, shape=[shape[-1]]),
                               name='beta', trainable=True)
            gamma = tf.Variable(tf.constant(1.0, shape=[shape[-1]]),
                                name='gamma', trainable=affine)

            batch_mean, batch_var = tf.nn.moments(x, [0, 1, 2], name='moments')
            ema = tf.train.ExponentialMovingAverage(decay=0.9)
            ema_apply_op = ema.apply([batch_mean, batch_var])
            ema_mean, ema_var = ema.average(batch_mean), ema.average(batch_var)

            def mean_var_with_update():
                with tf.control_dependencies([ema_apply_op]):
                    return tf.identity(batch_mean), tf.identity(batch_var)
            mean, var = tf.cond(phase_train,
                                mean_var_with_update,
                                lambda: (ema_mean, ema_var))

            normed = tf.nn.batch_norm_with_global_normalization(
                x, mean, var, beta, gamma, 1e-3, affine)
        return normed

    def lrelu(x, leak=0.2, name="lrelu"):
        """Leaky rectifier (libs/activations.py)."""
        with tf.variable_scope(name):
            f1 = 0.5 * (1 + leak)
            f2 = 0.5 * (1 - leak)
            return f1 * x + f2 * abs(x)

    def linear(x, n_units, scope=None, stddev=0.02,
               activation=lambda x: x):
        """Fully-connected network (libs/connections.py)."""
        shape = x.get_shape().as_list()

        with tf.variable_scope(scope or "Linear"):
            matrix = tf.get_variable("Matrix", [shape[1], n_units], tf.float32,
                                     tf.random_normal_initializer(stddev=stddev))
            return activation(tf.matmul(x, matrix))

    def conv2d(x, n_filters,
               k_h=5, k_w=5,
               stride_h=2, stride_w=2,
               stddev=0.02,
               activation=None,
               bias=True,
               padding='SAME',
               name="Conv2D"):
        """2D Convolution with options for kernel size, stride, and init deviation
        (libs/connections.py)."""
        with tf.variable_scope(name):
            w = tf.get_variable(
                'w', [k_h, k_w, x.get_shape()[-1], n_filters],
                initializer=tf.truncated_normal_initializer(stddev=stddev))
            conv = tf.nn.conv2d(
                x, w, strides=[1, stride_h, stride_w, 1], padding=padding)
            if bias:
                b = tf.get_variable(
                    'b', [n_filters],
                    initializer=tf.truncated_normal_initializer(stddev=stddev))
                conv = tf.nn.bias_add(conv, b)
            if activation:
                conv = activation(conv)
            return conv

    return batch_norm, lrelu, conv2d, linear


def main(tf):
    batch_norm, lrelu, conv2d, linear = make_libs(tf)

    # %% Setup input to the network and true output label.
    mnist = read_data_sets('MNIST_data/', one_hot=True)  # libs.datasets.MNIST()
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])

    # %% We add a new type of placeholder to denote when we are training.
    is_training = tf.placeholder(tf.bool, name='is_training')

    # %% We'll convert our MNIST vector data to a 4-D tensor:
    x_tensor = tf.reshape(x, [-1, 28, 28, 1])

    # %% We'll use a new method called batch normalization.
    h_1 = lrelu(batch_norm(conv2d(x_tensor, 32, name='conv1'),
                           is_training, scope='bn1'), name='lrelu1')
    h_2 = lrelu(batch_norm(conv2d(h_1, 64, name='conv2'),
                           is_training, scope='bn2'), name='lrelu2')
    h_3 = lrelu(batch_norm(conv2d(h_2, 64, name='conv3'),
                           is_training, scope='bn3'), name='lrelu3')
    h_3_flat = tf.reshape(h_3, [-1, 64 * 4 * 4])
    h_4 = linear(h_3_flat, 10)
    y_pred = tf.nn.softmax(h_4)

    # %% Define loss/eval/training functions
    cross_entropy = -tf.reduce_sum(y * tf.log(y_pred))
    train_step = tf.train.AdamOptimizer().minimize(cross_entropy)

    correct_prediction = tf.equal(tf.argmax(y_pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, 'float'))

    # %% We now create a new session to actually perform the initialization
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, biases=True)
    averages = [v for v in tf.global_variables() if "ExponentialMovingAverage" in v.name]
    means = [v for v in averages if "/Squeeze/" in v.name]
    variances = [v for v in averages if "/Squeeze_1/" in v.name]

    # %% We'll train in minibatches and report accuracy:
    n_epochs = 2  # 10 in the original
    batch_size = 100
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(7):  # noqa: B007 - mnist.train.num_examples // batch_size
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            _, train_cost = sess.run([train_step, cross_entropy], feed_dict={
                x: batch_xs, y: batch_ys, is_training: True})
        ema_before = sum(float(v.sum()) for v in sess.run(averages))
        validation_accuracy = sess.run(accuracy,
                                       feed_dict={
                                           x: mnist.validation.images,
                                           y: mnist.validation.labels,
                                           is_training: False
                                       })
    ema_after = sum(float(v.sum()) for v in sess.run(averages))
    result = {"validation_accuracy": float(validation_accuracy),
              "train_cost": float(train_cost),
              "ema_mean_sum": sum(float(v.sum()) for v in sess.run(means)),
              "ema_var_sum": sum(float(v.sum()) for v in sess.run(variances)),
              "ema_after_eval": ema_after - ema_before,
              "variables": sorted(v.name for v in tf.global_variables()
                                  if "Adam" not in v.name)}
    sess.close()
    return result
