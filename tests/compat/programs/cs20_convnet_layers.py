"""A ``tf.layers`` convnet on MNIST trained epoch by epoch: Stanford CS20 ("TensorFlow
for Deep Learning Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/07_convnet_layers.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c
(data helpers from ``examples/utils.py``). The ``ConvNet`` class: an int32
``global_step`` Variable (not trainable) and ``keep_prob = tf.constant(0.75)`` made in
``__init__``; ``get_data`` under ``name_scope('data')`` with one
``Iterator.from_structure`` and ``make_initializer`` for train and test; ``inference``
with ``tf.layers.conv2d`` (5x5, 32 and 64, 'SAME', relu), ``max_pooling2d``, a reshape to
``pool2.shape[1] * pool2.shape[2] * pool2.shape[3]`` (a product of ``Dimension``s),
``dense(1024, relu)``, ``tf.layers.dropout(fc, self.keep_prob, training=self.training)``
(``training`` is the Python ``False`` when the graph is built: no dropout) and the
logits layer; softmax cross entropy; Adam ``minimize(global_step=self.gstep)``; the
correct-prediction count; ``summaries`` scope with two scalars and a histogram named
``'histogram loss'`` (TF cleans the space from the tag) merged with ``merge_all``; an
epoch loop writing every step's summary, ``saver.save(..., step)`` after each epoch, the
evaluation pass summing the correct predictions. ``train`` restores from
``get_checkpoint_state`` when a checkpoint exists and continues from
``self.gstep.eval()``. Adapted: the MNIST download (bundled digits: the first 512
training and all 397 test images, one-hot float64 labels as ``utils.parse_data`` gives),
no ``shuffle(10000)`` (backend-specific order), the checkpoint directory in a temporary
directory and each launch's events in another (two ``FileWriter``s opened in the same
second on one directory share TF's event file name, and the second truncates it), same
starting weights, and the script run twice (one epoch, then a fresh graph that restores
the checkpoint and trains one more) instead of 15 epochs."""

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_run_loss": 1e-4, "second_run_loss": 2e-3, "accuracy": 6e-3,
           "steps": 0.0, "checkpoints": 0.0, "tags": 0.0, "summary_steps": 0.0,
           "restored_kernel_sum": 1e-3}


def get_mnist_dataset(tf, batch_size):
    """``utils.get_mnist_dataset`` on the bundled digits: ``(n, 28, 28)`` float32 images
    and float64 one-hot labels, batched (the shuffle left out)."""
    mnist = read_data_sets("data/mnist", one_hot=False)

    def part(ds, n):
        labels = np.zeros((n, 10))
        labels[np.arange(n), ds.labels[:n]] = 1
        return ds.images[:n].reshape(n, 28, 28), labels

    train, test = part(mnist.train, 512), part(mnist.test, mnist.test.num_examples)
    train_data = tf.data.Dataset.from_tensor_slices(train)
    train_data = train_data.batch(batch_size)

    test_data = tf.data.Dataset.from_tensor_slices(test)
    test_data = test_data.batch(batch_size)

    return train_data, test_data


def make_convnet(tf, work, graphs):
    """The script's ``ConvNet`` class for the library ``tf``: checkpoints under ``work``,
    events under ``graphs``."""

    class ConvNet(object):  # noqa: UP004 - the author's code
        def __init__(self):
            self.lr = 0.001
            self.batch_size = 128
            self.keep_prob = tf.constant(0.75)
            self.gstep = tf.Variable(0, dtype=tf.int32,
                                     trainable=False, name='global_step')
            self.n_classes = 10
            self.skip_step = 20
            self.n_test = 397
            self.training = False

        def get_data(self):
            with tf.name_scope('data'):
                train_data, test_data = get_mnist_dataset(tf, self.batch_size)
                iterator = tf.data.Iterator.from_structure(train_data.output_types,
                                                           train_data.output_shapes)
                img, self.label = iterator.get_next()
                self.img = tf.reshape(img, shape=[-1, 28, 28, 1])
                # reshape the image to make it work with tf.nn.conv2d

                self.train_init = iterator.make_initializer(train_data)
                self.test_init = iterator.make_initializer(test_data)

        def inference(self):
            conv1 = tf.layers.conv2d(inputs=self.img,
                                     filters=32,
                                     kernel_size=[5, 5],
                                     padding='SAME',
                                     activation=tf.nn.relu,
                                     name='conv1')
            pool1 = tf.layers.max_pooling2d(inputs=conv1,
                                            pool_size=[2, 2],
                                            strides=2,
                                            name='pool1')

            conv2 = tf.layers.conv2d(inputs=pool1,
                                     filters=64,
                                     kernel_size=[5, 5],
                                     padding='SAME',
                                     activation=tf.nn.relu,
                                     name='conv2')
            pool2 = tf.layers.max_pooling2d(inputs=conv2,
                                            pool_size=[2, 2],
                                            strides=2,
                                            name='pool2')

            feature_dim = pool2.shape[1] * pool2.shape[2] * pool2.shape[3]
            pool2 = tf.reshape(pool2, [-1, feature_dim])
            fc = tf.layers.dense(pool2, 1024, activation=tf.nn.relu, name='fc')
            dropout = tf.layers.dropout(fc,
                                        self.keep_prob,
                                        training=self.training,
                                        name='dropout')
            self.logits = tf.layers.dense(dropout, self.n_classes, name='logits')

        def loss(self):
            with tf.name_scope('loss'):
                entropy = tf.nn.softmax_cross_entropy_with_logits(labels=self.label,
                                                                  logits=self.logits)
                self.loss = tf.reduce_mean(entropy, name='loss')

        def optimize(self):
            self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss,
                                                                global_step=self.gstep)

        def summary(self):
            with tf.name_scope('summaries'):
                tf.summary.scalar('loss', self.loss)
                tf.summary.scalar('accuracy', self.accuracy)
                tf.summary.histogram('histogram loss', self.loss)
                self.summary_op = tf.summary.merge_all()

        def eval(self):
            with tf.name_scope('predict'):
                preds = tf.nn.softmax(self.logits)
                correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(self.label, 1))
                self.accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

        def build(self):
            self.get_data()
            self.inference()
            self.loss()
            self.optimize()
            self.eval()
            self.summary()

        def train_one_epoch(self, sess, saver, init, writer, epoch, step):
            sess.run(init)
            self.training = True
            total_loss = 0
            n_batches = 0
            try:
                while True:
                    _, l, summaries = sess.run([self.opt, self.loss, self.summary_op])  # noqa: E741
                    writer.add_summary(summaries, global_step=step)
                    step += 1
                    total_loss += l
                    n_batches += 1
            except tf.errors.OutOfRangeError:
                pass
            saver.save(sess, os.path.join(work, 'checkpoints/convnet_layers/mnist-convnet'),
                       step)
            self.average_loss = total_loss / n_batches
            return step

        def eval_once(self, sess, init, writer, epoch, step):
            sess.run(init)
            self.training = False
            total_correct_preds = 0
            try:
                while True:
                    accuracy_batch, summaries = sess.run([self.accuracy, self.summary_op])
                    writer.add_summary(summaries, global_step=step)
                    total_correct_preds += accuracy_batch
            except tf.errors.OutOfRangeError:
                pass
            self.test_accuracy = total_correct_preds / self.n_test

        def train(self, n_epochs):
            os.makedirs(os.path.join(work, 'checkpoints/convnet_layers'), exist_ok=True)
            writer = tf.summary.FileWriter(os.path.join(graphs, 'graphs/convnet_layers'),
                                           tf.get_default_graph())

            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                same_start(sess, tf)
                saver = tf.train.Saver()
                ckpt = tf.train.get_checkpoint_state(
                    os.path.dirname(os.path.join(work, 'checkpoints/convnet_layers/checkpoint')))
                if ckpt and ckpt.model_checkpoint_path:
                    saver.restore(sess, ckpt.model_checkpoint_path)

                step = self.gstep.eval()
                self.start_step = int(step)
                self.restored_kernel_sum = float(np.sum(sess.run(
                    tf.get_default_graph().get_tensor_by_name('conv1/kernel:0'))))

                for epoch in range(n_epochs):
                    step = self.train_one_epoch(sess, saver, self.train_init, writer, epoch,
                                                step)
                    self.eval_once(sess, self.test_init, writer, epoch, step)
                self.end_step = int(self.gstep.eval())
            writer.close()

    return ConvNet


def _summary_events(tf, logdir):
    """tag -> sorted steps of the summaries written to ``logdir``."""
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append(event.step)
    return {tag: sorted(v) for tag, v in out.items()}


def main(tf):
    work = tempfile.mkdtemp()
    runs, graphs = [], [tempfile.mkdtemp(), tempfile.mkdtemp()]
    for launch in range(2):  # running the script again resumes from its checkpoint
        with tf.Graph().as_default():
            model = make_convnet(tf, work, graphs[launch])()
            model.build()
            model.train(n_epochs=1)
            runs.append(model)
    state = tf.train.get_checkpoint_state(os.path.join(work, 'checkpoints/convnet_layers'))
    events = [_summary_events(tf, os.path.join(g, 'graphs/convnet_layers')) for g in graphs]
    return {"first_run_loss": float(runs[0].average_loss),
            "second_run_loss": float(runs[1].average_loss),
            "accuracy": float(runs[1].test_accuracy),
            "steps": [r.start_step for r in runs] + [r.end_step for r in runs],
            "checkpoints": [os.path.basename(p) for p in state.all_model_checkpoint_paths],
            "tags": sorted(events[1]),
            "summary_steps": [e["summaries/loss"] for e in events],
            "restored_kernel_sum": runs[1].restored_kernel_sum}
