"""An LSTM regressing cos from sin in a class with scoped layers, from MorvanZhou's older
"tutorials" repository (github.com/MorvanZhou/tutorials at commit
c36c8995951bc09890efd329635c2b74bd532610, ``tensorflowTUT/tf20_RNN2.2/full_code.py``):
``LSTMRNN`` builds its input layer, a ``tf.contrib.rnn.BasicLSTMCell(forget_bias=1.0,
state_is_tuple=True)`` run by ``tf.nn.dynamic_rnn`` from ``zero_state`` (made in a
``name_scope``) and an output layer in ``tf.variable_scope``s, with ``tf.get_variable``
weights (``random_normal_initializer``) and biases (``constant_initializer(0.1)``); the
cost is ``tf.contrib.legacy_seq2seq.sequence_loss_by_example`` with a custom
``softmax_loss_function`` (a squared error, called with ``labels=``/``logits=``) summed and
``tf.div``ided by the batch size, summarized with ``tf.summary.scalar``;
``AdamOptimizer(0.006)`` in a ``name_scope``. ``get_batch`` slides a global window of
sine/cosine points; after the first step the previous run's final ``LSTMStateTuple`` is
fed into ``cell_init_state``; every 20 steps ``merge_all`` is run with the same feed.

Adapted: the ``if __name__ == '__main__':`` body runs in ``main``, with ``BATCH_START`` a
module global as written (reset to 0 at the start); 30 steps instead of 200, summaries
every 10 instead of 20; the weights start from ``same_start``'s draw (the biases keep their
0.1); the log goes to a temporary directory; the matplotlib plotting is left out (the
predictions it plots are returned) and so are the prints; ``tf.contrib`` is
``tests/compat/programs/tf_contrib.py``'s stand-ins under TF 2.
"""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"cost": 1e-4, "costs": 1e-4, "pred_sum": 1e-4, "state_sum": 1e-4,
           "summaries": 0.0, "variables": 0.0}

BATCH_START = 0
TIME_STEPS = 20
BATCH_SIZE = 50
INPUT_SIZE = 1
OUTPUT_SIZE = 1
CELL_SIZE = 10
LR = 0.006


def get_batch():
    global BATCH_START, TIME_STEPS
    # xs shape (50batch, 20steps)
    xs = np.arange(BATCH_START, BATCH_START+TIME_STEPS*BATCH_SIZE).reshape(
        (BATCH_SIZE, TIME_STEPS)) / (10*np.pi)
    seq = np.sin(xs)
    res = np.cos(xs)
    BATCH_START += TIME_STEPS
    # returned seq, res and xs: shape (batch, step, input)
    return [seq[:, :, np.newaxis], res[:, :, np.newaxis], xs]


def make_model_class(tf):
    class LSTMRNN(object):  # noqa: UP004
        def __init__(self, n_steps, input_size, output_size, cell_size, batch_size):
            self.n_steps = n_steps
            self.input_size = input_size
            self.output_size = output_size
            self.cell_size = cell_size
            self.batch_size = batch_size
            with tf.name_scope('inputs'):
                self.xs = tf.placeholder(tf.float32, [None, n_steps, input_size], name='xs')
                self.ys = tf.placeholder(tf.float32, [None, n_steps, output_size], name='ys')
            with tf.variable_scope('in_hidden'):
                self.add_input_layer()
            with tf.variable_scope('LSTM_cell'):
                self.add_cell()
            with tf.variable_scope('out_hidden'):
                self.add_output_layer()
            with tf.name_scope('cost'):
                self.compute_cost()
            with tf.name_scope('train'):
                self.train_op = tf.train.AdamOptimizer(LR).minimize(self.cost)

        def add_input_layer(self,):
            # (batch*n_step, in_size)
            l_in_x = tf.reshape(self.xs, [-1, self.input_size], name='2_2D')
            # Ws (in_size, cell_size)
            Ws_in = self._weight_variable([self.input_size, self.cell_size])
            # bs (cell_size, )
            bs_in = self._bias_variable([self.cell_size,])
            # l_in_y = (batch * n_steps, cell_size)
            with tf.name_scope('Wx_plus_b'):
                l_in_y = tf.matmul(l_in_x, Ws_in) + bs_in
            # reshape l_in_y ==> (batch, n_steps, cell_size)
            self.l_in_y = tf.reshape(l_in_y, [-1, self.n_steps, self.cell_size], name='2_3D')

        def add_cell(self):
            lstm_cell = contrib(tf).rnn.BasicLSTMCell(self.cell_size, forget_bias=1.0,
                                                      state_is_tuple=True)
            with tf.name_scope('initial_state'):
                self.cell_init_state = lstm_cell.zero_state(self.batch_size, dtype=tf.float32)
            self.cell_outputs, self.cell_final_state = tf.nn.dynamic_rnn(
                lstm_cell, self.l_in_y, initial_state=self.cell_init_state, time_major=False)

        def add_output_layer(self):
            # shape = (batch * steps, cell_size)
            l_out_x = tf.reshape(self.cell_outputs, [-1, self.cell_size], name='2_2D')
            Ws_out = self._weight_variable([self.cell_size, self.output_size])
            bs_out = self._bias_variable([self.output_size, ])
            # shape = (batch * steps, output_size)
            with tf.name_scope('Wx_plus_b'):
                self.pred = tf.matmul(l_out_x, Ws_out) + bs_out

        def compute_cost(self):
            losses = contrib(tf).legacy_seq2seq.sequence_loss_by_example(
                [tf.reshape(self.pred, [-1], name='reshape_pred')],
                [tf.reshape(self.ys, [-1], name='reshape_target')],
                [tf.ones([self.batch_size * self.n_steps], dtype=tf.float32)],
                average_across_timesteps=True,
                softmax_loss_function=self.ms_error,
                name='losses'
            )
            with tf.name_scope('average_cost'):
                self.cost = tf.div(
                    tf.reduce_sum(losses, name='losses_sum'),
                    self.batch_size,
                    name='average_cost')
                tf.summary.scalar('cost', self.cost)

        @staticmethod
        def ms_error(labels, logits):
            return tf.square(tf.subtract(labels, logits))

        def _weight_variable(self, shape, name='weights'):
            initializer = tf.random_normal_initializer(mean=0., stddev=1.,)
            return tf.get_variable(shape=shape, initializer=initializer, name=name)

        def _bias_variable(self, shape, name='biases'):
            initializer = tf.constant_initializer(0.1)
            return tf.get_variable(name=name, shape=shape, initializer=initializer)

    return LSTMRNN


def main(tf):
    global BATCH_START
    BATCH_START = 0
    LSTMRNN = make_model_class(tf)

    model = LSTMRNN(TIME_STEPS, INPUT_SIZE, OUTPUT_SIZE, CELL_SIZE, BATCH_SIZE)
    sess = tf.Session()
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)
    # tf.initialize_all_variables() no long valid from
    # 2017-03-02 if using tensorflow >= 0.12
    if int((tf.__version__).split('.')[1]) < 12 and int((tf.__version__).split('.')[0]) < 1:
        init = tf.initialize_all_variables()
    else:
        init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=22)

    costs, preds, n_summaries = [], [], 0
    for i in range(30):
        seq, res, xs = get_batch()
        if i == 0:
            feed_dict = {
                    model.xs: seq,
                    model.ys: res,
                    # create initial state
            }
        else:
            feed_dict = {
                model.xs: seq,
                model.ys: res,
                model.cell_init_state: state  # noqa: F821 - use last state as the initial state
            }

        _, cost, state, pred = sess.run(
            [model.train_op, model.cost, model.cell_final_state, model.pred],
            feed_dict=feed_dict)
        preds.append(pred.flatten()[:TIME_STEPS])    # what the figure plots

        if i % 10 == 0:
            costs.append(float(cost))
            result = sess.run(merged, feed_dict)
            writer.add_summary(result, i)
            n_summaries += len(tf.Summary.FromString(result).value)
    writer.close()

    return {"cost": float(cost), "costs": float(np.sum(costs)),
            "pred_sum": float(np.sum(np.array(preds) * np.arange(1, 21))),
            "state_sum": float(np.sum(state.c) + 2 * np.sum(state.h)),
            "summaries": [n_summaries],
            "variables": [v.op.name for v in tf.trainable_variables()]}
