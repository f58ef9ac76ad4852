"""A program driven by ``tf.app.flags``: flags defined at the top, ``FLAGS`` read in
``main(_)``, ``tf.app.run(main, argv=...)`` parsing the command line, ``tf.gfile`` to
create the output directory and write a result file, ``tf.logging`` for progress."""

from __future__ import annotations

import json
import os
import tempfile

COMPARE = {"loss": 1e-5, "flags": 0.0, "written": 0.0}


def main(tf):
    flags = tf.app.flags
    FLAGS = flags.FLAGS
    name = f"flags_{id(tf)}"  # flags are process-global: one set per backend
    flags.DEFINE_integer(name + "_steps", 10, "Number of training steps.")
    flags.DEFINE_float(name + "_learning_rate", 0.1, "Learning rate.")
    flags.DEFINE_string(name + "_out", "", "Where results go.")
    flags.DEFINE_boolean(name + "_verbose", False, "Log more.")
    out_dir = os.path.join(tempfile.mkdtemp(), "results", "run1")
    result = {}

    def run(_argv):
        tf.logging.set_verbosity(tf.logging.INFO)
        steps = getattr(FLAGS, name + "_steps")
        lr = getattr(FLAGS, name + "_learning_rate")
        x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        y = tf.constant([[1.0], [2.0], [3.0]])
        w = tf.Variable(tf.zeros([2, 1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(steps):
                _, lv = sess.run([train, loss])
                if getattr(FLAGS, name + "_verbose") and i % 5 == 0:
                    tf.logging.info("step %d loss %f", i, lv)
        target = getattr(FLAGS, name + "_out")
        if not tf.gfile.Exists(target):
            tf.gfile.MakeDirs(target)
        with tf.gfile.GFile(os.path.join(target, "result.json"), "w") as f:
            f.write(json.dumps({"loss": float(lv)}))
        result["loss"] = float(lv)
        result["flags"] = [steps, lr, getattr(FLAGS, name + "_verbose")]

    argv = ["prog", f"--{name}_steps=25", f"--{name}_learning_rate", "0.02",
            f"--{name}_out={out_dir}", f"--{name}_verbose"]
    try:
        tf.app.run(main=run, argv=argv)
    except SystemExit as e:
        assert e.code in (None, 0), e.code
    written = tf.gfile.ListDirectory(out_dir)
    return {"loss": result["loss"], "flags": result["flags"], "written": sorted(written)}
