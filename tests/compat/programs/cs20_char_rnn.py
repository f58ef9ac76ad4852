"""A character-level GRU language model trained on tweets and sampled as it trains:
Stanford CS20 ("TensorFlow for Deep Learning Research", Danijar Hafner and Chip Huyen),
repo ``chiphuyen/stanford-tensorflow-tutorials``, ``examples/11_char_rnn.py`` at commit
51e53daaa2a32cfe7a1966f060b28dbbd081791c. ``vocab_encode`` / ``vocab_decode`` over the
tweet vocabulary (characters outside it dropped), the ``read_data`` generator
(``random.shuffle`` of the lines, overlapping windows zero-padded to ``num_steps``) and
``read_batch``; the ``CharRNN`` class: an int32 ``[None, None]`` placeholder,
``tf.one_hot``, a ``MultiRNNCell`` of ``tf.nn.rnn_cell.GRUCell`` layers whose
``zero_state`` tuple is wrapped in ``tf.placeholder_with_default`` (shape ``[None,
state.shape[1]]``), ``dynamic_rnn`` with the sequence lengths from ``reduce_sum(
reduce_max(tf.sign(seq), 2), 1)``, ``tf.layers.dense`` logits, the summed softmax cross
entropy of ``logits[:, :-1]`` against ``seq[:, 1:]``, Adam ``minimize(global_step=...)``,
and ``tf.multinomial(tf.exp(logits[:, -1] / temp), 1)`` sampling; ``train`` restores from
``get_checkpoint_state`` when there is a checkpoint, starts at ``gstep.eval()``, saves a
checkpoint and runs ``online_infer`` each step, which feeds the previous step's GRU
states into the ``in_state`` placeholders one character at a time.

Adapted: ``data/trump_tweets.txt`` becomes 200 lines of the messages of
``common.sms_spam_lines`` written to a temporary file (the checkpoints go there too);
``random`` is seeded; ``hidden_sizes`` [16, 32] instead of [128, 256], ``batch_size`` 8
instead of 64, ``num_steps`` 20 instead of 50, 10 generated characters instead of 200
from two of the eleven seeds, and 2 training steps instead of the endless loop;
``tf.multinomial`` gets ``seed=7`` so that both backends draw the same characters (TF
seeds it at random); the GRU and dense kernels start from ``same_start``'s NumPy draw;
the prints are left out (the losses and generated sentences are returned)."""

# ruff: noqa: UP015 - the author's open(..., 'r') is kept

from __future__ import annotations

import os
import random
import tempfile

import numpy as np

from tests.compat.programs.common import same_start, sms_spam_lines

COMPARE = {"losses": 1e-4, "sentences": 0.0, "iterations": 0.0, "checkpoints": 0.0,
           "state_shapes": 0.0}


def vocab_encode(text, vocab):
    return [vocab.index(x) + 1 for x in text if x in vocab]


def vocab_decode(array, vocab):
    return ''.join([vocab[x - 1] for x in array])


def read_data(filename, vocab, window, overlap):
    lines = [line.strip() for line in open(filename, 'r').readlines()]
    while True:
        random.shuffle(lines)

        for text in lines:
            text = vocab_encode(text, vocab)
            for start in range(0, len(text) - window, overlap):
                chunk = text[start: start + window]
                chunk += [0] * (window - len(chunk))
                yield chunk


def read_batch(stream, batch_size):
    batch = []
    for element in stream:
        batch.append(element)
        if len(batch) == batch_size:
            yield batch
            batch = []
    yield batch


def main(tf):
    random.seed(11)
    work = tempfile.mkdtemp()
    os.makedirs(os.path.join(work, 'data'))
    with open(os.path.join(work, 'data', 'trump_tweets.txt'), 'w') as f:
        for line in sms_spam_lines(np.random.RandomState(11), n=200):
            f.write(line.split('\t', 1)[1] + '\n')
    results = {"losses": 0.0, "sentences": [], "checkpoints": []}

    class CharRNN(object):  # noqa: UP004 - as written
        def __init__(self, model):
            self.model = model
            self.path = os.path.join(work, 'data/' + model + '.txt')
            if 'trump' in model:
                self.vocab = ("$%'()+,-./0123456789:;=?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              " '\"_abcdefghijklmnopqrstuvwxyz{|}@#➡📈")
            else:
                self.vocab = (" $%'()+,-./0123456789:;=?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "\\^_abcdefghijklmnopqrstuvwxyz{|}")

            self.seq = tf.placeholder(tf.int32, [None, None])
            self.temp = tf.constant(1.5)
            self.hidden_sizes = [16, 32]
            self.batch_size = 8
            self.lr = 0.0003
            self.skip_step = 1
            self.num_steps = 20  # for RNN unrolled
            self.len_generated = 10
            self.gstep = tf.Variable(0, dtype=tf.int32, trainable=False, name='global_step')

        def create_rnn(self, seq):
            layers = [tf.nn.rnn_cell.GRUCell(size) for size in self.hidden_sizes]
            cells = tf.nn.rnn_cell.MultiRNNCell(layers)
            batch = tf.shape(seq)[0]
            zero_states = cells.zero_state(batch, dtype=tf.float32)
            self.in_state = tuple([tf.placeholder_with_default(state, [None, state.shape[1]])
                                   for state in zero_states])
            # this line to calculate the real length of seq
            # all seq are padded to be of the same length, which is num_steps
            length = tf.reduce_sum(tf.reduce_max(tf.sign(seq), 2), 1)
            self.output, self.out_state = tf.nn.dynamic_rnn(cells, seq, length, self.in_state)

        def create_model(self):
            seq = tf.one_hot(self.seq, len(self.vocab))
            self.create_rnn(seq)
            self.logits = tf.layers.dense(self.output, len(self.vocab), None)
            loss = tf.nn.softmax_cross_entropy_with_logits(logits=self.logits[:, :-1],
                                                           labels=seq[:, 1:])
            self.loss = tf.reduce_sum(loss)
            # sample the next character from Maxwell-Boltzmann Distribution
            # with temperature temp. It works equally well without tf.exp
            self.sample = tf.multinomial(tf.exp(self.logits[:, -1] / self.temp), 1,
                                         seed=7)[:, 0]
            self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss,
                                                                global_step=self.gstep)

        def train(self):
            saver = tf.train.Saver()
            min_loss = None
            with tf.Session() as sess:
                writer = tf.summary.FileWriter(os.path.join(work, 'graphs/gist'),
                                               sess.graph)
                sess.run(tf.global_variables_initializer())
                same_start(sess, tf)

                ckpt = tf.train.get_checkpoint_state(os.path.dirname(
                    os.path.join(work, 'checkpoints/' + self.model + '/checkpoint')))
                if ckpt and ckpt.model_checkpoint_path:
                    saver.restore(sess, ckpt.model_checkpoint_path)

                iteration = self.gstep.eval()
                stream = read_data(self.path, self.vocab, self.num_steps,
                                   overlap=self.num_steps // 2)
                data = read_batch(stream, self.batch_size)
                for _ in range(2):  # the script's endless `while True`, cut short
                    batch = next(data)

                # for batch in read_batch(read_data(DATA_PATH, vocab)):
                    batch_loss, _ = sess.run([self.loss, self.opt], {self.seq: batch})
                    results["losses"] += float(batch_loss)
                    if (iteration + 1) % self.skip_step == 0:
                        self.online_infer(sess)
                        checkpoint_name = os.path.join(
                            work, 'checkpoints/' + self.model + '/char-rnn')
                        if min_loss is None:
                            saver.save(sess, checkpoint_name, iteration)
                        elif batch_loss < min_loss:
                            saver.save(sess, checkpoint_name, iteration)
                            min_loss = batch_loss
                    iteration += 1
                writer.close()
                results["iterations"] = [int(iteration), int(self.gstep.eval())]

        def online_infer(self, sess):
            """ Generate sequence one character at a time, based on the previous character
            """
            for seed in ['Hillary', 'I']:
                sentence = seed
                state = None
                for _ in range(self.len_generated):
                    batch = [vocab_encode(sentence[-1], self.vocab)]
                    feed = {self.seq: batch}
                    if state is not None:  # for the first decoder step, the state is None
                        for i in range(len(state)):
                            feed.update({self.in_state[i]: state[i]})
                    index, state = sess.run([self.sample, self.out_state], feed)
                    sentence += vocab_decode(index, self.vocab)
                results["sentences"].append(sentence)

    model = 'trump_tweets'
    os.makedirs(os.path.join(work, 'checkpoints', model))

    lm = CharRNN(model)
    lm.create_model()
    lm.train()
    results["checkpoints"] = [os.path.basename(p) for p in tf.train.get_checkpoint_state(
        os.path.join(work, 'checkpoints', model)).all_model_checkpoint_paths]
    results["state_shapes"] = [s.shape.as_list() for s in lm.in_state]
    return results
