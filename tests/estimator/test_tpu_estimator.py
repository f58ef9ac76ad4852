"""TPUEstimator on the CPU (use_tpu=False) against TF 2.15's tensorflow-estimator
(tpu_estimator_reference.json, made by make_tpu_estimator_reference.py), plus TF's checks
of TPUConfig / RunConfig / TPUEstimatorSpec / TPUEstimator arguments."""

from __future__ import annotations

import glob
import json
import os

import numpy as np
import pytest

import trainkit as tk
from tests.contrib.contrib_summary_cases import read_events
from tests.estimator.tpu_estimator_cases import run

REF = json.load(open(os.path.join(os.path.dirname(__file__), "tpu_estimator_reference.json")))
tpu = tk.contrib.tpu


def _event_tags(model_dir):
    tags = set()
    for path in glob.glob(os.path.join(model_dir, "events.out.tfevents.*")):
        for e in tk.train.summary_iterator(path):
            tags.update(v.tag for v in e.summary.value)
    return sorted(tags)


def test_cpu_run_matches_tf_2_15(tmp_path):
    out = run(tk, str(tmp_path), tpu)
    assert REF["tf_version"] == "2.15.1"
    for key in ("global_step", "seen", "calls", "params", "log_step_count_steps"):
        assert out[key] == REF[key], key
    np.testing.assert_allclose(out["kernel"], REF["kernel"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["bias"], REF["bias"], rtol=1e-5, atol=1e-6)
    assert out["eval"].keys() == REF["eval"].keys()
    for k, v in REF["eval"].items():
        np.testing.assert_allclose(out["eval"][k], v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["predictions"], REF["predictions"], rtol=1e-5, atol=1e-6)
    assert _event_tags(str(tmp_path)) == REF["train_event_tags"]


def test_namespaces():
    assert tk.estimator.tpu.TPUEstimator is tpu.TPUEstimator
    assert tk.compat.v1.estimator.tpu.TPUEstimatorSpec is tpu.TPUEstimatorSpec
    assert (tpu.InputPipelineConfig.PER_HOST_V2, tpu.InputPipelineConfig.SLICED) == (3, 5)
    assert issubclass(tpu.RunConfig, tk.estimator.RunConfig)


def test_tpu_config_checks_as_tf():
    c = tpu.TPUConfig()
    assert (c.iterations_per_loop, c.num_shards, c.per_host_input_for_training) == (2, None, 2)
    assert tpu.TPUConfig(per_host_input_for_training=False).per_host_input_for_training == 1
    with pytest.raises(ValueError, match="Invalid TPUConfig `iterations_per_loop`"):
        tpu.TPUConfig(iterations_per_loop=0)
    with pytest.raises(ValueError, match="Invalid TPUConfig `iterations_per_loop`"):
        tpu.TPUConfig(iterations_per_loop="10d")
    with pytest.raises(ValueError, match="TPUConfig num_shards must be positive, got 0"):
        tpu.TPUConfig(num_shards=0)
    with pytest.raises(TypeError, match="TPUConfig num_shards must be int"):
        tpu.TPUConfig(num_shards=2.0)
    with pytest.raises(ValueError, match="num_cores_per_replica must be 1, 2, 4"):
        tpu.TPUConfig(num_cores_per_replica=3)
    with pytest.raises(ValueError, match="eval_training_input_configuration must be"):
        tpu.TPUConfig(eval_training_input_configuration=3)
    with pytest.raises(ValueError, match="only supported in PER_HOST_V2 mode"):
        tpu.TPUConfig(input_partition_dims=[[1, 2]])
    cfg = tpu.RunConfig(master="grpc://x:1", tpu_config=tpu.TPUConfig(iterations_per_loop="2m"))
    assert (cfg.master, cfg.evaluation_master) == ("grpc://x:1", "grpc://x:1")
    new = cfg.replace(tpu_config=tpu.TPUConfig(5), save_summary_steps=7)
    assert (new.tpu_config.iterations_per_loop, new.save_summary_steps) == (5, 7)
    assert cfg.tpu_config.iterations_per_loop == "2m"

    class Cluster:
        def master(self):
            return "grpc://c:2"

    assert tpu.RunConfig(cluster=Cluster()).master == "grpc://c:2"
    with pytest.raises(ValueError, match="Both master and cluster are set."):
        tpu.RunConfig(master="a", cluster=Cluster())


def _model_fn(features, labels, mode, params):
    pred = tk.layers.dense(features["x"], 1)
    loss = tk.losses.mean_squared_error(labels, pred)
    return tpu.TPUEstimatorSpec(mode, loss=loss, train_op=tk.train.GradientDescentOptimizer(
        0.1).minimize(loss, global_step=tk.train.get_global_step()))


def _input_fn(params):
    x = np.ones((4, 2), np.float32)
    return tk.data.Dataset.from_tensor_slices(({"x": x}, x[:, :1])).batch(params["batch_size"])


def test_estimator_argument_checks_as_tf(tmp_path):
    cfg = tpu.RunConfig(model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="`config` must be provided with type"):
        tpu.TPUEstimator(_model_fn, config=tk.estimator.RunConfig(), use_tpu=False)
    with pytest.raises(ValueError, match="are reserved keys but existed in params"):
        tpu.TPUEstimator(_model_fn, config=cfg, params={"batch_size": 3}, use_tpu=False)
    with pytest.raises(ValueError, match="`train_batch_size` cannot be `None`"):
        tpu.TPUEstimator(_model_fn, config=cfg)
    with pytest.raises(TypeError, match="eval_batch_size must be int"):
        tpu.TPUEstimator(_model_fn, config=cfg, train_batch_size=2, eval_batch_size="8")
    with pytest.raises(ValueError, match="export_saved_model_api_version should be 1 or 2"):
        tpu.TPUEstimator(_model_fn, config=cfg, use_tpu=False, export_saved_model_api_version=3)


def test_missing_params_arguments_and_asking_for_a_tpu(tmp_path):
    cfg = tpu.RunConfig(model_dir=str(tmp_path))
    est = tpu.TPUEstimator(_model_fn, config=cfg, use_tpu=False, train_batch_size=2)
    with pytest.raises(ValueError, match=r"does not include params argument, required by "
                                         r"TPUEstimator to pass batch size as params"):
        est.train(lambda: _input_fn({"batch_size": 2}), steps=1)

    def no_params(features, labels, mode):
        return _model_fn(features, labels, mode, None)

    est = tpu.TPUEstimator(no_params, config=cfg, use_tpu=False, train_batch_size=2)
    with pytest.raises(ValueError, match=r"model_fn .* does not include params argument"):
        est.train(_input_fn, steps=1)
    on_tpu = tpu.TPUEstimator(_model_fn, config=cfg, use_tpu=True, train_batch_size=2)
    with pytest.raises(RuntimeError, match="Cannot find any TPU cores in the system"):
        on_tpu.train(_input_fn, steps=1)


def test_spec_checks_as_tf():
    with tk.Graph().as_default():
        loss = tk.constant(1.0)

        def fn(a, b):
            return {}

        with pytest.raises(ValueError, match="Missing loss."):
            tpu.TPUEstimatorSpec("train", train_op=tk.no_op())
        with pytest.raises(ValueError, match="eval_metrics should be tuple or list"):
            tpu.TPUEstimatorSpec("eval", loss=loss, eval_metrics=fn)
        with pytest.raises(ValueError, match="eval_metrics should have two elements."):
            tpu.TPUEstimatorSpec("eval", loss=loss, eval_metrics=(fn,))
        with pytest.raises(TypeError, match=r"host_call\[0\] should be callable."):
            tpu.TPUEstimatorSpec("eval", loss=loss, host_call=(1, []))
        with pytest.raises(ValueError, match=r"eval_metrics\[1\] should be tuple or list"):
            tpu.TPUEstimatorSpec("eval", loss=loss, eval_metrics=(fn, loss))
        with pytest.raises(RuntimeError, match="length of tensors 1 does not match method args"):
            tpu.TPUEstimatorSpec("eval", loss=loss, eval_metrics=(fn, [loss]))
        with pytest.raises(TypeError, match="All hooks must be SessionRunHook instances"):
            tpu.TPUEstimatorSpec("eval", loss=loss, evaluation_hooks=[object()])
        spec = tpu.TPUEstimatorSpec("eval", loss=loss, host_call=(lambda a: [a * 2], [loss]),
                                    eval_metrics=(lambda **kw: {}, {"a": loss}))
        est_spec = spec.as_estimator_spec()
        assert est_spec.eval_metric_ops == {}
        (hook,) = est_spec.evaluation_hooks
        with tk.Session() as s:
            assert s.run(hook.before_run(None).fetches) == [2.0]


def test_host_call_writes_contrib_summaries(tmp_path):
    """TF's TPU models write summaries from a host_call with tf.contrib.summary: on the
    CPU the hook creates the writers with the session and flushes them at the end."""
    logdir = str(tmp_path / "host")

    def host_fn(gs, loss):
        cs = tk.contrib.summary
        with cs.create_file_writer(logdir).as_default(), cs.always_record_summaries():
            return [cs.scalar("gs", tk.cast(gs[0], tk.float32), step=gs[0]),
                    cs.scalar("loss", loss[0], step=gs[0])]

    def model_fn(features, labels, mode, params):
        spec = _model_fn(features, labels, mode, params)
        gs = tk.reshape(tk.train.get_global_step(), [1])
        return spec._replace(host_call=(host_fn, [gs, tk.reshape(spec.loss, [1])]))

    est = tpu.TPUEstimator(model_fn, config=tpu.RunConfig(model_dir=str(tmp_path / "m")),
                           use_tpu=False, train_batch_size=2)
    est.train(_input_fn, max_steps=3)
    events = read_events(tk, logdir)
    assert [(s, t) for s, t, _, _ in events] == [(0, "gs"), (0, "loss"), (1, "gs"),
                                                 (1, "loss")]  # 4 rows: 2 batches of 2
    assert [v for _, t, _, v in events if t == "gs"] == [0.0, 1.0]
