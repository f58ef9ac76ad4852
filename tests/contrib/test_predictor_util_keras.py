"""``tk.contrib.predictor.from_saved_model``, ``tk.contrib.util`` and ``tk.contrib.keras``
(TF1 names: the predictor's defaults -- ``serve`` tags, ``serving_default`` signature,
outputs keyed as the signature names them -- follow TF 1.15's contrib predictor)."""

import numpy as np
import pytest

import trainkit as tk


def _export(path):
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, 2], name="x")
        w = tk.Variable([[1.0, -1.0], [2.0, 0.5]], name="w")
        y = tk.matmul(x, w, name="y")
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            tk.saved_model.simple_save(s, str(path), inputs={"inp": x},
                                       outputs={"scores": y, "total": tk.reduce_sum(y, 1)})


def test_from_saved_model_runs_the_serving_signature(tmp_path):
    path = tmp_path / "model"
    _export(path)
    predict = tk.contrib.predictor.from_saved_model(str(path))
    out = predict({"inp": np.array([[1.0, 2.0]], np.float32)})
    assert sorted(out) == ["scores", "total"]
    np.testing.assert_allclose(out["scores"], [[5.0, 0.0]])
    np.testing.assert_allclose(out["total"], [5.0])
    assert sorted(predict.feed_tensors) == ["inp"]
    with pytest.raises(ValueError, match="unexpected keys"):
        predict({"x": np.zeros((1, 2), np.float32)})
    with pytest.raises(ValueError, match="Could not find signature def"):
        tk.contrib.predictor.from_saved_model(str(path), signature_def_key="nope")
    named = tk.contrib.predictor.from_saved_model(
        str(path), input_names={"a": "x:0"}, output_names={"b": "y:0"})
    np.testing.assert_allclose(named({"a": np.ones((1, 2), np.float32)})["b"], [[3.0, -0.5]])


def test_contrib_util_and_keras_aliases():
    assert tk.contrib.util.constant_value(tk.constant([1, 2])).tolist() == [1, 2]
    proto = tk.contrib.util.make_tensor_proto([1.0, 2.0])
    assert tk.contrib.util.make_ndarray(proto).tolist() == [1.0, 2.0]
    assert tk.contrib.keras.layers is tk.keras.layers
    assert tk.contrib.keras.models.Sequential is tk.keras.models.Sequential
