"""tensorflow/models' ``research/adversarial_crypto/train_eval.py`` (Abadi & Andersen,
"Learning to Protect Communications with Adversarial Neural Cryptography"; read at
tensorflow/models@5440b66): Alice, Bob and Eve are each a ``tf.contrib.layers``
``fully_connected`` layer and three ``conv2d`` layers over the expanded message, their
variables put into the collections ``'alice'``/``'bob'``/``'eve'`` through
``tf.contrib.framework.arg_scope(..., variables_collections=[collection])``; messages and
keys are ``tf.random.uniform`` int32 bits drawn in the graph with a
``placeholder_with_default`` batch size; one Adam optimizer minimizes Bob's loss over
``get_collection('alice') + get_collection('bob')`` and Eve's over ``'eve'``; Eve is reset
by grouping her variables' ``initializer`` ops and retrained.

Adapted: ``tf.app.flags`` are a plain namespace (flags are process-global);
``tf.set_random_seed(0)`` before the graph is built, so both backends draw the same
messages, keys and initial weights (TF's Philox streams); the batch is 256 instead of
4096; the loops are short (30 training loops printing every 10, 20 extra Eve rounds, one
Eve reset retrained for 2 x 10 steps) and the thresholds are loosened (Bob below 8 bits,
Eve above 0) so the short run reaches the Eve-reset phase; ``signal`` handling is left
out; the printed evaluations are returned. Under TF 2.x (no ``tf.contrib``) the layers
and ``arg_scope`` are tf_slim's (``tests/compat/programs/tf_contrib.py``)."""

# Copyright 2016 The TensorFlow Authors All Rights Reserved. Licensed under the Apache
# License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described
# above.

# ruff: noqa: UP031, UP004, N806 - the authors' code is kept as written

from __future__ import annotations

import contextlib
import io
import sys
from types import SimpleNamespace

from tests.compat.programs.tf_contrib import contrib

COMPARE = {"evals": 0.0, "train_bob": 1e-4, "train_eve": 1e-4, "final_bob": 1e-4,
           "final_eve": 1e-4, "reset_eve": 1e-4, "eve_vars": 0.0, "alice_vars": 0.0}

tf = None  # the backend, set by main()
xrange = range

FLAGS = SimpleNamespace(learning_rate=0.0008, batch_size=256)

# Input and output configuration.
TEXT_SIZE = 16
KEY_SIZE = 16

# Training parameters.
ITERS_PER_ACTOR = 1
EVE_MULTIPLIER = 2  # Train Eve 2x for every step of Alice/Bob
# Train until either max loops or Alice/Bob "good enough":
MAX_TRAINING_LOOPS = 30
BOB_LOSS_THRESH = 8.0  # adapted (0.02): the short run reaches the reset phase
EVE_LOSS_THRESH = 0.0  # adapted (7.7)

# Logging and evaluation.
PRINT_EVERY = 10
EVE_EXTRA_ROUNDS = 20
RETRAIN_EVE_ITERS = 10
RETRAIN_EVE_LOOPS = 2
NUMBER_OF_EVE_RESETS = 1
# Use EVAL_BATCHES samples each time we check accuracy.
EVAL_BATCHES = 1


def batch_of_random_bools(batch_size, n):
  """Return a batch of random "boolean" numbers, each -1 or 1."""

  as_int = tf.random.uniform(
      [batch_size, n], minval=0, maxval=2, dtype=tf.int32)
  expanded_range = (as_int * 2) - 1
  return tf.cast(expanded_range, tf.float32)


class AdversarialCrypto(object):
  """Primary model implementation class for Adversarial Neural Crypto."""

  def get_message_and_key(self):
    """Generate random pseudo-boolean key and message values."""

    batch_size = tf.compat.v1.placeholder_with_default(FLAGS.batch_size, shape=[])

    in_m = batch_of_random_bools(batch_size, TEXT_SIZE)
    in_k = batch_of_random_bools(batch_size, KEY_SIZE)
    return in_m, in_k

  def model(self, collection, message, key=None):
    """The model for Alice, Bob, and Eve."""

    if key is not None:
      combined_message = tf.concat(axis=1, values=[message, key])
    else:
      combined_message = message

    # Ensure that all variables created are in the specified collection.
    with contrib(tf).framework.arg_scope(
        [contrib(tf).layers.fully_connected, contrib(tf).layers.conv2d],
        variables_collections=[collection]):

      fc = contrib(tf).layers.fully_connected(
          combined_message,
          TEXT_SIZE + KEY_SIZE,
          biases_initializer=tf.constant_initializer(0.0),
          activation_fn=None)

      # Perform a sequence of 1D convolutions (by expanding the message out to 2D
      # and then squeezing it back down).
      fc = tf.expand_dims(fc, 2) # 2D
      fc = tf.expand_dims(fc, 3) # 3D -- conv2d needs a depth
      # 2,1 -> 1,2
      conv = contrib(tf).layers.conv2d(
          fc, 2, 2, 2, 'SAME', activation_fn=tf.nn.sigmoid)
      # 1,2 -> 1, 2
      conv = contrib(tf).layers.conv2d(
          conv, 2, 1, 1, 'SAME', activation_fn=tf.nn.sigmoid)
      # 1,2 -> 1, 1
      conv = contrib(tf).layers.conv2d(
          conv, 1, 1, 1, 'SAME', activation_fn=tf.nn.tanh)
      conv = tf.squeeze(conv, 3)
      conv = tf.squeeze(conv, 2)
      return conv

  def __init__(self):
    in_m, in_k = self.get_message_and_key()
    encrypted = self.model('alice', in_m, in_k)
    decrypted = self.model('bob', encrypted, in_k)
    eve_out = self.model('eve', encrypted, None)

    self.reset_eve_vars = tf.group(
        *[w.initializer for w in tf.compat.v1.get_collection('eve')])

    optimizer = tf.compat.v1.train.AdamOptimizer(learning_rate=FLAGS.learning_rate)

    # Eve's goal is to decrypt the entire message:
    eve_bits_wrong = tf.reduce_sum(
        tf.abs((eve_out + 1.0) / 2.0 - (in_m + 1.0) / 2.0), [1])
    self.eve_loss = tf.reduce_sum(eve_bits_wrong)
    self.eve_optimizer = optimizer.minimize(
        self.eve_loss, var_list=tf.compat.v1.get_collection('eve'))

    # Alice and Bob want to be accurate...
    self.bob_bits_wrong = tf.reduce_sum(
        tf.abs((decrypted + 1.0) / 2.0 - (in_m + 1.0) / 2.0), [1])
    # ... and to not let Eve do better than guessing.
    self.bob_reconstruction_loss = tf.reduce_sum(self.bob_bits_wrong)
    bob_eve_error_deviation = tf.abs(float(TEXT_SIZE) / 2.0 - eve_bits_wrong)
    # 7-9 bits wrong is OK too, so we squish the error function a bit.
    bob_eve_loss = tf.reduce_sum(
        tf.square(bob_eve_error_deviation) / (TEXT_SIZE / 2)**2)

    # Rescale the losses to [0, 1] per example and combine.
    self.bob_loss = (self.bob_reconstruction_loss / TEXT_SIZE + bob_eve_loss)

    self.bob_optimizer = optimizer.minimize(
        self.bob_loss,
        var_list=(tf.compat.v1.get_collection('alice') + tf.compat.v1.get_collection('bob')))


def doeval(s, ac, n, itercount):
  """Evaluate the current network on n batches of random examples."""

  bob_loss_accum = 0
  eve_loss_accum = 0
  for _ in xrange(n):
    bl, el = s.run([ac.bob_reconstruction_loss, ac.eve_loss])
    bob_loss_accum += bl
    eve_loss_accum += el
  bob_loss_percent = bob_loss_accum / (n * FLAGS.batch_size)
  eve_loss_percent = eve_loss_accum / (n * FLAGS.batch_size)
  print('%10d\t%20.2f\t%20.2f'%(itercount, bob_loss_percent, eve_loss_percent))
  sys.stdout.flush()
  _EVALS.append((itercount, float(bob_loss_percent), float(eve_loss_percent)))
  return bob_loss_percent, eve_loss_percent


def train_until_thresh(s, ac):
  for j in xrange(MAX_TRAINING_LOOPS):
    for _ in xrange(ITERS_PER_ACTOR):
      s.run(ac.bob_optimizer)
    for _ in xrange(ITERS_PER_ACTOR * EVE_MULTIPLIER):
      s.run(ac.eve_optimizer)
    if j % PRINT_EVERY == 0:
      bob_avg_loss, eve_avg_loss = doeval(s, ac, EVAL_BATCHES, j)
      if (bob_avg_loss < BOB_LOSS_THRESH and eve_avg_loss > EVE_LOSS_THRESH
          and j > 0):  # adapted: not at the first evaluation
        print('Target losses achieved.')
        return True
  return False


def train_and_evaluate():
  """Run the full training and evaluation loop."""

  ac = AdversarialCrypto()
  init = tf.compat.v1.global_variables_initializer()

  with tf.compat.v1.Session() as s:
    s.run(init)
    print('# Batch size: ', FLAGS.batch_size)
    print('# %10s\t%20s\t%20s'%("Iter","Bob_Recon_Error","Eve_Recon_Error"))

    if train_until_thresh(s, ac):
      for _ in xrange(EVE_EXTRA_ROUNDS):
        s.run(ac.eve_optimizer)
      print('Loss after eve extra training:')
      doeval(s, ac, EVAL_BATCHES * 2, 0)
      for _ in xrange(NUMBER_OF_EVE_RESETS):
        print('Resetting Eve')
        s.run(ac.reset_eve_vars)
        eve_counter = 0
        for _ in xrange(RETRAIN_EVE_LOOPS):
          for _ in xrange(RETRAIN_EVE_ITERS):
            eve_counter += 1
            s.run(ac.eve_optimizer)
          doeval(s, ac, EVAL_BATCHES, eve_counter)
        doeval(s, ac, EVAL_BATCHES, eve_counter)
  return ac


_EVALS = []


def main(tf_api):
  global tf
  tf = tf_api
  del _EVALS[:]
  tf.set_random_seed(0)  # adapted: the same draws on both backends
  with contextlib.redirect_stdout(io.StringIO()):
    ac = train_and_evaluate()
  names = lambda c: sorted(v.op.name for v in tf.get_collection(c))  # noqa: E731
  return {"evals": [e[0] for e in _EVALS],
          "train_bob": _EVALS[1][1], "train_eve": _EVALS[1][2],
          "final_bob": _EVALS[2][1], "final_eve": _EVALS[2][2],
          "reset_eve": _EVALS[-1][2], "eve_vars": names("eve"),
          "alice_vars": names("alice") + [str(ac.bob_loss.shape)]}
