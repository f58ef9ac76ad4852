"""``trainkit train`` driving a tf.estimator.Estimator whose model_fn a TOML config names
("file.py:function"), with the config's data, hooks and run settings; resume and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import trainkit as tk

MODEL_FN = '''
import trainkit as tf


def model_fn(features, labels, mode, params):
    logits = tf.layers.dense(features["x"], params["num_outputs"], name="logits")
    classes = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"class": classes})
    loss = tf.identity(tf.losses.sparse_softmax_cross_entropy(labels, logits), name="loss")
    lr = tf.get_variable("effective_lr", initializer=params["learning_rate"] * params["scale"],
                         trainable=False)
    opt = tf.train.GradientDescentOptimizer(lr)
    return tf.estimator.EstimatorSpec(
        mode, loss=loss, train_op=opt.minimize(loss, tf.train.get_global_step()),
        eval_metric_ops={"accuracy": tf.metrics.accuracy(labels, classes)})
'''

CONFIG = '''
name = "est"
[data]
type = "digits"
batch_size = 32
[optimizer]
type = "sgd"
learning_rate = 0.25
[run]
steps = {steps}
checkpoint_every_steps = 10
log_every_steps = 0
[estimator]
model_fn = "models/softmax.py:model_fn"
params = {{ scale = 2.0 }}
{extra}
'''


def _write(tmp: Path, steps: int = 20, extra: str = "") -> Path:
    (tmp / "models").mkdir(exist_ok=True)
    (tmp / "models" / "softmax.py").write_text(MODEL_FN)
    path = tmp / "est.toml"
    path.write_text(CONFIG.format(steps=steps, extra=extra))
    return path


def test_train_runs_the_estimator_and_resumes(tmp_path, cli):
    cfg = _write(tmp_path)
    code, out, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code == 0, err
    run_dir = tmp_path / "runs" / "est"
    assert tk.train.latest_checkpoint(str(run_dir)).endswith("model.ckpt-20")
    assert "Finished 'est' at step 20" in out and "accuracy = " in out
    acc = float(out.split("accuracy = ")[1].split(",")[0].split()[0])
    assert acc > 0.7  # softmax regression, 20 SGD steps of 32 digits
    names = {n for n, _ in tk.train.list_variables(str(run_dir))}
    assert {"logits/kernel", "logits/bias", "global_step"} <= names
    assert (run_dir / "eval").is_dir()
    code, out, err = cli("check", str(cfg))
    assert code == 0 and "OK — Estimator with models/softmax.py:model_fn" in out, err
    code, out, err = cli("eval", str(cfg), "--checkpoint", str(run_dir / "model.ckpt-10"))
    assert code == 0, err
    assert "global_step = 10.0000" in out and "accuracy = " in out  # the older checkpoint
    code, out, err = cli("train", str(_write(tmp_path, steps=25)), "--logdir",
                         str(tmp_path / "runs"))
    assert code == 0, err
    assert "resumed from step 20" in out
    assert tk.train.latest_checkpoint(str(run_dir)).endswith("model.ckpt-25")


def test_config_hooks_run_inside_the_estimator(tmp_path, cli):
    extra = '[[hooks]]\ntype = "StopAtStepHook"\nargs = { last_step = 7 }\n'
    cfg = _write(tmp_path, extra=extra)
    code, out, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code == 0, err
    assert tk.train.latest_checkpoint(str(tmp_path / "runs" / "est")).endswith("-7")


def test_learning_rate_and_params_reach_the_model_fn(tmp_path, cli):
    cfg = _write(tmp_path, steps=1)
    assert cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))[0] == 0
    run_dir = str(tmp_path / "runs" / "est")
    # [optimizer] learning_rate 0.25 times [estimator] params.scale 2.0
    assert tk.train.load_variable(run_dir, "effective_lr") == np.float32(0.5)
    assert tk.train.load_variable(run_dir, "logits/kernel").shape == (64, 10)  # num_outputs


def test_bad_model_fn_names_are_config_errors(tmp_path, cli):
    cfg = _write(tmp_path)
    cfg.write_text(cfg.read_text().replace("softmax.py:model_fn", "softmax.py:nope"))
    assert cli("check", str(cfg))[0] != 0
    code, out, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code != 0 and "estimator.model_fn" in err and "no function 'nope'" in err
    assert "model_fn" in err
    cfg.write_text(cfg.read_text().replace("softmax.py:nope", "missing.py:model_fn"))
    code, out, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code != 0 and "not found" in err
    cfg.write_text(cfg.read_text().replace("missing.py:model_fn", "softmax.py"))
    code, out, err = cli("check", str(cfg))
    assert code != 0 and "expected 'file.py:function'" in err
