"""tf.contrib.training's training and evaluation loops and placement strategies (TF
1.15 semantics; tf_slim 1.1.0's ``training``/``evaluation`` modules are the same code):
losses against NumPy SGD, evaluation values against NumPy, placements worked out by hand,
and the typed errors."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import trainkit as tk

ct = tk.contrib.training
X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
Y = np.array([[1.0], [2.0], [0.0], [-1.0]], np.float32)


def _model():
    w = tk.get_variable("w", [2, 1], initializer=tk.zeros_initializer())
    return tk.reduce_mean(tk.square(tk.matmul(X, w) - Y)), w


def _numpy_sgd(steps, lr, clip=None):
    w, losses = np.zeros((2, 1)), []
    for _ in range(steps):
        r = X @ w - Y
        losses.append(float(np.mean(r ** 2)))
        g = 2 * X.T @ r / len(X)
        if clip is not None and np.linalg.norm(g) > clip:
            g = g * clip / np.linalg.norm(g)
        w = w - lr * g
    return losses, w


def test_create_train_op_and_train_match_numpy_sgd(tmp_path):
    with tk.Graph().as_default():
        loss, w = _model()
        train_op = ct.create_train_op(loss, tk.train.GradientDescentOptimizer(0.1),
                                      transform_grads_fn=ct.clip_gradient_norms_fn(0.5))
        assert train_op in tk.get_collection(tk.GraphKeys.TRAIN_OP)
        final = tk.train.FinalOpsHook(w)
        last = ct.train(train_op, str(tmp_path), save_summaries_steps=None,
                        hooks=[tk.train.StopAtStepHook(num_steps=3), final],
                        save_checkpoint_secs=None)
        losses, w_np = _numpy_sgd(3, 0.1, clip=0.5)
        np.testing.assert_allclose(last, losses[-1], rtol=1e-5)
        np.testing.assert_allclose(final.final_ops_values, w_np, rtol=1e-5)
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="logdir cannot be None when save_summaries_steps"):
            ct.train(tk.constant(1.0), None)
        with pytest.raises(ValueError, match="logdir cannot be None when save_checkpoint_secs"):
            ct.train(tk.constant(1.0), None, save_summaries_steps=None)
        with pytest.raises(AssertionError):
            ct.create_train_op(tk.constant(1.0), tk.train.GradientDescentOptimizer(0.1))


def test_evaluation_loops_match_numpy(tmp_path):
    with tk.Graph().as_default():
        _, w = _model()
        tk.train.get_or_create_global_step()
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(w.assign([[1.0], [2.0]]))
            path = tk.train.Saver().save(s, str(tmp_path / "model"), global_step=7)
    preds = (X @ np.array([[1.0], [2.0]])).ravel()
    for loop in ("once", "repeatedly", "slim_loop"):
        with tk.Graph().as_default():
            _, w = _model()
            row = tk.gather(tk.matmul(X, w)[:, 0], tk.mod(ct.get_or_create_eval_step(), 4))
            value, update = tk.metrics.mean(row)
            if loop == "once":
                got = ct.evaluate_once(path, eval_ops=update, final_ops=value,
                                       hooks=[ct.StopAfterNEvalsHook(3)])
            elif loop == "repeatedly":
                got = ct.evaluate_repeatedly(str(tmp_path), eval_ops=update, final_ops=value,
                                             hooks=[ct.StopAfterNEvalsHook(3)],
                                             eval_interval_secs=0, max_number_of_evaluations=1)
            else:
                got = tk.contrib.slim.evaluation.evaluation_loop(
                    "", str(tmp_path), str(tmp_path / "eval"), num_evals=3, eval_op=update,
                    final_op=value, eval_interval_secs=0, max_number_of_evaluations=1,
                    summary_op=None)
            np.testing.assert_allclose(got, preds[:3].mean(), rtol=1e-6, err_msg=loop)
    assert ct.wait_for_new_checkpoint(str(tmp_path), timeout=0) == path
    assert ct.wait_for_new_checkpoint(str(tmp_path), path, seconds_to_sleep=0.01,
                                      timeout=0.03) is None
    with pytest.raises(ValueError, match="One of log_dir or summary_writer"):
        ct.SummaryAtEndHook()


def test_placement_strategies():
    with tk.Graph().as_default():
        greedy = ct.GreedyLoadBalancingStrategy(2, ct.byte_size_load_fn)
        with tk.device(tk.train.replica_device_setter(ps_tasks=2, ps_strategy=greedy)):
            a = tk.get_variable("a", [1000, 10])  # 40000 bytes -> task 0
            b = tk.get_variable("b", [10])  # 40 -> task 1
            c = tk.get_variable("c", [5, 5], dtype=tk.float64)  # 200 -> task 1 (40 < 40000)
            d = tk.get_variable("d", [], dtype=tk.int64)  # 8 -> task 1 (240 < 40000)
        assert [v.device for v in (a, b, c, d)] == ["/job:ps/task:0"] + ["/job:ps/task:1"] * 3
        assert ct.byte_size_load_fn(c.op) == 200
        with pytest.raises(ValueError, match="must have a single output"):
            ct.byte_size_load_fn(tk.no_op())
        rand = ct.RandomStrategy(3, seed=5)
        want = int(hashlib.md5(b"a_5").hexdigest(), 16) % 3
        assert rand(a.op) == want and 0 <= rand(b.op) < 3
