"""Convolution and pooling with hand-made filters, from Aurélien Géron's "Hands-On
Machine Learning" (1st edition), chapter 13: ``ageron/handson-ml``,
``13_convolutional_neural_networks.ipynb`` at commit
7fd688d21dae2814ffcadc09f7ef6a94be4a427b (the newest version of that notebook whose
text the mirror holds; sections "Convolutional layer", "Simple example", "VALID vs SAME
padding" and "Pooling layer"). A grayscale crop convolved by ``tf.nn.conv2d`` with two
7x7 feature maps (a vertical and a horizontal line of ones, ``padding="SAME"``), a batch
of two colour images convolved by two 7x7x3 line filters with stride 2, the 1x13 ramp
against the filter of primes ``[2, 3, 5, 7, 11, 13]`` with stride 5 under ``VALID`` and
``SAME`` padding (the notebook's hand-computed dot products are checked as well), and
``tf.nn.max_pool`` 2x2 ``VALID`` over the colour images.

Adapted: scikit-learn's ``load_sample_image("china.jpg")`` / ``"flower.jpg"`` become
two generated 80x120 RGB images (NumPy only, so both backends see the same pixels; the
notebook's 70x120 crop is taken from the first); ``use_cudnn_on_gpu=False`` is kept;
the plots are replaced by sums of the outputs; each section in its own ``tf.Graph()``
instead of ``tf.reset_default_graph()``.
"""

from __future__ import annotations

import numpy as np

COMPARE = {"gray_vertical_sum": 1e-6, "gray_horizontal_sum": 1e-6, "gray_shape": 0.0,
           "simple_sums": 0.0, "simple_shape": 0.0, "valid": 0.0, "same": 0.0,
           "hand_valid": 0.0, "hand_same": 0.0, "max_pool_sum": 1e-6,
           "max_pool_shape": 0.0}


def sample_images():
    """Two 80x120 RGB images with edges, gradients and blobs (stand-ins for
    scikit-learn's china.jpg and flower.jpg)."""
    yy, xx = np.mgrid[0:80, 0:120].astype(np.float64)
    china = np.stack([128 + 100 * np.sin(xx / 7.0) * np.cos(yy / 11.0),
                      (xx * 2 + yy) % 256,
                      np.where((xx // 15 + yy // 10) % 2 == 0, 220, 30)], axis=-1)
    flower = np.stack([255 * np.exp(-((xx - 60) ** 2 + (yy - 40) ** 2) / 600.0),
                       128 + 120 * np.sin((xx + yy) / 5.0),
                       np.abs(xx - yy) % 200], axis=-1)
    return china.astype(np.uint8), flower.astype(np.uint8)


def main(tf):
    out = {}
    china, flower = sample_images()
    image = china[5:75, :120]
    height, width, channels = image.shape
    image_grayscale = image.mean(axis=2).astype(np.float32)
    images = image_grayscale.reshape(1, height, width, 1)

    fmap = np.zeros(shape=(7, 7, 1, 2), dtype=np.float32)
    fmap[:, 3, 0, 0] = 1
    fmap[3, :, 0, 1] = 1

    with tf.Graph().as_default():
        X = tf.placeholder(tf.float32, shape=(None, height, width, 1))
        feature_maps = tf.constant(fmap)
        convolution = tf.nn.conv2d(X, feature_maps, strides=[1, 1, 1, 1], padding="SAME",
                                   use_cudnn_on_gpu=False)
        with tf.Session() as sess:
            output = convolution.eval(feed_dict={X: images})
    out["gray_vertical_sum"] = float(np.sum(output[0, :, :, 0] * np.arange(width)))
    out["gray_horizontal_sum"] = float(np.sum(output[0, :, :, 1].T * np.arange(height)))
    out["gray_shape"] = list(output.shape)

    # Simple example
    dataset = np.array([china, flower], dtype=np.float32)
    batch_size, height, width, channels = dataset.shape

    filters = np.zeros(shape=(7, 7, channels, 2), dtype=np.float32)
    filters[:, 3, :, 0] = 1  # vertical line
    filters[3, :, :, 1] = 1  # horizontal line

    with tf.Graph().as_default():
        X = tf.placeholder(tf.float32, shape=(None, height, width, channels))
        convolution = tf.nn.conv2d(X, filters, strides=[1, 2, 2, 1], padding="SAME")

        with tf.Session() as sess:
            output = sess.run(convolution, feed_dict={X: dataset})
    # integer-valued floats: the sums are exact
    out["simple_sums"] = [[float(np.sum(output[image_index, :, :, feature_map_index]))
                           for feature_map_index in (0, 1)] for image_index in (0, 1)]
    out["simple_shape"] = list(output.shape)

    # VALID vs SAME padding
    with tf.Graph().as_default():
        filter_primes = np.array([2., 3., 5., 7., 11., 13.], dtype=np.float32)
        x = tf.constant(np.arange(1, 13 + 1, dtype=np.float32).reshape([1, 1, 13, 1]))
        filters = tf.constant(filter_primes.reshape(1, 6, 1, 1))

        valid_conv = tf.nn.conv2d(x, filters, strides=[1, 1, 5, 1], padding='VALID')
        same_conv = tf.nn.conv2d(x, filters, strides=[1, 1, 5, 1], padding='SAME')

        with tf.Session() as sess:
            out["valid"] = valid_conv.eval().ravel().tolist()
            out["same"] = same_conv.eval().ravel().tolist()
    out["hand_valid"] = [float(np.array([1, 2, 3, 4, 5, 6]).T.dot(filter_primes)),
                         float(np.array([6, 7, 8, 9, 10, 11]).T.dot(filter_primes))]
    out["hand_same"] = [float(np.array([0, 1, 2, 3, 4, 5]).T.dot(filter_primes)),
                        float(np.array([5, 6, 7, 8, 9, 10]).T.dot(filter_primes)),
                        float(np.array([10, 11, 12, 13, 0, 0]).T.dot(filter_primes))]

    # Pooling layer
    batch_size, height, width, channels = dataset.shape

    filters = np.zeros(shape=(7, 7, channels, 2), dtype=np.float32)
    filters[:, 3, :, 0] = 1  # vertical line
    filters[3, :, :, 1] = 1  # horizontal line

    with tf.Graph().as_default():
        X = tf.placeholder(tf.float32, shape=(None, height, width, channels))
        max_pool = tf.nn.max_pool(X, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")

        with tf.Session() as sess:
            output = sess.run(max_pool, feed_dict={X: dataset})
    out["max_pool_sum"] = float(np.sum(output * np.arange(3)))
    out["max_pool_shape"] = list(output.shape)
    return out
