"""``tk.keras.applications.resnet``: ResNet50/101/152 (He et al., 2015, v1 with the
stride on the first 1x1 convolution of each stage) as tf_keras 2.21 builds them, from
one builder and the bottleneck block; ``resnet_v2`` uses the same builder with the
pre-activation block.

Example:
    >>> model = tk.keras.applications.ResNet50(weights=None, include_top=False,
    ...                                        input_shape=(32, 32, 3), pooling="avg")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

_EPS = 1.001e-5
# blocks per stage (conv2 .. conv5) of each depth
_STAGES = {"resnet50": (3, 4, 6, 3), "resnet101": (3, 4, 23, 3), "resnet152": (3, 8, 36, 3)}


def _bn_axis() -> int:
    return 3 if backend.image_data_format() == "channels_last" else 1


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPS, name=name)


def block1(x: Any, filters: int, kernel_size: int = 3, stride: int = 1,
           conv_shortcut: bool = True, name: str = "") -> Any:
    """A bottleneck residual block: 1x1 (strided), 3x3 and 1x1 (4 x ``filters``)
    convolutions with batch normalization, added to the shortcut (a strided 1x1
    convolution when ``conv_shortcut``, else ``x``), then ReLU."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = _bn(name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="SAME", name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = _bn(name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def stack1(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` bottleneck blocks; the first has the projection shortcut and
    ``stride1``."""
    x = block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def block2(x: Any, filters: int, kernel_size: int = 3, stride: int = 1,
           conv_shortcut: bool = False, name: str = "") -> Any:
    """A pre-activation (v2) bottleneck block: BN-ReLU first, then 1x1, padded strided
    3x3 and 1x1 convolutions, added to the shortcut (a 1x1 convolution of the
    pre-activation when ``conv_shortcut``, else ``x``, subsampled when strided)."""
    preact = _bn(name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False,
                      name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def stack2(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """``blocks`` pre-activation blocks: the first with the projection shortcut, the
    last with ``stride1``."""
    x = block2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = block2(x, filters, name=f"{name}_block{i}")
    return block2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def ResNet(stack_fn: Callable[[Any], Any], preact: bool, use_bias: bool,  # noqa: N802
           model_name: str = "resnet", include_top: bool = True, weights: Any = "imagenet",
           input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
           classes: int = 1000, classifier_activation: Any = "softmax",
           **kwargs: Any) -> Model:
    """The ResNet skeleton: 7x7/2 stem convolution, 3x3/2 max pooling, ``stack_fn``'s
    stages, then the classifier or the optional global pooling.

    Args:
        stack_fn: builds the residual stages on the stem's output.
        preact: whether the blocks are pre-activation (v2): then the stem has no batch
            normalization and the stages are followed by one.
        use_bias: whether the stem convolution has a bias.
        model_name: the model's name.
        (the rest as ``ResNet50``)

    Raises:
        ValueError: for unknown keyword arguments and bad arguments (as tf_keras), and
            for ``weights="imagenet"``.
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    img_input = model_io.checked_input(
        model_name, weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=224, min_size=32)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _bn("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = model_io.average_top(x, include_top, classes, classifier_activation, pooling,
                             ("avg_pool", "max_pool"))
    return model_io.finish(input_tensor, img_input, x, model_name, weights)


def _v1(model_name: str, include_top: bool, weights: Any, input_tensor: Any,
        input_shape: Any, pooling: Any, classes: int, kwargs: dict) -> Model:
    counts = _STAGES[model_name]

    def stack_fn(x: Any) -> Any:
        x = stack1(x, 64, counts[0], stride1=1, name="conv2")
        x = stack1(x, 128, counts[1], name="conv3")
        x = stack1(x, 256, counts[2], name="conv4")
        return stack1(x, 512, counts[3], name="conv5")

    return ResNet(stack_fn, False, True, model_name, include_top, weights, input_tensor,
                  input_shape, pooling, classes, **kwargs)


def ResNet50(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
             input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
             classes: int = 1000, **kwargs: Any) -> Model:
    """ResNet50, as ``tf.keras.applications.ResNet50``.

    Args:
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        input_shape: the image shape without batch (at least 32x32; default 224x224x3).
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        **kwargs: ``classifier_activation`` (default "softmax"; None for logits).

    Returns:
        A functional ``Model`` named "resnet50".

    Raises:
        ValueError: for bad or unknown arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return _v1("resnet50", include_top, weights, input_tensor, input_shape, pooling,
               classes, kwargs)


def ResNet101(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
              input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
              classes: int = 1000, **kwargs: Any) -> Model:
    """ResNet101 (23 blocks in conv4); arguments as ``ResNet50``."""
    return _v1("resnet101", include_top, weights, input_tensor, input_shape, pooling,
               classes, kwargs)


def ResNet152(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
              input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
              classes: int = 1000, **kwargs: Any) -> Model:
    """ResNet152 (8 blocks in conv3, 36 in conv4); arguments as ``ResNet50``."""
    return _v1("resnet152", include_top, weights, input_tensor, input_shape, pooling,
               classes, kwargs)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Caffe-style scaling: RGB to BGR, minus ImageNet's channel means."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["ResNet", "ResNet50", "ResNet101", "ResNet152", "block1", "stack1", "block2",
           "stack2",
           "preprocess_input", "decode_predictions"]
