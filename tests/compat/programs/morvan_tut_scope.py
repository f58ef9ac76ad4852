"""``name_scope`` against ``variable_scope``, and an RNN built twice with shared weights,
from MorvanZhou's older "tutorials" repository (github.com/MorvanZhou/tutorials at commit
c36c8995951bc09890efd329635c2b74bd532610, ``tensorflowTUT/tf22_scope/tf22_scope.py`` and
``tensorflowTUT/tf22_scope/tf22_RNN_scope.py``). The first: ``tf.get_variable`` ignores a
``name_scope`` while ``tf.Variable`` takes it and uniquifies repeated names (``var2``,
``var2_1``, ``var2_2``); in a ``variable_scope`` both take it, and after
``scope.reuse_variables()`` ``tf.get_variable(name='var3')`` returns the existing variable;
the variables initialized by ``tf.initialize_all_variables()`` and by
``tf.global_variables_initializer()``. The second: an ``RNN`` class (config classes, the
second overriding ``time_steps``) with an input layer, a ``tf.contrib.rnn.BasicLSTMCell``
unrolled by hand over the time steps (``tf.get_variable_scope().reuse_variables()`` from
the second step on) and a relu output layer under a ``name_scope('RNN')`` of
``variable_scope``s, the cost a squared error averaged over the batch and summed over
time, ``AdamOptimizer(tf.convert_to_tensor(0.01))`` in a ``variable_scope('trian')``;
built once in two separate scopes (the "wrong" way, two sets of weights) and once in one
``variable_scope('rnn')`` with ``scope.reuse_variables()`` between the train and the test
model (the "right" way, shared weights).

Adapted: the two scripts run one after the other in one graph (the first in a graph of
its own); the prints are collected and returned; ``print(Wi.name)`` collects the name.
Added after the scripts' end (they only initialize): the weights get ``same_start``'s
draw, the shared training model takes 3 Adam steps on fixed NumPy batches, and the test
model, which reads the same weights, is evaluated; ``tf.contrib`` is
``tests/compat/programs/tf_contrib.py``'s stand-ins under TF 2.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"printed": 0.0, "values": 1e-6, "wi_names": 0.0, "n_variables": 0.0,
           "train_costs": 1e-4, "test_cost": 1e-4, "test_pred_sum": 1e-4}


def scope_script(tf, printed, values):
    with tf.name_scope("a_name_scope"):
        initializer = tf.constant_initializer(value=1)
        var1 = tf.get_variable(name='var1', shape=[1], dtype=tf.float32, initializer=initializer)
        var2 = tf.Variable(name='var2', initial_value=[2], dtype=tf.float32)
        var21 = tf.Variable(name='var2', initial_value=[2.1], dtype=tf.float32)
        var22 = tf.Variable(name='var2', initial_value=[2.2], dtype=tf.float32)

    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        for v in (var1, var2, var21, var22):
            printed.append(v.name)
            values.append(float(sess.run(v)[0]))

    with tf.variable_scope("a_variable_scope") as scope:
        initializer = tf.constant_initializer(value=3)
        var3 = tf.get_variable(name='var3', shape=[1], dtype=tf.float32, initializer=initializer)
        var4 = tf.Variable(name='var4', initial_value=[4], dtype=tf.float32)
        var4_reuse = tf.Variable(name='var4', initial_value=[4], dtype=tf.float32)
        scope.reuse_variables()
        var3_reuse = tf.get_variable(name='var3',)

    with tf.Session() as sess:
        # tf.initialize_all_variables() no long valid from
        # 2017-03-02 if using tensorflow >= 0.12
        if int((tf.__version__).split('.')[1]) < 12 and int((tf.__version__).split('.')[0]) < 1:
            init = tf.initialize_all_variables()
        else:
            init = tf.global_variables_initializer()
        sess.run(init)
        for v in (var3, var4, var4_reuse, var3_reuse):
            printed.append(v.name)
            values.append(float(sess.run(v)[0]))
    printed.append(var3_reuse is var3)


def make_rnn(tf, wi_names):
    class RNN(object):  # noqa: UP004

        def __init__(self, config):
            self._batch_size = config.batch_size
            self._time_steps = config.time_steps
            self._input_size = config.input_size
            self._output_size = config.output_size
            self._cell_size = config.cell_size
            self._lr = config.learning_rate
            self._built_RNN()

        def _built_RNN(self):
            with tf.variable_scope('inputs'):
                self._xs = tf.placeholder(
                    tf.float32, [self._batch_size, self._time_steps, self._input_size],
                    name='xs')
                self._ys = tf.placeholder(
                    tf.float32, [self._batch_size, self._time_steps, self._output_size],
                    name='ys')
            with tf.name_scope('RNN'):
                with tf.variable_scope('input_layer'):
                    # (batch*n_step, in_size)
                    l_in_x = tf.reshape(self._xs, [-1, self._input_size], name='2_2D')
                    # Ws (in_size, cell_size)
                    Wi = self._weight_variable([self._input_size, self._cell_size])
                    wi_names.append(Wi.name)
                    # bs (cell_size, )
                    bi = self._bias_variable([self._cell_size, ])
                    # l_in_y = (batch * n_steps, cell_size)
                    with tf.name_scope('Wx_plus_b'):
                        l_in_y = tf.matmul(l_in_x, Wi) + bi
                    l_in_y = tf.reshape(l_in_y, [-1, self._time_steps, self._cell_size],
                                        name='2_3D')

                with tf.variable_scope('cell'):
                    cell = contrib(tf).rnn.BasicLSTMCell(self._cell_size)
                    with tf.name_scope('initial_state'):
                        self._cell_initial_state = cell.zero_state(self._batch_size,
                                                                   dtype=tf.float32)

                    self.cell_outputs = []
                    cell_state = self._cell_initial_state
                    for t in range(self._time_steps):
                        if t > 0: tf.get_variable_scope().reuse_variables()  # noqa: E701
                        cell_output, cell_state = cell(l_in_y[:, t, :], cell_state)
                        self.cell_outputs.append(cell_output)
                    self._cell_final_state = cell_state

                with tf.variable_scope('output_layer'):
                    # cell_outputs_reshaped (BATCH*TIME_STEP, CELL_SIZE)
                    cell_outputs_reshaped = tf.reshape(tf.concat(self.cell_outputs, 1),
                                                       [-1, self._cell_size])
                    Wo = self._weight_variable((self._cell_size, self._output_size))
                    bo = self._bias_variable((self._output_size,))
                    product = tf.matmul(cell_outputs_reshaped, Wo) + bo
                    # _pred shape (batch*time_step, output_size)
                    self._pred = tf.nn.relu(product)    # for displacement

            with tf.name_scope('cost'):
                _pred = tf.reshape(self._pred,
                                   [self._batch_size, self._time_steps, self._output_size])
                mse = self.ms_error(_pred, self._ys)
                mse_ave_across_batch = tf.reduce_mean(mse, 0)
                mse_sum_across_time = tf.reduce_sum(mse_ave_across_batch, 0)
                self._cost = mse_sum_across_time
                self._cost_ave_time = self._cost / self._time_steps

            with tf.variable_scope('trian'):
                self._lr = tf.convert_to_tensor(self._lr)
                self.train_op = tf.train.AdamOptimizer(self._lr).minimize(self._cost)

        @staticmethod
        def ms_error(y_target, y_pre):
            return tf.square(tf.subtract(y_target, y_pre))

        @staticmethod
        def _weight_variable(shape, name='weights'):
            initializer = tf.random_normal_initializer(mean=0., stddev=0.5, )
            return tf.get_variable(shape=shape, initializer=initializer, name=name)

        @staticmethod
        def _bias_variable(shape, name='biases'):
            initializer = tf.constant_initializer(0.1)
            return tf.get_variable(name=name, shape=shape, initializer=initializer)

    return RNN


class TrainConfig:
    batch_size = 20
    time_steps = 20
    input_size = 10
    output_size = 2
    cell_size = 11
    learning_rate = 0.01


class TestConfig(TrainConfig):
    time_steps = 1


def main(tf):
    printed, values, wi_names = [], [], []
    with tf.Graph().as_default():
        scope_script(tf, printed, values)

    RNN = make_rnn(tf, wi_names)
    train_config = TrainConfig()
    test_config = TestConfig()

    # the wrong method to reuse parameters in train rnn
    with tf.variable_scope('train_rnn'):
        train_rnn1 = RNN(train_config)  # noqa: F841
    with tf.variable_scope('test_rnn'):
        test_rnn1 = RNN(test_config)  # noqa: F841

    # the right method to reuse parameters in train rnn
    with tf.variable_scope('rnn') as scope:
        sess = tf.Session()
        train_rnn2 = RNN(train_config)
        scope.reuse_variables()
        test_rnn2 = RNN(test_config)
        # tf.initialize_all_variables() no long valid from
        # 2017-03-02 if using tensorflow >= 0.12
        if int((tf.__version__).split('.')[1]) < 12 and int((tf.__version__).split('.')[0]) < 1:
            init = tf.initialize_all_variables()
        else:
            init = tf.global_variables_initializer()
        sess.run(init)

    # added: train the shared model a little and evaluate its test twin
    same_start(sess, tf, seed=23)
    rng = np.random.RandomState(23)
    train_costs = []
    for _ in range(3):
        xs = rng.uniform(-1, 1, (20, 20, 10))
        ys = np.abs(rng.normal(0, 1, (20, 20, 2)))
        _, cost = sess.run([train_rnn2.train_op, train_rnn2._cost],
                           {train_rnn2._xs: xs, train_rnn2._ys: ys})
        train_costs.append(float(np.sum(cost * np.arange(1, 3))))
    xs, ys = rng.uniform(-1, 1, (20, 1, 10)), np.abs(rng.normal(0, 1, (20, 1, 2)))
    test_cost, test_pred = sess.run([test_rnn2._cost, test_rnn2._pred],
                                    {test_rnn2._xs: xs, test_rnn2._ys: ys})
    trainable = tf.trainable_variables()
    return {"printed": printed, "values": float(np.dot(values, np.arange(1, 9))),
            "wi_names": wi_names,
            "n_variables": [len(trainable), len([v for v in trainable
                                                 if v.name.startswith('rnn/')])],
            "train_costs": float(np.sum(train_costs)), "test_cost": float(np.sum(test_cost)),
            "test_pred_sum": float(np.sum(test_pred * np.arange(1, 3)))}
