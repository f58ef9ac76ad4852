"""``arg_scope``, model variables, checkpoint restore, named outputs, dropout and the
``slim.learning`` loop of ``tk.contrib.slim`` (TF1 semantics; numbers from NumPy)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

slim = tk.contrib.slim


def test_arg_scope_nests_merges_and_explicit_arguments_win():
    @slim.add_arg_scope
    def f(x, a=1, b=2):
        return x, a, b

    assert slim.has_arg_scope(f) and slim.arg_scoped_arguments(f) == ("a", "b")
    with slim.arg_scope([f], a=10) as outer:
        assert f(0) == (0, 10, 2)
        with slim.arg_scope([f], b=20):
            assert f(0) == (0, 10, 20)
            assert f(0, b=3) == (0, 10, 3)
        assert f(0) == (0, 10, 2)
    assert f(0) == (0, 1, 2)
    with slim.arg_scope(outer):                  # a saved scope re-entered
        assert f(0) == (0, 10, 2)
    assert tk.contrib.framework.arg_scope is slim.arg_scope


def test_arg_scope_reaches_layers_through_aliases():
    x = tk.ones([2, 3])
    with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=None,
                        weights_initializer=tk.ones_initializer()):
        y = slim.fully_connected(x, 2)
        z = slim.conv2d(tk.ones([1, 3, 3, 1]), 1, 3)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), np.full([2, 2], 3.0))
        np.testing.assert_allclose(sess.run(z)[0, :, :, 0], [[4, 6, 4], [6, 9, 6], [4, 6, 4]])


def test_outputs_collections_and_end_points():
    x = tk.ones([2, 3])
    with tk.variable_scope("net"):
        a = slim.fully_connected(x, 4, scope="fc1", outputs_collections="ep")
        b = slim.max_pool2d(tk.ones([1, 4, 4, 1]), 2, scope="pool", outputs_collections="ep")
    ends = slim.utils.convert_collection_to_dict("ep")
    assert list(ends) == ["net/fc1", "net/pool"]
    assert ends["net/fc1"] is a and ends["net/pool"] is b


def test_variables_collections_by_name():
    slim.fully_connected(tk.ones([2, 3]), 4, variables_collections={"weights": ["w"]})
    slim.conv2d(tk.ones([1, 3, 3, 1]), 2, 3, variables_collections=["all"])
    assert [v.op.name for v in tk.get_collection("w")] == ["fully_connected/weights"]
    assert [v.op.name for v in tk.get_collection("all")] == ["Conv/weights", "Conv/biases"]


def test_get_variables_by_name_finds_top_level_variables_as_tf_does():
    # TF 2.21 + tf_slim 1.1.0 give ['w', 'a/w', 'b/w'], ['w', 'b/w'] and []: the pattern
    # is 'scope.*/w:|^w:', so the top-level 'w' comes back whatever the scope.
    tk.get_variable("w", [1])
    tk.get_variable("wx", [1])
    with tk.variable_scope("a"):
        tk.get_variable("w", [1])
        tk.get_variable("bw", [1])
    with tk.variable_scope("b"):
        tk.get_variable("w", [1])

    def names(vs):
        return [v.op.name for v in vs]
    assert names(slim.get_variables_by_name("w")) == ["w", "a/w", "b/w"]
    assert names(slim.get_variables_by_name("w", scope="b")) == ["w", "b/w"]
    assert names(tk.contrib.framework.get_variables_by_name("x")) == []


def test_dropout_training_scales_kept_entries():
    x = tk.ones([200, 50])
    flag = tk.placeholder(tk.bool, [])
    y = slim.dropout(x, 0.8)
    z = slim.dropout(x, 0.8, is_training=flag)
    with tk.Session() as sess:
        v = sess.run(y)
        kept = v[v != 0]
        np.testing.assert_allclose(kept, 1.25, rtol=1e-6)
        assert abs(kept.size / v.size - 0.8) < 0.02
        np.testing.assert_array_equal(sess.run(z, {flag: False}), np.ones([200, 50]))
        assert (sess.run(z, {flag: True}) == 0).any()


def test_assign_from_checkpoint_fn_restores_a_subset(tmp_path):
    path = str(tmp_path / "model.ckpt")
    with tk.Graph().as_default():
        slim.fully_connected(tk.ones([1, 2]), 3, weights_initializer=tk.constant_initializer(
            [[1, 2, 3], [4, 5, 6]]), scope="body")
        slim.fully_connected(tk.ones([1, 2]), 1, scope="head")
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            tk.train.Saver().save(sess, path)
    with tk.Graph().as_default():
        slim.fully_connected(tk.ones([1, 2]), 3, scope="body")
        slim.fully_connected(tk.ones([1, 2]), 1, scope="head")
        extra = slim.model_variable("new", [2], initializer=tk.zeros_initializer())
        to_restore = slim.get_variables_to_restore(exclude=["head"])
        assert [v.op.name for v in to_restore] == ["body/weights", "body/biases", "new"]
        with pytest.raises(tk.errors.NotFoundError):
            slim.assign_from_checkpoint_fn(path, to_restore)(tk.Session())
        init_fn = slim.assign_from_checkpoint_fn(path, to_restore, ignore_missing_vars=True)
        assert slim.assign_from_checkpoint_fn(path, [extra], ignore_missing_vars=True) is None
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            init_fn(sess)
            w = tk.get_default_graph().get_tensor_by_name("body/weights:0")
            np.testing.assert_array_equal(sess.run(w), [[1, 2, 3], [4, 5, 6]])


def _regression():
    rng = np.random.RandomState(0)
    xs = rng.normal(size=[16, 3]).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    pred = slim.fully_connected(tk.constant(xs), 1, activation_fn=None,
                                weights_initializer=tk.zeros_initializer())
    slim.losses.mean_squared_error(pred, tk.constant(ys))
    return slim.losses.get_total_loss(), xs, ys


def test_learning_train_runs_number_of_steps_and_saves(tmp_path):
    loss, xs, ys = _regression()
    train_op = slim.learning.create_train_op(loss, tk.train.GradientDescentOptimizer(0.1))
    final = slim.learning.train(train_op, str(tmp_path), number_of_steps=5,
                                save_summaries_secs=1000, save_interval_secs=1000)
    w, lr = np.zeros([3, 1], np.float32), np.float32(0.1)
    b = np.zeros([1], np.float32)
    for _ in range(5):                       # the same 5 SGD steps in NumPy
        r = xs @ w + b - ys
        last = float(np.mean(r ** 2))
        w = w - lr * (2 * xs.T @ r / r.size)
        b = b - lr * (2 * r.sum(0) / r.size)
    assert final == pytest.approx(last, rel=1e-5)
    # the final save is the latest, even when the checkpoint service's first save (of
    # step 0) was still running (saves are serialized)
    final_ckpt = tk.train.latest_checkpoint(str(tmp_path))
    assert final_ckpt == str(tmp_path / "model.ckpt-5")
    assert tk.train.load_variable(final_ckpt, "global_step") == 5
    np.testing.assert_allclose(tk.train.load_variable(final_ckpt, "fully_connected/weights"),
                               w, rtol=1e-5)


def test_create_train_op_runs_update_ops_first_and_multiplies_gradients():
    v = tk.get_variable("v", [], initializer=tk.ones_initializer())
    counter = tk.get_variable("n", [], initializer=tk.zeros_initializer(), trainable=False)
    tk.add_to_collection(tk.GraphKeys.UPDATE_OPS, tk.assign_add(counter, 1.0))
    op = slim.learning.create_train_op(v * 3.0, tk.train.GradientDescentOptimizer(0.5),
                                       gradient_multipliers={v: 2.0}, global_step=None)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(op) == 3.0
        assert sess.run([v, counter]) == [-2.0, 1.0]     # 1 - 0.5 * (3 * 2)


def test_optimize_loss_decay_fn_and_multipliers():
    """Multipliers are keyed by tensor name there ("v" is ignored); TF 2.21 + tf_slim give
    the same names, and v = 0.5 when keyed by "v" alone."""
    v = tk.get_variable("v", [], initializer=tk.ones_initializer())
    gs = tk.train.get_or_create_global_step()
    op = tk.contrib.layers.optimize_loss(
        v * v, gs, 0.5, "SGD", gradient_multipliers={"v:0": 0.5, "v": 100.0},
        learning_rate_decay_fn=lambda lr, step: lr * 0.5, summaries=["learning_rate"])
    # the summary op's name is made unique after the variable's, as in TF
    assert [s.op.name for s in tk.get_collection(tk.GraphKeys.SUMMARIES)] == [
        "OptimizeLoss/learning_rate_1"]
    assert [x.op.name for x in tk.global_variables()] == [
        "v", "global_step", "OptimizeLoss/learning_rate"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(op)
        assert sess.run([v, gs]) == [pytest.approx(0.75), 1]   # 1 - 0.25 * (2 * 0.5)
