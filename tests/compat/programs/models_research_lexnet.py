"""tensorflow/models' ``research/lexnet_nc`` (Shwartz & Dagan's LexNET for noun-compound
relations): ``lexnet_model.py``, ``lexnet_common.py`` and ``learn_classifier.py`` (read
at tensorflow/models@84979b9, @08eebbc and @1001596) with the ``integrated`` input.
Instances are serialized ``tf.train.Example``s in GZIP TFRecord files, read back with
``tf.python_io.tf_record_iterator(path, TFRecordOptions(GZIP))`` and fed as a string
batch to ``tf.parse_example`` (``FixedLenFeature`` ids and ``FixedLenSequenceFeature``
path strings and counts with ``allow_missing=True``, padded per batch); path strings
become ids through a ``tf.contrib.lookup.HashTable`` (``tables_initializer``); the path
embeddings are loaded into a variable with ``tf.assign(..., validate_shape=False)``; the
relata embeddings initialize a non-trainable ``get_variable``; an MLP of ``get_variable``
weights (default Glorot draws under the model's ``tf.set_random_seed(133)``) with input
dropout, ``sparse_softmax_cross_entropy_with_logits`` summed, Adam; per epoch the
validation F1 decides whether a ``tf.train.Saver`` writes ``best.ckpt``; at the end the
train/validation/test evaluations and the test predictions file.

Adapted: the data set and embeddings are generated (4 relations, 24 words with 10-d
vectors, 12 paths with 6-d vectors, 40/20/20 instances, each instance's paths and counts
drawn per relation) instead of the Tratz data and GloVe/path files;
``tf.flags`` are a namespace; hyper-parameters ``batch_size`` 10, ``num_epochs`` 3,
``path_dim`` 6; ``np.random.seed(0)`` first (the epochs' permutations); ``path_to_index``'s
keys and values are lists (``tf.constant`` takes no dict views in Python 3);
``sklearn.metrics.precision_recall_fscore_support(average='weighted')`` is its NumPy
formula and the classification report and confusion matrix are not printed;
``xrange`` is ``range``; the printed numbers are returned. Under TF 2.x
``tf.contrib.training.HParams`` and ``tf.contrib.lookup.HashTable`` are the stand-ins of
``tests/compat/programs/tf_contrib.py``."""

# Copyright 2017, 2018 Google, Inc. All Rights Reserved. Licensed under the Apache License,
# Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

# ruff: noqa: UP031, UP004, UP032, E111, E114, E117, N802, N807 - the authors' code

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.tf_contrib import contrib

COMPARE = {"loss_epoch_1": 1e-4, "loss_epoch_3": 1e-4, "val_f1_epoch_1": 1e-4,
           "val_f1_epoch_3": 1e-4, "best_f1": 1e-4, "test_f1": 1e-4,
           "test_predictions": 0.0, "train_labels": 0.0, "pairs": 0.0,
           "saved": 0.0, "global_step": 0.0}

tf = None  # the backend, set by main()
xrange = range
_OUT = {}

CLASSES = ['OBJECTIVE', 'PURPOSE', 'LOCATION', 'CAUSAL']
WORDS = ['olive', 'oil', 'steel', 'bridge', 'flu', 'virus', 'kitchen', 'knife', 'rain',
         'flood', 'paper', 'cup', 'garden', 'tool', 'stone', 'wall', 'smoke', 'alarm',
         'city', 'park', 'salt', 'water', 'wind', 'damage']
PATHS = ['X/NOUN/nsubj/>_Y/NOUN/dobj/<', 'X/NOUN/pobj/<_for/ADP/prep/^_Y/NOUN/ROOT/^',
         'X/NOUN/pobj/<_in/ADP/prep/^_Y/NOUN/ROOT/^', 'X/NOUN/nsubj/>_cause/VERB/ROOT/^',
         'X/NOUN/amod/>_Y/NOUN/ROOT/^', 'X/NOUN/nn/>_Y/NOUN/ROOT/^',
         'X/NOUN/conj/>_Y/NOUN/ROOT/^', 'X/NOUN/pobj/<_of/ADP/prep/^_Y/NOUN/ROOT/^',
         'X/NOUN/poss/>_Y/NOUN/ROOT/^', 'X/NOUN/dobj/<_make/VERB/ROOT/^',
         'X/NOUN/pobj/<_from/ADP/prep/^_Y/NOUN/ROOT/^', 'X/NOUN/appos/>_Y/NOUN/ROOT/^']


def _make_dataset(work, rng):
  """The data set directory ``learn_classifier.py`` reads, generated (adapted)."""
  base = os.path.join(work, 'datasets', 'tratz', 'fine_grained')
  corpus = os.path.join(base, 'wiki', 'random')
  os.makedirs(corpus)
  with open(os.path.join(base, 'classes.txt'), 'w') as f:
    f.write('\n'.join(CLASSES))
  opts = tf.python_io.TFRecordOptions(
      compression_type=tf.python_io.TFRecordCompressionType.GZIP)

  def _int64s(xs):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=list(xs)))

  def _bytes(xs):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=list(xs)))

  for name, count in (('train', 40), ('val', 20), ('test', 20)):
    with tf.python_io.TFRecordWriter(os.path.join(corpus, name + '.tfrecs.gz'),
                                     opts) as writer:
      for _ in range(count):
        rel = int(rng.randint(len(CLASSES)))
        x, y = rng.randint(len(WORDS), size=2)
        n_paths = int(rng.randint(0, 4))
        paths = [PATHS[(3 * rel + int(k)) % len(PATHS)]
                 for k in rng.randint(0, 4, n_paths)]
        example = tf.train.Example(features=tf.train.Features(feature={
            'x_embedding_id': _int64s([x + 4]), 'y_embedding_id': _int64s([y + 4]),
            'nc_embedding_id': _int64s([0]), 'rel_id': _int64s([rel]),
            'reprs': _bytes(p.encode() for p in paths),
            'counts': _int64s(int(c) for c in rng.randint(1, 5, n_paths)),
            'pair': _bytes([('%s::%s' % (WORDS[x], WORDS[y])).encode()])}))
        writer.write(example.SerializeToString())
  relata = rng.normal(0, 0.5, (4 + len(WORDS), 10)).astype(np.float32)
  path_embeddings = rng.normal(0, 0.5, (len(PATHS) + 1, 6)).astype(np.float32)
  path_to_index = {p: i + 1 for i, p in enumerate(PATHS)}
  return relata, path_embeddings, path_to_index


def precision_recall_fscore_support(y_true, y_pred, average='weighted'):
  """sklearn's weighted precision/recall/F1 (undefined ratios as 0) (adapted)."""
  y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
  labels = np.union1d(y_true, y_pred)
  p, r, f, s = [], [], [], []
  for c in labels:
    tp = np.sum((y_pred == c) & (y_true == c))
    pred_c, true_c = np.sum(y_pred == c), np.sum(y_true == c)
    pc = tp / pred_c if pred_c else 0.0
    rc = tp / true_c if true_c else 0.0
    p.append(pc), r.append(rc), s.append(true_c)
    f.append(2 * pc * rc / (pc + rc) if pc + rc else 0.0)
  w = np.array(s, np.float64) / max(np.sum(s), 1)
  return float(np.dot(w, p)), float(np.dot(w, r)), float(np.dot(w, f)), None


metrics = SimpleNamespace(precision_recall_fscore_support=precision_recall_fscore_support)


# ---- lexnet_common.py -----------------------------------------------------------------

def full_evaluation(model, session, instances, labels, set_name, classes):
  """Prints a full evaluation on the current set (the P/R/F1 line, adapted)."""

  # Predict the labels
  pred = model.predict(session, instances)

  # Print the performance
  precision, recall, f1, _ = metrics.precision_recall_fscore_support(
      labels, pred, average='weighted')

  print('%s set: Precision: %.3f, Recall: %.3f, F1: %.3f' % (
      set_name, precision, recall, f1))
  _OUT[set_name] = f1
  return pred


def load_all_labels(records):
  """Reads TensorFlow examples from a RecordReader and returns only the labels."""
  curr_features = tf.parse_example(records, {
      'rel_id': tf.FixedLenFeature([1], dtype=tf.int64),
  })

  labels = tf.squeeze(curr_features['rel_id'], [-1])
  return labels


def load_all_pairs(records):
  """Reads TensorFlow examples from a RecordReader and returns the word pairs."""
  curr_features = tf.parse_example(records, {
      'pair': tf.FixedLenFeature([1], dtype=tf.string)
  })

  word_pairs = curr_features['pair']
  return word_pairs


def write_predictions(pairs, labels, predictions, classes, predictions_file):
  """Write the predictions to a file."""
  with open(predictions_file, 'w') as f_out:
    for pair, label, pred in zip(pairs, labels, predictions):
      w1, w2 = pair
      f_out.write('\t'.join([w1, w2, classes[label], classes[pred]]) + '\n')


lexnet_common = SimpleNamespace(load_all_labels=load_all_labels,
                                load_all_pairs=load_all_pairs,
                                full_evaluation=full_evaluation,
                                write_predictions=write_predictions)


# ---- lexnet_model.py ------------------------------------------------------------------

class LexNETModel(object):
  """The LexNET model for classifying relationships between noun compounds."""

  @classmethod
  def default_hparams(cls):
    """Returns the default hyper-parameters (adapted: batch 10, 3 epochs, path_dim 6)."""
    return contrib(tf).training.HParams(
        batch_size=10,
        num_classes=37,
        num_epochs=3,
        input_keep_prob=0.9,
        input='integrated',  # dist/ dist-nc/ path/ integrated/ integrated-nc
        learn_relata=False,
        corpus='wiki_gigawords',
        random_seed=133,  # zero means no random seed
        relata_embeddings_file='glove/glove.6B.300d.bin',
        nc_embeddings_file='nc_glove/vecs.6B.300d.bin',
        path_embeddings_file='path_embeddings/tratz/fine_grained/wiki',
        hidden_layers=1,
        path_dim=6)

  def __init__(self, hparams, relata_embeddings, path_embeddings, nc_embeddings,
               path_to_index):
    """Initialize the LexNET classifier."""
    self.hparams = hparams

    self.path_embeddings = path_embeddings
    self.relata_embeddings = relata_embeddings
    self.nc_embeddings = nc_embeddings

    self.vocab_size, self.relata_dim = 0, 0
    self.path_to_index = None
    self.path_dim = 0

    # Set the random seed
    if hparams.random_seed > 0:
      tf.set_random_seed(hparams.random_seed)

    # Get the vocabulary size and relata dim
    if self.hparams.input in ['dist', 'dist-nc', 'integrated', 'integrated-nc']:
      self.vocab_size, self.relata_dim = self.relata_embeddings.shape

    # Create the mapping from string path to an index in the embeddings matrix
    if self.hparams.input in ['path', 'integrated', 'integrated-nc']:
      self.path_to_index = contrib(tf).lookup.HashTable(
          contrib(tf).lookup.KeyValueTensorInitializer(
              tf.constant(list(path_to_index.keys())),  # adapted: list()
              tf.constant(list(path_to_index.values())),
              key_dtype=tf.string, value_dtype=tf.int32), 0)

      self.path_dim = self.path_embeddings.shape[1]

    # Create the network
    self.__create_computation_graph__()

  def __create_computation_graph__(self):
    """Initialize the model and define the graph."""
    network_input = 0

    # Define the network inputs
    # Distributional x and y
    if self.hparams.input in ['dist', 'dist-nc', 'integrated', 'integrated-nc']:
      network_input += 2 * self.relata_dim
      self.relata_lookup = tf.get_variable(
          'relata_lookup',
          initializer=self.relata_embeddings,
          dtype=tf.float32,
          trainable=self.hparams.learn_relata)

    # Path-based
    if self.hparams.input in ['path', 'integrated', 'integrated-nc']:
      network_input += self.path_dim

      self.path_initial_value_t = tf.placeholder(tf.float32, None)

      self.path_lookup = tf.get_variable(
          name='path_lookup',
          dtype=tf.float32,
          trainable=False,
          shape=self.path_embeddings.shape)

      self.initialize_path_op = tf.assign(
          self.path_lookup, self.path_initial_value_t, validate_shape=False)

    hidden_dim = network_input // 2

    # Define the MLP
    if self.hparams.hidden_layers == 1:

      self.weights1 = tf.get_variable(
          'W1',
          shape=[network_input, hidden_dim],
          dtype=tf.float32)
      self.bias1 = tf.get_variable(
          'b1',
          shape=[hidden_dim],
          dtype=tf.float32)

      self.weights2 = tf.get_variable(
          'W2',
          shape=[hidden_dim, self.hparams.num_classes],
          dtype=tf.float32)
      self.bias2 = tf.get_variable(
          'b2',
          shape=[self.hparams.num_classes],
          dtype=tf.float32)

    else:
      raise ValueError('Only 0 or 1 hidden layers are supported')

    # Define the variables
    self.instances = tf.placeholder(dtype=tf.string,
                                    shape=[self.hparams.batch_size])

    (self.x_embedding_id,
     self.y_embedding_id,
     self.nc_embedding_id,
     self.path_embedding_id,
     self.path_counts,
     self.labels) = parse_tensorflow_examples(
         self.instances, self.hparams.batch_size, self.path_to_index)

    # Create the MLP
    self.__mlp__()

    self.instances_to_load = tf.placeholder(dtype=tf.string, shape=[None])
    self.labels_to_load = lexnet_common.load_all_labels(self.instances_to_load)
    self.pairs_to_load = lexnet_common.load_all_pairs(self.instances_to_load)

  def load_labels(self, session, instances):
    """Loads the labels for these instances."""
    return session.run(self.labels_to_load,
                       feed_dict={self.instances_to_load: instances})

  def load_pairs(self, session, instances):
    """Loads the word pairs for these instances."""
    word_pairs = session.run(self.pairs_to_load,
                             feed_dict={self.instances_to_load: instances})
    return [pair[0].decode().split('::') for pair in word_pairs]  # adapted: decode()

  def __train_single_batch__(self, session, batch_instances):
    """Train a single batch."""
    cost, _ = session.run([self.cost, self.train_op],
                          feed_dict={self.instances: batch_instances})

    return cost

  def fit(self, session, inputs, on_epoch_completed, val_instances, val_labels,
          save_path):
    """Train the model."""
    for epoch in range(self.hparams.num_epochs):

      losses = []
      epoch_indices = list(np.random.permutation(len(inputs)))

      # If the number of instances doesn't divide by batch_size, enlarge it
      # by duplicating training examples
      mod = len(epoch_indices) % self.hparams.batch_size
      if mod > 0:
        epoch_indices.extend([np.random.randint(0, high=len(inputs))] * mod)

      # Define the batches
      n_batches = len(epoch_indices) // self.hparams.batch_size

      for minibatch in range(n_batches):

        batch_indices = epoch_indices[minibatch * self.hparams.batch_size:(
            minibatch + 1) * self.hparams.batch_size]
        batch_instances = [inputs[i] for i in batch_indices]

        loss = self.__train_single_batch__(session, batch_instances)
        losses.append(loss)

      epoch_loss = np.nanmean(losses)
      _OUT.setdefault('epoch_losses', []).append(float(epoch_loss))

      if on_epoch_completed:
        should_stop = on_epoch_completed(self, session, epoch, epoch_loss,
                                         val_instances, val_labels, save_path)
        if should_stop:
          print('Stopping training after %d epochs.' % epoch)
          return

  def predict(self, session, inputs):
    """Predict the classification of the test set."""
    predictions, _ = zip(*self.predict_with_score(session, inputs))
    return np.array(predictions)

  def predict_with_score(self, session, inputs):
    """Predict the classification of the test set."""
    test_pred = [0] * len(inputs)

    for chunk in xrange(0, len(test_pred), self.hparams.batch_size):

      # Initialize the variables with the current batch data
      batch_indices = list(
          range(chunk, min(chunk + self.hparams.batch_size, len(test_pred))))

      # If the batch is too small, add a few other examples
      if len(batch_indices) < self.hparams.batch_size:
        batch_indices += [0] * (self.hparams.batch_size-len(batch_indices))

      batch_instances = [inputs[i] for i in batch_indices]

      predictions, scores = session.run(
          [self.predictions, self.scores],
          feed_dict={self.instances: batch_instances})

      for index_in_batch, index_in_dataset in enumerate(batch_indices):
        prediction = predictions[index_in_batch]
        score = scores[index_in_batch][prediction]
        test_pred[index_in_dataset] = (prediction, score)

    return test_pred

  def __mlp__(self):
    """Performs the MLP operations."""
    # Network input
    vec_inputs = []

    # Distributional component
    if self.hparams.input in ['dist', 'dist-nc', 'integrated', 'integrated-nc']:
      for emb_id in [self.x_embedding_id, self.y_embedding_id]:
        vec_inputs.append(tf.nn.embedding_lookup(self.relata_lookup, emb_id))

    # Path-based component
    if self.hparams.input in ['path', 'integrated', 'integrated-nc']:

      # Get the current paths for each batch instance
      self.path_embeddings = tf.nn.embedding_lookup(self.path_lookup,
                                                    self.path_embedding_id)

      # Start by duplicating path_counts along the output_dim axis.
      self.path_freq = tf.tile(tf.expand_dims(self.path_counts, -1),
                               [1, 1, self.path_dim])

      # Compute the averaged path vector for each instance.
      # First, multiply the path embeddings and frequencies element-wise.
      self.weighted = tf.multiply(self.path_freq, self.path_embeddings)

      # Second, take the sum to get a tensor of shape [batch_size, output_dim].
      self.pair_path_embeddings = tf.reduce_sum(self.weighted, 1)

      # Finally, divide by the total number of paths.
      self.num_paths = tf.clip_by_value(
          tf.reduce_sum(self.path_counts, 1), 1, np.inf)
      self.num_paths = tf.tile(tf.expand_dims(self.num_paths, -1),
                               [1, self.path_dim])

      # And finally, divide pair_path_embeddings by num_paths element-wise.
      self.pair_path_embeddings = tf.div(
          self.pair_path_embeddings, self.num_paths)
      vec_inputs.append(self.pair_path_embeddings)

    # Concatenate the inputs and feed to the MLP
    self.input_vec = tf.nn.dropout(
        tf.concat(vec_inputs, 1),
        keep_prob=self.hparams.input_keep_prob)

    h = tf.matmul(self.input_vec, self.weights1)
    self.output = h

    if self.hparams.hidden_layers == 1:
      self.output = tf.matmul(tf.nn.tanh(h), self.weights2)

    self.scores = self.output
    self.predictions = tf.argmax(self.scores, axis=1)

    # Define the loss function and the optimization algorithm
    self.cross_entropies = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=self.scores, labels=self.labels)
    self.cost = tf.reduce_sum(self.cross_entropies, name='cost')
    self.global_step = tf.Variable(0, name='global_step', trainable=False)
    self.optimizer = tf.train.AdamOptimizer()
    self.train_op = self.optimizer.minimize(
        self.cost, global_step=self.global_step)


def parse_tensorflow_examples(record, batch_size, path_to_index):
  """Reads TensorFlow examples from a RecordReader."""
  features = tf.parse_example(
      record, {
          'x_embedding_id': tf.FixedLenFeature([1], dtype=tf.int64),
          'y_embedding_id': tf.FixedLenFeature([1], dtype=tf.int64),
          'nc_embedding_id': tf.FixedLenFeature([1], dtype=tf.int64),
          'reprs': tf.FixedLenSequenceFeature(
              shape=(), dtype=tf.string, allow_missing=True),
          'counts': tf.FixedLenSequenceFeature(
              shape=(), dtype=tf.int64, allow_missing=True),
          'rel_id': tf.FixedLenFeature([1], dtype=tf.int64)
      })

  x_embedding_id = tf.squeeze(features['x_embedding_id'], [-1])
  y_embedding_id = tf.squeeze(features['y_embedding_id'], [-1])
  nc_embedding_id = tf.squeeze(features['nc_embedding_id'], [-1])
  labels = tf.squeeze(features['rel_id'], [-1])
  path_counts = tf.to_float(tf.reshape(features['counts'], [batch_size, -1]))

  path_embedding_id = None
  if path_to_index:
    path_embedding_id = path_to_index.lookup(features['reprs'])

  return (
      x_embedding_id, y_embedding_id, nc_embedding_id,
      path_embedding_id, path_counts, labels)


# ---- learn_classifier.py --------------------------------------------------------------

def run(FLAGS, relata_embeddings, path_embeddings, path_to_index):
  """learn_classifier.main, its embeddings made by _make_dataset (adapted)."""
  # Pick up any one-off hyper-parameters.
  hparams = LexNETModel.default_hparams()
  hparams.corpus = FLAGS.corpus
  hparams.input = FLAGS.input
  hparams.path_embeddings_file = 'path_embeddings/%s/%s' % (
      FLAGS.dataset, FLAGS.corpus)

  input_dir = hparams.input if hparams.input != 'path' else 'path_classifier'

  # Set the number of classes
  classes_filename = os.path.join(
      FLAGS.dataset_dir, FLAGS.dataset, 'classes.txt')
  with open(classes_filename) as f_in:
    classes = f_in.read().splitlines()

  hparams.num_classes = len(classes)
  print('Model will predict into %d classes' % hparams.num_classes)

  # Get the datasets
  train_set, val_set, test_set = (
      os.path.join(
          FLAGS.dataset_dir, FLAGS.dataset, FLAGS.corpus,
          filename + '.tfrecs.gz')
      for filename in ['train', 'val', 'test'])

  print('Running with hyper-parameters: {}'.format(hparams))

  # Load the instances
  print('Loading instances...')
  opts = tf.python_io.TFRecordOptions(
      compression_type=tf.python_io.TFRecordCompressionType.GZIP)
  train_instances = list(tf.python_io.tf_record_iterator(train_set, opts))
  val_instances = list(tf.python_io.tf_record_iterator(val_set, opts))
  test_instances = list(tf.python_io.tf_record_iterator(test_set, opts))

  nc_embeddings = None

  # Define the graph and the model
  with tf.Graph().as_default():
    model = LexNETModel(
        hparams, relata_embeddings, path_embeddings,
        nc_embeddings, path_to_index)

    # Initialize a session and start training
    session = tf.Session()
    session.run(tf.global_variables_initializer())

    # Initalize the path mapping
    if hparams.input in ['path', 'integrated', 'integrated-nc']:
      session.run(tf.tables_initializer())
      session.run(model.initialize_path_op, {
          model.path_initial_value_t: path_embeddings
      })

    # Load the labels
    print('Loading labels...')
    train_labels = model.load_labels(session, train_instances)
    val_labels = model.load_labels(session, val_instances)
    test_labels = model.load_labels(session, test_instances)

    save_path = '{logdir}/results/{dataset}/{input}/{corpus}'.format(
        logdir=FLAGS.logdir, dataset=FLAGS.dataset,
        corpus=model.hparams.corpus, input=input_dir)

    if not os.path.exists(save_path):
      os.makedirs(save_path)

    # Train the model
    print('Training the model...')
    model.fit(session, train_instances, epoch_completed,
              val_instances, val_labels, save_path)

    # Print the best performance on the validation set
    print('Best performance on the validation set: F1=%.3f' %
          epoch_completed.best_f1)

    # Evaluate on the train and validation sets
    lexnet_common.full_evaluation(model, session, train_instances, train_labels,
                                  'Train', classes)
    lexnet_common.full_evaluation(model, session, val_instances, val_labels,
                                  'Validation', classes)
    test_predictions = lexnet_common.full_evaluation(
        model, session, test_instances, test_labels, 'Test', classes)

    # Write the test predictions to a file
    predictions_file = os.path.join(save_path, 'test_predictions.tsv')
    print('Saving test predictions to %s' % save_path)
    test_pairs = model.load_pairs(session, test_instances)
    lexnet_common.write_predictions(test_pairs, test_labels, test_predictions,
                                    classes, predictions_file)
    _OUT.update(train_labels=train_labels.tolist()[:10],
                test_predictions=test_predictions.tolist(), pairs=test_pairs[:3],
                saved=sorted(os.listdir(save_path)),
                global_step=int(session.run(model.global_step)))
    session.close()


def epoch_completed(model, session, epoch, epoch_loss,
                    val_instances, val_labels, save_path):
  """Runs every time an epoch completes."""
  stop_training = False

  # Evaluate on the validation set
  val_pred = model.predict(session, val_instances)
  precision, recall, f1, _ = metrics.precision_recall_fscore_support(
      val_labels, val_pred, average='weighted')
  print(
      'Epoch: %d/%d, Loss: %f, validation set: P: %.3f, R: %.3f, F1: %.3f\n' % (
          epoch + 1, model.hparams.num_epochs, epoch_loss,
          precision, recall, f1))
  _OUT.setdefault('val_f1', []).append(f1)

  # If the F1 is much smaller than the previous one, stop training. Else, if
  # it's bigger, save the model.
  if f1 < epoch_completed.best_f1 - 0.08:
    stop_training = True

  if f1 > epoch_completed.best_f1:
    saver = tf.train.Saver()
    checkpoint_filename = os.path.join(save_path, 'best.ckpt')
    print('Saving model in: %s' % checkpoint_filename)
    saver.save(session, checkpoint_filename)
    print('Model saved in file: %s' % checkpoint_filename)
    epoch_completed.best_f1 = f1

  return stop_training


def main(tf_api):
  global tf
  tf = tf_api
  _OUT.clear()
  epoch_completed.best_f1 = 0
  with tempfile.TemporaryDirectory() as work:
    return _main(work)


def _main(work):
  relata, path_embeddings, path_to_index = _make_dataset(work, np.random.RandomState(7))
  flags = SimpleNamespace(dataset_dir=os.path.join(work, 'datasets'),
                          dataset='tratz/fine_grained', corpus='wiki/random',
                          embeddings_base_path='', logdir=os.path.join(work, 'logdir'),
                          hparams='', input='integrated')
  np.random.seed(0)  # adapted: the epochs' permutations
  with contextlib.redirect_stdout(io.StringIO()):
    run(flags, relata, path_embeddings, path_to_index)
  out = {k: _OUT[k] for k in ('train_labels', 'test_predictions', 'pairs', 'saved',
                              'global_step')}
  for epoch in (1, 3):
    out['loss_epoch_%d' % epoch] = _OUT['epoch_losses'][epoch - 1]
    out['val_f1_epoch_%d' % epoch] = _OUT['val_f1'][epoch - 1]
  out.update(best_f1=float(epoch_completed.best_f1), test_f1=_OUT['Test'])
  return out
