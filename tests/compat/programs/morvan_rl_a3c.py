"""Asynchronous advantage actor-critic (A3C) for the cart-pole, in its one-worker form,
from MorvanZhou's "Reinforcement-learning-with-tensorflow" (github.com/MorvanZhou/
Reinforcement-learning-with-tensorflow at commit 93e333484be0e262d28b65507b6a1d002424a056,
``contents/10_A3C/A3C_discrete_action.py``). A global ``ACNet`` holding only parameters
and a worker's local ``ACNet`` (``tf.layers.dense`` with ``relu6`` and
``random_normal_initializer(0., .1)`` kernels, parameters from
``get_collection(TRAINABLE_VARIABLES, scope=...)``), built under ``tf.device("/cpu:0")``;
the worker's losses (``log(a_prob + 1e-5) * one_hot(...)`` summed with
``keep_dims=True``, ``tf.stop_gradient`` on the TD error, an entropy bonus), its
``tf.gradients`` applied to the *global* parameters by two named ``RMSPropOptimizer``s'
``apply_gradients``, the local nets pulled back by ``assign``; n-step bootstrapped value
targets every 10 steps; the worker loop checks ``tf.train.Coordinator().should_stop()``.

Adapted: gym's ``CartPole-v0`` is :class:`rl_envs.CartPole` (the same dynamics, seeded
1); one worker instead of ``multiprocessing.cpu_count()`` (several threads would
interleave their steps in a different order on every run), its ``work()`` called directly
instead of in a ``threading.Thread`` joined by ``COORD.join`` (which, in TF as in
trainkit, waits a full second for a ``request_stop`` nobody makes); seeds added
(``np.random.seed(1)``, ``tf.set_random_seed(1)``); 10 global episodes instead of 1000;
module globals (``SESS``, ``OPT_A``, ``COORD``, ``GLOBAL_EP``...) are locals of ``main``
(``global`` became ``nonlocal``); the FileWriter, the prints and the plot left out. The
results are the running rewards (what the plot shows) and the global nets' values on a
fixed state.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.rl_envs import CartPole

# The episodes are the same on both backends as long as no np.random.choice draw falls
# within float rounding (~1e-7) of a probability boundary: compared exactly. Values carry
# float32 rounding through ~30 RMSProp steps: 1e-4 relative.
COMPARE = {"running_r_last": 1e-9, "running_r_sum": 1e-9, "global_ep": 0.0,
           "v_fixed_state": 1e-4, "prob_fixed_state": 1e-4, "local_equals_global": 0.0,
           "param_counts": 0.0}


def main(tf):
    np.random.seed(1)
    tf.set_random_seed(1)

    N_WORKERS = 1
    MAX_GLOBAL_EP = 10
    GLOBAL_NET_SCOPE = 'Global_Net'
    UPDATE_GLOBAL_ITER = 10
    GAMMA = 0.9
    ENTROPY_BETA = 0.001
    LR_A = 0.001    # learning rate for actor
    LR_C = 0.001    # learning rate for critic
    GLOBAL_RUNNING_R = []
    GLOBAL_EP = 0

    env = CartPole(seed=1)
    N_S = env.observation_space.shape[0]
    N_A = env.action_space.n

    class ACNet:
        def __init__(self, scope, globalAC=None):

            if scope == GLOBAL_NET_SCOPE:   # get global network
                with tf.variable_scope(scope):
                    self.s = tf.placeholder(tf.float32, [None, N_S], 'S')
                    self.a_prob, self.v, self.a_params, self.c_params = self._build_net(scope)
            else:   # local net, calculate losses
                with tf.variable_scope(scope):
                    self.s = tf.placeholder(tf.float32, [None, N_S], 'S')
                    self.a_his = tf.placeholder(tf.int32, [None, ], 'A')
                    self.v_target = tf.placeholder(tf.float32, [None, 1], 'Vtarget')

                    self.a_prob, self.v, self.a_params, self.c_params = self._build_net(scope)

                    td = tf.subtract(self.v_target, self.v, name='TD_error')
                    with tf.name_scope('c_loss'):
                        self.c_loss = tf.reduce_mean(tf.square(td))

                    with tf.name_scope('a_loss'):
                        log_prob = tf.reduce_sum(
                            tf.log(self.a_prob + 1e-5) * tf.one_hot(self.a_his, N_A,
                                                                    dtype=tf.float32),
                            axis=1, keep_dims=True)
                        exp_v = log_prob * tf.stop_gradient(td)
                        entropy = -tf.reduce_sum(self.a_prob * tf.log(self.a_prob + 1e-5),
                                                 axis=1, keep_dims=True)  # encourage exploration
                        self.exp_v = ENTROPY_BETA * entropy + exp_v
                        self.a_loss = tf.reduce_mean(-self.exp_v)

                    with tf.name_scope('local_grad'):
                        self.a_grads = tf.gradients(self.a_loss, self.a_params)
                        self.c_grads = tf.gradients(self.c_loss, self.c_params)

                with tf.name_scope('sync'):
                    with tf.name_scope('pull'):
                        self.pull_a_params_op = [l_p.assign(g_p) for l_p, g_p in
                                                 zip(self.a_params, globalAC.a_params)]
                        self.pull_c_params_op = [l_p.assign(g_p) for l_p, g_p in
                                                 zip(self.c_params, globalAC.c_params)]
                    with tf.name_scope('push'):
                        self.update_a_op = OPT_A.apply_gradients(zip(self.a_grads,
                                                                     globalAC.a_params))
                        self.update_c_op = OPT_C.apply_gradients(zip(self.c_grads,
                                                                     globalAC.c_params))

        def _build_net(self, scope):
            w_init = tf.random_normal_initializer(0., .1)
            with tf.variable_scope('actor'):
                l_a = tf.layers.dense(self.s, 200, tf.nn.relu6, kernel_initializer=w_init,
                                      name='la')
                a_prob = tf.layers.dense(l_a, N_A, tf.nn.softmax, kernel_initializer=w_init,
                                         name='ap')
            with tf.variable_scope('critic'):
                l_c = tf.layers.dense(self.s, 100, tf.nn.relu6, kernel_initializer=w_init,
                                      name='lc')
                v = tf.layers.dense(l_c, 1, kernel_initializer=w_init, name='v')  # state value
            a_params = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES,
                                         scope=scope + '/actor')
            c_params = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES,
                                         scope=scope + '/critic')
            return a_prob, v, a_params, c_params

        def update_global(self, feed_dict):  # run by a local
            # local grads applies to global net
            SESS.run([self.update_a_op, self.update_c_op], feed_dict)

        def pull_global(self):  # run by a local
            SESS.run([self.pull_a_params_op, self.pull_c_params_op])

        def choose_action(self, s):  # run by a local
            prob_weights = SESS.run(self.a_prob, feed_dict={self.s: s[np.newaxis, :]})
            # select action w.r.t the actions prob
            action = np.random.choice(range(prob_weights.shape[1]),
                                      p=prob_weights.ravel())
            return action

    class Worker:
        def __init__(self, name, globalAC):
            self.env = env
            self.name = name
            self.AC = ACNet(name, globalAC)

        def work(self):
            nonlocal GLOBAL_RUNNING_R, GLOBAL_EP
            total_step = 1
            buffer_s, buffer_a, buffer_r = [], [], []
            while not COORD.should_stop() and GLOBAL_EP < MAX_GLOBAL_EP:
                s = self.env.reset()
                ep_r = 0
                while True:
                    a = self.AC.choose_action(s)
                    s_, r, done, info = self.env.step(a)
                    if done: r = -5  # noqa: E701
                    ep_r += r
                    buffer_s.append(s)
                    buffer_a.append(a)
                    buffer_r.append(r)

                    # update global and assign to local net
                    if total_step % UPDATE_GLOBAL_ITER == 0 or done:
                        if done:
                            v_s_ = 0   # terminal
                        else:
                            v_s_ = SESS.run(self.AC.v, {self.AC.s: s_[np.newaxis, :]})[0, 0]
                        buffer_v_target = []
                        for r in buffer_r[::-1]:    # reverse buffer r
                            v_s_ = r + GAMMA * v_s_
                            buffer_v_target.append(v_s_)
                        buffer_v_target.reverse()

                        buffer_s, buffer_a, buffer_v_target = (np.vstack(buffer_s),
                                                               np.array(buffer_a),
                                                               np.vstack(buffer_v_target))
                        feed_dict = {
                            self.AC.s: buffer_s,
                            self.AC.a_his: buffer_a,
                            self.AC.v_target: buffer_v_target,
                        }
                        self.AC.update_global(feed_dict)

                        buffer_s, buffer_a, buffer_r = [], [], []
                        self.AC.pull_global()

                    s = s_
                    total_step += 1
                    if done:
                        if len(GLOBAL_RUNNING_R) == 0:  # record running episode reward
                            GLOBAL_RUNNING_R.append(ep_r)
                        else:
                            GLOBAL_RUNNING_R.append(0.99 * GLOBAL_RUNNING_R[-1] + 0.01 * ep_r)
                        GLOBAL_EP += 1
                        break

    SESS = tf.Session()

    with tf.device("/cpu:0"):
        OPT_A = tf.train.RMSPropOptimizer(LR_A, name='RMSPropA')
        OPT_C = tf.train.RMSPropOptimizer(LR_C, name='RMSPropC')
        GLOBAL_AC = ACNet(GLOBAL_NET_SCOPE)  # we only need its params
        workers = []
        # Create worker
        for i in range(N_WORKERS):
            i_name = 'W_%i' % i   # worker name  # noqa: UP031
            workers.append(Worker(i_name, GLOBAL_AC))

    COORD = tf.train.Coordinator()
    SESS.run(tf.global_variables_initializer())

    for worker in workers:
        worker.work()

    state = np.array([[0.01, -0.2, 0.03, 0.3]], np.float32)
    v, prob = SESS.run([GLOBAL_AC.v, GLOBAL_AC.a_prob], {GLOBAL_AC.s: state})
    local = SESS.run(workers[0].AC.a_params + workers[0].AC.c_params)
    glob = SESS.run(GLOBAL_AC.a_params + GLOBAL_AC.c_params)
    return {"running_r_last": float(GLOBAL_RUNNING_R[-1]),
            "running_r_sum": float(np.sum(GLOBAL_RUNNING_R)), "global_ep": GLOBAL_EP,
            "v_fixed_state": float(v[0, 0]), "prob_fixed_state": float(prob[0, 0]),
            "local_equals_global": int(all(np.array_equal(a, b) for a, b in zip(local, glob))),
            "param_counts": [len(GLOBAL_AC.a_params), len(GLOBAL_AC.c_params),
                             len(tf.global_variables())]}
