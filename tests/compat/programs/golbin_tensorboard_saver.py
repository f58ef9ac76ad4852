"""TensorBoard summaries and a Saver that resumes, from golbin's "TensorFlow-Tutorials" (the
book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``05 - TensorBoard, Saver/03 - TensorBoard2.py``):
a ``global_step = tf.Variable(0, trainable=False, name='global_step')``, three
``tf.name_scope`` layers of named ``tf.Variable``s with ``tf.summary.histogram``s of the
input, weights and model, ``tf.summary.scalar('cost', cost)`` under ``name_scope
('optimizer')``, ``minimize(cost, global_step=global_step)``, ``tf.train.Saver(
tf.global_variables())`` restoring from ``tf.train.get_checkpoint_state('./model')`` when
``tf.train.checkpoint_exists`` (else ``global_variables_initializer``),
``tf.summary.merge_all()``, ``tf.summary.FileWriter('./logs', sess.graph)``, 100 steps each
adding the merged summary at ``sess.run(global_step)``, ``saver.save(sess,
'./model/dnn.ckpt', global_step=global_step)``, then the argmax predictions and accuracy.

The program is run twice, as its author means it to be (the second run goes on from the
first one's checkpoint: global step 50 to 100), each in a fresh graph; the event files
both runs wrote are read back.

Adapted: ``data.csv`` (six rows of the repository's file) is read by the same
``np.loadtxt`` from a string; ``./model`` and ``./logs`` are in a temporary directory; on
the first run the weights start from ``same_start``'s draw after the initializer; the
writer is closed at the end of each run; the prints are left out (their values are
returned); 50 steps a run instead of 100.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cost_1": 1e-5, "cost_2": 1e-5, "global_steps": 0.0, "checkpoints": 0.0,
           "restored_from": 0.0, "prediction": 0.0, "accuracy": 1e-6, "tags": 0.0,
           "cost_steps": 0.0, "last_cost_summary": 1e-5, "W3_hist_sum": 1e-5,
           "event_files": 0.0, "W3_sum": 1e-5}

DATA_CSV = """0, 0, 1, 0, 0
1, 0, 0, 1, 0
1, 1, 0, 0, 1
0, 0, 1, 0, 0
0, 0, 1, 0, 0
0, 1, 0, 0, 1
"""


def run(tf, workdir):
    data = np.loadtxt(io.StringIO(DATA_CSV), delimiter=',',
                      unpack=True, dtype='float32')

    x_data = np.transpose(data[0:2])
    y_data = np.transpose(data[2:])

    #########
    # 신경망 모델 구성
    ######
    global_step = tf.Variable(0, trainable=False, name='global_step')

    X = tf.placeholder(tf.float32)
    Y = tf.placeholder(tf.float32)

    with tf.name_scope('layer1'):
        W1 = tf.Variable(tf.random_uniform([2, 10], -1., 1.), name='W1')
        L1 = tf.nn.relu(tf.matmul(X, W1))

        tf.summary.histogram("X", X)
        tf.summary.histogram("Weights", W1)

    with tf.name_scope('layer2'):
        W2 = tf.Variable(tf.random_uniform([10, 20], -1., 1.), name='W2')
        L2 = tf.nn.relu(tf.matmul(L1, W2))

        tf.summary.histogram("Weights", W2)

    with tf.name_scope('output'):
        W3 = tf.Variable(tf.random_uniform([20, 3], -1., 1.), name='W3')
        model = tf.matmul(L2, W3)

        tf.summary.histogram("Weights", W3)
        tf.summary.histogram("Model", model)

    with tf.name_scope('optimizer'):
        cost = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=model))

        optimizer = tf.train.AdamOptimizer(learning_rate=0.01)
        train_op = optimizer.minimize(cost, global_step=global_step)

        tf.summary.scalar('cost', cost)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    saver = tf.train.Saver(tf.global_variables())

    restored_from = None
    ckpt = tf.train.get_checkpoint_state(workdir + '/model')
    if ckpt and tf.train.checkpoint_exists(ckpt.model_checkpoint_path):
        saver.restore(sess, ckpt.model_checkpoint_path)
        restored_from = os.path.basename(ckpt.model_checkpoint_path)
    else:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=5)

    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(workdir + '/logs', sess.graph)

    global_steps = []
    for step in range(50):  # noqa: B007 - as written
        sess.run(train_op, feed_dict={X: x_data, Y: y_data})

        global_steps.append(int(sess.run(global_step)))
        cost_val = sess.run(cost, feed_dict={X: x_data, Y: y_data})

        summary = sess.run(merged, feed_dict={X: x_data, Y: y_data})
        writer.add_summary(summary, global_step=sess.run(global_step))

    saver.save(sess, workdir + '/model/dnn.ckpt', global_step=global_step)

    #########
    # 결과 확인
    ######
    prediction = tf.argmax(model, 1)
    target = tf.argmax(Y, 1)
    predicted = sess.run(prediction, feed_dict={X: x_data})
    sess.run(target, feed_dict={Y: y_data})

    is_correct = tf.equal(prediction, target)
    accuracy = tf.reduce_mean(tf.cast(is_correct, tf.float32))
    acc = sess.run(accuracy * 100, feed_dict={X: x_data, Y: y_data})
    W3_val = sess.run(W3)
    writer.close()
    sess.close()
    return {"cost": float(cost_val), "global_steps": [global_steps[0], global_steps[-1]],
            "restored_from": restored_from, "prediction": predicted.tolist(),
            "accuracy": float(acc), "W3_sum": float(np.sum(W3_val * np.arange(1, 4)))}


def main(tf):
    workdir = tempfile.mkdtemp()
    with tf.Graph().as_default():
        first = run(tf, workdir)
    with tf.Graph().as_default():
        second = run(tf, workdir)
    checkpoints = sorted(os.path.basename(p)[:-len(".index")]
                         for p in glob.glob(workdir + "/model/dnn.ckpt-*.index"))
    tags, cost_steps, last_cost, w3_hist = set(), [], None, None
    event_files = sorted(glob.glob(workdir + "/logs/events.out.tfevents.*"))
    for path in event_files:
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                tags.add(value.tag)
                if value.tag == "optimizer/cost":
                    cost_steps.append(int(event.step))
                    last_cost = value.simple_value
                if value.tag == "output/Weights" and event.step == 100:
                    w3_hist = value.histo.sum
    shutil.rmtree(workdir, ignore_errors=True)
    return {"cost_1": first["cost"], "cost_2": second["cost"],
            "global_steps": first["global_steps"] + second["global_steps"],
            "checkpoints": checkpoints,
            "restored_from": [first["restored_from"], second["restored_from"]],
            "prediction": second["prediction"], "accuracy": second["accuracy"],
            "tags": sorted(tags), "event_files": [len(event_files)],
            "cost_steps": [min(cost_steps), max(cost_steps), len(cost_steps)],
            "last_cost_summary": float(last_cost), "W3_hist_sum": float(w3_hist),
            "W3_sum": second["W3_sum"]}
