"""``tk.keras.applications.mobilenet_v2``: MobileNetV2 (Sandler et al., 2018) as
tf_keras 2.21 builds it: inverted residual blocks with linear bottlenecks, widths scaled
by ``alpha`` and rounded to multiples of 8.

Example:
    >>> model = tk.keras.applications.MobileNetV2(weights=None, alpha=0.35,
    ...                                           input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

# (filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``),
    never more than 10% below ``v``."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999,
                                     name=name)


def _inverted_res_block(inputs: Any, expansion: int, stride: int, alpha: float,
                        filters: int, block_id: int) -> Any:
    in_channels = backend.int_shape(inputs)[_channel_axis()]
    out_channels = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, activation=None, name=prefix + "expand")(x)
        x = _bn(prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3),
                                 name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None,
                               use_bias=False, padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _bn(prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(out_channels, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=prefix + "project")(x)
    x = _bn(prefix + "project_BN")(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


def _rows_cols(shape: Any, offset: int = 0) -> tuple:
    first = 1 if backend.image_data_format() == "channels_first" else 0
    return shape[offset + first], shape[offset + first + 1]


def _default_size(input_shape: Any, input_tensor: Any) -> int:
    """224, or the side of a square input of one of the pretrained sizes (read from
    ``input_shape``, else from a Keras ``input_tensor``).

    Raises:
        ValueError: for an ``input_shape`` whose width disagrees with a Keras
            ``input_tensor``'s, or that comes with a tensor that is not a Keras tensor.
    """
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError("input_tensor is not a TF-Keras tensor; Received "
                             f"`input_tensor={input_tensor}`")
        if backend.int_shape(input_tensor)[2] != input_shape[1]:
            raise ValueError("input_tensor.shape[2] must equal input_shape[1]; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, "
                             f"`input_shape={input_shape}`")
    if input_shape is not None:
        rows, cols = _rows_cols(input_shape)
    elif input_tensor is not None and backend.is_keras_tensor(input_tensor):
        rows, cols = _rows_cols(backend.int_shape(input_tensor), offset=1)
    else:
        return 224
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(input_shape: Any = None, alpha: float = 1.0,  # noqa: N802
                include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                pooling: Any = None, classes: int = 1000,
                classifier_activation: Any = "softmax", **kwargs: Any) -> Model:
    """MobileNetV2, as ``tf.keras.applications.MobileNetV2``.

    Args:
        input_shape: the image shape without batch (at least 32x32; default 224x224x3,
            or 96/128/160/192 when a square shape of that side is given).
        alpha: the width multiplier (above 1 it widens the last 1280-filter
            convolution too).
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named ``mobilenetv2_<alpha:.2f>_<rows>``.

    Raises:
        ValueError: for bad or unknown arguments, as tf_keras; for ``weights="imagenet"``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    model_io.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=_default_size(input_shape, input_tensor), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, _ = _rows_cols(input_shape)
    if weights == "imagenet" and alpha not in _ALPHAS:
        raise ValueError("If imagenet weights are being loaded, alpha must be one of "
                         "`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                         f"`alpha={alpha}`")
    img_input = model_io.checked_top_input("MobileNetV2", weights, include_top,
                                         classifier_activation, input_tensor, input_shape)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    # The last convolution is widened only when alpha > 1, as in the paper.
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = model_io.global_pool(x, pooling)
    return model_io.finish(input_tensor, img_input, x, f"mobilenetv2_{alpha:0.2f}_{rows}",
                           weights)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]
