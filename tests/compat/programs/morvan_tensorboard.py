"""The regression net with TensorBoard summaries, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/305_tensorboard.py``):
placeholders named inside ``tf.variable_scope('Inputs')``, named ``tf.layers.dense`` layers
inside ``tf.variable_scope('Net')`` with two ``tf.summary.histogram``s there,
``tf.losses.mean_squared_error(..., scope='loss')`` and a ``tf.summary.scalar``, a
``tf.summary.FileWriter`` given ``sess.graph`` and ``tf.summary.merge_all()`` fetched with
the train op, every step's summary written with ``writer.add_summary(result, step)``.

Adapted: 30 steps instead of 100; the log goes to a temporary directory instead of
``./log`` (and the writer is closed so the file can be read back); the weights start from
``same_start``'s draw. It plots nothing. Returned: what the event file holds, read back
with ``tf.train.summary_iterator`` (tags, the loss curve, the last step's histogram
statistics) and the names of a few graph nodes.
"""

from __future__ import annotations

import glob
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"tags": 0.0, "loss_steps": 0.0, "loss_curve": 1e-5, "last_loss": 1e-5,
           "pred_histo": 1e-5, "h_out_histo": 1e-5, "histo_counts": 0.0, "names": 0.0}


def _events(tf, logdir):
    """tag -> [(step, value)] of everything summarized in ``logdir``."""
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, value))
    return {tag: sorted(v, key=lambda p: p[0]) for tag, v in out.items()}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)
    logdir = tempfile.mkdtemp()

    # fake data
    x = np.linspace(-1, 1, 100)[:, np.newaxis]          # shape (100, 1)
    noise = np.random.normal(0, 0.1, size=x.shape)
    y = np.power(x, 2) + noise                          # shape (100, 1) + some noise

    with tf.variable_scope('Inputs'):
        tf_x = tf.placeholder(tf.float32, x.shape, name='x')
        tf_y = tf.placeholder(tf.float32, y.shape, name='y')

    with tf.variable_scope('Net'):
        l1 = tf.layers.dense(tf_x, 10, tf.nn.relu, name='hidden_layer')
        output = tf.layers.dense(l1, 1, name='output_layer')

        # add to histogram summary
        tf.summary.histogram('h_out', l1)
        tf.summary.histogram('pred', output)

    loss = tf.losses.mean_squared_error(tf_y, output, scope='loss')
    train_op = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(loss)
    tf.summary.scalar('loss', loss)     # add loss to scalar summary

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=5)

    writer = tf.summary.FileWriter(logdir, sess.graph)     # write to file
    merge_op = tf.summary.merge_all()                       # operation to merge all summary

    for step in range(30):
        # train and net output
        _, result = sess.run([train_op, merge_op], {tf_x: x, tf_y: y})
        writer.add_summary(result, step)
    writer.close()

    events = _events(tf, logdir)
    # the scalar's tag is its op's scope: 'loss' is taken by the loss's scope, so 'loss_1'
    loss_events = events[[t for t in events if t.startswith('loss')][0]]
    losses = [v.simple_value for _, v in loss_events]

    def histo_stats(tag):
        h = events[tag][-1][1].histo
        return float(h.sum + 2 * h.sum_squares + 3 * h.min + 5 * h.max)

    return {"tags": sorted(events), "loss_steps": [s for s, _ in loss_events],
            "loss_curve": float(np.sum(losses)), "last_loss": float(losses[-1]),
            "pred_histo": histo_stats('Net/pred'), "h_out_histo": histo_stats('Net/h_out'),
            "histo_counts": [int(events[t][-1][1].histo.num) for t in ('Net/h_out', 'Net/pred')],
            "names": [tf_x.op.name, output.op.name, loss.op.name, merge_op.op.name]}
