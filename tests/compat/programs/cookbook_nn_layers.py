"""Implementing different layers: nfmcclure's tensorflow_cookbook, ``06_Neural_Networks/
05_Implementing_Different_Layers/05_implementing_different_layers.py``. A 1-D and a 2-D
input pushed through a ``conv2d`` (the 1-D one as a ``[1, 1, n, 1]`` image with a
``[1, 5, 1, 1]`` filter), ReLU, ``max_pool`` (VALID) and a "fully connected" layer whose
weight is a ``tf.random_normal`` of a shape computed in the graph:
``squeeze(stack([shape(x), [5]]))``; every stage ends in a ``tf.squeeze`` of all size-1
dimensions, and the recipe prints each stage's static ``shape.as_list()``.

Adapted: the two ``ops.reset_default_graph()`` sections run in two ``tf.Graph()``
contexts; the filters' ``random_normal`` starts are loaded from NumPy draws so both
backends start alike; the fully connected layers' weights and biases are fresh
``random_normal`` draws on every run (not variables), so of their output only the static
and run-time shapes are compared; the prints are returned (the static shapes, and the
values of the convolution, activation and pooling stages)."""

from __future__ import annotations

import numpy as np

COMPARE = {"static_shapes_1d": 0.0, "static_shapes_2d": 0.0, "run_shapes": 0.0,
           "conv_1d": 1e-5, "relu_1d": 1e-5, "pool_1d": 1e-5, "conv_2d": 1e-5,
           "relu_2d": 1e-5, "pool_2d": 1e-5}


def _graph_1d(tf):
    sess = tf.Session()
    data_size = 25
    conv_size = 5
    maxpool_size = 5
    stride_size = 1
    seed = 13
    np.random.seed(seed)
    tf.set_random_seed(seed)
    data_1d = np.random.normal(size=data_size)
    x_input_1d = tf.placeholder(dtype=tf.float32, shape=[data_size])

    def conv_layer_1d(input_1d, input_filter, stride):
        input_2d = tf.expand_dims(input_1d, 0)
        input_3d = tf.expand_dims(input_2d, 0)
        input_4d = tf.expand_dims(input_3d, 3)
        convolution_output = tf.nn.conv2d(input_4d, filter=input_filter,
                                          strides=[1, 1, stride, 1], padding="VALID")
        conv_output_1d = tf.squeeze(convolution_output)
        return conv_output_1d

    my_filter = tf.Variable(tf.random_normal(shape=[1, conv_size, 1, 1]))
    my_convolution_output = conv_layer_1d(x_input_1d, my_filter, stride=stride_size)

    def activation(input_1d):
        return tf.nn.relu(input_1d)

    my_activation_output = activation(my_convolution_output)

    def max_pool(input_1d, width, stride):
        input_2d = tf.expand_dims(input_1d, 0)
        input_3d = tf.expand_dims(input_2d, 0)
        input_4d = tf.expand_dims(input_3d, 3)
        pool_output = tf.nn.max_pool(input_4d, ksize=[1, 1, width, 1],
                                     strides=[1, 1, stride, 1], padding='VALID')
        pool_output_1d = tf.squeeze(pool_output)
        return pool_output_1d

    my_maxpool_output = max_pool(my_activation_output, width=maxpool_size, stride=stride_size)

    def fully_connected(input_layer, num_outputs):
        weight_shape = tf.squeeze(tf.stack([tf.shape(input_layer), [num_outputs]]))
        weight = tf.random_normal(weight_shape, stddev=0.1)
        bias = tf.random_normal(shape=[num_outputs])
        input_layer_2d = tf.expand_dims(input_layer, 0)
        full_output = tf.add(tf.matmul(input_layer_2d, weight), bias)
        full_output_1d = tf.squeeze(full_output)
        return full_output_1d

    my_full_output = fully_connected(my_maxpool_output, 5)
    init = tf.global_variables_initializer()
    sess.run(init)
    my_filter.load(np.random.normal(size=[1, conv_size, 1, 1]).astype(np.float32), sess)
    feed_dict = {x_input_1d: data_1d}
    stages = [my_convolution_output, my_activation_output, my_maxpool_output, my_full_output]
    static = [x_input_1d.shape.as_list()] + [t.shape.as_list() for t in stages]
    values = sess.run(stages, feed_dict=feed_dict)
    sess.close()
    return static, values


def _graph_2d(tf):
    sess = tf.Session()
    row_size = 10
    col_size = 10
    conv_size = 2
    conv_stride_size = 2
    maxpool_size = 2
    maxpool_stride_size = 1
    seed = 13
    np.random.seed(seed)
    tf.set_random_seed(seed)
    data_size = [row_size, col_size]
    data_2d = np.random.normal(size=data_size)
    x_input_2d = tf.placeholder(dtype=tf.float32, shape=data_size)

    def conv_layer_2d(input_2d, conv_filter, conv_stride):
        input_3d = tf.expand_dims(input_2d, 0)
        input_4d = tf.expand_dims(input_3d, 3)
        convolution_output = tf.nn.conv2d(input_4d, filter=conv_filter,
                                          strides=[1, conv_stride, conv_stride, 1],
                                          padding="VALID")
        conv_output_2d = tf.squeeze(convolution_output)
        return conv_output_2d

    my_filter = tf.Variable(tf.random_normal(shape=[conv_size, conv_size, 1, 1]))
    my_convolution_output = conv_layer_2d(x_input_2d, my_filter, conv_stride=conv_stride_size)

    def activation(input_1d):
        return tf.nn.relu(input_1d)

    my_activation_output = activation(my_convolution_output)

    def max_pool(input_2d, width, height, stride):
        input_3d = tf.expand_dims(input_2d, 0)
        input_4d = tf.expand_dims(input_3d, 3)
        pool_output = tf.nn.max_pool(input_4d, ksize=[1, height, width, 1],
                                     strides=[1, stride, stride, 1], padding='VALID')
        pool_output_2d = tf.squeeze(pool_output)
        return pool_output_2d

    my_maxpool_output = max_pool(my_activation_output, width=maxpool_size,
                                 height=maxpool_size, stride=maxpool_stride_size)

    def fully_connected(input_layer, num_outputs):
        flat_input = tf.reshape(input_layer, [-1])
        weight_shape = tf.squeeze(tf.stack([tf.shape(flat_input), [num_outputs]]))
        weight = tf.random_normal(weight_shape, stddev=0.1)
        bias = tf.random_normal(shape=[num_outputs])
        input_2d = tf.expand_dims(flat_input, 0)
        full_output = tf.add(tf.matmul(input_2d, weight), bias)
        full_output_2d = tf.squeeze(full_output)
        return full_output_2d

    my_full_output = fully_connected(my_maxpool_output, 5)
    init = tf.global_variables_initializer()
    sess.run(init)
    my_filter.load(np.random.normal(size=[conv_size, conv_size, 1, 1]).astype(np.float32),
                   sess)
    feed_dict = {x_input_2d: data_2d}
    stages = [my_convolution_output, my_activation_output, my_maxpool_output, my_full_output]
    static = ([x_input_2d.shape.as_list(), my_filter.get_shape().as_list()[:2]]
              + [t.shape.as_list() for t in stages])
    values = sess.run(stages, feed_dict=feed_dict)
    sess.close()
    return static, values


def main(tf):
    with tf.Graph().as_default():
        static_1d, values_1d = _graph_1d(tf)
    with tf.Graph().as_default():
        static_2d, values_2d = _graph_2d(tf)
    out = {"static_shapes_1d": static_1d, "static_shapes_2d": static_2d,
           "run_shapes": [list(np.shape(v)) for v in values_1d + values_2d]}
    for key, values in (("1d", values_1d), ("2d", values_2d)):
        for name, v in zip(("conv", "relu", "pool"), values):
            out[f"{name}_{key}"] = float(np.sum(v)) + float(np.sum(np.abs(v)))
    return out
