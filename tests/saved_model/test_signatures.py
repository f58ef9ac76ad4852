"""Signature defs and tensor infos: the same graph built with trainkit gives the fields TF
2.21 builds (recorded by ``make_tf_reference.py`` into ``tf_reference.json``), and every
bad input raises TF's error."""

from __future__ import annotations

import json
import os

import pytest
from google.protobuf import json_format

import trainkit as tk
from tests.saved_model import graph_spec

sdu = tk.saved_model.signature_def_utils
REF = json.load(open(os.path.join(os.path.dirname(__file__), "tf_reference.json")))


@pytest.fixture
def tensors():
    with tk.Graph().as_default() as g:
        yield g, graph_spec.build(tk)


def test_signatures_match_tf(tensors):
    _, t = tensors
    ours = {k: json_format.MessageToDict(v)
            for k, v in graph_spec.signatures(tk, t).items()}
    assert ours == REF["signatures"]


def test_constants_are_tf_strings():
    sm = tk.saved_model
    assert (sm.tag_constants.SERVING, sm.tag_constants.TRAINING) == ("serve", "train")
    assert sm.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY == "serving_default"
    assert sm.PREDICT_METHOD_NAME == "tensorflow/serving/predict"
    assert sm.CLASSIFY_OUTPUT_SCORES == "scores" and sm.REGRESS_OUTPUTS == "outputs"
    assert (sm.SAVED_MODEL_FILENAME_PB, sm.VARIABLES_DIRECTORY) == ("saved_model.pb",
                                                                    "variables")
    assert sm.MAIN_OP_KEY == "saved_model_main_op" and sm.SAVED_MODEL_SCHEMA_VERSION == 1


def test_tensor_info_round_trip(tensors):
    g, t = tensors
    utils = tk.saved_model.utils
    assert utils.get_tensor_from_tensor_info(utils.build_tensor_info(t["x"])) is t["x"]
    sp = utils.get_tensor_from_tensor_info(utils.build_tensor_info(t["sp"]), g)
    assert isinstance(sp, tk.SparseTensor)
    assert [sp.indices.name, sp.values.name, sp.dense_shape.name] == [
        "sp/indices:0", "sp/values:0", "sp/shape:0"]


def test_tensor_info_errors(tensors):
    utils = tk.saved_model.utils
    with pytest.raises(TypeError, match="Tensor or SparseTensor"):
        utils.build_tensor_info(3.0)
    missing = utils.build_tensor_info(tensors[1]["x"])
    missing.name = "nope:0"
    with pytest.raises(KeyError):
        utils.get_tensor_from_tensor_info(missing)
    with pytest.raises(ValueError, match="Invalid TensorInfo.encoding"):
        utils.get_tensor_from_tensor_info(tk.saved_model.utils.build_tensor_info(
            tensors[1]["x"]).__class__())


def test_build_signature_def_defaults(tensors):
    k = tk.constant(7, tk.int64, name="k")
    sig = sdu.build_signature_def(method_name="m", defaults={"k": k})
    assert sig.defaults["k"].int64_val == [7] and sig.method_name == "m"
    with pytest.raises(ValueError, match="Unable to convert"):
        sdu.build_signature_def(defaults={"x": tensors[1]["x"]})


def test_bad_signature_inputs(tensors):
    _, t = tensors
    with pytest.raises(ValueError, match="Prediction `inputs` cannot be None or empty"):
        sdu.predict_signature_def({}, {"y": t["scores"]})
    with pytest.raises(ValueError, match="Prediction `outputs` cannot be None or empty"):
        sdu.predict_signature_def({"x": t["x"]}, None)
    cases = [
        (lambda: sdu.classification_signature_def(None, t["classes"], None),
         "`examples` cannot be None"),
        (lambda: sdu.classification_signature_def("s", t["classes"], None),
         "must be a string Tensor"),
        (lambda: sdu.classification_signature_def(t["serialized"], None, None),
         "cannot both be None"),
        (lambda: sdu.classification_signature_def(t["x"], t["classes"], None),
         "input tensors must be of type string"),
        (lambda: sdu.classification_signature_def(t["serialized"], t["scores"], None),
         "classes must be of type string"),
        (lambda: sdu.classification_signature_def(t["serialized"], None, t["classes"]),
         "scores must be a float Tensor"),
        (lambda: sdu.regression_signature_def(None, t["logits"]), "`examples` cannot be None"),
        (lambda: sdu.regression_signature_def([1], t["logits"]), "to be of type Tensor"),
        (lambda: sdu.regression_signature_def(t["serialized"], None),
         "`predictions` cannot be None"),
        (lambda: sdu.regression_signature_def(t["x"], t["logits"]),
         "input tensors must be of type string"),
        (lambda: sdu.regression_signature_def(t["serialized"], t["count"]),
         "output tensors must be of type float"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


def test_is_valid_signature(tensors):
    _, t = tensors
    sigs = graph_spec.signatures(tk, t)
    assert sdu.is_valid_signature(sigs["serving_default"])
    assert sdu.is_valid_signature(sigs["classify"])
    assert sdu.is_valid_signature(sigs["regress"])
    assert not sdu.is_valid_signature(sigs["custom"])  # unknown method name
    assert not sdu.is_valid_signature(None)
    bad = type(sigs["regress"])()
    bad.CopyFrom(sigs["regress"])
    bad.outputs["outputs"].dtype = 9  # int64: not servable by Regress
    assert not sdu.is_valid_signature(bad)
    extra = type(sigs["classify"])()
    extra.CopyFrom(sigs["classify"])
    extra.outputs["other"].CopyFrom(extra.outputs["scores"])
    assert not sdu.is_valid_signature(extra)
    empty = sdu.build_signature_def({}, {}, tk.saved_model.PREDICT_METHOD_NAME)
    assert not sdu.is_valid_signature(empty)
