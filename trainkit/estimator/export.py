"""``tf.estimator.export``: what a SavedModel export of an ``Estimator`` takes — the
serving input receiver (the placeholders a server feeds and the features the model_fn
sees) and the export outputs a PREDICT-mode ``EstimatorSpec`` names
(``PredictOutput``, ``ClassificationOutput``, ``RegressionOutput``).

Example:
    >>> spec = {"x": tk.FixedLenFeature([3], tk.float32)}
    >>> fn = build_parsing_serving_input_receiver_fn(spec)
    >>> est.export_saved_model("/models", fn)
    b'/models/1765108800'
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

from trainkit.data.parsing_ops import parse_example
from trainkit.framework import dtypes
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.placeholders import placeholder
from trainkit.saved_model import signature_def_utils


def _as_dict(value: Any, default_key: str, what: str, allow_sparse: bool) -> dict:
    if value is None:
        raise ValueError(f"{what}s must be defined.")
    if not isinstance(value, dict):
        value = {default_key: value}
    kinds = (Tensor, SparseTensor) if allow_sparse else (Tensor,)
    for key, tensor in value.items():
        if not isinstance(key, str):
            raise ValueError(f"{what} keys must be strings: {key}.")
        if not isinstance(tensor, kinds):
            kind = "a Tensor or SparseTensor" if allow_sparse else "a Tensor"
            raise ValueError(f"{what} {key} must be {kind}.")
    return value


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors",
                                 "receiver_tensors_alternatives"])):
    """What a ``serving_input_receiver_fn`` returns.

    Args:
        features: the model_fn's features: a tensor (keyed ``'feature'``) or a dict.
        receiver_tensors: the tensors a server feeds: a tensor (keyed ``'input'``) or a
            dict; they become the signatures' inputs.
        receiver_tensors_alternatives: name -> another set of receiver tensors; each adds
            signatures named ``'<name>:<output key>'``.

    Raises:
        ValueError: a missing argument, a non-string key or a non-tensor value.
    """

    def __new__(cls, features: Any, receiver_tensors: Any,
                receiver_tensors_alternatives: Any = None) -> ServingInputReceiver:
        features = _as_dict(features, "feature", "feature", allow_sparse=True)
        receiver_tensors = _as_dict(receiver_tensors, "input", "receiver_tensor",
                                    allow_sparse=False)
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError("receiver_tensors_alternatives must be a dict: "
                                 f"{receiver_tensors_alternatives}.")
            receiver_tensors_alternatives = {
                name: _as_dict(t, "receiver", "receiver_tensor", allow_sparse=True)
                for name, t in receiver_tensors_alternatives.items()}
        return super().__new__(cls, features, receiver_tensors, receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec: dict,
                                            default_batch_size: int | None = None
                                            ) -> Callable[[], ServingInputReceiver]:
    """A receiver fn taking serialized ``tf.Example`` strings (``'examples'``, placeholder
    ``input_example_tensor``) parsed with ``feature_spec`` into the features."""

    def serving_input_receiver_fn() -> ServingInputReceiver:
        serialized = placeholder(dtypes.string, [default_batch_size],
                                 name="input_example_tensor")
        return ServingInputReceiver(parse_example(serialized, feature_spec),
                                    {"examples": serialized})

    return serving_input_receiver_fn


def build_raw_serving_input_receiver_fn(features: dict,
                                        default_batch_size: int | None = None
                                        ) -> Callable[[], ServingInputReceiver]:
    """A receiver fn feeding the features directly: one placeholder per tensor of
    ``features``, named after its op, with its dtype and shape (batch dimension
    ``default_batch_size``)."""

    def serving_input_receiver_fn() -> ServingInputReceiver:
        receivers = {}
        for key, t in features.items():
            dims = t.get_shape().as_list()
            shape = TensorShape(None if dims is None else [default_batch_size] + dims[1:])
            receivers[key] = placeholder(t.dtype, shape, name=t.op.name)
        return ServingInputReceiver(receivers, receivers)

    return serving_input_receiver_fn


class ExportOutput:
    """The base of the export outputs: ``as_signature_def(receiver_tensors)``."""

    def as_signature_def(self, receiver_tensors: dict) -> Any:
        raise NotImplementedError


def _single_string_input(receiver_tensors: dict, kind: str) -> Tensor:
    if len(receiver_tensors) == 1:
        ((_, examples),) = receiver_tensors.items()
        if examples.dtype == dtypes.string:
            return examples
    raise ValueError(f"{kind} signatures can only accept a single tensor input of type "
                     "tf.string. Please check to make sure that you have structured the "
                     "serving_input_receiver_fn so that it creates a single string "
                     "placeholder. If your model function expects multiple inputs, then "
                     "use `tf.io.parse_example()` to parse the string into multiple "
                     f"tensors.\n Received: {receiver_tensors}")


class PredictOutput(ExportOutput):
    """Any tensors out (a tensor is keyed ``'output'``): the Predict API.

    Raises:
        ValueError: a non-string key or a non-tensor value.
    """

    def __init__(self, outputs: Any):
        outputs = outputs if isinstance(outputs, dict) else {"output": outputs}
        for key, value in outputs.items():
            if not isinstance(key, str):
                raise ValueError(f"Prediction output key must be a string; got {key}.")
            if not isinstance(value, Tensor):
                raise ValueError(f"Prediction output value must be a Tensor; got {value}.")
        self.outputs = dict(outputs)

    def as_signature_def(self, receiver_tensors: dict) -> Any:
        return signature_def_utils.predict_signature_def(receiver_tensors, self.outputs)


class ClassificationOutput(ExportOutput):
    """Float ``scores`` and/or string ``classes`` for serialized examples: the Classify API.

    Raises:
        ValueError: both None, or a tensor of the wrong dtype.
    """

    def __init__(self, scores: Any = None, classes: Any = None):
        if scores is None and classes is None:
            raise ValueError("Classification output must define at least one of scores or "
                             "classes.")
        if scores is not None and not (isinstance(scores, Tensor)
                                       and scores.dtype.is_floating):
            raise ValueError(f"Classification scores must be a float32 Tensor; got {scores}")
        if classes is not None and not (isinstance(classes, Tensor)
                                        and classes.dtype == dtypes.string):
            raise ValueError(f"Classification classes must be a string Tensor; got {classes}")
        self.scores, self.classes = scores, classes

    def as_signature_def(self, receiver_tensors: dict) -> Any:
        examples = _single_string_input(receiver_tensors, "Classification")
        return signature_def_utils.classification_signature_def(examples, self.classes,
                                                                self.scores)


class RegressionOutput(ExportOutput):
    """One float ``value`` per serialized example: the Regress API.

    Raises:
        ValueError: if ``value`` is not a float tensor.
    """

    def __init__(self, value: Any):
        if not (isinstance(value, Tensor) and value.dtype.is_floating):
            raise ValueError(f"Regression output value must be a float32 Tensor; got {value}")
        self.value = value

    def as_signature_def(self, receiver_tensors: dict) -> Any:
        examples = _single_string_input(receiver_tensors, "Regression")
        return signature_def_utils.regression_signature_def(examples, self.value)


__all__ = ["ServingInputReceiver", "build_parsing_serving_input_receiver_fn",
           "build_raw_serving_input_receiver_fn", "ExportOutput", "PredictOutput",
           "ClassificationOutput", "RegressionOutput"]
