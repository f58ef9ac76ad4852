"""Deep deterministic policy gradient on the pendulum, from MorvanZhou's
"Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/9_Deep_Deterministic_Policy_Gradient_DDPG/DDPG_update.py``). Actor and critic,
each an eval and a target net under ``variable_scope``s: ``tf.layers.dense`` layers (some
``trainable=False``) and ``tf.get_variable`` weights with no initializer (TF's default
Glorot uniform) and ``trainable=False`` for the targets; the parameter lists from
``tf.get_collection(GLOBAL_VARIABLES, scope='Actor/eval')``; soft target updates
``tf.assign(t, (1 - TAU) * t + TAU * e)``; the critic's ``tf.losses.mean_squared_error``
and the actor's ``-reduce_mean(q)`` minimized by ``AdamOptimizer`` with ``var_list``s; the
critic trained by *feeding the actor's output tensor* ``self.a`` with stored actions.

Adapted: gym's ``Pendulum-v0`` is :class:`rl_envs.Pendulum` (the same dynamics, seeded 1
as ``env.seed(1)``); seeds added (``np.random.seed(1)``, ``tf.set_random_seed(1)``: the
script sets none); ``MEMORY_CAPACITY`` 200 instead of 10000 and 2 episodes of 200 steps
instead of 200 episodes; the prints, timing and rendering left out. The results are the
episodes' rewards, the exploration variance and the learned nets' values on a fixed
state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import Pendulum

# The actions are continuous (actor output plus NumPy noise), so float rounding moves the
# trajectory by ~1e-7 relative; through 200 Adam steps of both nets that grows to about
# 1e-5 (measured); 1e-3 relative leaves room.
COMPARE = {"ep_rewards": 1e-3, "var": 1e-9, "action_fixed_state": 1e-3,
           "q_fixed_state": 1e-3, "weight_sum": 1e-3, "pointer": 0.0, "param_counts": 0.0}


def main(tf):
    np.random.seed(1)
    tf.set_random_seed(1)

    #####################  hyper parameters  ####################

    MAX_EPISODES = 2
    MAX_EP_STEPS = 200
    LR_A = 0.001    # learning rate for actor
    LR_C = 0.002    # learning rate for critic
    GAMMA = 0.9     # reward discount
    TAU = 0.01      # soft replacement
    MEMORY_CAPACITY = 200
    BATCH_SIZE = 32

    ###############################  DDPG  ####################################

    class DDPG:
        def __init__(self, a_dim, s_dim, a_bound,):
            self.memory = np.zeros((MEMORY_CAPACITY, s_dim * 2 + a_dim + 1), dtype=np.float32)
            self.pointer = 0
            self.sess = tf.Session()

            self.a_dim, self.s_dim, self.a_bound = a_dim, s_dim, a_bound,
            self.S = tf.placeholder(tf.float32, [None, s_dim], 's')
            self.S_ = tf.placeholder(tf.float32, [None, s_dim], 's_')
            self.R = tf.placeholder(tf.float32, [None, 1], 'r')

            with tf.variable_scope('Actor'):
                self.a = self._build_a(self.S, scope='eval', trainable=True)
                a_ = self._build_a(self.S_, scope='target', trainable=False)
            with tf.variable_scope('Critic'):
                # assign self.a = a in memory when calculating q for td_error,
                # otherwise the self.a is from Actor when updating Actor
                q = self._build_c(self.S, self.a, scope='eval', trainable=True)
                q_ = self._build_c(self.S_, a_, scope='target', trainable=False)
            self.q = q

            # networks parameters
            self.ae_params = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope='Actor/eval')
            self.at_params = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES,
                                               scope='Actor/target')
            self.ce_params = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES,
                                               scope='Critic/eval')
            self.ct_params = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES,
                                               scope='Critic/target')

            # target net replacement
            self.soft_replace = [tf.assign(t, (1 - TAU) * t + TAU * e)
                                 for t, e in zip(self.at_params + self.ct_params,
                                                 self.ae_params + self.ce_params)]

            q_target = self.R + GAMMA * q_
            # in the feed_dic for the td_error, the self.a should change to actions in memory
            td_error = tf.losses.mean_squared_error(labels=q_target, predictions=q)
            self.ctrain = tf.train.AdamOptimizer(LR_C).minimize(td_error,
                                                                var_list=self.ce_params)

            a_loss = - tf.reduce_mean(q)    # maximize the q
            self.atrain = tf.train.AdamOptimizer(LR_A).minimize(a_loss, var_list=self.ae_params)

            self.sess.run(tf.global_variables_initializer())

        def choose_action(self, s):
            return self.sess.run(self.a, {self.S: s[np.newaxis, :]})[0]

        def learn(self):
            # soft target replacement
            self.sess.run(self.soft_replace)

            indices = np.random.choice(MEMORY_CAPACITY, size=BATCH_SIZE)
            bt = self.memory[indices, :]
            bs = bt[:, :self.s_dim]
            ba = bt[:, self.s_dim: self.s_dim + self.a_dim]
            br = bt[:, -self.s_dim - 1: -self.s_dim]
            bs_ = bt[:, -self.s_dim:]

            self.sess.run(self.atrain, {self.S: bs})
            self.sess.run(self.ctrain, {self.S: bs, self.a: ba, self.R: br, self.S_: bs_})

        def store_transition(self, s, a, r, s_):
            transition = np.hstack((s, a, [r], s_))
            index = self.pointer % MEMORY_CAPACITY  # replace the old memory with new memory
            self.memory[index, :] = transition
            self.pointer += 1

        def _build_a(self, s, scope, trainable):
            with tf.variable_scope(scope):
                net = tf.layers.dense(s, 30, activation=tf.nn.relu, name='l1',
                                      trainable=trainable)
                a = tf.layers.dense(net, self.a_dim, activation=tf.nn.tanh, name='a',
                                    trainable=trainable)
                return tf.multiply(a, self.a_bound, name='scaled_a')

        def _build_c(self, s, a, scope, trainable):
            with tf.variable_scope(scope):
                n_l1 = 30
                w1_s = tf.get_variable('w1_s', [self.s_dim, n_l1], trainable=trainable)
                w1_a = tf.get_variable('w1_a', [self.a_dim, n_l1], trainable=trainable)
                b1 = tf.get_variable('b1', [1, n_l1], trainable=trainable)
                net = tf.nn.relu(tf.matmul(s, w1_s) + tf.matmul(a, w1_a) + b1)
                return tf.layers.dense(net, 1, trainable=trainable)  # Q(s,a)

    ###############################  training  ####################################

    env = Pendulum(seed=1)

    s_dim = env.observation_space.shape[0]
    a_dim = env.action_space.shape[0]
    a_bound = env.action_space.high

    ddpg = DDPG(a_dim, s_dim, a_bound)

    var = 3  # control exploration
    ep_rewards = []
    for _i in range(MAX_EPISODES):
        s = env.reset()
        ep_reward = 0
        for j in range(MAX_EP_STEPS):
            # Add exploration noise
            a = ddpg.choose_action(s)
            # add randomness to action selection for exploration
            a = np.clip(np.random.normal(a, var), -2, 2)
            s_, r, done, info = env.step(a)

            ddpg.store_transition(s, a, r / 10, s_)

            if ddpg.pointer > MEMORY_CAPACITY:
                var *= .9995    # decay the action randomness
                ddpg.learn()

            s = s_
            ep_reward += r
            if j == MAX_EP_STEPS-1:
                ep_rewards.append(float(ep_reward))
                break

    state = np.array([[0.6, -0.8, 0.5]], np.float32)
    action, q = ddpg.sess.run([ddpg.a, ddpg.q], {ddpg.S: state})
    weights = ddpg.sess.run(tf.global_variables())
    return {"ep_rewards": float(sum(ep_rewards)), "var": float(var),
            "action_fixed_state": float(action[0, 0]), "q_fixed_state": float(q[0, 0]),
            "weight_sum": float(sum(np.sum(np.abs(w)) for w in weights)),
            "pointer": ddpg.pointer,
            "param_counts": [len(ddpg.ae_params), len(ddpg.at_params), len(ddpg.ce_params),
                             len(ddpg.ct_params), len(tf.trainable_variables())]}
