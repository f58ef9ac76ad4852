"""Actor-critic with the TD error as the advantage, on the cart-pole, from MorvanZhou's
"Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/8_Actor_Critic_Advantage/AC_CartPole.py``). An ``Actor`` and a ``Critic`` in one
graph and session, each with ``[1, n_features]`` state placeholders of the same name
(uniquified), ``tf.layers.dense`` layers under ``variable_scope``s with
``random_normal_initializer(0., .1)`` kernels; the actor's ``log(acts_prob[0, self.a])``
indexed by a scalar ``int32`` placeholder of unknown shape (fed NumPy int64 actions) times
a ``td_error`` placeholder fed the critic's ``[1, 1]`` TD error, maximized through
``AdamOptimizer(0.001).minimize(-exp_v)``; the critic's squared TD error
``r + GAMMA * v_ - v`` with ``r`` fed a Python float, ``AdamOptimizer(0.01)``; one
update of each per step.

Adapted: gym's ``CartPole-v0`` is :class:`rl_envs.CartPole` (the same dynamics, seeded 1
as ``env.seed(1)``); 8 episodes instead of 3000; the prints and the rendering switch left
out. The results are the running reward the script prints, the episodes' lengths, the
last TD error and ``exp_v`` and the learned values on a fixed state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import CartPole

# The episodes are the same on both backends as long as no np.random.choice draw falls
# within float rounding (~1e-7) of a probability boundary: compared exactly. The values
# carry float32 rounding through ~200 Adam steps per net: 1e-4 relative.
COMPARE = {"running_reward": 1e-9, "episode_lengths": 0.0, "td_error_last": 1e-4,
           "exp_v_last": 1e-4, "v_fixed_state": 1e-4, "prob_fixed_state": 1e-4}


def main(tf):
    np.random.seed(2)
    tf.set_random_seed(2)  # reproducible

    # Superparameters
    MAX_EPISODE = 8
    MAX_EP_STEPS = 1000   # maximum time step in one episode
    GAMMA = 0.9     # reward discount in TD error
    LR_A = 0.001    # learning rate for actor
    LR_C = 0.01     # learning rate for critic

    env = CartPole(seed=1)  # reproducible

    N_F = env.observation_space.shape[0]
    N_A = env.action_space.n

    class Actor:
        def __init__(self, sess, n_features, n_actions, lr=0.001):
            self.sess = sess

            self.s = tf.placeholder(tf.float32, [1, n_features], "state")
            self.a = tf.placeholder(tf.int32, None, "act")
            self.td_error = tf.placeholder(tf.float32, None, "td_error")  # TD_error

            with tf.variable_scope('Actor'):
                l1 = tf.layers.dense(
                    inputs=self.s,
                    units=20,    # number of hidden units
                    activation=tf.nn.relu,
                    kernel_initializer=tf.random_normal_initializer(0., .1),    # weights
                    bias_initializer=tf.constant_initializer(0.1),  # biases
                    name='l1'
                )

                self.acts_prob = tf.layers.dense(
                    inputs=l1,
                    units=n_actions,    # output units
                    activation=tf.nn.softmax,   # get action probabilities
                    kernel_initializer=tf.random_normal_initializer(0., .1),  # weights
                    bias_initializer=tf.constant_initializer(0.1),  # biases
                    name='acts_prob'
                )

            with tf.variable_scope('exp_v'):
                log_prob = tf.log(self.acts_prob[0, self.a])
                # advantage (TD_error) guided loss
                self.exp_v = tf.reduce_mean(log_prob * self.td_error)

            with tf.variable_scope('train'):
                # minimize(-exp_v) = maximize(exp_v)
                self.train_op = tf.train.AdamOptimizer(lr).minimize(-self.exp_v)

        def learn(self, s, a, td):
            s = s[np.newaxis, :]
            feed_dict = {self.s: s, self.a: a, self.td_error: td}
            _, exp_v = self.sess.run([self.train_op, self.exp_v], feed_dict)
            return exp_v

        def choose_action(self, s):
            s = s[np.newaxis, :]
            # get probabilities for all actions
            probs = self.sess.run(self.acts_prob, {self.s: s})
            return np.random.choice(np.arange(probs.shape[1]), p=probs.ravel())   # return a int

    class Critic:
        def __init__(self, sess, n_features, lr=0.01):
            self.sess = sess

            self.s = tf.placeholder(tf.float32, [1, n_features], "state")
            self.v_ = tf.placeholder(tf.float32, [1, 1], "v_next")
            self.r = tf.placeholder(tf.float32, None, 'r')

            with tf.variable_scope('Critic'):
                l1 = tf.layers.dense(
                    inputs=self.s,
                    units=20,  # number of hidden units
                    activation=tf.nn.relu,  # None
                    # have to be linear to make sure the convergence of actor.
                    # But linear approximator seems hardly learns the correct Q.
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
                self.td_error = self.r + GAMMA * self.v_ - self.v
                self.loss = tf.square(self.td_error)    # TD_error = (r+gamma*V_next) - V_eval
            with tf.variable_scope('train'):
                self.train_op = tf.train.AdamOptimizer(lr).minimize(self.loss)

        def learn(self, s, r, s_):
            s, s_ = s[np.newaxis, :], s_[np.newaxis, :]

            v_ = self.sess.run(self.v, {self.s: s_})
            td_error, _ = self.sess.run([self.td_error, self.train_op],
                                        {self.s: s, self.v_: v_, self.r: r})
            return td_error

    sess = tf.Session()

    actor = Actor(sess, n_features=N_F, n_actions=N_A, lr=LR_A)
    # we need a good teacher, so the teacher should learn faster than the actor
    critic = Critic(sess, n_features=N_F, lr=LR_C)

    sess.run(tf.global_variables_initializer())

    running_reward = None
    episode_lengths = []
    for _i_episode in range(MAX_EPISODE):
        s = env.reset()
        t = 0
        track_r = []
        while True:
            a = actor.choose_action(s)

            s_, r, done, info = env.step(a)

            if done: r = -20  # noqa: E701

            track_r.append(r)

            # gradient = grad[r + gamma * V(s_) - V(s)]
            td_error = critic.learn(s, r, s_)
            # true_gradient = grad[logPi(s,a) * td_error]
            exp_v = actor.learn(s, a, td_error)

            s = s_
            t += 1

            if done or t >= MAX_EP_STEPS:
                ep_rs_sum = sum(track_r)

                if running_reward is None:
                    running_reward = ep_rs_sum
                else:
                    running_reward = running_reward * 0.95 + ep_rs_sum * 0.05
                episode_lengths.append(t)
                break

    state = np.array([[0.01, -0.2, 0.03, 0.3]], np.float32)
    v = sess.run(critic.v, {critic.s: state})
    probs = sess.run(actor.acts_prob, {actor.s: state})
    return {"running_reward": float(running_reward), "episode_lengths": episode_lengths,
            "td_error_last": float(np.ravel(td_error)[0]), "exp_v_last": float(exp_v),
            "v_fixed_state": float(v[0, 0]), "prob_fixed_state": float(probs[0, 0])}
