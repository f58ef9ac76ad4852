"""ExponentialMovingAverage against numbers computed with TensorFlow 2.21
(tf.compat.v1.train.ExponentialMovingAverage, graph mode) and by hand."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _graph():
    w = tk.Variable([1.0, 2.0], name="w")
    b = tk.Variable(0.5, name="b")
    gs = tk.train.get_or_create_global_step()
    t = tk.constant([4.0, 8.0]) * tk.cast(gs + 1, tk.float32)
    ema = tk.train.ExponentialMovingAverage(0.9, num_updates=gs)
    deb = tk.train.ExponentialMovingAverage(0.5, zero_debias=True, name="deb")
    with tk.control_dependencies([w.assign_add([1.0, -1.0]), b.assign(b * 2)]):
        op = ema.apply([w, b])
    with tk.control_dependencies([op]):
        op2 = deb.apply([t])
    with tk.control_dependencies([op2]):
        step = gs.assign_add(1)
    return w, b, t, ema, deb, step


def test_values_names_and_restore_map_match_tf():
    w, b, t, ema, deb, step = _graph()
    assert [v.name for v in tk.global_variables()] == [
        "w:0", "b:0", "global_step:0", "w/ExponentialMovingAverage:0",
        "b/ExponentialMovingAverage:0", "mul/deb:0", "mul/deb/biased:0",
        "mul/deb/local_step:0"]
    assert sorted(ema.variables_to_restore()) == [
        "b/ExponentialMovingAverage", "global_step", "mul/deb", "mul/deb/biased",
        "mul/deb/local_step", "w/ExponentialMovingAverage"]
    assert ema.average_name(w) == "w/ExponentialMovingAverage"
    assert ema.average(w).op.name == "w/ExponentialMovingAverage"
    assert ema.average(tk.Variable(1.0, name="other")) is None
    assert tk.moving_average_variables() == [w, b]
    assert ema.average(w) not in tk.trainable_variables()
    expected = [  # TF 2.21
        ([1.9, 1.1], 0.95, [4.0, 8.0]),
        ([2.8, 0.19999999], 1.8090909, [6.6666665, 13.333333]),
        ([3.7, -0.70000005], 3.4522727, [9.714286, 19.428572])]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for ew, eb, et in expected:
            sess.run(step)
            aw, ab, at = sess.run([ema.average(w), ema.average(b), deb.average(t)])
            np.testing.assert_allclose(aw, ew, rtol=1e-6)
            np.testing.assert_allclose(ab, eb, rtol=1e-6)
            np.testing.assert_allclose(at, et, rtol=1e-6)


def test_names_inside_a_variable_scope_match_tf():
    """Names TF 2.21 gives (tf.compat.v1, graph mode): an average made inside a variable
    scope carries the scope's name twice, its debias variables three times; a name scope
    alone adds nothing; ``average_name`` and the restore map use the real name."""
    top = tk.Variable(1.0, name="top")
    with tk.name_scope("ns"):
        t0 = tk.identity(top, name="t0")
        plain = tk.train.ExponentialMovingAverage(0.9)
        plain.apply([t0])
    with tk.variable_scope("vs"):
        w = tk.Variable([1.0, 2.0], name="w")
        sq = tk.square(w, name="sq")
        ema = tk.train.ExponentialMovingAverage(0.9, zero_debias=True)
        op = ema.apply([w, sq])
        with tk.variable_scope("inner"):
            inner = tk.train.ExponentialMovingAverage(0.5, name="avg")
            inner.apply([top])
    assert op.name == "vs/ExponentialMovingAverage"
    assert plain.average(t0).name == "ns/t0/ExponentialMovingAverage:0"
    assert ema.average(w).name == "vs/vs/w/ExponentialMovingAverage:0"
    assert ema.average(sq).name == "vs/vs/sq/ExponentialMovingAverage:0"
    assert inner.average(top).name == "vs/inner/top/avg:0"
    assert sorted(v.name for v in tk.global_variables()) == [
        "ns/t0/ExponentialMovingAverage:0", "top:0", "vs/inner/top/avg:0",
        "vs/vs/sq/ExponentialMovingAverage:0",
        "vs/vs/vs/sq/ExponentialMovingAverage/biased:0",
        "vs/vs/vs/sq/ExponentialMovingAverage/local_step:0",
        "vs/vs/w/ExponentialMovingAverage:0", "vs/w:0"]
    assert ema.average_name(w) == "vs/vs/w/ExponentialMovingAverage"
    assert ema.average_name(top) == "top/ExponentialMovingAverage"  # not applied
    assert ema.variables_to_restore([w])["vs/vs/w/ExponentialMovingAverage"] is w


def test_decay_without_num_updates_by_hand_and_eval_restore(tmp_path):
    v = tk.Variable(0.0, name="v")
    ema = tk.train.ExponentialMovingAverage(0.75)
    with tk.control_dependencies([v.assign_add(4.0)]):
        op = ema.apply()  # default: trainable variables
    saver = tk.train.Saver()
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(op)
        sess.run(op)
        shadow = sess.run(ema.average(v))
        path = saver.save(sess, str(tmp_path / "m"))
    # shadow starts at 0; after v=4: 0 - (0-4)*0.25 = 1; after v=8: 1 - (1-8)*0.25 = 2.75
    assert shadow == pytest.approx(2.75)
    g = tk.Graph()
    with g.as_default():  # an eval graph loads the averages into the model variables
        v2 = tk.Variable(0.0, name="v")
        restore = tk.train.Saver(tk.train.ExponentialMovingAverage(0.75).variables_to_restore())
        with tk.Session() as sess:
            restore.restore(sess, path)
            assert sess.run(v2) == pytest.approx(2.75)


def test_bad_arguments():
    v = tk.Variable(1, name="i")
    ema = tk.train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="must be half, float, or double"):
        ema.apply([v])
    f = tk.Variable(1.0, name="f")
    ema.apply([f])
    with pytest.raises(ValueError, match="already computed"):
        ema.apply([f])
    with pytest.raises(ValueError, match="decay must be in"):
        tk.train.ExponentialMovingAverage(1.5)
