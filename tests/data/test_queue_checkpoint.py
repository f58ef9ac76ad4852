"""Queue pipelines resume exactly: a MonitoredTrainingSession run of
slice_input_producer + shuffle_batch (one runner thread each) that is stopped, or
killed, and resumed from its checkpoint yields the same remaining batches as an
uninterrupted run. What a checkpoint holds is described in docs/internals.md."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import trainkit as tf

PIPELINE = textwrap.dedent("""
    import numpy as np
    import trainkit as tf

    def build():
        tf.set_random_seed(1)
        x, y = tf.train.slice_input_producer(
            [np.arange(20, dtype=np.float32), np.arange(20, dtype=np.int32) * 10],
            num_epochs=3, shuffle=True, seed=3)
        bx, by = tf.train.shuffle_batch([x, y], batch_size=4, capacity=10,
                                        min_after_dequeue=5, seed=5,
                                        allow_smaller_final_batch=True)
        step = tf.train.get_or_create_global_step()
        return bx, by, tf.assign_add(step, 1)

    def run(ckpt, last_step=None, save_steps=1000, die_at=None):
        bx, by, inc = build()
        out = []
        hooks = [tf.train.StopAtStepHook(last_step=last_step)] if last_step else []
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=ckpt, hooks=hooks, save_checkpoint_secs=None,
                save_checkpoint_steps=save_steps, save_summaries_steps=None,
                log_step_count_steps=None) as sess:
            while not sess.should_stop():
                a, b, s = sess.run([bx, by, inc])
                assert (a * 10 == b).all()
                out.append(a.tolist())
                if die_at is not None and s == die_at:
                    import os, sys
                    print(out, flush=True)
                    os._exit(0)
        return out
""")
namespace: dict = {}
exec(compile(PIPELINE, "pipeline", "exec"), namespace)


def _fresh_run(*args, **kwargs):
    tf.reset_default_graph()
    return namespace["run"](*args, **kwargs)


def test_stop_and_resume_gives_the_remaining_batches(tmp_path):
    full = _fresh_run(str(tmp_path / "full"))
    assert len(full) == 15 and [len(b) for b in full][-1] == 4
    assert sorted(v for b in full for v in b) == sorted(list(range(20)) * 3)
    first = _fresh_run(str(tmp_path / "part"), last_step=6)
    rest = _fresh_run(str(tmp_path / "part"))
    assert first == full[:6]
    assert rest == full[6:]


def test_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    ckpt = str(tmp_path / "kill")
    script = PIPELINE + f"\nrun({ckpt!r}, save_steps=4, die_at=7)\n"
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert tf.train.latest_checkpoint(ckpt).endswith("-4")
    full = _fresh_run(str(tmp_path / "full"))
    rest = _fresh_run(ckpt)
    assert rest == full[4:]
    assert json.loads(r.stdout.strip()) == full[:7]


def test_epoch_counter_survives_the_local_init_after_a_restore(tmp_path):
    """A monitored session runs the local-variable initializer after restoring; the
    restored epoch count must survive it (documented difference: it is the counter's
    initial value from then on in that session)."""
    def build():
        tf.reset_default_graph()
        q = tf.train.string_input_producer(["a", "b"], num_epochs=2, shuffle=False)
        epochs = [v for v in tf.local_variables() if v.op.name.endswith("epochs")][0]
        return q, epochs, tf.train.Saver()

    q, epochs, saver = build()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert [sess.run(q.dequeue()) for _ in range(2)] == [b"a", b"b"]
        path = saver.save(sess, str(tmp_path / "ckpt"))
        saved_epochs = int(sess.run(epochs))
        coord.request_stop()
        sess.run(q.close(cancel_pending_enqueues=True))
        coord.join(threads)
    assert saved_epochs >= 1
    q, epochs, saver = build()
    with tf.Session() as sess:
        saver.restore(sess, path)
        sess.run(tf.local_variables_initializer())
        assert int(sess.run(epochs)) == saved_epochs
