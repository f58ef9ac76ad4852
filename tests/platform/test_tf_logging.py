"""tf.logging switches on trainkit's own log output: LoggingTensorHook lines appear as in
TF1 (TF1 prints ``INFO:tensorflow:loss = 2.0, step = 1``; trainkit ``INFO:trainkit:...``)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

import trainkit as tf

SCRIPT = textwrap.dedent("""
    import trainkit as tf
    tf.logging.set_verbosity(tf.logging.INFO)
    step = tf.train.get_or_create_global_step()
    loss = tf.constant(2.0)
    train = tf.assign_add(step, 1)
    hook = tf.train.LoggingTensorHook({"loss": loss, "step": step}, every_n_iter=1)
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        sess.run(train)
    tf.logging.info("done %d", 7)
    tf.logging.debug("hidden")
""")


def test_set_verbosity_shows_logging_tensor_hook_lines(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "INFO:trainkit:loss = 2.0, step = " in r.stderr
    assert "INFO:trainkit:done 7" in r.stderr and "hidden" not in r.stderr


def test_levels_and_functions(caplog):
    old = tf.logging.get_verbosity()
    try:
        assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.ERROR,
                tf.logging.FATAL) == (10, 20, 30, 40, 50)
        tf.logging.set_verbosity(tf.logging.WARN)
        assert tf.logging.get_verbosity() == 30
        with caplog.at_level(logging.DEBUG, logger="trainkit"):
            tf.logging.set_verbosity(tf.logging.DEBUG)
            tf.logging.warn("w%s", 1)
            tf.logging.error("e")
            tf.logging.fatal("f")
            for i in range(5):
                tf.logging.log_every_n(tf.logging.INFO, "every %d", 2, i)
        msgs = [r.getMessage() for r in caplog.records]
        assert msgs == ["w1", "e", "f", "every 0", "every 2", "every 4"]
        with pytest.raises(TypeError):
            tf.logging.set_verbosity(None)
        with pytest.raises(ValueError):
            tf.logging.log_every_n(tf.logging.INFO, "x", 0)
    finally:
        tf.logging.set_verbosity(old)
