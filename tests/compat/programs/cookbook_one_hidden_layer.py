"""A one-hidden-layer network: nfmcclure's tensorflow_cookbook, ``06_Neural_Networks/
04_Single_Hidden_Layer_Network/04_single_hidden_layer_network.py``. Petal width from the
other three iris columns through ``relu(relu(x A1 + b1) A2 + b2)`` with 10 hidden nodes,
trained on the mean squared error by gradient descent; an 80/20 split and min-max column
normalisation (each split by its own extremes, as the recipe does).

Adapted: the iris download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped
rows of :func:`common.iris_arrays`; the four ``random_normal`` starts are loaded from a
``RandomState`` of the recipe's seed so both backends start alike (the global stream's
next draws gave a start whose ReLU output unit never fires on this data); the prints and
the matplotlib plot are left out (the losses are returned)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "first_test_loss": 1e-5,
           "last_test_loss": 1e-4}


def main(tf):
    iris_data, _ = iris_arrays()
    x_vals = np.array([x[0:3] for x in iris_data])
    y_vals = np.array([x[3] for x in iris_data])
    sess = tf.Session()
    seed = 2
    tf.set_random_seed(seed)
    np.random.seed(seed)
    train_indices = np.random.choice(len(x_vals), round(len(x_vals) * 0.8), replace=False)
    test_indices = np.array(list(set(range(len(x_vals))) - set(train_indices)))
    x_vals_train = x_vals[train_indices]
    x_vals_test = x_vals[test_indices]
    y_vals_train = y_vals[train_indices]
    y_vals_test = y_vals[test_indices]

    def normalize_cols(m):
        col_max = m.max(axis=0)
        col_min = m.min(axis=0)
        return (m - col_min) / (col_max - col_min)

    x_vals_train = np.nan_to_num(normalize_cols(x_vals_train))
    x_vals_test = np.nan_to_num(normalize_cols(x_vals_test))

    batch_size = 50
    x_data = tf.placeholder(shape=[None, 3], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    hidden_layer_nodes = 10
    A1 = tf.Variable(tf.random_normal(shape=[3, hidden_layer_nodes]))
    b1 = tf.Variable(tf.random_normal(shape=[hidden_layer_nodes]))
    A2 = tf.Variable(tf.random_normal(shape=[hidden_layer_nodes, 1]))
    b2 = tf.Variable(tf.random_normal(shape=[1]))
    hidden_output = tf.nn.relu(tf.add(tf.matmul(x_data, A1), b1))
    final_output = tf.nn.relu(tf.add(tf.matmul(hidden_output, A2), b2))
    loss = tf.reduce_mean(tf.square(y_target - final_output))
    my_opt = tf.train.GradientDescentOptimizer(0.005)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    start_rng = np.random.RandomState(seed)
    for var in [A1, b1, A2, b2]:
        var.load(start_rng.normal(size=var.shape.as_list()).astype(np.float32), sess)

    loss_vec = []
    test_loss = []
    for _ in range(500):
        rand_index = np.random.choice(len(x_vals_train), size=batch_size)
        rand_x = x_vals_train[rand_index]
        rand_y = np.transpose([y_vals_train[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(np.sqrt(temp_loss))
        test_temp_loss = sess.run(loss, feed_dict={x_data: x_vals_test,
                                                   y_target: np.transpose([y_vals_test])})
        test_loss.append(np.sqrt(test_temp_loss))
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "first_test_loss": float(test_loss[0]), "last_test_loss": float(test_loss[-1])}
