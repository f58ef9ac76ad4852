"""tensorflow/models' ``research/deep_contextual_bandits`` (Riquelme et al., "Deep
Bayesian Bandits Showdown"; the files below read at tensorflow/models@245f66d,
@8160b4a, @4f77686 and @33395b0): ``run_contextual_bandit`` plays a
``ContextualBandit`` fed by ``sample_linear_data`` with three algorithms side by side:
``UniformSampling``, ``PosteriorBNNSampling`` with a ``NeuralBanditModel`` (a
``tf.contrib.layers.fully_connected`` layer and a ``tf.layers.dense`` head under
``variable_scope(..., reuse=tf.AUTO_REUSE)``, a weighted ``squared_difference`` loss,
``inverse_time_decay`` learning rate rebuilt by ``assign_lr``, clipped RMSProp,
summaries merged and written by a ``tf.summary.FileWriter``) and with a
``VariationalNeuralBanditModel`` (Bayes by Backprop: mean and softplus/exp sigma
variables, reparameterized weight noise, analytic KL, the local reparameterization trick,
a learned additive noise per action, Adam). Each model owns its graph and session and is
retrained every ``training_freq`` contexts on minibatches drawn by
``ContextualDataset.get_batch_with_weights``.

Adapted: ``example_main.py``'s hyper-parameters made small (30 contexts of dimension 4,
3 actions, one hidden layer of 12, batches of 16, retraining every 10 contexts for 5
steps; the variational model's schedule 3 to 5 steps over its first 2 trainings);
``tf.set_random_seed(0)`` in each model's graph and ``np.random.seed(0)`` first (the data,
the minibatches and the uniform policy), so both backends draw the same numbers;
``absl.flags`` is a namespace with a temporary ``logdir``; the summary writers are
closed at the end; the actions, rewards and last losses are returned. Under TF 2.x
``tf.contrib.layers.fully_connected`` and ``tf.contrib.training.HParams`` are the
stand-ins of ``tests/compat/programs/tf_contrib.py``."""

# Copyright 2018 The TensorFlow Authors All Rights Reserved. Licensed under the Apache
# License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described
# above.

# ruff: noqa: UP031, UP004, UP008, UP032, E111, E114, E117, E731, B007 - the authors' code

from __future__ import annotations

import contextlib
import io
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.tf_contrib import contrib

COMPARE = {"actions_rms": 0.0, "actions_bbb": 0.0, "actions_uniform": 0.0,
           "reward_rms": 1e-6, "reward_bbb": 1e-6, "reward_uniform": 1e-6,
           "rms_costs": 1e-4, "bbb_losses": 1e-4, "rms_lr": 1e-6, "events": 0.0}

tf = None  # the backend, set by main()
FLAGS = SimpleNamespace(logdir='')
_OUT = {}


# ---- data/synthetic_data_sampler.py ---------------------------------------------------

def sample_linear_data(num_contexts, dim_context, num_actions, sigma=0.0):
  """Samples data from linearly parameterized arms."""

  betas = np.random.uniform(-1, 1, (dim_context, num_actions))
  betas /= np.linalg.norm(betas, axis=0)
  contexts = np.random.normal(size=[num_contexts, dim_context])
  rewards = np.dot(contexts, betas)
  opt_actions = np.argmax(rewards, axis=1)
  rewards += np.random.normal(scale=sigma, size=rewards.shape)
  opt_rewards = np.array([rewards[i, act] for i, act in enumerate(opt_actions)])
  return np.hstack((contexts, rewards)), betas, (opt_rewards, opt_actions)


# ---- core/contextual_bandit.py --------------------------------------------------------

def run_contextual_bandit(context_dim, num_actions, dataset, algos):
  """Run a contextual bandit problem on a set of algorithms."""

  num_contexts = dataset.shape[0]

  # Create contextual bandit
  cmab = ContextualBandit(context_dim, num_actions)
  cmab.feed_data(dataset)

  h_actions = np.empty((0, len(algos)), float)
  h_rewards = np.empty((0, len(algos)), float)

  # Run the contextual bandit process
  for i in range(num_contexts):
    context = cmab.context(i)
    actions = [a.action(context) for a in algos]
    rewards = [cmab.reward(i, action) for action in actions]

    for j, a in enumerate(algos):
      a.update(context, actions[j], rewards[j])

    h_actions = np.vstack((h_actions, np.array(actions)))
    h_rewards = np.vstack((h_rewards, np.array(rewards)))

  return h_actions, h_rewards


class ContextualBandit(object):
  """Implements a Contextual Bandit with d-dimensional contexts and k arms."""

  def __init__(self, context_dim, num_actions):
    self._context_dim = context_dim
    self._num_actions = num_actions

  def feed_data(self, data):
    if data.shape[1] != self.context_dim + self.num_actions:
      raise ValueError('Data dimensions do not match.')

    self._number_contexts = data.shape[0]
    self.data = data
    self.order = range(self.number_contexts)

  def context(self, number):
    """Returns the number-th context."""
    return self.data[self.order[number]][:self.context_dim]

  def reward(self, number, action):
    """Returns the reward for the number-th context and action."""
    return self.data[self.order[number]][self.context_dim + action]

  @property
  def context_dim(self):
    return self._context_dim

  @property
  def num_actions(self):
    return self._num_actions

  @property
  def number_contexts(self):
    return self._number_contexts


# ---- core/contextual_dataset.py -------------------------------------------------------

class ContextualDataset(object):
  """The buffer is able to append new data, and sample random minibatches."""

  def __init__(self, context_dim, num_actions, buffer_s=-1, intercept=False):
    self._context_dim = context_dim
    self._num_actions = num_actions
    self._contexts = None
    self._rewards = None
    self.actions = []
    self.buffer_s = buffer_s
    self.intercept = intercept

  def add(self, context, action, reward):
    """Adds a new triplet (context, action, reward) to the dataset."""

    if self.intercept:
      c = np.array(context[:])
      c = np.append(c, 1.0).reshape((1, self.context_dim + 1))
    else:
      c = np.array(context[:]).reshape((1, self.context_dim))

    if self.contexts is None:
      self.contexts = c
    else:
      self.contexts = np.vstack((self.contexts, c))

    r = np.zeros((1, self.num_actions))
    r[0, action] = reward
    if self.rewards is None:
      self.rewards = r
    else:
      self.rewards = np.vstack((self.rewards, r))

    self.actions.append(action)

  def get_batch_with_weights(self, batch_size):
    """Returns a random mini-batch with one-hot weights for actions."""
    n, _ = self.contexts.shape
    if self.buffer_s == -1:
      # use all the data
      ind = np.random.choice(range(n), batch_size)
    else:
      # use only buffer (last buffer_s obs)
      ind = np.random.choice(range(max(0, n - self.buffer_s), n), batch_size)

    weights = np.zeros((batch_size, self.num_actions))
    sampled_actions = np.array(self.actions)[ind]
    a_ind = np.array([(i, val) for i, val in enumerate(sampled_actions)])
    weights[a_ind[:, 0], a_ind[:, 1]] = 1.0
    return self.contexts[ind, :], self.rewards[ind, :], weights

  def num_points(self, f=None):
    """Returns number of points in the buffer (after applying function f)."""
    if f is not None:
      return f(self.contexts.shape[0])
    return self.contexts.shape[0]

  @property
  def context_dim(self):
    return self._context_dim

  @property
  def num_actions(self):
    return self._num_actions

  @property
  def contexts(self):
    return self._contexts

  @contexts.setter
  def contexts(self, value):
    self._contexts = value

  @property
  def actions(self):
    return self._actions

  @actions.setter
  def actions(self, value):
    self._actions = value

  @property
  def rewards(self):
    return self._rewards

  @rewards.setter
  def rewards(self, value):
    self._rewards = value


# ---- core/bandit_algorithm.py, core/bayesian_nn.py, algorithms/uniform_sampling.py -----

class BanditAlgorithm(object):
  """A bandit algorithm must be able to do two basic operations."""

  def action(self, context):
    pass

  def update(self, context, action, reward):
    pass


class BayesianNN(object):
  """A Bayesian neural network keeps a distribution over neural nets."""


class UniformSampling(BanditAlgorithm):
  """Defines a baseline; returns one action uniformly at random."""

  def __init__(self, name, hparams):
    self.name = name
    self.hparams = hparams

  def action(self, context):
    """Selects an action uniformly at random."""
    return np.random.choice(range(self.hparams.num_actions))


# ---- algorithms/neural_bandit_model.py ------------------------------------------------

class NeuralBanditModel(BayesianNN):
  """Implements a neural network for bandit problems."""

  def __init__(self, optimizer, hparams, name):
    """Saves hyper-params and builds the Tensorflow graph."""

    self.opt_name = optimizer
    self.name = name
    self.hparams = hparams
    self.verbose = getattr(self.hparams, "verbose", True)
    self.times_trained = 0
    self.build_model()

  def build_layer(self, x, num_units):
    """Builds a layer with input x; dropout and layer norm if specified."""

    init_s = self.hparams.init_scale

    layer_n = getattr(self.hparams, "layer_norm", False)
    dropout = getattr(self.hparams, "use_dropout", False)

    nn = contrib(tf).layers.fully_connected(
        x,
        num_units,
        activation_fn=self.hparams.activation,
        normalizer_fn=None if not layer_n else contrib(tf).layers.layer_norm,
        normalizer_params={},
        weights_initializer=tf.random_uniform_initializer(-init_s, init_s)
    )

    if dropout:
      nn = tf.nn.dropout(nn, self.hparams.keep_prob)

    return nn

  def forward_pass(self):

    init_s = self.hparams.init_scale

    scope_name = "prediction_{}".format(self.name)
    with tf.variable_scope(scope_name, reuse=tf.AUTO_REUSE):
      nn = self.x
      for num_units in self.hparams.layer_sizes:
        if num_units > 0:
          nn = self.build_layer(nn, num_units)

      y_pred = tf.layers.dense(
          nn,
          self.hparams.num_actions,
          kernel_initializer=tf.random_uniform_initializer(-init_s, init_s))

    return nn, y_pred

  def build_model(self):
    """Defines the actual NN model with fully connected layers."""

    # create and store the graph corresponding to the BNN instance
    self.graph = tf.Graph()

    with self.graph.as_default():
      tf.set_random_seed(0)  # adapted: the same draws on both backends

      # create and store a new session for the graph
      self.sess = tf.compat.v1.Session()

      with tf.name_scope(self.name):

        self.global_step = tf.train.get_or_create_global_step()

        # context
        self.x = tf.placeholder(
            shape=[None, self.hparams.context_dim],
            dtype=tf.float32,
            name="{}_x".format(self.name))

        # reward vector
        self.y = tf.placeholder(
            shape=[None, self.hparams.num_actions],
            dtype=tf.float32,
            name="{}_y".format(self.name))

        # weights (1 for selected action, 0 otherwise)
        self.weights = tf.placeholder(
            shape=[None, self.hparams.num_actions],
            dtype=tf.float32,
            name="{}_w".format(self.name))

        # with tf.variable_scope("prediction_{}".format(self.name)):
        self.nn, self.y_pred = self.forward_pass()
        self.loss = tf.squared_difference(self.y_pred, self.y)
        self.weighted_loss = tf.multiply(self.weights, self.loss)
        self.cost = tf.reduce_sum(self.weighted_loss) / self.hparams.batch_size

        if self.hparams.activate_decay:
          self.lr = tf.train.inverse_time_decay(
              self.hparams.initial_lr, self.global_step,
              1, self.hparams.lr_decay_rate)
        else:
          self.lr = tf.Variable(self.hparams.initial_lr, trainable=False)

        # create tensorboard metrics
        self.create_summaries()
        self.summary_writer = tf.summary.FileWriter(
            "{}/graph_{}".format(FLAGS.logdir, self.name), self.sess.graph)

        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(
            tf.gradients(self.cost, tvars), self.hparams.max_grad_norm)

        self.optimizer = self.select_optimizer()

        self.train_op = self.optimizer.apply_gradients(
            zip(grads, tvars), global_step=self.global_step)

        self.init = tf.global_variables_initializer()

        self.initialize_graph()

  def initialize_graph(self):
    """Initializes all variables."""

    with self.graph.as_default():
      if self.verbose:
        print("Initializing model {}.".format(self.name))
      self.sess.run(self.init)

  def assign_lr(self):
    """Resets the learning rate in dynamic schedules for subsequent trainings."""

    decay_steps = 1
    if self.hparams.activate_decay:
      current_gs = self.sess.run(self.global_step)
      with self.graph.as_default():
        self.lr = tf.train.inverse_time_decay(self.hparams.initial_lr,
                                              self.global_step - current_gs,
                                              decay_steps,
                                              self.hparams.lr_decay_rate)

  def select_optimizer(self):
    """Selects optimizer. To be extended (SGLD, KFAC, etc)."""
    return tf.train.RMSPropOptimizer(self.lr)

  def create_summaries(self):
    """Defines summaries including mean loss, learning rate, and global step."""

    with self.graph.as_default():
      with tf.name_scope(self.name + "_summaries"):
        tf.summary.scalar("cost", self.cost)
        tf.summary.scalar("lr", self.lr)
        tf.summary.scalar("global_step", self.global_step)
        self.summary_op = tf.summary.merge_all()

  def train(self, data, num_steps):
    """Trains the network for num_steps, using the provided data."""

    if self.verbose:
      print("Training {} for {} steps...".format(self.name, num_steps))

    with self.graph.as_default():

      for step in range(num_steps):
        x, y, w = data.get_batch_with_weights(self.hparams.batch_size)
        _, cost, summary, lr = self.sess.run(
            [self.train_op, self.cost, self.summary_op, self.lr],
            feed_dict={self.x: x, self.y: y, self.weights: w})

        if step % self.hparams.freq_summary == 0:
          if self.hparams.show_training:
            print("{} | step: {}, lr: {}, loss: {}".format(
                self.name, step, lr, cost))
          self.summary_writer.add_summary(summary, step)

      self.times_trained += 1
      _OUT.setdefault("rms_costs", []).append(float(cost))
      _OUT["rms_lr"] = float(lr)


# ---- algorithms/variational_neural_bandit_model.py ------------------------------------

def log_gaussian(x, mu, sigma, reduce_sum=True):
  """Returns log Gaussian pdf."""
  res = (-0.5 * np.log(2 * np.pi) - tf.log(sigma) - tf.square(x - mu) /
         (2 * tf.square(sigma)))
  if reduce_sum:
    return tf.reduce_sum(res)
  else:
    return res


def analytic_kl(mu_1, sigma_1, mu_2, sigma_2):
  """KL for two Gaussian distributions with diagonal covariance matrix."""
  sigma_1_sq = tf.square(sigma_1)
  sigma_2_sq = tf.square(sigma_2)

  t1 = tf.square(mu_1 - mu_2) / (2. * sigma_2_sq)
  t2 = (sigma_1_sq/sigma_2_sq - 1. - tf.log(sigma_1_sq) + tf.log(sigma_2_sq))/2.
  return tf.reduce_sum(t1 + t2)


class VariationalNeuralBanditModel(BayesianNN):
  """Implements an approximate Bayesian NN using Variational Inference."""

  def __init__(self, hparams, name="BBBNN"):

    self.name = name
    self.hparams = hparams

    self.n_in = self.hparams.context_dim
    self.n_out = self.hparams.num_actions
    self.layers = self.hparams.layer_sizes
    self.init_scale = self.hparams.init_scale
    self.f_num_points = None
    if "f_num_points" in hparams:
      self.f_num_points = self.hparams.f_num_points

    self.cleared_times_trained = self.hparams.cleared_times_trained
    self.initial_training_steps = self.hparams.initial_training_steps
    self.training_schedule = np.linspace(self.initial_training_steps,
                                         self.hparams.training_epochs,
                                         self.cleared_times_trained)
    self.verbose = getattr(self.hparams, "verbose", True)

    self.weights_m = {}
    self.weights_std = {}
    self.biases_m = {}
    self.biases_std = {}

    self.times_trained = 0

    if self.hparams.use_sigma_exp_transform:
      self.sigma_transform = tf.exp
      self.inverse_sigma_transform = np.log
    else:
      self.sigma_transform = tf.nn.softplus
      self.inverse_sigma_transform = lambda y: y + np.log(1. - np.exp(-y))

    # Whether to use the local reparameterization trick to compute the loss.
    # See details in https://arxiv.org/abs/1506.02557
    self.use_local_reparameterization = True

    self.build_graph()

  def build_mu_variable(self, shape):
    """Returns a mean variable initialized as N(0, 0.05)."""
    return tf.Variable(tf.random_normal(shape, 0.0, 0.05))

  def build_sigma_variable(self, shape, init=-5.):
    """Returns a sigma variable initialized as N(init, 0.05)."""
    # Initialize sigma to be very small initially to encourage MAP opt first
    return tf.Variable(tf.random_normal(shape, init, 0.05))

  def build_layer(self, input_x, input_x_local, shape,
                  layer_id, activation_fn=None):
    """Builds a variational layer, and computes KL term."""
    if activation_fn is None:  # adapted: tf.nn.relu, resolved at call time
      activation_fn = tf.nn.relu

    w_mu = self.build_mu_variable(shape)
    w_sigma = self.sigma_transform(self.build_sigma_variable(shape))
    w_noise = tf.random_normal(shape)
    w = w_mu + w_sigma * w_noise

    b_mu = self.build_mu_variable([1, shape[1]])
    b_sigma = self.sigma_transform(self.build_sigma_variable([1, shape[1]]))
    b = b_mu

    # Store means and stds
    self.weights_m[layer_id] = w_mu
    self.weights_std[layer_id] = w_sigma
    self.biases_m[layer_id] = b_mu
    self.biases_std[layer_id] = b_sigma

    # Create outputs
    output_h = activation_fn(tf.matmul(input_x, w) + b)

    if self.use_local_reparameterization:
      # Use analytic KL divergence wrt the prior
      neg_kl = -analytic_kl(w_mu, w_sigma,
                            0., tf.to_float(np.sqrt(2./shape[0])))
    else:
      # Create empirical KL loss terms
      log_p = log_gaussian(w, 0., tf.to_float(np.sqrt(2./shape[0])))
      log_q = log_gaussian(w, tf.stop_gradient(w_mu), tf.stop_gradient(w_sigma))
      neg_kl = log_p - log_q

    # Apply local reparameterization trick: sample activations pre nonlinearity
    m_h = tf.matmul(input_x_local, w_mu) + b
    v_h = tf.matmul(tf.square(input_x_local), tf.square(w_sigma))
    output_h_local = m_h + tf.sqrt(v_h + 1e-6) * tf.random_normal(tf.shape(v_h))
    output_h_local = activation_fn(output_h_local)

    return output_h, output_h_local, neg_kl

  def build_action_noise(self):
    """Defines a model for additive noise per action, and its KL term."""

    # Define mean and std variables (log-normal dist) for each action.
    noise_sigma_mu = (self.build_mu_variable([1, self.n_out])
                      + self.inverse_sigma_transform(self.hparams.noise_sigma))
    noise_sigma_sigma = self.sigma_transform(
        self.build_sigma_variable([1, self.n_out]))

    pre_noise_sigma = (noise_sigma_mu
                       + tf.random_normal([1, self.n_out]) * noise_sigma_sigma)
    self.noise_sigma = self.sigma_transform(pre_noise_sigma)

    # Compute KL for additive noise sigma terms.
    if getattr(self.hparams, "infer_noise_sigma", False):
      neg_kl_term = log_gaussian(
          pre_noise_sigma,
          self.inverse_sigma_transform(self.hparams.noise_sigma),
          self.hparams.prior_sigma
      )
      neg_kl_term -= log_gaussian(pre_noise_sigma,
                                  noise_sigma_mu,
                                  noise_sigma_sigma)
    else:
      neg_kl_term = 0.

    return neg_kl_term

  def build_model(self, activation_fn=None):
    """Defines the actual NN model with fully connected layers."""

    if self.verbose:
      print("Initializing model {}.".format(self.name))
    neg_kl_term, l_number = 0, 0
    use_local_reparameterization = self.use_local_reparameterization

    # Compute model additive noise for each action with log-normal distribution
    neg_kl_term += self.build_action_noise()

    # Build network.
    input_x = self.x
    input_local = self.x
    n_in = self.n_in

    for l_number, n_nodes in enumerate(self.layers):
      if n_nodes > 0:
        h, h_local, neg_kl = self.build_layer(input_x, input_local,
                                              [n_in, n_nodes], l_number)

        neg_kl_term += neg_kl
        input_x, input_local = h, h_local
        n_in = n_nodes

    # Create last linear layer
    h, h_local, neg_kl = self.build_layer(input_x, input_local,
                                          [n_in, self.n_out],
                                          l_number + 1,
                                          activation_fn=lambda x: x)
    neg_kl_term += neg_kl

    self.y_pred = h
    self.y_pred_local = h_local

    # Compute log likelihood (with learned or fixed noise level)
    if getattr(self.hparams, "infer_noise_sigma", False):
      log_likelihood = log_gaussian(
          self.y, self.y_pred_local, self.noise_sigma, reduce_sum=False)
    else:
      y_hat = self.y_pred_local if use_local_reparameterization else self.y_pred
      log_likelihood = log_gaussian(
          self.y, y_hat, self.hparams.noise_sigma, reduce_sum=False)

    # Only take into account observed outcomes (bandits setting)
    batch_size = tf.to_float(tf.shape(self.x)[0])
    weighted_log_likelihood = tf.reduce_sum(
        log_likelihood * self.weights) / batch_size

    # The objective is 1/n * (\\sum_i log_like_i - KL); neg_kl_term estimates -KL
    elbo = weighted_log_likelihood + (neg_kl_term / self.n)

    self.loss = -elbo
    self.global_step = tf.train.get_or_create_global_step()
    self.train_op = tf.train.AdamOptimizer(self.hparams.initial_lr).minimize(
        self.loss, global_step=self.global_step)

    # Create tensorboard metrics
    self.create_summaries()
    self.summary_writer = tf.summary.FileWriter(
        "{}/graph_{}".format(FLAGS.logdir, self.name), self.sess.graph)

  def build_graph(self):
    """Defines graph, session, placeholders, and model."""

    self.graph = tf.Graph()
    with self.graph.as_default():
      tf.set_random_seed(0)  # adapted: the same draws on both backends

      self.sess = tf.Session()

      self.n = tf.placeholder(shape=[], dtype=tf.float32)

      self.x = tf.placeholder(shape=[None, self.n_in], dtype=tf.float32)
      self.y = tf.placeholder(shape=[None, self.n_out], dtype=tf.float32)
      self.weights = tf.placeholder(shape=[None, self.n_out], dtype=tf.float32)

      self.build_model()
      self.sess.run(tf.global_variables_initializer())

  def create_summaries(self):
    """Defines summaries including mean loss, and global step."""

    with self.graph.as_default():
      with tf.name_scope(self.name + "_summaries"):
        tf.summary.scalar("loss", self.loss)
        tf.summary.scalar("global_step", self.global_step)
        self.summary_op = tf.summary.merge_all()

  def assign_lr(self):
    """Resets the learning rate in dynamic schedules for subsequent trainings."""

    decay_steps = 1
    if self.hparams.activate_decay:
      current_gs = self.sess.run(self.global_step)
      with self.graph.as_default():
        self.lr = tf.train.inverse_time_decay(self.hparams.initial_lr,
                                              self.global_step - current_gs,
                                              decay_steps,
                                              self.hparams.lr_decay_rate)

  def train(self, data, num_steps):
    """Trains the BNN for num_steps, using the data in 'data'."""

    if self.times_trained < self.cleared_times_trained:
      num_steps = int(self.training_schedule[self.times_trained])
    self.times_trained += 1

    losses = []

    with self.graph.as_default():

      if self.verbose:
        print("Training {} for {} steps...".format(self.name, num_steps))

      for step in range(num_steps):
        x, y, weights = data.get_batch_with_weights(self.hparams.batch_size)
        _, summary, global_step, loss = self.sess.run(
            [self.train_op, self.summary_op, self.global_step, self.loss],
            feed_dict={
                self.x: x,
                self.y: y,
                self.weights: weights,
                self.n: data.num_points(self.f_num_points),
            })

        losses.append(loss)

        if step % self.hparams.freq_summary == 0:
          if self.hparams.show_training:
            print("{} | step: {}, loss: {}".format(
                self.name, global_step, loss))
          self.summary_writer.add_summary(summary, global_step)

    _OUT.setdefault("bbb_losses", []).append(float(losses[-1]))
    return losses


# ---- algorithms/posterior_bnn_sampling.py ---------------------------------------------

class PosteriorBNNSampling(BanditAlgorithm):
  """Posterior Sampling algorithm based on a Bayesian neural network."""

  def __init__(self, name, hparams, bnn_model='RMSProp'):
    self.name = name
    self.hparams = hparams
    self.optimizer_n = hparams.optimizer

    self.training_freq = hparams.training_freq
    self.training_epochs = hparams.training_epochs
    self.t = 0
    self.data_h = ContextualDataset(hparams.context_dim, hparams.num_actions,
                                    hparams.buffer_s)

    # to be extended with more BNNs (BB alpha-div, GPs, SGFS, constSGD...)
    bnn_name = '{}-bnn'.format(name)
    if bnn_model == 'Variational':
      self.bnn = VariationalNeuralBanditModel(hparams, bnn_name)
    else:
      self.bnn = NeuralBanditModel(self.optimizer_n, hparams, bnn_name)

  def action(self, context):
    """Selects action for context based on Thompson Sampling using the BNN."""

    if self.t < self.hparams.num_actions * self.hparams.initial_pulls:
      # round robin until each action has been taken "initial_pulls" times
      return self.t % self.hparams.num_actions

    with self.bnn.graph.as_default():
      c = context.reshape((1, self.hparams.context_dim))
      output = self.bnn.sess.run(self.bnn.y_pred, feed_dict={self.bnn.x: c})
      return np.argmax(output)

  def update(self, context, action, reward):
    """Updates data buffer, and re-trains the BNN every training_freq steps."""

    self.t += 1
    self.data_h.add(context, action, reward)

    if self.t % self.training_freq == 0:
      if self.hparams.reset_lr:
        self.bnn.assign_lr()
      self.bnn.train(self.data_h, self.training_epochs)


# ---- example_main.py (adapted sizes) --------------------------------------------------

def main(tf_api):
  global tf
  tf = tf_api
  _OUT.clear()
  with tempfile.TemporaryDirectory() as logdir:
    FLAGS.logdir = logdir
    return _main()


def _main():
  np.random.seed(0)  # adapted: the same data and minibatches on both backends
  num_contexts, context_dim, num_actions = 30, 4, 3
  dataset, _, _ = sample_linear_data(num_contexts, context_dim, num_actions, sigma=0.1)
  HParams = contrib(tf).training.HParams
  hparams = HParams(num_actions=num_actions)
  hparams_rms = HParams(num_actions=num_actions, context_dim=context_dim, init_scale=0.3,
                        activation=tf.nn.relu, layer_sizes=[12], batch_size=16,
                        activate_decay=True, initial_lr=0.1, max_grad_norm=5.0,
                        show_training=False, freq_summary=1, buffer_s=-1,
                        initial_pulls=2, optimizer='RMS', reset_lr=True,
                        lr_decay_rate=0.5, training_freq=10, training_epochs=5,
                        verbose=False)
  hparams_bbb = HParams(num_actions=num_actions, context_dim=context_dim, init_scale=0.3,
                        activation=tf.nn.relu, layer_sizes=[12], batch_size=16,
                        activate_decay=True, initial_lr=0.1, max_grad_norm=5.0,
                        show_training=False, freq_summary=1, buffer_s=-1,
                        initial_pulls=2, optimizer='RMS', use_sigma_exp_transform=True,
                        cleared_times_trained=2, initial_training_steps=3,
                        noise_sigma=0.1, reset_lr=False, training_freq=10,
                        training_epochs=5, verbose=False)
  algos = [UniformSampling('Uniform Sampling', hparams),
           PosteriorBNNSampling('RMS', hparams_rms, 'RMSProp'),
           PosteriorBNNSampling('BBB', hparams_bbb, 'Variational')]
  with contextlib.redirect_stdout(io.StringIO()):
    h_actions, h_rewards = run_contextual_bandit(context_dim, num_actions, dataset, algos)
  events = []
  for algo in algos[1:]:
    algo.bnn.summary_writer.close()  # adapted: the writers are closed
    algo.bnn.sess.close()
    events.append(algo.bnn.name)
  out = {"actions_uniform": h_actions[:, 0].astype(int).tolist(),
         "actions_rms": h_actions[:, 1].astype(int).tolist(),
         "actions_bbb": h_actions[:, 2].astype(int).tolist(),
         "reward_uniform": float(np.sum(h_rewards[:, 0])),
         "reward_rms": float(np.sum(h_rewards[:, 1])),
         "reward_bbb": float(np.sum(h_rewards[:, 2])),
         "rms_costs": _OUT["rms_costs"][-1], "bbb_losses": _OUT["bbb_losses"][-1],
         "rms_lr": _OUT["rms_lr"], "events": events}
  return out
