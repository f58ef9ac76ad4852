"""``tk.keras.applications.inception_resnet_v2``: InceptionResNetV2 (Szegedy et al.,
2016) as tf_keras 2.21 builds it: Inception branches whose 1x1-projected concatenation is
added, scaled, to the block's input (``CustomScaleLayer``).

Example:
    >>> model = tk.keras.applications.InceptionResNetV2(weights=None, include_top=False,
    ...                                                 input_shape=(75, 75, 3))
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, base_layer, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

# block type -> the (filters, kernel) chains of its branches
_BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


class CustomScaleLayer(base_layer.Layer):
    """``inputs[0] + inputs[1] * scale``: the scaled residual sum."""

    def __init__(self, scale: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs: Any) -> Any:
        return inputs[0] + inputs[1] * self.scale


def conv2d_bn(x: Any, filters: int, kernel_size: Any, strides: Any = 1,
              padding: str = "same", activation: Any = "relu", use_bias: bool = False,
              name: str | None = None) -> Any:
    """A convolution, batch normalization without scale (when it has no bias) and the
    activation (names ``<name>``, ``<name>_bn``, ``<name>_ac`` when ``name``)."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_channel_axis(), scale=False,
                                      name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def inception_resnet_block(x: Any, scale: float, block_type: str, block_idx: int,
                           activation: Any = "relu") -> Any:
    """``activation(x + scale * conv1x1(concat(branches(x))))``.

    Raises:
        ValueError: for a ``block_type`` other than "block35", "block17", "block8".
    """
    if block_type not in _BRANCHES:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" '
                         f"or \"block8\", but got: {block_type}")
    branches = []
    for chain in _BRANCHES[block_type]:
        y = x
        for filters, kernel in chain:
            y = conv2d_bn(y, filters, kernel)
        branches.append(y)
    name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_channel_axis(), name=name + "_mixed")(branches)
    up = conv2d_bn(mixed, backend.int_shape(x)[_channel_axis()], 1, activation=None,
                   use_bias=True, name=name + "_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=name + "_ac")(x)
    return x


def InceptionResNetV2(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                      input_tensor: Any = None, input_shape: Any = None,
                      pooling: Any = None, classes: int = 1000,
                      classifier_activation: Any = "softmax", **kwargs: Any) -> Model:
    """InceptionResNetV2, as ``tf.keras.applications.InceptionResNetV2``.

    Args:
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        input_shape: the image shape without batch (at least 75x75; default 299x299x3).
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named "inception_resnet_v2".

    Raises:
        ValueError: for bad or unknown arguments, as tf_keras; for ``weights="imagenet"``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    img_input = model_io.checked_input(
        "InceptionResNetV2", weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=299, min_size=75)
    axis = _channel_axis()
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    pool = conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=axis, name="mixed_5b")([b0, b1, b2, pool])
    for i in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=i)
    b0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2,
                   padding="valid")
    pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_6a")([b0, b1, pool])
    for i in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=i)
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2,
                   padding="valid")
    pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_7a")([b0, b1, b2, pool])
    for i in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=i)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8",
                               block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    x = model_io.average_top(x, include_top, classes, classifier_activation, pooling)
    return model_io.finish(input_tensor, img_input, x, "inception_resnet_v2", weights)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["InceptionResNetV2", "CustomScaleLayer", "conv2d_bn", "inception_resnet_block",
           "preprocess_input", "decode_predictions"]
