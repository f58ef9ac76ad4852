"""One-step actor-critic on the cliff walk, from dennybritz's "reinforcement-learning"
(github.com/dennybritz/reinforcement-learning at commit
2b832284894a65eccdd82353cc446f68d100676e, ``PolicyGradient/CliffWalk Actor Critic
Solution.ipynb``). Table-lookup estimators: an ``int32`` scalar state placeholder turned
into ``tf.one_hot(state, 48)``, ``tf.contrib.layers.fully_connected`` on
``tf.expand_dims(..., 0)`` with ``weights_initializer=tf.zeros_initializer`` (the class,
not an instance) and no activation; the policy's ``tf.squeeze(tf.nn.softmax(...))`` and
``tf.gather(action_probs, action)`` with a shapeless ``int32`` action placeholder, loss
``-log(picked) * target``; the value's ``squared_difference``; both ``AdamOptimizer``s
stepping a ``global_step`` made by ``tf.Variable(0, name="global_step")`` and found by
``tf.contrib.framework.get_global_step()`` (by its name: it is in no collection); the
estimators' ``predict`` / ``update`` use ``tf.get_default_session()`` inside
``with tf.Session()``; ``tf.initialize_all_variables()``.

Adapted: ``lib.envs.cliff_walking`` is :class:`rl_envs.CliffWalking` (the same grid);
``lib.plotting.EpisodeStats`` is the namedtuple it defines; ``np.random.seed(0)`` added;
12 episodes instead of 300; ``tf.reset_default_graph()`` left out (the program runs in a
fresh graph, inside which TF forbids it); the step print and the plots left out. Under TF 2.x the
stand-ins of :mod:`tf_contrib` give ``fully_connected`` (tf_slim) and
``tf.train.get_global_step`` (what ``contrib.framework.get_global_step`` was an alias
of). The results are the episode statistics, the global step and the learned tables.
"""

from __future__ import annotations

import collections
import itertools

import numpy as np

from tests.compat.programs.rl_envs import CliffWalking
from tests.compat.programs.tf_contrib import contrib

# Zero initial weights give uniform probabilities (exactly 0.25 on both backends); the
# later action draws are the same unless one falls within float rounding of a boundary:
# episode statistics compared exactly. The tables carry float32 rounding through a few
# hundred Adam steps: 1e-4 relative.
COMPARE = {"episode_lengths": 0.0, "episode_rewards": 0.0, "global_step": 0.0,
           "value_table_sum": 1e-4, "policy_start_probs": 1e-4, "weights_abs_sum": 1e-4}

EpisodeStats = collections.namedtuple("Stats", ["episode_lengths", "episode_rewards"])


def main(tf):
    np.random.seed(0)
    tfc = contrib(tf)
    get_global_step = getattr(tfc.framework, "get_global_step", tf.train.get_global_step)

    env = CliffWalking()

    class PolicyEstimator:
        """
        Policy Function approximator.
        """

        def __init__(self, learning_rate=0.01, scope="policy_estimator"):
            with tf.variable_scope(scope):
                self.state = tf.placeholder(tf.int32, [], "state")
                self.action = tf.placeholder(dtype=tf.int32, name="action")
                self.target = tf.placeholder(dtype=tf.float32, name="target")

                # This is just table lookup estimator
                state_one_hot = tf.one_hot(self.state, int(env.observation_space.n))
                self.output_layer = tfc.layers.fully_connected(
                    inputs=tf.expand_dims(state_one_hot, 0),
                    num_outputs=env.action_space.n,
                    activation_fn=None,
                    weights_initializer=tf.zeros_initializer)

                self.action_probs = tf.squeeze(tf.nn.softmax(self.output_layer))
                self.picked_action_prob = tf.gather(self.action_probs, self.action)

                # Loss and train op
                self.loss = -tf.log(self.picked_action_prob) * self.target

                self.optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
                self.train_op = self.optimizer.minimize(
                    self.loss, global_step=get_global_step())

        def predict(self, state, sess=None):
            sess = sess or tf.get_default_session()
            return sess.run(self.action_probs, {self.state: state})

        def update(self, state, target, action, sess=None):
            sess = sess or tf.get_default_session()
            feed_dict = {self.state: state, self.target: target, self.action: action}
            _, loss = sess.run([self.train_op, self.loss], feed_dict)
            return loss

    class ValueEstimator:
        """
        Value Function approximator.
        """

        def __init__(self, learning_rate=0.1, scope="value_estimator"):
            with tf.variable_scope(scope):
                self.state = tf.placeholder(tf.int32, [], "state")
                self.target = tf.placeholder(dtype=tf.float32, name="target")

                # This is just table lookup estimator
                state_one_hot = tf.one_hot(self.state, int(env.observation_space.n))
                self.output_layer = tfc.layers.fully_connected(
                    inputs=tf.expand_dims(state_one_hot, 0),
                    num_outputs=1,
                    activation_fn=None,
                    weights_initializer=tf.zeros_initializer)

                self.value_estimate = tf.squeeze(self.output_layer)
                self.loss = tf.squared_difference(self.value_estimate, self.target)

                self.optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
                self.train_op = self.optimizer.minimize(
                    self.loss, global_step=get_global_step())

        def predict(self, state, sess=None):
            sess = sess or tf.get_default_session()
            return sess.run(self.value_estimate, {self.state: state})

        def update(self, state, target, sess=None):
            sess = sess or tf.get_default_session()
            feed_dict = {self.state: state, self.target: target}
            _, loss = sess.run([self.train_op, self.loss], feed_dict)
            return loss

    def actor_critic(env, estimator_policy, estimator_value, num_episodes,
                     discount_factor=1.0):
        """
        Actor Critic Algorithm. Optimizes the policy
        function approximator using policy gradient.

        Args:
            env: OpenAI environment.
            estimator_policy: Policy Function to be optimized
            estimator_value: Value function approximator, used as a critic
            num_episodes: Number of episodes to run for
            discount_factor: Time-discount factor

        Returns:
            An EpisodeStats object with two numpy arrays for episode_lengths and
            episode_rewards.
        """

        # Keeps track of useful statistics
        stats = EpisodeStats(
            episode_lengths=np.zeros(num_episodes),
            episode_rewards=np.zeros(num_episodes))

        Transition = collections.namedtuple("Transition", ["state", "action", "reward",
                                                           "next_state", "done"])

        for i_episode in range(num_episodes):
            # Reset the environment and pick the fisrst action
            state = env.reset()

            episode = []

            # One step in the environment
            for t in itertools.count():

                # Take a step
                action_probs = estimator_policy.predict(state)
                action = np.random.choice(np.arange(len(action_probs)), p=action_probs)
                next_state, reward, done, _ = env.step(action)

                # Keep track of the transition
                episode.append(Transition(
                  state=state, action=action, reward=reward, next_state=next_state,
                  done=done))

                # Update statistics
                stats.episode_rewards[i_episode] += reward
                stats.episode_lengths[i_episode] = t

                # Calculate TD Target
                value_next = estimator_value.predict(next_state)
                td_target = reward + discount_factor * value_next
                td_error = td_target - estimator_value.predict(state)

                # Update the value estimator
                estimator_value.update(state, td_target)

                # Update the policy estimator
                # using the td error as our advantage estimate
                estimator_policy.update(state, td_error, action)

                if done:
                    break

                state = next_state

        return stats

    global_step = tf.Variable(0, name="global_step", trainable=False)
    policy_estimator = PolicyEstimator()
    value_estimator = ValueEstimator()

    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        stats = actor_critic(env, policy_estimator, value_estimator, 12)
        step = sess.run(global_step)
        values = [value_estimator.predict(s) for s in range(48)]
        start_probs = policy_estimator.predict(36)
        weights = sess.run(tf.trainable_variables())

    return {"episode_lengths": [int(n) for n in stats.episode_lengths],
            "episode_rewards": [float(r) for r in stats.episode_rewards],
            "global_step": int(step), "value_table_sum": float(np.sum(values)),
            "policy_start_probs": float(start_probs[0] - start_probs[1]
                                        + 2 * start_probs[2]),
            "weights_abs_sum": float(sum(np.sum(np.abs(w)) for w in weights))}
