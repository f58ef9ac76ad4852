"""Four optimizers racing on one regression, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/304_optimizer.py``):
a ``Net`` class built four times in one graph, each given an optimizer class and its
keyword arguments (``GradientDescentOptimizer``, ``MomentumOptimizer(momentum=0.9)``,
``RMSPropOptimizer``, ``AdamOptimizer``, all at ``LR = 0.01``); every step draws a batch
of 32 indices with ``np.random.randint`` and runs the four nets on it, recording each
net's loss.

Adapted: 60 steps instead of 300; the weights start from ``same_start``'s draw (the
biases stay zero); the matplotlib plots (the data and the four loss curves) are left
out, and each curve's last loss and sum are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"last_losses": 0.0, "loss_SGD": 1e-5, "loss_Momentum": 1e-5,
           "loss_RMSprop": 1e-5, "loss_Adam": 1e-5, "curve_SGD": 1e-5,
           "curve_Momentum": 1e-5, "curve_RMSprop": 1e-5, "curve_Adam": 1e-5,
           "variables": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    LR = 0.01
    BATCH_SIZE = 32

    # fake data
    x = np.linspace(-1, 1, 100)[:, np.newaxis]          # shape (100, 1)
    noise = np.random.normal(0, 0.1, size=x.shape)
    y = np.power(x, 2) + noise                          # shape (100, 1) + some noise

    # default network
    class Net:
        def __init__(self, opt, **kwargs):
            self.x = tf.placeholder(tf.float32, [None, 1])
            self.y = tf.placeholder(tf.float32, [None, 1])
            l = tf.layers.dense(self.x, 20, tf.nn.relu)  # noqa: E741
            out = tf.layers.dense(l, 1)
            self.loss = tf.losses.mean_squared_error(self.y, out)
            self.train = opt(LR, **kwargs).minimize(self.loss)

    # different nets
    net_SGD         = Net(tf.train.GradientDescentOptimizer)
    net_Momentum    = Net(tf.train.MomentumOptimizer, momentum=0.9)
    net_RMSprop     = Net(tf.train.RMSPropOptimizer)
    net_Adam        = Net(tf.train.AdamOptimizer)
    nets = [net_SGD, net_Momentum, net_RMSprop, net_Adam]

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=4)

    losses_his = [[], [], [], []]   # record loss

    # training
    for step in range(60):          # for each training step  # noqa: B007
        index = np.random.randint(0, x.shape[0], BATCH_SIZE)
        b_x = x[index]
        b_y = y[index]

        for net, l_his in zip(nets, losses_his):
            _, l = sess.run([net.train, net.loss], {net.x: b_x, net.y: b_y})  # noqa: E741
            l_his.append(l)     # loss recoder

    labels = ['SGD', 'Momentum', 'RMSprop', 'Adam']
    result = {"last_losses": [len(h) for h in losses_his],
              "variables": sorted(v.op.name for v in tf.global_variables())}
    for label, l_his in zip(labels, losses_his):
        result[f"loss_{label}"] = float(l_his[-1])
        result[f"curve_{label}"] = float(np.sum(l_his))
    return result
