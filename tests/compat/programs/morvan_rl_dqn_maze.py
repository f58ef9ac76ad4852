"""Deep Q-network in a maze, from MorvanZhou's "Reinforcement-learning-with-tensorflow"
(github.com/MorvanZhou/Reinforcement-learning-with-tensorflow at commit
93e333484be0e262d28b65507b6a1d002424a056, ``contents/5_Deep_Q_Network``: ``RL_brain.py``'s
``DeepQNetwork`` and ``run_this.py``'s loop). Two two-layer nets built by hand with
``tf.get_variable(..., collections=['eval_net_params', GLOBAL_VARIABLES])`` under
``variable_scope``s, ``random_normal_initializer(0, 0.3)`` weights and
``constant_initializer(0.1)`` biases (drawn under ``tf.set_random_seed(1)``, so both
backends start from TF's Philox numbers); the target net refreshed by ``tf.assign`` over
the two ``tf.get_collection`` lists; ``reduce_mean(squared_difference)`` minimized by
``RMSPropOptimizer(0.01)``; epsilon-greedy actions from ``np.argmax`` of the fetched
Q-values, a NumPy replay memory sampled by ``np.random.choice``.

Adapted: the tkinter maze is :class:`rl_envs.Maze` (the same grid logic, no window); 6
episodes instead of 300, learning from step 60 instead of 200 and the target net
replaced every 20 learning steps instead of 200 (so a short run replaces it a few
times); the ``print`` and the cost plot left out. The results are the learning curve's
numbers, each episode's length, and the learned Q-values of the 16 cells.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import Maze

# The episodes must be the same ones on both backends (lengths compared exactly): the
# actions are argmaxes of Q-values that differ between backends by float rounding only
# (~1e-7), far from any tie. Float32 rounding (summation order, RMSProp's formula) then
# grows through the 215 learning steps: about 1e-5 relative in the last cost and the
# Q-values (measured), and ~1e-3 relative after 900 steps: 1e-3 leaves room. The tiny
# costs are scaled by 1e4 (the check is relative only above 1).
COMPARE = {"cost_last_1e4": 1e-3, "cost_sum": 1e-3, "learn_steps": 0.0,
           "episode_lengths": 0.0, "q_cells_mean": 1e-3, "q_cells_max": 1e-3,
           "target_weight_sum": 1e-3}


def main(tf):
    np.random.seed(1)
    tf.set_random_seed(1)

    # Deep Q Network off-policy
    class DeepQNetwork:
        def __init__(
                self,
                n_actions,
                n_features,
                learning_rate=0.01,
                reward_decay=0.9,
                e_greedy=0.9,
                replace_target_iter=300,
                memory_size=500,
                batch_size=32,
                e_greedy_increment=None,
                output_graph=False,
        ):
            self.n_actions = n_actions
            self.n_features = n_features
            self.lr = learning_rate
            self.gamma = reward_decay
            self.epsilon_max = e_greedy
            self.replace_target_iter = replace_target_iter
            self.memory_size = memory_size
            self.batch_size = batch_size
            self.epsilon_increment = e_greedy_increment
            self.epsilon = 0 if e_greedy_increment is not None else self.epsilon_max

            # total learning step
            self.learn_step_counter = 0

            # initialize zero memory [s, a, r, s_]
            self.memory = np.zeros((self.memory_size, n_features * 2 + 2))

            # consist of [target_net, evaluate_net]
            self._build_net()
            t_params = tf.get_collection('target_net_params')
            e_params = tf.get_collection('eval_net_params')
            self.replace_target_op = [tf.assign(t, e) for t, e in zip(t_params, e_params)]

            self.sess = tf.Session()

            if output_graph:
                tf.summary.FileWriter("logs/", self.sess.graph)

            self.sess.run(tf.global_variables_initializer())
            self.cost_his = []

        def _build_net(self):
            # ------------------ build evaluate_net ------------------
            self.s = tf.placeholder(tf.float32, [None, self.n_features], name='s')  # input
            self.q_target = tf.placeholder(tf.float32, [None, self.n_actions],
                                           name='Q_target')  # for calculating loss
            with tf.variable_scope('eval_net'):
                # c_names(collections_names) are the collections to store variables
                c_names, n_l1, w_initializer, b_initializer = \
                    ['eval_net_params', tf.GraphKeys.GLOBAL_VARIABLES], 10, \
                    tf.random_normal_initializer(0., 0.3), tf.constant_initializer(0.1)

                # first layer. collections is used later when assign to target net
                with tf.variable_scope('l1'):
                    w1 = tf.get_variable('w1', [self.n_features, n_l1],
                                         initializer=w_initializer, collections=c_names)
                    b1 = tf.get_variable('b1', [1, n_l1], initializer=b_initializer,
                                         collections=c_names)
                    l1 = tf.nn.relu(tf.matmul(self.s, w1) + b1)

                # second layer. collections is used later when assign to target net
                with tf.variable_scope('l2'):
                    w2 = tf.get_variable('w2', [n_l1, self.n_actions],
                                         initializer=w_initializer, collections=c_names)
                    b2 = tf.get_variable('b2', [1, self.n_actions],
                                         initializer=b_initializer, collections=c_names)
                    self.q_eval = tf.matmul(l1, w2) + b2

            with tf.variable_scope('loss'):
                self.loss = tf.reduce_mean(tf.squared_difference(self.q_target, self.q_eval))
            with tf.variable_scope('train'):
                self._train_op = tf.train.RMSPropOptimizer(self.lr).minimize(self.loss)

            # ------------------ build target_net ------------------
            self.s_ = tf.placeholder(tf.float32, [None, self.n_features], name='s_')  # input
            with tf.variable_scope('target_net'):
                # c_names(collections_names) are the collections to store variables
                c_names = ['target_net_params', tf.GraphKeys.GLOBAL_VARIABLES]

                # first layer. collections is used later when assign to target net
                with tf.variable_scope('l1'):
                    w1 = tf.get_variable('w1', [self.n_features, n_l1],
                                         initializer=w_initializer, collections=c_names)
                    b1 = tf.get_variable('b1', [1, n_l1], initializer=b_initializer,
                                         collections=c_names)
                    l1 = tf.nn.relu(tf.matmul(self.s_, w1) + b1)

                # second layer. collections is used later when assign to target net
                with tf.variable_scope('l2'):
                    w2 = tf.get_variable('w2', [n_l1, self.n_actions],
                                         initializer=w_initializer, collections=c_names)
                    b2 = tf.get_variable('b2', [1, self.n_actions],
                                         initializer=b_initializer, collections=c_names)
                    self.q_next = tf.matmul(l1, w2) + b2

        def store_transition(self, s, a, r, s_):
            if not hasattr(self, 'memory_counter'):
                self.memory_counter = 0

            transition = np.hstack((s, [a, r], s_))

            # replace the old memory with new memory
            index = self.memory_counter % self.memory_size
            self.memory[index, :] = transition

            self.memory_counter += 1

        def choose_action(self, observation):
            # to have batch dimension when feed into tf placeholder
            observation = observation[np.newaxis, :]

            if np.random.uniform() < self.epsilon:
                # forward feed the observation and get q value for every actions
                actions_value = self.sess.run(self.q_eval, feed_dict={self.s: observation})
                action = np.argmax(actions_value)
            else:
                action = np.random.randint(0, self.n_actions)
            return action

        def learn(self):
            # check to replace target parameters
            if self.learn_step_counter % self.replace_target_iter == 0:
                self.sess.run(self.replace_target_op)

            # sample batch memory from all memory
            if self.memory_counter > self.memory_size:
                sample_index = np.random.choice(self.memory_size, size=self.batch_size)
            else:
                sample_index = np.random.choice(self.memory_counter, size=self.batch_size)
            batch_memory = self.memory[sample_index, :]

            q_next, q_eval = self.sess.run(
                [self.q_next, self.q_eval],
                feed_dict={
                    self.s_: batch_memory[:, -self.n_features:],  # fixed params
                    self.s: batch_memory[:, :self.n_features],  # newest params
                })

            # change q_target w.r.t q_eval's action
            q_target = q_eval.copy()

            batch_index = np.arange(self.batch_size, dtype=np.int32)
            eval_act_index = batch_memory[:, self.n_features].astype(int)
            reward = batch_memory[:, self.n_features + 1]

            q_target[batch_index, eval_act_index] = reward + self.gamma * np.max(q_next, axis=1)

            # train eval network
            _, self.cost = self.sess.run([self._train_op, self.loss],
                                         feed_dict={self.s: batch_memory[:, :self.n_features],
                                                    self.q_target: q_target})
            self.cost_his.append(self.cost)

            # increasing epsilon
            self.epsilon = (self.epsilon + self.epsilon_increment
                            if self.epsilon < self.epsilon_max else self.epsilon_max)
            self.learn_step_counter += 1

    env = Maze()
    RL = DeepQNetwork(env.n_actions, env.n_features,
                      learning_rate=0.01,
                      reward_decay=0.9,
                      e_greedy=0.9,
                      replace_target_iter=20,
                      memory_size=2000,
                      )

    episode_lengths = []
    step = 0
    for _episode in range(6):
        # initial observation
        observation = env.reset()
        length = 0
        while True:
            # fresh env
            env.render()

            # RL choose action based on observation
            action = RL.choose_action(observation)

            # RL take action and get next observation and reward
            observation_, reward, done = env.step(action)

            RL.store_transition(observation, action, reward, observation_)

            if (step > 60) and (step % 5 == 0):
                RL.learn()

            # swap observation
            observation = observation_
            length += 1

            # break while loop when end of this episode
            if done:
                break
            step += 1
        episode_lengths.append(length)

    cells = np.array([[x, y] for y in range(4) for x in range(4)], np.float64) * 40 / 160 - 0.5
    q_cells = RL.sess.run(RL.q_eval, {RL.s: cells})
    target = RL.sess.run(tf.get_collection('target_net_params'))
    return {"cost_last_1e4": float(RL.cost_his[-1]) * 1e4,
            "cost_sum": float(np.sum(RL.cost_his)),
            "learn_steps": RL.learn_step_counter, "episode_lengths": episode_lengths,
            "q_cells_mean": float(q_cells.mean()), "q_cells_max": float(q_cells.max()),
            "target_weight_sum": float(sum(np.sum(t) for t in target))}
