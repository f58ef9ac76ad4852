"""Typical TF1 graphs, written once against a ``tf`` module, so the same code builds them
in real TF (``make_graph_names_reference.py`` records node name -> op type) and in
trainkit (``test_graph_names.py`` compares). Each case only builds a graph; nothing runs.
"""

from __future__ import annotations


def linear_regression(tf):
    """A linear regression trained by GradientDescent with a global step, a summary and
    a Saver (the shape of the getting-started programs)."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(tf.zeros([3, 1]), name="weights")
    b = tf.Variable(0.0, name="bias")
    pred = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(pred - y))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    tf.summary.merge_all()
    tf.global_variables_initializer()
    tf.train.Saver()
    return train


def arithmetic(tf):
    """Python operands of arithmetic, reduction and reshape ops, on both sides."""
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    a = x * 2.0
    b = 2.0 * x
    c = tf.add(x, 1)
    d = x - 0.5
    e = 1.0 - x
    f = x / 3.0
    g = tf.reduce_sum(x, 1)
    h = tf.reduce_mean(x, axis=0, keepdims=True)
    i = tf.reshape(x, [-1, 4])
    j = tf.reduce_max(x)
    k = tf.pow(x, 2)
    m = tf.maximum(x, 0.0)
    n = tf.argmax(x, 1)
    o = tf.cast(x > 0.5, tf.float32)
    p = tf.clip_by_value(x, 1e-10, 1.0)
    q = tf.expand_dims(x, -1)
    r = tf.concat([x, x], 1)
    s = tf.transpose(x)
    t = tf.squeeze(q, [2])
    u = tf.one_hot(n, 10)
    v = tf.fill([2, 3], 1.5)
    w = tf.ones_like(x) + tf.zeros([8])
    z = tf.square(x) + tf.sqrt(x) * tf.log(x + 1e-8)
    return [a, b, c, d, e, f, g, h, i, j, k, m, o, p, r, s, t, u, v, w, z]


def deep_mnist(tf):
    """The "Deep MNIST for experts" CNN: helper-made variables, conv/pool, dropout with a
    fed keep_prob, softmax_cross_entropy_with_logits, Adam, accuracy."""
    def weight_variable(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1))

    def bias_variable(shape):
        return tf.Variable(tf.constant(0.1, shape=shape))

    def conv2d(x, W):
        return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")

    def max_pool_2x2(x):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")

    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    W_conv1 = weight_variable([5, 5, 1, 32])
    b_conv1 = bias_variable([32])
    h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    h_pool1 = max_pool_2x2(h_conv1)
    W_conv2 = weight_variable([5, 5, 32, 64])
    b_conv2 = bias_variable([64])
    h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    h_pool2 = max_pool_2x2(h_conv2)
    W_fc1 = weight_variable([7 * 7 * 64, 1024])
    b_fc1 = bias_variable([1024])
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
    keep_prob = tf.placeholder(tf.float32)
    h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)
    W_fc2 = weight_variable([1024, 10])
    b_fc2 = bias_variable([10])
    y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    tf.global_variables_initializer()
    return train_step, accuracy


def mlp_layers(tf):
    """An MLP from tf.layers.dense with tf.nn.dropout(rate=...), the v2 softmax loss,
    Adam with a global step, summaries merged, an initializer and a Saver."""
    x = tf.placeholder(tf.float32, [None, 20], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    rate = tf.placeholder_with_default(0.0, [], name="rate")
    h1 = tf.layers.dense(x, 32, activation=tf.nn.relu)
    h1 = tf.nn.dropout(h1, rate=rate)
    h2 = tf.layers.dense(h1, 16, activation=tf.nn.relu, name="hidden2")
    logits = tf.layers.dense(h2, 5, name="logits")
    onehot = tf.one_hot(labels, 5)
    xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=onehot, logits=logits)
    loss = tf.reduce_mean(xent, name="loss")
    probs = tf.nn.softmax(logits, name="probs")
    correct = tf.equal(tf.argmax(probs, 1), labels)
    acc = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=step)
    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", acc)
    merged = tf.summary.merge_all()
    init = tf.global_variables_initializer()
    tf.train.Saver(max_to_keep=3)
    return train, merged, init


def lstm_rnn(tf):
    """An LSTM over a fed sequence with dynamic_rnn, a dense output on the last step and
    an Adam update (whose gradients go through the While loop)."""
    inputs = tf.placeholder(tf.float32, [None, 6, 4], name="inputs")
    target = tf.placeholder(tf.float32, [None, 2], name="target")
    cell = tf.nn.rnn_cell.BasicLSTMCell(8)
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    last = outputs[:, -1, :]
    pred = tf.layers.dense(last, 2)
    loss = tf.losses.mean_squared_error(target, pred)
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    tf.global_variables_initializer()
    return train, state


def cnn_layers(tf):
    """A tf.layers CNN (conv2d, batch_normalization, max_pooling2d, flatten) with a
    sparse softmax loss, an exponentially decayed Momentum step with clipped gradients
    and tf.metrics.accuracy."""
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.conv2d(images, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.batch_normalization(h, training=training)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.flatten(h)
    logits = tf.layers.dense(h, 3)
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 100, 0.96, staircase=True)
    opt = tf.train.MomentumOptimizer(lr, 0.9)
    grads, variables = zip(*opt.compute_gradients(loss))
    grads, _ = tf.clip_by_global_norm(grads, 5.0)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = opt.apply_gradients(zip(grads, variables), global_step=step)
    acc, acc_update = tf.metrics.accuracy(labels, tf.argmax(logits, 1))
    tf.local_variables_initializer()
    return train, acc, acc_update


CASES = {
    "linear_regression": linear_regression,
    "arithmetic": arithmetic,
    "deep_mnist": deep_mnist,
    "mlp_layers": mlp_layers,
    "lstm_rnn": lstm_rnn,
    "cnn_layers": cnn_layers,
}


def record(tf, case: str) -> dict[str, str]:
    """Builds ``case`` in a fresh graph with a fixed seed; returns node name -> op type."""
    with tf.Graph().as_default() as g:
        tf.set_random_seed(0)
        CASES[case](tf)
        return {op.name: op.type for op in g.get_operations()}
