"""``tk.keras.applications.nasnet``: NASNetMobile and NASNetLarge (Zoph et al., 2018,
NASNet-A cells) as tf_keras 2.21 builds them, with its name scopes
(``normal_A_block_0/block_1/...``), which prefix the ops and weights.

Example:
    >>> model = tk.keras.applications.NASNetMobile(weights=None, include_top=False,
    ...                                            input_shape=(32, 32, 3))
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.default_graph import name_scope
from trainkit.keras import backend, layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model


def _bn(name: str | None = None) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters: int, name: str, strides: Any = (1, 1)) -> layers.Conv2D:
    return layers.Conv2D(filters, (1, 1), strides=strides, padding="same", use_bias=False,
                         name=name, kernel_initializer="he_normal")


def _sep_block(ip: Any, filters: int, kernel_size: Any = (3, 3), strides: Any = (1, 1),
               block_id: str = "") -> Any:
    """ReLU, separable conv (strided after "same"-centring padding), BN, ReLU,
    separable conv, BN."""
    with name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(ip)
        pad = "same"
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                     name=f"separable_conv_1_pad_{block_id}")(x)
            pad = "valid"
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding=pad,
                                   use_bias=False, name=f"separable_conv_1_{block_id}")(x)
        x = _bn(f"separable_conv_1_bn_{block_id}")(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                                   name=f"separable_conv_2_{block_id}")(x)
        return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p: Any, ip: Any, filters: int, block_id: str) -> Any:
    """The previous cell's output ``p`` brought to ``ip``'s size (a factorized
    reduction of two offset strided 1x1 paths) or to ``filters`` channels."""
    with name_scope("adjust_block"):
        if p is None:
            return ip
        p_shape, ip_shape = backend.int_shape(p), backend.int_shape(ip)
        if p_shape[-2] != ip_shape[-2]:
            with name_scope(f"adjust_reduction_block_{block_id}"):
                p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_1_{block_id}")(p)
                p1 = _conv1x1(filters // 2, f"adjust_conv_1_{block_id}")(p1)
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_2_{block_id}")(p2)
                p2 = _conv1x1(filters // 2, f"adjust_conv_2_{block_id}")(p2)
                p = layers.concatenate([p1, p2], axis=-1)
                return _bn(f"adjust_bn_{block_id}")(p)
        if p_shape[-1] != filters:
            with name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
                return _bn(f"adjust_bn_{block_id}")(p)
        return p


def _squeeze(ip: Any, filters: int, kind: str, block_id: str) -> Any:
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"{kind}_conv_1_{block_id}")(h)
    return _bn(f"{kind}_bn_1_{block_id}")(h)


def _avg3(stride: int, name: str) -> layers.AveragePooling2D:
    return layers.AveragePooling2D((3, 3), strides=(stride, stride),
                                   padding="same" if stride == 1 else "valid", name=name)


def _normal_a_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple:
    with name_scope(f"normal_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "normal", block_id)
        with name_scope("block_1"):
            x1 = layers.add([_sep_block(h, filters, (5, 5), block_id=f"normal_left1_{block_id}"),
                             _sep_block(p, filters, block_id=f"normal_right1_{block_id}")],
                            name=f"normal_add_1_{block_id}")
        with name_scope("block_2"):
            x2 = layers.add([_sep_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}"),
                             _sep_block(p, filters, (3, 3),
                                        block_id=f"normal_right2_{block_id}")],
                            name=f"normal_add_2_{block_id}")
        with name_scope("block_3"):
            x3 = _avg3(1, f"normal_left3_{block_id}")(h)
            x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
        with name_scope("block_4"):
            x4 = layers.add([_avg3(1, f"normal_left4_{block_id}")(p),
                             _avg3(1, f"normal_right4_{block_id}")(p)],
                            name=f"normal_add_4_{block_id}")
        with name_scope("block_5"):
            x5 = _sep_block(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1,
                               name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple:
    with name_scope(f"reduction_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "reduction", block_id)
        h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                                  name=f"reduction_pad_1_{block_id}")(h)
        with name_scope("block_1"):
            x1 = layers.add([_sep_block(h, filters, (5, 5), strides=(2, 2),
                                        block_id=f"reduction_left1_{block_id}"),
                             _sep_block(p, filters, (7, 7), strides=(2, 2),
                                        block_id=f"reduction_right1_{block_id}")],
                            name=f"reduction_add_1_{block_id}")
        with name_scope("block_2"):
            x2_1 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                       name=f"reduction_left2_{block_id}")(h3)
            x2_2 = _sep_block(p, filters, (7, 7), strides=(2, 2),
                              block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
        with name_scope("block_3"):
            x3_1 = _avg3(2, f"reduction_left3_{block_id}")(h3)
            x3_2 = _sep_block(p, filters, (5, 5), strides=(2, 2),
                              block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
        with name_scope("block_4"):
            x4 = _avg3(1, f"reduction_left4_{block_id}")(x1)
            x4 = layers.add([x2, x4])
        with name_scope("block_5"):
            x5_1 = _sep_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
            x5_2 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                       name=f"reduction_right5_{block_id}")(h3)
            x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
        x = layers.concatenate([x2, x3, x4, x5], axis=-1,
                               name=f"reduction_concat_{block_id}")
    return x, ip


def NASNet(input_shape: Any = None, penultimate_filters: int = 4032,  # noqa: N802
           num_blocks: int = 6, stem_block_filters: int = 96, skip_reduction: bool = True,
           filter_multiplier: int = 2, include_top: bool = True, weights: Any = "imagenet",
           input_tensor: Any = None, pooling: Any = None, classes: int = 1000,
           default_size: int | None = None, classifier_activation: Any = "softmax") -> Model:
    """A NASNet-A network: a strided stem, two reduction cells, then three groups of
    ``num_blocks`` normal cells separated by reduction cells, ReLU, and the classifier
    or the optional global pooling. Channels-last only.

    Raises:
        ValueError: for bad arguments, as tf_keras (``penultimate_filters`` must be a
            multiple of ``24 * filter_multiplier ** 2``); for ``weights="imagenet"``.
    """
    model_io.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading "
                         "`ImageNet` weights, the input_shape argument must be static (no "
                         f"None entries). Got: `input_shape={input_shape}`.")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size or 331, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    if penultimate_filters % (24 * filter_multiplier ** 2) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple "
                         "of 24 * (`filter_multiplier` ** 2). Current value: "
                         f"{penultimate_filters}")
    img_input = model_io.checked_top_input("NASNet", weights, include_top,
                                         classifier_activation, input_tensor, input_shape)
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                      use_bias=False, name="stem_conv1",
                      kernel_initializer="he_normal")(img_input)
    x = _bn("stem_bn1")(x)
    x, p = _reduction_a_cell(x, None, filters // filter_multiplier ** 2, "stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, "stem_2")
    for group in range(3):
        width = filters * filter_multiplier ** group
        if group:
            x, p0 = _reduction_a_cell(x, p, width, f"reduce_{group * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            block = i if group == 0 else group * num_blocks + i + 1
            x, p = _normal_a_cell(x, p, width, str(block))
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = model_io.global_pool(x, pooling)
    return model_io.finish(input_tensor, img_input, x, "NASNet", weights)


def NASNetMobile(input_shape: Any = None, include_top: bool = True,  # noqa: N802
                 weights: Any = "imagenet", input_tensor: Any = None, pooling: Any = None,
                 classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """NASNet-A Mobile (4 @ 1056), as ``tf.keras.applications.NASNetMobile``.

    Args:
        input_shape: the image shape without batch (at least 32x32; default 224x224x3).
        include_top: whether to add global average pooling and the classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named "NASNet".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling,
                  classes=classes, default_size=224,
                  classifier_activation=classifier_activation)


def NASNetLarge(input_shape: Any = None, include_top: bool = True,  # noqa: N802
                weights: Any = "imagenet", input_tensor: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """NASNet-A Large (6 @ 4032, default 331x331x3); arguments as ``NASNetMobile``."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling,
                  classes=classes, default_size=331,
                  classifier_activation=classifier_activation)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["NASNet", "NASNetMobile", "NASNetLarge", "preprocess_input",
           "decode_predictions"]
