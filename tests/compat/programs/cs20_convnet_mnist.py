"""A convnet on MNIST from hand-written layer helpers: Stanford CS20 ("TensorFlow for
Deep Learning Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/07_convnet_mnist.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c (data
helper ``utils.get_mnist_dataset`` of ``examples/utils.py``). ``conv_relu``, ``maxpool``
and ``fully_connected`` each open ``tf.variable_scope(scope_name, reuse=tf.AUTO_REUSE)``
and make their weights with ``tf.get_variable`` (shapes from ``inputs.shape[-1]``, a
``Dimension``; ``truncated_normal_initializer()`` kernels, ``random_normal_initializer()``
conv biases, zero dense biases); two 5x5 ``SAME`` conv layers of 32 and 64 filters with
2x2 ``VALID`` max pooling, a reshape to ``pool2.shape[1] * pool2.shape[2] *
pool2.shape[3]``, a 1024-unit layer, ``tf.nn.dropout(tf.nn.relu(fc), self.keep_prob)``
with ``keep_prob = tf.constant(0.75)`` (dropout in training and evaluation alike, as
written) and the logits layer; the ``ConvNet`` class with an int32 ``global_step``,
``Iterator.from_structure`` with ``make_initializer`` for train and test, softmax cross
entropy, Adam ``minimize(global_step=...)``, the count of correct predictions, a
``summaries`` scope (two scalars and a histogram ``'histogram loss'``), an epoch loop
writing every step's summary and ``saver.save(..., step)`` after each epoch, an
evaluation pass after each epoch, ``train`` restoring from ``get_checkpoint_state``.

Adapted: the MNIST download becomes the bundled digits (the first 128 training and 128
test images, one-hot float64 labels as ``utils.parse_data`` gives), no
``shuffle(10000)`` (its order is backend-specific); ``n_test`` 128 instead of 10000; the
checkpoints and events in a temporary directory; 2 epochs instead of 30; a 32-unit
layer instead of 1024 (see below); the prints are
left out (their numbers are returned). ``tf.set_random_seed(1)`` is added: the
initializers and the dropout then draw TF's very numbers in both backends (their op
seeds are 0, 1, 2, ... in the order the ops are made). trainkit makes TF's seeded
normal numbers with the C library's ``logf``/``sinf``/``cosf``, at about 1.5 us a value,
so the 3136 x 1024 kernel alone would take 5 s: hence the smaller layer."""

# ruff: noqa: E741 - the author's `l` is kept

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"epoch_losses": 1e-4, "accuracies": 1e-6, "steps": 0.0, "checkpoints": 0.0,
           "initial_sums": 1e-5, "shapes": 0.0}


def get_mnist_dataset(tf, batch_size):
    """``utils.get_mnist_dataset`` on the bundled digits: ``(n, 28, 28)`` float32 images
    and float64 one-hot labels, batched (the shuffle left out)."""
    mnist = read_data_sets("data/mnist", one_hot=False)

    def part(ds, n):
        labels = np.zeros((n, 10))
        labels[np.arange(n), ds.labels[:n]] = 1
        return ds.images[:n].reshape(n, 28, 28), labels

    train, test = part(mnist.train, 128), part(mnist.test, 128)
    train_data = tf.data.Dataset.from_tensor_slices(train)
    train_data = train_data.batch(batch_size)

    test_data = tf.data.Dataset.from_tensor_slices(test)
    test_data = test_data.batch(batch_size)

    return train_data, test_data


def main(tf):
    tf.set_random_seed(1)
    work = tempfile.mkdtemp()
    results = {"epoch_losses": 0.0, "accuracies": 0.0}

    def conv_relu(inputs, filters, k_size, stride, padding, scope_name):
        '''
        A method that does convolution + relu on inputs
        '''
        with tf.variable_scope(scope_name, reuse=tf.AUTO_REUSE) as scope:
            in_channels = inputs.shape[-1]
            kernel = tf.get_variable('kernel',
                                     [k_size, k_size, in_channels, filters],
                                     initializer=tf.truncated_normal_initializer())
            biases = tf.get_variable('biases',
                                     [filters],
                                     initializer=tf.random_normal_initializer())
            conv = tf.nn.conv2d(inputs, kernel, strides=[1, stride, stride, 1],
                                padding=padding)
        return tf.nn.relu(conv + biases, name=scope.name)

    def maxpool(inputs, ksize, stride, padding='VALID', scope_name='pool'):
        '''A method that does max pooling on inputs'''
        with tf.variable_scope(scope_name, reuse=tf.AUTO_REUSE) as scope:  # noqa: F841
            pool = tf.nn.max_pool(inputs,
                                  ksize=[1, ksize, ksize, 1],
                                  strides=[1, stride, stride, 1],
                                  padding=padding)
        return pool

    def fully_connected(inputs, out_dim, scope_name='fc'):
        '''
        A fully connected linear layer on inputs
        '''
        with tf.variable_scope(scope_name, reuse=tf.AUTO_REUSE) as scope:  # noqa: F841
            in_dim = inputs.shape[-1]
            w = tf.get_variable('weights', [in_dim, out_dim],
                                initializer=tf.truncated_normal_initializer())
            b = tf.get_variable('biases', [out_dim],
                                initializer=tf.constant_initializer(0.0))
            out = tf.matmul(inputs, w) + b
        return out

    class ConvNet(object):  # noqa: UP004 - as written
        def __init__(self):
            self.lr = 0.001
            self.batch_size = 128
            self.keep_prob = tf.constant(0.75)
            self.gstep = tf.Variable(0, dtype=tf.int32,
                                     trainable=False, name='global_step')
            self.n_classes = 10
            self.skip_step = 20
            self.n_test = 128
            self.training = True

        def get_data(self):
            with tf.name_scope('data'):
                train_data, test_data = get_mnist_dataset(tf, self.batch_size)
                iterator = tf.data.Iterator.from_structure(train_data.output_types,
                                                           train_data.output_shapes)
                img, self.label = iterator.get_next()
                self.img = tf.reshape(img, shape=[-1, 28, 28, 1])
                # reshape the image to make it work with tf.nn.conv2d

                # initializer for train_data
                self.train_init = iterator.make_initializer(train_data)
                # initializer for train_data
                self.test_init = iterator.make_initializer(test_data)

        def inference(self):
            conv1 = conv_relu(inputs=self.img,
                              filters=32,
                              k_size=5,
                              stride=1,
                              padding='SAME',
                              scope_name='conv1')
            pool1 = maxpool(conv1, 2, 2, 'VALID', 'pool1')
            conv2 = conv_relu(inputs=pool1,
                              filters=64,
                              k_size=5,
                              stride=1,
                              padding='SAME',
                              scope_name='conv2')
            pool2 = maxpool(conv2, 2, 2, 'VALID', 'pool2')
            feature_dim = pool2.shape[1] * pool2.shape[2] * pool2.shape[3]
            pool2 = tf.reshape(pool2, [-1, feature_dim])
            fc = fully_connected(pool2, 32, 'fc')
            dropout = tf.nn.dropout(tf.nn.relu(fc), self.keep_prob, name='relu_dropout')
            self.logits = fully_connected(dropout, self.n_classes, 'logits')

        def loss(self):
            '''
            define loss function
            use softmax cross entropy with logits as the loss function
            compute mean cross entropy, softmax is applied internally
            '''
            #
            with tf.name_scope('loss'):
                entropy = tf.nn.softmax_cross_entropy_with_logits(labels=self.label,
                                                                  logits=self.logits)
                self.loss = tf.reduce_mean(entropy, name='loss')

        def optimize(self):
            '''
            Define training op
            using Adam Gradient Descent to minimize cost
            '''
            self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss,
                                                                global_step=self.gstep)

        def summary(self):
            '''
            Create summaries to write on TensorBoard
            '''
            with tf.name_scope('summaries'):
                tf.summary.scalar('loss', self.loss)
                tf.summary.scalar('accuracy', self.accuracy)
                tf.summary.histogram('histogram loss', self.loss)
                self.summary_op = tf.summary.merge_all()

        def eval(self):
            '''
            Count the number of right predictions in a batch
            '''
            with tf.name_scope('predict'):
                preds = tf.nn.softmax(self.logits)
                correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(self.label, 1))
                self.accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

        def build(self):
            '''
            Build the computation graph
            '''
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
                    _, l, summaries = sess.run([self.opt, self.loss, self.summary_op])
                    writer.add_summary(summaries, global_step=step)
                    step += 1
                    total_loss += l
                    n_batches += 1
            except tf.errors.OutOfRangeError:
                pass
            saver.save(sess, os.path.join(work, 'checkpoints/convnet_mnist/mnist-convnet'),
                       step)
            results["epoch_losses"] += float(total_loss / n_batches)
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
            results["accuracies"] += float(total_correct_preds / self.n_test)

        def train(self, n_epochs):
            os.makedirs(os.path.join(work, 'checkpoints'), exist_ok=True)
            os.makedirs(os.path.join(work, 'checkpoints/convnet_mnist'), exist_ok=True)
            writer = tf.summary.FileWriter(os.path.join(work, 'graphs/convnet'),
                                           tf.get_default_graph())

            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                results["initial_sums"] = float(sum(
                    np.abs(sess.run(v)).sum() for v in tf.trainable_variables()))
                saver = tf.train.Saver()
                ckpt = tf.train.get_checkpoint_state(os.path.dirname(
                    os.path.join(work, 'checkpoints/convnet_mnist/checkpoint')))
                if ckpt and ckpt.model_checkpoint_path:
                    saver.restore(sess, ckpt.model_checkpoint_path)

                step = self.gstep.eval()

                for epoch in range(n_epochs):
                    step = self.train_one_epoch(sess, saver, self.train_init, writer, epoch,
                                                step)
                    self.eval_once(sess, self.test_init, writer, epoch, step)
                results["steps"] = [int(step), int(self.gstep.eval())]
            writer.close()

    model = ConvNet()
    model.build()
    model.train(n_epochs=2)
    results["checkpoints"] = [os.path.basename(p) for p in tf.train.get_checkpoint_state(
        os.path.join(work, 'checkpoints/convnet_mnist')).all_model_checkpoint_paths]
    results["shapes"] = [[v.name, v.shape.as_list()] for v in tf.trainable_variables()]
    return results
