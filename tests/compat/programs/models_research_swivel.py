"""tensorflow/models' ``research/swivel`` (Shazeer et al., "Swivel: Improving Embeddings
by Noticing What's Missing"): ``swivel.py`` (read at tensorflow/models@6d14464) trains row
and column embeddings on sub-matrix shards of a co-occurrence matrix. Each shard is a
serialized ``tf.train.Example`` file read by ``string_input_producer`` +
``WholeFileReader`` and ``parse_single_example`` (two ``FixedLenFeature`` int64 index
vectors, three ``VarLenFeature``s whose ``.values`` become ``sparse_to_dense`` counts);
the model gathers embeddings with ``embedding_lookup``, bias constants with ``gather``,
weighs an L2 loss by ``tf.pow(counts, 0.5)`` and a ``softplus`` loss on the zero cells
(``tf.to_float(tf.cast(counts, tf.bool))`` masks), trains with ``RMSPropOptimizer`` with
momentum, counts steps in a ``get_variable('global_step', initializer=0)``, runs under
``tf.train.replica_device_setter(0)`` and a ``tf.train.Supervisor``'s
``managed_session`` (queue runners, a final ``supervisor.saver.save``), and writes the
embeddings as TSV files.

Adapted: the input directory is made here, as ``prep.py`` makes it (vocabulary by
falling count, co-occurrences in a window of 10 weighted ``1/distance``, each pair in
both shards, ``shard-RRR-CCC.pb`` files holding ``tf.train.Example``s, marginal sums),
from 300 generated SMS lines (``common.sms_spam_lines``) with a vocabulary of 32 and
shards of 16, so 2 x 2 shards; the flags are a namespace with ``dim`` 8 and 5 epochs
(20 steps); ``random.seed(0)`` and ``tf.set_random_seed(0)`` before the graph is built
(``random.shuffle`` and ``string_input_producer``'s shuffle order the shards; the
embeddings' initial draws), so both backends read the same shards in the same order;
the Supervisor's ``save_summaries_secs`` is 0 instead of 60 (its summary thread runs
``loss`` at start, which reads a shard from the queue at a moment that depends on thread
scheduling); the evaluation files are left out (no ``eval_base_path``); the losses, the
embeddings and the files written are returned."""

# Copyright 2016 Google Inc. All Rights Reserved. Licensed under the Apache License,
# Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

# ruff: noqa: UP031, UP004, E111, E114, E117 - the authors' code is kept as written

from __future__ import annotations

import glob
import os
import random
import re
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import sms_spam_lines

COMPARE = {"losses": 1e-4, "final_loss": 1e-4, "global_step": 0.0, "row_norm": 1e-4,
           "col_norm": 1e-4, "row_tsv_first": 1e-4, "files": 0.0, "vocab": 0.0}

tf = None  # the backend, set by main()
_LOSSES = []

FLAGS = SimpleNamespace(input_base_path='', output_base_path='', eval_base_path='',
                        num_epochs=5, hparams='', dim=8, optimizer='rmsprop',
                        learning_rate=0.1, momentum=0.1, confidence_base=0.0,
                        confidence_scale=1.0, confidence_exponent=0.5, submatrix_rows=16,
                        submatrix_cols=16, ps_hosts='', worker_hosts='', job_name='',
                        task_index=0, gpu_device=0)


def _prep(output_dir, lines, shard_size=16, max_vocab=32, window_size=10):
  """prep.py's vocabulary, co-occurrence shards and marginals (adapted, in memory)."""
  counts = {}
  for line in lines:
    for word in line.strip().split():
      counts[word] = counts.get(word, 0) + 1
  vocab = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_vocab]
  vocab = [tok for tok, _ in vocab]
  word_to_id = {tok: idx for idx, tok in enumerate(vocab)}
  num_shards = len(vocab) // shard_size
  coocs, sums = {}, [0.0] * len(vocab)
  for line in lines:
    wids = [word_to_id[w] for w in line.strip().split() if w in word_to_id]
    for pos in range(len(wids)):
      lid = wids[pos]
      for off in range(1, min(window_size + 1, len(wids) - pos)):
        rid = wids[pos + off]
        pair = (min(lid, rid), max(lid, rid))
        sums[lid] += 1.0 / off
        sums[rid] += 1.0 / off
        coocs[pair] = coocs.get(pair, 0.0) + 1.0 / off
      sums[lid] += 1.0
      coocs[(lid, lid)] = coocs.get((lid, lid), 0.0) + 0.5
  shards = {(r, c): {} for r in range(num_shards) for c in range(num_shards)}
  for (a, b), cnt in coocs.items():
    for x, y in ((a, b), (b, a)):
      cell = shards[(x % num_shards, y % num_shards)]
      key = (x // num_shards, y // num_shards)
      cell[key] = cell.get(key, 0.0) + np.float32(cnt)

  def _int64s(xs):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=list(xs)))

  def _floats(xs):
    return tf.train.Feature(float_list=tf.train.FloatList(value=list(xs)))

  for (row, col), cell in sorted(shards.items()):
    items = sorted(cell.items())
    example = tf.train.Example(features=tf.train.Features(feature={
        'global_row': _int64s(row + num_shards * i for i in range(shard_size)),
        'global_col': _int64s(col + num_shards * i for i in range(shard_size)),
        'sparse_local_row': _int64s(k[0] for k, _ in items),
        'sparse_local_col': _int64s(k[1] for k, _ in items),
        'sparse_value': _floats(float(v) for _, v in items)}))
    with open(os.path.join(output_dir, 'shard-%03d-%03d.pb' % (row, col)), 'wb') as out:
      out.write(example.SerializeToString())
  for kind in ('row', 'col'):
    with open(os.path.join(output_dir, kind + '_vocab.txt'), 'w') as f:
      f.write(''.join(tok + '\n' for tok in vocab))
    with open(os.path.join(output_dir, kind + '_sums.txt'), 'w') as f:
      f.write(''.join(repr(s) + '\n' for s in sums))
  return vocab


class Model(object):
  """A Swivel model."""

  def __init__(self, input_base_path, hparams):
    """Creates a new Swivel model."""
    # Read vocab
    self.row_ix_to_word, self.row_word_to_ix = self._read_vocab(
        os.path.join(input_base_path, 'row_vocab.txt'))
    self.col_ix_to_word, self.col_word_to_ix = self._read_vocab(
        os.path.join(input_base_path, 'col_vocab.txt'))

    # Read marginals.
    row_sums = self._read_marginals_file(
        os.path.join(input_base_path, 'row_sums.txt'))
    col_sums = self._read_marginals_file(
        os.path.join(input_base_path, 'col_sums.txt'))

    # Construct input tensors.
    count_matrix_files = glob.glob(
        os.path.join(input_base_path, 'shard-*.pb'))
    count_matrix_files.sort()  # adapted: glob's order is the file system's

    global_rows, global_cols, counts = self._count_matrix_input(
        count_matrix_files, hparams.submatrix_rows, hparams.submatrix_cols)

    # Create embedding variables.
    sigma = 1.0 / np.sqrt(hparams.dim)
    self.row_embedding = tf.get_variable(
        'row_embedding',
        shape=[len(row_sums), hparams.dim],
        initializer=tf.random_normal_initializer(0, sigma),
        dtype=tf.float32)
    self.col_embedding = tf.get_variable(
        'col_embedding',
        shape=[len(col_sums), hparams.dim],
        initializer=tf.random_normal_initializer(0, sigma),
        dtype=tf.float32)

    matrix_log_sum = np.log(np.sum(row_sums) + 1)
    row_bias = tf.constant(
        [np.log(x + 1) for x in row_sums], dtype=tf.float32)
    col_bias = tf.constant(
        [np.log(x + 1) for x in col_sums], dtype=tf.float32)

    # Fetch embeddings.
    selected_rows = tf.nn.embedding_lookup(self.row_embedding, global_rows)
    selected_cols = tf.nn.embedding_lookup(self.col_embedding, global_cols)

    selected_row_bias = tf.gather(row_bias, global_rows)
    selected_col_bias = tf.gather(col_bias, global_cols)

    predictions = tf.matmul(selected_rows, selected_cols, transpose_b=True)

    # These binary masks separate zero from non-zero values.
    count_is_nonzero = tf.to_float(tf.cast(counts, tf.bool))
    count_is_zero = 1 - count_is_nonzero

    objectives = count_is_nonzero * tf.log(counts + 1e-30)
    objectives -= tf.reshape(selected_row_bias, [-1, 1])
    objectives -= selected_col_bias
    objectives += matrix_log_sum

    err = predictions - objectives

    # The confidence function scales the L2 loss based on the raw
    # co-occurrence count.
    l2_confidence = (hparams.confidence_base +
                     hparams.confidence_scale * tf.pow(
                         counts, hparams.confidence_exponent))

    loss_multiplier = 1 / np.sqrt(
        hparams.submatrix_rows * hparams.submatrix_cols)

    l2_loss = loss_multiplier * tf.reduce_sum(
        0.5 * l2_confidence * tf.square(err))

    sigmoid_loss = loss_multiplier * tf.reduce_sum(
        tf.nn.softplus(err) * count_is_zero)

    self.loss_op = l2_loss + sigmoid_loss

    if hparams.optimizer == 'adagrad':
      opt = tf.train.AdagradOptimizer(hparams.learning_rate)
    elif hparams.optimizer == 'rmsprop':
      opt = tf.train.RMSPropOptimizer(hparams.learning_rate, hparams.momentum)
    else:
      raise ValueError('unknown optimizer "%s"' % hparams.optimizer)

    self.global_step = tf.get_variable(
        'global_step', initializer=0, trainable=False)

    self.train_op = opt.minimize(self.loss_op, global_step=self.global_step)

    # One epoch trains each submatrix once.
    self.steps_per_epoch = (
        (len(row_sums) / hparams.submatrix_rows) *
        (len(col_sums) / hparams.submatrix_cols))

  def _read_vocab(self, filename):
    """Reads the vocabulary file."""
    with open(filename) as lines:
      ix_to_word = [line.strip() for line in lines]
      word_to_ix = {word: ix for ix, word in enumerate(ix_to_word)}
      return ix_to_word, word_to_ix

  def _read_marginals_file(self, filename):
    """Reads text file with one number per line to an array."""
    with open(filename) as lines:
      return [float(line.strip()) for line in lines]

  def _count_matrix_input(self, filenames, submatrix_rows, submatrix_cols):
    """Creates ops that read submatrix shards from disk."""
    random.shuffle(filenames)
    filename_queue = tf.train.string_input_producer(filenames)
    reader = tf.WholeFileReader()
    _, serialized_example = reader.read(filename_queue)
    features = tf.parse_single_example(
        serialized_example,
        features={
            'global_row': tf.FixedLenFeature([submatrix_rows], dtype=tf.int64),
            'global_col': tf.FixedLenFeature([submatrix_cols], dtype=tf.int64),
            'sparse_local_row': tf.VarLenFeature(dtype=tf.int64),
            'sparse_local_col': tf.VarLenFeature(dtype=tf.int64),
            'sparse_value': tf.VarLenFeature(dtype=tf.float32)
        })

    global_row = features['global_row']
    global_col = features['global_col']

    sparse_local_row = features['sparse_local_row'].values
    sparse_local_col = features['sparse_local_col'].values
    sparse_count = features['sparse_value'].values

    sparse_indices = tf.concat(
        axis=1, values=[tf.expand_dims(sparse_local_row, 1),
                        tf.expand_dims(sparse_local_col, 1)])

    count = tf.sparse_to_dense(sparse_indices, [submatrix_rows, submatrix_cols],
                               sparse_count)

    return global_row, global_col, count

  def _write_tensor(self, vocab_path, output_path, session, embedding):
    """Writes tensor to output_path as tsv."""
    embeddings = session.run(embedding)

    with open(output_path, 'w') as out_f:
      with open(vocab_path) as vocab_f:
        for index, word in enumerate(vocab_f):
          word = word.strip()
          embedding = embeddings[index]
          print('\t'.join([word.strip()] + [str(x) for x in embedding]),
                file=out_f)

  def write_embeddings(self, config, session):
    """Writes row and column embeddings disk."""
    self._write_tensor(
        os.path.join(config.input_base_path, 'row_vocab.txt'),
        os.path.join(config.output_base_path, 'row_embedding.tsv'),
        session, self.row_embedding)

    self._write_tensor(
        os.path.join(config.input_base_path, 'col_vocab.txt'),
        os.path.join(config.output_base_path, 'col_embedding.tsv'),
        session, self.col_embedding)


def run(_):
  """swivel.py's main(), stand-alone (no ps_hosts)."""
  server = None
  device_setter = tf.train.replica_device_setter(0)

  # Build the graph.
  with tf.Graph().as_default():
    tf.set_random_seed(0)  # adapted: the same draws on both backends
    with tf.device(device_setter):
      model = Model(FLAGS.input_base_path, FLAGS)
      tf.summary.scalar('loss', model.loss_op)

    # Train on, soldier.
    supervisor = tf.train.Supervisor(
        logdir=FLAGS.output_base_path,
        is_chief=(FLAGS.task_index == 0),
        save_summaries_secs=0,  # adapted (60): see the module docstring
        recovery_wait_secs=5)

    max_step = FLAGS.num_epochs * model.steps_per_epoch
    master = server.target if server else ''
    with supervisor.managed_session(master) as session:
      local_step = 0
      global_step = session.run(model.global_step)
      while not supervisor.should_stop() and global_step < max_step:
        global_step, loss, _ = session.run([
            model.global_step, model.loss_op, model.train_op])

        if not np.isfinite(loss):
          raise ValueError('non-finite cost at step %d' % global_step)

        local_step += 1
        _LOSSES.append(float(loss))
        if local_step % 10 == 0:
          tf.logging.info(
              'local_step=%d global_step=%d loss=%.1f, %.1f%% complete',
              local_step, global_step, loss, 100.0 * global_step / max_step)

      if FLAGS.task_index == 0:
        supervisor.saver.save(
            session, supervisor.save_path, global_step=global_step)

        model.write_embeddings(FLAGS, session)
      final = session.run([model.global_step, model.row_embedding, model.col_embedding])
  return final


def main(tf_api):
  global tf
  tf = tf_api
  del _LOSSES[:]
  with tempfile.TemporaryDirectory() as work:
    return _main(work)


def _main(work):
  FLAGS.input_base_path = os.path.join(work, 'input')
  FLAGS.output_base_path = os.path.join(work, 'output')
  os.makedirs(FLAGS.input_base_path)
  vocab = _prep(FLAGS.input_base_path, sms_spam_lines(np.random.RandomState(3), 300))
  random.seed(0)
  step, rows, cols = run(None)
  with open(os.path.join(FLAGS.output_base_path, 'row_embedding.tsv')) as f:
    first = f.readline().split('\t')
  # the Supervisor's checkpoint thread saves once at its start, at whatever step the
  # training loop has reached by then: those files are named without the step
  files = sorted({'events' if name.startswith('events.out') else
                  re.sub(r'model\.ckpt-(?!20\.)\d+', 'model.ckpt-N', name)
                  for name in os.listdir(FLAGS.output_base_path)})
  return {"losses": _LOSSES[9], "final_loss": _LOSSES[-1], "global_step": int(step),
          "row_norm": float(np.linalg.norm(rows)), "col_norm": float(np.linalg.norm(cols)),
          "row_tsv_first": float(first[1]), "files": files, "vocab": vocab[:5]}
