"""Switching between training and held-out data with a *feedable* ``tf.data`` iterator,
the input idiom of the TF 1.x "Importing Data" guide and of TensorFlow Probability's
TF1 examples (``build_input_pipeline`` in ``examples/bayesian_neural_network.py``):
a ``repeat().batch()`` training dataset read by a one-shot iterator, a held-out dataset
read by an initializable iterator restarted for each evaluation, a ``tf.string``
placeholder ``handle`` and ``tf.data.Iterator.from_string_handle(handle,
training_batches.output_types, training_batches.output_shapes)`` whose ``get_next()``
feeds the model, the two handles fetched once with ``sess.run(it.string_handle())``.
The model is ``tf.layers.dense`` layers trained with ``tf.losses.
sparse_softmax_cross_entropy`` and Adam, with ``tf.metrics.accuracy`` (local variables
reset by ``local_variables_initializer`` before each evaluation pass, which runs until
``OutOfRangeError``). Adapted: the MNIST download (bundled digits), no shuffle (the
shuffle order is backend-specific), the Bayesian ``DenseFlipout`` layers of the tfp
example replaced by plain dense layers, short training, same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

# heldout_accuracy: one of the 397 held-out digits (0.0025) may flip its argmax with
# another float summation order (ONNX Runtime's GEMMs, ops/gemm.py, vs NumPy's).
COMPARE = {"train_loss": 1e-4, "heldout_accuracy": 3e-3, "heldout_runs": 0.0,
           "shapes": 0.0}


def build_input_pipeline(tf, mnist_data, batch_size, heldout_size):
    """An iterator switching between train and held-out data (chosen by the handle)."""
    training_dataset = tf.data.Dataset.from_tensor_slices(
        (mnist_data.train.images, np.int32(mnist_data.train.labels)))
    training_batches = training_dataset.repeat().batch(batch_size)
    training_iterator = training_batches.make_one_shot_iterator()

    heldout_dataset = tf.data.Dataset.from_tensor_slices(
        (mnist_data.validation.images, np.int32(mnist_data.validation.labels)))
    heldout_batches = heldout_dataset.batch(heldout_size)
    heldout_iterator = heldout_batches.make_initializable_iterator()

    handle = tf.placeholder(tf.string, shape=[])
    feedable_iterator = tf.data.Iterator.from_string_handle(
        handle, training_batches.output_types, training_batches.output_shapes)
    images, labels = feedable_iterator.get_next()
    return images, labels, handle, training_iterator, heldout_iterator


def main(tf):
    mnist_data = read_data_sets("/tmp/data/", one_hot=False)
    batch_size, heldout_size = 100, 128
    max_steps, viz_steps = 60, 20
    learning_rate = 0.001

    (images, labels, handle, training_iterator,
     heldout_iterator) = build_input_pipeline(tf, mnist_data, batch_size, heldout_size)

    with tf.name_scope("model", values=[images]):
        net = tf.layers.dense(images, 128, activation=tf.nn.relu)
        net = tf.layers.dense(net, 64, activation=tf.nn.relu)
        logits = tf.layers.dense(net, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    predictions = tf.argmax(logits, axis=1)
    accuracy, accuracy_update_op = tf.metrics.accuracy(labels=labels,
                                                       predictions=predictions)
    with tf.name_scope("train"):
        opt = tf.train.AdamOptimizer(learning_rate=learning_rate)
        train_op = opt.minimize(loss)

    init_op = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())
    heldout_runs = []
    with tf.Session() as sess:
        sess.run(init_op)
        same_start(sess, tf, biases=True)
        train_handle = sess.run(training_iterator.string_handle())
        heldout_handle = sess.run(heldout_iterator.string_handle())
        for step in range(max_steps):
            _, loss_value = sess.run([train_op, loss], feed_dict={handle: train_handle})
            if (step + 1) % viz_steps == 0:
                sess.run([heldout_iterator.initializer, tf.local_variables_initializer()])
                runs = 0
                while True:
                    try:
                        sess.run(accuracy_update_op, feed_dict={handle: heldout_handle})
                        runs += 1
                    except tf.errors.OutOfRangeError:
                        break
                heldout_runs.append(runs)
                heldout_accuracy = sess.run(accuracy)
        shapes = [images.shape.as_list(), labels.shape.as_list()]
    return {"train_loss": float(loss_value), "heldout_accuracy": float(heldout_accuracy),
            "heldout_runs": heldout_runs, "shapes": shapes}
