"""``tk.keras.applications.densenet``: DenseNet121/169/201 (Huang et al., 2017) as
tf_keras 2.21 builds them: dense blocks of BN-ReLU-conv bottlenecks whose outputs are
concatenated, joined by halving transition blocks.

Example:
    >>> model = tk.keras.applications.DenseNet121(weights=None, include_top=False,
    ...                                           input_shape=(32, 32, 3), pooling="avg")
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

_EPS = 1.001e-5
_NAMES = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169",
          (6, 12, 48, 32): "densenet201"}


def _bn_axis() -> int:
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPS, name=name)


def conv_block(x: Any, growth_rate: int, name: str) -> Any:
    """``x`` concatenated with ``growth_rate`` new channels (BN, ReLU, 1x1 conv to
    4 x growth, BN, ReLU, 3x3 conv)."""
    y = _bn(name + "_0_bn")(x)
    y = layers.Activation("relu", name=name + "_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(y)
    y = _bn(name + "_1_bn")(y)
    y = layers.Activation("relu", name=name + "_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                      name=name + "_2_conv")(y)
    return layers.Concatenate(axis=_bn_axis(), name=name + "_concat")([x, y])


def dense_block(x: Any, blocks: int, name: str) -> Any:
    """``blocks`` conv blocks of growth rate 32."""
    for i in range(1, blocks + 1):
        x = conv_block(x, 32, name=f"{name}_block{i}")
    return x


def transition_block(x: Any, reduction: float, name: str) -> Any:
    """BN, ReLU, a 1x1 convolution to ``reduction`` of the channels, 2x2 average
    pooling."""
    x = _bn(name + "_bn")(x)
    x = layers.Activation("relu", name=name + "_relu")(x)
    channels = backend.int_shape(x)[_bn_axis()]
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks: Any, include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
             input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
             classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """A DenseNet with ``blocks`` conv blocks in each of its four dense blocks; the
    other arguments as ``DenseNet121``.

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    name = _NAMES.get(tuple(blocks), "densenet")
    img_input = model_io.checked_input(
        name, weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=224, min_size=32)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = _bn("conv1/bn")(x)
    x = layers.Activation("relu", name="conv1/relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = _bn("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = model_io.average_top(x, include_top, classes, classifier_activation, pooling,
                             ("avg_pool", "max_pool"))
    return model_io.finish(input_tensor, img_input, x, name, weights)


def DenseNet121(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """DenseNet121, as ``tf.keras.applications.DenseNet121``.

    Args:
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        input_shape: the image shape without batch (at least 32x32; default 224x224x3).
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named "densenet121".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return DenseNet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


def DenseNet169(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """DenseNet169; arguments as ``DenseNet121``."""
    return DenseNet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


def DenseNet201(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """DenseNet201; arguments as ``DenseNet121``."""
    return DenseNet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Torch-style scaling: pixels to [0, 1], then each channel standardized with
    ImageNet's means and deviations (``mode="torch"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["DenseNet", "DenseNet121", "DenseNet169", "DenseNet201", "conv_block",
           "dense_block", "transition_block", "preprocess_input", "decode_predictions"]
