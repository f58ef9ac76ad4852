"""Gates with activation functions: nfmcclure's tensorflow_cookbook, ``06_Neural_Networks/
03_Working_with_Activation_Functions/03_activation_functions.py``. A sigmoid gate and a
ReLU gate, ``act(x a + b)`` of ``[1, 1]`` variables, each pulled towards 0.75 by its own
``minimize`` of one shared ``GradientDescentOptimizer`` (built after the variables were
initialised), trained side by side on the same batches.

Adapted: the ``random_normal`` / ``random_uniform`` starts of ``a1``, ``b1``, ``a2``, ``b2``
are loaded from NumPy draws so both backends start alike; the prints and the matplotlib
plot are left out (the losses and mean outputs are returned)."""

from __future__ import annotations

import numpy as np

COMPARE = {"first_loss_sigmoid": 1e-5, "last_loss_sigmoid": 1e-4, "first_loss_relu": 1e-5,
           "last_loss_relu": 1e-4, "sigmoid_output": 1e-5, "relu_output": 1e-5}


def main(tf):
    sess = tf.Session()
    tf.set_random_seed(5)
    np.random.seed(42)
    batch_size = 50
    a1 = tf.Variable(tf.random_normal(shape=[1, 1]))
    b1 = tf.Variable(tf.random_uniform(shape=[1, 1]))
    a2 = tf.Variable(tf.random_normal(shape=[1, 1]))
    b2 = tf.Variable(tf.random_uniform(shape=[1, 1]))
    x = np.random.normal(2, 0.1, 500)
    x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    sigmoid_activation = tf.sigmoid(tf.add(tf.matmul(x_data, a1), b1))
    relu_activation = tf.nn.relu(tf.add(tf.matmul(x_data, a2), b2))
    loss1 = tf.reduce_mean(tf.square(tf.subtract(sigmoid_activation, 0.75)))
    loss2 = tf.reduce_mean(tf.square(tf.subtract(relu_activation, 0.75)))
    init = tf.global_variables_initializer()
    sess.run(init)
    for var, value in [(a1, np.random.normal(size=[1, 1])), (b1, np.random.uniform(size=[1, 1])),
                       (a2, np.random.normal(size=[1, 1])), (b2, np.random.uniform(size=[1, 1]))]:
        var.load(value.astype(np.float32), sess)
    my_opt = tf.train.GradientDescentOptimizer(0.01)
    train_step_sigmoid = my_opt.minimize(loss1)
    train_step_relu = my_opt.minimize(loss2)

    loss_vec_sigmoid = []
    loss_vec_relu = []
    for _ in range(500):
        rand_indices = np.random.choice(len(x), size=batch_size)
        x_vals = np.transpose([x[rand_indices]])
        sess.run(train_step_sigmoid, feed_dict={x_data: x_vals})
        sess.run(train_step_relu, feed_dict={x_data: x_vals})
        loss_vec_sigmoid.append(sess.run(loss1, feed_dict={x_data: x_vals}))
        loss_vec_relu.append(sess.run(loss2, feed_dict={x_data: x_vals}))
        sigmoid_output = np.mean(sess.run(sigmoid_activation, feed_dict={x_data: x_vals}))
        relu_output = np.mean(sess.run(relu_activation, feed_dict={x_data: x_vals}))
    sess.close()
    return {"first_loss_sigmoid": float(loss_vec_sigmoid[0]),
            "last_loss_sigmoid": float(loss_vec_sigmoid[-1]),
            "first_loss_relu": float(loss_vec_relu[0]), "last_loss_relu": float(loss_vec_relu[-1]),
            "sigmoid_output": float(sigmoid_output), "relu_output": float(relu_output)}
