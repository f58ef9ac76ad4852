"""``tf.estimator`` exporters in ``train_and_evaluate`` (TF 1.15's documented rules):
FinalExporter exports once after the last evaluation, LatestExporter after every
evaluation keeping the newest ``exports_to_keep``, BestExporter when the evaluation's
loss beats every earlier one (including those read back from the eval event files);
exports land in ``<model_dir>/export/<name>/<timestamp>`` and load back."""

from __future__ import annotations

import os

import pytest
from conftest import input_fn

import trainkit as tk

export = tk.estimator.export


def _receiver():
    return export.build_raw_serving_input_receiver_fn(
        {"x": tk.placeholder(tk.float32, [None, 2], name="x")})


def _run(est, exporters, steps=30):
    train = tk.estimator.TrainSpec(input_fn(), max_steps=steps)
    evals = tk.estimator.EvalSpec(input_fn(num_epochs=1), steps=None, exporters=exporters,
                                  throttle_secs=1e-9)
    return tk.estimator.train_and_evaluate(est, train, evals)


def _exports(est, name):
    d = os.path.join(est.model_dir, "export", name)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def test_final_latest_and_best_exporters(make_estimator, monkeypatch):
    stamps = iter(range(1000, 2000))
    monkeypatch.setattr("trainkit.estimator.exporting.time.time", lambda: next(stamps))
    est = make_estimator(save_checkpoints_steps=10)
    final = tk.estimator.FinalExporter("final", _receiver())
    latest = tk.estimator.LatestExporter("latest", _receiver(), exports_to_keep=2)
    best = tk.estimator.BestExporter("best", _receiver(), exports_to_keep=None)
    result, exported = _run(est, [final, latest, best])
    assert result["global_step"] == 30
    assert len(_exports(est, "final")) == 1          # only after the last evaluation
    assert len(_exports(est, "latest")) == 2         # three evaluations, two kept
    # the loss falls at every evaluation of this convex problem: each one was the best
    assert len(_exports(est, "best")) == 3
    # the last evaluation (step 30 = max_steps) is the final one: all three exported
    assert len(exported) == 3 and all(isinstance(p, bytes) for p in exported)
    g = tk.Graph()
    with g.as_default(), tk.Session(graph=g) as sess:
        meta = tk.saved_model.loader.load(sess, ["serve"], exported[0])
        assert "serving_default" in meta.signature_def


def test_best_exporter_remembers_earlier_evaluations(make_estimator):
    est = make_estimator(save_checkpoints_steps=10)
    _run(est, None, steps=30)      # evaluations (and their event files) without exports
    best = tk.estimator.BestExporter("best", _receiver())
    worse = {"loss": 1e9}
    path = os.path.join(est.model_dir, "export", "best")
    ckpt = est.latest_checkpoint()
    assert best.export(est, path, ckpt, worse, False) is None    # the events hold better
    assert best.export(est, path, ckpt, {"loss": 0.0}, False) is not None
    assert len(os.listdir(path)) == 1


def test_exporter_arguments_raise_typed_errors():
    # TF 2.15.1's tf.estimator raised the same types and messages
    with pytest.raises(ValueError, match="must be positive number"):
        tk.estimator.LatestExporter("a", _receiver(), exports_to_keep=0)
    with pytest.raises(ValueError, match="compare_fn"):
        tk.estimator.BestExporter(compare_fn=None)
    with pytest.raises(TypeError, match="must be an Exporter"):
        tk.estimator.EvalSpec(input_fn(), exporters=[1])
    a = tk.estimator.FinalExporter("a", _receiver())
    with pytest.raises(ValueError, match="unique names"):
        tk.estimator.EvalSpec(input_fn(), exporters=[a, tk.estimator.FinalExporter("a", None)])
    with pytest.raises(ValueError, match=r"All exporter names: \['a', None\]"):
        tk.estimator.EvalSpec(input_fn(), exporters=[a, tk.estimator.FinalExporter(None, None)])
    assert tk.estimator.EvalSpec(input_fn(), exporters=a).exporters == (a,)
