"""The Keras blog's "Keras as a simplified interface to TensorFlow" MNIST tutorial
(F. Chollet, 2016) as TF1 users ran it, here in the form of chenlijn/playground's
``keras/exercise1/interface_to_tensorflow.py``: Keras ``Dense`` layers called on a TF
placeholder, Keras's ``categorical_crossentropy`` on the softmax output, a
``GradientDescentOptimizer(0.5)`` step run with ``train_step.run`` inside
``sess.as_default()``, the learning phase fed (1 to train, 0 for the printed loss) and
``categorical_accuracy`` evaluated on the test set.

Adapted: the standalone ``keras`` imports are tf.keras's (``backend``, ``layers.Dense``,
``losses`` for ``keras.objectives``, ``metrics``); the bundled digits replace the MNIST
download; 25 steps instead of 1500 (at the tutorial's learning rate of 0.5 the loss
on these inputs turns chaotic after ~30 steps, where float rounding decides); the
per-step loss print kept as the last value; ``same_start`` gives both backends the same
weights; the test set is its first 300 images.
"""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "test_accuracy": 1e-6, "first_loss": 1e-5}


def main(tf):
    sess = tf.Session()

    K = tf.keras.backend
    K.set_session(sess)

    img = tf.placeholder(tf.float32, shape=(None, 784))

    Dense = tf.keras.layers.Dense

    x = Dense(128, activation="relu")(img)
    x = Dense(128, activation="relu")(x)
    preds = Dense(10, activation="softmax")(x)

    labels = tf.placeholder(tf.float32, shape=(None, 10))

    categorical_crossentropy = tf.keras.losses.categorical_crossentropy
    loss = tf.reduce_mean(categorical_crossentropy(labels, preds))

    mnist_data = read_data_sets("MNIST_data", one_hot=True)

    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    init_op = tf.global_variables_initializer()
    sess.run(init_op)
    same_start(sess, tf)

    losses = []
    with sess.as_default():
        for _ in range(25):
            batch = mnist_data.train.next_batch(50)
            train_step.run(feed_dict={img: batch[0], labels: batch[1],
                                      K.learning_phase(): 1})
            loss_ = sess.run([loss], feed_dict={img: batch[0], labels: batch[1],
                                                K.learning_phase(): 0})
            losses.append(loss_[0])

    # evaluate the model
    accuracy = tf.keras.metrics.categorical_accuracy

    acc_value = accuracy(labels, preds)
    with sess.as_default():
        acc = acc_value.eval(feed_dict={img: mnist_data.test.images[:300],
                                        labels: mnist_data.test.labels[:300]})
    sess.close()
    return {"loss": float(losses[-1]), "first_loss": float(losses[0]),
            "test_accuracy": float(acc.mean())}
