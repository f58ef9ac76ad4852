"""TensorFlow basics: Parag K. Mital's "tensorflow_tutorials" (github.com/pkmital/
tensorflow_tutorials at commit c3eefe5, ``python/01_basics.py``). ``tf.linspace`` run by a
``tf.Session`` and by ``x.eval(session=sess)``, the session closed and replaced by a
``tf.InteractiveSession`` so ``x.eval()`` works alone; a Gaussian written out with
``tf.exp(tf.negative(tf.pow(...)))``, its static shape (``get_shape()``, ``as_list()``) and
its dynamic one (``tf.shape(z).eval()``, ``tf.stack`` of shapes and lists); the 2-D
Gaussian as a ``matmul`` of two reshapes, a Gabor patch from ``tf.sin`` and
``tf.ones_like``, the graph's operation names, the same as a ``gabor()`` function, and a
``convolve(img, W)`` that reshapes a 2-D kernel to 4-D, a 3-channel image to a batch of
one and repeats the kernel per channel with ``tf.concat(axis=2, values=[W, W, W])``
before ``tf.nn.conv2d``; the image fed through a placeholder of the image's shape.

Adapted: the plots are dropped (what they show is returned: sums of the plotted arrays),
and so are the prints (their values are returned; of the graph's operation names only the
``MatMul`` ones: how many operations ``tf.linspace`` makes differs between TF versions);
skimage's ``data.astronaut()`` photo (512 x 512 x 3, uint8) is replaced by three bundled
digits stacked as the colour channels (28 x 28 x 3, scaled to 0-255), so the 3-channel
branch of ``convolve`` still runs; the interactive session, left open by the tutorial, is
closed at the end.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"linspace": 1e-6, "z_sum": 1e-6, "z_shape": 0.0, "dynamic_shape": 0.0,
           "stacked_shapes": 0.0, "z_2d_sum": 1e-6, "gabor_abs_sum": 1e-6,
           "matmul_ops": 0.0, "gabor_fn_sum": 1e-6, "result_shape": 0.0,
           "result_sum": 1e-5, "result_abs_sum": 1e-5}


def main(tf):
    out = {}
    # %% First a tf.Tensor
    n_values = 32
    x = tf.linspace(-3.0, 3.0, n_values)

    # %% Construct a tf.Session to execute the graph.
    sess = tf.Session()
    result = sess.run(x)

    # %% Alternatively pass a session to the eval fn:
    out["linspace"] = float(np.sum(x.eval(session=sess) * np.arange(n_values))
                            + result[0])

    # %% We can setup an interactive session
    sess.close()
    sess = tf.InteractiveSession()

    # %% Now this will work!
    x.eval()

    # %% Now a tf.Operation
    sigma = 1.0
    mean = 0.0
    z = (tf.exp(tf.negative(tf.pow(x - mean, 2.0) /
                            (2.0 * tf.pow(sigma, 2.0)))) *
         (1.0 / (sigma * tf.sqrt(2.0 * 3.1415))))

    # %% By default, new operations are added to the default Graph
    assert z.graph is tf.get_default_graph()

    # %% Execute the graph and plot the result (plot dropped)
    out["z_sum"] = float(z.eval().sum())

    # %% shapes
    out["z_shape"] = [str(z.get_shape()), z.get_shape().as_list()]
    out["dynamic_shape"] = tf.shape(z).eval().tolist()
    out["stacked_shapes"] = tf.stack([tf.shape(z), tf.shape(z), [3], [4]]).eval().tolist()

    # %% Let's multiply the two to get a 2d gaussian
    z_2d = tf.matmul(tf.reshape(z, [n_values, 1]), tf.reshape(z, [1, n_values]))
    out["z_2d_sum"] = float(z_2d.eval().sum())

    # %% For fun let's create a gabor patch:
    x = tf.reshape(tf.sin(tf.linspace(-3.0, 3.0, n_values)), [n_values, 1])
    y = tf.reshape(tf.ones_like(x), [1, n_values])
    z = tf.multiply(tf.matmul(x, y), z_2d)
    out["gabor_abs_sum"] = float(np.abs(z.eval()).sum())

    # %% We can also list all the operations of a graph:
    ops = tf.get_default_graph().get_operations()
    out["matmul_ops"] = [op.name for op in ops if op.type == "MatMul"]

    # %% Lets try creating a generic function for computing the same thing:
    def gabor(n_values=32, sigma=1.0, mean=0.0):
        x = tf.linspace(-3.0, 3.0, n_values)
        z = (tf.exp(tf.negative(tf.pow(x - mean, 2.0) /
                                (2.0 * tf.pow(sigma, 2.0)))) *
             (1.0 / (sigma * tf.sqrt(2.0 * 3.1415))))
        gauss_kernel = tf.matmul(
            tf.reshape(z, [n_values, 1]), tf.reshape(z, [1, n_values]))
        x = tf.reshape(tf.sin(tf.linspace(-3.0, 3.0, n_values)), [n_values, 1])
        y = tf.reshape(tf.ones_like(x), [1, n_values])
        gabor_kernel = tf.multiply(tf.matmul(x, y), gauss_kernel)
        return gabor_kernel

    # %% Confirm this does something:
    out["gabor_fn_sum"] = float(np.abs(gabor().eval()).sum())

    # %% And another function which can convolve
    def convolve(img, W):
        # The W matrix is only 2D
        # But conv2d will need a tensor which is 4d:
        # height x width x n_input x n_output
        if len(W.get_shape()) == 2:
            dims = W.get_shape().as_list() + [1, 1]
            W = tf.reshape(W, dims)

        if len(img.get_shape()) == 2:
            # num x height x width x channels
            dims = [1] + img.get_shape().as_list() + [1]
            img = tf.reshape(img, dims)
        elif len(img.get_shape()) == 3:
            dims = [1] + img.get_shape().as_list()
            img = tf.reshape(img, dims)
            # if the image is 3 channels, then our convolution
            # kernel needs to be repeated for each input channel
            W = tf.concat(axis=2, values=[W, W, W])

        # Stride is how many values to skip for the dimensions of
        # num, height, width, channels
        convolved = tf.nn.conv2d(img, W,
                                 strides=[1, 1, 1, 1], padding='SAME')
        return convolved

    # %% Load up an image (three bundled digits as colour channels, not the astronaut)
    digits = read_data_sets("MNIST_data/").train.images[:3]
    img = np.round(digits.reshape(3, 28, 28).transpose(1, 2, 0) * 255).astype(np.uint8)

    # %% Now create a placeholder for our graph which can store any input:
    x = tf.placeholder(tf.float32, shape=img.shape)

    # %% And a graph which can convolve our image with a gabor
    out_t = convolve(x, gabor())

    # %% Now send the image into the graph and compute the result
    result = tf.squeeze(out_t).eval(feed_dict={x: img})
    out["result_shape"] = list(result.shape)
    out["result_sum"] = float(result.sum())
    out["result_abs_sum"] = float(np.abs(result).sum())
    sess.close()
    return out
