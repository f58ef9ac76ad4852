"""Eight tanh layers with and without batch normalization, from MorvanZhou's
"Tensorflow-Tutorial" (github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6,
``tutorial-contents/502_batch_normalization.py``): an ``NN`` class built twice in one graph,
``tf.layers.dense`` layers with ``tf.random_normal_initializer(0., .1)`` kernels and a bad
``tf.constant_initializer(-0.2)`` bias, the BN net normalizing its input with
``tf.layers.batch_normalization(tf_x, training=tf_is_train)`` and each pre-activation with
``momentum=0.4``; each net's ``AdamOptimizer(0.03)`` built under
``tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`` (the second net's
collection holds the first net's update ops too: none); epochs of batches of 64 cut from
reshuffled data, the last one shorter; the test loss and every layer's input and
pre-activation fetched (lists of tensors) with ``tf_is_train: False`` after each epoch's
first batch; the final predictions.

Adapted: 2 epochs instead of 12 over 640 samples instead of 2000 (the same
``linspace(-7, 10, ...)`` range); the kernels start from ``same_start``'s draw instead of
each backend's seeded normal draw (the -0.2 biases and the BN parameters keep their
initializers); the matplotlib figures (the histograms of each layer's input and
pre-activation, the test-loss curves, the predicted lines) are left out and their numbers
returned; one more fetch at the end, the BN net's loss in training mode (see
``COMPARE``'s comment).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

# The BN net has parameters whose gradients are rounding noise: the biases of the dense
# layers in front of each batch norm (the normalization subtracts them), the gamma and
# beta of the batch norm on the 1-feature input and the first hidden kernel (the next
# batch norm divides their scale away). Adam turns noise of either sign into steps of
# the full learning rate, so those parameters, and what follows them (the moving means,
# the moving variances after the first layer), part a little between two backends, or
# between two summation orders in one. The BN net's numbers get 5e-2 when they pass
# through the moving means (test mode) and 1e-3 for its training-mode loss and moving
# variances; the gamma and beta of the later batch norms and the plain net's numbers are
# compared tightly, and the moving means themselves are not returned.
COMPARE = {"losses": 1e-4, "losses_bn": 5e-2, "pred_sum": 1e-4, "pred_bn_sum": 5e-2,
           "layer_input_std": 1e-4, "layer_input_bn_std": 5e-2, "train_mode_loss_bn": 1e-3,
           "moving_var_sum": 1e-3, "gamma_beta_sum": 1e-4, "n_update_ops": 0.0,
           "n_batches": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # Hyper parameters
    N_SAMPLES = 640
    BATCH_SIZE = 64
    EPOCH = 2
    LR = 0.03
    N_HIDDEN = 8
    ACTIVATION = tf.nn.tanh
    B_INIT = tf.constant_initializer(-0.2)      # use a bad bias initialization

    # training data
    x = np.linspace(-7, 10, N_SAMPLES)[:, np.newaxis]
    np.random.shuffle(x)
    noise = np.random.normal(0, 2, x.shape)
    y = np.square(x) - 5 + noise
    train_data = np.hstack((x, y))

    # test data
    test_x = np.linspace(-7, 10, 200)[:, np.newaxis]
    noise = np.random.normal(0, 2, test_x.shape)
    test_y = np.square(test_x) - 5 + noise

    # tensorflow placeholder
    tf_x = tf.placeholder(tf.float32, [None, 1])
    tf_y = tf.placeholder(tf.float32, [None, 1])
    tf_is_train = tf.placeholder(tf.bool, None)     # flag for using BN on training or testing

    class NN(object):  # noqa: UP004
        def __init__(self, batch_normalization=False):
            self.is_bn = batch_normalization

            self.w_init = tf.random_normal_initializer(0., .1)  # weights initialization
            self.pre_activation = [tf_x]
            if self.is_bn:
                self.layer_input = [tf.layers.batch_normalization(
                    tf_x, training=tf_is_train)]  # for input data
            else:
                self.layer_input = [tf_x]
            for i in range(N_HIDDEN):  # adding hidden layers  # noqa: B007
                self.layer_input.append(self.add_layer(self.layer_input[-1], 10,
                                                       ac=ACTIVATION))
            self.out = tf.layers.dense(self.layer_input[-1], 1, kernel_initializer=self.w_init,
                                       bias_initializer=B_INIT)
            self.loss = tf.losses.mean_squared_error(tf_y, self.out)

            # !! IMPORTANT !! the moving_mean and moving_variance need to be updated,
            # pass the update_ops with control_dependencies to the train_op
            update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
            with tf.control_dependencies(update_ops):
                self.train = tf.train.AdamOptimizer(LR).minimize(self.loss)

        def add_layer(self, x, out_size, ac=None):
            x = tf.layers.dense(x, out_size, kernel_initializer=self.w_init,
                                bias_initializer=B_INIT)
            self.pre_activation.append(x)
            # the momentum plays important rule. the default 0.99 is too high in this case!
            if self.is_bn:  # when have BN
                x = tf.layers.batch_normalization(x, momentum=0.4, training=tf_is_train)
            out = x if ac is None else ac(x)
            return out

    nets = [NN(batch_normalization=False), NN(batch_normalization=True)]  # two nets

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=14)

    losses = [[], []]   # record test loss
    stds = [[], []]
    n_batches = 0
    for epoch in range(EPOCH):  # noqa: B007
        np.random.shuffle(train_data)
        step = 0
        in_epoch = True
        while in_epoch:
            b_s, b_f = ((step*BATCH_SIZE) % len(train_data),
                        ((step+1)*BATCH_SIZE) % len(train_data))  # batch index
            step += 1
            if b_f < b_s:
                b_f = len(train_data)
                in_epoch = False
            b_x, b_y = train_data[b_s: b_f, 0:1], train_data[b_s: b_f, 1:2]  # batch data
            sess.run([nets[0].train, nets[1].train],
                     {tf_x: b_x, tf_y: b_y, tf_is_train: True})     # train
            n_batches += 1

            if step == 1:
                l0, l1, l_in, l_in_bn, pa, pa_bn = sess.run(
                    [nets[0].loss, nets[1].loss, nets[0].layer_input, nets[1].layer_input,
                     nets[0].pre_activation, nets[1].pre_activation],
                    {tf_x: test_x, tf_y: test_y, tf_is_train: False})
                [loss.append(l) for loss, l in zip(losses, [l0, l1])]  # recode test loss  # noqa: E741
                stds[0].append(float(np.sum([np.std(a) for a in l_in[1:]])))
                stds[1].append(float(np.sum([np.std(a) for a in l_in_bn[1:]])))

    # plot prediction line
    pred, pred_bn = sess.run([nets[0].out, nets[1].out], {tf_x: test_x, tf_is_train: False})
    # the BN net in training mode (batch statistics of the test data, no update run)
    train_mode_loss_bn = sess.run(nets[1].loss, {tf_x: test_x, tf_y: test_y, tf_is_train: True})
    bn_vars = {v.op.name: sess.run(v) for v in tf.global_variables()
               if v.op.name.startswith('batch_normalization') and 'Adam' not in v.op.name}
    weights = np.arange(1, 201)[:, None] / 200
    return {"losses": float(np.sum(losses[0])), "losses_bn": float(np.sum(losses[1])),
            "pred_sum": float(np.sum(pred * weights)),
            "pred_bn_sum": float(np.sum(pred_bn * weights)),
            "layer_input_std": float(np.sum(stds[0])),
            "layer_input_bn_std": float(np.sum(stds[1])),
            "train_mode_loss_bn": float(train_mode_loss_bn),
            "moving_var_sum": float(sum(np.sum(v) for k, v in bn_vars.items()
                                        if k.endswith('moving_variance'))),
            "gamma_beta_sum": float(sum(np.sum(v) * (2 if k.endswith('beta') else 1)
                                        for k, v in bn_vars.items()
                                        if k.endswith(('gamma', 'beta'))
                                        and not k.startswith('batch_normalization/'))),
            "n_update_ops": [len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))],
            "n_batches": [n_batches]}
