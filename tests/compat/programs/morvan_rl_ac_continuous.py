"""Actor-critic with a continuous (Gaussian) action on the pendulum, from MorvanZhou's
"Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/8_Actor_Critic_Advantage/AC_continue_Pendulum.py``). The actor's
``tf.distributions.Normal(tf.squeeze(mu * 2), tf.squeeze(sigma + 0.1))`` over dense
layers; actions ``tf.clip_by_value(normal_dist.sample(1), -A_BOUND, A_BOUND)`` with
NumPy-array bounds (the sample is a seeded ``random_normal``: TF's Philox numbers on both
backends); ``exp_v = log_prob(a) * td_error + 0.01 * entropy()`` of shape ``[1]`` (not a
scalar) maximized by ``AdamOptimizer(0.001).minimize(-exp_v, global_step)`` with the
global step passed by position; the critic's squared ``reduce_mean`` TD error under
``name_scope('inputs')`` placeholders, ``AdamOptimizer(0.01)``.

Adapted: gym's ``Pendulum-v0`` is :class:`rl_envs.Pendulum` (the same dynamics, seeded 1
as ``env.seed(1)``); 1 episode instead of 1000; the rendering, the print and the
``globals()`` check for the running reward (a ``None`` start instead) left out. The
results are the running reward, the last TD error and ``exp_v``, the actor's global step
and the learned distribution on a fixed state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import Pendulum

# The actions are continuous (Philox normal samples, the same on both backends, scaled
# and shifted by the nets' outputs), so float rounding moves the trajectory by ~1e-7
# relative; through ~200 Adam steps per net that stays near 1e-6 (measured); 1e-3
# relative leaves room (the TD error and exp_v, below 1, are checked to 1e-5 absolute:
# they differ by ~1e-8).
COMPARE = {"running_reward": 1e-3, "td_error_last": 1e-5, "exp_v_last": 1e-5,
           "global_step": 0.0, "mu_fixed_state": 1e-3, "sigma_fixed_state": 1e-3,
           "action_shape": 0.0}


def main(tf):
    np.random.seed(2)
    tf.set_random_seed(2)  # reproducible

    class Actor:
        def __init__(self, sess, n_features, action_bound, lr=0.0001):
            self.sess = sess

            self.s = tf.placeholder(tf.float32, [1, n_features], "state")
            self.a = tf.placeholder(tf.float32, None, name="act")
            self.td_error = tf.placeholder(tf.float32, None, name="td_error")  # TD_error

            l1 = tf.layers.dense(
                inputs=self.s,
                units=30,  # number of hidden units
                activation=tf.nn.relu,
                kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                bias_initializer=tf.constant_initializer(0.1),  # biases
                name='l1'
            )

            mu = tf.layers.dense(
                inputs=l1,
                units=1,  # number of hidden units
                activation=tf.nn.tanh,
                kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                bias_initializer=tf.constant_initializer(0.1),  # biases
                name='mu'
            )

            sigma = tf.layers.dense(
                inputs=l1,
                units=1,  # output units
                activation=tf.nn.softplus,  # get action probabilities
                kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                bias_initializer=tf.constant_initializer(1.),  # biases
                name='sigma'
            )
            global_step = tf.Variable(0, trainable=False)
            self.global_step = global_step
            self.mu, self.sigma = tf.squeeze(mu*2), tf.squeeze(sigma+0.1)
            self.normal_dist = tf.distributions.Normal(self.mu, self.sigma)

            self.action = tf.clip_by_value(self.normal_dist.sample(1), action_bound[0],
                                           action_bound[1])

            with tf.name_scope('exp_v'):
                log_prob = self.normal_dist.log_prob(self.a)  # loss without advantage
                self.exp_v = log_prob * self.td_error  # advantage (TD_error) guided loss
                # Add cross entropy cost to encourage exploration
                self.exp_v += 0.01*self.normal_dist.entropy()

            with tf.name_scope('train'):
                # min(v) = max(-v)
                self.train_op = tf.train.AdamOptimizer(lr).minimize(-self.exp_v, global_step)

        def learn(self, s, a, td):
            s = s[np.newaxis, :]
            feed_dict = {self.s: s, self.a: a, self.td_error: td}
            _, exp_v = self.sess.run([self.train_op, self.exp_v], feed_dict)
            return exp_v

        def choose_action(self, s):
            s = s[np.newaxis, :]
            return self.sess.run(self.action, {self.s: s})  # get probabilities for all actions

    class Critic:
        def __init__(self, sess, n_features, lr=0.01):
            self.sess = sess
            with tf.name_scope('inputs'):
                self.s = tf.placeholder(tf.float32, [1, n_features], "state")
                self.v_ = tf.placeholder(tf.float32, [1, 1], name="v_next")
                self.r = tf.placeholder(tf.float32, name='r')

            with tf.variable_scope('Critic'):
                l1 = tf.layers.dense(
                    inputs=self.s,
                    units=30,  # number of hidden units
                    activation=tf.nn.relu,
                    kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                    bias_initializer=tf.constant_initializer(0.1),  # biases
                    name='l1'
                )

                self.v = tf.layers.dense(
                    inputs=l1,
                    units=1,  # output units
                    activation=None,
                    kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                    bias_initializer=tf.constant_initializer(0.1),  # biases
                    name='V'
                )

            with tf.variable_scope('squared_TD_error'):
                self.td_error = tf.reduce_mean(self.r + GAMMA * self.v_ - self.v)
                self.loss = tf.square(self.td_error)    # TD_error = (r+gamma*V_next) - V_eval
            with tf.variable_scope('train'):
                self.train_op = tf.train.AdamOptimizer(lr).minimize(self.loss)

        def learn(self, s, r, s_):
            s, s_ = s[np.newaxis, :], s_[np.newaxis, :]

            v_ = self.sess.run(self.v, {self.s: s_})
            td_error, _ = self.sess.run([self.td_error, self.train_op],
                                        {self.s: s, self.v_: v_, self.r: r})
            return td_error

    MAX_EPISODE = 1
    MAX_EP_STEPS = 200
    GAMMA = 0.9
    LR_A = 0.001    # learning rate for actor
    LR_C = 0.01     # learning rate for critic

    env = Pendulum(seed=1)  # reproducible

    N_S = env.observation_space.shape[0]
    A_BOUND = env.action_space.high

    sess = tf.Session()

    actor = Actor(sess, n_features=N_S, lr=LR_A, action_bound=[-A_BOUND, A_BOUND])
    critic = Critic(sess, n_features=N_S, lr=LR_C)

    sess.run(tf.global_variables_initializer())

    running_reward = None
    for _i_episode in range(MAX_EPISODE):
        s = env.reset()
        t = 0
        ep_rs = []
        while True:
            a = actor.choose_action(s)

            s_, r, done, info = env.step(a)
            r /= 10

            td_error = critic.learn(s, r, s_)  # gradient = grad[r + gamma * V(s_) - V(s)]
            exp_v = actor.learn(s, a, td_error)  # true_gradient = grad[logPi(s,a) * td_error]

            s = s_
            t += 1
            ep_rs.append(r)
            if t > MAX_EP_STEPS:
                ep_rs_sum = sum(ep_rs)
                if running_reward is None:
                    running_reward = ep_rs_sum
                else:
                    running_reward = running_reward * 0.9 + ep_rs_sum * 0.1
                break

    state = np.array([[0.6, -0.8, 0.5]], np.float32)
    mu, sigma, step = sess.run([actor.mu, actor.sigma, actor.global_step], {actor.s: state})
    return {"running_reward": float(running_reward), "td_error_last": float(td_error),
            "exp_v_last": float(np.ravel(exp_v)[0]), "global_step": int(step),
            "mu_fixed_state": float(mu), "sigma_fixed_state": float(sigma),
            "action_shape": list(np.shape(a))}
