"""Udacity "Deep Learning" (Vincent Vanhoucke), assignment 6: ``6_lstm.ipynb`` from
``tensorflow/tensorflow``, ``tensorflow/examples/udacity`` at commit
ae176e5fcbd10df05a790806ac0d5a2eabbe755c. A character LSTM written out by hand: the
``BatchGenerator`` of one-hot characters (64 cursors over the text, each ``next()`` the
last batch of the previous call plus ``num_unrollings`` new ones), the gates as separate
``tf.Variable`` matrices (``ix``, ``im``, ``ib``, ...) combined by ``tf.matmul`` in
``lstm_cell``, the cell unrolled over ``num_unrollings + 1`` placeholders, the state
carried across steps in non-trainable variables assigned under
``tf.control_dependencies``, ``tf.nn.xw_plus_b`` over ``tf.concat(outputs, 0)``, a
``staircase`` ``exponential_decay`` of a ``tf.Variable(0)`` global step, gradients from
``compute_gradients`` (``None`` for the sampling model's variables) clipped by
``clip_by_global_norm`` before ``apply_gradients``; a batch-1 sampling model whose
state variables ``reset_sample_state`` zeroes, random sentences drawn character by
character with the notebook's ``sample_distribution`` (``random.uniform``) from a
``random_distribution`` start (``np.random.uniform``), and the validation perplexity.

Adapted: the text8 download becomes 6000 characters of lower-case words drawn from
``common.SMS_HAM`` (text8's alphabet: a-z and the space); ``random`` and ``np.random``
are seeded; ``np.float`` (gone from NumPy) is ``float``; 41 steps instead of 7001, the
summary every 20 steps instead of 100 and the samples every 40 instead of 1000, two
sentences of 30 characters instead of five of 80, ``valid_size`` 100 instead of 1000;
the ``tf.truncated_normal`` weights (mean -0.1, stddev 0.1) replaced by ``same_start``'s
NumPy draw; the prints are left out (their numbers and sentences are returned)."""

# ruff: noqa: E741, UP031 - the notebook's `l` and %-formatting are kept

from __future__ import annotations

import random
import string

import numpy as np

from tests.compat.programs.common import SMS_HAM, same_start

# Gradient descent at learning rate 10 (clipped to norm 1.25) keeps float32 round-off
# small here: the mean losses agree to about 1e-6.
COMPARE = {"mean_losses": 1e-5, "minibatch_perplexity": 1e-4, "valid_perplexity": 1e-4,
           "learning_rates": 0.0, "samples": 0.0, "batches": 0.0}


def read_data(rng, size=6000):
    """text8's form: lower-case words separated by single spaces."""
    words = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(SMS_HAM[rng.randint(len(SMS_HAM))])
    return " ".join(words)[:size]


def main(tf):
    random.seed(6)
    np.random.seed(6)
    text = read_data(np.random.RandomState(8))

    valid_size = 100
    valid_text = text[:valid_size]
    train_text = text[valid_size:]
    train_size = len(train_text)  # noqa: F841 - the notebook prints it

    vocabulary_size = len(string.ascii_lowercase) + 1  # [a-z] + ' '
    first_letter = ord(string.ascii_lowercase[0])

    def char2id(char):
        if char in string.ascii_lowercase:
            return ord(char) - first_letter + 1
        elif char == ' ':
            return 0
        else:
            print('Unexpected character: %s' % char)
            return 0

    def id2char(dictid):
        if dictid > 0:
            return chr(dictid + first_letter - 1)
        else:
            return ' '

    batch_size = 64
    num_unrollings = 10

    class BatchGenerator(object):  # noqa: UP004 - as written
        def __init__(self, text, batch_size, num_unrollings):
            self._text = text
            self._text_size = len(text)
            self._batch_size = batch_size
            self._num_unrollings = num_unrollings
            segment = self._text_size // batch_size
            self._cursor = [offset * segment for offset in range(batch_size)]
            self._last_batch = self._next_batch()

        def _next_batch(self):
            """Generate a single batch from the current cursor position in the data."""
            batch = np.zeros(shape=(self._batch_size, vocabulary_size), dtype=float)
            for b in range(self._batch_size):
                batch[b, char2id(self._text[self._cursor[b]])] = 1.0
                self._cursor[b] = (self._cursor[b] + 1) % self._text_size
            return batch

        def next(self):
            """Generate the next array of batches from the data. The array consists of
            the last batch of the previous array, followed by num_unrollings new ones.
            """
            batches = [self._last_batch]
            for step in range(self._num_unrollings):  # noqa: B007 - as written
                batches.append(self._next_batch())
            self._last_batch = batches[-1]
            return batches

    def characters(probabilities):
        """Turn a 1-hot encoding or a probability distribution over the possible
        characters back into its (mostl likely) character representation."""
        return [id2char(c) for c in np.argmax(probabilities, 1)]

    def batches2string(batches):
        """Convert a sequence of batches back into their (most likely) string
        representation."""
        s = [''] * batches[0].shape[0]
        for b in batches:
            s = [''.join(x) for x in zip(s, characters(b))]
        return s

    train_batches = BatchGenerator(train_text, batch_size, num_unrollings)
    valid_batches = BatchGenerator(valid_text, 1, 1)
    shown = batches2string(train_batches.next())[:2]  # the notebook prints these four
    shown += batches2string(train_batches.next())[:2]
    shown += batches2string(valid_batches.next())
    shown += batches2string(valid_batches.next())

    def logprob(predictions, labels):
        """Log-probability of the true labels in a predicted batch."""
        predictions[predictions < 1e-10] = 1e-10
        return np.sum(np.multiply(labels, -np.log(predictions))) / labels.shape[0]

    def sample_distribution(distribution):
        """Sample one element from a distribution assumed to be an array of normalized
        probabilities.
        """
        r = random.uniform(0, 1)
        s = 0
        for i in range(len(distribution)):
            s += distribution[i]
            if s >= r:
                return i
        return len(distribution) - 1

    def sample(prediction):
        """Turn a (column) prediction into 1-hot encoded samples."""
        p = np.zeros(shape=[1, vocabulary_size], dtype=float)
        p[0, sample_distribution(prediction[0])] = 1.0
        return p

    def random_distribution():
        """Generate a random column of probabilities."""
        b = np.random.uniform(0.0, 1.0, size=[1, vocabulary_size])
        return b / np.sum(b, 1)[:, None]

    num_nodes = 64

    graph = tf.Graph()
    with graph.as_default():

        # Parameters:
        # Input gate: input, previous output, and bias.
        ix = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
        im = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
        ib = tf.Variable(tf.zeros([1, num_nodes]))
        # Forget gate: input, previous output, and bias.
        fx = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
        fm = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
        fb = tf.Variable(tf.zeros([1, num_nodes]))
        # Memory cell: input, state and bias.
        cx = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
        cm = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
        cb = tf.Variable(tf.zeros([1, num_nodes]))
        # Output gate: input, previous output, and bias.
        ox = tf.Variable(tf.truncated_normal([vocabulary_size, num_nodes], -0.1, 0.1))
        om = tf.Variable(tf.truncated_normal([num_nodes, num_nodes], -0.1, 0.1))
        ob = tf.Variable(tf.zeros([1, num_nodes]))
        # Variables saving state across unrollings.
        saved_output = tf.Variable(tf.zeros([batch_size, num_nodes]), trainable=False)
        saved_state = tf.Variable(tf.zeros([batch_size, num_nodes]), trainable=False)
        # Classifier weights and biases.
        w = tf.Variable(tf.truncated_normal([num_nodes, vocabulary_size], -0.1, 0.1))
        b = tf.Variable(tf.zeros([vocabulary_size]))

        # Definition of the cell computation.
        def lstm_cell(i, o, state):
            """Create a LSTM cell. See e.g.: http://arxiv.org/pdf/1402.1128v1.pdf
            Note that in this formulation, we omit the various connections between the
            previous state and the gates."""
            input_gate = tf.sigmoid(tf.matmul(i, ix) + tf.matmul(o, im) + ib)
            forget_gate = tf.sigmoid(tf.matmul(i, fx) + tf.matmul(o, fm) + fb)
            update = tf.matmul(i, cx) + tf.matmul(o, cm) + cb
            state = forget_gate * state + input_gate * tf.tanh(update)
            output_gate = tf.sigmoid(tf.matmul(i, ox) + tf.matmul(o, om) + ob)
            return output_gate * tf.tanh(state), state

        # Input data.
        train_data = list()
        for _ in range(num_unrollings + 1):
            train_data.append(
                tf.placeholder(tf.float32, shape=[batch_size, vocabulary_size]))
        train_inputs = train_data[:num_unrollings]
        train_labels = train_data[1:]  # labels are inputs shifted by one time step.

        # Unrolled LSTM loop.
        outputs = list()
        output = saved_output
        state = saved_state
        for i in train_inputs:
            output, state = lstm_cell(i, output, state)
            outputs.append(output)

        # State saving across unrollings.
        with tf.control_dependencies([saved_output.assign(output),
                                      saved_state.assign(state)]):
            # Classifier.
            logits = tf.nn.xw_plus_b(tf.concat(outputs, 0), w, b)
            loss = tf.reduce_mean(
                tf.nn.softmax_cross_entropy_with_logits(
                    labels=tf.concat(train_labels, 0), logits=logits))

        # Optimizer.
        global_step = tf.Variable(0)
        learning_rate = tf.train.exponential_decay(
            10.0, global_step, 5000, 0.1, staircase=True)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        gradients, v = zip(*optimizer.compute_gradients(loss))
        gradients, _ = tf.clip_by_global_norm(gradients, 1.25)
        optimizer = optimizer.apply_gradients(
            zip(gradients, v), global_step=global_step)

        # Predictions.
        train_prediction = tf.nn.softmax(logits)

        # Sampling and validation eval: batch 1, no unrolling.
        sample_input = tf.placeholder(tf.float32, shape=[1, vocabulary_size])
        saved_sample_output = tf.Variable(tf.zeros([1, num_nodes]))
        saved_sample_state = tf.Variable(tf.zeros([1, num_nodes]))
        reset_sample_state = tf.group(
            saved_sample_output.assign(tf.zeros([1, num_nodes])),
            saved_sample_state.assign(tf.zeros([1, num_nodes])))
        sample_output, sample_state = lstm_cell(
            sample_input, saved_sample_output, saved_sample_state)
        with tf.control_dependencies([saved_sample_output.assign(sample_output),
                                      saved_sample_state.assign(sample_state)]):
            sample_prediction = tf.nn.softmax(tf.nn.xw_plus_b(sample_output, w, b))

    num_steps = 41
    summary_frequency = 20

    mean_losses, minibatch_perplexity, valid_perplexity = [], [], []
    learning_rates, samples = [], []
    with tf.Session(graph=graph) as session:
        tf.global_variables_initializer().run()
        same_start(session, tf)
        mean_loss = 0
        for step in range(num_steps):
            batches = train_batches.next()
            feed_dict = dict()
            for i in range(num_unrollings + 1):
                feed_dict[train_data[i]] = batches[i]
            _, l, predictions, lr = session.run(
                [optimizer, loss, train_prediction, learning_rate], feed_dict=feed_dict)
            mean_loss += l
            if step % summary_frequency == 0:
                if step > 0:
                    mean_loss = mean_loss / summary_frequency
                # The mean loss is an estimate of the loss over the last few batches.
                mean_losses.append(float(mean_loss))
                learning_rates.append(float(lr))
                mean_loss = 0
                labels = np.concatenate(list(batches)[1:])
                minibatch_perplexity.append(float(np.exp(logprob(predictions, labels))))
                if step % (summary_frequency * 2) == 0:
                    # Generate some samples.
                    for _ in range(2):
                        feed = sample(random_distribution())
                        sentence = characters(feed)[0]
                        reset_sample_state.run()
                        for _ in range(29):
                            prediction = sample_prediction.eval({sample_input: feed})
                            feed = sample(prediction)
                            sentence += characters(feed)[0]
                        samples.append(sentence)
                # Measure validation set perplexity.
                reset_sample_state.run()
                valid_logprob = 0
                for _ in range(valid_size):
                    b = valid_batches.next()
                    predictions = sample_prediction.eval({sample_input: b[0]})
                    valid_logprob = valid_logprob + logprob(predictions, b[1])
                valid_perplexity.append(float(np.exp(valid_logprob / valid_size)))
    return {"mean_losses": float(np.sum(mean_losses)),
            "minibatch_perplexity": float(np.sum(minibatch_perplexity)),
            "valid_perplexity": float(np.sum(valid_perplexity)),
            "learning_rates": learning_rates, "samples": samples, "batches": shown}
