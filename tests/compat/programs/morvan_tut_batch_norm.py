"""Batch normalization written out with ``tf.nn.moments`` and an
``ExponentialMovingAverage``, from MorvanZhou's older "tutorials" repository
(github.com/MorvanZhou/tutorials at commit c36c8995951bc09890efd329635c2b74bd532610,
``tensorflowTUT/tf23_BN/tf23_BN.py``): ``built_net`` stacks 7 relu layers of 30 units
(``tf.random_normal`` weights, biases ``tf.zeros([1, out_size]) + 0.1``, the input size
read as ``get_shape()[1].value``), with ``norm`` normalizing the input and every layer's
pre-activation by ``tf.nn.moments(axes=[0])``, an ``ExponentialMovingAverage(decay=0.5)``
applied to the batch mean and variance and their ``tf.identity``s under its
``control_dependencies``, ``tf.nn.batch_normalization`` with ``scale``/``shift``
variables; ``fix_seed`` calls ``np.random.seed`` and ``tf.set_random_seed`` while the net is
built; a squared-error cost with ``reduce_sum(..., reduction_indices=[1])`` and
``GradientDescentOptimizer(0.001)``; both nets trained in one ``sess.run`` on batches of 10
and their costs on all the data recorded every 5 steps, every layer's input fetched (lists
of tensors) every 50.

Adapted: 2500 samples become 500 (the same ``linspace(-7, 10, ...)`` range and noise);
5 steps instead of 250, layer inputs fetched every 5 instead of 50 (past about 10
steps the plain net overflows to NaN, the tutorial's point, and the BN net, whose batches
of 10 leave some units with zero variance, turns rounding differences into visible ones:
at 10 steps, where NumPy's OpenBLAS runs its AVX-512 kernels, by 0.6 %);
the weights start from ``same_start``'s draw (the 0.1 biases stay) instead of each
backend's seeded normal draw; the matplotlib figures (the data, the histograms of each
layer's inputs, the two cost curves) are left out and their numbers returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cost_his": 1e-4, "cost_his_norm": 1e-4, "last_cost": 1e-4,
           "last_cost_norm": 1e-4, "inputs_std": 1e-4, "inputs_norm_std": 1e-4,
           "ema_sum": 1e-4, "n_records": 0.0, "ema_names": 0.0}

ACTIVATION = None  # tf.nn.relu, set in main (the module is imported under both backends)
N_LAYERS = 7
N_HIDDEN_UNITS = 30


def main(tf):
    global ACTIVATION
    ACTIVATION = tf.nn.relu

    def fix_seed(seed=1):
        # reproducible
        np.random.seed(seed)
        tf.set_random_seed(seed)

    def built_net(xs, ys, norm):
        def add_layer(inputs, in_size, out_size, activation_function=None, norm=False):
            # weights and biases (bad initialization for this case)
            Weights = tf.Variable(tf.random_normal([in_size, out_size], mean=0., stddev=1.))
            biases = tf.Variable(tf.zeros([1, out_size]) + 0.1)

            # fully connected product
            Wx_plus_b = tf.matmul(inputs, Weights) + biases

            # normalize fully connected product
            if norm:
                # Batch Normalize
                fc_mean, fc_var = tf.nn.moments(
                    Wx_plus_b,
                    axes=[0],   # the dimension you wanna normalize, here [0] for batch
                                # for image, you wanna do [0, 1, 2] for [batch, height,
                                # width] but not channel
                )
                scale = tf.Variable(tf.ones([out_size]))
                shift = tf.Variable(tf.zeros([out_size]))
                epsilon = 0.001

                # apply moving average for mean and var when train on batch
                ema = tf.train.ExponentialMovingAverage(decay=0.5)

                def mean_var_with_update():
                    ema_apply_op = ema.apply([fc_mean, fc_var])
                    with tf.control_dependencies([ema_apply_op]):
                        return tf.identity(fc_mean), tf.identity(fc_var)
                mean, var = mean_var_with_update()

                Wx_plus_b = tf.nn.batch_normalization(Wx_plus_b, mean, var, shift, scale,
                                                      epsilon)
                # similar with this two steps:
                # Wx_plus_b = (Wx_plus_b - fc_mean) / tf.sqrt(fc_var + 0.001)
                # Wx_plus_b = Wx_plus_b * scale + shift

            # activation
            if activation_function is None:
                outputs = Wx_plus_b
            else:
                outputs = activation_function(Wx_plus_b)

            return outputs

        fix_seed(1)

        if norm:
            # BN for the first input
            fc_mean, fc_var = tf.nn.moments(
                xs,
                axes=[0],
            )
            scale = tf.Variable(tf.ones([1]))
            shift = tf.Variable(tf.zeros([1]))
            epsilon = 0.001
            # apply moving average for mean and var when train on batch
            ema = tf.train.ExponentialMovingAverage(decay=0.5)

            def mean_var_with_update():
                ema_apply_op = ema.apply([fc_mean, fc_var])
                with tf.control_dependencies([ema_apply_op]):
                    return tf.identity(fc_mean), tf.identity(fc_var)
            mean, var = mean_var_with_update()
            xs = tf.nn.batch_normalization(xs, mean, var, shift, scale, epsilon)

        # record inputs for every layer
        layers_inputs = [xs]

        # build hidden layers
        for l_n in range(N_LAYERS):
            layer_input = layers_inputs[l_n]
            in_size = layers_inputs[l_n].get_shape()[1].value

            output = add_layer(
                layer_input,    # input
                in_size,        # input size
                N_HIDDEN_UNITS,  # output size
                ACTIVATION,     # activation function
                norm,           # normalize before activation
            )
            layers_inputs.append(output)    # add output for next run

        # build output layer
        prediction = add_layer(layers_inputs[-1], 30, 1, activation_function=None)

        cost = tf.reduce_mean(tf.reduce_sum(tf.square(ys - prediction), reduction_indices=[1]))
        train_op = tf.train.GradientDescentOptimizer(0.001).minimize(cost)
        return [train_op, cost, layers_inputs]

    # make up data
    fix_seed(1)
    x_data = np.linspace(-7, 10, 500)[:, np.newaxis]
    np.random.shuffle(x_data)
    noise = np.random.normal(0, 8, x_data.shape)
    y_data = np.square(x_data) - 5 + noise

    xs = tf.placeholder(tf.float32, [None, 1])  # [num_samples, num_features]
    ys = tf.placeholder(tf.float32, [None, 1])

    train_op, cost, layers_inputs = built_net(xs, ys, norm=False)   # without BN
    train_op_norm, cost_norm, layers_inputs_norm = built_net(xs, ys, norm=True)  # with BN

    sess = tf.Session()
    if int((tf.__version__).split('.')[1]) < 12 and int((tf.__version__).split('.')[0]) < 1:
        init = tf.initialize_all_variables()
    else:
        init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=24)

    # record cost
    cost_his = []
    cost_his_norm = []
    record_step = 5
    stds, stds_norm = [], []

    for i in range(5):
        if i % 5 == 0:
            # plot histogram
            all_inputs, all_inputs_norm = sess.run([layers_inputs, layers_inputs_norm],
                                                   feed_dict={xs: x_data, ys: y_data})
            stds.append(float(np.sum([np.std(a) for a in all_inputs])))
            stds_norm.append(float(np.sum([np.std(a) for a in all_inputs_norm])))

        # train on batch
        sess.run([train_op, train_op_norm],
                 feed_dict={xs: x_data[i*10:i*10+10], ys: y_data[i*10:i*10+10]})

        if i % record_step == 0:
            # record cost
            cost_his.append(sess.run(cost, feed_dict={xs: x_data, ys: y_data}))
            cost_his_norm.append(sess.run(cost_norm, feed_dict={xs: x_data, ys: y_data}))

    ema_vars = [v for v in tf.global_variables() if 'ExponentialMovingAverage' in v.op.name]
    return {"cost_his": float(np.sum(cost_his)), "cost_his_norm": float(np.sum(cost_his_norm)),
            "last_cost": float(cost_his[-1]), "last_cost_norm": float(cost_his_norm[-1]),
            "inputs_std": float(np.sum(stds)), "inputs_norm_std": float(np.sum(stds_norm)),
            "ema_sum": float(sum(np.sum(sess.run(v)) for v in ema_vars)),
            "n_records": [len(cost_his), len(cost_his_norm)],
            "ema_names": sorted(v.op.name for v in ema_vars)[:4]}
