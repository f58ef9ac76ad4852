"""EstimatorSpec, RunConfig and the typed errors of bad model_fns, input_fns and
arguments, with TF's messages (tensorflow-estimator 2.15)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import trainkit as tk
from tests.estimator.conftest import input_fn, linear_model_fn

TRAIN, EVAL, PREDICT = "train", "eval", "infer"


def test_mode_keys_and_compat_v1_spelling():
    assert (tk.estimator.ModeKeys.TRAIN, tk.estimator.ModeKeys.EVAL,
            tk.estimator.ModeKeys.PREDICT) == (TRAIN, EVAL, PREDICT)
    v1 = tk.compat.v1
    assert v1.estimator.Estimator is tk.estimator.Estimator
    assert v1.estimator.inputs.numpy_input_fn is tk.estimator.inputs.numpy_input_fn
    assert v1.feature_column.embedding_column is tk.feature_column.embedding_column
    assert v1.metrics.auc is tk.metrics.auc


def test_spec_requires_fields_per_mode():
    loss = tk.constant(1.0)
    op = tk.no_op()
    with pytest.raises(ValueError, match="Missing loss."):
        tk.estimator.EstimatorSpec(TRAIN, train_op=op)
    with pytest.raises(ValueError, match="Missing train_op."):
        tk.estimator.EstimatorSpec(TRAIN, loss=loss)
    with pytest.raises(ValueError, match="Missing loss."):
        tk.estimator.EstimatorSpec(EVAL)
    with pytest.raises(ValueError, match="Missing predictions."):
        tk.estimator.EstimatorSpec(PREDICT, loss=loss)
    spec = tk.estimator.EstimatorSpec(EVAL, loss=tk.constant([2.0]))
    assert spec.loss.shape.ndims == 0 and spec.predictions == {}
    assert isinstance(spec.scaffold, tk.train.Scaffold)
    assert tk.estimator.EstimatorSpec(PREDICT, predictions={"a": loss}).loss is None
    with pytest.raises(ValueError, match="mode of EstimatorSpec cannot be changed"):
        spec._replace(mode=TRAIN)


def test_spec_type_and_graph_errors():
    loss = tk.constant(1.0)
    with pytest.raises(ValueError, match="Loss must be scalar"):
        tk.estimator.EstimatorSpec(EVAL, loss=tk.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="loss must be Tensor"):
        tk.estimator.EstimatorSpec(EVAL, loss=1.0)
    with pytest.raises(TypeError, match="train_op must be Operation or Tensor"):
        tk.estimator.EstimatorSpec(TRAIN, loss=loss, train_op="step")
    with pytest.raises(TypeError, match="All hooks must be SessionRunHook"):
        tk.estimator.EstimatorSpec(EVAL, loss=loss, evaluation_hooks=[object()])
    with pytest.raises(TypeError, match="eval_metric_ops must be a dict"):
        tk.estimator.EstimatorSpec(EVAL, loss=loss, eval_metric_ops=[1])
    with pytest.raises(TypeError, match=r"\(metric_value, update_op\) tuples"):
        tk.estimator.EstimatorSpec(EVAL, loss=loss, eval_metric_ops={"m": loss})
    with pytest.raises(TypeError, match="scaffold must be tf.train.Scaffold"):
        tk.estimator.EstimatorSpec(EVAL, loss=loss, scaffold=1)
    with pytest.raises(ValueError, match="mode must be one of"):
        tk.estimator.EstimatorSpec("fit", loss=loss)
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="must be from the default graph"):
            tk.estimator.EstimatorSpec(EVAL, loss=loss)


def test_run_config_defaults_replace_and_errors():
    cfg = tk.estimator.RunConfig()
    assert (cfg.save_checkpoints_secs, cfg.save_checkpoints_steps) == (600, None)
    assert (cfg.save_summary_steps, cfg.keep_checkpoint_max, cfg.log_step_count_steps) == \
        (100, 5, 100)
    steps = cfg.replace(save_checkpoints_steps=10)
    assert (steps.save_checkpoints_secs, steps.save_checkpoints_steps) == (None, 10)
    assert cfg.save_checkpoints_secs == 600  # replace copies
    assert tk.estimator.RunConfig(save_checkpoints_steps=5).save_checkpoints_secs is None
    with pytest.raises(ValueError, match="cannot be both set"):
        tk.estimator.RunConfig(save_checkpoints_steps=5, save_checkpoints_secs=5)
    with pytest.raises(ValueError, match="not supported by RunConfig.replace"):
        cfg.replace(learning_rate=1)
    with pytest.raises(ValueError, match="save_summary_steps must be an int"):
        tk.estimator.RunConfig(save_summary_steps=-1)


def test_estimator_construction(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="trainkit"):
        est = tk.estimator.Estimator(linear_model_fn, params={"lr": 1})
    assert os.path.isdir(est.model_dir) and "temporary folder" in caplog.text
    assert est.config.model_dir == est.model_dir and est.params == {"lr": 1}
    cfg = tk.estimator.RunConfig(model_dir=str(tmp_path / "a"))
    assert tk.estimator.Estimator(linear_model_fn, config=cfg, params={}).model_dir == \
        str(tmp_path / "a")
    with pytest.raises(ValueError, match="set both in constructor and `RunConfig`"):
        tk.estimator.Estimator(linear_model_fn, str(tmp_path / "b"), config=cfg, params={})
    with pytest.raises(ValueError, match="config must be an instance of `RunConfig`"):
        tk.estimator.Estimator(linear_model_fn, config={"model_dir": "x"})
    with pytest.raises(ValueError, match="model_fn must be provided"):
        tk.estimator.Estimator(None)
    with pytest.raises(ValueError, match="Could not find trained model"):
        tk.estimator.Estimator(linear_model_fn, str(tmp_path / "c"), params={}
                               ).get_variable_names()


def test_model_fn_signature_errors(tmp_path):
    def extra(features, labels, mode, extra):
        pass

    with pytest.raises(ValueError, match=r"has following not expected args: \['extra'\]"):
        tk.estimator.Estimator(extra, str(tmp_path))

    def no_features(labels, mode):
        pass

    with pytest.raises(ValueError, match="must include features argument"):
        tk.estimator.Estimator(no_features, str(tmp_path))

    def no_params(features, labels):
        pass

    with pytest.raises(ValueError, match="does not include params argument"):
        tk.estimator.Estimator(no_params, str(tmp_path), params={"a": 1})


def test_bad_model_fn_results(tmp_path):
    def missing_loss(features, labels, mode):
        return tk.estimator.EstimatorSpec(mode, train_op=tk.no_op())

    with pytest.raises(ValueError, match="Missing loss."):
        tk.estimator.Estimator(missing_loss, str(tmp_path / "a")).train(input_fn(), steps=1)

    def not_a_spec(features, labels, mode):
        return {"loss": tk.constant(1.0)}

    with pytest.raises(ValueError, match="model_fn should return an EstimatorSpec"):
        tk.estimator.Estimator(not_a_spec, str(tmp_path / "b")).train(input_fn(), steps=1)

    def no_labels(features, mode):
        pass

    with pytest.raises(ValueError, match="model_fn does not take labels"):
        tk.estimator.Estimator(no_labels, str(tmp_path / "c")).train(input_fn(), steps=1)

    def metric_named_loss(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        return spec._replace(eval_metric_ops={"loss": tk.metrics.mean(spec.loss)})

    est = tk.estimator.Estimator(metric_named_loss, str(tmp_path / "d"), params={})
    with pytest.raises(ValueError, match='Metric with name "loss" is not allowed'):
        est.evaluate(input_fn(num_epochs=1))


def test_bad_input_fn_results(make_estimator):
    est = make_estimator()
    with pytest.raises(ValueError, match="len 2 tuple"):
        est.train(lambda: (tk.constant([[1.0]]),) * 3, steps=1)
    with pytest.raises(TypeError, match="features in input_fn's result must be a Tensor"):
        est.train(lambda: "x", steps=1)
    with pytest.raises(TypeError, match=r"features in input_fn's result\['x'\] must be"):
        est.train(lambda: ({"x": np.ones((2, 2))}, tk.constant([[1.0]])), steps=1)
    ds = tk.data.Dataset.from_tensor_slices((np.ones((4, 2), np.float32),) * 3)
    with pytest.raises(ValueError, match="elements of input_fn's Dataset has length 3"):
        est.train(lambda: ds, steps=1)
    with pytest.raises(TypeError, match="input_fn must be callable"):
        est.train(input_fn().__call__(), steps=1)


def test_bad_train_evaluate_arguments(make_estimator):
    est = make_estimator()
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        est.train(input_fn(), steps=1, max_steps=2)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        est.train(input_fn(), steps=0)
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        est.train(input_fn(), max_steps=-1)
    with pytest.raises(TypeError, match="Hooks must be a SessionRunHook"):
        est.train(input_fn(), hooks=[lambda: 0], steps=1)
    with pytest.raises(TypeError, match="saving_listeners must be a list of"):
        est.train(input_fn(), steps=1, saving_listeners=[object()])
    with pytest.raises(ValueError, match="Must specify steps > 0"):
        est.evaluate(input_fn(), steps=0)


def test_dataset_input_fn_with_params_and_dict_features(tmp_path):
    seen = {}

    def ds_input_fn(params, mode):
        seen.update(params=params, mode=mode)
        x = np.arange(8, dtype=np.float32).reshape(4, 2)
        return tk.data.Dataset.from_tensor_slices(({"x": x}, x[:, :1])).repeat().batch(2)

    est = tk.estimator.Estimator(linear_model_fn, str(tmp_path), params={"lr": 0.01})
    est.train(ds_input_fn, steps=2)
    assert seen == {"params": {"lr": 0.01}, "mode": "train"}
    assert est.evaluate(ds_input_fn, steps=1)["global_step"] == 2
    assert seen["mode"] == "eval"


def test_warm_start_from_another_model(tmp_path, make_estimator):
    source = make_estimator("src")
    source.train(input_fn(), steps=3)
    est = tk.estimator.Estimator(linear_model_fn, str(tmp_path / "warm"), params={"lr": 0.0},
                                 warm_start_from=source.model_dir)
    est.train(input_fn(), steps=1)
    np.testing.assert_array_equal(est.get_variable_value("linear/kernel"),
                                  source.get_variable_value("linear/kernel"))
    assert int(est.get_variable_value("global_step")) == 1  # not a trainable variable


def test_model_fn_property_is_bound_to_params(tmp_path):
    est = tk.estimator.Estimator(linear_model_fn, str(tmp_path), params={"lr": 0.5})
    spec = est.model_fn({"x": tk.ones([2, 2])}, None, PREDICT, est.config)
    assert set(spec.predictions) == {"y", "x2"}


def test_add_metrics_extends_evaluation(make_estimator):
    est = make_estimator()
    est.train(input_fn(), steps=2)

    def metric_fn(labels, predictions, features):
        return {"rmse": tk.metrics.root_mean_squared_error(labels, predictions["y"]),
                "x_mean": tk.metrics.mean(features["x"])}

    extended = tk.estimator.add_metrics(est, metric_fn)
    assert extended.model_dir == est.model_dir
    res = extended.evaluate(input_fn(batch_size=12, num_epochs=1))
    assert set(res) == {"loss", "mae", "rmse", "x_mean", "global_step"}
    assert res["rmse"] == pytest.approx(np.sqrt(res["loss"]), rel=1e-5)
    from tests.estimator.conftest import X
    assert res["x_mean"] == pytest.approx(X.mean(), rel=1e-6)
    with pytest.raises(ValueError, match=r"has following not expected args: \['logits'\]"):
        tk.estimator.add_metrics(est, lambda labels, logits: {})


def test_warm_start_settings_select_and_rename(tmp_path, make_estimator):
    source = make_estimator("src")
    source.train(input_fn(), steps=3)
    kernel = source.get_variable_value("linear/kernel")

    def renamed(features, labels, mode, params):
        with tk.variable_scope("new"):
            return linear_model_fn(features, labels, mode, params)

    settings = tk.estimator.WarmStartSettings(
        source.model_dir, vars_to_warm_start="new/linear/kernel",
        var_name_to_prev_var_name={"new/linear/kernel": "linear/kernel"})
    est = tk.estimator.Estimator(renamed, str(tmp_path / "w"), params={"lr": 0.0},
                                 warm_start_from=settings)
    est.train(input_fn(), steps=1)
    np.testing.assert_array_equal(est.get_variable_value("new/linear/kernel"), kernel)
    assert not np.any(est.get_variable_value("new/linear/bias"))  # not selected: zeros
    bad = tk.estimator.WarmStartSettings(source.model_dir, vars_to_warm_start="new/.*")
    est = tk.estimator.Estimator(renamed, str(tmp_path / "bad"), params={},
                                 warm_start_from=bad)
    with pytest.raises(ValueError, match="is not in the checkpoint"):
        est.train(input_fn(), steps=1)
    with pytest.raises(ValueError, match="must be a string or a WarmStartSettings"):
        tk.estimator.Estimator(linear_model_fn, str(tmp_path), params={}, warm_start_from=3)
    with pytest.raises(ValueError, match="MUST be set"):
        tk.estimator.WarmStartSettings("")
