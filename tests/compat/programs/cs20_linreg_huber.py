"""Linear regression with the Huber loss over a ``tf.data`` pipeline: Stanford CS20
("TensorFlow for Deep Learning Research", Chip Huyen), repo
``chiphuyen/stanford-tensorflow-tutorials``, ``examples/03_linreg_dataset.py`` at commit
51e53daaa2a32cfe7a1966f060b28dbbd081791c, with its commented-out alternative loss
``utils.huber_loss(Y, Y_predicted)`` (``examples/utils.py``): ``|Y - Y_pred|`` and a
``tf.cond(residual < delta, f1, f2)`` between ``0.5 * square`` and ``delta * residual -
0.5 * square(delta)`` — the gradient flows through whichever branch the sample takes.
The birth-rate / life-expectancy pairs come one at a time from
``Dataset.from_tensor_slices((data[:,0], data[:,1]))`` through an initializable iterator
re-initialized every epoch and read until ``OutOfRangeError``; ``tf.get_variable`` scalars
initialized from ``tf.constant(0.0)``; SGD at 0.001; a ``FileWriter`` of the graph.
Adapted: ``data/birth_life_2010.txt`` replaced by 190 generated pairs of its shape
(birth rates 1-7.5, life expectancy falling about 6 years per unit with noise, a few
outliers so both Huber branches are taken), 50 epochs instead of 100, no plot."""

from __future__ import annotations

import tempfile

import numpy as np

COMPARE = {"first_epoch_loss": 1e-5, "last_epoch_loss": 1e-4, "w": 1e-4, "b": 1e-4, "branches": 0.0,
           "n_samples": 0.0}


def read_birth_life_data():
    """``utils.read_birth_life_data``'s return shape: float32 ``[n, 2]`` and ``n``."""
    rng = np.random.RandomState(2010)
    births = rng.uniform(1.0, 7.5, 190)
    lifes = 85.0 - 6.0 * births + rng.normal(0.0, 3.0, 190)
    lifes[::19] -= 25.0  # the countries far below the line the Huber loss is for
    data = np.asarray(list(zip(births, lifes)), dtype=np.float32)
    return data, len(data)


def huber_loss(tf, labels, predictions, delta=14.0):
    residual = tf.abs(labels - predictions)
    def f1(): return 0.5 * tf.square(residual)  # noqa: E704 - the author's layout
    def f2(): return delta * residual - 0.5 * tf.square(delta)  # noqa: E704
    return tf.cond(residual < delta, f1, f2)


def main(tf):
    # Step 1: read in the data
    data, n_samples = read_birth_life_data()

    # Step 2: create Dataset and iterator
    dataset = tf.data.Dataset.from_tensor_slices((data[:, 0], data[:, 1]))

    iterator = dataset.make_initializable_iterator()
    X, Y = iterator.get_next()

    # Step 3: create weight and bias, initialized to 0
    w = tf.get_variable('weights', initializer=tf.constant(0.0))
    b = tf.get_variable('bias', initializer=tf.constant(0.0))

    # Step 4: build model to predict Y
    Y_predicted = X * w + b

    # Step 5: the Huber loss (the author's alternative to the square error)
    loss = huber_loss(tf, Y, Y_predicted)

    # Step 6: using gradient descent with learning rate of 0.001 to minimize loss
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.001).minimize(loss)

    epoch_losses = []
    with tf.Session() as sess:
        # Step 7: initialize the necessary variables, in this case, w and b
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)

        # Step 8: train the model for 50 epochs
        for i in range(50):  # noqa: B007 - the author's loop
            sess.run(iterator.initializer)  # initialize the iterator
            total_loss = 0
            try:
                while True:
                    _, l = sess.run([optimizer, loss])  # noqa: E741
                    total_loss += l
            except tf.errors.OutOfRangeError:
                pass
            epoch_losses.append(float(total_loss / n_samples))

        # close the writer when you're done using it
        writer.close()

        # Step 9: output the values of w and b
        w_out, b_out = sess.run([w, b])
    residual = np.abs(data[:, 1] - (data[:, 0] * w_out + b_out))
    return {"first_epoch_loss": epoch_losses[0], "last_epoch_loss": epoch_losses[-1],
             "w": float(w_out), "b": float(b_out),
            "branches": [int(np.sum(residual < 14.0)), int(np.sum(residual >= 14.0))],
            "n_samples": [n_samples, len(epoch_losses)]}
