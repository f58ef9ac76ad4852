"""``tk.keras.applications.vgg19``: VGG19 as tf_keras 2.21 builds it.

Example:
    >>> model = tk.keras.applications.VGG19(weights=None, input_shape=(32, 32, 3),
    ...                                     classes=10)
"""

from __future__ import annotations

from typing import Any

from trainkit.keras.applications.vgg16 import build_vgg, decode_predictions, preprocess_input
from trainkit.keras.models import Model


def VGG19(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
          input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
          classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """VGG19 (16 convolutions, 3 dense layers), as ``tf.keras.applications.VGG19``;
    the arguments are VGG16's (see ``vgg16.VGG16``).

    Returns:
        A functional ``Model`` named "vgg19".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return build_vgg((2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


__all__ = ["VGG19", "preprocess_input", "decode_predictions"]
