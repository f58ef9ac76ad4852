"""Image filters as convolutions over a JPEG read by the graph: Stanford CS20 ("TensorFlow
for Deep Learning Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/07_run_kernels.py`` with its ``examples/kernels.py`` at commit
51e53daaa2a32cfe7a1966f060b28dbbd081791c. ``read_one_image``: ``tf.read_file``,
``tf.image.decode_image`` and a cast scaled by 1/256; ``tf.image.rgb_to_grayscale`` and
``tf.expand_dims`` to a batch of one; ``convolve`` runs ``tf.nn.conv2d`` with strides 3 and
``SAME`` padding for each kernel after the first of the grayscale list (sharpen, edge,
top Sobel, emboss: ``tf.constant``s built from NumPy arrays in ``kernels.py``, which also
makes the RGB kernels, one of them from a nested list) and clips the third result with
``tf.minimum(tf.nn.relu(...), 255)``.

Adapted: ``data/friday.jpg`` becomes a 60x90 RGB JPEG made of bundled digits (written
by ``common.write_jpeg``, so both backends decode the same file); ``kernels.py``'s
module-level constants are made inside ``main`` (they need the library); instead of the
matplotlib figure the program returns each image's shape and sums."""

from __future__ import annotations

import os
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import read_data_sets, write_jpeg

COMPARE = {"shapes": 0.0, "sums": 1e-5, "abs_sums": 1e-5, "maxima": 1e-6}


def make_kernels(tf):
    """``kernels.py``'s constants."""
    k = SimpleNamespace()
    a = np.zeros([3, 3, 3, 3])
    a[1, 1, :, :] = 0.25
    a[0, 1, :, :] = 0.125
    a[1, 0, :, :] = 0.125
    a[2, 1, :, :] = 0.125
    a[1, 2, :, :] = 0.125
    a[0, 0, :, :] = 0.0625
    a[0, 2, :, :] = 0.0625
    a[2, 0, :, :] = 0.0625
    a[2, 2, :, :] = 0.0625

    k.BLUR_FILTER_RGB = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 1, 1])
    a[1, 1, :, :] = 1.0
    a[0, 1, :, :] = 1.0
    a[1, 0, :, :] = 1.0
    a[2, 1, :, :] = 1.0
    a[1, 2, :, :] = 1.0
    a[0, 0, :, :] = 1.0
    a[0, 2, :, :] = 1.0
    a[2, 0, :, :] = 1.0
    a[2, 2, :, :] = 1.0
    k.BLUR_FILTER = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 3, 3])
    a[1, 1, :, :] = 5
    a[0, 1, :, :] = -1
    a[1, 0, :, :] = -1
    a[2, 1, :, :] = -1
    a[1, 2, :, :] = -1

    k.SHARPEN_FILTER_RGB = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 1, 1])
    a[1, 1, :, :] = 5
    a[0, 1, :, :] = -1
    a[1, 0, :, :] = -1
    a[2, 1, :, :] = -1
    a[1, 2, :, :] = -1

    k.SHARPEN_FILTER = tf.constant(a, dtype=tf.float32)

    k.EDGE_FILTER_RGB = tf.constant([
        [[[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]],
         [[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]],
         [[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]]],
        [[[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]],
         [[8., 0., 0.], [0., 8., 0.], [0., 0., 8.]],
         [[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]]],
        [[[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]],
         [[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]],
         [[-1., 0., 0.], [0., -1., 0.], [0., 0., -1.]]]
    ])

    a = np.zeros([3, 3, 1, 1])
    a[0, 1, :, :] = -1
    a[1, 0, :, :] = -1
    a[1, 2, :, :] = -1
    a[2, 1, :, :] = -1
    a[1, 1, :, :] = 4

    k.EDGE_FILTER = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 3, 3])
    a[0, :, :, :] = 1
    a[0, 1, :, :] = 2  # originally 2
    a[2, :, :, :] = -1
    a[2, 1, :, :] = -2

    k.TOP_SOBEL_RGB = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 1, 1])
    a[0, :, :, :] = 1
    a[0, 1, :, :] = 2  # originally 2
    a[2, :, :, :] = -1
    a[2, 1, :, :] = -2

    k.TOP_SOBEL = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 3, 3])
    a[0, 0, :, :] = -2
    a[0, 1, :, :] = -1
    a[1, 0, :, :] = -1
    a[1, 1, :, :] = 1
    a[1, 2, :, :] = 1
    a[2, 1, :, :] = 1
    a[2, 2, :, :] = 2

    k.EMBOSS_FILTER_RGB = tf.constant(a, dtype=tf.float32)

    a = np.zeros([3, 3, 1, 1])
    a[0, 0, :, :] = -2
    a[0, 1, :, :] = -1
    a[1, 0, :, :] = -1
    a[1, 1, :, :] = 1
    a[1, 2, :, :] = 1
    a[2, 1, :, :] = 1
    a[2, 2, :, :] = 2
    k.EMBOSS_FILTER = tf.constant(a, dtype=tf.float32)
    return k


def friday_jpg(path):
    """A 60x90 RGB picture: six bundled digits, each channel a different digit."""
    images = read_data_sets("data/mnist").train.images[:18].reshape(6, 3, 28, 28)
    tiles = [np.pad(d.transpose(1, 2, 0), ((1, 1), (1, 1), (0, 0))) for d in images]
    rows = [np.concatenate(tiles[i:i + 3], axis=1) for i in (0, 3)]
    pixels = np.concatenate(rows, axis=0)  # 2 x 3 tiles of 30 x 30
    write_jpeg(path, (pixels * 200 + 30).astype(np.uint8))


def main(tf):
    work = tempfile.mkdtemp()
    os.makedirs(os.path.join(work, 'data'))
    friday_jpg(os.path.join(work, 'data/friday.jpg'))
    kernels = make_kernels(tf)

    def read_one_image(filename):
        ''' This method is to show how to read image from a file into a tensor.
        The output is a tensor object.
        '''
        image_string = tf.read_file(filename)
        image_decoded = tf.image.decode_image(image_string)
        image = tf.cast(image_decoded, tf.float32) / 256.0
        return image

    def convolve(image, kernels, rgb=True, strides=[1, 3, 3, 1], padding='SAME'):  # noqa: B006
        images = [image[0]]
        for i, kernel in enumerate(kernels):
            filtered_image = tf.nn.conv2d(image,
                                          kernel,
                                          strides=strides,
                                          padding=padding)[0]
            if i == 2:
                filtered_image = tf.minimum(tf.nn.relu(filtered_image), 255)
            images.append(filtered_image)
        return images

    rgb = False
    if rgb:
        kernels_list = [kernels.BLUR_FILTER_RGB,
                        kernels.SHARPEN_FILTER_RGB,
                        kernels.EDGE_FILTER_RGB,
                        kernels.TOP_SOBEL_RGB,
                        kernels.EMBOSS_FILTER_RGB]
    else:
        kernels_list = [kernels.BLUR_FILTER,
                        kernels.SHARPEN_FILTER,
                        kernels.EDGE_FILTER,
                        kernels.TOP_SOBEL,
                        kernels.EMBOSS_FILTER]

    kernels_list = kernels_list[1:]
    image = read_one_image(os.path.join(work, 'data/friday.jpg'))
    if not rgb:
        image = tf.image.rgb_to_grayscale(image)
    image = tf.expand_dims(image, 0)  # make it into a batch of 1 element
    images = convolve(image, kernels_list, rgb)
    with tf.Session() as sess:
        images = sess.run(images)  # convert images from tensors to float values
    return {"shapes": [list(i.shape) for i in images],
            "sums": float(sum(float(i.sum()) for i in images)),
            "abs_sums": float(sum(float(np.abs(i).sum()) for i in images)),
            "maxima": float(sum(float(i.max()) for i in images))}
