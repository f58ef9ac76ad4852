"""Character-level language model, sherjilozair/char-rnn-tensorflow: ``model.py``'s
``Model`` as published (a ``MultiRNNCell`` of ``LSTMCell``s from ``tf.contrib.rnn``,
``tf.get_variable`` softmax weights under ``variable_scope('rnnlm')`` and an embedding,
``tf.split`` + ``tf.squeeze`` into time steps, ``legacy_seq2seq.rnn_decoder`` with a
``loop`` function (argmax fed back through ``tf.stop_gradient``) when sampling,
``sequence_loss_by_example``, ``tf.clip_by_global_norm`` of ``tf.gradients``, an
``AdamOptimizer`` whose learning rate is a non-trainable ``tf.Variable`` set with
``tf.assign``, histogram and scalar summaries; ``sample`` feeding the whole state tuple
as one ``feed_dict`` key and drawing with ``weighted_pick``), ``utils.py``'s
``TextLoader`` (vocabulary by falling count, ``np.split`` into batches, targets shifted
by one) and ``train.py``'s loop (the previous batch's final state fed into the
``LSTMStateTuple`` ``c`` / ``h`` placeholders, ``summary.merge_all`` into a
``FileWriter``, ``Saver(tf.global_variables())`` checkpoints); then ``sample.py`` in a
fresh graph: ``Model(saved_args, training=False)``, ``global_variables_initializer``,
``Saver.restore`` from ``get_checkpoint_state`` and 40 characters sampled after a prime.

Adapted: tiny-shakespeare's ``input.txt`` is a few hundred characters of famous lines
(written to a temporary directory and read by ``TextLoader`` as published); the
``vocab.pkl`` / ``data.npy`` caches and ``config.pkl`` / ``chars_vocab.pkl`` are not
written (no pickle: the arguments and vocabulary stay in memory); small sizes
(``rnn_size`` 16, 2 layers, batches of 4 sequences of 10 characters, 2 epochs);
``np.random.seed(0)`` before sampling, and ``weighted_pick`` takes element ``[0]`` of
``searchsorted``'s one-element array (NumPy 2 refuses ``int()`` of it);
``tf.contrib.rnn`` / ``legacy_seq2seq`` are :mod:`tf_contrib`'s TF 1.15 stand-ins under
TF 2.x; weights (biases too) start from
:func:`common.same_start`'s NumPy draws; prints left out."""

from __future__ import annotations

import codecs
import collections
import copy
import os
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"vocab_size": 0.0, "num_batches": 0.0, "first_loss": 1e-5, "last_loss": 1e-4,
           "mean_loss": 1e-4, "sample": 0.0, "final_lr": 1e-7, "variables": 0.0}

TEXT = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\n"
        "Speak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to "
        "famish?\n\nAll:\nResolved. resolved.\n\nFirst Citizen:\nFirst, you know Caius "
        "Marcius is chief enemy to the people.\n\nAll:\nWe know't, we know't.\n")


def _model_class(tf):
    tfc = contrib(tf)  # ``tf.contrib`` (or TF 1.15's stand-in under TF 2.x)
    rnn, legacy_seq2seq = tfc.rnn, tfc.legacy_seq2seq

    class Model:
        def __init__(self, args, training=True):
            self.args = args
            if not training:
                args.batch_size = 1
                args.seq_length = 1

            # choose different rnn cell
            if args.model == 'rnn':
                cell_fn = rnn.RNNCell
            elif args.model == 'gru':
                cell_fn = rnn.GRUCell
            elif args.model == 'lstm':
                cell_fn = rnn.LSTMCell
            elif args.model == 'nas':
                cell_fn = rnn.NASCell
            else:
                raise Exception(f"model type not supported: {args.model}")

            # warp multi layered rnn cell into one cell with dropout
            cells = []
            for _ in range(args.num_layers):
                cell = cell_fn(args.rnn_size)
                if training and (args.output_keep_prob < 1.0 or args.input_keep_prob < 1.0):
                    cell = rnn.DropoutWrapper(cell,
                                              input_keep_prob=args.input_keep_prob,
                                              output_keep_prob=args.output_keep_prob)
                cells.append(cell)
            self.cell = cell = rnn.MultiRNNCell(cells, state_is_tuple=True)

            # input/target data (int32 since input is char-level)
            self.input_data = tf.placeholder(
                tf.int32, [args.batch_size, args.seq_length])
            self.targets = tf.placeholder(
                tf.int32, [args.batch_size, args.seq_length])
            self.initial_state = cell.zero_state(args.batch_size, tf.float32)

            # softmax output layer, use softmax to classify
            with tf.variable_scope('rnnlm'):
                softmax_w = tf.get_variable("softmax_w",
                                            [args.rnn_size, args.vocab_size])
                softmax_b = tf.get_variable("softmax_b", [args.vocab_size])

            # transform input to embedding
            embedding = tf.get_variable("embedding", [args.vocab_size, args.rnn_size])
            inputs = tf.nn.embedding_lookup(embedding, self.input_data)

            # dropout beta testing: double check which one should affect next line
            if training and args.output_keep_prob:
                inputs = tf.nn.dropout(inputs, args.output_keep_prob)

            # unstack the input to fits in rnn model
            inputs = tf.split(inputs, args.seq_length, 1)
            inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

            # loop function for rnn_decoder, which take the previous i-th cell's output and
            # generate the (i+1)-th cell's input
            def loop(prev, _):
                prev = tf.matmul(prev, softmax_w) + softmax_b
                prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
                return tf.nn.embedding_lookup(embedding, prev_symbol)

            # rnn_decoder to generate the ouputs and final state. When we are not training
            # the model, we use the loop function.
            outputs, last_state = legacy_seq2seq.rnn_decoder(
                inputs, self.initial_state, cell,
                loop_function=loop if not training else None, scope='rnnlm')
            output = tf.reshape(tf.concat(outputs, 1), [-1, args.rnn_size])

            # output layer
            self.logits = tf.matmul(output, softmax_w) + softmax_b
            self.probs = tf.nn.softmax(self.logits)

            # loss is calculate by the log loss and taking the average.
            loss = legacy_seq2seq.sequence_loss_by_example(
                    [self.logits],
                    [tf.reshape(self.targets, [-1])],
                    [tf.ones([args.batch_size * args.seq_length])])
            with tf.name_scope('cost'):
                self.cost = tf.reduce_sum(loss) / args.batch_size / args.seq_length
            self.final_state = last_state
            self.lr = tf.Variable(0.0, trainable=False)
            tvars = tf.trainable_variables()

            # calculate gradients
            grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars),
                                              args.grad_clip)
            with tf.name_scope('optimizer'):
                optimizer = tf.train.AdamOptimizer(self.lr)

            # apply gradient change to the all the trainable variable.
            self.train_op = optimizer.apply_gradients(zip(grads, tvars))

            # instrument tensorboard
            tf.summary.histogram('logits', self.logits)
            tf.summary.histogram('loss', loss)
            tf.summary.scalar('train_loss', self.cost)

        def sample(self, sess, chars, vocab, num=200, prime='The ', sampling_type=1):
            state = sess.run(self.cell.zero_state(1, tf.float32))
            for char in prime[:-1]:
                x = np.zeros((1, 1))
                x[0, 0] = vocab[char]
                feed = {self.input_data: x, self.initial_state: state}
                [state] = sess.run([self.final_state], feed)

            def weighted_pick(weights):
                t = np.cumsum(weights)
                s = np.sum(weights)
                return(int(np.searchsorted(t, np.random.rand(1)*s)[0]))

            ret = prime
            char = prime[-1]
            for _ in range(num):
                x = np.zeros((1, 1))
                x[0, 0] = vocab[char]
                feed = {self.input_data: x, self.initial_state: state}
                [probs, state] = sess.run([self.probs, self.final_state], feed)
                p = probs[0]

                if sampling_type == 0:
                    sample = np.argmax(p)
                elif sampling_type == 2:
                    if char == ' ':
                        sample = weighted_pick(p)
                    else:
                        sample = np.argmax(p)
                else:  # sampling_type == 1 default:
                    sample = weighted_pick(p)

                pred = chars[sample]
                ret += pred
                char = pred
            return ret

    return Model


class TextLoader:
    """``utils.py``'s ``TextLoader`` (its pickle and ``.npy`` caches left out)."""

    def __init__(self, data_dir, batch_size, seq_length, encoding='utf-8'):
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.seq_length = seq_length
        self.encoding = encoding

        input_file = os.path.join(data_dir, "input.txt")
        self.preprocess(input_file)
        self.create_batches()
        self.reset_batch_pointer()

    # preprocess data for the first time.
    def preprocess(self, input_file):
        with codecs.open(input_file, "r", encoding=self.encoding) as f:
            data = f.read()
        counter = collections.Counter(data)
        count_pairs = sorted(counter.items(), key=lambda x: -x[1])
        self.chars, _ = zip(*count_pairs)
        self.vocab_size = len(self.chars)
        self.vocab = dict(zip(self.chars, range(len(self.chars))))
        self.tensor = np.array(list(map(self.vocab.get, data)))

    # seperate the whole data into different batches.
    def create_batches(self):
        self.num_batches = int(self.tensor.size / (self.batch_size *
                                                   self.seq_length))

        # When the data (tensor) is too small,
        # let's give them a better error message
        if self.num_batches == 0:
            assert False, "Not enough data. Make seq_length and batch_size small."  # noqa: B011

        # reshape the original data into the length self.num_batches * self.batch_size *
        # self.seq_length for convenience.
        self.tensor = self.tensor[:self.num_batches * self.batch_size * self.seq_length]
        xdata = self.tensor
        ydata = np.copy(self.tensor)

        # ydata is the xdata with one position shift.
        ydata[:-1] = xdata[1:]
        ydata[-1] = xdata[0]
        self.x_batches = np.split(xdata.reshape(self.batch_size, -1),
                                  self.num_batches, 1)
        self.y_batches = np.split(ydata.reshape(self.batch_size, -1),
                                  self.num_batches, 1)

    def next_batch(self):
        x, y = self.x_batches[self.pointer], self.y_batches[self.pointer]
        self.pointer += 1
        return x, y

    def reset_batch_pointer(self):
        self.pointer = 0


def main(tf):
    Model = _model_class(tf)
    root = tempfile.mkdtemp(prefix="char_rnn_")
    data_dir = os.path.join(root, "tinyshakespeare")
    os.makedirs(data_dir)
    with open(os.path.join(data_dir, "input.txt"), "w", encoding="utf-8") as f:
        f.write(TEXT)
    args = SimpleNamespace(data_dir=data_dir, save_dir=os.path.join(root, "save"),
                           log_dir=os.path.join(root, "logs"), save_every=1000,
                           init_from=None, model="lstm", rnn_size=16, num_layers=2,
                           seq_length=10, batch_size=4, num_epochs=2, grad_clip=5.,
                           learning_rate=0.002, decay_rate=0.97, output_keep_prob=1.0,
                           input_keep_prob=1.0)

    # train.py
    data_loader = TextLoader(args.data_dir, args.batch_size, args.seq_length)
    args.vocab_size = data_loader.vocab_size
    if not os.path.isdir(args.save_dir):
        os.makedirs(args.save_dir)
    saved_args = copy.copy(args)
    model = Model(args)
    losses = []
    with tf.Session() as sess:
        summaries = tf.summary.merge_all()
        writer = tf.summary.FileWriter(os.path.join(args.log_dir, "run"))
        writer.add_graph(sess.graph)

        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        saver = tf.train.Saver(tf.global_variables())
        for e in range(args.num_epochs):
            sess.run(tf.assign(model.lr,
                               args.learning_rate * (args.decay_rate ** e)))
            data_loader.reset_batch_pointer()
            state = sess.run(model.initial_state)
            for b in range(data_loader.num_batches):
                x, y = data_loader.next_batch()
                feed = {model.input_data: x, model.targets: y}
                for i, (c, h) in enumerate(model.initial_state):
                    feed[c] = state[i].c
                    feed[h] = state[i].h

                summ, train_loss, state, _ = sess.run(
                    [summaries, model.cost, model.final_state, model.train_op], feed)
                writer.add_summary(summ, e * data_loader.num_batches + b)
                losses.append(float(train_loss))
                if (e * data_loader.num_batches + b) % args.save_every == 0\
                        or (e == args.num_epochs-1 and
                            b == data_loader.num_batches-1):
                    checkpoint_path = os.path.join(args.save_dir, 'model.ckpt')
                    saver.save(sess, checkpoint_path,
                               global_step=e * data_loader.num_batches + b)
        final_lr = float(sess.run(model.lr))
        writer.close()

    # sample.py
    chars, vocab = data_loader.chars, data_loader.vocab
    with tf.Graph().as_default():
        model = Model(saved_args, training=False)
        with tf.Session() as sess:
            tf.global_variables_initializer().run()
            saver = tf.train.Saver(tf.global_variables())
            ckpt = tf.train.get_checkpoint_state(args.save_dir)
            if ckpt and ckpt.model_checkpoint_path:
                saver.restore(sess, ckpt.model_checkpoint_path)
                np.random.seed(0)
                text = model.sample(sess, chars, vocab, 40, "First ", 1)
            variables = sorted(v.op.name for v in tf.trainable_variables())
    return {"vocab_size": data_loader.vocab_size, "num_batches": data_loader.num_batches,
            "first_loss": losses[0], "last_loss": losses[-1],
            "mean_loss": float(np.mean(losses)), "sample": [text], "final_lr": final_lr,
            "variables": variables}
