"""Natural and double DQN on the pendulum, from MorvanZhou's
"Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/5.1_Double_DQN``: ``RL_brain.py``'s ``DoubleDQN`` and ``run_Pendulum.py``).
Two agents built in one graph under ``variable_scope('Natural_DQN')`` and
``variable_scope('Double_DQN')`` sharing one session: a ``build_layers`` helper making
``get_variable``s with ``collections=['eval_net_params', GLOBAL_VARIABLES]`` (so the
second agent's ``get_collection`` also holds the first agent's variables, paired up by
``zip``), ``random_normal_initializer(0, 0.3)`` / ``constant_initializer(0.1)`` under
``tf.set_random_seed(1)``, ``reduce_mean(squared_difference)`` minimized by
``RMSPropOptimizer(0.005)``, one ``global_variables_initializer`` run after both are
built; double Q picks the next action with the eval net (``np.argmax`` of a fetched
batch) and its value with the target net; the pendulum's 11 discrete torques.

Adapted: gym's ``Pendulum-v0`` is :class:`rl_envs.Pendulum` (the same dynamics, seeded 1
as ``env.seed(1)``); ``MEMORY_SIZE`` is 300 instead of 3000 and each agent learns for 200
steps instead of 20000; the ``print``, the FileWriter of ``output_graph=True`` and the plot
left out. The results are each agent's running Q (what the plot shows), costs and
learned weights.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import Pendulum

# The episodes are the same on both backends (the actions are argmaxes of Q-values that
# differ by float rounding only, far from ties; the epsilon schedule makes most of them
# random draws anyway). Float32 rounding grows through 200 RMSProp steps per agent to
# about 1e-5 relative (measured); 1e-3 leaves room. Costs are scaled by 1e3 (the check
# is relative only above 1).
COMPARE = {"natural_q_last": 1e-3, "double_q_last": 1e-3, "natural_q_sum": 1e-3,
           "double_q_sum": 1e-3, "natural_cost_sum_1e3": 1e-3, "double_cost_sum_1e3": 1e-3,
           "weight_sum": 1e-3, "learn_steps": 0.0, "eval_params": 0.0}


def main(tf):
    np.random.seed(1)
    tf.set_random_seed(1)

    class DoubleDQN:
        def __init__(
                self,
                n_actions,
                n_features,
                learning_rate=0.005,
                reward_decay=0.9,
                e_greedy=0.9,
                replace_target_iter=200,
                memory_size=3000,
                batch_size=32,
                e_greedy_increment=None,
                output_graph=False,
                double_q=True,
                sess=None,
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

            self.double_q = double_q    # decide to use double q or not

            self.learn_step_counter = 0
            self.memory = np.zeros((self.memory_size, n_features*2+2))
            self._build_net()
            t_params = tf.get_collection('target_net_params')
            e_params = tf.get_collection('eval_net_params')
            self.replace_target_op = [tf.assign(t, e) for t, e in zip(t_params, e_params)]

            if sess is None:
                self.sess = tf.Session()
                self.sess.run(tf.global_variables_initializer())
            else:
                self.sess = sess
            self.cost_his = []

        def _build_net(self):
            def build_layers(s, c_names, n_l1, w_initializer, b_initializer):
                with tf.variable_scope('l1'):
                    w1 = tf.get_variable('w1', [self.n_features, n_l1],
                                         initializer=w_initializer, collections=c_names)
                    b1 = tf.get_variable('b1', [1, n_l1], initializer=b_initializer,
                                         collections=c_names)
                    l1 = tf.nn.relu(tf.matmul(s, w1) + b1)

                with tf.variable_scope('l2'):
                    w2 = tf.get_variable('w2', [n_l1, self.n_actions],
                                         initializer=w_initializer, collections=c_names)
                    b2 = tf.get_variable('b2', [1, self.n_actions],
                                         initializer=b_initializer, collections=c_names)
                    out = tf.matmul(l1, w2) + b2
                return out
            # ------------------ build evaluate_net ------------------
            self.s = tf.placeholder(tf.float32, [None, self.n_features], name='s')  # input
            self.q_target = tf.placeholder(tf.float32, [None, self.n_actions],
                                           name='Q_target')  # for calculating loss

            with tf.variable_scope('eval_net'):
                c_names, n_l1, w_initializer, b_initializer = \
                    ['eval_net_params', tf.GraphKeys.GLOBAL_VARIABLES], 20, \
                    tf.random_normal_initializer(0., 0.3), tf.constant_initializer(0.1)

                self.q_eval = build_layers(self.s, c_names, n_l1, w_initializer,
                                           b_initializer)

            with tf.variable_scope('loss'):
                self.loss = tf.reduce_mean(tf.squared_difference(self.q_target, self.q_eval))
            with tf.variable_scope('train'):
                self._train_op = tf.train.RMSPropOptimizer(self.lr).minimize(self.loss)

            # ------------------ build target_net ------------------
            self.s_ = tf.placeholder(tf.float32, [None, self.n_features], name='s_')  # input
            with tf.variable_scope('target_net'):
                c_names = ['target_net_params', tf.GraphKeys.GLOBAL_VARIABLES]

                self.q_next = build_layers(self.s_, c_names, n_l1, w_initializer,
                                           b_initializer)

        def store_transition(self, s, a, r, s_):
            if not hasattr(self, 'memory_counter'):
                self.memory_counter = 0
            transition = np.hstack((s, [a, r], s_))
            index = self.memory_counter % self.memory_size
            self.memory[index, :] = transition
            self.memory_counter += 1

        def choose_action(self, observation):
            observation = observation[np.newaxis, :]
            actions_value = self.sess.run(self.q_eval, feed_dict={self.s: observation})
            action = np.argmax(actions_value)

            if not hasattr(self, 'q'):  # record action value it gets
                self.q = []
                self.running_q = 0
            self.running_q = self.running_q*0.99 + 0.01 * np.max(actions_value)
            self.q.append(self.running_q)

            if np.random.uniform() > self.epsilon:  # choosing action
                action = np.random.randint(0, self.n_actions)
            return action

        def learn(self):
            if self.learn_step_counter % self.replace_target_iter == 0:
                self.sess.run(self.replace_target_op)

            if self.memory_counter > self.memory_size:
                sample_index = np.random.choice(self.memory_size, size=self.batch_size)
            else:
                sample_index = np.random.choice(self.memory_counter, size=self.batch_size)
            batch_memory = self.memory[sample_index, :]

            q_next, q_eval4next = self.sess.run(
                [self.q_next, self.q_eval],
                feed_dict={self.s_: batch_memory[:, -self.n_features:],    # next observation
                           self.s: batch_memory[:, -self.n_features:]})    # next observation
            q_eval = self.sess.run(self.q_eval, {self.s: batch_memory[:, :self.n_features]})

            q_target = q_eval.copy()

            batch_index = np.arange(self.batch_size, dtype=np.int32)
            eval_act_index = batch_memory[:, self.n_features].astype(int)
            reward = batch_memory[:, self.n_features + 1]

            if self.double_q:
                # the action that brings the highest value is evaluated by q_eval
                max_act4next = np.argmax(q_eval4next, axis=1)
                # Double DQN, select q_next depending on above actions
                selected_q_next = q_next[batch_index, max_act4next]
            else:
                selected_q_next = np.max(q_next, axis=1)    # the natural DQN

            q_target[batch_index, eval_act_index] = reward + self.gamma * selected_q_next

            _, self.cost = self.sess.run([self._train_op, self.loss],
                                         feed_dict={self.s: batch_memory[:, :self.n_features],
                                                    self.q_target: q_target})
            self.cost_his.append(self.cost)

            self.epsilon = (self.epsilon + self.epsilon_increment
                            if self.epsilon < self.epsilon_max else self.epsilon_max)
            self.learn_step_counter += 1

    env = Pendulum(seed=1)
    MEMORY_SIZE = 300
    ACTION_SPACE = 11

    sess = tf.Session()
    with tf.variable_scope('Natural_DQN'):
        natural_DQN = DoubleDQN(
            n_actions=ACTION_SPACE, n_features=3, memory_size=MEMORY_SIZE,
            e_greedy_increment=0.001, double_q=False, sess=sess
        )

    with tf.variable_scope('Double_DQN'):
        double_DQN = DoubleDQN(
            n_actions=ACTION_SPACE, n_features=3, memory_size=MEMORY_SIZE,
            e_greedy_increment=0.001, double_q=True, sess=sess, output_graph=True)

    sess.run(tf.global_variables_initializer())

    def train(RL):
        total_steps = 0
        observation = env.reset()
        while True:
            action = RL.choose_action(observation)

            # convert to [-2 ~ 2] float actions
            f_action = (action-(ACTION_SPACE-1)/2)/((ACTION_SPACE-1)/4)
            observation_, reward, done, info = env.step(np.array([f_action]))

            reward /= 10     # normalize to a range of (-1, 0). r = 0 when get upright

            RL.store_transition(observation, action, reward, observation_)

            if total_steps > MEMORY_SIZE:   # learning
                RL.learn()

            if total_steps - MEMORY_SIZE > 200:   # stop game
                break

            observation = observation_
            total_steps += 1
        return RL.q

    q_natural = train(natural_DQN)
    q_double = train(double_DQN)

    weights = sess.run(tf.global_variables())
    return {"natural_q_last": float(q_natural[-1]), "double_q_last": float(q_double[-1]),
            "natural_q_sum": float(np.sum(q_natural)), "double_q_sum": float(np.sum(q_double)),
            "natural_cost_sum_1e3": float(np.sum(natural_DQN.cost_his)) * 1e3,
            "double_cost_sum_1e3": float(np.sum(double_DQN.cost_his)) * 1e3,
            "weight_sum": float(sum(np.sum(np.abs(w)) for w in weights)),
            "learn_steps": [natural_DQN.learn_step_counter, double_DQN.learn_step_counter],
            "eval_params": len(tf.get_collection('eval_net_params'))}
