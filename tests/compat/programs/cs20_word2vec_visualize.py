"""word2vec skip-gram with NCE loss, trained, checkpointed and reloaded for the projector:
Stanford CS20 ("TensorFlow for Deep Learning Research", Chip Huyen), repo
``chiphuyen/stanford-tensorflow-tutorials``, ``examples/04_word2vec_visualize.py`` at
commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c, with the data helpers of
``examples/word2vec_utils.py`` (``build_vocab`` writing ``vocab.tsv``,
``convert_words_to_index``, the ``generate_sample`` generator with a ``random.randint``
context window, ``batch_gen`` filling an int32 centre batch and a float64 ``np.zeros``
target batch, ``most_common_words``). A ``tf.data.Dataset.from_generator(gen, (tf.int32,
tf.int32), shapes)`` read by an initializable iterator (the float64 targets converted to
the declared int32), the ``SkipGramModel`` class: a ``get_variable`` int32
``global_step`` from ``tf.constant(0)``, ``embed_matrix`` from
``random_uniform_initializer()``, ``embedding_lookup`` under ``name_scope('embed')``,
``nce_weight`` / ``nce_bias`` (``get_variable`` with an initializer tensor and no shape)
and ``tf.nn.nce_loss`` under ``name_scope('loss')``, SGD ``minimize(global_step=...)``,
a scalar and a histogram summary merged by ``merge_all``; ``train`` restores from
``get_checkpoint_state`` when there is a checkpoint, starts at ``global_step.eval()``,
writes every step's summary and saves every ``SKIP_STEP`` steps; ``visualize`` opens a
second session that initialises, restores the latest checkpoint, copies the first
``NUM_VISUALIZE`` rows of ``embed_matrix`` into a new ``tf.Variable`` made while the
session is open, initialises that alone and saves it with its own ``Saver``.

Adapted: text8 becomes 5000 words drawn from ``common.SMS_HAM``; ``VOCAB_SIZE`` 40
instead of 50000, ``EMBED_SIZE`` 32 instead of 128, ``NUM_SAMPLED`` 16 instead of 64,
``NUM_TRAIN_STEPS`` 60 instead of 100000, ``SKIP_STEP`` 20 instead of 5000,
``NUM_VISUALIZE`` 10 instead of 3000; ``random`` is seeded; the TF1 ``nce_loss`` has no
``seed`` argument and TF seeds its sampler at random, so the sampler it would build
(``log_uniform_candidate_sampler`` of the int64 labels, ``unique=True``, ``range_max``
the vocabulary) is built with ``seed=1`` and passed as ``sampled_values``; the
directories (``checkpoints``, ``graphs``, ``visualization``) are in a temporary
directory; the ``projector`` configuration (``tf.contrib``) is left out; the
``random_uniform`` / ``truncated_normal`` starts are replaced by ``same_start``'s NumPy
draw; the prints are left out (the losses are returned)."""

# ruff: noqa: UP015 - the author's open(..., 'r') is kept

from __future__ import annotations

import os
import random
import tempfile
from collections import Counter

import numpy as np

from tests.compat.programs.common import SMS_HAM, same_start

COMPARE = {"average_losses": 1e-4, "global_step": 0.0, "checkpoints": 0.0,
           "visualized_sum": 1e-4, "saved_embedding_shape": 0.0, "vocab_head": 0.0,
           "summary_count": 0.0}

# Model hyperparameters
VOCAB_SIZE = 40
BATCH_SIZE = 128
EMBED_SIZE = 32             # dimension of the word embedding vectors
SKIP_WINDOW = 1             # the context window
NUM_SAMPLED = 16            # number of negative examples to sample
LEARNING_RATE = 1.0
NUM_TRAIN_STEPS = 60
SKIP_STEP = 20
NUM_VISUALIZE = 10          # number of tokens to visualize


def safe_mkdir(path):
    """ Create a directory if there isn't one already. """
    try:
        os.mkdir(path)
    except OSError:
        pass


def read_data(rng, n=5000):
    """ text8's tokens: ``n`` lower-case words """
    return [SMS_HAM[i] for i in rng.randint(len(SMS_HAM), size=n)]


def build_vocab(words, vocab_size, visual_fld):
    """ Build vocabulary of VOCAB_SIZE most frequent words and write it to
    visualization/vocab.tsv
    """
    safe_mkdir(visual_fld)
    file = open(os.path.join(visual_fld, 'vocab.tsv'), 'w')

    dictionary = dict()
    count = [('UNK', -1)]
    index = 0
    count.extend(Counter(words).most_common(vocab_size - 1))

    for word, _ in count:
        dictionary[word] = index
        index += 1
        file.write(word + '\n')

    index_dictionary = dict(zip(dictionary.values(), dictionary.keys()))
    file.close()
    return dictionary, index_dictionary


def convert_words_to_index(words, dictionary):
    """ Replace each word in the dataset with its index in the dictionary """
    return [dictionary[word] if word in dictionary else 0 for word in words]


def generate_sample(index_words, context_window_size):
    """ Form training pairs according to the skip-gram model. """
    for index, center in enumerate(index_words):
        context = random.randint(1, context_window_size)
        # get a random target before the center word
        for target in index_words[max(0, index - context): index]:
            yield center, target
        # get a random target after the center wrod
        for target in index_words[index + 1: index + context + 1]:
            yield center, target


def most_common_words(visual_fld, num_visualize):
    """ create a list of num_visualize most frequent words to visualize on TensorBoard.
    saved to visualization/vocab_[num_visualize].tsv
    """
    words = open(os.path.join(visual_fld, 'vocab.tsv'), 'r').readlines()[:num_visualize]
    words = [word for word in words]
    file = open(os.path.join(visual_fld, 'vocab_' + str(num_visualize) + '.tsv'), 'w')
    for word in words:
        file.write(word)
    file.close()


def batch_gen(vocab_size, batch_size, skip_window, visual_fld):
    words = read_data(np.random.RandomState(4))
    dictionary, _ = build_vocab(words, vocab_size, visual_fld)
    index_words = convert_words_to_index(words, dictionary)
    del words           # to save memory
    single_gen = generate_sample(index_words, skip_window)

    while True:
        center_batch = np.zeros(batch_size, dtype=np.int32)
        target_batch = np.zeros([batch_size, 1])
        for index in range(batch_size):
            center_batch[index], target_batch[index] = next(single_gen)
        yield center_batch, target_batch


def main(tf):
    random.seed(20)
    work = tempfile.mkdtemp()
    visual_fld = os.path.join(work, 'visualization')
    checkpoints = os.path.join(work, 'checkpoints')
    results = {}

    class SkipGramModel:
        """ Build the graph for word2vec model """
        def __init__(self, dataset, vocab_size, embed_size, batch_size, num_sampled,
                     learning_rate):
            self.vocab_size = vocab_size
            self.embed_size = embed_size
            self.batch_size = batch_size
            self.num_sampled = num_sampled
            self.lr = learning_rate
            self.global_step = tf.get_variable('global_step', initializer=tf.constant(0),
                                               trainable=False)
            self.skip_step = SKIP_STEP
            self.dataset = dataset

        def _import_data(self):
            """ Step 1: import data
            """
            with tf.name_scope('data'):
                self.iterator = self.dataset.make_initializable_iterator()
                self.center_words, self.target_words = self.iterator.get_next()

        def _create_embedding(self):
            """ Step 2 + 3: define weights and embedding lookup.
            In word2vec, it's actually the weights that we care about
            """
            with tf.name_scope('embed'):
                self.embed_matrix = tf.get_variable(
                    'embed_matrix', shape=[self.vocab_size, self.embed_size],
                    initializer=tf.random_uniform_initializer())
                self.embed = tf.nn.embedding_lookup(self.embed_matrix, self.center_words,
                                                    name='embedding')

        def _create_loss(self):
            """ Step 4: define the loss function """
            with tf.name_scope('loss'):
                # construct variables for NCE loss
                nce_weight = tf.get_variable(
                    'nce_weight', shape=[self.vocab_size, self.embed_size],
                    initializer=tf.truncated_normal_initializer(
                        stddev=1.0 / (self.embed_size ** 0.5)))
                nce_bias = tf.get_variable('nce_bias', initializer=tf.zeros([VOCAB_SIZE]))

                # the sampler nce_loss builds, with a seed (see the module docstring)
                sampled_values = tf.nn.log_uniform_candidate_sampler(
                    true_classes=tf.cast(self.target_words, tf.int64), num_true=1,
                    num_sampled=self.num_sampled, unique=True, range_max=self.vocab_size,
                    seed=1)
                # define loss function to be NCE loss function
                self.loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weight,
                                                          biases=nce_bias,
                                                          labels=self.target_words,
                                                          inputs=self.embed,
                                                          num_sampled=self.num_sampled,
                                                          num_classes=self.vocab_size,
                                                          sampled_values=sampled_values),
                                           name='loss')

        def _create_optimizer(self):
            """ Step 5: define optimizer """
            self.optimizer = tf.train.GradientDescentOptimizer(self.lr).minimize(
                self.loss, global_step=self.global_step)

        def _create_summaries(self):
            with tf.name_scope('summaries'):
                tf.summary.scalar('loss', self.loss)
                tf.summary.histogram('histogram loss', self.loss)
                # because you have several summaries, we should merge them all
                # into one op to make it easier to manage
                self.summary_op = tf.summary.merge_all()

        def build_graph(self):
            """ Build the graph for our model """
            self._import_data()
            self._create_embedding()
            self._create_loss()
            self._create_optimizer()
            self._create_summaries()

        def train(self, num_train_steps):
            # defaults to saving all variables - in this case embed_matrix, nce_weight,
            # nce_bias
            saver = tf.train.Saver()

            initial_step = 0
            safe_mkdir(checkpoints)
            average_losses, summaries = [], 0
            with tf.Session() as sess:
                sess.run(self.iterator.initializer)
                sess.run(tf.global_variables_initializer())
                same_start(sess, tf)
                ckpt = tf.train.get_checkpoint_state(
                    os.path.dirname(os.path.join(checkpoints, 'checkpoint')))

                # if that checkpoint exists, restore from checkpoint
                if ckpt and ckpt.model_checkpoint_path:
                    saver.restore(sess, ckpt.model_checkpoint_path)

                # we use this to calculate late average loss in the last SKIP_STEP steps
                total_loss = 0.0
                writer = tf.summary.FileWriter(
                    os.path.join(work, 'graphs/word2vec/lr' + str(self.lr)), sess.graph)
                initial_step = self.global_step.eval()

                for index in range(initial_step, initial_step + num_train_steps):
                    try:
                        loss_batch, _, summary = sess.run([self.loss, self.optimizer,
                                                           self.summary_op])
                        writer.add_summary(summary, global_step=index)
                        summaries += 1
                        total_loss += loss_batch
                        if (index + 1) % self.skip_step == 0:
                            average_losses.append(float(total_loss / self.skip_step))
                            total_loss = 0.0
                            saver.save(sess, os.path.join(checkpoints, 'skip-gram'), index)
                    except tf.errors.OutOfRangeError:
                        sess.run(self.iterator.initializer)
                writer.close()
                results["global_step"] = [int(self.global_step.eval())]
            results["average_losses"] = float(np.sum(average_losses))
            results["summary_count"] = [summaries]
            results["checkpoints"] = [os.path.basename(p) for p in
                                      tf.train.get_checkpoint_state(
                                          checkpoints).all_model_checkpoint_paths]

        def visualize(self, visual_fld, num_visualize):
            """ run "'tensorboard --logdir='visualization'" to see the embeddings """

            # create the list of num_variable most common words to visualize
            most_common_words(visual_fld, num_visualize)

            saver = tf.train.Saver()
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                ckpt = tf.train.get_checkpoint_state(
                    os.path.dirname(os.path.join(checkpoints, 'checkpoint')))

                # if that checkpoint exists, restore from checkpoint
                if ckpt and ckpt.model_checkpoint_path:
                    saver.restore(sess, ckpt.model_checkpoint_path)

                final_embed_matrix = sess.run(self.embed_matrix)

                # you have to store embeddings in a new variable
                embedding_var = tf.Variable(final_embed_matrix[:num_visualize],
                                            name='embedding')
                sess.run(embedding_var.initializer)

                # (the projector configuration, from tf.contrib, is left out)
                saver_embed = tf.train.Saver([embedding_var])
                saver_embed.save(sess, os.path.join(visual_fld, 'model.ckpt'), 1)
            reader = tf.train.NewCheckpointReader(os.path.join(visual_fld, 'model.ckpt-1'))
            saved = reader.get_tensor('embedding')
            results["visualized_sum"] = float(np.abs(saved).sum())
            results["saved_embedding_shape"] = list(saved.shape)
            with open(os.path.join(visual_fld, 'vocab_' + str(num_visualize) + '.tsv')) as f:
                results["vocab_head"] = [w.strip() for w in f.readlines()[:4]]

    def gen():
        yield from batch_gen(VOCAB_SIZE, BATCH_SIZE, SKIP_WINDOW, visual_fld)

    dataset = tf.data.Dataset.from_generator(gen,
                                             (tf.int32, tf.int32),
                                             (tf.TensorShape([BATCH_SIZE]),
                                              tf.TensorShape([BATCH_SIZE, 1])))
    model = SkipGramModel(dataset, VOCAB_SIZE, EMBED_SIZE, BATCH_SIZE, NUM_SAMPLED,
                          LEARNING_RATE)
    model.build_graph()
    model.train(NUM_TRAIN_STEPS)
    model.visualize(visual_fld, NUM_VISUALIZE)
    return results
