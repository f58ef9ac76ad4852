"""``tf.compat.v1.saved_model.signature_def_utils``: building and checking ``SignatureDef``
protos (what a served model takes and returns, and which TF Serving API serves it).

Example:
    >>> sig = predict_signature_def(inputs={"x": x}, outputs={"y": y})
    >>> sig.method_name
    'tensorflow/serving/predict'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trainkit.framework import graph_def as _graph_def
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.tensor import Tensor
from trainkit.saved_model import signature_constants as sc
from trainkit.saved_model.utils import build_tensor_info

_DT_FLOAT, _DT_STRING = 1, 7


def build_signature_def(inputs: Mapping[str, Any] | None = None,
                        outputs: Mapping[str, Any] | None = None,
                        method_name: str | None = None,
                        defaults: Mapping[str, Any] | None = None) -> Any:
    """A ``SignatureDef`` from maps of key -> ``TensorInfo`` and a method name.

    Args:
        defaults: key -> constant tensor whose value becomes the input's default.

    Raises:
        ValueError: if a default is not a constant tensor.
    """
    sig = protos().SignatureDef()
    for key, info in (inputs or {}).items():
        sig.inputs[key].CopyFrom(info)
    for key, info in (outputs or {}).items():
        sig.outputs[key].CopyFrom(info)
    if method_name is not None:
        sig.method_name = method_name
    for key, default in (defaults or {}).items():
        if not isinstance(default, Tensor) or default.op.type != "Const":
            raise ValueError(f"Unable to convert object {default} of type "
                             f"{type(default)} to TensorProto.")
        sig.defaults[key].CopyFrom(_graph_def.node_def_of(default.op).attr["value"].tensor)
    return sig


def predict_signature_def(inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> Any:
    """A Predict signature: any tensors in, any tensors out.

    Raises:
        ValueError: if ``inputs`` or ``outputs`` is None or empty.
    """
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               sc.PREDICT_METHOD_NAME)


def classification_signature_def(examples: Any, classes: Any, scores: Any) -> Any:
    """A Classify signature: serialized ``tf.Example`` strings in, string ``classes``
    and/or float ``scores`` out.

    Raises:
        ValueError: if ``examples`` is missing or not a string tensor, both outputs are
            None, ``classes`` is not a string tensor or ``scores`` not a float tensor.
    """
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Classification `examples` must be a string Tensor. Found "
                         f"`examples` of type {type(examples)}.")
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != _DT_STRING:
        raise ValueError("Classification input tensors must be of type string. Found "
                         f"tensors of type {inp.dtype}")
    outputs = {}
    if classes is not None:
        outputs[sc.CLASSIFY_OUTPUT_CLASSES] = build_tensor_info(classes)
        if outputs[sc.CLASSIFY_OUTPUT_CLASSES].dtype != _DT_STRING:
            raise ValueError("Classification classes must be of type string Tensor. Found "
                             f"tensors of type {outputs[sc.CLASSIFY_OUTPUT_CLASSES].dtype}.")
    if scores is not None:
        outputs[sc.CLASSIFY_OUTPUT_SCORES] = build_tensor_info(scores)
        if outputs[sc.CLASSIFY_OUTPUT_SCORES].dtype != _DT_FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
    return build_signature_def({sc.CLASSIFY_INPUTS: inp}, outputs, sc.CLASSIFY_METHOD_NAME)


def regression_signature_def(examples: Any, predictions: Any) -> Any:
    """A Regress signature: serialized ``tf.Example`` strings in, float predictions out.

    Raises:
        ValueError: if an argument is None, ``examples`` is not a string tensor or
            ``predictions`` not a float tensor.
    """
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Expected regression `examples` to be of type Tensor. Found "
                         f"`examples` of type {type(examples)}.")
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != _DT_STRING:
        raise ValueError("Regression input tensors must be of type string. Found tensors "
                         f"with type {inp.dtype}.")
    out = build_tensor_info(predictions)
    if out.dtype != _DT_FLOAT:
        raise ValueError("Regression output tensors must be of type float. Found tensors "
                         f"with type {out.dtype}.")
    return build_signature_def({sc.REGRESS_INPUTS: inp}, {sc.REGRESS_OUTPUTS: out},
                               sc.REGRESS_METHOD_NAME)


def _valid_predict(sig: Any) -> bool:
    return bool(sig.inputs) and bool(sig.outputs)


def _valid_regress(sig: Any) -> bool:
    return (set(sig.inputs) == {sc.REGRESS_INPUTS} and set(sig.outputs) == {sc.REGRESS_OUTPUTS}
            and sig.inputs[sc.REGRESS_INPUTS].dtype == _DT_STRING
            and sig.outputs[sc.REGRESS_OUTPUTS].dtype == _DT_FLOAT)


def _valid_classify(sig: Any) -> bool:
    wanted = {sc.CLASSIFY_OUTPUT_CLASSES: _DT_STRING, sc.CLASSIFY_OUTPUT_SCORES: _DT_FLOAT}
    return (set(sig.inputs) == {sc.CLASSIFY_INPUTS}
            and sig.inputs[sc.CLASSIFY_INPUTS].dtype == _DT_STRING
            and bool(sig.outputs) and set(sig.outputs) <= set(wanted)
            and all(sig.outputs[k].dtype == wanted[k] for k in sig.outputs))


_VALIDATORS = {sc.PREDICT_METHOD_NAME: _valid_predict, sc.REGRESS_METHOD_NAME: _valid_regress,
               sc.CLASSIFY_METHOD_NAME: _valid_classify}


def is_valid_signature(signature_def: Any) -> bool:
    """Whether TF Serving can serve ``signature_def`` (a Predict signature with inputs and
    outputs, or a Classify / Regress signature with the keys and dtypes its API fixes)."""
    if signature_def is None:
        return False
    check = _VALIDATORS.get(signature_def.method_name)
    return bool(check and check(signature_def))


__all__ = ["build_signature_def", "predict_signature_def", "classification_signature_def",
           "regression_signature_def", "is_valid_signature"]
