"""Tracing one training step into a Chrome timeline and into TensorBoard.

``sess.run(..., options=RunOptions(trace_level=FULL_TRACE), run_metadata=md)`` times every
op of that one call into ``md.step_stats``. This script writes it twice:

- ``timeline.json``: Chrome trace events; open chrome://tracing or https://ui.perfetto.dev
  and load the file to see each op as a bar;
- an event file with the graph and the run metadata: ``tensorboard --logdir DIR`` ->
  Graphs tab -> pick the run ``step1`` to colour nodes by compute time.

It also prints the three slowest ops of the traced step.

Run:
    python examples/trace_timeline.py                        # writes runs-examples/trace
    python examples/trace_timeline.py --logdir /tmp/trace --steps 2
"""

from __future__ import annotations

import argparse
import os

import trainkit as tf
from trainkit.client import timeline
from trainkit.data.datasets import load_digits

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--logdir", default="runs-examples/trace")
parser.add_argument("--steps", type=int, default=20, help="untraced warm-up steps")
args = parser.parse_args()
os.makedirs(args.logdir, exist_ok=True)

(x_train, y_train), _ = load_digits(flatten=False)          # [N, 8, 8, 1] images
tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
y = tf.placeholder(tf.int64, [None], name="labels")
net = tf.layers.conv2d(x, 16, 3, padding="same", activation=tf.nn.relu, name="conv")
net = tf.layers.max_pooling2d(net, 2, 2, name="pool")
net = tf.layers.dense(tf.layers.flatten(net), 64, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(net, 10, name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

feed = {x: x_train[:256], y: y_train[:256]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(args.steps):                     # untraced steps cost nothing extra
        sess.run(train_op, feed)
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    run_metadata = tf.RunMetadata()
    _, loss_value = sess.run([train_op, loss], feed, options=options,
                             run_metadata=run_metadata)

trace_path = os.path.join(args.logdir, "timeline.json")
with open(trace_path, "w") as f:
    f.write(timeline.Timeline(run_metadata.step_stats).generate_chrome_trace_format())

writer = tf.summary.FileWriter(args.logdir)
writer.add_graph(tf.get_default_graph())
writer.add_run_metadata(run_metadata, "step1")
writer.close()

stats = [ns for dev in run_metadata.step_stats.dev_stats for ns in dev.node_stats]
durations = [(ns.op_end_rel_micros - ns.op_start_rel_micros, ns.node_name) for ns in stats]
durations.sort(reverse=True)
total = sum(d for d, _ in durations)
print(f"traced step: loss {loss_value:.4f}, {len(stats)} ops, {total} us of op time")
print("slowest ops:")
for micros, name in durations[:3]:
    print(f"  {name[-50:]:50s} {micros:7d} us  ({100.0 * micros / max(total, 1):4.1f} %)")
print(f"chrome trace: {trace_path}")
print(f"view the graph and its run metadata: tensorboard --logdir {args.logdir}")
