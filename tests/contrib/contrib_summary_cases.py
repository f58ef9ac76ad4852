"""One ``tf.contrib.summary`` graph-mode program run by trainkit (test_contrib_summary.py)
and by TF 2.21's ``summary_ops_v2`` (the module behind TF 1.x's ``tf.contrib.summary``, in
make_contrib_summary_reference.py, which records contrib_summary_reference.json)."""

from __future__ import annotations

import glob
import os


def run(tf, cs, logdir):
    """Four steps: a scalar every 2 global steps, a histogram and an image always, one
    summary outside a recording context, one outside the writer; returns what ran and the
    events written (``read_events``)."""
    tf.reset_default_graph()
    gs = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [])
    writer = cs.create_file_writer(logdir, flush_millis=1000)
    no_writer = cs.scalar("ignored", x)
    with writer.as_default():
        unrecorded = cs.scalar("unrecorded", x)
        with tf.name_scope("outer"):
            with cs.record_summaries_every_n_global_steps(2, gs):
                every2 = cs.scalar("loss", x * 2.0)
        with cs.always_record_summaries():
            hist = cs.histogram("w", tf.range(10.0) * x, family="fam")
            img = cs.image("img", tf.cast(tf.reshape(tf.range(24), [2, 2, 2, 3]) * 10,
                                          tf.uint8), max_images=1)
            stepped = cs.scalar("explicit_step", x, step=tf.constant(100, tf.int64))
        with cs.never_record_summaries():
            never = cs.scalar("never", x)
    inc = tf.assign_add(gs, 1)
    all_ops = getattr(cs, "all_summary_ops", None) or cs.all_v2_summary_ops  # TF 2 renamed it
    all_ops = all_ops()
    flags = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(cs.summary_writer_initializer_op())
        for i in range(4):
            flags.append([bool(v) for v in sess.run(
                [every2, hist, img, stepped, never], {x: float(i + 1)})])
            sess.run(inc)
        sess.run(writer.flush())
    return {"flags": flags, "no_writer_type": no_writer.type, "unrecorded": str(
        unrecorded.dtype.name), "num_summary_ops": len(all_ops),
        "events": read_events(tf, logdir)}


def read_events(tf, logdir):
    """``[step, tag, kind, value]`` of every summary value in ``logdir``'s event files."""
    out = []
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        for e in tf.train.summary_iterator(path):
            for v in e.summary.value:
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    val = round(float(v.simple_value), 5)
                elif kind == "histo":
                    val = [v.histo.min, v.histo.max, v.histo.num, v.histo.sum,
                           v.histo.sum_squares, list(v.histo.bucket_limit)[:5],
                           list(v.histo.bucket)[:5]]
                elif kind == "image":
                    val = [v.image.height, v.image.width, v.image.colorspace]
                else:
                    val = None
                out.append([int(e.step), v.tag, kind, val])
    return sorted(out, key=lambda r: (r[0], r[1]))


