"""Logistic regression on MNIST with ``tf.data``: Stanford CS20 ("TensorFlow for Deep
Learning Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/03_logreg.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c. One
reinitializable iterator ``tf.data.Iterator.from_structure(train_data.output_types,
train_data.output_shapes)`` with ``make_initializer`` for the training and the test
datasets, run once per epoch until ``OutOfRangeError``; ``tf.get_variable`` weights
(``random_normal_initializer(0, 0.01)``) and a ``(1, 10)`` zero bias, softmax cross
entropy, Adam at 0.01, and the number of correct test predictions summed batch by batch
(``reduce_sum`` of the cast ``equal``). As in ``utils.parse_data``, the images are
float32 and the one-hot labels float64 (``np.zeros((num, 10))``). Adapted: the MNIST
download and ``utils.read_mnist`` (bundled digits, ``common.read_data_sets``, 1400
training and 397 test images, no random validation split), no ``shuffle(10000)`` (its
order is backend-specific), 10 epochs instead of 30, same starting weights."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_epoch_loss": 1e-5, "last_epoch_loss": 1e-4, "accuracy": 3e-3,
           "n_batches": 0.0, "label_dtype": 0.0}


def read_mnist():
    """``utils.read_mnist``'s ``train, val, test`` tuples (float64 one-hot labels)."""
    mnist = read_data_sets("data/mnist", one_hot=False)

    def part(ds):
        labels = np.zeros((ds.num_examples, 10))
        labels[np.arange(ds.num_examples), ds.labels] = 1
        return ds.images, labels

    return part(mnist.train), part(mnist.validation), part(mnist.test)


def main(tf):
    # Define paramaters for the model
    learning_rate = 0.01
    batch_size = 128
    n_epochs = 10
    train, val, test = read_mnist()
    n_test = len(test[0])

    # Step 2: Create datasets and iterator
    train_data = tf.data.Dataset.from_tensor_slices(train)
    train_data = train_data.batch(batch_size)

    test_data = tf.data.Dataset.from_tensor_slices(test)
    test_data = test_data.batch(batch_size)

    iterator = tf.data.Iterator.from_structure(train_data.output_types,
                                               train_data.output_shapes)
    img, label = iterator.get_next()

    train_init = iterator.make_initializer(train_data)  # initializer for train_data
    test_init = iterator.make_initializer(test_data)    # initializer for train_data

    # Step 3: create weights and bias
    w = tf.get_variable(name='weights', shape=(784, 10),
                        initializer=tf.random_normal_initializer(0, 0.01))
    b = tf.get_variable(name='bias', shape=(1, 10), initializer=tf.zeros_initializer())

    # Step 4: build model
    logits = tf.matmul(img, w) + b

    # Step 5: define loss function
    entropy = tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=label,
                                                      name='entropy')
    loss = tf.reduce_mean(entropy, name='loss')

    # Step 6: define training op
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(loss)

    # Step 7: calculate accuracy with test set
    preds = tf.nn.softmax(logits)
    correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(label, 1))
    accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

    writer = tf.summary.FileWriter(tempfile.mkdtemp(), tf.get_default_graph())
    epoch_losses, batches = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)

        # train the model n_epochs times
        for i in range(n_epochs):  # noqa: B007 - the author's loop
            sess.run(train_init)  # drawing samples from train_data
            total_loss = 0
            n_batches = 0
            try:
                while True:
                    _, l = sess.run([optimizer, loss])  # noqa: E741
                    total_loss += l
                    n_batches += 1
            except tf.errors.OutOfRangeError:
                pass
            epoch_losses.append(total_loss / n_batches)
            batches.append(n_batches)

        # test the model
        sess.run(test_init)  # drawing samples from test_data
        total_correct_preds = 0
        try:
            while True:
                accuracy_batch = sess.run(accuracy)
                total_correct_preds += accuracy_batch
        except tf.errors.OutOfRangeError:
            pass
    writer.close()
    return {"first_epoch_loss": float(epoch_losses[0]),
            "last_epoch_loss": float(epoch_losses[-1]),
            "accuracy": float(total_correct_preds / n_test), "n_batches": batches[:2],
            "label_dtype": [label.dtype.name, str(label.shape), str(img.shape)]}
