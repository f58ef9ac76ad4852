"""Multi-class Gaussian-kernel SVM (one against all, the dual form): nfmcclure's
tensorflow_cookbook, ``04_Support_Vector_Machines/06_Implementing_Multiclass_SVMs/
06_multiclass_svm.py``. An RBF kernel from ``exp(gamma * |2 X X^T|)``, the one-vs-all
labels multiplied pairwise by a batched ``matmul`` of ``[3, n, 1] x [3, 1, n]`` tensors,
a loss summed over ``[1, 2]``, the prediction kernel against a second placeholder and an
``argmax`` over classes of the mean-centred outputs; plain SGD on the ``[3, 50]`` dual
variables.

Adapted: the iris download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped
draw of :func:`common.load_iris` (sepal length and petal width, as the recipe takes); the
batches come from a seeded ``RandomState`` instead of the global ``np.random``; ``b``'s
``random_normal`` start is loaded from a NumPy draw so both backends start alike; 60
generations instead of 100; the matplotlib plots are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import load_iris

COMPARE = {"first_loss": 1e-4, "last_loss": 1e-3, "mean_accuracy": 1e-6,
           "grid_predictions": 0.0}


def main(tf):
    (train_x, train_y), (test_x, test_y) = load_iris()
    target = np.concatenate([train_y, test_y])
    sepal = np.concatenate([train_x["SepalLength"], test_x["SepalLength"]])
    petal = np.concatenate([train_x["PetalWidth"], test_x["PetalWidth"]])
    x_vals = np.array([[a, d] for a, d in zip(sepal, petal)])
    y_vals1 = np.array([1 if y == 0 else -1 for y in target])
    y_vals2 = np.array([1 if y == 1 else -1 for y in target])
    y_vals3 = np.array([1 if y == 2 else -1 for y in target])
    y_vals = np.array([y_vals1, y_vals2, y_vals3])

    sess = tf.Session()
    batch_size = 50
    x_data = tf.placeholder(shape=[None, 2], dtype=tf.float32)
    y_target = tf.placeholder(shape=[3, None], dtype=tf.float32)
    prediction_grid = tf.placeholder(shape=[None, 2], dtype=tf.float32)
    b = tf.Variable(tf.random_normal(shape=[3, batch_size]))

    gamma = tf.constant(-10.0)
    dist = tf.reduce_sum(tf.square(x_data), 1)
    dist = tf.reshape(dist, [-1, 1])
    sq_dists = tf.multiply(2., tf.matmul(x_data, tf.transpose(x_data)))
    my_kernel = tf.exp(tf.multiply(gamma, tf.abs(sq_dists)))

    def reshape_matmul(mat, _size):
        v1 = tf.expand_dims(mat, 1)
        v2 = tf.reshape(v1, [3, _size, 1])
        return tf.matmul(v2, v1)

    first_term = tf.reduce_sum(b)
    b_vec_cross = tf.matmul(tf.transpose(b), b)
    y_target_cross = reshape_matmul(y_target, batch_size)
    second_term = tf.reduce_sum(tf.multiply(my_kernel, tf.multiply(b_vec_cross, y_target_cross)),
                                [1, 2])
    loss = tf.reduce_sum(tf.negative(tf.subtract(first_term, second_term)))

    rA = tf.reshape(tf.reduce_sum(tf.square(x_data), 1), [-1, 1])
    rB = tf.reshape(tf.reduce_sum(tf.square(prediction_grid), 1), [-1, 1])
    pred_sq_dist = tf.add(tf.subtract(rA, tf.multiply(2., tf.matmul(x_data,
                                                                    tf.transpose(prediction_grid)))),
                          tf.transpose(rB))
    pred_kernel = tf.exp(tf.multiply(gamma, tf.abs(pred_sq_dist)))
    prediction_output = tf.matmul(tf.multiply(y_target, b), pred_kernel)
    prediction = tf.argmax(prediction_output
                           - tf.expand_dims(tf.reduce_mean(prediction_output, 1), 1), 0)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, tf.argmax(y_target, 0)), tf.float32))

    my_opt = tf.train.GradientDescentOptimizer(0.01)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    rng = np.random.RandomState(5)
    b.load(rng.normal(size=[3, batch_size]).astype(np.float32), sess)

    loss_vec = []
    batch_accuracy = []
    for _ in range(60):
        rand_index = rng.choice(len(x_vals), size=batch_size)
        rand_x = x_vals[rand_index]
        rand_y = y_vals[:, rand_index]
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss)
        acc_temp = sess.run(accuracy, feed_dict={x_data: rand_x, y_target: rand_y,
                                                 prediction_grid: rand_x})
        batch_accuracy.append(acc_temp)

    x_min, x_max = x_vals[:, 0].min() - 1, x_vals[:, 0].max() + 1
    y_min, y_max = x_vals[:, 1].min() - 1, x_vals[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, 0.5), np.arange(y_min, y_max, 0.5))
    grid_points = np.c_[xx.ravel(), yy.ravel()]
    grid_predictions = sess.run(prediction, feed_dict={x_data: rand_x, y_target: rand_y,
                                                       prediction_grid: grid_points})
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "mean_accuracy": float(np.mean(batch_accuracy)),
            "grid_predictions": [int(p) for p in grid_predictions[:40]]}
