"""``tk.keras.applications.imagenet_utils``: the ImageNet input scalings, prediction
decoding and input-shape rules the applications share (tf_keras 2.21's behaviour).

Example:
    >>> x = tk.keras.applications.imagenet_utils.preprocess_input(pixels, mode="tf")
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import numpy as np

from trainkit.framework import constant_op, conversion
from trainkit.framework import dtypes as _dt
from trainkit.keras import activations, backend
from trainkit.ops import array_ops, cast_ops, sequence_ops
from trainkit.ops.nn_activations import bias_add

# The per-channel means and deviations of ImageNet's pixels the pretrained models use.
_CAFFE_MEAN = (103.939, 116.779, 123.68)        # in BGR order
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
_MODES = ("caffe", "tf", "torch")
_CLASS_INDEX: dict | None = None


def _check_format(data_format: str | None) -> str:
    if data_format is None:
        return backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    return data_format


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """Scales a batch of images (pixels in [0, 255]) as a pretrained model expects.

    ``mode`` "caffe" turns RGB into BGR and subtracts ImageNet's channel means; "tf"
    maps pixels to [-1, 1]; "torch" maps them to [0, 1] and standardizes each channel.
    A float NumPy array is changed in place (as tf_keras does) and returned; other
    NumPy arrays are converted to floatx first; a tensor gives a tensor.

    Args:
        x: a NumPy array or tensor, 3-D or 4-D, with 3 colour channels.
        data_format: "channels_last" or "channels_first" (default: the backend's).
        mode: "caffe", "tf" or "torch".

    Returns:
        The scaled array or tensor.

    Raises:
        ValueError: for an unknown ``mode`` or ``data_format``.
    """
    if mode not in _MODES:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         f"mode={mode}")
    data_format = _check_format(data_format)
    if isinstance(x, np.ndarray):
        return _scale_array(x, data_format, mode)
    return _scale_tensor(conversion.convert_to_tensor(x), data_format, mode)


def _channel_view(x: np.ndarray, data_format: str) -> np.ndarray:
    """``x`` with its channel axis last (a view, so writes reach ``x``)."""
    if data_format == "channels_last":
        return x
    return np.moveaxis(x, 0 if x.ndim == 3 else 1, -1)


def _scale_array(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
        x = np.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    view = _channel_view(x, data_format)
    for c in range(3):
        view[..., c] -= mean[c]
        if std is not None:
            view[..., c] /= std[c]
    return x


def _scale_tensor(x: Any, data_format: str, mode: str) -> Any:
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = -1 if data_format == "channels_last" else (0 if x.shape.ndims == 3 else 1)
        x = sequence_ops.reverse(x, [axis])
        mean, std = _CAFFE_MEAN, None
    fmt = "NHWC" if data_format == "channels_last" else "NCHW"
    shift = constant_op.constant(-np.array(mean), dtype=_dt.float32)
    if x.dtype != shift.dtype:
        shift = cast_ops.cast(shift, x.dtype)
    x = bias_add(x, shift, data_format=fmt) if x.shape.ndims == 4 or fmt == "NHWC" else \
        x + array_ops.reshape(shift, [-1, 1, 1])
    if std is None:
        return x
    scale = constant_op.constant(np.array(std), dtype=x.dtype)
    if data_format == "channels_first":
        scale = array_ops.reshape(scale, [-1, 1, 1])
    return x / scale


def _class_index_path() -> str:
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(home, "models", "imagenet_class_index.json")


def _load_class_index(class_index: Any) -> dict:
    global _CLASS_INDEX
    if isinstance(class_index, dict):
        return class_index
    if class_index is not None:
        with open(class_index) as f:
            return json.load(f)
    if _CLASS_INDEX is None:
        path = _class_index_path()
        if not os.path.exists(path):
            raise FileNotFoundError(
                "decode_predictions needs ImageNet's class index "
                "(imagenet_class_index.json), which trainkit cannot download. Put the file "
                f"at {path} (where tf.keras caches it) or pass class_index=<path or dict>.")
        with open(path) as f:
            _CLASS_INDEX = json.load(f)
    return _CLASS_INDEX


def decode_predictions(preds: Any, top: int = 5, class_index: Any = None) -> list:
    """The ``top`` classes of each row of ImageNet predictions, as lists of
    ``(class_id, class_name, score)`` tuples, best first.

    Differs from TF: the class index is never downloaded. It is read from
    ``$KERAS_HOME/models/imagenet_class_index.json`` (``~/.keras/...``, where tf.keras
    caches it) or from ``class_index`` (a path to that JSON file, or its dict
    ``{"0": ["n01440764", "tench"], ...}``).

    Args:
        preds: a NumPy array of shape ``(samples, 1000)``.
        top: how many classes to return per sample.
        class_index: optional path or dict (see above).

    Returns:
        One list of tuples per sample.

    Raises:
        ValueError: if ``preds`` is not of shape ``(samples, 1000)``.
        FileNotFoundError: if no class index is given or cached.
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         "array of shape (samples, 1000)). Found array with shape: "
                         f"{preds.shape}")
    index = _load_class_index(class_index)
    results = []
    for row in preds:
        best = np.argsort(row)[-top:][::-1]
        found = [(*index[str(i)], row[i]) for i in best]
        found.sort(key=lambda t: t[2], reverse=True)
        results.append([tuple(t) for t in found])
    return results


def obtain_input_shape(input_shape: Any, default_size: int, min_size: int,
                       data_format: str, require_flatten: bool,
                       weights: Any = None) -> tuple:
    """The image shape (without batch) a model is built for, checked as tf_keras does.

    Without ``input_shape`` it is the default square (unknown height and width when the
    model has no classifier on top). A given shape must have 3 entries, sides at least
    ``min_size`` and, for ImageNet weights, 3 channels (and the default size with the
    classifier on top).

    Raises:
        ValueError: for a shape that breaks these rules.
    """
    last = data_format != "channels_first"
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it "
                          f"was passed an input_shape with {channels} input channels.",
                          stacklevel=3)
    else:
        channels = 3
    default = (default_size, default_size, channels) if last else \
        (channels, default_size, default_size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default:
            raise ValueError("When setting `include_top=True` and loading `imagenet` "
                             f"weights, `input_shape` should be {default}.  Received: "
                             f"input_shape={input_shape}")
        return default
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[-1] if last else input_shape[0]
        sides = input_shape[:2] if last else input_shape[1:]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if any(s is not None and s < min_size for s in sides):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; "
                             f"Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (None, None, 3) if last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs: Any, kernel_size: Any) -> tuple:
    """The zero padding before a strided ``kernel_size`` convolution with "valid"
    padding that centres it as "same" padding would: one less row (column) before than
    after when the side is even (or unknown)."""
    start = 2 if backend.image_data_format() == "channels_first" else 1
    sides = backend.int_shape(inputs)[start:start + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    pads = []
    for side, k in zip(sides, kernel_size):
        less = 1 if side is None else 1 - side % 2
        pads.append((k // 2 - less, k // 2))
    return tuple(pads)


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Pretrained weights allow only a softmax or no activation on the classifier.

    Raises:
        ValueError: for another activation with weights given.
    """
    if weights is None:
        return
    fn = activations.get(classifier_activation)
    if fn not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         "with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")


__all__ = ["preprocess_input", "decode_predictions", "obtain_input_shape", "correct_pad",
           "validate_activation"]
