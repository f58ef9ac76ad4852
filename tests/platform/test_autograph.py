"""tf.autograph's decorator and options outside converted code (TF 2.21's behaviour:
``do_not_convert`` wraps with functools.wraps, loop options do nothing, ``trace``
prints)."""

from __future__ import annotations

import trainkit as tf
from trainkit.platform import autograph


def test_do_not_convert_wraps_unchanged():
    def f(x, k=1):
        return x + k

    g = tf.autograph.experimental.do_not_convert(f)
    assert g is not f and g.__wrapped__ is f and g.__name__ == "f"
    assert g(1, k=2) == 3
    deco = tf.autograph.experimental.do_not_convert()
    assert deco(f)(2) == 3
    with tf.Graph().as_default():
        y = g(tf.constant(1.0))
        with tf.Session() as s:
            assert s.run(y) == 2.0


def test_options_verbosity_trace_and_features(capsys, monkeypatch):
    assert tf.autograph.experimental.set_loop_options(maximum_iterations=3) is None
    assert tf.autograph.experimental.Feature.ALL.value == "ALL"
    assert len(tf.autograph.experimental.Feature) == 7
    monkeypatch.setitem(autograph._STATE, "verbosity", None)
    monkeypatch.setenv("AUTOGRAPH_VERBOSITY", "4")
    assert autograph.get_verbosity() == 4
    tf.autograph.set_verbosity(0)
    assert autograph.get_verbosity() == 0  # set_verbosity wins over the environment
    tf.autograph.trace("a", 1)
    assert capsys.readouterr().out == "a 1\n"
