"""``tk.keras.applications.vgg16``: VGG16 (Simonyan & Zisserman, 2014) as tf_keras 2.21
builds it, and the VGG family's builder that ``vgg19`` shares.

Example:
    >>> model = tk.keras.applications.VGG16(weights=None, include_top=False,
    ...                                     input_shape=(32, 32, 3), pooling="avg")
"""

from __future__ import annotations

from typing import Any

from trainkit.keras import layers
from trainkit.keras.applications import imagenet_utils, model_io
from trainkit.keras.models import Model

_WIDTHS = (64, 128, 256, 512, 512)


def build_vgg(convs_per_block: tuple, name: str, include_top: bool = True,
              weights: Any = "imagenet", input_tensor: Any = None, input_shape: Any = None,
              pooling: Any = None, classes: int = 1000,
              classifier_activation: Any = "softmax") -> Model:
    """A VGG network: five blocks of 3x3 "same" ReLU convolutions (64, 128, 256, 512,
    512 filters; ``convs_per_block[i]`` of them in block ``i``), each followed by 2x2
    max pooling, then either two 4096-unit layers and the classifier, or the optional
    global pooling.

    Raises:
        ValueError: for bad ``weights``/``classes``/``input_shape`` (as tf_keras), and
            for ``weights="imagenet"``, which cannot be downloaded.
    """
    img_input = model_io.checked_input(
        name, weights, include_top, classes, classifier_activation, input_tensor,
        input_shape, default_size=224, min_size=32)
    x = img_input
    for block, (width, convs) in enumerate(zip(_WIDTHS, convs_per_block), start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(width, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = model_io.global_pool(x, pooling)
    return model_io.finish(input_tensor, img_input, x, name, weights)


def VGG16(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
          input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
          classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """VGG16 (13 convolutions, 3 dense layers), as ``tf.keras.applications.VGG16``.

    Args:
        include_top: whether to add the flatten + two 4096-unit layers + classifier.
        weights: None (random initialization) or the path of a checkpoint written by
            ``model.save_weights``; "imagenet" is checked, then refused.
        input_tensor: optional Keras tensor (or tensor) to build the model on.
        input_shape: the image shape without batch (with the top: static, at least
            32x32; default 224x224x3).
        pooling: without the top, "avg" or "max" global pooling, or None.
        classes: the classifier's classes.
        classifier_activation: the classifier's activation (None for logits).

    Returns:
        A functional ``Model`` named "vgg16".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return build_vgg((2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Caffe-style scaling: RGB to BGR, minus ImageNet's channel means
    (``imagenet_utils.preprocess_input(mode="caffe")``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """See ``imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index=class_index)


__all__ = ["VGG16", "build_vgg", "preprocess_input", "decode_predictions"]
