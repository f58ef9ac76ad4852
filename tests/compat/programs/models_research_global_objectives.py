"""tensorflow/models' ``research/global_objectives`` (Eban et al., "Scalable Learning of
Non-Decomposable Objectives"): ``loss_layers_example.py`` (read at
tensorflow/models@4f77686) trains a linear classifier on four synthetic Gaussians, once
with ``loss_layers.precision_at_recall_loss`` (read at @c76bfcf) and once with sigmoid
cross entropy, both with a ``polynomial_decay`` learning rate and plain gradient descent.
The global-objectives run alternates a primal step over ``[w, b]`` and a dual step over
the Lagrange multipliers (``var_list=[lambdas]``, the one that bumps the global step);
the multipliers are ``tf.contrib.framework.model_variable``s read through ``tf.abs`` and
a ``stop_gradient`` trick that flips and scales their gradient, the label priors are
``assign_add`` moving counts divided by ``tf.div``, the loss is ``util.py``'s weighted
sigmoid cross entropy (``maximum``/``log``/``exp``/``abs``) built after
``get_variable_scope().set_partitioner(None)``.

Adapted: the parts of ``loss_layers.py`` and ``util.py`` the example uses are kept
(``precision_at_recall_loss`` and its helpers), the others are left out; the data come
from ``np.random.seed(0)``; 60 training iterations instead of 150 (the checkpoint
every 10); ``sklearn.metrics.precision_score`` is its NumPy formula;
``sess.run(other_outputs.values())`` fetches ``list(other_outputs.values())`` (a
``dict_values`` fetch is a ``TypeError`` under Python 3, in TF as here); the precisions
at the checkpoints and the last internal quantities are returned. Under TF 2.x
``tf.contrib.framework.model_variable`` is tf_slim's."""

# Copyright 2018 The TensorFlow Global Objectives Authors. All Rights Reserved. Licensed
# under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0);
# modified as described above.

# ruff: noqa: UP031, E111, E114, E117, B904 - the authors' code is kept as written

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tests.compat.programs.tf_contrib import contrib

COMPARE = {"go_precision": 1e-4, "xent_precision": 1e-4, "go_checkpoints": 1e-4,
           "xent_checkpoints": 1e-4, "go_loss": 1e-4, "xent_loss": 1e-4,
           "lambdas": 1e-4, "label_priors": 1e-5, "tp_lower_bound": 1e-4,
           "fp_upper_bound": 1e-4, "go_variables": 0.0}

tf = None  # the backend, set by main()
numpy = np

# ---- util.py --------------------------------------------------------------------------


def weighted_sigmoid_cross_entropy_with_logits(labels,
                                               logits,
                                               positive_weights=1.0,
                                               negative_weights=1.0,
                                               name=None):
  """Computes a weighting of sigmoid cross entropy given `logits`."""
  with tf.name_scope(
      name,
      'weighted_logistic_loss',
      [logits, labels, positive_weights, negative_weights]) as name:
    labels, logits, positive_weights, negative_weights = prepare_loss_args(
        labels, logits, positive_weights, negative_weights)

    softplus_term = tf.add(tf.maximum(-logits, 0.0),
                           tf.log(1.0 + tf.exp(-tf.abs(logits))))
    weight_dependent_factor = (
        negative_weights + (positive_weights - negative_weights) * labels)
    return (negative_weights * (logits - labels * logits) +
            weight_dependent_factor * softplus_term)


def weighted_surrogate_loss(labels,
                            logits,
                            surrogate_type='xent',
                            positive_weights=1.0,
                            negative_weights=1.0,
                            name=None):
  """Returns either weighted cross-entropy or hinge loss."""
  with tf.name_scope(
      name, 'weighted_loss',
      [logits, labels, surrogate_type, positive_weights,
       negative_weights]) as name:
    if surrogate_type == 'xent':
      return weighted_sigmoid_cross_entropy_with_logits(
          logits=logits,
          labels=labels,
          positive_weights=positive_weights,
          negative_weights=negative_weights,
          name=name)
    raise ValueError('surrogate_type %s not supported.' % surrogate_type)


def expand_outer(tensor, rank):
  """Expands the given `Tensor` outwards to a target rank."""
  if tensor.get_shape().ndims is None:
    raise ValueError('tensor dimension must be known.')
  if len(tensor.get_shape()) > rank:
    raise ValueError(
        '`rank` must be at least the current tensor dimension: (%s vs %s).' %
        (rank, len(tensor.get_shape())))
  while len(tensor.get_shape()) < rank:
    tensor = tf.expand_dims(tensor, 0)
  return tensor


def build_label_priors(labels,
                       weights=None,
                       positive_pseudocount=1.0,
                       negative_pseudocount=1.0,
                       variables_collections=None):
  """Creates an op to maintain and update label prior probabilities."""
  dtype = labels.dtype.base_dtype
  num_labels = get_num_labels(labels)

  if weights is None:
    weights = tf.ones_like(labels)

  # We disable partitioning while constructing dual variables because they will
  # be updated with assign, which is not available for partitioned variables.
  partitioner = tf.get_variable_scope().partitioner
  try:
    tf.get_variable_scope().set_partitioner(None)
    # Create variable and update op for weighted label counts.
    weighted_label_counts = contrib(tf).framework.model_variable(
        name='weighted_label_counts',
        shape=[num_labels],
        dtype=dtype,
        initializer=tf.constant_initializer(
            [positive_pseudocount] * num_labels, dtype=dtype),
        collections=variables_collections,
        trainable=False)
    weighted_label_counts_update = weighted_label_counts.assign_add(
        tf.reduce_sum(weights * labels, 0))

    # Create variable and update op for the sum of the weights.
    weight_sum = contrib(tf).framework.model_variable(
        name='weight_sum',
        shape=[num_labels],
        dtype=dtype,
        initializer=tf.constant_initializer(
            [positive_pseudocount + negative_pseudocount] * num_labels,
            dtype=dtype),
        collections=variables_collections,
        trainable=False)
    weight_sum_update = weight_sum.assign_add(tf.reduce_sum(weights, 0))

  finally:
    tf.get_variable_scope().set_partitioner(partitioner)

  label_priors = tf.div(
      weighted_label_counts_update,
      weight_sum_update)
  return label_priors


def convert_and_cast(value, name, dtype):
  """Convert input to tensor and cast to dtype."""
  return tf.cast(tf.convert_to_tensor(value, name=name), dtype=dtype)


def prepare_loss_args(labels, logits, positive_weights, negative_weights):
  """Prepare arguments for weighted loss functions."""
  logits = tf.convert_to_tensor(logits, name='logits')
  labels = convert_and_cast(labels, 'labels', logits.dtype)
  if len(labels.get_shape()) == 2 and len(logits.get_shape()) == 3:
    labels = tf.expand_dims(labels, [2])

  positive_weights = convert_and_cast(positive_weights, 'positive_weights',
                                      logits.dtype)
  positive_weights = expand_outer(positive_weights, logits.get_shape().ndims)
  negative_weights = convert_and_cast(negative_weights, 'negative_weights',
                                      logits.dtype)
  negative_weights = expand_outer(negative_weights, logits.get_shape().ndims)
  return labels, logits, positive_weights, negative_weights


def get_num_labels(labels_or_logits):
  """Returns the number of labels inferred from labels_or_logits."""
  if labels_or_logits.get_shape().ndims <= 1:
    return 1
  return labels_or_logits.get_shape()[1].value


util = SimpleNamespace(weighted_surrogate_loss=weighted_surrogate_loss,
                       expand_outer=expand_outer, build_label_priors=build_label_priors,
                       convert_and_cast=convert_and_cast, get_num_labels=get_num_labels)


# ---- loss_layers.py -------------------------------------------------------------------

def precision_at_recall_loss(
    labels,
    logits,
    target_recall,
    weights=1.0,
    dual_rate_factor=0.1,
    label_priors=None,
    surrogate_type='xent',
    lambdas_initializer=None,  # adapted: tf.constant_initializer(1.0), set below
    reuse=None,
    variables_collections=None,
    trainable=True,
    scope=None):
  """Computes precision at recall loss."""
  if lambdas_initializer is None:
    lambdas_initializer = tf.constant_initializer(1.0)
  with tf.variable_scope(scope,
                         'precision_at_recall',
                         [logits, labels, label_priors],
                         reuse=reuse):
    labels, logits, weights, original_shape = _prepare_labels_logits_weights(
        labels, logits, weights)
    num_labels = util.get_num_labels(logits)

    # Convert other inputs to tensors and standardize dtypes.
    target_recall = util.convert_and_cast(
        target_recall, 'target_recall', logits.dtype)
    dual_rate_factor = util.convert_and_cast(
        dual_rate_factor, 'dual_rate_factor', logits.dtype)

    # Create lambdas.
    lambdas, lambdas_variable = _create_dual_variable(
        'lambdas',
        shape=[num_labels],
        dtype=logits.dtype,
        initializer=lambdas_initializer,
        collections=variables_collections,
        trainable=trainable,
        dual_rate_factor=dual_rate_factor)
    # Maybe create label_priors.
    label_priors = maybe_create_label_priors(
        label_priors, labels, weights, variables_collections)

    # Calculate weighted loss and other outputs. The log(2.0) term corrects for
    # logloss not being an upper bound on the indicator function.
    weighted_loss = weights * util.weighted_surrogate_loss(
        labels,
        logits,
        surrogate_type,
        positive_weights=lambdas,
        negative_weights=1.0)
    maybe_log2 = tf.log(2.0) if surrogate_type == 'xent' else 1.0
    maybe_log2 = tf.cast(maybe_log2, logits.dtype.base_dtype)
    lambda_term = lambdas * label_priors * (target_recall - 1.0) * maybe_log2
    loss = tf.reshape(weighted_loss + lambda_term, original_shape)
    other_outputs = {
        'lambdas': lambdas_variable,
        'label_priors': label_priors,
        'true_positives_lower_bound': true_positives_lower_bound(
            labels, logits, weights, surrogate_type),
        'false_positives_upper_bound': false_positives_upper_bound(
            labels, logits, weights, surrogate_type)}

    return loss, other_outputs


def _prepare_labels_logits_weights(labels, logits, weights):
  """Validates labels, logits, and weights."""
  # Convert `labels` and `logits` to Tensors and standardize dtypes.
  logits = tf.convert_to_tensor(logits, name='logits')
  labels = util.convert_and_cast(labels, 'labels', logits.dtype.base_dtype)
  weights = util.convert_and_cast(weights, 'weights', logits.dtype.base_dtype)

  try:
    labels.get_shape().merge_with(logits.get_shape())
  except ValueError:
    raise ValueError('logits and labels must have the same shape (%s vs %s)' %
                     (logits.get_shape(), labels.get_shape()))

  original_shape = labels.get_shape().as_list()
  if labels.get_shape().ndims > 0:
    original_shape[0] = -1
  if labels.get_shape().ndims <= 1:
    labels = tf.reshape(labels, [-1, 1])
    logits = tf.reshape(logits, [-1, 1])

  if weights.get_shape().ndims == 1:
    # Weights has shape [batch_size]. Reshape to [batch_size, 1].
    weights = tf.reshape(weights, [-1, 1])
  if weights.get_shape().ndims == 0:
    # Weights is a scalar. Change shape of weights to match logits.
    weights *= tf.ones_like(logits)

  return labels, logits, weights, original_shape


def _create_dual_variable(name, shape, dtype, initializer, collections,
                          trainable, dual_rate_factor):
  """Creates a new dual variable."""
  # We disable partitioning while constructing dual variables because they will
  # be updated with assign, which is not available for partitioned variables.
  partitioner = tf.get_variable_scope().partitioner
  try:
    tf.get_variable_scope().set_partitioner(None)
    dual_variable = contrib(tf).framework.model_variable(
        name=name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        collections=collections,
        trainable=trainable)
  finally:
    tf.get_variable_scope().set_partitioner(partitioner)
  # Using the absolute value enforces nonnegativity.
  dual_value = tf.abs(dual_variable)

  if trainable:
    # To reverse the gradient on the dual variable, multiply the gradient by
    # -dual_rate_factor
    dual_value = (tf.stop_gradient((1.0 + dual_rate_factor) * dual_value)
                  - dual_rate_factor * dual_value)
  return dual_value, dual_variable


def maybe_create_label_priors(label_priors,
                              labels,
                              weights,
                              variables_collections):
  """Creates moving average ops to track label priors, if necessary."""
  if label_priors is not None:
    label_priors = util.convert_and_cast(
        label_priors, name='label_priors', dtype=labels.dtype.base_dtype)
    return tf.squeeze(label_priors)

  label_priors = util.build_label_priors(
      labels,
      weights,
      variables_collections=variables_collections)
  return label_priors


def true_positives_lower_bound(labels, logits, weights, surrogate_type):
  """Calculate a lower bound on the number of true positives."""
  maybe_log2 = tf.log(2.0) if surrogate_type == 'xent' else 1.0
  maybe_log2 = tf.cast(maybe_log2, logits.dtype.base_dtype)
  if logits.get_shape().ndims == 3 and labels.get_shape().ndims < 3:
    labels = tf.expand_dims(labels, 2)
  loss_on_positives = util.weighted_surrogate_loss(
      labels, logits, surrogate_type, negative_weights=0.0) / maybe_log2
  return tf.reduce_sum(weights * (labels - loss_on_positives), 0)


def false_positives_upper_bound(labels, logits, weights, surrogate_type):
  """Calculate an upper bound on the number of false positives."""
  maybe_log2 = tf.log(2.0) if surrogate_type == 'xent' else 1.0
  maybe_log2 = tf.cast(maybe_log2, logits.dtype.base_dtype)
  loss_on_negatives = util.weighted_surrogate_loss(
      labels, logits, surrogate_type, positive_weights=0.0) / maybe_log2
  return tf.reduce_sum(weights *  loss_on_negatives, 0)


loss_layers = SimpleNamespace(precision_at_recall_loss=precision_at_recall_loss)


# ---- loss_layers_example.py -----------------------------------------------------------

USE_GO_SADDLE_POINT_OPT = False

TARGET_RECALL = 0.98
TRAIN_ITERATIONS = 60  # adapted (150)
LEARNING_RATE = 1.0
GO_DUAL_RATE_FACTOR = 15.0
NUM_CHECKPOINTS = 6

EXPERIMENT_DATA_CONFIG = {
    'positives_centers': [[0, 1.0], [1, -0.5]],
    'negatives_centers': [[0, -0.5], [1, 1.0]],
    'positives_variances': [0.15, 0.1],
    'negatives_variances': [0.15, 0.1],
    'positives_counts': [500, 50],
    'negatives_counts': [3000, 100]
}


def precision_score(labels, predicted):
  """sklearn.metrics.precision_score for 0/1 labels (adapted)."""
  predicted = np.asarray(predicted).reshape(-1).astype(bool)
  true_positives = np.sum(predicted & (np.asarray(labels).reshape(-1) == 1.0))
  return true_positives / max(np.sum(predicted), 1)


def create_training_and_eval_data_for_experiment(**data_config):
  """Creates train and eval data sets."""
  def data_points(is_positives, index):
    variance = data_config['positives_variances'
                           if is_positives else 'negatives_variances'][index]
    center = data_config['positives_centers'
                         if is_positives else 'negatives_centers'][index]
    count = data_config['positives_counts'
                        if is_positives else 'negatives_counts'][index]
    return variance*np.random.randn(count, 2) + np.array([center])

  def create_data():
    return np.concatenate([data_points(False, 0),
                           data_points(True, 0),
                           data_points(True, 1),
                           data_points(False, 1)], axis=0)

  def create_labels():
    """Creates an array of 0.0 or 1.0 labels for the data_config batches."""
    return np.array([0.0]*data_config['negatives_counts'][0] +
                    [1.0]*data_config['positives_counts'][0] +
                    [1.0]*data_config['positives_counts'][1] +
                    [0.0]*data_config['negatives_counts'][1])

  permutation = np.random.permutation(
      sum(data_config['positives_counts'] + data_config['negatives_counts']))

  train_data = create_data()[permutation, :]
  eval_data = create_data()[permutation, :]
  train_labels = create_labels()[permutation]
  eval_labels = create_labels()[permutation]

  return {
      'train_data': train_data,
      'train_labels': train_labels,
      'eval_data': eval_data,
      'eval_labels': eval_labels
  }


def train_model(data, use_global_objectives):
  """Trains a linear model for maximal accuracy or precision at given recall."""

  def precision_at_recall(scores, labels, target_recall):
    """Computes precision - at target recall - over data."""
    positive_scores = scores[labels == 1.0]
    threshold = np.percentile(positive_scores, 100 - target_recall*100)
    predicted = scores >= threshold
    return precision_score(labels, predicted)

  w = tf.Variable(tf.constant([-1.0, -1.0], shape=[2, 1]), trainable=True,
                  name='weights', dtype=tf.float32)
  b = tf.Variable(tf.zeros([1]), trainable=True, name='biases',
                  dtype=tf.float32)

  logits = tf.matmul(tf.cast(data['train_data'], tf.float32), w) + b

  labels = tf.constant(
      data['train_labels'],
      shape=[len(data['train_labels']), 1],
      dtype=tf.float32)

  if use_global_objectives:
    loss, other_outputs = loss_layers.precision_at_recall_loss(
        labels, logits,
        TARGET_RECALL,
        dual_rate_factor=GO_DUAL_RATE_FACTOR)
    loss = tf.reduce_mean(loss)
  else:
    loss = tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))

  global_step = tf.Variable(0, trainable=False)

  learning_rate = tf.train.polynomial_decay(
      LEARNING_RATE,
      global_step,
      TRAIN_ITERATIONS, (LEARNING_RATE / TRAIN_ITERATIONS),
      power=1.0,
      cycle=False,
      name='learning_rate')

  optimizer = tf.train.GradientDescentOptimizer(learning_rate)

  if (not use_global_objectives) or USE_GO_SADDLE_POINT_OPT:
    training_op = optimizer.minimize(loss, global_step=global_step)
  else:
    lambdas = other_outputs['lambdas']
    primal_update_op = optimizer.minimize(loss, var_list=[w, b])
    dual_update_op = optimizer.minimize(
        loss, global_step=global_step, var_list=[lambdas])

  # Training loop:
  with tf.compat.v1.Session() as sess:
    checkpoint_step = TRAIN_ITERATIONS // NUM_CHECKPOINTS
    sess.run(tf.global_variables_initializer())
    step = sess.run(global_step)

    while step <= TRAIN_ITERATIONS:
      if (not use_global_objectives) or USE_GO_SADDLE_POINT_OPT:
        _, step, loss_value, w_value, b_value = sess.run(
            [training_op, global_step, loss, w, b])
      else:
        _, w_value, b_value = sess.run([primal_update_op, w, b])
        _, loss_value, step = sess.run([dual_update_op, loss, global_step])

      if use_global_objectives:
        go_outputs = sess.run(list(other_outputs.values()))  # adapted: list()

      if step % checkpoint_step == 0:
        precision = precision_at_recall(
            np.dot(data['train_data'], w_value) + b_value,
            data['train_labels'], TARGET_RECALL)

        tf.logging.info('Loss = %f Precision = %f', loss_value, precision)
        _CHECKPOINTS.append(float(precision))
        if use_global_objectives:
          for i, output_name in enumerate(other_outputs.keys()):
            tf.logging.info('\t%s = %f', output_name, go_outputs[i])

    _LAST.update(loss=float(loss_value))
    if use_global_objectives:
      _LAST.update(zip(other_outputs.keys(), go_outputs))
    w_value, b_value = sess.run([w, b])
    return precision_at_recall(np.dot(data['eval_data'], w_value) + b_value,
                               data['eval_labels'],
                               TARGET_RECALL)


_CHECKPOINTS, _LAST = [], {}


def main(tf_api):
  global tf
  tf = tf_api
  out = {}
  np.random.seed(0)  # adapted: the same data on both backends
  experiment_data = create_training_and_eval_data_for_experiment(
      **EXPERIMENT_DATA_CONFIG)
  for name, use_go in (("go", True), ("xent", False)):
    del _CHECKPOINTS[:]
    _LAST.clear()
    with tf.Graph().as_default():
      out[f"{name}_precision"] = float(train_model(experiment_data, use_go))
      if use_go:
        out["go_variables"] = sorted(v.op.name for v in tf.global_variables())
    out[f"{name}_checkpoints"] = _CHECKPOINTS[-1]
    out[f"{name}_loss"] = _LAST["loss"]
    if use_go:
      out["lambdas"] = float(np.ravel(_LAST["lambdas"])[0])
      out["label_priors"] = float(np.ravel(_LAST["label_priors"])[0])
      out["tp_lower_bound"] = float(np.ravel(_LAST["true_positives_lower_bound"])[0])
      out["fp_upper_bound"] = float(np.ravel(_LAST["false_positives_upper_bound"])[0])
  return out
