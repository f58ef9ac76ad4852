"""Estimator.export_saved_model / export_savedmodel and tk.estimator.export: a trained
linear model exported with a parsing and a raw receiver, loaded with
tk.saved_model.loader, gives the estimator's own predictions (and x W + b computed with
NumPy from the checkpoint); signatures follow TF's estimator export (parsing receiver:
'examples' -> input_example_tensor:0; one Predict signature under serving_default by
default; a Classify output over non-string inputs is left out)."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from conftest import X, input_fn, linear_model_fn

import trainkit as tk

export = tk.estimator.export


def _example(x):
    return tk.train.Example(features=tk.train.Features(feature={
        "x": tk.train.Feature(float_list=tk.train.FloatList(value=x.tolist()))})
    ).SerializeToString()


def _load(path):
    g = tk.Graph()
    sess = tk.Session(graph=g)
    with g.as_default():
        meta = tk.saved_model.loader.load(sess, ["serve"], path)
    return sess, meta


@pytest.fixture
def trained(make_estimator):
    est = make_estimator()
    est.train(input_fn(), steps=20)
    w = est.get_variable_value("linear/kernel")
    b = est.get_variable_value("linear/bias")
    return est, X @ w + b


def test_parsing_receiver_round_trip(trained, tmp_path):
    est, want = trained
    fn = export.build_parsing_serving_input_receiver_fn(
        {"x": tk.FixedLenFeature([2], tk.float32)})
    before = int(time.time())
    path = est.export_saved_model(str(tmp_path / "export"), fn)
    assert isinstance(path, bytes)
    stamp = os.path.basename(path.decode())
    assert before <= int(stamp) <= time.time()
    assert sorted(os.listdir(path.decode())) == ["saved_model.pb", "variables"]
    sess, meta = _load(path)
    assert sorted(meta.signature_def) == ["serving_default"]
    sig = meta.signature_def["serving_default"]
    assert sig.method_name == "tensorflow/serving/predict"
    assert (sig.inputs["examples"].name, sig.inputs["examples"].dtype) == (
        "input_example_tensor:0", 7)
    assert [d.size for d in sig.inputs["examples"].tensor_shape.dim] == [-1]
    assert sorted(sig.outputs) == ["x2", "y"]
    got = sess.run(sig.outputs["y"].name,
                   {sig.inputs["examples"].name: [_example(x) for x in X]})
    np.testing.assert_allclose(got, want, rtol=1e-6)
    preds = np.array([p["y"] for p in est.predict(input_fn(num_epochs=1))])
    np.testing.assert_allclose(got, preds, rtol=1e-6)
    sess.close()


def test_raw_receiver_and_v1_spelling(trained, tmp_path):
    est, want = trained
    with tk.Graph().as_default():
        fn = export.build_raw_serving_input_receiver_fn(
            {"x": tk.placeholder(tk.float32, [7, 2], name="x")}, default_batch_size=None)
    src = tmp_path / "readme.txt"
    src.write_text("extra")
    path = est.export_savedmodel(str(tmp_path / "export"), fn, as_text=True,
                                 assets_extra={"docs/readme.txt": str(src)})
    assert "saved_model.pbtxt" in os.listdir(path.decode())
    with open(os.path.join(path.decode(), "assets.extra", "docs", "readme.txt")) as f:
        assert f.read() == "extra"
    sess, meta = _load(path)
    sig = meta.signature_def["serving_default"]
    assert sig.inputs["x"].name == "x:0"
    assert [d.size for d in sig.inputs["x"].tensor_shape.dim] == [-1, 2]
    np.testing.assert_allclose(sess.run(sig.outputs["y"].name, {"x:0": X}), want, rtol=1e-6)
    sess.close()


def _multi_output_model_fn(features, labels, mode, params):
    if mode != tk.estimator.ModeKeys.PREDICT:
        return linear_model_fn(features, labels, mode, params)
    pred = tk.layers.dense(features["x"], 1, name="linear")
    scores = tk.nn.sigmoid(pred)
    outputs = {"serving_default": export.PredictOutput({"y": pred}),
               "regress": export.RegressionOutput(tk.reshape(pred, [-1])),
               "classify": export.ClassificationOutput(scores=scores)}
    return tk.estimator.EstimatorSpec(mode, predictions={"y": pred},
                                      export_outputs=outputs)


def test_export_outputs_signatures(tmp_path):
    est = tk.estimator.Estimator(_multi_output_model_fn, model_dir=str(tmp_path / "m"),
                                 params={"lr": 0.1},
                                 config=tk.estimator.RunConfig(log_step_count_steps=None))
    est.train(input_fn(), steps=2)
    parsing = export.build_parsing_serving_input_receiver_fn(
        {"x": tk.FixedLenFeature([2], tk.float32)})
    _, meta = _load(est.export_saved_model(str(tmp_path / "a"), parsing))
    assert {k: v.method_name for k, v in meta.signature_def.items()} == {
        "serving_default": "tensorflow/serving/predict",
        "regress": "tensorflow/serving/regress",
        "classify": "tensorflow/serving/classify"}
    assert sorted(meta.signature_def["classify"].outputs) == ["scores"]
    with tk.Graph().as_default():
        raw = export.build_raw_serving_input_receiver_fn(
            {"x": tk.placeholder(tk.float32, [None, 2], name="x")})
    _, meta = _load(est.export_saved_model(str(tmp_path / "b"), raw))
    assert sorted(meta.signature_def) == ["serving_default"]  # no string input: no Classify


def test_export_errors(make_estimator, tmp_path):
    est = make_estimator()
    fn = export.build_parsing_serving_input_receiver_fn(
        {"x": tk.FixedLenFeature([2], tk.float32)})
    with pytest.raises(ValueError, match="Couldn't find trained model"):
        est.export_saved_model(str(tmp_path / "e"), fn)
    est.train(input_fn(), steps=1)
    with pytest.raises(ValueError, match="input_receiver_fn must be defined"):
        est.export_saved_model(str(tmp_path / "e"), None)
    with pytest.raises(ValueError, match="PREDICT graph only"):
        est.export_saved_model(str(tmp_path / "e"), fn, experimental_mode="train")


def test_receiver_and_output_validation():
    with tk.Graph().as_default():
        x = tk.placeholder(tk.float32, [None, 2])
        s = tk.placeholder(tk.string, [None])
        r = export.ServingInputReceiver(x, s)
        assert list(r.features) == ["feature"] and list(r.receiver_tensors) == ["input"]
        with pytest.raises(ValueError, match="features must be defined"):
            export.ServingInputReceiver(None, s)
        with pytest.raises(ValueError, match="receiver_tensors must be defined"):
            export.ServingInputReceiver(x, None)
        with pytest.raises(ValueError, match="feature keys must be strings"):
            export.ServingInputReceiver({1: x}, s)
        with pytest.raises(ValueError, match="receiver_tensor r must be a Tensor"):
            export.ServingInputReceiver(x, {"r": 3})
        with pytest.raises(ValueError, match="at least one of scores or classes"):
            export.ClassificationOutput()
        with pytest.raises(ValueError, match="scores must be a float32 Tensor"):
            export.ClassificationOutput(scores=s)
        with pytest.raises(ValueError, match="classes must be a string Tensor"):
            export.ClassificationOutput(classes=x)
        with pytest.raises(ValueError, match="Regression output value must be a float32"):
            export.RegressionOutput(s)
        with pytest.raises(ValueError, match="output value must be a Tensor"):
            export.PredictOutput({"y": 3})
        with pytest.raises(ValueError, match="single tensor input of type tf.string"):
            export.RegressionOutput(x).as_signature_def({"a": s, "b": s})
        assert export.PredictOutput(x).as_signature_def({"in": x}).outputs["output"].name \
            == x.name


def test_export_outputs_defaults():
    from trainkit.estimator import exporting

    with tk.Graph().as_default():
        x = tk.placeholder(tk.float32, [None, 2])
        mode = tk.estimator.ModeKeys.PREDICT
        only = export.PredictOutput({"y": x})
        spec = tk.estimator.EstimatorSpec(mode, predictions=x, export_outputs={"a": only})
        assert exporting.export_outputs_of(spec) == {"a": only, "serving_default": only}
        two = tk.estimator.EstimatorSpec(mode, predictions=x,
                                         export_outputs={"a": only, "b": only})
        with pytest.raises(ValueError, match="none of them is specified as the default"):
            exporting.export_outputs_of(two)
        bad = tk.estimator.EstimatorSpec(mode, predictions=x, export_outputs={"a": x})
        with pytest.raises(TypeError, match="must be ExportOutput objects"):
            exporting.export_outputs_of(bad)
        with pytest.raises(ValueError, match="export_outputs must be a dict"):
            exporting.build_all_signature_defs({"x": x}, [only])
