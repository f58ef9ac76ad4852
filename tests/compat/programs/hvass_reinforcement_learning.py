"""Q-learning's network and replay memory: Hvass-Labs' TensorFlow-Tutorials,
``16_Reinforcement_Learning.ipynb`` and its ``reinforcement_learning.py`` (TF1 code
through ``tensorflow.compat.v1``). The module's ``ReplayMemory`` (``add``,
``update_all_q_values``' backward sweep with the discount factor,
``prepare_sampling_prob``'s split by estimation error, ``random_batch``) and
``NeuralNetwork``: placeholders for states, the learning rate and the new Q-values;
``int64`` counter Variables raised by ``tf.assign(v, v + 1)``; a ``tf.layers`` network
(three 3x3 conv layers, four 1024-unit layers, all with a
``truncated_normal_initializer``); the mean summed squared error; RMSProp with the
learning rate fed; ``load_checkpoint`` (``latest_checkpoint`` + ``restore``, falling
back to ``global_variables_initializer`` in a bare ``except``), ``save_checkpoint`` with
``global_step=``, ``optimize`` (random batches until the mean of the last 100 losses is
below ``loss_limit`` after ``min_epochs``, or ``max_epochs``), ``get_weights_variable``
and ``get_layer_tensor``. The training branch of ``Agent.run`` drives them.

Adapted: the Atari game (gym) is a synthetic one: seeded random uint8 two-channel
states (what ``MotionTracer`` gives), a reward of 1 now and then, a life lost every 40
states; the states are 21x16 instead of 105x80 (``state_height`` / ``state_width``) so
the first dense layer is 1536x1024 rather than 34560x1024; ``EpsilonGreedy`` is a fixed
epsilon of 0.1 and the control signals fixed values; ``np.random`` draws come from a
seeded ``RandomState``; ``np.float`` / ``np.int`` / ``np.bool`` (gone from NumPy) are the
builtins; the replay memory holds 128 states, batches are 64 and ``max_epochs`` is 2;
the kernels start from a NumPy draw of the author's truncated normal (biases zero, as
their initializer gives), the same on both backends; the checkpoint directory is
temporary; printing and logging left out. A second ``NeuralNetwork`` in a new graph then
restores the checkpoint."""

from __future__ import annotations

import os
import tempfile

import numpy as np

COMPARE = {"losses_first": 1e-5, "loss_mean": 1e-5, "loss_last": 1e-5, "iterations": 0.0,
           "q_mean_after": 1e-6, "q_values_memory_mean": 1e-6, "count_states": 0.0,
           "count_episodes": 0.0, "restored_counts": 0.0, "restored_q_mean": 1e-6,
           "first_load_initialized": 0.0, "checkpoint_files": 0.0, "conv1_shape": 0.0,
           "conv1_kernel_shape": 0.0, "num_samples": 0.0}

state_height = 21
state_width = 16
state_channels = 2
state_shape = [state_height, state_width, state_channels]


def main(tf):
    rng = np.random.RandomState(16)

    def same_start_truncated(session):
        # the kernels' truncated_normal_initializer(0, 2e-2) drawn by NumPy, so both
        # backends start alike: normal draws, those beyond two stddevs drawn again
        draw = np.random.RandomState(160)
        for v in sorted(tf.trainable_variables(), key=lambda v: v.name):
            shape = v.shape.as_list()
            if len(shape) >= 2:
                value = draw.normal(0.0, 2e-2, shape)
                bad = np.abs(value) > 4e-2
                while bad.any():
                    value[bad] = draw.normal(0.0, 2e-2, int(bad.sum()))
                    bad = np.abs(value) > 4e-2
                v.load(value.astype(np.float32), session)

    checkpoint_dir = tempfile.mkdtemp()
    loaded = []

    class ReplayMemory:
        def __init__(self, size, num_actions, discount_factor=0.97):
            self.states = np.zeros(shape=[size] + state_shape, dtype=np.uint8)
            self.q_values = np.zeros(shape=[size, num_actions], dtype=float)
            self.q_values_old = np.zeros(shape=[size, num_actions], dtype=float)
            self.actions = np.zeros(shape=size, dtype=int)
            self.rewards = np.zeros(shape=size, dtype=float)
            self.end_life = np.zeros(shape=size, dtype=bool)
            self.end_episode = np.zeros(shape=size, dtype=bool)
            self.estimation_errors = np.zeros(shape=size, dtype=float)
            self.size = size
            self.discount_factor = discount_factor
            self.num_used = 0
            self.error_threshold = 0.1

        def is_full(self):
            return self.num_used == self.size

        def used_fraction(self):
            return self.num_used / self.size

        def reset(self):
            self.num_used = 0

        def add(self, state, q_values, action, reward, end_life, end_episode):
            if not self.is_full():
                k = self.num_used
                self.num_used += 1
                self.states[k] = state
                self.q_values[k] = q_values
                self.actions[k] = action
                self.end_life[k] = end_life
                self.end_episode[k] = end_episode
                self.rewards[k] = np.clip(reward, -1.0, 1.0)

        def update_all_q_values(self):
            self.q_values_old[:] = self.q_values[:]
            for k in reversed(range(self.num_used - 1)):
                action = self.actions[k]
                reward = self.rewards[k]
                end_life = self.end_life[k]
                end_episode = self.end_episode[k]
                if end_life or end_episode:
                    action_value = reward
                else:
                    action_value = reward + self.discount_factor * np.max(self.q_values[k + 1])
                self.estimation_errors[k] = abs(action_value - self.q_values[k, action])
                self.q_values[k, action] = action_value

        def prepare_sampling_prob(self, batch_size=128):
            err = self.estimation_errors[0:self.num_used]
            idx = err < self.error_threshold
            self.idx_err_lo = np.squeeze(np.where(idx))
            self.idx_err_hi = np.squeeze(np.where(np.logical_not(idx)))
            prob_err_hi = len(self.idx_err_hi) / self.num_used
            prob_err_hi = max(prob_err_hi, 0.5)
            self.num_samples_err_hi = int(prob_err_hi * batch_size)
            self.num_samples_err_lo = batch_size - self.num_samples_err_hi

        def random_batch(self):
            idx_lo = rng.choice(self.idx_err_lo,
                                size=self.num_samples_err_lo,
                                replace=False)
            idx_hi = rng.choice(self.idx_err_hi,
                                size=self.num_samples_err_hi,
                                replace=False)
            idx = np.concatenate((idx_lo, idx_hi))
            states_batch = self.states[idx]
            q_values_batch = self.q_values[idx]
            return states_batch, q_values_batch

    class NeuralNetwork:
        def __init__(self, num_actions, replay_memory):
            self.replay_memory = replay_memory
            self.checkpoint_path = os.path.join(checkpoint_dir, "checkpoint")
            self.x = tf.placeholder(dtype=tf.float32, shape=[None] + state_shape, name='x')
            self.learning_rate = tf.placeholder(dtype=tf.float32, shape=[])
            self.q_values_new = tf.placeholder(tf.float32,
                                               shape=[None, num_actions],
                                               name='q_values_new')
            self.count_states = tf.Variable(initial_value=0,
                                            trainable=False, dtype=tf.int64,
                                            name='count_states')
            self.count_episodes = tf.Variable(initial_value=0,
                                              trainable=False, dtype=tf.int64,
                                              name='count_episodes')
            self.count_states_increase = tf.assign(self.count_states,
                                                   self.count_states + 1)
            self.count_episodes_increase = tf.assign(self.count_episodes,
                                                     self.count_episodes + 1)
            init = tf.truncated_normal_initializer(mean=0.0, stddev=2e-2)
            padding = 'SAME'
            activation = tf.nn.relu
            net = self.x
            net = tf.layers.conv2d(inputs=net, name='layer_conv1',
                                   filters=16, kernel_size=3, strides=2,
                                   padding=padding,
                                   kernel_initializer=init, activation=activation)
            net = tf.layers.conv2d(inputs=net, name='layer_conv2',
                                   filters=32, kernel_size=3, strides=2,
                                   padding=padding,
                                   kernel_initializer=init, activation=activation)
            net = tf.layers.conv2d(inputs=net, name='layer_conv3',
                                   filters=64, kernel_size=3, strides=1,
                                   padding=padding,
                                   kernel_initializer=init, activation=activation)
            net = tf.layers.flatten(net)
            net = tf.layers.dense(inputs=net, name='layer_fc1', units=1024,
                                  kernel_initializer=init, activation=activation)
            net = tf.layers.dense(inputs=net, name='layer_fc2', units=1024,
                                  kernel_initializer=init, activation=activation)
            net = tf.layers.dense(inputs=net, name='layer_fc3', units=1024,
                                  kernel_initializer=init, activation=activation)
            net = tf.layers.dense(inputs=net, name='layer_fc4', units=1024,
                                  kernel_initializer=init, activation=activation)
            net = tf.layers.dense(inputs=net, name='layer_fc_out', units=num_actions,
                                  kernel_initializer=init, activation=None)
            self.q_values = net
            squared_error = tf.square(self.q_values - self.q_values_new)
            sum_squared_error = tf.reduce_sum(squared_error, axis=1)
            self.loss = tf.reduce_mean(sum_squared_error)
            self.optimizer = tf.train.RMSPropOptimizer(
                learning_rate=self.learning_rate).minimize(self.loss)
            self.saver = tf.train.Saver()
            self.session = tf.Session()
            self.load_checkpoint()

        def close(self):
            self.session.close()

        def load_checkpoint(self):
            try:
                last_chk_path = tf.train.latest_checkpoint(checkpoint_dir=checkpoint_dir)
                self.saver.restore(self.session, save_path=last_chk_path)
                loaded.append("restored")
            except:  # noqa: E722 - the module's own fallback
                self.session.run(tf.global_variables_initializer())
                same_start_truncated(self.session)
                loaded.append("initialized")

        def save_checkpoint(self, current_iteration):
            self.saver.save(self.session,
                            save_path=self.checkpoint_path,
                            global_step=current_iteration)

        def get_q_values(self, states):
            feed_dict = {self.x: states}
            values = self.session.run(self.q_values, feed_dict=feed_dict)
            return values

        def optimize(self, min_epochs=1.0, max_epochs=10,
                     batch_size=128, loss_limit=0.015,
                     learning_rate=1e-3):
            self.replay_memory.prepare_sampling_prob(batch_size=batch_size)
            iterations_per_epoch = self.replay_memory.num_used / batch_size
            min_iterations = int(iterations_per_epoch * min_epochs)
            max_iterations = int(iterations_per_epoch * max_epochs)
            loss_history = np.zeros(100, dtype=float)
            self.losses = []
            for i in range(max_iterations):
                state_batch, q_values_batch = self.replay_memory.random_batch()
                feed_dict = {self.x: state_batch,
                             self.q_values_new: q_values_batch,
                             self.learning_rate: learning_rate}
                loss_val, _ = self.session.run([self.loss, self.optimizer],
                                               feed_dict=feed_dict)
                loss_history = np.roll(loss_history, 1)
                loss_history[0] = loss_val
                self.losses.append(float(loss_val))
                loss_mean = np.mean(loss_history)
                if i > min_iterations and loss_mean < loss_limit:
                    break

        def get_weights_variable(self, layer_name):
            variable_name = 'kernel'
            with tf.variable_scope(layer_name, reuse=True):
                variable = tf.get_variable(variable_name)
            return variable

        def get_layer_tensor(self, layer_name):
            tensor_name = layer_name + "/Relu:0"
            tensor = tf.get_default_graph().get_tensor_by_name(tensor_name)
            return tensor

        def get_tensor_value(self, tensor, state):
            feed_dict = {self.x: [state]}
            output = self.session.run(tensor, feed_dict=feed_dict)
            return output

        def get_count_states(self):
            return self.session.run(self.count_states)

        def get_count_episodes(self):
            return self.session.run(self.count_episodes)

        def increase_count_states(self):
            return self.session.run(self.count_states_increase)

        def increase_count_episodes(self):
            return self.session.run(self.count_episodes_increase)

    num_actions = 4
    replay_memory = ReplayMemory(size=128, num_actions=num_actions)
    model = NeuralNetwork(num_actions=num_actions, replay_memory=replay_memory)

    # The training branch of Agent.run, on the synthetic game.
    count_states = model.get_count_states()
    model.increase_count_episodes()
    num_lives = 3
    q_memory_mean = None
    while not replay_memory.is_full():
        state = rng.randint(0, 256, size=state_shape).astype(np.uint8)
        q_values = model.get_q_values(states=[state])[0]
        action = rng.randint(num_actions) if rng.uniform() < 0.1 else np.argmax(q_values)
        reward = float(rng.uniform() < 0.15)
        num_lives_new = num_lives - int((count_states + 1) % 40 == 0)
        end_life = (num_lives_new < num_lives)
        num_lives = num_lives_new
        end_episode = num_lives == 0
        count_states = model.increase_count_states()
        replay_memory.add(state=state, q_values=q_values, action=action, reward=reward,
                          end_life=end_life, end_episode=end_episode)
        if end_episode:  # the game's reset at the top of Agent.run's loop
            num_lives = 3
            model.increase_count_episodes()
        if replay_memory.is_full():
            replay_memory.update_all_q_values()
            q_memory_mean = float(replay_memory.q_values.mean())
            model.optimize(learning_rate=1e-3, loss_limit=0.015, max_epochs=2,
                           batch_size=64)
            model.save_checkpoint(count_states)
    num_samples = [replay_memory.num_samples_err_lo, replay_memory.num_samples_err_hi]
    probe = replay_memory.states[:16]
    q_mean_after = float(model.get_q_values(probe).mean())
    conv1 = model.get_tensor_value(model.get_layer_tensor('layer_conv1'), probe[0])
    kernel_shape = model.session.run(model.get_weights_variable('layer_conv1')).shape
    counts = [int(model.get_count_states()), int(model.get_count_episodes())]
    losses = model.losses
    model.close()

    with tf.Graph().as_default():
        model2 = NeuralNetwork(num_actions=num_actions, replay_memory=replay_memory)
        restored_counts = [int(model2.get_count_states()), int(model2.get_count_episodes())]
        restored_q_mean = float(model2.get_q_values(probe).mean())
        model2.close()
    return {"losses_first": losses[0], "loss_mean": float(np.mean(losses)),
            "loss_last": losses[-1],
            "iterations": [len(losses)], "q_mean_after": q_mean_after,
            "q_values_memory_mean": q_memory_mean, "count_states": [counts[0]],
            "count_episodes": [counts[1]], "restored_counts": restored_counts,
            "restored_q_mean": restored_q_mean, "first_load_initialized": loaded,
            "checkpoint_files": sorted(os.listdir(checkpoint_dir)),
            "conv1_shape": list(conv1.shape), "conv1_kernel_shape": list(kernel_shape),
            "num_samples": [int(n) for n in num_samples]}
