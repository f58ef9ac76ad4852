"""Scenarios for ``tf.keras.applications``, run on either backend: each takes the ``tf``
module (real ``tensorflow.compat.v1`` or ``trainkit``) and returns plain data.

``make_applications_reference.py`` runs them under TF 2.21.0 + tf_keras 2.21
(``tf.compat.v1``, eager disabled, ``TF_USE_LEGACY_KERAS=1``) into
``applications_reference.json`` and ``data/applications_*.npz``;
``test_applications_vs_tf.py`` runs them under trainkit and compares. Imports no TF
library.

- ``STRUCTURE``: a model built with ``weights=None``; recorded are its name, its layers'
  names and class names in ``model.layers`` order, its weights' names and shapes in
  ``model.weights`` order, the trainable and non-trainable parameter counts and the
  input and output shapes.
- ``NUMERIC``: a small model (the minimum input size, batch 2) whose weights are set to
  the same values on both sides, run on ``preprocess_input`` of the same pixels in
  inference mode. ``"npz"`` cases carry TF's own weights (``get_weights()``) in a
  ``.npz``; ``"seeded"`` cases are too big for that, so both sides draw them from
  :func:`seeded_weights` and only TF's outputs are recorded.
- ``ERRORS``: bad arguments; recorded is the class name of what TF raises (or "ok").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np

# name -> (module, function, keyword arguments); weights=None is added for every case.
STRUCTURE: dict[str, tuple[str, str, dict]] = {
    "vgg16_top": ("vgg16", "VGG16", {}),
    "vgg16_notop_max": ("vgg16", "VGG16", {"include_top": False, "input_shape": (48, 40, 3),
                                          "pooling": "max"}),
    "vgg19_top10": ("vgg19", "VGG19", {"input_shape": (32, 32, 3), "classes": 10}),
    "vgg19_notop_none": ("vgg19", "VGG19", {"include_top": False}),
    "resnet50_top": ("resnet50", "ResNet50", {}),
    "resnet50_notop": ("resnet", "ResNet50", {"include_top": False,
                                              "input_shape": (64, 48, 3)}),
    "resnet50_notop_avg": ("resnet50", "ResNet50", {"include_top": False, "pooling": "avg"}),
    "resnet152_notop_max": ("resnet", "ResNet152", {"include_top": False,
                                                    "input_shape": (32, 32, 3),
                                                    "pooling": "max"}),
    "mobilenet_top": ("mobilenet", "MobileNet", {}),
    "mobilenet_a25_top10": ("mobilenet", "MobileNet", {"alpha": 0.25,
                                                       "input_shape": (32, 32, 3),
                                                       "classes": 10}),
    "mobilenet_a50_dm2_max": ("mobilenet", "MobileNet", {"alpha": 0.5,
                                                         "depth_multiplier": 2,
                                                         "include_top": False,
                                                         "input_shape": (128, 128, 3),
                                                         "pooling": "max"}),
    "mobilenet_v2_top": ("mobilenet_v2", "MobileNetV2", {}),
    "mobilenet_v2_a35_odd": ("mobilenet_v2", "MobileNetV2", {"alpha": 0.35,
                                                             "include_top": False,
                                                             "input_shape": (33, 47, 3)}),
    "mobilenet_v2_a14_avg": ("mobilenet_v2", "MobileNetV2", {"alpha": 1.4,
                                                             "include_top": False,
                                                             "input_shape": (96, 96, 3),
                                                             "pooling": "avg"}),
    "mobilenet_v2_unknown_hw": ("mobilenet_v2", "MobileNetV2", {"include_top": False,
                                                                "alpha": 0.5}),
    "densenet121_top": ("densenet", "DenseNet121", {}),
    "densenet121_notop_avg": ("densenet", "DenseNet121", {"include_top": False,
                                                          "input_shape": (32, 32, 3),
                                                          "pooling": "avg"}),
    "densenet169_top": ("densenet", "DenseNet169", {}),
    "densenet201_notop": ("densenet", "DenseNet201", {"include_top": False}),
    "inception_v3_top": ("inception_v3", "InceptionV3", {}),
    "inception_v3_notop_75": ("inception_v3", "InceptionV3", {"include_top": False,
                                                              "input_shape": (75, 75, 3)}),
    "xception_top": ("xception", "Xception", {}),
    "xception_notop_max": ("xception", "Xception", {"include_top": False,
                                                    "input_shape": (71, 71, 3),
                                                    "pooling": "max"}),
    "resnet50v2_top": ("resnet_v2", "ResNet50V2", {}),
    "resnet101v2_notop_avg": ("resnet_v2", "ResNet101V2", {"include_top": False,
                                                          "input_shape": (32, 32, 3),
                                                          "pooling": "avg"}),
    "resnet152v2_notop_max": ("resnet_v2", "ResNet152V2", {"include_top": False,
                                                          "input_shape": (64, 64, 3),
                                                          "pooling": "max"}),
    "nasnet_mobile_top": ("nasnet", "NASNetMobile", {}),
    "nasnet_mobile_notop_avg": ("nasnet", "NASNetMobile", {"include_top": False,
                                                           "input_shape": (32, 32, 3),
                                                           "pooling": "avg"}),
    "nasnet_large_notop": ("nasnet", "NASNetLarge", {"include_top": False,
                                                     "input_shape": (35, 33, 3)}),
    "inception_resnet_v2_top": ("inception_resnet_v2", "InceptionResNetV2", {}),
    "inception_resnet_v2_notop_max": ("inception_resnet_v2", "InceptionResNetV2",
                                      {"include_top": False, "input_shape": (75, 80, 3),
                                       "pooling": "max"}),
    "unknown_pooling": ("vgg16", "VGG16", {"include_top": False, "input_shape": (32, 32, 3),
                                           "pooling": "median"}),
    "classifier_none": ("resnet50", "ResNet50", {"input_shape": (32, 32, 3), "classes": 5,
                                                 "classifier_activation": None}),
}

# name -> (module, function, keyword arguments, how the weights are set)
NUMERIC: dict[str, tuple[str, str, dict, str]] = {
    "mobilenet_a25": ("mobilenet", "MobileNet", {"alpha": 0.25, "input_shape": (32, 32, 3),
                                                 "classes": 10}, "npz"),
    "mobilenet_v2_a35": ("mobilenet_v2", "MobileNetV2", {"alpha": 0.35, "include_top": False,
                                                         "input_shape": (32, 32, 3),
                                                         "pooling": "avg"}, "seeded"),
    "vgg16": ("vgg16", "VGG16", {"include_top": False, "input_shape": (32, 32, 3),
                                 "pooling": "avg"}, "seeded"),
    "resnet50": ("resnet50", "ResNet50", {"include_top": False, "input_shape": (32, 32, 3),
                                          "pooling": "avg"}, "seeded"),
    "densenet121": ("densenet", "DenseNet121", {"include_top": False,
                                                "input_shape": (32, 32, 3),
                                                "pooling": "avg"}, "seeded"),
    "inception_v3": ("inception_v3", "InceptionV3", {"include_top": False,
                                                     "input_shape": (75, 75, 3),
                                                     "pooling": "avg"}, "seeded"),
    "xception": ("xception", "Xception", {"include_top": False, "input_shape": (71, 71, 3),
                                          "pooling": "max"}, "seeded"),
    "resnet50v2": ("resnet_v2", "ResNet50V2", {"include_top": False,
                                               "input_shape": (32, 32, 3),
                                               "pooling": "avg"}, "seeded"),
    "inception_resnet_v2": ("inception_resnet_v2", "InceptionResNetV2",
                            {"include_top": False, "input_shape": (75, 75, 3),
                             "pooling": "avg"}, "seeded"),
    "nasnet_mobile": ("nasnet", "NASNetMobile", {"include_top": False,
                                                 "input_shape": (32, 32, 3),
                                                 "pooling": "avg"}, "seeded"),
}

# name -> (module, function, keyword arguments); these are called as given.
ERRORS: dict[str, tuple[str, str, dict]] = {
    "imagenet_top_wrong_shape": ("vgg16", "VGG16", {"weights": "imagenet",
                                                    "input_shape": (32, 32, 3)}),
    "imagenet_top_wrong_classes": ("resnet50", "ResNet50", {"weights": "imagenet",
                                                            "classes": 10}),
    "imagenet_two_channels": ("densenet", "DenseNet121", {"weights": "imagenet",
                                                          "include_top": False,
                                                          "input_shape": (64, 64, 2)}),
    "weights_missing_file": ("xception", "Xception", {"weights": "/nonexistent/w.h5"}),
    "top_unknown_size": ("vgg16", "VGG16", {"weights": None,
                                            "input_shape": (None, None, 3)}),
    "too_small": ("resnet50", "ResNet50", {"weights": None, "include_top": False,
                                           "input_shape": (31, 64, 3)}),
    "inception_too_small": ("inception_v3", "InceptionV3", {"weights": None,
                                                            "include_top": False,
                                                            "input_shape": (74, 75, 3)}),
    "xception_too_small": ("xception", "Xception", {"weights": None, "include_top": False,
                                                    "input_shape": (70, 80, 3)}),
    "rank_two_shape": ("mobilenet", "MobileNet", {"weights": None, "include_top": False,
                                                  "input_shape": (32, 32)}),
    "mobilenet_imagenet_alpha": ("mobilenet", "MobileNet", {"weights": "imagenet",
                                                            "alpha": 0.3}),
    "mobilenet_imagenet_dm": ("mobilenet", "MobileNet", {"weights": "imagenet",
                                                         "depth_multiplier": 2}),
    "mobilenet_v2_imagenet_alpha": ("mobilenet_v2", "MobileNetV2", {"weights": "imagenet",
                                                                    "alpha": 0.25}),
    "resnet_unknown_kwarg": ("resnet", "ResNet101", {"weights": None, "bogus": 1}),
    "mobilenet_unknown_kwarg": ("mobilenet", "MobileNet", {"weights": None, "bogus": 1}),
    "vgg_unknown_kwarg": ("vgg19", "VGG19", {"weights": None, "bogus": 1}),
    "densenet_unknown_kwarg": ("densenet", "DenseNet169", {"weights": None, "bogus": 1}),
    "nasnet_imagenet_unknown_size": ("nasnet", "NASNetMobile", {"weights": "imagenet",
                                                                "include_top": False,
                                                                "input_shape": (None, None,
                                                                                3)}),
    "inception_resnet_unknown_kwarg": ("inception_resnet_v2", "InceptionResNetV2",
                                       {"weights": None, "bogus": 1}),
    "resnet_v2_unknown_kwarg": ("resnet_v2", "ResNet50V2", {"weights": None, "bogus": 1}),
    "imagenet_relu_classifier": ("vgg16", "VGG16", {"weights": "imagenet",
                                                    "classifier_activation": "relu"}),
}


def _module(tf: Any, name: str) -> Any:
    return getattr(tf.keras.applications, name)


def build(tf: Any, module: str, fn: str, kwargs: dict) -> Any:
    """``tf.keras.applications.<module>.<fn>(**kwargs)``."""
    return getattr(_module(tf, module), fn)(**kwargs)


def _count(weights: list) -> int:
    return int(sum(np.prod(w.shape.as_list(), dtype=np.int64) for w in weights))


def digest(items: list) -> str:
    """A short fingerprint of a JSON-able list (keeps the reference file small)."""
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]


def describe(model: Any) -> dict:
    """The names, classes, weights and shapes of a built model (the weights' names and
    shapes, in order, as a digest and a count)."""
    weights = [[w.name, w.shape.as_list()] for w in model.weights]
    return {
        "name": model.name,
        "layers": [[layer.name, type(layer).__name__] for layer in model.layers],
        "weights": digest(weights),
        "weight_count": len(weights),
        "trainable": _count(model.trainable_weights),
        "non_trainable": _count(model.non_trainable_weights),
        "input_shape": list(model.inputs[0].shape.as_list()),
        "output_shape": list(model.outputs[0].shape.as_list()),
    }


def seeded_weights(shapes: list[tuple[str, tuple]], seed: int = 0) -> list[np.ndarray]:
    """Weights for ``(name, shape)`` pairs (``model.weights`` order) drawn from NumPy's
    PCG64 generator as float32 uniforms (fast for tens of millions of weights):
    He-uniform kernels, small biases and BatchNormalization parameters and moving
    statistics away from their initial values, so that every layer matters."""
    rng = np.random.default_rng(seed)
    out = []
    for name, shape in shapes:
        leaf = name.rsplit("/", 1)[-1].split(":")[0]
        u = rng.random(shape, dtype=np.float32)   # in [0, 1)
        if leaf in ("kernel", "pointwise_kernel", "depthwise_kernel"):
            fan_in = int(np.prod(shape[:2] if leaf == "depthwise_kernel" else shape[:-1]))
            w = (u * 2 - 1) * np.float32(np.sqrt(6.0 / fan_in))
        elif leaf == "gamma":
            w = 0.8 + 0.4 * u
        elif leaf == "moving_variance":
            w = 0.5 + u
        else:  # bias, beta, moving_mean
            w = (u - 0.5) * np.float32(0.3)
        out.append(w.astype(np.float32))
    return out


def pixels(shape: tuple, seed: int = 1) -> np.ndarray:
    """A batch of two images of ``shape`` with pixel values in [0, 255]."""
    return np.random.RandomState(seed).uniform(0, 255, (2, *shape)).astype(np.float32)


def run_numeric(tf: Any, name: str, set_weights: Callable[[Any], None]) -> np.ndarray:
    """Builds ``NUMERIC[name]``, lets ``set_weights(model)`` fix the weights and returns
    the model's output on ``preprocess_input(pixels)`` in inference mode."""
    module, fn, kwargs, _ = NUMERIC[name]
    model = build(tf, module, fn, {"weights": None, **kwargs})
    sess = tf.keras.backend.get_session()
    set_weights(model)
    x = _module(tf, module).preprocess_input(pixels(kwargs["input_shape"]))
    return sess.run(model.outputs[0], {model.inputs[0]: x,
                                       tf.keras.backend.learning_phase(): 0})


def error_name(tf: Any, name: str) -> str:
    """The class name of what ``ERRORS[name]`` raises, or "ok"."""
    module, fn, kwargs = ERRORS[name]
    try:
        build(tf, module, fn, kwargs)
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        return type(e).__name__
    return "ok"
