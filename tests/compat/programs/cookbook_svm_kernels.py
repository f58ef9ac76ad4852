"""Gaussian-kernel SVM on two circles (the dual form): nfmcclure's tensorflow_cookbook,
``04_Support_Vector_Machines/04_Working_with_Kernels/04_svm_kernels.py``. The RBF kernel of
a batch against itself from ``dist - 2 X X^T + dist^T``, the dual loss
``-(sum(b) - sum(K * (b^T b) * (y y^T)))`` minimised by gradient descent on the
``[1, 350]`` dual variables, predictions ``sign(out - mean(out))`` for a second
placeholder of points, and the six diagonal points the recipe classifies at the end.

Adapted: ``sklearn.datasets.make_circles(n_samples=350, factor=.5, noise=.1)`` is replaced
by the same construction in NumPy (175 points on the unit circle and 175 on the circle of
radius 0.5, evenly spaced, with normal noise of sd 0.1, from a seeded ``RandomState``); the
batches come from that ``RandomState`` instead of the global ``np.random`` (the recipe sets
no seed); ``b``'s ``random_normal`` start is loaded from a NumPy draw so both backends
start alike; 150 generations instead of 1000; the grid for the contour plot has a 0.1
step instead of 0.02 and only a strip of its predictions is returned; the progress prints
and the matplotlib plots are left out."""

from __future__ import annotations

import numpy as np

COMPARE = {"first_loss": 1e-4, "last_loss": 1e-3, "mean_accuracy": 1e-6,
           "grid_predictions": 0.0, "evaluations": 0.0}


def make_circles(rng, n_samples=350, factor=.5, noise=.1):
    n_out = n_samples // 2
    n_in = n_samples - n_out
    out_angles = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    in_angles = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.vstack([np.c_[np.cos(out_angles), np.sin(out_angles)],
                   factor * np.c_[np.cos(in_angles), np.sin(in_angles)]])
    y = np.hstack([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    order = rng.permutation(n_samples)
    return x[order] + rng.normal(scale=noise, size=x.shape), y[order]


def main(tf):
    rng = np.random.RandomState(11)
    sess = tf.Session()
    (x_vals, y_vals) = make_circles(rng, n_samples=350, factor=.5, noise=.1)
    y_vals = np.array([1 if y == 1 else -1 for y in y_vals])

    batch_size = 350
    x_data = tf.placeholder(shape=[None, 2], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    prediction_grid = tf.placeholder(shape=[None, 2], dtype=tf.float32)
    b = tf.Variable(tf.random_normal(shape=[1, batch_size]))

    gamma = tf.constant(-50.0)
    dist = tf.reduce_sum(tf.square(x_data), 1)
    dist = tf.reshape(dist, [-1, 1])
    sq_dists = tf.add(tf.subtract(dist, tf.multiply(2., tf.matmul(x_data, tf.transpose(
        x_data)))), tf.transpose(dist))
    my_kernel = tf.exp(tf.multiply(gamma, tf.abs(sq_dists)))

    first_term = tf.reduce_sum(b)
    b_vec_cross = tf.matmul(tf.transpose(b), b)
    y_target_cross = tf.matmul(y_target, tf.transpose(y_target))
    second_term = tf.reduce_sum(tf.multiply(my_kernel, tf.multiply(b_vec_cross,
                                                                   y_target_cross)))
    loss = tf.negative(tf.subtract(first_term, second_term))

    rA = tf.reshape(tf.reduce_sum(tf.square(x_data), 1), [-1, 1])
    rB = tf.reshape(tf.reduce_sum(tf.square(prediction_grid), 1), [-1, 1])
    pred_sq_dist = tf.add(tf.subtract(rA, tf.multiply(2., tf.matmul(
        x_data, tf.transpose(prediction_grid)))), tf.transpose(rB))
    pred_kernel = tf.exp(tf.multiply(gamma, tf.abs(pred_sq_dist)))
    prediction_output = tf.matmul(tf.multiply(tf.transpose(y_target), b), pred_kernel)
    prediction = tf.sign(prediction_output - tf.reduce_mean(prediction_output))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.squeeze(prediction), tf.squeeze(y_target)),
                                      tf.float32))

    my_opt = tf.train.GradientDescentOptimizer(0.002)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    b.load(rng.normal(size=[1, batch_size]).astype(np.float32), sess)

    loss_vec = []
    batch_accuracy = []
    for _ in range(150):
        rand_index = rng.choice(len(x_vals), size=batch_size)
        rand_x = x_vals[rand_index]
        rand_y = np.transpose([y_vals[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss)
        acc_temp = sess.run(accuracy, feed_dict={x_data: rand_x, y_target: rand_y,
                                                 prediction_grid: rand_x})
        batch_accuracy.append(acc_temp)

    x_min, x_max = x_vals[:, 0].min() - 1, x_vals[:, 0].max() + 1
    y_min, y_max = x_vals[:, 1].min() - 1, x_vals[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, 0.1), np.arange(y_min, y_max, 0.1))
    grid_points = np.c_[xx.ravel(), yy.ravel()]
    [grid_predictions] = sess.run(prediction, feed_dict={x_data: rand_x, y_target: rand_y,
                                                         prediction_grid: grid_points})
    grid_predictions = grid_predictions.reshape(xx.shape)

    new_points = np.array([(-0.75, -0.75), (-0.5, -0.5), (-0.25, -0.25),
                           (0.25, 0.25), (0.5, 0.5), (0.75, 0.75)])
    [evaluations] = sess.run(prediction, feed_dict={x_data: x_vals,
                                                    y_target: np.transpose([y_vals]),
                                                    prediction_grid: new_points})
    sess.close()
    middle = grid_predictions[grid_predictions.shape[0] // 2]
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "mean_accuracy": float(np.mean(batch_accuracy)),
            "grid_predictions": [int(p) for p in middle],
            "evaluations": [int(e) for e in evaluations]}
