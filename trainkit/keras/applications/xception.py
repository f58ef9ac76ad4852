"""``tk.keras.applications.xception``: Xception (Chollet, 2017) as tf_keras 2.21
builds it: separable convolutions in residual blocks (entry, 8 middle, exit flow).

Example:
    >>> model = tk.keras.applications.Xception(weights=None, include_top=False,
    ...                                        input_shape=(71, 71, 3))
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _sep_bn(x: Any, filters: int, name: str) -> Any:
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_channel_axis(), name=name + "_bn")(x)


def _projection(x: Any, filters: int) -> Any:
    """The strided 1x1 shortcut of a downsampling block (unnamed, as in tf_keras)."""
    x = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=_channel_axis())(x)


def _down_block(x: Any, block: int, widths: tuple, first_relu: bool) -> Any:
    """Two separable convolutions and 3x3/2 max pooling, added to the projection."""
    residual = _projection(x, widths[2])
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, widths[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, widths[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same",
                            name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
             input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
             classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """Xception, as ``tf.keras.applications.Xception``.

    Args:
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        input_shape: the image shape without batch (at least 71x71; default 299x299x3).
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named "xception".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    img_input = model_io.checked_input(
        "Xception", weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=299, min_size=71)
    axis = _channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(
        img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _down_block(x, 2, (128, 128, 128), first_relu=False)
    x = _down_block(x, 3, (256, 256, 256), first_relu=True)
    x = _down_block(x, 4, (728, 728, 728), first_relu=True)
    for block in range(5, 13):
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])
    x = _down_block(x, 13, (728, 1024, 1024), first_relu=True)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = model_io.average_top(x, include_top, classes, classifier_activation, pooling)
    return model_io.finish(input_tensor, img_input, x, "xception", weights)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["Xception", "preprocess_input", "decode_predictions"]
