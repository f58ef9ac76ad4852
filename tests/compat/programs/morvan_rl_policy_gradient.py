"""REINFORCE (softmax policy gradient) on the cart-pole, from MorvanZhou's
"Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/7_Policy_gradient_softmax``: ``RL_brain.py``'s ``PolicyGradient`` and
``run_CartPole.py``). Placeholders under ``name_scope('inputs')`` (an ``int32`` action
vector of unknown length), two ``tf.layers.dense`` layers (tanh, then linear) with
``random_normal_initializer(mean=0, stddev=0.3)`` kernels and ``constant_initializer(0.1)``
biases, ``tf.nn.softmax`` for the action probabilities, the loss
``reduce_mean(sparse_softmax_cross_entropy_with_logits(...) * vt)`` minimized by
``AdamOptimizer(0.02)`` once per episode on the discounted, normalized returns; actions
drawn with ``np.random.choice(..., p=probabilities)``.

Adapted: gym's ``CartPole-v0`` is :class:`rl_envs.CartPole` (the same dynamics, seeded 1
as ``env.seed(1)``); 12 episodes instead of 3000; the prints, the rendering switch and the
plot of the first episode's returns left out. The results are the running reward the
script prints, the episodes' lengths, the first episode's normalized returns (what the
plot shows) and the learned policy on a fixed state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import CartPole

# The episodes are the same on both backends as long as no np.random.choice draw falls
# within float rounding (~1e-7) of a probability boundary: compared exactly. The learned
# probabilities carry float32 rounding through 12 Adam steps: 1e-5 relative.
COMPARE = {"running_reward": 1e-9, "episode_lengths": 0.0, "vt_first_0": 1e-9,
           "probs_fixed_state": 1e-5, "weight_sum": 1e-5}


def main(tf):
    # reproducible
    np.random.seed(1)
    tf.set_random_seed(1)

    class PolicyGradient:
        def __init__(
                self,
                n_actions,
                n_features,
                learning_rate=0.01,
                reward_decay=0.95,
                output_graph=False,
        ):
            self.n_actions = n_actions
            self.n_features = n_features
            self.lr = learning_rate
            self.gamma = reward_decay

            self.ep_obs, self.ep_as, self.ep_rs = [], [], []

            self._build_net()

            self.sess = tf.Session()

            self.sess.run(tf.global_variables_initializer())

        def _build_net(self):
            with tf.name_scope('inputs'):
                self.tf_obs = tf.placeholder(tf.float32, [None, self.n_features],
                                             name="observations")
                self.tf_acts = tf.placeholder(tf.int32, [None, ], name="actions_num")
                self.tf_vt = tf.placeholder(tf.float32, [None, ], name="actions_value")
            # fc1
            layer = tf.layers.dense(
                inputs=self.tf_obs,
                units=10,
                activation=tf.nn.tanh,  # tanh activation
                kernel_initializer=tf.random_normal_initializer(mean=0, stddev=0.3),
                bias_initializer=tf.constant_initializer(0.1),
                name='fc1'
            )
            # fc2
            all_act = tf.layers.dense(
                inputs=layer,
                units=self.n_actions,
                activation=None,
                kernel_initializer=tf.random_normal_initializer(mean=0, stddev=0.3),
                bias_initializer=tf.constant_initializer(0.1),
                name='fc2'
            )

            # use softmax to convert to probability
            self.all_act_prob = tf.nn.softmax(all_act, name='act_prob')

            with tf.name_scope('loss'):
                # to maximize total reward (log_p * R) is to minimize -(log_p * R)
                neg_log_prob = tf.nn.sparse_softmax_cross_entropy_with_logits(
                    logits=all_act, labels=self.tf_acts)   # this is negative log of chosen action
                loss = tf.reduce_mean(neg_log_prob * self.tf_vt)  # reward guided loss

            with tf.name_scope('train'):
                self.train_op = tf.train.AdamOptimizer(self.lr).minimize(loss)

        def choose_action(self, observation):
            prob_weights = self.sess.run(self.all_act_prob,
                                         feed_dict={self.tf_obs: observation[np.newaxis, :]})
            # select action w.r.t the actions prob
            action = np.random.choice(range(prob_weights.shape[1]), p=prob_weights.ravel())
            return action

        def store_transition(self, s, a, r):
            self.ep_obs.append(s)
            self.ep_as.append(a)
            self.ep_rs.append(r)

        def learn(self):
            # discount and normalize episode reward
            discounted_ep_rs_norm = self._discount_and_norm_rewards()

            # train on episode
            self.sess.run(self.train_op, feed_dict={
                 self.tf_obs: np.vstack(self.ep_obs),  # shape=[None, n_obs]
                 self.tf_acts: np.array(self.ep_as),  # shape=[None, ]
                 self.tf_vt: discounted_ep_rs_norm,  # shape=[None, ]
            })

            self.ep_obs, self.ep_as, self.ep_rs = [], [], []    # empty episode data
            return discounted_ep_rs_norm

        def _discount_and_norm_rewards(self):
            # discount episode rewards
            discounted_ep_rs = np.zeros_like(self.ep_rs)
            running_add = 0
            for t in reversed(range(0, len(self.ep_rs))):
                running_add = running_add * self.gamma + self.ep_rs[t]
                discounted_ep_rs[t] = running_add

            # normalize episode rewards
            discounted_ep_rs -= np.mean(discounted_ep_rs)
            discounted_ep_rs /= np.std(discounted_ep_rs)
            return discounted_ep_rs

    env = CartPole(seed=1)

    RL = PolicyGradient(
        n_actions=env.action_space.n,
        n_features=env.observation_space.shape[0],
        learning_rate=0.02,
        reward_decay=0.99,
    )

    running_reward = None
    episode_lengths = []
    for i_episode in range(12):

        observation = env.reset()

        while True:
            action = RL.choose_action(observation)

            observation_, reward, done, info = env.step(action)

            RL.store_transition(observation, action, reward)

            if done:
                ep_rs_sum = sum(RL.ep_rs)
                episode_lengths.append(len(RL.ep_rs))

                if running_reward is None:
                    running_reward = ep_rs_sum
                else:
                    running_reward = running_reward * 0.99 + ep_rs_sum * 0.01

                vt = RL.learn()

                if i_episode == 0:
                    vt_first = vt    # plotted by the script
                break

            observation = observation_

    state = np.array([[0.01, -0.2, 0.03, 0.3]], np.float32)
    probs = RL.sess.run(RL.all_act_prob, {RL.tf_obs: state})
    weights = RL.sess.run(tf.trainable_variables())
    return {"running_reward": float(running_reward), "episode_lengths": episode_lengths,
            "vt_first_0": float(vt_first[0]),
            "probs_fixed_state": float(probs[0, 0]),
            "weight_sum": float(sum(np.sum(np.abs(w)) for w in weights))}
