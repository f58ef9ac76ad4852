"""Proximal policy optimization (clipped surrogate, one thread) on the pendulum, from
MorvanZhou's "Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/12_Proximal_Policy_Optimization/simply_PPO.py``). A critic (``tf.layers.dense``
layers under ``variable_scope('critic')``, squared advantage, Adam); the policy ``pi`` and
the frozen ``oldpi`` as ``tf.distributions.Normal(loc=2 * tanh(...), scale=softplus(...))``
over dense layers (``oldpi``'s ``trainable=False``), their variables from
``tf.get_collection(GLOBAL_VARIABLES, scope=name)``; actions from
``tf.squeeze(pi.sample(1), axis=0)`` (a seeded ``random_normal`` inside); ``oldpi``
refreshed by ``oldp.assign(p)``; the ratio ``pi.prob(a) / (oldpi.prob(a) + 1e-5)`` and
the loss ``-reduce_mean(minimum(surr, clip_by_value(ratio, 0.8, 1.2) * adv))``; 10 actor
and 10 critic Adam steps per batch of 32 steps with bootstrapped discounted returns.

Adapted: gym's ``Pendulum-v0`` is :class:`rl_envs.Pendulum` (the same dynamics, seeded
1); seeds added (``np.random.seed(1)``, ``tf.set_random_seed(1)``: the script sets none);
2 episodes instead of 1000; the rendering, the FileWriter, the prints and the plot left
out. The results are the episodes' rewards (what the plot smooths), the last losses and
the policy's mean and spread on a fixed state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import Pendulum

# The actions are the policy's Normal samples (TF's Philox numbers on both backends) and
# are continuous, so float rounding moves the trajectory by ~1e-7 relative; through 14
# updates of 10 Adam steps each that stays below 1e-5 (measured); 1e-3 relative leaves
# room.
COMPARE = {"ep_r_sum": 1e-3, "closs_last": 1e-3, "aloss_last": 1e-3, "mu_fixed_state": 1e-3,
           "sigma_fixed_state": 1e-3, "first_action": 1e-4, "pi_params": 0.0}


def main(tf):
    np.random.seed(1)
    tf.set_random_seed(1)

    EP_MAX = 2
    EP_LEN = 200
    GAMMA = 0.9
    A_LR = 0.0001
    C_LR = 0.0002
    BATCH = 32
    A_UPDATE_STEPS = 10
    C_UPDATE_STEPS = 10
    S_DIM, A_DIM = 3, 1
    METHOD = [
        dict(name='kl_pen', kl_target=0.01, lam=0.5),   # KL penalty
        dict(name='clip', epsilon=0.2),                 # Clipped surrogate objective
    ][1]        # choose the method for optimization

    class PPO:

        def __init__(self):
            self.sess = tf.Session()
            self.tfs = tf.placeholder(tf.float32, [None, S_DIM], 'state')

            # critic
            with tf.variable_scope('critic'):
                l1 = tf.layers.dense(self.tfs, 100, tf.nn.relu)
                self.v = tf.layers.dense(l1, 1)
                self.tfdc_r = tf.placeholder(tf.float32, [None, 1], 'discounted_r')
                self.advantage = self.tfdc_r - self.v
                self.closs = tf.reduce_mean(tf.square(self.advantage))
                self.ctrain_op = tf.train.AdamOptimizer(C_LR).minimize(self.closs)

            # actor
            pi, pi_params = self._build_anet('pi', trainable=True)
            oldpi, oldpi_params = self._build_anet('oldpi', trainable=False)
            self.pi, self.pi_params = pi, pi_params
            with tf.variable_scope('sample_action'):
                self.sample_op = tf.squeeze(pi.sample(1), axis=0)       # choosing action
            with tf.variable_scope('update_oldpi'):
                self.update_oldpi_op = [oldp.assign(p) for p, oldp in zip(pi_params, oldpi_params)]

            self.tfa = tf.placeholder(tf.float32, [None, A_DIM], 'action')
            self.tfadv = tf.placeholder(tf.float32, [None, 1], 'advantage')
            with tf.variable_scope('loss'):
                with tf.variable_scope('surrogate'):
                    # ratio = tf.exp(pi.log_prob(self.tfa) - oldpi.log_prob(self.tfa))
                    ratio = pi.prob(self.tfa) / (oldpi.prob(self.tfa) + 1e-5)
                    surr = ratio * self.tfadv
                if METHOD['name'] == 'kl_pen':
                    self.tflam = tf.placeholder(tf.float32, None, 'lambda')
                    kl = tf.distributions.kl_divergence(oldpi, pi)
                    self.kl_mean = tf.reduce_mean(kl)
                    self.aloss = -(tf.reduce_mean(surr - self.tflam * kl))
                else:   # clipping method, find this is better
                    self.aloss = -tf.reduce_mean(tf.minimum(
                        surr,
                        tf.clip_by_value(ratio, 1.-METHOD['epsilon'],
                                         1.+METHOD['epsilon'])*self.tfadv))

            with tf.variable_scope('atrain'):
                self.atrain_op = tf.train.AdamOptimizer(A_LR).minimize(self.aloss)

            self.sess.run(tf.global_variables_initializer())

        def update(self, s, a, r):
            self.sess.run(self.update_oldpi_op)
            adv = self.sess.run(self.advantage, {self.tfs: s, self.tfdc_r: r})

            # update actor
            [self.sess.run(self.atrain_op, {self.tfs: s, self.tfa: a, self.tfadv: adv})
             for _ in range(A_UPDATE_STEPS)]

            # update critic
            [self.sess.run(self.ctrain_op, {self.tfs: s, self.tfdc_r: r})
             for _ in range(C_UPDATE_STEPS)]

        def _build_anet(self, name, trainable):
            with tf.variable_scope(name):
                l1 = tf.layers.dense(self.tfs, 100, tf.nn.relu, trainable=trainable)
                mu = 2 * tf.layers.dense(l1, A_DIM, tf.nn.tanh, trainable=trainable)
                sigma = tf.layers.dense(l1, A_DIM, tf.nn.softplus, trainable=trainable)
                norm_dist = tf.distributions.Normal(loc=mu, scale=sigma)
            params = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope=name)
            return norm_dist, params

        def choose_action(self, s):
            s = s[np.newaxis, :]
            a = self.sess.run(self.sample_op, {self.tfs: s})[0]
            return np.clip(a, -2, 2)

        def get_v(self, s):
            if s.ndim < 2: s = s[np.newaxis, :]  # noqa: E701
            return self.sess.run(self.v, {self.tfs: s})[0, 0]

    env = Pendulum(seed=1)
    ppo = PPO()
    all_ep_r = []
    first_action = None

    for _ep in range(EP_MAX):
        s = env.reset()
        buffer_s, buffer_a, buffer_r = [], [], []
        ep_r = 0
        for t in range(EP_LEN):    # in one episode
            a = ppo.choose_action(s)
            if first_action is None:
                first_action = float(a[0])
            s_, r, done, _ = env.step(a)
            buffer_s.append(s)
            buffer_a.append(a)
            buffer_r.append((r+8)/8)    # normalize reward, find to be useful
            s = s_
            ep_r += r

            # update ppo
            if (t+1) % BATCH == 0 or t == EP_LEN-1:
                v_s_ = ppo.get_v(s_)
                discounted_r = []
                for r in buffer_r[::-1]:
                    v_s_ = r + GAMMA * v_s_
                    discounted_r.append(v_s_)
                discounted_r.reverse()

                bs, ba, br = (np.vstack(buffer_s), np.vstack(buffer_a),
                              np.array(discounted_r)[:, np.newaxis])
                buffer_s, buffer_a, buffer_r = [], [], []
                ppo.update(bs, ba, br)
        all_ep_r.append(float(ep_r))

    # the losses on the last batch after its update
    adv = ppo.sess.run(ppo.advantage, {ppo.tfs: bs, ppo.tfdc_r: br})
    last_losses = ppo.sess.run([ppo.closs, ppo.aloss], {ppo.tfs: bs, ppo.tfdc_r: br,
                                                        ppo.tfa: ba, ppo.tfadv: adv})
    state = np.array([[0.6, -0.8, 0.5]], np.float32)
    mu, sigma = ppo.sess.run([ppo.pi.loc, ppo.pi.scale], {ppo.tfs: state})
    return {"ep_r_sum": float(sum(all_ep_r)), "closs_last": float(last_losses[0]),
            "aloss_last": float(last_losses[1]), "mu_fixed_state": float(mu[0, 0]),
            "sigma_fixed_state": float(sigma[0, 0]), "first_action": first_action,
            "pi_params": len(ppo.pi_params)}
