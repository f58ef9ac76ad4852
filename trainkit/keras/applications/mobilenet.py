"""``tk.keras.applications.mobilenet``: MobileNet v1 (Howard et al., 2017) as tf_keras
2.21 builds it: depthwise-separable convolution blocks scaled by the width multiplier
``alpha``.

Example:
    >>> model = tk.keras.applications.MobileNet(weights=None, alpha=0.25,
    ...                                         input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

# (pointwise filters, stride) of the 13 depthwise-separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))
_SIZES = (128, 160, 192, 224)


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _conv_block(x: Any, filters: int, alpha: float) -> Any:
    x = layers.Conv2D(int(filters * alpha), (3, 3), padding="same", use_bias=False,
                      strides=(2, 2), name="conv1")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_block(x: Any, filters: int, alpha: float, depth_multiplier: int,
                     stride: int, block_id: int) -> Any:
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid",
                               depth_multiplier=depth_multiplier, strides=(stride, stride),
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _rows_cols(input_shape: Any) -> tuple:
    if backend.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def MobileNet(input_shape: Any = None, alpha: float = 1.0,  # noqa: N802
              depth_multiplier: int = 1, dropout: float = 1e-3, include_top: bool = True,
              weights: Any = "imagenet", input_tensor: Any = None, pooling: Any = None,
              classes: int = 1000, classifier_activation: Any = "softmax",
              **kwargs: Any) -> Model:
    """MobileNet, as ``tf.keras.applications.MobileNet``.

    Args:
        input_shape: the image shape without batch (at least 32x32; default 224x224x3,
            or 128/160/192 when a square shape of that side is given).
        alpha: the width multiplier of every convolution's filters.
        depth_multiplier: the depthwise convolutions' channel multiplier.
        dropout: the dropout rate before the classifier.
        include_top: whether to add pooling, dropout and the 1x1-convolution classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named ``mobilenet_<alpha:.2f>_<rows>``.

    Raises:
        ValueError: for bad or unknown arguments, as tf_keras; for ``weights="imagenet"``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {(kwargs,)}")
    model_io.check_weights(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = _rows_cols(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, _ = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must "
                             f"be 1.  Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.5, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of"
                             "`0.25`, `0.50`, `0.75` or `1.0` only.  Received "
                             f"alpha={alpha}")
    img_input = model_io.checked_top_input("MobileNet", weights, include_top,
                                         classifier_activation, input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = model_io.global_pool(x, pooling)
    return model_io.finish(input_tensor, img_input, x, f"mobilenet_{alpha:0.2f}_{rows}",
                           weights)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]
