"""``tk.keras.applications.resnet_v2``: ResNet50V2/101V2/152V2 (He et al., 2016,
pre-activation blocks) as tf_keras 2.21 builds them, on ``resnet.ResNet``.

Example:
    >>> model = tk.keras.applications.ResNet50V2(weights=None, include_top=False,
    ...                                          input_shape=(32, 32, 3), pooling="avg")
"""

from __future__ import annotations

from typing import Any

from trainkit.keras.applications import imagenet_utils
from trainkit.keras.applications.resnet import ResNet, decode_predictions, stack2
from trainkit.keras.models import Model

# blocks per stage (conv2 .. conv5) of each depth
_STAGES = {"resnet50v2": (3, 4, 6, 3), "resnet101v2": (3, 4, 23, 3),
           "resnet152v2": (3, 8, 36, 3)}


def _v2(model_name: str, include_top: bool, weights: Any, input_tensor: Any,
        input_shape: Any, pooling: Any, classes: int, classifier_activation: Any) -> Model:
    counts = _STAGES[model_name]

    def stack_fn(x: Any) -> Any:
        x = stack2(x, 64, counts[0], name="conv2")
        x = stack2(x, 128, counts[1], name="conv3")
        x = stack2(x, 256, counts[2], name="conv4")
        return stack2(x, 512, counts[3], stride1=1, name="conv5")

    return ResNet(stack_fn, True, True, model_name, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation=classifier_activation)


def ResNet50V2(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
               input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
               classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """ResNet50V2, as ``tf.keras.applications.ResNet50V2``; the arguments are
    ``resnet.ResNet50``'s.

    Returns:
        A functional ``Model`` named "resnet50v2".

    Raises:
        ValueError: for bad arguments, as tf_keras; for ``weights="imagenet"``.
    """
    return _v2("resnet50v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet101V2(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """ResNet101V2; arguments as ``ResNet50V2``."""
    return _v2("resnet101v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet152V2(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
                input_tensor: Any = None, input_shape: Any = None, pooling: Any = None,
                classes: int = 1000, classifier_activation: Any = "softmax") -> Model:
    """ResNet152V2; arguments as ``ResNet50V2``."""
    return _v2("resnet152v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1] (``mode="tf"``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input",
           "decode_predictions"]
