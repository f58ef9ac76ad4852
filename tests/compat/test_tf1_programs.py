"""Classic TF1 programs, written the way TF1 users write them, run with ``import trainkit as tf``.

Each program is plain ``tf.compat.v1`` code; the assertions are hand-computed numbers or a
NumPy reference of the same computation.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import trainkit as tf


def test_getting_started_linear_regression() -> None:
    """The TF1 "getting started" model: W * x + b fitted by gradient descent with feeds."""
    W = tf.Variable([0.3], dtype=tf.float32)
    b = tf.Variable([-0.3], dtype=tf.float32)
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    linear_model = W * x + b
    loss = tf.reduce_sum(tf.square(linear_model - y))
    optimizer = tf.train.GradientDescentOptimizer(0.01)
    train = optimizer.minimize(loss)

    x_train = [1.0, 2.0, 3.0, 4.0]
    y_train = [0.0, -1.0, -2.0, -3.0]
    init = tf.global_variables_initializer()
    sess = tf.Session()
    sess.run(init)
    # The guide's first printed number: the loss of the initial W = 0.3, b = -0.3.
    assert sess.run(loss, {x: x_train, y: y_train}) == pytest.approx(23.66, rel=1e-5)
    for _ in range(1000):
        sess.run(train, {x: x_train, y: y_train})
    curr_W, curr_b, curr_loss = sess.run([W, b, loss], {x: x_train, y: y_train})

    # NumPy reference of the same 1000 steps.
    w_ref, b_ref = np.float64(0.3), np.float64(-0.3)
    xs, ys = np.array(x_train), np.array(y_train)
    for _ in range(1000):
        err = w_ref * xs + b_ref - ys
        w_ref, b_ref = w_ref - 0.01 * 2 * (err * xs).sum(), b_ref - 0.01 * 2 * err.sum()
    assert curr_W == pytest.approx([w_ref], abs=1e-5)
    assert curr_b == pytest.approx([b_ref], abs=1e-5)
    assert curr_W[0] == pytest.approx(-0.9999969, abs=1e-4)
    assert curr_b[0] == pytest.approx(0.9999908, abs=1e-4)
    assert curr_loss < 1e-9
    fixW = tf.assign(W, [-1.0])
    fixb = tf.assign(b, [1.0])
    sess.run([fixW, fixb])
    assert sess.run(loss, {x: x_train, y: y_train}) == 0.0
    sess.close()


def test_softmax_regression_with_accuracy() -> None:
    """MNIST-for-beginners shape: softmax regression, cross entropy v2 and argmax accuracy."""
    rng = np.random.RandomState(0)
    xs = rng.randn(6, 4).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1, 2]]
    w0 = (rng.randn(4, 3) * 0.1).astype(np.float32)

    x = tf.placeholder(tf.float32, [None, 4])
    W = tf.Variable(w0)
    b = tf.Variable(tf.zeros([3]))
    y = tf.matmul(x, W) + b
    y_ = tf.placeholder(tf.float32, [None, 3])
    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    def reference(w: np.ndarray, bias: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        logits = xs.astype(np.float64) @ w + bias
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        loss = -(labels * np.log(p)).sum(1).mean()
        g = (p - labels) / len(xs)
        return loss, xs.T @ g, g.sum(0)

    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        w_ref, b_ref = w0.astype(np.float64), np.zeros(3)
        for _ in range(20):
            loss_val, _ = sess.run([cross_entropy, train_step], feed_dict={x: xs, y_: labels})
            ref_loss, gw, gb = reference(w_ref, b_ref)
            assert loss_val == pytest.approx(ref_loss, rel=1e-4)
            w_ref, b_ref = w_ref - 0.5 * gw, b_ref - 0.5 * gb
        np.testing.assert_allclose(sess.run(W), w_ref, rtol=1e-4, atol=1e-5)
        acc = sess.run(accuracy, feed_dict={x: xs, y_: labels})
        ref_acc = np.mean((xs @ w_ref + b_ref).argmax(1) == labels.argmax(1))
        assert isinstance(acc, np.float32)
        assert acc == pytest.approx(ref_acc)
        assert sess.run(correct_prediction, {x: xs, y_: labels}).dtype == np.bool_


def test_variable_sharing_with_get_variable() -> None:
    """The "sharing variables" guide: a conv-relu-like block built twice with reuse=True."""

    def my_layer(inp: tf.Tensor) -> tf.Tensor:
        weights = tf.get_variable("weights", [2, 2], initializer=tf.constant_initializer(0.5))
        biases = tf.get_variable("biases", [2], initializer=tf.constant_initializer(1.0))
        return tf.nn.relu(tf.matmul(inp, weights) + biases)

    a = tf.constant([[1.0, -4.0]])
    with tf.variable_scope("model"):
        out1 = my_layer(a)
    with tf.variable_scope("model", reuse=True):
        out2 = my_layer(out1)
    with tf.variable_scope("model") as scope:
        scope.reuse_variables()
        w_again = tf.get_variable("weights")
    with tf.variable_scope("other", reuse=tf.AUTO_REUSE):
        v1 = tf.get_variable("v", [], initializer=tf.zeros_initializer())
    with tf.variable_scope("other", reuse=tf.AUTO_REUSE):
        v2 = tf.get_variable("v", [])

    names = sorted(v.name for v in tf.global_variables())
    assert names == ["model/biases:0", "model/weights:0", "other/v:0"]
    assert v1 is v2
    with pytest.raises(ValueError, match="model/weights already exists"):
        with tf.variable_scope("model"):
            tf.get_variable("weights", [2, 2])
    with pytest.raises(ValueError, match="does not exist"):
        with tf.variable_scope("model", reuse=True):
            tf.get_variable("nope", [1])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # out1 = relu([1, -4] @ 0.5 + 1) = relu([-0.5, -0.5]) = [0, 0]; out2 = relu(0 + 1) = 1
        np.testing.assert_array_equal(sess.run(out1), [[0.0, 0.0]])
        np.testing.assert_array_equal(sess.run(out2), [[1.0, 1.0]])
        assert sess.run(w_again).tolist() == [[0.5, 0.5], [0.5, 0.5]]
        assert w_again.name == "model/weights:0"


def test_control_dependencies_order_assigns() -> None:
    """A read under control_dependencies([assign]) sees the assigned value."""
    v = tf.Variable(1.0)
    w = tf.Variable(10.0)
    assign_op = tf.assign(v, 5.0)
    with tf.control_dependencies([assign_op]):
        doubled = v * 2  # reads v after the assignment
        inc = tf.assign_add(w, v)
    with tf.control_dependencies([inc]):
        total = tf.identity(w) + 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(doubled) == 10.0
        assert sess.run(total) == 15.0  # w = 10 + 5
        assert sess.run(total) == 20.0  # w = 15 + 5
        assert sess.run(v) == 5.0
        # No dependency: reading v alone after re-initialising does not run the assign.
        sess.run(v.initializer)
        assert sess.run(v) == 1.0


def test_cond_and_case_select_values() -> None:
    """tf.cond and tf.case on a fed predicate; only the taken branch's side effects run."""
    x = tf.placeholder(tf.int32, [])
    counter = tf.Variable(0)
    r = tf.cond(x > 0, lambda: tf.assign_add(counter, 1), lambda: tf.identity(counter) - 100)
    f1 = lambda: tf.constant(17)  # noqa: E731
    f2 = lambda: tf.constant(23)  # noqa: E731
    f3 = lambda: tf.constant(-1)  # noqa: E731
    picked = tf.case([(tf.less(x, 0), f1), (tf.equal(x, 5), f2)], default=f3, exclusive=True)
    picked_dict = tf.case({tf.less(x, 0): f1, tf.greater(x, 10): f2}, default=f3)
    pair = tf.cond(tf.equal(x, 1), lambda: (tf.constant(1.0), tf.constant(2)),
                   lambda: (tf.constant(3.0), tf.constant(4)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(r, {x: 3}) == 1
        assert sess.run(r, {x: 3}) == 2
        assert sess.run(r, {x: -3}) == 2 - 100
        assert sess.run(counter) == 2
        assert sess.run(picked, {x: -2}) == 17
        assert sess.run(picked, {x: 5}) == 23
        assert sess.run(picked, {x: 0}) == -1
        assert sess.run(picked_dict, {x: 11}) == 23
        assert sess.run(picked_dict, {x: 3}) == -1
        assert sess.run(pair, {x: 1}) == (1.0, 2)
        assert sess.run(pair, {x: 0}) == (3.0, 4)


def test_group_of_assigns_and_swap() -> None:
    """tf.group runs every assign; a swap through a temporary ordered by control deps."""
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    step = tf.group(tf.assign_add(a, 10.0), tf.assign_sub(b, 1.0), name="step")
    assert step.type == "NoOp"
    assert step.name == "step"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(step) is None
        sess.run(step)
        assert sess.run([a, b]) == [21.0, 0.0]
        # A swap through a temporary variable, ordered by control dependencies. (A
        # tf.identity "snapshot" of a ref variable aliases its buffer, in TF1 as here.)
        tmp = tf.Variable(0.0, name="tmp")
        sess.run(tmp.initializer)
        save_a = tf.assign(tmp, a)
        with tf.control_dependencies([save_a]):
            a_from_b = tf.assign(a, b)
        with tf.control_dependencies([a_from_b]):
            swap = tf.group(tf.assign(b, tmp))
        sess.run(swap)
        assert sess.run([a, b]) == [0.0, 21.0]
        grouped = tf.tuple([a + 1.0, b * 2.0])
        assert sess.run(grouped) == [1.0, 42.0]


def test_saver_dict_var_list_round_trip(tmp_path) -> None:
    """Saver({'name': var}) writes under the given names; another graph restores by name."""
    ckpt = str(tmp_path / "model.ckpt")
    v1 = tf.get_variable("v1", shape=[3], initializer=tf.zeros_initializer)
    v2 = tf.get_variable("v2", shape=[5], initializer=tf.zeros_initializer)
    inc_v1 = v1.assign(v1 + 1)
    dec_v2 = v2.assign(v2 - 1)
    saver = tf.train.Saver({"first": v1, "second": v2})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([inc_v1, dec_v2])
        save_path = saver.save(sess, ckpt, global_step=7)
    assert save_path == ckpt + "-7"
    assert tf.train.latest_checkpoint(str(tmp_path)) == save_path
    assert dict(tf.train.list_variables(save_path)) == {"first": [3], "second": [5]}
    np.testing.assert_array_equal(tf.train.load_variable(save_path, "second"), [-1.0] * 5)

    tf.reset_default_graph()
    w = tf.get_variable("renamed", shape=[5])
    u = tf.get_variable("other", shape=[3])
    restorer = tf.train.Saver(var_list={"second": w, "first": u})
    with tf.Session() as sess:
        restorer.restore(sess, save_path)
        np.testing.assert_array_equal(sess.run(w), [-1.0] * 5)
        np.testing.assert_array_equal(sess.run(u), [1.0] * 3)
        reader = tf.train.NewCheckpointReader(save_path)
        assert reader.has_tensor("first")
        assert reader.get_variable_to_shape_map() == {"first": [3], "second": [5]}


def test_summary_scalar_merge_all_file_writer(tmp_path) -> None:
    """scalar + merge_all + FileWriter.add_summary, read back with summary_iterator."""
    logdir = str(tmp_path / "logs")
    x = tf.placeholder(tf.float32, [], name="x")
    tf.summary.scalar("loss", x * 2.0)
    with tf.name_scope("eval"):
        tf.summary.scalar("acc", x + 1.0)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir, sess.graph)
        for step in range(3):
            summ = sess.run(merged, feed_dict={x: float(step)})
            assert isinstance(summ, bytes)
            writer.add_summary(summ, global_step=step)
        writer.close()
    files = os.listdir(logdir)
    assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
    seen: dict[str, list[tuple[int, float]]] = {}
    graph_events = 0
    for event in tf.train.summary_iterator(os.path.join(logdir, files[0])):
        if event.HasField("graph_def"):
            graph_events += 1
        for value in event.summary.value:
            seen.setdefault(value.tag, []).append((event.step, value.simple_value))
    assert graph_events == 1
    assert seen == {"loss": [(0, 0.0), (1, 2.0), (2, 4.0)],
                    "eval/acc": [(0, 1.0), (1, 2.0), (2, 3.0)]}


def test_dataset_initializable_iterator_with_feeds() -> None:
    """from_tensor_slices(placeholder).map.shuffle.batch with reinitialisation per epoch."""
    features = tf.placeholder(tf.float32, [None])
    dataset = tf.data.Dataset.from_tensor_slices(features)
    dataset = dataset.map(lambda v: v * 10.0).shuffle(buffer_size=100, seed=3).batch(2)
    iterator = dataset.make_initializable_iterator()
    next_element = iterator.get_next()
    with tf.Session() as sess:
        epochs = []
        for data in ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0, 8.0]):
            sess.run(iterator.initializer, feed_dict={features: data})
            batches = []
            while True:
                try:
                    batches.append(sess.run(next_element))
                except tf.errors.OutOfRangeError:
                    break
            epochs.append(batches)
    assert [len(b) for b in epochs[0]] == [2, 1]
    assert [len(b) for b in epochs[1]] == [2, 2, 1]
    assert sorted(np.concatenate(epochs[0]).tolist()) == [10.0, 20.0, 30.0]
    assert sorted(np.concatenate(epochs[1]).tolist()) == [40.0, 50.0, 60.0, 70.0, 80.0]
    assert next_element.dtype == tf.float32
    assert next_element.shape.as_list() == [None]

    # Dict elements with a tuple label, repeated and batched.
    ds = tf.data.Dataset.from_tensor_slices(
        ({"a": np.arange(4, dtype=np.int64)}, np.array([0, 1, 0, 1], dtype=np.int32)))
    it = ds.repeat(2).batch(3).make_one_shot_iterator()
    feats, lab = it.get_next()
    with tf.Session() as sess:
        f1, l1 = sess.run([feats, lab])
        assert f1["a"].tolist() == [0, 1, 2] and l1.tolist() == [0, 1, 0]
        f2, _ = sess.run([feats, lab])
        assert f2["a"].tolist() == [3, 0, 1]
        f3, l3 = sess.run([feats, lab])
        assert f3["a"].tolist() == [2, 3] and l3.tolist() == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(lab)


def _build_counting_model() -> tuple[tf.Tensor, tf.Operation, tf.Variable]:
    global_step = tf.train.get_or_create_global_step()
    w = tf.get_variable("w", [], initializer=tf.constant_initializer(4.0))
    loss = tf.square(w)
    train_op = tf.train.GradientDescentOptimizer(0.25).minimize(loss, global_step=global_step)
    return loss, train_op, w


def test_monitored_training_session_resumes_from_checkpoint(tmp_path) -> None:
    """MonitoredTrainingSession with StopAtStepHook; a second run resumes at the saved step."""
    ckpt_dir = str(tmp_path / "train")
    _, train_op, w = _build_counting_model()
    hooks = [tf.train.StopAtStepHook(last_step=3)]
    steps = 0
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir, hooks=hooks,
                                           save_summaries_steps=None,
                                           save_summaries_secs=None) as mon_sess:
        while not mon_sess.should_stop():
            mon_sess.run(train_op)
            steps += 1
    assert steps == 3
    # w <- w - 0.25 * 2w = w / 2 each step: 4 -> 2 -> 1 -> 0.5
    assert tf.train.latest_checkpoint(ckpt_dir).endswith("model.ckpt-3")
    assert tf.train.load_variable(ckpt_dir, "w") == 0.5

    tf.reset_default_graph()
    _, train_op, w = _build_counting_model()
    gs = tf.train.get_global_step()
    hooks = [tf.train.StopAtStepHook(num_steps=2)]
    seen = []
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir, hooks=hooks,
                                           save_summaries_steps=None,
                                           save_summaries_secs=None) as mon_sess:
        assert mon_sess.run(gs) == 3
        while not mon_sess.should_stop():
            _, step = mon_sess.run([train_op, gs])
            seen.append(int(step))
    assert seen == [4, 5]
    assert tf.train.latest_checkpoint(ckpt_dir).endswith("model.ckpt-5")
    assert tf.train.load_variable(ckpt_dir, "w") == 0.125


def test_batch_normalization_update_ops() -> None:
    """batch_normalization in training mode updates moving stats only via UPDATE_OPS."""
    x = tf.placeholder(tf.float32, [None, 2])
    training = tf.placeholder_with_default(False, [])
    y = tf.layers.batch_normalization(x, momentum=0.9, epsilon=1e-3, training=training)
    loss = tf.reduce_sum(y)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == 2
    with tf.control_dependencies(update_ops):
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    data = np.array([[1.0, 2.0], [3.0, 6.0]], dtype=np.float32)
    mean, var = data.mean(0), data.var(0)
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["batch_normalization/beta:0", "batch_normalization/gamma:0",
                     "batch_normalization/moving_mean:0",
                     "batch_normalization/moving_variance:0"]
    assert len(tf.trainable_variables()) == 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: data, training: True})
        np.testing.assert_allclose(out, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-5)
        # Running y alone (no update ops) leaves the moving stats untouched.
        mm = tf.global_variables()[2]
        assert sess.run(mm).tolist() == [0.0, 0.0]
        sess.run(train_op, {x: data, training: True})
        moving_mean = 0.1 * mean
        moving_var = 0.9 * 1.0 + 0.1 * var
        vals = {v.name: sess.run(v) for v in tf.global_variables()}
        np.testing.assert_allclose(vals["batch_normalization/moving_mean:0"], moving_mean,
                                   rtol=1e-6)
        np.testing.assert_allclose(vals["batch_normalization/moving_variance:0"], moving_var,
                                   rtol=1e-5)
        # Inference uses the moving statistics and beta/gamma after one SGD step.
        beta = vals["batch_normalization/beta:0"]
        gamma = vals["batch_normalization/gamma:0"]
        np.testing.assert_allclose(beta, [-0.2, -0.2], rtol=1e-6)  # d(sum y)/d beta = 2
        inf = sess.run(y, {x: data})
        ref = gamma * (data - moving_mean) / np.sqrt(moving_var + 1e-3) + beta
        np.testing.assert_allclose(inf, ref, rtol=1e-5)


def test_clip_by_global_norm_on_compute_gradients() -> None:
    """compute_gradients -> clip_by_global_norm -> apply_gradients, checked by hand."""
    w = tf.Variable([3.0, 4.0])
    b = tf.Variable(0.0)
    loss = tf.reduce_sum(w * w) / 2.0 + 12.0 * b  # grads: w -> [3, 4], b -> 12; norm 13
    opt = tf.train.GradientDescentOptimizer(learning_rate=1.0)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for _, v in grads_and_vars] == [w, b]
    grads, variables = zip(*grads_and_vars)
    clipped, global_norm = tf.clip_by_global_norm(grads, clip_norm=6.5)
    train_op = opt.apply_gradients(zip(clipped, variables))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        norm_val, clipped_val = sess.run([global_norm, clipped])
        assert norm_val == pytest.approx(13.0)
        np.testing.assert_allclose(clipped_val[0], [1.5, 2.0], rtol=1e-6)
        assert clipped_val[1] == pytest.approx(6.0)
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [1.5, 2.0], rtol=1e-6)
        assert sess.run(b) == pytest.approx(-6.0)
        # Now the norm is 6.5 (w -> [1.5, 2], b -> 12 stays): at the threshold, unchanged.
        np.testing.assert_allclose(sess.run(grads[0]), [1.5, 2.0])
        assert sess.run(global_norm) == pytest.approx(np.sqrt(1.5**2 + 2**2 + 144))


def test_gather_one_hot_and_keepdims_reductions() -> None:
    """Embedding lookup by tf.gather, one_hot labels and reductions with keepdims."""
    params = tf.constant([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]])
    ids = tf.placeholder(tf.int64, [None])
    emb = tf.gather(params, ids)
    oh = tf.one_hot(ids, depth=3, on_value=5.0, off_value=-1.0)
    m = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.Session() as sess:
        e, o = sess.run([emb, oh], {ids: [2, 0, 2]})
        np.testing.assert_array_equal(e, [[20.0, 21.0], [0.0, 1.0], [20.0, 21.0]])
        np.testing.assert_array_equal(o, [[-1, -1, 5], [5, -1, -1], [-1, -1, 5]])
        assert oh.dtype == tf.float32
        s1 = sess.run(tf.reduce_sum(m, axis=1, keepdims=True))
        assert s1.shape == (2, 1) and s1.tolist() == [[6.0], [15.0]]
        s0 = sess.run(tf.reduce_mean(m, 0, keepdims=True))
        assert s0.tolist() == [[2.5, 3.5, 4.5]]
        assert sess.run(tf.reduce_max(m, keep_dims=True)).shape == (1, 1)
        assert sess.run(tf.reduce_prod(m, axis=[0, 1])) == 720.0
        assert sess.run(tf.reduce_min(m, axis=-1)).tolist() == [1.0, 4.0]
        assert sess.run(tf.reduce_all(m > 0.0)) is np.True_
        assert sess.run(tf.reduce_any(m > 5.5, axis=1)).tolist() == [False, True]
        # Softmax normalisation with keepdims broadcasting, against NumPy.
        ex = tf.exp(m - tf.reduce_max(m, axis=1, keepdims=True))
        sm = ex / tf.reduce_sum(ex, axis=1, keepdims=True)
        ref = np.exp([[1.0, 2, 3], [4, 5, 6]])
        np.testing.assert_allclose(sess.run(sm), ref / ref.sum(1, keepdims=True), rtol=1e-6)
        assert tf.reduce_sum(m, axis=1, keepdims=True).shape.as_list() == [2, 1]


def test_eval_and_run_under_as_default() -> None:
    """Tensor.eval / Operation.run / Variable.eval under `with sess.as_default()`."""
    v = tf.Variable(3, dtype=tf.int32)
    c = tf.constant([1, 2])
    p = tf.placeholder(tf.int32)
    inc = tf.assign_add(v, 1).op
    sess = tf.Session()
    with sess.as_default():
        assert tf.get_default_session() is sess
        tf.global_variables_initializer().run()
        inc.run()
        assert v.eval() == 4
        assert (c * v).eval().tolist() == [4, 8]
        assert (p + 1).eval(feed_dict={p: 41}) == 42
        assert tf.identity(v).eval(session=sess) == 4
    assert tf.get_default_session() is None
    # as_default does not close the session
    assert sess.run(v) == 4
    with pytest.raises(ValueError, match="No default session"):
        c.eval()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_py_func_in_graph() -> None:
    """A NumPy function wrapped with tf.py_func, with several outputs and a feed."""

    def np_stats(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.sort(arr).astype(np.float32), np.int64(arr.size)

    x = tf.placeholder(tf.float32, [None])
    sorted_x, n = tf.py_func(np_stats, [x], [tf.float32, tf.int64])
    sorted_x.set_shape([None])
    total = tf.reduce_sum(sorted_x) / tf.cast(n, tf.float32)
    single = tf.py_func(lambda a: a * 2, [tf.constant([1, 2], tf.int32)], tf.int32)
    with tf.Session() as sess:
        s, count, mean = sess.run([sorted_x, n, total], {x: [3.0, 1.0, 2.0]})
        assert s.tolist() == [1.0, 2.0, 3.0]
        assert count == 3 and isinstance(count, np.int64)
        assert mean == pytest.approx(2.0)
        assert sess.run(single).tolist() == [2, 4]


def test_string_tensors() -> None:
    """String constants, placeholders and equality come back as bytes."""
    greeting = tf.constant("Hello, TensorFlow!")
    names = tf.placeholder(tf.string, [None])
    is_bob = tf.equal(names, "bob")
    picked = tf.gather(names, tf.argmax(tf.cast(is_bob, tf.int32)))
    table = tf.constant([b"a", b"b", b"c"])
    with tf.Session() as sess:
        assert sess.run(greeting) == b"Hello, TensorFlow!"
        assert greeting.dtype == tf.string
        res = sess.run(is_bob, {names: ["alice", "bob"]})
        assert res.tolist() == [False, True]
        assert sess.run(picked, {names: ["alice", "bob"]}) == b"bob"
        assert sess.run(table).tolist() == [b"a", b"b", b"c"]
        assert sess.run(tf.reshape(table, [3, 1])).shape == (3, 1)
        assert sess.run(tf.identity(greeting)) == b"Hello, TensorFlow!"


def test_int64_global_step_arithmetic() -> None:
    """The global step is int64; schedule arithmetic casts it, integer math stays int64."""
    global_step = tf.train.get_or_create_global_step()
    assert global_step.dtype.base_dtype == tf.int64
    assert global_step.name == "global_step:0"
    lr = tf.train.exponential_decay(0.1, global_step, decay_steps=10, decay_rate=0.5,
                                    staircase=True)
    epoch = global_step // 4
    is_eval_step = tf.equal(tf.mod(global_step, 5), 0)
    progress = tf.cast(global_step, tf.float32) / 20.0
    inc = tf.assign_add(global_step, 1)
    w = tf.Variable(1.0)
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(
        tf.square(w), global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(global_step) == 0
        for _ in range(9):
            sess.run(inc)
        e, ev, p, rate = sess.run([epoch, is_eval_step, progress, lr])
        assert e == 2 and isinstance(e, np.int64)
        assert ev is np.False_
        assert p == pytest.approx(0.45)
        assert rate == pytest.approx(0.1)
        sess.run(train_op)  # uses lr at step 9 = 0.1: w = 1 - 0.1 * 2 = 0.8
        assert sess.run(w) == pytest.approx(0.8)
        assert tf.train.global_step(sess, global_step) == 10
        assert sess.run(lr) == pytest.approx(0.05)
        assert sess.run(is_eval_step) is np.True_
        assert sess.run(global_step + 2 ** 40) == 2 ** 40 + 10
