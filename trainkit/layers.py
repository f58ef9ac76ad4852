"""``trainkit.layers``: the functional TF1 layers (``tf.compat.v1.layers``), re-exported.

Example:
    >>> h = tk.layers.dense(x, 64, activation=tk.nn.relu)
"""

from __future__ import annotations

from trainkit.autodiff.conv3d_transpose_layer import Conv3DTranspose, conv3d_transpose
from trainkit.ops.layers_impl.classes import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    SeparableConv1D,
    SeparableConv2D,
)
from trainkit.ops.layers_impl.conv import (
    average_pooling1d,
    average_pooling2d,
    conv1d,
    conv2d,
    conv2d_transpose,
    max_pooling1d,
    max_pooling2d,
)
from trainkit.ops.layers_impl.conv3d_layers import average_pooling3d, conv3d, max_pooling3d
from trainkit.ops.layers_impl.core import dense, dropout, flatten
from trainkit.ops.layers_impl.normalization import batch_normalization
from trainkit.ops.layers_impl.separable import separable_conv1d, separable_conv2d
from trainkit.ops.regularizers import l1_regularizer, l2_regularizer
