"""``tk.keras.applications.inception_v3``: InceptionV3 (Szegedy et al., 2015) as
tf_keras 2.21 builds it. Its convolutions and batch normalizations are unnamed, so their
names (``conv2d_7``, ``batch_normalization_7``) follow the order they are made in, which
is kept exactly.

Example:
    >>> model = tk.keras.applications.InceptionV3(weights=None, include_top=False,
    ...                                           input_shape=(75, 75, 3))
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x: Any, filters: int, num_row: int, num_col: int, padding: str = "same",
              strides: Any = (1, 1), name: str | None = None) -> Any:
    """A bias-free ``num_row`` x ``num_col`` convolution, batch normalization without a
    scale, and ReLU (named ``<name>_conv``, ``<name>_bn``, ``<name>`` when ``name``)."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else name + "_conv")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), scale=False,
                                  name=None if name is None else name + "_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _chain(x: Any, convs: tuple) -> Any:
    """``conv2d_bn`` applied for each ``(filters, rows, cols)`` in turn."""
    for filters, rows, cols in convs:
        x = conv2d_bn(x, filters, rows, cols)
    return x


def _pool_branch(x: Any, filters: int) -> Any:
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _mixed(branches: list, name: str | None) -> Any:
    return layers.concatenate(branches, axis=_channel_axis(), name=name)


def _block_35(x: Any, pool_filters: int, name: str) -> Any:
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = _chain(x, ((48, 1, 1), (64, 5, 5)))
    b3 = _chain(x, ((64, 1, 1), (96, 3, 3), (96, 3, 3)))
    return _mixed([b1, b5, b3, _pool_branch(x, pool_filters)], name)


def _block_17(x: Any, width: int, name: str) -> Any:
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = _chain(x, ((width, 1, 1), (width, 1, 7), (192, 7, 1)))
    b7d = _chain(x, ((width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1),
                     (192, 1, 7)))
    return _mixed([b1, b7, b7d, _pool_branch(x, 192)], name)


def _block_8(x: Any, i: int) -> Any:
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = _mixed([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], f"mixed9_{i}")
    b3d = _chain(x, ((448, 1, 1), (384, 3, 3)))
    b3d = _mixed([conv2d_bn(b3d, 384, 1, 3), conv2d_bn(b3d, 384, 3, 1)], None)
    return _mixed([b1, b3, b3d, _pool_branch(x, 192)], f"mixed{9 + i}")


def InceptionV3(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """InceptionV3, as ``tf.keras.applications.InceptionV3``.

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
        A functional ``Model`` named "inception_v3".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    img_input = model_io.checked_input(
        "InceptionV3", weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=299, min_size=75)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _block_35(x, 32, "mixed0")
    x = _block_35(x, 64, "mixed1")
    x = _block_35(x, 64, "mixed2")
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    b3d = _chain(x, ((64, 1, 1), (96, 3, 3)))
    b3d = conv2d_bn(b3d, 96, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _mixed([b3, b3d, pool], "mixed3")
    x = _block_17(x, 128, "mixed4")
    x = _block_17(x, 160, "mixed5")
    x = _block_17(x, 160, "mixed6")
    x = _block_17(x, 192, "mixed7")
    b3 = conv2d_bn(x, 192, 1, 1)
    b3 = conv2d_bn(b3, 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = _chain(x, ((192, 1, 1), (192, 1, 7), (192, 7, 1)))
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _mixed([b3, b7, pool], "mixed8")
    x = _block_8(x, 0)
    x = _block_8(x, 1)
    x = model_io.average_top(x, include_top, classes, classifier_activation, pooling)
    return model_io.finish(input_tensor, img_input, x, "inception_v3", weights)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["InceptionV3", "conv2d_bn", "preprocess_input", "decode_predictions"]
