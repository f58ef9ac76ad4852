"""A word-level LSTM language model on Shakespeare: nfmcclure's tensorflow_cookbook,
``09_Recurrent_Neural_Networks/03_Implementing_LSTM/03_implementing_lstm.py``. A
vocabulary of the words seen more than ``min_word_freq`` times (id 0 for the rest), an
``LSTM_Model`` class built twice (a training model and, under ``variable_scope(
get_variable_scope(), reuse=True)``, a one-word sampling model sharing its variables):
``tf.get_variable`` with ``random_normal_initializer`` / ``constant_initializer`` inside
``variable_scope('lstm_vars')``, ``tf.split`` of the embedded words into time steps,
``tf.contrib.legacy_seq2seq.rnn_decoder`` over a ``BasicLSTMCell``,
``sequence_loss_by_example``, ``tf.gradients`` clipped by ``clip_by_global_norm`` and
``AdamOptimizer.apply_gradients`` (one per model); training feeds the previous batch's
final ``LSTMStateTuple`` into the ``zero_state`` tensors ``c`` and ``h``, and ``sample``
feeds the state tuple itself as a ``feed_dict`` key and greedily extends three prime
texts (its ``inferred_loop(prev)`` takes one argument where ``rnn_decoder`` passes two,
but with one time step it is never called).

Adapted: the Gutenberg download (``pg100.txt``) is replaced by 300 lines drawn from ten
famous ones (a word dropped from some), with their punctuation and capitals (the recipe's
cleaning then applies as written); ``random`` and ``np.random`` are seeded (the recipe
seeds neither); under TF 2.x (no ``tf.contrib``) ``rnn`` and ``legacy_seq2seq`` come from
:mod:`tf_contrib`'s TF 1.15 stand-ins; smaller sizes (``rnn_size`` 32, batches of 20
sequences of 10 words) and 4 epochs instead of 10, with the samples every 10 iterations;
the checkpoint and pickled vocabulary written every 500 iterations (never reached here)
and the directories made for them, the prints and the matplotlib plot are left out (the
losses and sampled sentences are returned); the ``random_normal`` starts of ``W`` and
``embedding_mat`` and the cell's kernel are replaced by :func:`common.same_start`'s
Glorot-uniform NumPy draws so both backends start alike."""

from __future__ import annotations

import collections
import random
import re
import string

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"vocab_size": 0.0, "num_batches": 0.0, "first_loss": 1e-5, "last_loss": 1e-4,
           "mean_loss": 1e-4, "samples": 0.0}

LINES = ["to be, or not to be: that is the question.",
         "wherefore art thou Romeo?",
         "shall I compare thee to a summer's day?",
         "thou art more lovely and more temperate.",
         "all the world's a stage, and all the men and women merely players.",
         "the course of true love never did run smooth.",
         "good night, good night! parting is such sweet sorrow.",
         "what's in a name? that which we call a rose by any other name would smell "
         "as sweet.",
         "now is the winter of our discontent made glorious summer.",
         "if music be the food of love, play on."]


def _shakespeare(rng, n=300):
    """Lines drawn from a few famous ones, now and then with a word dropped."""
    out = []
    for _ in range(n):
        words = LINES[rng.randint(len(LINES))].split()
        if rng.uniform() < 0.3:
            del words[rng.randint(len(words))]
        out.append(" ".join(words))
    return " ".join(out)


def main(tf):
    random.seed(12)
    np.random.seed(12)
    sess = tf.Session()
    legacy_seq2seq = (tf.contrib if hasattr(tf, "contrib") else contrib(tf)).legacy_seq2seq
    rnn = (tf.contrib if hasattr(tf, "contrib") else contrib(tf)).rnn

    min_word_freq = 5
    rnn_size = 32
    epochs = 4
    batch_size = 20
    learning_rate = 0.001
    training_seq_len = 10
    embedding_size = rnn_size
    eval_every = 10
    prime_texts = ['thou art more', 'to be or not to', 'wherefore art thou']

    punctuation = string.punctuation
    punctuation = ''.join([x for x in punctuation if x not in ['-', "'"]])
    s_text = _shakespeare(np.random.RandomState(4))
    s_text = re.sub(r'[{}]'.format(punctuation), ' ', s_text)  # noqa: UP032 (as written)
    s_text = re.sub(r'\s+', ' ', s_text).strip().lower()

    def build_vocab(text, min_freq):
        word_counts = collections.Counter(text.split(' '))
        word_counts = {key: val for key, val in word_counts.items() if val > min_freq}
        words = word_counts.keys()
        vocab_to_ix_dict = {key: (i_x + 1) for i_x, key in enumerate(words)}
        vocab_to_ix_dict['unknown'] = 0
        ix_to_vocab_dict = {val: key for key, val in vocab_to_ix_dict.items()}
        return ix_to_vocab_dict, vocab_to_ix_dict

    ix2vocab, vocab2ix = build_vocab(s_text, min_word_freq)
    vocab_size = len(ix2vocab) + 1
    assert len(ix2vocab) == len(vocab2ix)
    s_text_words = s_text.split(' ')
    s_text_ix = []
    for x in s_text_words:
        try:
            s_text_ix.append(vocab2ix[x])
        except KeyError:
            s_text_ix.append(0)
    s_text_ix = np.array(s_text_ix)

    class LSTM_Model():  # noqa: UP039 (as written)
        def __init__(self, embedding_size, rnn_size, batch_size, learning_rate,
                     training_seq_len, vocab_size, infer_sample=False):
            self.embedding_size = embedding_size
            self.rnn_size = rnn_size
            self.vocab_size = vocab_size
            self.infer_sample = infer_sample
            self.learning_rate = learning_rate
            if infer_sample:
                self.batch_size = 1
                self.training_seq_len = 1
            else:
                self.batch_size = batch_size
                self.training_seq_len = training_seq_len
            self.lstm_cell = rnn.BasicLSTMCell(self.rnn_size)
            self.initial_state = self.lstm_cell.zero_state(self.batch_size, tf.float32)
            self.x_data = tf.placeholder(tf.int32, [self.batch_size, self.training_seq_len])
            self.y_output = tf.placeholder(tf.int32, [self.batch_size, self.training_seq_len])
            with tf.variable_scope('lstm_vars'):
                W = tf.get_variable('W', [self.rnn_size, self.vocab_size], tf.float32,
                                    tf.random_normal_initializer())
                b = tf.get_variable('b', [self.vocab_size], tf.float32,
                                    tf.constant_initializer(0.0))
                embedding_mat = tf.get_variable('embedding_mat',
                                                [self.vocab_size, self.embedding_size],
                                                tf.float32, tf.random_normal_initializer())
                embedding_output = tf.nn.embedding_lookup(embedding_mat, self.x_data)
                rnn_inputs = tf.split(axis=1, num_or_size_splits=self.training_seq_len,
                                      value=embedding_output)
                rnn_inputs_trimmed = [tf.squeeze(x, [1]) for x in rnn_inputs]

            def inferred_loop(prev):
                prev_transformed = tf.matmul(prev, W) + b
                prev_symbol = tf.stop_gradient(tf.argmax(prev_transformed, 1))
                out = tf.nn.embedding_lookup(embedding_mat, prev_symbol)
                return out

            decoder = legacy_seq2seq.rnn_decoder
            outputs, last_state = decoder(rnn_inputs_trimmed, self.initial_state, self.lstm_cell,
                                          loop_function=inferred_loop if infer_sample else None)
            output = tf.reshape(tf.concat(axis=1, values=outputs), [-1, self.rnn_size])
            self.logit_output = tf.matmul(output, W) + b
            self.model_output = tf.nn.softmax(self.logit_output)
            loss_fun = legacy_seq2seq.sequence_loss_by_example
            loss = loss_fun([self.logit_output], [tf.reshape(self.y_output, [-1])],
                            [tf.ones([self.batch_size * self.training_seq_len])])
            self.cost = tf.reduce_sum(loss) / (self.batch_size * self.training_seq_len)
            self.final_state = last_state
            gradients, _ = tf.clip_by_global_norm(tf.gradients(self.cost,
                                                               tf.trainable_variables()), 4.5)
            optimizer = tf.train.AdamOptimizer(self.learning_rate)
            self.train_op = optimizer.apply_gradients(zip(gradients, tf.trainable_variables()))

        def sample(self, sess, words=ix2vocab, vocab=vocab2ix, num=10, prime_text='thou art'):
            state = sess.run(self.lstm_cell.zero_state(1, tf.float32))
            word_list = prime_text.split()
            for word in word_list[:-1]:
                x = np.zeros((1, 1))
                x[0, 0] = vocab[word]
                feed_dict = {self.x_data: x, self.initial_state: state}
                [state] = sess.run([self.final_state], feed_dict=feed_dict)
            out_sentence = prime_text
            word = word_list[-1]
            for _ in range(num):
                x = np.zeros((1, 1))
                x[0, 0] = vocab[word]
                feed_dict = {self.x_data: x, self.initial_state: state}
                [model_output, state] = sess.run([self.model_output, self.final_state],
                                                 feed_dict=feed_dict)
                sample = np.argmax(model_output[0])
                if sample == 0:
                    break
                word = words[sample]
                out_sentence = out_sentence + ' ' + word
            return out_sentence

    lstm_model = LSTM_Model(embedding_size, rnn_size, batch_size, learning_rate,
                            training_seq_len, vocab_size)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        test_lstm_model = LSTM_Model(embedding_size, rnn_size, batch_size, learning_rate,
                                     training_seq_len, vocab_size, infer_sample=True)
    saver = tf.train.Saver(tf.global_variables())  # noqa: F841 (saves every 500 iterations)
    num_batches = int(len(s_text_ix) / (batch_size * training_seq_len)) + 1
    batches = np.array_split(s_text_ix, num_batches)
    batches = [np.resize(x, [batch_size, training_seq_len]) for x in batches]
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=6)

    train_loss = []
    samples = []
    iteration_count = 1
    for _ in range(epochs):
        random.shuffle(batches)
        targets = [np.roll(x, -1, axis=1) for x in batches]
        state = sess.run(lstm_model.initial_state)
        for ix, batch in enumerate(batches):
            training_dict = {lstm_model.x_data: batch, lstm_model.y_output: targets[ix]}
            c, h = lstm_model.initial_state
            training_dict[c] = state.c
            training_dict[h] = state.h
            temp_loss, state, _ = sess.run([lstm_model.cost, lstm_model.final_state,
                                            lstm_model.train_op], feed_dict=training_dict)
            train_loss.append(temp_loss)
            if iteration_count % eval_every == 0:
                for sample in prime_texts:
                    samples.append(test_lstm_model.sample(sess, ix2vocab, vocab2ix, num=10,
                                                          prime_text=sample))
            iteration_count += 1
    sess.close()
    return {"vocab_size": [vocab_size], "num_batches": [num_batches],
            "first_loss": float(train_loss[0]), "last_loss": float(train_loss[-1]),
            "mean_loss": float(np.mean(train_loss)), "samples": samples}
