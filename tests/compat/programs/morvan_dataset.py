"""Training from a ``tf.data`` pipeline fed through placeholders, from MorvanZhou's
"Tensorflow-Tutorial" (github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/306_dataset.py``):
``tf.data.Dataset.from_tensor_slices((tfx, tfy))`` over float64 placeholders,
``.batch(32).repeat(3)`` read by ``make_initializable_iterator()``, whose initializer runs
with the variables' in one ``sess.run`` given the training arrays; the net reads
``iterator.get_next()``, and the test loss is computed by feeding the test arrays straight
into the iterator's output tensors ``bx, by``; the loop stops at ``OutOfRangeError`` after
the third epoch (75 batches of 800 examples, the last of each epoch 32 long: 800 = 25 * 32).

Adapted: ``np.random.seed(1)`` first (the original draws unseeded data); the
``shuffle(buffer_size=1000)`` is left out (each backend shuffles with its own generator,
so the batches would differ); the weights start from ``same_start``'s draw; the prints
are collected and returned instead.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_loss": 1e-5, "test_loss": 1e-5, "test_losses": 1e-5, "steps": 0.0,
           "finished": 0.0, "batch_shape": 0.0}


def main(tf):
    np.random.seed(1)

    # load your data or create your data in here
    npx = np.random.uniform(-1, 1, (1000, 1))                           # x data
    npy = np.power(npx, 2) + np.random.normal(0, 0.1, size=npx.shape)   # y data
    npx_train, npx_test = np.split(npx, [800])                          # training and test data
    npy_train, npy_test = np.split(npy, [800])

    # use placeholder, later you may need different data, pass the different data into
    # placeholder
    tfx = tf.placeholder(npx_train.dtype, npx_train.shape)
    tfy = tf.placeholder(npy_train.dtype, npy_train.shape)

    # create dataloader
    dataset = tf.data.Dataset.from_tensor_slices((tfx, tfy))
    dataset = dataset.batch(32)                   # batch size you will use
    dataset = dataset.repeat(3)                   # repeat for 3 epochs
    iterator = dataset.make_initializable_iterator()  # later we have to initialize this one

    # your network
    bx, by = iterator.get_next()                  # use batch to update
    l1 = tf.layers.dense(bx, 10, tf.nn.relu)
    out = tf.layers.dense(l1, npy.shape[1])
    loss = tf.losses.mean_squared_error(by, out)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

    sess = tf.Session()
    # need to initialize the iterator in this case
    sess.run([iterator.initializer, tf.global_variables_initializer()],
             feed_dict={tfx: npx_train, tfy: npy_train})
    same_start(sess, tf, seed=6)

    printed, finished = [], False
    for step in range(201):
        try:
            _, trainl = sess.run([train, loss])                       # train
            if step % 10 == 0:
                testl = sess.run(loss, {bx: npx_test, by: npy_test})    # test
                printed.append((step, float(trainl), float(testl)))
        except tf.errors.OutOfRangeError:  # if training takes more than 3 epochs, training
            finished = True                # will be stopped
            break

    return {"train_loss": float(trainl), "test_loss": printed[-1][2],
            "test_losses": float(sum(p[2] for p in printed)), "steps": [step],
            "finished": [finished], "batch_shape": [bx.shape.as_list(), str(bx.dtype.name)]}
