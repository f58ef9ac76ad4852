"""What every application does around its layers: check the ``weights``/``classes``
arguments, make the image input, add the optional global pooling, wrap the result in a
``Model`` and load weights from a local file.

Pretrained ImageNet weights are never downloaded (this machine, like many trainkit
users', has no network for it): ``weights="imagenet"`` is checked exactly as tf_keras
checks it and then refused with a ``ValueError`` that says what to do instead.
"""

from __future__ import annotations

import os
from typing import Any

from trainkit.keras import backend, history, layers
from trainkit.keras.applications import imagenet_utils
from trainkit.keras.input_layer import Input, InputLayer
from trainkit.keras.models import Model


def _is_checkpoint(path: Any) -> bool:
    if not isinstance(path, str | os.PathLike):
        return False
    path = os.fspath(path)
    return os.path.exists(path) or os.path.exists(path + ".index")


def check_weights(weights: Any, include_top: bool, classes: int) -> None:
    """Checks ``weights`` (None, "imagenet" or a file) and ``classes`` as tf_keras does.

    Raises:
        ValueError: for ``weights`` that is none of these, or ImageNet weights with a
            classifier of other than 1000 classes.
    """
    if not (weights is None or weights == "imagenet" or _is_checkpoint(weights)):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the "
                         f"path to the weights file to be loaded.  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         f"`classes` should be 1000.  Received `classes={classes}`")


def refuse_download(weights: Any, model: str) -> None:
    """Stops a build that would need ImageNet weights (after the arguments were checked,
    so a bad argument still gets tf_keras's error first).

    Raises:
        ValueError: when ``weights`` is "imagenet".
    """
    if weights == "imagenet":
        raise ValueError(f"Pretrained ImageNet weights for {model} cannot be downloaded: "
                         "trainkit has no access to the Keras weight files. Build the model "
                         "with weights=None, or pass weights=<path of a checkpoint written by "
                         "model.save_weights()>.")


def image_input(input_tensor: Any, input_shape: tuple) -> Any:
    """The model's image input: a new ``Input`` of ``input_shape``, ``input_tensor``
    itself when it is a Keras tensor, or an ``Input`` wrapping another tensor."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def checked_input(model: str, weights: Any, include_top: bool, classes: int,
                  classifier_activation: Any, input_tensor: Any, input_shape: Any,
                  default_size: int, min_size: int) -> Any:
    """The image input after tf_keras's argument checks, in its order: ``weights`` and
    ``classes``, the input shape (:func:`imagenet_utils.obtain_input_shape`), the
    classifier activation; then ``weights="imagenet"`` is refused (``model`` names it)."""
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    return checked_top_input(model, weights, include_top, classifier_activation,
                             input_tensor, input_shape)


def checked_top_input(model: str, weights: Any, include_top: bool,
                      classifier_activation: Any, input_tensor: Any,
                      input_shape: tuple) -> Any:
    """The last checks of :func:`checked_input` and the image input, for applications
    whose input shape needs checks of their own first (MobileNets, NASNet)."""
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    refuse_download(weights, model)
    return image_input(input_tensor, input_shape)


def average_top(x: Any, include_top: bool, classes: int, classifier_activation: Any,
                pooling: Any, pool_names: tuple = (None, None)) -> Any:
    """The usual head: global average pooling ("avg_pool") and the "predictions" layer
    with the top, else :func:`global_pool` named ``pool_names`` (avg, max)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return global_pool(x, pooling, *pool_names)


def source_inputs(tensor: Any) -> list:
    """The ``Input`` tensors that ``tensor`` was computed from through Keras layers
    (tf_keras's ``get_source_inputs``), in the order they are first reached."""
    found: list = []
    seen: set[int] = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        node = history.node_of(t)
        if node is None or isinstance(node.layer, InputLayer):
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(node.input_tensors))
    return found


def global_pool(x: Any, pooling: Any, avg_name: str | None = None,
                max_name: str | None = None) -> Any:
    """``x`` globally average- or max-pooled for ``pooling`` "avg" or "max"; any other
    value leaves the 4-D features (tf_keras ignores an unknown ``pooling``)."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def finish(input_tensor: Any, img_input: Any, outputs: Any, name: str,
           weights: Any) -> Model:
    """The ``Model`` from the image input (or ``input_tensor``'s sources) to
    ``outputs``, with the weights of the checkpoint ``weights`` when it is a path.

    Differs from TF: a weights file is a TF1 checkpoint written by
    ``model.save_weights`` (trainkit reads no h5 files).
    """
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, outputs, name=name)
    if weights is not None:
        model.load_weights(os.fspath(weights))
    return model


__all__ = ["check_weights", "refuse_download", "image_input", "source_inputs",
           "global_pool", "finish"]
