"""A Horovod TF1 program (the shape of Horovod's ``tensorflow_mnist.py``) on the bundled
digits: only the two import lines say trainkit.

Every Horovod call is Horovod's: ``hvd.init``, learning rate scaled by ``hvd.size()``,
``hvd.DistributedOptimizer``, ``hvd.BroadcastGlobalVariablesHook(0)``, steps divided by
``hvd.size()``, checkpoints only on rank 0. Each rank draws its own mini-batches.

Run:
    mpiexec -n 2 python examples/horovod_digits.py              # 2 ranks
    python examples/horovod_digits.py --steps 100               # one process works too
"""

from __future__ import annotations

import argparse

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd
from trainkit.data.datasets import load_digits

layers = tf.layers
parser = argparse.ArgumentParser(description="Horovod digits example")
parser.add_argument("--steps", type=int, default=600, help="total steps over all ranks")
parser.add_argument("--checkpoint-dir", default="./checkpoints")
parser.add_argument("--gradient-predivide-factor", type=float, default=1.0)
args = parser.parse_args()


def conv_model(feature, target):
    """A small convolution model for 8x8 digits."""
    target = tf.one_hot(tf.cast(target, tf.int32), 10, 1.0, 0.0)
    feature = tf.reshape(feature, [-1, 8, 8, 1])
    with tf.variable_scope("conv_layer1"):
        h_conv1 = layers.conv2d(feature, 16, kernel_size=[3, 3], activation=tf.nn.relu,
                                padding="SAME")
        h_pool1 = tf.nn.max_pool(h_conv1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                                 padding="SAME")
        h_flat = tf.reshape(h_pool1, [-1, 4 * 4 * 16])
    h_fc1 = layers.dense(h_flat, 64, activation=tf.nn.relu)
    logits = layers.dense(h_fc1, 10, activation=None)
    loss = tf.losses.softmax_cross_entropy(target, logits)
    return tf.argmax(logits, 1), loss


def train_input_generator(x_train, y_train, batch_size=32):
    while True:  # each rank draws its own permutations
        p = np.random.permutation(len(x_train))
        x_train, y_train = x_train[p], y_train[p]
        index = 0
        while index <= len(x_train) - batch_size:
            yield x_train[index:index + batch_size], y_train[index:index + batch_size]
            index += batch_size


def main():
    # Horovod: initialize Horovod.
    hvd.init()
    np.random.seed(hvd.rank())
    (x_train, y_train), (x_test, y_test) = load_digits()

    with tf.name_scope("input"):
        image = tf.placeholder(tf.float32, [None, 64], name="image")
        label = tf.placeholder(tf.float32, [None], name="label")
    predict, loss = conv_model(image, label)

    # Horovod: adjust learning rate based on number of processes.
    opt = tf.train.AdamOptimizer(0.002 * hvd.size())
    opt = hvd.DistributedOptimizer(opt, op=hvd.Average,
                                   gradient_predivide_factor=args.gradient_predivide_factor)
    global_step = tf.train.get_or_create_global_step()
    train_op = opt.minimize(loss, global_step=global_step)

    hooks = [
            hvd.BroadcastGlobalVariablesHook(0),
        tf.train.StopAtStepHook(last_step=args.steps // hvd.size()),
        tf.train.LoggingTensorHook(tensors={"step": global_step, "loss": loss},
                                   every_n_iter=100),
    ]
    # Horovod: save checkpoints only on worker 0.
    checkpoint_dir = args.checkpoint_dir if hvd.rank() == 0 else None
    batches = train_input_generator(x_train, y_train)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=checkpoint_dir,
                                           hooks=hooks) as mon_sess:
        while not mon_sess.should_stop():
            image_, label_ = next(batches)
            mon_sess.run(train_op, feed_dict={image: image_, label: label_})
        accuracy = np.mean(mon_sess.run(predict, {image: x_test}, hooks=False) == y_test)
    if hvd.rank() == 0:
        print(f"ranks {hvd.size()}: test accuracy {accuracy:.3f}", flush=True)


if __name__ == "__main__":
    main()
