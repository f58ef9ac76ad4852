"""``tk.contrib.layers``: TF1's ``tf.contrib.layers`` (the layer functions ``slim`` also
exports) on top of ``tk.layers``, with contrib's scope names (``fully_connected``,
``Conv``, ``BatchNorm``, ...), model variables (``weights``, ``biases``, ``beta``, ...),
initializers, regularizers and ``optimize_loss``.

Example:
    >>> net = tk.contrib.layers.conv2d(images, 32, [5, 5])
    >>> logits = tk.contrib.layers.fully_connected(
    ...     tk.contrib.layers.flatten(net), 10, activation_fn=None)
"""

from __future__ import annotations

import functools

from trainkit.contrib.layers.core import (
    bias_add,
    conv1d,
    conv2d,
    conv2d_transpose,
    conv3d,
    convolution,
    convolution1d,
    convolution2d,
    convolution2d_transpose,
    convolution3d,
    fully_connected,
    separable_conv2d,
    separable_convolution2d,
)
from trainkit.contrib.layers.encoders import bow_encoder, embed_sequence
from trainkit.contrib.layers.group_norm import group_norm
from trainkit.contrib.layers.initializers import (
    variance_scaling_initializer,
    xavier_initializer,
    xavier_initializer_conv2d,
)
from trainkit.contrib.layers.instance_norm import instance_norm
from trainkit.contrib.layers.normalization import batch_norm, layer_norm
from trainkit.contrib.layers.optimizers import (
    OPTIMIZER_CLS_NAMES,
    OPTIMIZER_SUMMARIES,
    optimize_loss,
)
from trainkit.contrib.layers.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)
from trainkit.contrib.layers.shaping import (
    avg_pool2d,
    avg_pool3d,
    dropout,
    flatten,
    max_pool2d,
    max_pool3d,
    one_hot_encoding,
    repeat,
    softmax,
    stack,
)
from trainkit.contrib.layers.sparse_ops import dense_to_sparse_tensor

linear = functools.partial(fully_connected, activation_fn=None)

__all__ = ["fully_connected", "linear", "convolution", "convolution1d", "convolution2d", "conv1d",
           "conv2d", "convolution3d", "conv3d", "convolution2d_transpose", "conv2d_transpose",
           "separable_convolution2d", "separable_conv2d", "bias_add", "max_pool2d", "avg_pool2d",
           "max_pool3d", "avg_pool3d", "flatten", "dropout", "one_hot_encoding", "repeat",
           "stack", "embed_sequence", "bow_encoder", "dense_to_sparse_tensor", "softmax",
           "batch_norm", "layer_norm",
           "group_norm", "instance_norm", "xavier_initializer", "xavier_initializer_conv2d",
           "variance_scaling_initializer", "l1_regularizer",
           "l2_regularizer", "l1_l2_regularizer", "sum_regularizer", "apply_regularization",
           "optimize_loss", "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES"]
