"""PPO (clipped surrogate) as openai/baselines' ``ppo1/pposgd_simple.py`` runs it, with the
TF1 library code it stands on, as published: ``common/tf_util.py`` (``switch`` through
``tf.cond``, ``get_session`` making a default ``InteractiveSession``, ``initialize`` of
the not yet initialized variables, ``normc_initializer`` as a ``kernel_initializer``
callable drawing from NumPy, the Theano-like ``function`` / ``_Function`` with
``givens`` and ``updates``, ``flatgrad``, ``SetFromFlat`` / ``GetFlat``,
``get_placeholder`` / ``get_placeholder_cached``); ``common/distributions.py``
(``DiagGaussianPd`` with ``neglogp`` / ``kl`` / ``entropy``, ``CategoricalPd`` and
``MultiCategoricalPd``, whose ``tf.split`` takes a NumPy array of sizes and whose
``neglogp`` goes through ``softmax_cross_entropy_with_logits_v2``); ``ppo1/mlp_policy.py``
(``MlpPolicy`` with its ``obfilter`` ``RunningMeanStd`` of float64 variables from
``common/mpi_running_mean_std.py``); ``common/mpi_adam.py``'s ``MpiAdam`` (Adam in NumPy
on the flat gradient); ``common/dataset.py``; and ``pposgd_simple``'s
``traj_segment_generator``, ``add_vtarg_and_adv`` (GAE) and ``learn``. Then
``trpo_mpi.py``'s Fisher-vector product on the trained policy: ``tf.gradients`` of the
mean KL, contracted with a tangent placeholder sliced per variable, differentiated again
by ``flatgrad`` (at fixed NumPy weights, ``pi``'s and 0.9 times them for the old policy,
so that the second derivative alone is compared).

Adapted: gym's ``Pendulum-v0`` is :class:`rl_envs.Pendulum` behind a 32-step time limit,
with minimal ``gym.spaces.Box`` / ``Discrete`` stand-ins; ``mpi4py`` is absent in both
venvs, so the modules take their ``MPI is None`` paths (``MpiAdam`` without ``comm``;
``RunningMeanStd.update`` then adds zeros, as the published code does without MPI) and
``learn``'s ``MPI.COMM_WORLD.allgather`` / ``mpi_moments`` are their one-process values;
``_Function``'s ``type(inpt) is tf.Tensor`` reads ``isinstance`` (TF 2.x's graph tensors
are a subclass); the rollouts act with ``stochastic=False`` (the mean action: the two
backends' random normal streams differ); the logger calls are gathered into a dict; small sizes (one
hidden layer of 16, 64 steps per batch, 2 iterations of 2 epochs on batches of 32) and
``np.random.seed(0)``, from which ``normc_initializer`` and ``Dataset`` draw on both
backends; the ``CategoricalPd`` / ``MultiCategoricalPd`` numbers come from fixed
logits."""

from __future__ import annotations

import collections
import copy
import os
from collections import deque
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.rl_envs import Pendulum

COMPARE = {"loss_pol_surr": 1e-4, "loss_pol_entpen": 1e-6, "loss_vf_loss": 1e-4,
           "loss_kl": 1e-4, "loss_ent": 1e-6, "ev_tdlam_before": 1e-4, "ep_rew_mean": 1e-4,
           "timesteps": 0.0,
           "fvp": 1e-5, "fvp_shape": 0.0, "categorical": 1e-5, "multi_categorical": 1e-5,
           "ob_rms_count": 1e-6, "function_givens": 0.0, "flat_roundtrip": 0.0}


class _Box:
    """``gym.spaces.Box`` as far as the programs use it."""

    def __init__(self, low, high, shape, seed=0):
        self.low, self.high, self.shape = low, high, shape
        self._rng = np.random.RandomState(seed)

    def sample(self):
        return self._rng.uniform(self.low, self.high, self.shape).astype(np.float32)


class _Discrete:
    def __init__(self, n):
        self.n = n


gym = SimpleNamespace(spaces=SimpleNamespace(Box=_Box, Discrete=_Discrete))


class _TimeLimitPendulum:
    """``gym.make('Pendulum-v0')`` as far as the program sees it: the plain-NumPy
    pendulum with ``Box`` spaces and ``done`` after ``max_episode_steps``."""

    def __init__(self, max_episode_steps=32):
        self.env = Pendulum(seed=1)
        self.observation_space = _Box(-8.0, 8.0, (3,))
        self.action_space = _Box(-2.0, 2.0, (1,))
        self.max_episode_steps = max_episode_steps
        self._t = 0

    def reset(self):
        self._t = 0
        return self.env.reset()

    def step(self, ac):
        ob, rew, _, info = self.env.step(np.asarray(ac, np.float64))
        self._t += 1
        return ob, rew, self._t >= self.max_episode_steps, info


def _baselines(tf):
    """The library modules named in the module docstring, as published (only what the
    program reaches; ``MPI = None`` as said above)."""
    MPI = None
    U = SimpleNamespace()

    # ---- common/tf_util.py ----
    def switch(condition, then_expression, else_expression):
        x_shape = copy.copy(then_expression.get_shape())
        x = tf.cond(tf.cast(condition, 'bool'),
                    lambda: then_expression,
                    lambda: else_expression)
        x.set_shape(x_shape)
        return x

    def get_session(config=None):
        """Get default session or create one with a given config"""
        sess = tf.get_default_session()
        if sess is None:
            sess = make_session(config=config, make_default=True)
        return sess

    def make_session(config=None, num_cpu=None, make_default=False, graph=None):
        """Returns a session that will use <num_cpu> CPU's only"""
        if num_cpu is None:
            num_cpu = int(os.getenv('RCALL_NUM_CPU', 1))
        if config is None:
            config = tf.ConfigProto(
                allow_soft_placement=True,
                inter_op_parallelism_threads=num_cpu,
                intra_op_parallelism_threads=num_cpu)
            config.gpu_options.allow_growth = True

        if make_default:
            return tf.InteractiveSession(config=config, graph=graph)
        else:
            return tf.Session(config=config, graph=graph)

    ALREADY_INITIALIZED = set()

    def initialize():
        """Initialize all the uninitialized variables in the global scope."""
        new_variables = set(tf.global_variables()) - ALREADY_INITIALIZED
        get_session().run(tf.variables_initializer(new_variables))
        ALREADY_INITIALIZED.update(new_variables)

    def normc_initializer(std=1.0, axis=0):
        def _initializer(shape, dtype=None, partition_info=None):  # pylint: disable=W0613
            out = np.random.randn(*shape).astype(dtype.as_numpy_dtype)
            out *= std / np.sqrt(np.square(out).sum(axis=axis, keepdims=True))
            return tf.constant(out)
        return _initializer

    def function(inputs, outputs, updates=None, givens=None):
        if isinstance(outputs, list):
            return _Function(inputs, outputs, updates, givens=givens)
        elif isinstance(outputs, (dict, collections.OrderedDict)):
            f = _Function(inputs, outputs.values(), updates, givens=givens)
            return lambda *args, **kwargs: type(outputs)(zip(outputs.keys(), f(*args, **kwargs)))
        else:
            f = _Function(inputs, [outputs], updates, givens=givens)
            return lambda *args, **kwargs: f(*args, **kwargs)[0]

    class _Function:
        def __init__(self, inputs, outputs, updates, givens):
            for inpt in inputs:
                if not hasattr(inpt, 'make_feed_dict') and not (
                        isinstance(inpt, tf.Tensor) and len(inpt.op.inputs) == 0):
                    assert False, (  # noqa: B011
                        "inputs should all be placeholders, constants, or have a "
                        "make_feed_dict method")
            self.inputs = inputs
            self.input_names = {inp.name.split("/")[-1].split(":")[0]: inp for inp in inputs}
            updates = updates or []
            self.update_group = tf.group(*updates)
            self.outputs_update = list(outputs) + [self.update_group]
            self.givens = {} if givens is None else givens

        def _feed_input(self, feed_dict, inpt, value):
            if hasattr(inpt, 'make_feed_dict'):
                feed_dict.update(inpt.make_feed_dict(value))
            else:
                feed_dict[inpt] = adjust_shape(inpt, value)

        def __call__(self, *args, **kwargs):
            assert len(args) + len(kwargs) <= len(self.inputs), "Too many arguments provided"
            feed_dict = {}
            # Update feed dict with givens.
            for inpt in self.givens:
                feed_dict[inpt] = adjust_shape(inpt, feed_dict.get(inpt, self.givens[inpt]))
            # Update the args
            for inpt, value in zip(self.inputs, args):
                self._feed_input(feed_dict, inpt, value)
            for inpt_name, value in kwargs.items():
                self._feed_input(feed_dict, self.input_names[inpt_name], value)
            results = get_session().run(self.outputs_update, feed_dict=feed_dict)[:-1]
            return results

    def var_shape(x):
        out = x.get_shape().as_list()
        assert all(isinstance(a, int) for a in out), \
            "shape function assumes that shape is fully known"
        return out

    def numel(x):
        return intprod(var_shape(x))

    def intprod(x):
        return int(np.prod(x))

    def flatgrad(loss, var_list, clip_norm=None):
        grads = tf.gradients(loss, var_list)
        if clip_norm is not None:
            grads = [tf.clip_by_norm(grad, clip_norm=clip_norm) for grad in grads]
        return tf.concat(axis=0, values=[
            tf.reshape(grad if grad is not None else tf.zeros_like(v), [numel(v)])
            for (v, grad) in zip(var_list, grads)
        ])

    class SetFromFlat:
        def __init__(self, var_list, dtype=tf.float32):
            assigns = []
            shapes = list(map(var_shape, var_list))
            total_size = np.sum([intprod(shape) for shape in shapes])

            self.theta = theta = tf.placeholder(dtype, [total_size])
            start = 0
            assigns = []
            for (shape, v) in zip(shapes, var_list):
                size = intprod(shape)
                assigns.append(tf.assign(v, tf.reshape(theta[start:start + size], shape)))
                start += size
            self.op = tf.group(*assigns)

        def __call__(self, theta):
            tf.get_default_session().run(self.op, feed_dict={self.theta: theta})

    class GetFlat:
        def __init__(self, var_list):
            self.op = tf.concat(axis=0, values=[tf.reshape(v, [numel(v)]) for v in var_list])

        def __call__(self):
            return tf.get_default_session().run(self.op)

    _PLACEHOLDER_CACHE = {}  # name -> (placeholder, dtype, shape)

    def get_placeholder(name, dtype, shape):
        if name in _PLACEHOLDER_CACHE:
            out, dtype1, shape1 = _PLACEHOLDER_CACHE[name]
            if out.graph == tf.get_default_graph():
                assert dtype1 == dtype and shape1 == shape, \
                    (f'Placeholder with name {name} has already been registered and has '
                     f'shape {shape1}, different from requested {shape}')
                return out

        out = tf.placeholder(dtype=dtype, shape=shape, name=name)
        _PLACEHOLDER_CACHE[name] = (out, dtype, shape)
        return out

    def get_placeholder_cached(name):
        return _PLACEHOLDER_CACHE[name][0]

    def adjust_shape(placeholder, data):
        if not isinstance(data, np.ndarray) and not isinstance(data, list):
            return data
        if isinstance(data, list):
            data = np.array(data)

        placeholder_shape = [x or -1 for x in placeholder.shape.as_list()]

        assert _check_shape(placeholder_shape, data.shape), \
            f'Shape of data {data.shape} is not compatible with shape of the placeholder ' \
            f'{placeholder_shape}'

        return np.reshape(data, placeholder_shape)

    def _check_shape(placeholder_shape, data_shape):
        return True

    for name, value in list(locals().items()):
        if not name.startswith("__") and name not in ("U", "MPI", "tf"):
            setattr(U, name, value)

    # ---- common/distributions.py ----
    class Pd:
        def flatparam(self):
            raise NotImplementedError

        def logp(self, x):
            return - self.neglogp(x)

    class PdType:
        def pdfromflat(self, flat):
            return self.pdclass()(flat)

        def param_placeholder(self, prepend_shape, name=None):
            return tf.placeholder(dtype=tf.float32, shape=prepend_shape+self.param_shape(),
                                  name=name)

        def sample_placeholder(self, prepend_shape, name=None):
            return tf.placeholder(dtype=self.sample_dtype(),
                                  shape=prepend_shape+self.sample_shape(), name=name)

    class CategoricalPd(Pd):
        def __init__(self, logits):
            self.logits = logits

        def flatparam(self):
            return self.logits

        def mode(self):
            return tf.argmax(self.logits, axis=-1)

        def neglogp(self, x):
            if x.dtype in {tf.uint8, tf.int32, tf.int64}:
                # one-hot encoding
                x_shape_list = x.shape.as_list()
                logits_shape_list = self.logits.get_shape().as_list()[:-1]
                for xs, ls in zip(x_shape_list, logits_shape_list):
                    if xs is not None and ls is not None:
                        assert xs == ls, f'shape mismatch: {xs} in x vs {ls} in logits'

                x = tf.one_hot(x, self.logits.get_shape().as_list()[-1])
            else:
                # already encoded
                assert x.shape.as_list() == self.logits.shape.as_list()

            return tf.nn.softmax_cross_entropy_with_logits_v2(
                logits=self.logits,
                labels=x)

        def kl(self, other):
            a0 = self.logits - tf.reduce_max(self.logits, axis=-1, keepdims=True)
            a1 = other.logits - tf.reduce_max(other.logits, axis=-1, keepdims=True)
            ea0 = tf.exp(a0)
            ea1 = tf.exp(a1)
            z0 = tf.reduce_sum(ea0, axis=-1, keepdims=True)
            z1 = tf.reduce_sum(ea1, axis=-1, keepdims=True)
            p0 = ea0 / z0
            return tf.reduce_sum(p0 * (a0 - tf.log(z0) - a1 + tf.log(z1)), axis=-1)

        def entropy(self):
            a0 = self.logits - tf.reduce_max(self.logits, axis=-1, keepdims=True)
            ea0 = tf.exp(a0)
            z0 = tf.reduce_sum(ea0, axis=-1, keepdims=True)
            p0 = ea0 / z0
            return tf.reduce_sum(p0 * (tf.log(z0) - a0), axis=-1)

    class MultiCategoricalPd(Pd):
        def __init__(self, nvec, flat):
            self.flat = flat
            self.categoricals = list(map(CategoricalPd,
                                         tf.split(flat, np.array(nvec, dtype=np.int32),
                                                  axis=-1)))

        def flatparam(self):
            return self.flat

        def mode(self):
            return tf.cast(tf.stack([p.mode() for p in self.categoricals], axis=-1), tf.int32)

        def neglogp(self, x):
            return tf.add_n([p.neglogp(px) for p, px in zip(self.categoricals,
                                                             tf.unstack(x, axis=-1))])

        def kl(self, other):
            return tf.add_n([p.kl(q) for p, q in zip(self.categoricals, other.categoricals)])

        def entropy(self):
            return tf.add_n([p.entropy() for p in self.categoricals])

    class DiagGaussianPdType(PdType):
        def __init__(self, size):
            self.size = size

        def pdclass(self):
            return DiagGaussianPd

        def param_shape(self):
            return [2*self.size]

        def sample_shape(self):
            return [self.size]

        def sample_dtype(self):
            return tf.float32

    class DiagGaussianPd(Pd):
        def __init__(self, flat):
            self.flat = flat
            mean, logstd = tf.split(axis=len(flat.shape)-1, num_or_size_splits=2, value=flat)
            self.mean = mean
            self.logstd = logstd
            self.std = tf.exp(logstd)

        def flatparam(self):
            return self.flat

        def mode(self):
            return self.mean

        def neglogp(self, x):
            return 0.5 * tf.reduce_sum(tf.square((x - self.mean) / self.std), axis=-1) \
                + 0.5 * np.log(2.0 * np.pi) * tf.to_float(tf.shape(x)[-1]) \
                + tf.reduce_sum(self.logstd, axis=-1)

        def kl(self, other):
            assert isinstance(other, DiagGaussianPd)
            return tf.reduce_sum(other.logstd - self.logstd + (
                tf.square(self.std) + tf.square(self.mean - other.mean))
                / (2.0 * tf.square(other.std)) - 0.5, axis=-1)

        def entropy(self):
            return tf.reduce_sum(self.logstd + .5 * np.log(2.0 * np.pi * np.e), axis=-1)

        def sample(self):
            return self.mean + self.std * tf.random_normal(tf.shape(self.mean))

    def make_pdtype(ac_space):
        spaces = gym.spaces
        if isinstance(ac_space, spaces.Box):
            assert len(ac_space.shape) == 1
            return DiagGaussianPdType(ac_space.shape[0])
        else:
            raise NotImplementedError

    # ---- common/mpi_running_mean_std.py ----
    class RunningMeanStd:
        def __init__(self, epsilon=1e-2, shape=()):

            self._sum = tf.get_variable(
                dtype=tf.float64,
                shape=shape,
                initializer=tf.constant_initializer(0.0),
                name="runningsum", trainable=False)
            self._sumsq = tf.get_variable(
                dtype=tf.float64,
                shape=shape,
                initializer=tf.constant_initializer(epsilon),
                name="runningsumsq", trainable=False)
            self._count = tf.get_variable(
                dtype=tf.float64,
                shape=(),
                initializer=tf.constant_initializer(epsilon),
                name="count", trainable=False)
            self.shape = shape

            self.mean = tf.to_float(self._sum / self._count)
            self.std = tf.sqrt(tf.maximum(tf.to_float(self._sumsq / self._count)
                                          - tf.square(self.mean), 1e-2))

            newsum = tf.placeholder(shape=self.shape, dtype=tf.float64, name='sum')
            newsumsq = tf.placeholder(shape=self.shape, dtype=tf.float64, name='var')
            newcount = tf.placeholder(shape=[], dtype=tf.float64, name='count')
            self.incfiltparams = U.function([newsum, newsumsq, newcount], [],
                                            updates=[tf.assign_add(self._sum, newsum),
                                                     tf.assign_add(self._sumsq, newsumsq),
                                                     tf.assign_add(self._count, newcount)])

        def update(self, x):
            x = x.astype('float64')
            n = int(np.prod(self.shape))
            totalvec = np.zeros(n*2+1, 'float64')
            addvec = np.concatenate([x.sum(axis=0).ravel(), np.square(x).sum(axis=0).ravel(),
                                     np.array([len(x)], dtype='float64')])
            if MPI is not None:
                MPI.COMM_WORLD.Allreduce(addvec, totalvec, op=MPI.SUM)
            self.incfiltparams(totalvec[0:n].reshape(self.shape), totalvec[n:2*n].reshape(
                self.shape), totalvec[2*n])

    # ---- ppo1/mlp_policy.py ----
    class MlpPolicy:
        recurrent = False

        def __init__(self, name, *args, **kwargs):
            with tf.variable_scope(name):
                self._init(*args, **kwargs)
                self.scope = tf.get_variable_scope().name

        def _init(self, ob_space, ac_space, hid_size, num_hid_layers, gaussian_fixed_var=True):
            assert isinstance(ob_space, gym.spaces.Box)

            self.pdtype = pdtype = make_pdtype(ac_space)
            sequence_length = None

            ob = U.get_placeholder(name="ob", dtype=tf.float32,
                                   shape=[sequence_length] + list(ob_space.shape))

            with tf.variable_scope("obfilter"):
                self.ob_rms = RunningMeanStd(shape=ob_space.shape)

            with tf.variable_scope('vf'):
                obz = tf.clip_by_value((ob - self.ob_rms.mean) / self.ob_rms.std, -5.0, 5.0)
                last_out = obz
                for i in range(num_hid_layers):
                    last_out = tf.nn.tanh(tf.layers.dense(
                        last_out, hid_size, name="fc%i" % (i+1),  # noqa: UP031
                        kernel_initializer=U.normc_initializer(1.0)))
                self.vpred = tf.layers.dense(last_out, 1, name='final',
                                             kernel_initializer=U.normc_initializer(1.0))[:, 0]

            with tf.variable_scope('pol'):
                last_out = obz
                for i in range(num_hid_layers):
                    last_out = tf.nn.tanh(tf.layers.dense(
                        last_out, hid_size, name='fc%i' % (i+1),  # noqa: UP031
                        kernel_initializer=U.normc_initializer(1.0)))
                if gaussian_fixed_var and isinstance(ac_space, gym.spaces.Box):
                    mean = tf.layers.dense(last_out, pdtype.param_shape()[0]//2, name='final',
                                           kernel_initializer=U.normc_initializer(0.01))
                    logstd = tf.get_variable(name="logstd",
                                             shape=[1, pdtype.param_shape()[0]//2],
                                             initializer=tf.zeros_initializer())
                    pdparam = tf.concat([mean, mean * 0.0 + logstd], axis=1)
                else:
                    pdparam = tf.layers.dense(last_out, pdtype.param_shape()[0], name='final',
                                              kernel_initializer=U.normc_initializer(0.01))

            self.pd = pdtype.pdfromflat(pdparam)

            self.state_in = []
            self.state_out = []

            stochastic = tf.placeholder(dtype=tf.bool, shape=())
            ac = U.switch(stochastic, self.pd.sample(), self.pd.mode())
            self._act = U.function([stochastic, ob], [ac, self.vpred])

        def act(self, stochastic, ob):
            ac1, vpred1 = self._act(stochastic, ob[None])
            return ac1[0], vpred1[0]

        def get_variables(self):
            return tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, self.scope)

        def get_trainable_variables(self):
            return tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, self.scope)

    # ---- common/mpi_adam.py ----
    class MpiAdam:
        def __init__(self, var_list, *, beta1=0.9, beta2=0.999, epsilon=1e-08,
                     scale_grad_by_procs=True, comm=None):
            self.var_list = var_list
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.scale_grad_by_procs = scale_grad_by_procs
            size = sum(U.numel(v) for v in var_list)
            self.m = np.zeros(size, 'float32')
            self.v = np.zeros(size, 'float32')
            self.t = 0
            self.setfromflat = U.SetFromFlat(var_list)
            self.getflat = U.GetFlat(var_list)
            self.comm = MPI.COMM_WORLD if comm is None and MPI is not None else comm

        def update(self, localg, stepsize):
            localg = localg.astype('float32')
            globalg = np.copy(localg)
            self.t += 1
            a = stepsize * np.sqrt(1 - self.beta2**self.t)/(1 - self.beta1**self.t)
            self.m = self.beta1 * self.m + (1 - self.beta1) * globalg
            self.v = self.beta2 * self.v + (1 - self.beta2) * (globalg * globalg)
            step = (- a) * self.m / (np.sqrt(self.v) + self.epsilon)
            self.setfromflat(self.getflat() + step)

        def sync(self):
            if self.comm is None:
                return

    # ---- common/dataset.py ----
    class Dataset:
        def __init__(self, data_map, deterministic=False, shuffle=True):
            self.data_map = data_map
            self.deterministic = deterministic
            self.enable_shuffle = shuffle
            self.n = next(iter(data_map.values())).shape[0]
            self._next_id = 0
            self.shuffle()

        def shuffle(self):
            if self.deterministic:
                return
            perm = np.arange(self.n)
            np.random.shuffle(perm)

            for key in self.data_map:
                self.data_map[key] = self.data_map[key][perm]

            self._next_id = 0

        def next_batch(self, batch_size):
            if self._next_id >= self.n and self.enable_shuffle:
                self.shuffle()

            cur_id = self._next_id
            cur_batch_size = min(batch_size, self.n - self._next_id)
            self._next_id += cur_batch_size

            data_map = dict()
            for key in self.data_map:
                data_map[key] = self.data_map[key][cur_id:cur_id+cur_batch_size]
            return data_map

        def iterate_once(self, batch_size):
            if self.enable_shuffle:
                self.shuffle()

            while self._next_id <= self.n - batch_size:
                yield self.next_batch(batch_size)

    return SimpleNamespace(U=U, MlpPolicy=MlpPolicy, MpiAdam=MpiAdam, Dataset=Dataset,
                           CategoricalPd=CategoricalPd, MultiCategoricalPd=MultiCategoricalPd)


def explained_variance(ypred, y):
    assert y.ndim == 1 and ypred.ndim == 1
    vary = np.var(y)
    return np.nan if vary == 0 else 1 - np.var(y-ypred)/vary


def zipsame(*seqs):
    L = len(seqs[0])
    assert all(len(seq) == L for seq in seqs[1:])
    return zip(*seqs)


def traj_segment_generator(pi, env, horizon, stochastic):
    t = 0
    ac = env.action_space.sample()  # not used, just so we have the datatype
    new = True  # marks if we're on first timestep of an episode
    ob = env.reset()

    cur_ep_ret = 0  # return in current episode
    cur_ep_len = 0  # len of current episode
    ep_rets = []  # returns of completed episodes in this segment
    ep_lens = []  # lengths of ...

    # Initialize history arrays
    obs = np.array([ob for _ in range(horizon)])
    rews = np.zeros(horizon, 'float32')
    vpreds = np.zeros(horizon, 'float32')
    news = np.zeros(horizon, 'int32')
    acs = np.array([ac for _ in range(horizon)])
    prevacs = acs.copy()

    while True:
        prevac = ac
        ac, vpred = pi.act(stochastic, ob)
        if t > 0 and t % horizon == 0:
            yield {"ob": obs, "rew": rews, "vpred": vpreds, "new": news,
                   "ac": acs, "prevac": prevacs, "nextvpred": vpred * (1 - new),
                   "ep_rets": ep_rets, "ep_lens": ep_lens}
            ep_rets = []
            ep_lens = []
        i = t % horizon
        obs[i] = ob
        vpreds[i] = vpred
        news[i] = new
        acs[i] = ac
        prevacs[i] = prevac

        ob, rew, new, _ = env.step(ac)
        rews[i] = rew

        cur_ep_ret += rew
        cur_ep_len += 1
        if new:
            ep_rets.append(cur_ep_ret)
            ep_lens.append(cur_ep_len)
            cur_ep_ret = 0
            cur_ep_len = 0
            ob = env.reset()
        t += 1


def add_vtarg_and_adv(seg, gamma, lam):
    """
    Compute target value using TD(lambda) estimator, and advantage with GAE(lambda)
    """
    new = np.append(seg["new"], 0)
    vpred = np.append(seg["vpred"], seg["nextvpred"])
    T = len(seg["rew"])
    seg["adv"] = gaelam = np.empty(T, 'float32')
    rew = seg["rew"]
    lastgaelam = 0
    for t in reversed(range(T)):
        nonterminal = 1-new[t+1]
        delta = rew[t] + gamma * vpred[t+1] * nonterminal - vpred[t]
        gaelam[t] = lastgaelam = delta + gamma * lam * nonterminal * lastgaelam
    seg["tdlamret"] = seg["adv"] + seg["vpred"]


def learn(tf, B, env, policy_fn, *, timesteps_per_actorbatch, clip_param, entcoeff,
          optim_epochs, optim_stepsize, optim_batchsize, gamma, lam, max_iters=0,
          adam_epsilon=1e-5, schedule='constant', record=None):
    U, MpiAdam, Dataset = B.U, B.MpiAdam, B.Dataset
    ob_space = env.observation_space
    ac_space = env.action_space
    pi = policy_fn("pi", ob_space, ac_space)  # Construct network for new policy
    oldpi = policy_fn("oldpi", ob_space, ac_space)  # Network for old policy
    atarg = tf.placeholder(dtype=tf.float32, shape=[None])  # Target advantage function
    ret = tf.placeholder(dtype=tf.float32, shape=[None])  # Empirical return

    lrmult = tf.placeholder(name='lrmult', dtype=tf.float32, shape=[])

    ob = U.get_placeholder_cached(name="ob")
    ac = pi.pdtype.sample_placeholder([None])

    kloldnew = oldpi.pd.kl(pi.pd)
    ent = pi.pd.entropy()
    meankl = tf.reduce_mean(kloldnew)
    meanent = tf.reduce_mean(ent)
    pol_entpen = (-entcoeff) * meanent

    ratio = tf.exp(pi.pd.logp(ac) - oldpi.pd.logp(ac))  # pnew / pold
    surr1 = ratio * atarg  # surrogate from conservative policy iteration
    surr2 = tf.clip_by_value(ratio, 1.0 - clip_param, 1.0 + clip_param) * atarg
    pol_surr = - tf.reduce_mean(tf.minimum(surr1, surr2))  # PPO's pessimistic surrogate
    vf_loss = tf.reduce_mean(tf.square(pi.vpred - ret))
    total_loss = pol_surr + pol_entpen + vf_loss
    losses = [pol_surr, pol_entpen, vf_loss, meankl, meanent]
    loss_names = ["pol_surr", "pol_entpen", "vf_loss", "kl", "ent"]

    var_list = pi.get_trainable_variables()
    lossandgrad = U.function([ob, ac, atarg, ret, lrmult],
                             losses + [U.flatgrad(total_loss, var_list)])
    adam = MpiAdam(var_list, epsilon=adam_epsilon)

    assign_old_eq_new = U.function([], [], updates=[tf.assign(oldv, newv)
                                   for (oldv, newv) in zipsame(oldpi.get_variables(),
                                                               pi.get_variables())])
    compute_losses = U.function([ob, ac, atarg, ret, lrmult], losses)

    U.initialize()
    adam.sync()

    seg_gen = traj_segment_generator(pi, env, timesteps_per_actorbatch, stochastic=False)

    episodes_so_far = 0
    timesteps_so_far = 0
    iters_so_far = 0
    lenbuffer = deque(maxlen=100)  # rolling buffer for episode lengths
    rewbuffer = deque(maxlen=100)  # rolling buffer for episode rewards

    while True:
        if max_iters and iters_so_far >= max_iters:
            break
        cur_lrmult = 1.0

        seg = seg_gen.__next__()
        add_vtarg_and_adv(seg, gamma, lam)

        ob, ac, atarg, tdlamret = seg["ob"], seg["ac"], seg["adv"], seg["tdlamret"]
        vpredbefore = seg["vpred"]  # predicted value function before udpate
        atarg = (atarg - atarg.mean()) / atarg.std()  # standardized advantage function
        d = Dataset(dict(ob=ob, ac=ac, atarg=atarg, vtarg=tdlamret), deterministic=pi.recurrent)
        optim_batchsize = optim_batchsize or ob.shape[0]

        if hasattr(pi, "ob_rms"):
            pi.ob_rms.update(ob)  # update running mean/std for policy

        assign_old_eq_new()  # set old parameter values to new parameter values
        for _ in range(optim_epochs):
            losses = []
            for batch in d.iterate_once(optim_batchsize):
                *newlosses, g = lossandgrad(batch["ob"], batch["ac"], batch["atarg"],
                                            batch["vtarg"], cur_lrmult)
                adam.update(g, optim_stepsize * cur_lrmult)
                losses.append(newlosses)

        losses = []
        for batch in d.iterate_once(optim_batchsize):
            newlosses = compute_losses(batch["ob"], batch["ac"], batch["atarg"],
                                       batch["vtarg"], cur_lrmult)
            losses.append(newlosses)
        meanlosses = np.mean(losses, axis=0)  # mpi_moments' mean on one process
        for (lossval, name) in zipsame(meanlosses, loss_names):
            record["loss_"+name] = float(lossval)
        record["ev_tdlam_before"] = float(explained_variance(vpredbefore, tdlamret))
        lens, rews = seg["ep_lens"], seg["ep_rets"]  # allgather on one process
        lenbuffer.extend(lens)
        rewbuffer.extend(rews)
        record["ep_rew_mean"] = float(np.mean(rewbuffer))
        episodes_so_far += len(lens)
        timesteps_so_far += sum(lens)
        iters_so_far += 1
        record["timesteps"] = timesteps_so_far

    return pi


def main(tf):
    np.random.seed(0)
    B = _baselines(tf)
    U = B.U
    env = _TimeLimitPendulum()
    sess = U.get_session()  # run_mujoco.py's U.make_session(num_cpu=1).__enter__()

    def policy_fn(name, ob_space, ac_space):
        return B.MlpPolicy(name=name, ob_space=ob_space, ac_space=ac_space,
                           hid_size=16, num_hid_layers=1)

    record = {}
    pi = learn(tf, B, env, policy_fn, max_iters=2, timesteps_per_actorbatch=64,
               clip_param=0.2, entcoeff=0.0, optim_epochs=2, optim_stepsize=3e-3,
               optim_batchsize=32, gamma=0.99, lam=0.95, schedule='linear', record=record)

    # trpo_mpi.py's Fisher-vector product, on the trained policy
    with tf.variable_scope("fvp"):
        oldpi = policy_fn("oldpi2", env.observation_space, env.action_space)
    var_list = [v for v in pi.get_trainable_variables() if "/pol/" in v.name]
    dist = tf.reduce_mean(oldpi.pd.kl(pi.pd))
    klgrads = tf.gradients(dist, var_list)
    flat_tangent = tf.placeholder(dtype=tf.float32, shape=[None], name="flat_tan")
    shapes = [var.get_shape().as_list() for var in var_list]
    start = 0
    tangents = []
    for shape in shapes:
        sz = U.intprod(shape)
        tangents.append(tf.reshape(flat_tangent[start:start+sz], shape))
        start += sz
    gvp = tf.add_n([tf.reduce_sum(g*tangent) for (g, tangent) in zipsame(klgrads, tangents)])
    fvp = U.flatgrad(gvp, var_list)
    ob = U.get_placeholder_cached(name="ob")
    compute_fvp = U.function([flat_tangent, ob], fvp)
    U.initialize()
    pol_flat = U.GetFlat(var_list)()
    theta = np.random.RandomState(7).normal(0, 0.3, pol_flat.size).astype(np.float32)
    U.SetFromFlat(var_list)(theta)  # fixed weights: the product alone is compared
    U.SetFromFlat([v for v in oldpi.get_trainable_variables() if "/pol/" in v.name])(
        theta * 0.9)
    obs = np.random.RandomState(5).uniform(-1, 1, (16, 3)).astype(np.float32)
    tangent = np.random.RandomState(6).normal(size=pol_flat.size).astype(np.float32)
    fvp_val = compute_fvp(tangent, obs)

    x = tf.placeholder(tf.int32, (), name="x")
    y = tf.placeholder(tf.int32, (), name="y")
    z = 3 * x + 2 * y
    lin = U.function([x, y], z, givens={y: 0})
    givens = [int(lin(2)), int(lin(x=3)), int(lin(2, 2)), int(lin(x=2, y=3))]

    logits = tf.constant([[2.0, 0.5, -1.0, 0.3, 1.2], [0.1, -0.4, 0.9, 2.2, -1.5]])
    other = tf.constant([[1.0, 1.5, -0.5, 0.0, 0.2], [0.3, 0.4, -0.9, 1.2, 0.5]])
    cat, cat2 = B.CategoricalPd(logits), B.CategoricalPd(other)
    acts = tf.constant([4, 3])
    multi = B.MultiCategoricalPd([2, 3], logits)
    multi2 = B.MultiCategoricalPd([2, 3], other)
    macts = tf.constant([[1, 2], [0, 1]])
    cat_vals = sess.run([cat.neglogp(acts), cat.kl(cat2), cat.entropy(), cat.mode(),
                         tf.gradients(tf.reduce_sum(tf.gradients(
                             tf.reduce_sum(cat.neglogp(acts)), logits)[0] ** 2), logits)[0]])
    multi_vals = sess.run([multi.neglogp(macts), multi.kl(multi2), multi.entropy(),
                           multi.mode()])
    count = sess.run(pi.ob_rms._count)
    sess.close()
    return {**record, "fvp": float(np.dot(fvp_val, np.linspace(-1, 1, fvp_val.size))),
            "fvp_shape": list(fvp_val.shape),
            "categorical": float(sum(np.sum(np.asarray(v, np.float64) * (i + 1))
                                     for i, v in enumerate(cat_vals))),
            "multi_categorical": float(sum(np.sum(np.asarray(v, np.float64) * (i + 1))
                                           for i, v in enumerate(multi_vals))),
            "ob_rms_count": float(count), "function_givens": givens,
            "flat_roundtrip": list(pol_flat.shape)}
