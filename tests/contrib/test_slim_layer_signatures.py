"""``slim``'s layers take their arguments as TF-Slim's do (TF 2.21 + tf_slim 1.1.0):
found by running the tensorflow/models ``research/slim/nets`` test files, which pass
``stride``/``padding`` positionally (``slim.conv2d(inputs, 64, [11, 11], 4,
padding='VALID')`` in AlexNet)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

slim = tk.contrib.slim

CONV_ARGS = ("stride", "padding", "data_format", "rate", "activation_fn", "normalizer_fn",
             "normalizer_params", "weights_initializer", "weights_regularizer",
             "biases_initializer", "biases_regularizer", "reuse", "variables_collections",
             "outputs_collections", "trainable", "scope")


@pytest.mark.parametrize("layer", [slim.conv1d, slim.conv2d, slim.conv3d,
                                   slim.convolution2d])
def test_fixed_rank_convolutions_list_convolution_arguments(layer):
    """tf_slim's ``arg_scoped_arguments(slim.conv2d)`` (and conv1d), recorded."""
    assert slim.arg_scoped_arguments(layer) == CONV_ARGS


def test_conv2d_takes_stride_padding_and_activation_positionally():
    """A 2x2 all-ones kernel, stride 2, VALID on a 4x4 ones image: every output is 4
    (TF 2.21: shape [1, 2, 2, 1], all 4.0)."""
    y = slim.conv2d(tk.ones([1, 4, 4, 1]), 1, [2, 2], 2, "VALID", None, 1, None,
                    weights_initializer=tk.ones_initializer())
    assert y.shape.as_list() == [1, 2, 2, 1]
    assert y.op.name == "Conv/BiasAdd"
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), np.full([1, 2, 2, 1], 4.0))


def test_positional_and_arg_scope_value_for_one_argument_is_a_type_error():
    """As in TF, an argument given positionally and by the enclosing arg_scope collides."""
    with slim.arg_scope([slim.conv2d], stride=2):
        with pytest.raises(TypeError, match="stride"):
            slim.conv2d(tk.ones([1, 4, 4, 1]), 1, [2, 2], 2)
    with pytest.raises(TypeError, match="conv_dims"):
        slim.conv2d(tk.ones([1, 4, 4, 1]), 1, 2, conv_dims=2)
