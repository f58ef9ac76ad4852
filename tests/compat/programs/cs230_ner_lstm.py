"""The CS230 (Stanford) named-entity tagger, from cs230-stanford/cs230-code-examples
``tensorflow/nlp``: ``build_vocab.py`` (word and tag vocabularies from ``Counter``s of the
data files, ``<pad>`` / ``O`` appended, one token per line), ``train.py`` (two
``tf.contrib.lookup.index_table_from_file`` tables, the words' with an OOV bucket; pad ids
as looked-up *tensors*), ``model/input_fn.py`` (``tf.data.TextLineDataset`` mapped through
``tf.string_split([line]).values`` and ``vocab.lookup`` with ``tf.size``, ``Dataset.zip``
of sentences and tags, ``padded_batch`` with nested ``padded_shapes`` and the tensor
``padding_values``, ``prefetch``, ``make_initializable_iterator``), ``model/model_fn.py``
(an ``embedding_lookup``, ``BasicLSTMCell`` through ``dynamic_rnn``, ``tf.layers.dense``
per token; the loss masked by ``tf.sequence_mask`` + ``tf.boolean_mask``; Adam with a
global step; ``tf.metrics.accuracy`` / ``mean`` reset through their ``metrics``-scoped
local variables; merged summaries; the evaluation model built again with
``reuse=True`` over the dev pipeline, ``tables_initializer`` in the init op),
``model/training.py``'s ``train_sess`` / ``train_and_evaluate`` (``FileWriter``s given
``sess.graph``, a last-weights ``Saver`` and a ``max_to_keep=1`` best-weights ``Saver``
saving into directories they create, metrics written to JSON) and
``model/evaluation.py``'s ``evaluate_sess`` (a hand-built ``tf.Summary``) and
``evaluate`` (``latest_checkpoint`` of the best weights restored in a new session).

Adapted: ``data/small`` is replaced by generated sentences of the same shape ("Kate
lives in New York" / "B-PER O O B-LOC I-LOC", 40 training, 12 dev and 12 test lines,
written to a temp dir); ``Params`` built from dicts instead of ``params.json`` files;
``base_model``'s hyperparameters with 12 LSTM units, 16-wide embeddings, batch 8, 3
epochs, summaries every 2 steps; the training ``shuffle`` left out (its order is
backend-specific; the evaluation's ``buffer_size`` is already 1); no ``tqdm`` progress
bar or log file; same starting weights."""

# ruff: noqa: UP032 - the authors' string formatting is kept

from __future__ import annotations

import glob
import json
import logging
import os
import tempfile
from collections import Counter

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_accuracy": 1e-4, "train_loss": 1e-4, "eval_last": 1e-4,
           "eval_best": 1e-4, "test": 1e-4, "checkpoints": 0.0, "summaries": 0.0,
           "pad_ids": 0.0, "first_batch": 0.0}

PAD_WORD = '<pad>'
PAD_TAG = 'O'
NUM_OOV_BUCKETS = 1


class Params:
    """Class that loads hyperparameters from a json file (here: from dicts)."""

    def __init__(self, params):
        self.update(params)

    def update(self, params):
        """Loads parameters"""
        self.__dict__.update(params)


def save_dict_to_json(d, json_path):
    """Saves dict of floats in json file"""
    with open(json_path, 'w') as f:
        d = {k: float(v) for k, v in d.items()}
        json.dump(d, f, indent=4)


# ---- build_vocab.py ----

def save_vocab_to_txt_file(vocab, txt_path):
    """Writes one token per line, 0-based line id corresponds to the id of the token."""
    with open(txt_path, "w") as f:
        f.write("\n".join(token for token in vocab))


def update_vocab(txt_path, vocab):
    """Update word and tag vocabulary from dataset"""
    with open(txt_path) as f:
        for i, line in enumerate(f):  # noqa: B007 - i is the count returned
            vocab.update(line.strip().split(' '))
    return i + 1


def build_vocab(data_dir):
    words = Counter()
    size_train_sentences = update_vocab(os.path.join(data_dir, 'train/sentences.txt'), words)
    size_dev_sentences = update_vocab(os.path.join(data_dir, 'dev/sentences.txt'), words)
    size_test_sentences = update_vocab(os.path.join(data_dir, 'test/sentences.txt'), words)
    tags = Counter()
    size_train_tags = update_vocab(os.path.join(data_dir, 'train/labels.txt'), tags)
    size_dev_tags = update_vocab(os.path.join(data_dir, 'dev/labels.txt'), tags)
    size_test_tags = update_vocab(os.path.join(data_dir, 'test/labels.txt'), tags)
    assert size_train_sentences == size_train_tags
    assert size_dev_sentences == size_dev_tags
    assert size_test_sentences == size_test_tags
    words = [tok for tok, count in words.items() if count >= 1]
    tags = [tok for tok, count in tags.items() if count >= 1]
    if PAD_WORD not in words:
        words.append(PAD_WORD)
    if PAD_TAG not in tags:
        tags.append(PAD_TAG)
    save_vocab_to_txt_file(words, os.path.join(data_dir, 'words.txt'))
    save_vocab_to_txt_file(tags, os.path.join(data_dir, 'tags.txt'))
    return {
        'train_size': size_train_sentences,
        'dev_size': size_dev_sentences,
        'test_size': size_test_sentences,
        'vocab_size': len(words) + NUM_OOV_BUCKETS,
        'number_of_tags': len(tags),
        'pad_word': PAD_WORD,
        'pad_tag': PAD_TAG,
        'num_oov_buckets': NUM_OOV_BUCKETS
    }


def build(tf):
    """``model/input_fn.py``, ``model_fn.py``, ``training.py`` and ``evaluation.py``."""

    def load_dataset_from_text(path_txt, vocab):
        """Create tf.data Instance from txt file"""
        # Load txt file, one example per line
        dataset = tf.data.TextLineDataset(path_txt)
        # Convert line into list of tokens, splitting by white space
        dataset = dataset.map(lambda string: tf.string_split([string]).values)
        # Lookup tokens to return their ids
        dataset = dataset.map(lambda tokens: (vocab.lookup(tokens), tf.size(tokens)))
        return dataset

    def input_fn(mode, sentences, labels, params):
        """Input function for NER"""
        # Zip the sentence and the labels together
        dataset = tf.data.Dataset.zip((sentences, labels))

        # Create batches and pad the sentences of different length
        padded_shapes = ((tf.TensorShape([None]),  # sentence of unknown size
                          tf.TensorShape([])),     # size(words)
                         (tf.TensorShape([None]),  # labels of unknown size
                          tf.TensorShape([])))     # size(tags)

        padding_values = ((params.id_pad_word,   # sentence padded on the right with id_pad_word
                           0),                   # size(words) -- unused
                          (params.id_pad_tag,    # labels padded on the right with id_pad_tag
                           0))                   # size(tags) -- unused

        dataset = (dataset
                   .padded_batch(params.batch_size, padded_shapes=padded_shapes,
                                 padding_values=padding_values)
                   .prefetch(1)  # make sure you always have one batch ready to serve
                   )

        # Create initializable iterator from this dataset so that we can reset at each epoch
        iterator = dataset.make_initializable_iterator()

        # Query the output of the iterator for input to the model
        ((sentence, sentence_lengths), (labels, _)) = iterator.get_next()
        init_op = iterator.initializer

        # Build and return a dictionnary containing the nodes / ops
        inputs = {
            'sentence': sentence,
            'labels': labels,
            'sentence_lengths': sentence_lengths,
            'iterator_init_op': init_op
        }
        return inputs

    def build_model(mode, inputs, params):
        """Compute logits of the model (output distribution)"""
        sentence = inputs['sentence']

        if params.model_version == 'lstm':
            # Get word embeddings for each token in the sentence
            embeddings = tf.get_variable(name="embeddings", dtype=tf.float32,
                                         shape=[params.vocab_size, params.embedding_size])
            sentence = tf.nn.embedding_lookup(embeddings, sentence)

            # Apply LSTM over the embeddings
            lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(params.lstm_num_units)
            output, _ = tf.nn.dynamic_rnn(lstm_cell, sentence, dtype=tf.float32)

            # Compute logits from the output of the LSTM
            logits = tf.layers.dense(output, params.number_of_tags)

        else:
            raise NotImplementedError("Unknown model version: {}".format(params.model_version))

        return logits

    def model_fn(mode, inputs, params, reuse=False):
        """Model function defining the graph operations."""
        is_training = (mode == 'train')
        labels = inputs['labels']
        sentence_lengths = inputs['sentence_lengths']

        # MODEL: define the layers of the model
        with tf.variable_scope('model', reuse=reuse):
            # Compute the output distribution of the model and the predictions
            logits = build_model(mode, inputs, params)
            predictions = tf.argmax(logits, -1)

        # Define loss and accuracy (we need to apply a mask to account for padding)
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=labels)
        mask = tf.sequence_mask(sentence_lengths)
        losses = tf.boolean_mask(losses, mask)
        loss = tf.reduce_mean(losses)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(labels, predictions), tf.float32))

        # Define training step that minimizes the loss with the Adam optimizer
        if is_training:
            optimizer = tf.train.AdamOptimizer(params.learning_rate)
            global_step = tf.train.get_or_create_global_step()
            train_op = optimizer.minimize(loss, global_step=global_step)

        # METRICS AND SUMMARIES
        # Metrics for evaluation using tf.metrics (average over whole dataset)
        with tf.variable_scope("metrics"):
            metrics = {
                'accuracy': tf.metrics.accuracy(labels=labels, predictions=predictions),
                'loss': tf.metrics.mean(loss)
            }

        # Group the update ops for the tf.metrics
        update_metrics_op = tf.group(*[op for _, op in metrics.values()])

        # Get the op to reset the local variables used in tf.metrics
        metric_variables = tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES, scope="metrics")
        metrics_init_op = tf.variables_initializer(metric_variables)

        # Summaries for training
        tf.summary.scalar('loss', loss)
        tf.summary.scalar('accuracy', accuracy)

        # MODEL SPECIFICATION
        model_spec = inputs
        variable_init_op = tf.group(*[tf.global_variables_initializer(),
                                      tf.tables_initializer()])
        model_spec['variable_init_op'] = variable_init_op
        model_spec["predictions"] = predictions
        model_spec['loss'] = loss
        model_spec['accuracy'] = accuracy
        model_spec['metrics_init_op'] = metrics_init_op
        model_spec['metrics'] = metrics
        model_spec['update_metrics'] = update_metrics_op
        model_spec['summary_op'] = tf.summary.merge_all()

        if is_training:
            model_spec['train_op'] = train_op

        return model_spec

    def train_sess(sess, model_spec, num_steps, writer, params):
        """Train the model on `num_steps` batches"""
        # Get relevant graph operations or nodes needed for training
        loss = model_spec['loss']
        train_op = model_spec['train_op']
        update_metrics = model_spec['update_metrics']
        metrics = model_spec['metrics']
        summary_op = model_spec['summary_op']
        global_step = tf.train.get_global_step()

        # Load the training dataset into the pipeline and initialize the metrics local
        # variables
        sess.run(model_spec['iterator_init_op'])
        sess.run(model_spec['metrics_init_op'])

        for i in range(num_steps):
            # Evaluate summaries for tensorboard only once in a while
            if i % params.save_summary_steps == 0:
                # Perform a mini-batch update
                _, _, loss_val, summ, global_step_val = sess.run(
                    [train_op, update_metrics, loss, summary_op, global_step])
                # Write summaries for tensorboard
                writer.add_summary(summ, global_step_val)
            else:
                _, _, loss_val = sess.run([train_op, update_metrics, loss])

        metrics_values = {k: v[0] for k, v in metrics.items()}
        metrics_val = sess.run(metrics_values)
        metrics_string = " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_val.items())
        logging.info("- Train metrics: " + metrics_string)
        params.train_metrics.append(metrics_val)  # (kept for the comparison)

    def evaluate_sess(sess, model_spec, num_steps, writer=None, params=None):
        """Train the model on `num_steps` batches."""
        update_metrics = model_spec['update_metrics']
        eval_metrics = model_spec['metrics']
        global_step = tf.train.get_global_step()

        # Load the evaluation dataset into the pipeline and initialize the metrics init op
        sess.run(model_spec['iterator_init_op'])
        sess.run(model_spec['metrics_init_op'])

        # compute metrics over the dataset
        for _ in range(num_steps):
            sess.run(update_metrics)

        # Get the values of the metrics
        metrics_values = {k: v[0] for k, v in eval_metrics.items()}
        metrics_val = sess.run(metrics_values)
        metrics_string = " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_val.items())
        logging.info("- Eval metrics: " + metrics_string)

        # Add summaries manually to writer at global_step_val
        if writer is not None:
            global_step_val = sess.run(global_step)
            for tag, val in metrics_val.items():
                summ = tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=val)])
                writer.add_summary(summ, global_step_val)

        return metrics_val

    def evaluate(model_spec, model_dir, params, restore_from):
        """Evaluate the model"""
        # Initialize tf.Saver
        saver = tf.train.Saver()

        with tf.Session() as sess:
            # Initialize the lookup table
            sess.run(model_spec['variable_init_op'])

            # Reload weights from the weights subdirectory
            save_path = os.path.join(model_dir, restore_from)
            if os.path.isdir(save_path):
                save_path = tf.train.latest_checkpoint(save_path)
            saver.restore(sess, save_path)

            # Evaluate
            num_steps = (params.eval_size + params.batch_size - 1) // params.batch_size
            metrics = evaluate_sess(sess, model_spec, num_steps)
            metrics_name = '_'.join(restore_from.split('/'))
            save_path = os.path.join(model_dir, "metrics_test_{}.json".format(metrics_name))
            save_dict_to_json(metrics, save_path)

    def train_and_evaluate(train_model_spec, eval_model_spec, model_dir, params,
                           restore_from=None):
        """Train the model and evaluate every epoch."""
        # Initialize tf.Saver instances to save weights during training
        last_saver = tf.train.Saver()  # will keep last 5 epochs
        best_saver = tf.train.Saver(max_to_keep=1)  # only keep 1 best checkpoint (best on eval)
        begin_at_epoch = 0

        with tf.Session() as sess:
            # Initialize model variables
            sess.run(train_model_spec['variable_init_op'])
            same_start(sess, tf)  # (adapted: the same starting weights on both backends)

            # For tensorboard (takes care of writing summaries to files)
            train_writer = tf.summary.FileWriter(os.path.join(model_dir, 'train_summaries'),
                                                 sess.graph)
            eval_writer = tf.summary.FileWriter(os.path.join(model_dir, 'eval_summaries'),
                                                sess.graph)

            best_eval_acc = 0.0
            for epoch in range(begin_at_epoch, begin_at_epoch + params.num_epochs):
                # Run one epoch
                num_steps = (params.train_size + params.batch_size - 1) // params.batch_size
                train_sess(sess, train_model_spec, num_steps, train_writer, params)

                # Save weights
                last_save_path = os.path.join(model_dir, 'last_weights', 'after-epoch')
                last_saver.save(sess, last_save_path, global_step=epoch + 1)

                # Evaluate for one epoch on validation set
                num_steps = (params.eval_size + params.batch_size - 1) // params.batch_size
                metrics = evaluate_sess(sess, eval_model_spec, num_steps, eval_writer)

                # If best_eval, best_save_path
                eval_acc = metrics['accuracy']
                if eval_acc >= best_eval_acc:
                    # Store new best accuracy
                    best_eval_acc = eval_acc
                    # Save weights
                    best_save_path = os.path.join(model_dir, 'best_weights', 'after-epoch')
                    best_save_path = best_saver.save(sess, best_save_path,
                                                     global_step=epoch + 1)
                    # Save best eval metrics in a json file in the model directory
                    best_json_path = os.path.join(model_dir, "metrics_eval_best_weights.json")
                    save_dict_to_json(metrics, best_json_path)

                # Save latest eval metrics in a json file in the model directory
                last_json_path = os.path.join(model_dir, "metrics_eval_last_weights.json")
                save_dict_to_json(metrics, last_json_path)
            train_writer.close()
            eval_writer.close()

    return (load_dataset_from_text, input_fn, model_fn, train_and_evaluate, evaluate)


_PEOPLE = ["John", "Kate", "Ziang", "Maria", "Omar", "Lena"]
_PLACES = [["New", "York"], ["London"], ["Beijing"], ["San", "Francisco"], ["Paris"]]
_ORGS = [["Google"], ["Stanford", "University"], ["the", "United", "Nations"]]


def _sentence(rng):
    """One generated sentence and its tags, in ``data/small``'s format."""
    per = _PEOPLE[rng.randint(len(_PEOPLE))]
    loc = _PLACES[rng.randint(len(_PLACES))]
    org = _ORGS[rng.randint(len(_ORGS))]
    loc_tags = ["B-LOC"] + ["I-LOC"] * (len(loc) - 1)
    org_tags = ["B-ORG"] + ["I-ORG"] * (len(org) - 1)
    kind = rng.randint(3)
    if kind == 0:
        words, tags = [per, "lives", "in", *loc], ["B-PER", "O", "O", *loc_tags]
    elif kind == 1:
        words = [per, "works", "for", *org, "in", *loc]
        tags = ["B-PER", "O", "O", *org_tags, "O", *loc_tags]
    else:
        words, tags = ["Yesterday", per, "visited", *loc], ["O", "B-PER", "O", *loc_tags]
    return " ".join(words), " ".join(tags)


def _write_data(data_dir, rng):
    for split, n in (("train", 40), ("dev", 12), ("test", 12)):
        os.makedirs(os.path.join(data_dir, split))
        pairs = [_sentence(rng) for _ in range(n)]
        for name, column in (("sentences.txt", 0), ("labels.txt", 1)):
            with open(os.path.join(data_dir, split, name), "w") as f:
                f.write("\n".join(p[column] for p in pairs) + "\n")


def main(tf):
    (load_dataset_from_text, input_fn, model_fn, train_and_evaluate,
     evaluate) = build(tf)
    work = tempfile.mkdtemp()
    data_dir, model_dir = os.path.join(work, "data"), os.path.join(work, "model")
    os.makedirs(model_dir)
    _write_data(data_dir, np.random.RandomState(4))

    tf.set_random_seed(230)
    params = Params({"model_version": "lstm", "lstm_num_units": 12, "embedding_size": 16,
                     "learning_rate": 1e-2, "batch_size": 8, "num_epochs": 3,
                     "dropout_rate": 0.3, "save_summary_steps": 2})
    params.update(build_vocab(data_dir))
    params.train_metrics = []
    num_oov_buckets = params.num_oov_buckets  # number of buckets for unknown words

    path_words = os.path.join(data_dir, 'words.txt')
    path_tags = os.path.join(data_dir, 'tags.txt')
    path_train_sentences = os.path.join(data_dir, 'train/sentences.txt')
    path_train_labels = os.path.join(data_dir, 'train/labels.txt')
    path_eval_sentences = os.path.join(data_dir, 'dev/sentences.txt')
    path_eval_labels = os.path.join(data_dir, 'dev/labels.txt')

    # Load Vocabularies
    lookup = tf.contrib.lookup if hasattr(tf, "contrib") else _lookup_ops()
    words = lookup.index_table_from_file(path_words, num_oov_buckets=num_oov_buckets)
    tags = lookup.index_table_from_file(path_tags)

    # Create the input data pipeline
    train_sentences = load_dataset_from_text(path_train_sentences, words)
    train_labels = load_dataset_from_text(path_train_labels, tags)
    eval_sentences = load_dataset_from_text(path_eval_sentences, words)
    eval_labels = load_dataset_from_text(path_eval_labels, tags)

    # Specify other parameters for the dataset and the model
    params.eval_size = params.dev_size
    params.buffer_size = params.train_size  # buffer size for shuffling
    params.id_pad_word = words.lookup(tf.constant(params.pad_word))
    params.id_pad_tag = tags.lookup(tf.constant(params.pad_tag))

    # Create the two iterators over the two datasets
    train_inputs = input_fn('train', train_sentences, train_labels, params)
    eval_inputs = input_fn('eval', eval_sentences, eval_labels, params)

    # Define the models (2 different set of nodes that share weights for train and eval)
    train_model_spec = model_fn('train', train_inputs, params)
    eval_model_spec = model_fn('eval', eval_inputs, params, reuse=True)

    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        sess.run(train_inputs['iterator_init_op'])
        first = sess.run([train_inputs['sentence'], train_inputs['labels'],
                          train_inputs['sentence_lengths']])
        pad_ids = [int(v) for v in sess.run([params.id_pad_word, params.id_pad_tag])]

    train_and_evaluate(train_model_spec, eval_model_spec, model_dir, params)

    # evaluate.py on the test split, from the best weights
    test_sentences = load_dataset_from_text(os.path.join(data_dir, 'test/sentences.txt'),
                                            words)
    test_labels = load_dataset_from_text(os.path.join(data_dir, 'test/labels.txt'), tags)
    params.eval_size = params.test_size
    test_inputs = input_fn('eval', test_sentences, test_labels, params)
    test_model_spec = model_fn('eval', test_inputs, params, reuse=True)
    evaluate(test_model_spec, model_dir, params, 'best_weights')

    def read(name):
        with open(os.path.join(model_dir, name)) as f:
            d = json.load(f)
        return d["accuracy"] + d["loss"]

    summaries = sorted(
        (os.path.basename(d), sum(1 for path in glob.glob(d + "/events.out.tfevents.*")
                                  for e in tf.train.summary_iterator(path) if e.summary.value))
        for d in glob.glob(model_dir + "/*_summaries"))
    checkpoints = sorted(
        os.path.relpath(p, model_dir) for p in glob.glob(model_dir + "/*_weights/*.index"))
    last = params.train_metrics[-1]
    return {"train_accuracy": float(last["accuracy"]), "train_loss": float(last["loss"]),
            "eval_last": read("metrics_eval_last_weights.json"),
            "eval_best": read("metrics_eval_best_weights.json"),
            "test": read("metrics_test_best_weights.json"),
            "checkpoints": checkpoints, "summaries": [list(s) for s in summaries],
            "pad_ids": pad_ids,
            "first_batch": [first[0].tolist(), first[1].tolist(), first[2].tolist()]}


def _lookup_ops():
    """``tf.contrib.lookup``'s ``index_table_from_file`` under TF 2 (which has no contrib)."""
    from tensorflow.python.ops import lookup_ops
    return lookup_ops
