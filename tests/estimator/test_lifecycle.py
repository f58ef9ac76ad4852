"""Estimator.train/evaluate lifecycle against TF1 semantics (checked with
tensorflow-estimator 2.15 on the same programs): hook calls per train(steps=N),
incremental steps, max_steps already reached, evaluation of an older checkpoint, exact
resume across train calls, and a used-up input starting over on the next call."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.estimator.conftest import CountingHook, X, Y, input_fn, linear_model_fn


def _step(est):
    return int(est.get_variable_value("global_step"))


def test_hook_calls_per_train_and_incremental_steps(make_estimator):
    est = make_estimator()
    hook = CountingHook()
    assert est.train(input_fn(), hooks=[hook], steps=3) is est
    # TF 2.15: {'begin': 1, 'acs': 1, 'before': 3, 'after': 3, 'end': 1}, step 3
    assert hook.calls == dict(begin=1, after_create_session=1, before_run=3, after_run=3,
                              end=1)
    assert _step(est) == 3
    hook = CountingHook()
    est.train(input_fn(), hooks=[hook], steps=2)
    assert hook.calls["before_run"] == 2 and _step(est) == 5
    est.train(input_fn(), max_steps=7)
    assert _step(est) == 7


def test_max_steps_already_reached_trains_nothing(make_estimator):
    est = make_estimator()
    est.train(input_fn(), max_steps=4)
    latest = est.latest_checkpoint()
    hook = CountingHook()
    est.train(input_fn(), hooks=[hook], max_steps=4)
    est.train(input_fn(), hooks=[hook], max_steps=2)
    assert hook.calls == dict(begin=0, after_create_session=0, before_run=0, after_run=0,
                              end=0)
    assert est.latest_checkpoint() == latest and _step(est) == 4


def test_exact_resume_across_train_calls(make_estimator):
    fn = input_fn(batch_size=3, shuffle=True)
    split = make_estimator("split", tf_random_seed=5)
    split.train(fn, steps=3)
    split.train(fn, steps=4)
    whole = make_estimator("whole", tf_random_seed=5)
    whole.train(fn, steps=7)
    for name in ("linear/kernel", "linear/bias", "global_step"):
        np.testing.assert_array_equal(split.get_variable_value(name),
                                      whole.get_variable_value(name))


def test_used_up_input_starts_over_on_the_next_call(make_estimator):
    est = make_estimator()
    one_epoch = input_fn(batch_size=4, num_epochs=1)
    est.train(one_epoch)
    assert _step(est) == 3  # 12 examples / 4, as TF 2.15
    est.train(one_epoch)
    assert _step(est) == 6  # TF reads the data again from the start


def _np_loss(est, ckpt):
    w = tk.train.load_variable(ckpt, "linear/kernel")
    b = tk.train.load_variable(ckpt, "linear/bias")
    return np.mean((X @ w + b - Y) ** 2), np.mean(np.abs(X @ w + b - Y))


def test_evaluate_latest_and_older_checkpoint(make_estimator):
    est = make_estimator(save_checkpoints_steps=2, keep_checkpoint_max=10)
    est.train(input_fn(), steps=4)
    ckpts = tk.train.get_checkpoint_state(est.model_dir).all_model_checkpoint_paths
    older = [c for c in ckpts if c.endswith("-2")][0]
    eval_fn = input_fn(batch_size=4, num_epochs=1)
    res = est.evaluate(eval_fn)
    assert set(res) == {"loss", "mae", "global_step"} and res["global_step"] == 4
    assert isinstance(res["loss"], np.float32) and isinstance(res["global_step"], np.int64)
    mse, mae = _np_loss(est, est.latest_checkpoint())
    assert res["loss"] == pytest.approx(mse, rel=1e-5)
    assert res["mae"] == pytest.approx(mae, rel=1e-5)
    old = est.evaluate(eval_fn, checkpoint_path=older, name="old")
    assert old["global_step"] == 2
    assert old["loss"] == pytest.approx(_np_loss(est, older)[0], rel=1e-5)
    assert old["loss"] != pytest.approx(res["loss"])


def test_evaluate_hook_calls_and_steps(make_estimator):
    est = make_estimator()
    est.train(input_fn(), steps=1)
    hook = CountingHook()
    est.evaluate(input_fn(batch_size=4, num_epochs=1), hooks=[hook])
    # TF 2.15: 4 before_run, 3 after_run (the 4th run hits the end of the data)
    assert hook.calls == dict(begin=1, after_create_session=1, before_run=4, after_run=3,
                              end=1)
    hook = CountingHook()
    res = est.evaluate(input_fn(batch_size=4, num_epochs=1), steps=2, hooks=[hook])
    assert hook.calls["after_run"] == 2
    w = est.get_variable_value("linear/kernel")
    b = est.get_variable_value("linear/bias")
    assert res["loss"] == pytest.approx(np.mean((X[:8] @ w + b - Y[:8]) ** 2), rel=1e-5)


def test_evaluate_writes_summaries_tensorboard_reads(make_estimator):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    est = make_estimator(save_summary_steps=1)
    est.train(input_fn(), steps=3)
    res = est.evaluate(input_fn(batch_size=6, num_epochs=1), name="val")
    acc = EventAccumulator(est.model_dir + "/eval_val")
    acc.Reload()
    assert set(acc.Tags()["scalars"]) == {"loss", "mae"}
    (event,) = acc.Scalars("loss")
    assert event.step == 3 and event.value == pytest.approx(res["loss"], rel=1e-6)
    train = EventAccumulator(est.model_dir)
    train.Reload()
    assert [e.step for e in train.Scalars("loss")] == [1, 2, 3]


def test_predict_examples_batches_and_keys(make_estimator):
    est = make_estimator()
    est.train(input_fn(), steps=2)
    fn = tk.estimator.inputs.numpy_input_fn({"x": X}, batch_size=5, shuffle=False)
    preds = list(est.predict(fn))
    assert len(preds) == 12 and set(preds[0]) == {"y", "x2"}
    w, b = est.get_variable_value("linear/kernel"), est.get_variable_value("linear/bias")
    np.testing.assert_allclose([p["y"][0] for p in preds], (X @ w + b)[:, 0], rtol=1e-5)
    batches = list(est.predict(fn, predict_keys=["y"], yield_single_examples=False))
    assert [b["y"].shape for b in batches] == [(5, 1), (5, 1), (2, 1)]
    assert set(batches[0]) == {"y"}
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        next(est.predict(fn, predict_keys=["nope"]))


def test_predict_and_evaluate_without_checkpoint_use_initial_values(tmp_path):
    def model_fn(features, labels, mode):
        v = tk.get_variable("v", [], initializer=tk.constant_initializer(2.0))
        pred = features * v
        loss = tk.reduce_mean(pred)
        return tk.estimator.EstimatorSpec(mode, predictions=pred, loss=loss)

    est = tk.estimator.Estimator(model_fn, str(tmp_path))
    fn = tk.estimator.inputs.numpy_input_fn(np.ones(3, np.float32), shuffle=False)
    assert [float(p) for p in est.predict(fn)] == [2.0, 2.0, 2.0]
    res = est.evaluate(lambda: (tk.constant([1.0, 3.0]), None), steps=1)
    assert res["loss"] == pytest.approx(4.0) and res["global_step"] == 0


def test_default_hooks_log_and_stop_on_nan(make_estimator, caplog):
    est = make_estimator(log_step_count_steps=2)
    with caplog.at_level("INFO", logger="trainkit"):
        est.train(input_fn(), steps=3)
    logged = [r.getMessage() for r in caplog.records if "loss = " in r.getMessage()]
    assert len(logged) == 2 and "step = 1" in logged[0] and "step = 3" in logged[1]

    def nan_model(features, labels, mode):
        loss = tk.reduce_mean(features["x"]) * np.float32(np.nan)
        gs = tk.train.get_global_step()
        return tk.estimator.EstimatorSpec(mode, loss=loss, train_op=tk.assign_add(gs, 1))

    nan_est = tk.estimator.Estimator(nan_model, est.model_dir + "_nan")
    with pytest.raises(tk.train.NanLossDuringTrainingError):
        nan_est.train(input_fn(), steps=2)


def test_saving_listeners_and_spec_hooks(make_estimator):
    class Listener(tk.train.CheckpointSaverListener):
        def __init__(self):
            self.saves = []

        def after_save(self, session, global_step_value):
            self.saves.append(global_step_value)

    spec_hook, chief_hook = CountingHook(), CountingHook()

    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        return spec._replace(training_hooks=[spec_hook], training_chief_hooks=[chief_hook])

    listener = Listener()
    est = tk.estimator.Estimator(model_fn, make_estimator().model_dir, params={},
                                 config=tk.estimator.RunConfig(save_checkpoints_steps=2))
    est.train(input_fn(), steps=5, saving_listeners=[listener])
    assert listener.saves == [0, 2, 4, 5]
    assert spec_hook.calls["before_run"] == chief_hook.calls["before_run"] == 5
    none = tk.estimator.Estimator(linear_model_fn, est.model_dir + "_2", params={},
                                  config=tk.estimator.RunConfig(save_checkpoints_secs=None))
    with pytest.raises(ValueError, match="There should be a CheckpointSaverHook"):
        none.train(input_fn(), steps=1, saving_listeners=[Listener()])


def test_trainkit_hooks_work_inside_train(tmp_path):
    import io

    def model_fn(features, labels, mode):
        spec = linear_model_fn(features, labels, mode, {"lr": 0.0})  # a constant loss
        return spec._replace(loss=tk.identity(spec.loss, name="the_loss"))

    est = tk.estimator.Estimator(model_fn, str(tmp_path),
                                 config=tk.estimator.RunConfig(log_step_count_steps=None))
    stopper = tk.train.EarlyStoppingHook("the_loss:0", patience=2)
    out = io.StringIO()
    bar = tk.train.ProgressBarHook(last_step=50, file=out, every_n_iter=1, disable=False)
    est.train(input_fn(batch_size=12), hooks=[stopper, bar], steps=50)  # same loss each step
    # the first check sets the best value, two more without improvement stop the run
    assert _step(est) == 3 and stopper.stopped_at == 3
    assert "3/50" in out.getvalue()
