"""A word-level seq2seq chatbot, trained, resumed and tested, from golbin's
"TensorFlow-Tutorials" (the book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials
at commit c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``10 - RNN/ChatBot``: ``dialog.py``,
``model.py``, ``train.py``, ``config.py``). ``Dialog`` tokenizes a dialog file with a regular
expression, builds and loads a vocabulary (the ids 0-3 are the integers themselves, so
``decode`` gives the integer 2 for an end mark and ``cut_eos`` finds it), and pads
reversed encoder inputs and ``_STA_``/``_EOS_`` decoder sequences one-hot with
``np.eye(vocab_size)[...]`` (``data_loop`` pairs each answer with the next line as well).
``Seq2Seq`` is a class with class-level ``logits = None`` and friends: ``tf.ones`` output
weights, an int ``global_step`` variable, two ``MultiRNNCell``s of three
``DropoutWrapper``-ed ``BasicLSTMCell(128)``s under ``tf.variable_scope('encode')`` /
``('decode')`` (the decoder's ``dynamic_rnn`` starts from the encoder's LSTM state tuples),
logits through ``tf.reshape(..., [-1, tf.shape(outputs)[1], vocab_size])``,
``AdamOptimizer(0.001).minimize(cost, global_step=...)``, ``tf.summary.scalar('cost',
cost)``, its own ``tf.train.Saver(tf.global_variables())``, a ``test`` method that builds
its accuracy ops when called, and ``write_logs`` calling ``tf.summary.merge_all()`` each
time and adding the summary at ``self.global_step.eval()``. ``train`` restores from
``tf.train.get_checkpoint_state(FLAGS.train_dir)`` when ``tf.train.checkpoint_exists``
(else initializes), writes logs every 100 steps and saves at the end; ``test`` restores the
checkpoint, runs ``model.test`` on a batch and decodes a ``random.randrange`` pick.

Run here as the author runs it from the command line: ``--voc_build``, then ``--train``
twice (the second resumes from the first one's checkpoint), then ``--test``, each in a
fresh graph.

Adapted: the repository's dialog (``data/chat.log``, from a novel) is replaced by a short
dialog written for this test, written to a temporary directory with the vocabulary,
checkpoints and logs; ``config.py``'s ``tf.app.flags`` are a plain namespace with its
defaults (``tf.app.flags`` are process-global, and ``app_flags.py`` covers them), but
``epoch`` is 100 for the first ``--train`` and 10 for the second instead of 1000;
``build_vocab`` sorts ``set(words)`` (a set of strings iterates in an order that changes
with each interpreter's hash seed); the ``DropoutWrapper``s' ``output_keep_prob`` is 1.0
instead of 0.5 (``_build_cells``' default, which no feed can switch off: a dropout mask is
drawn by each backend's own generator, and the model keeps it on in ``test`` too); the
LSTM kernels and the output ``weights`` start from ``same_start``'s draw. The output
weights too: with the program's ``tf.ones`` every class gets the same logit from the
LSTM outputs, so the gradient reaching the LSTMs is zero but for round-off, and Adam,
dividing by its square root, turns that round-off into full steps (from the ``tf.ones``
TF and trainkit agree for 8 steps, then part: 3 % apart in the loss after 100 steps; from
``same_start``'s draw they agree to 5e-7). ``random.seed(0)`` before ``test``'s pick; the
prints are returned instead.
"""

from __future__ import annotations

import glob
import math
import os
import random
import re
import shutil
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"logged": 0.0, "loss_1": 1e-5, "loss_2": 1e-5, "checkpoints": 0.0, "restored": 0.0,
           "accuracy": 1e-6, "reply": 0.0, "expect": 0.0, "input": 0.0, "vocab_size": 0.0,
           "cost_summaries": 0.0, "last_cost_summary": 1e-5}

CHAT_LOG = """hello.
hello! how are you?
fine, thanks.
what is that?
a book.
do you like it?
yes, very much!
me too.
"""


def main(tf):
    workdir = tempfile.mkdtemp()
    FLAGS = SimpleNamespace(
        train_dir=workdir + "/model", log_dir=workdir + "/logs", ckpt_name="conversation.ckpt",
        train=False, test=True, data_loop=True, batch_size=100, epoch=1000,
        data_path=workdir + "/data/chat.log", voc_path=workdir + "/data/chat.voc",
        voc_test=False, voc_build=False, max_decode_len=20)
    os.makedirs(workdir + "/data")
    with open(FLAGS.data_path, "w", encoding="utf-8") as f:
        f.write(CHAT_LOG)

    # ----- dialog.py -----
    class Dialog():  # noqa: UP039 - as written

        _PAD_ = "_PAD_"  # 빈칸 채우는 심볼
        _STA_ = "_STA_"  # 디코드 입력 시퀀스의 시작 심볼
        _EOS_ = "_EOS_"  # 디코드 입출력 시퀀스의 종료 심볼
        _UNK_ = "_UNK_"  # 사전에 없는 단어를 나타내는 심볼

        _PAD_ID_ = 0
        _STA_ID_ = 1
        _EOS_ID_ = 2
        _UNK_ID_ = 3
        _PRE_DEFINED_ = [_PAD_ID_, _STA_ID_, _EOS_ID_, _UNK_ID_]

        def __init__(self):
            self.vocab_list = []
            self.vocab_dict = {}
            self.vocab_size = 0
            self.examples = []

            self._index_in_epoch = 0

        def decode(self, indices, string=False):
            tokens = [[self.vocab_list[i] for i in dec] for dec in indices]

            if string:
                return self._decode_to_string(tokens[0])
            else:
                return tokens

        def _decode_to_string(self, tokens):
            text = ' '.join(tokens)
            return text.strip()

        def cut_eos(self, indices):
            eos_idx = indices.index(self._EOS_ID_)
            return indices[:eos_idx]

        def is_eos(self, voc_id):
            return voc_id == self._EOS_ID_

        def is_defined(self, voc_id):
            return voc_id in self._PRE_DEFINED_

        def _max_len(self, batch_set):
            max_len_input = 0
            max_len_output = 0

            for i in range(0, len(batch_set), 2):
                len_input = len(batch_set[i])
                len_output = len(batch_set[i+1])
                if len_input > max_len_input:
                    max_len_input = len_input
                if len_output > max_len_output:
                    max_len_output = len_output

            return max_len_input, max_len_output + 1

        def _pad(self, seq, max_len, start=None, eos=None):
            if start:
                padded_seq = [self._STA_ID_] + seq
            elif eos:
                padded_seq = seq + [self._EOS_ID_]
            else:
                padded_seq = seq

            if len(padded_seq) < max_len:
                return padded_seq + ([self._PAD_ID_] * (max_len - len(padded_seq)))
            else:
                return padded_seq

        def _pad_left(self, seq, max_len):
            if len(seq) < max_len:
                return ([self._PAD_ID_] * (max_len - len(seq))) + seq
            else:
                return seq

        def transform(self, input, output, input_max, output_max):  # noqa: A002 - as written
            enc_input = self._pad(input, input_max)
            dec_input = self._pad(output, output_max, start=True)
            target = self._pad(output, output_max, eos=True)

            # 구글 방식으로 입력을 인코더에 역순으로 입력한다.
            enc_input.reverse()

            enc_input = np.eye(self.vocab_size)[enc_input]
            dec_input = np.eye(self.vocab_size)[dec_input]

            return enc_input, dec_input, target

        def next_batch(self, batch_size):
            enc_input = []
            dec_input = []
            target = []

            start = self._index_in_epoch

            if self._index_in_epoch + batch_size < len(self.examples) - 1:
                self._index_in_epoch = self._index_in_epoch + batch_size
            else:
                self._index_in_epoch = 0

            batch_set = self.examples[start:start+batch_size]

            # 작은 데이터셋을 실험하기 위한 꼼수
            # 현재의 답변을 다음 질문의 질문으로 하고, 다음 질문을 답변으로 하여 데이터를 늘린다.
            if FLAGS.data_loop is True:
                batch_set = batch_set + batch_set[1:] + batch_set[0:1]

            # TODO: 구글처럼 버킷을 이용한 방식으로 변경
            # 간단하게 만들기 위해 구글처럼 버킷을 쓰지 않고
            # 같은 배치는 같은 사이즈를 사용하도록 만듬
            max_len_input, max_len_output = self._max_len(batch_set)

            for i in range(0, len(batch_set) - 1, 2):
                enc, dec, tar = self.transform(batch_set[i], batch_set[i+1],
                                               max_len_input, max_len_output)

                enc_input.append(enc)
                dec_input.append(dec)
                target.append(tar)

            return enc_input, dec_input, target

        def tokens_to_ids(self, tokens):
            ids = []

            for t in tokens:
                if t in self.vocab_dict:
                    ids.append(self.vocab_dict[t])
                else:
                    ids.append(self._UNK_ID_)

            return ids

        def ids_to_tokens(self, ids):
            tokens = []

            for i in ids:
                tokens.append(self.vocab_list[i])

            return tokens

        def load_examples(self, data_path):
            self.examples = []

            with open(data_path, 'r', encoding='utf-8') as content_file:  # noqa: UP015
                for line in content_file:
                    tokens = self.tokenizer(line.strip())
                    ids = self.tokens_to_ids(tokens)
                    self.examples.append(ids)

        def tokenizer(self, sentence):
            # 공백으로 나누고 특수문자는 따로 뽑아낸다.
            words = []
            _TOKEN_RE_ = re.compile("([.,!?\"':;)(])")

            for fragment in sentence.strip().split():
                words.extend(_TOKEN_RE_.split(fragment))

            return [w for w in words if w]

        def build_vocab(self, data_path, vocab_path):
            with open(data_path, 'r', encoding='utf-8') as content_file:  # noqa: UP015
                content = content_file.read()
                words = self.tokenizer(content)
                words = sorted(set(words))

            with open(vocab_path, 'w') as vocab_file:
                for w in words:
                    vocab_file.write(w + '\n')

        def load_vocab(self, vocab_path):
            self.vocab_list = self._PRE_DEFINED_ + []

            with open(vocab_path, 'r', encoding='utf-8') as vocab_file:  # noqa: UP015
                for line in vocab_file:
                    self.vocab_list.append(line.strip())

            # {'_PAD_': 0, '_STA_': 1, '_EOS_': 2, '_UNK_': 3, 'Hello': 4, 'World': 5, ...}
            self.vocab_dict = {n: i for i, n in enumerate(self.vocab_list)}
            self.vocab_size = len(self.vocab_list)

    # ----- model.py -----
    # Seq2Seq 기본 클래스
    class Seq2Seq:

        logits = None
        outputs = None
        cost = None
        train_op = None

        def __init__(self, vocab_size, n_hidden=128, n_layers=3):
            self.learning_late = 0.001

            self.vocab_size = vocab_size
            self.n_hidden = n_hidden
            self.n_layers = n_layers

            self.enc_input = tf.placeholder(tf.float32, [None, None, self.vocab_size])
            self.dec_input = tf.placeholder(tf.float32, [None, None, self.vocab_size])
            self.targets = tf.placeholder(tf.int64, [None, None])

            self.weights = tf.Variable(tf.ones([self.n_hidden, self.vocab_size]),
                                       name="weights")
            self.bias = tf.Variable(tf.zeros([self.vocab_size]), name="bias")
            self.global_step = tf.Variable(0, trainable=False, name="global_step")

            self._build_model()

            self.saver = tf.train.Saver(tf.global_variables())

        def _build_model(self):
            # self.enc_input = tf.transpose(self.enc_input, [1, 0, 2])
            # self.dec_input = tf.transpose(self.dec_input, [1, 0, 2])

            enc_cell, dec_cell = self._build_cells()

            with tf.variable_scope('encode'):
                outputs, enc_states = tf.nn.dynamic_rnn(enc_cell, self.enc_input,
                                                        dtype=tf.float32)

            with tf.variable_scope('decode'):
                outputs, dec_states = tf.nn.dynamic_rnn(dec_cell, self.dec_input,
                                                        dtype=tf.float32,
                                                        initial_state=enc_states)

            self.logits, self.cost, self.train_op = self._build_ops(outputs, self.targets)

            self.outputs = tf.argmax(self.logits, 2)

        def _cell(self, output_keep_prob):
            rnn_cell = tf.nn.rnn_cell.BasicLSTMCell(self.n_hidden)
            rnn_cell = tf.nn.rnn_cell.DropoutWrapper(rnn_cell,
                                                     output_keep_prob=output_keep_prob)
            return rnn_cell

        def _build_cells(self, output_keep_prob=1.0):
            enc_cell = tf.nn.rnn_cell.MultiRNNCell([self._cell(output_keep_prob)
                                                    for _ in range(self.n_layers)])
            dec_cell = tf.nn.rnn_cell.MultiRNNCell([self._cell(output_keep_prob)
                                                    for _ in range(self.n_layers)])

            return enc_cell, dec_cell

        def _build_ops(self, outputs, targets):
            time_steps = tf.shape(outputs)[1]
            outputs = tf.reshape(outputs, [-1, self.n_hidden])

            logits = tf.matmul(outputs, self.weights) + self.bias
            logits = tf.reshape(logits, [-1, time_steps, self.vocab_size])

            cost = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                logits=logits, labels=targets))
            train_op = tf.train.AdamOptimizer(learning_rate=self.learning_late).minimize(
                cost, global_step=self.global_step)

            tf.summary.scalar('cost', cost)

            return logits, cost, train_op

        def train(self, session, enc_input, dec_input, targets):
            return session.run([self.train_op, self.cost],
                               feed_dict={self.enc_input: enc_input,
                                          self.dec_input: dec_input,
                                          self.targets: targets})

        def test(self, session, enc_input, dec_input, targets):
            prediction_check = tf.equal(self.outputs, self.targets)
            accuracy = tf.reduce_mean(tf.cast(prediction_check, tf.float32))

            return session.run([self.targets, self.outputs, accuracy],
                               feed_dict={self.enc_input: enc_input,
                                          self.dec_input: dec_input,
                                          self.targets: targets})

        def predict(self, session, enc_input, dec_input):
            return session.run(self.outputs,
                               feed_dict={self.enc_input: enc_input,
                                          self.dec_input: dec_input})

        def write_logs(self, session, writer, enc_input, dec_input, targets):
            merged = tf.summary.merge_all()

            summary = session.run(merged, feed_dict={self.enc_input: enc_input,
                                                     self.dec_input: dec_input,
                                                     self.targets: targets})

            writer.add_summary(summary, self.global_step.eval())

    # ----- train.py -----
    result = {"logged": [], "losses": [], "restored": []}

    def train(dialog, batch_size=100, epoch=100):
        model = Seq2Seq(dialog.vocab_size)

        with tf.Session() as sess:
            ckpt = tf.train.get_checkpoint_state(FLAGS.train_dir)
            if ckpt and tf.train.checkpoint_exists(ckpt.model_checkpoint_path):
                result["restored"].append(os.path.basename(ckpt.model_checkpoint_path))
                model.saver.restore(sess, ckpt.model_checkpoint_path)
            else:
                result["restored"].append(None)
                sess.run(tf.global_variables_initializer())
                same_start(sess, tf, seed=17)

            writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)

            total_batch = int(math.ceil(len(dialog.examples)/float(batch_size)))

            for step in range(total_batch * epoch):
                enc_input, dec_input, targets = dialog.next_batch(batch_size)

                _, loss = model.train(sess, enc_input, dec_input, targets)

                if (step + 1) % 100 == 0:
                    model.write_logs(sess, writer, enc_input, dec_input, targets)

                    result["logged"].append(int(model.global_step.eval()))
            result["losses"].append(float(loss))

            checkpoint_path = os.path.join(FLAGS.train_dir, FLAGS.ckpt_name)
            model.saver.save(sess, checkpoint_path, global_step=model.global_step)
            writer.close()

    def test(dialog, batch_size=100):
        model = Seq2Seq(dialog.vocab_size)

        with tf.Session() as sess:
            ckpt = tf.train.get_checkpoint_state(FLAGS.train_dir)
            result["restored"].append(os.path.basename(ckpt.model_checkpoint_path))
            model.saver.restore(sess, ckpt.model_checkpoint_path)

            enc_input, dec_input, targets = dialog.next_batch(batch_size)

            expect, outputs, accuracy = model.test(sess, enc_input, dec_input, targets)

            expect = dialog.decode(expect)
            outputs = dialog.decode(outputs)

            pick = random.randrange(0, len(expect) / 2)
            input = dialog.decode([dialog.examples[pick * 2]], True)  # noqa: A001 - as written
            expect = dialog.decode([dialog.examples[pick * 2 + 1]], True)
            outputs = dialog.cut_eos(outputs[pick])

            result["accuracy"] = float(accuracy)
            result["input"] = [input]
            result["expect"] = [expect]
            result["reply"] = [' '.join(outputs)]

    def run(FLAGS):
        dialog = Dialog()

        if FLAGS.voc_build:
            dialog.build_vocab(FLAGS.data_path, FLAGS.voc_path)
            return

        dialog.load_vocab(FLAGS.voc_path)
        dialog.load_examples(FLAGS.data_path)
        result["vocab_size"] = [dialog.vocab_size]

        if FLAGS.train:
            train(dialog, batch_size=FLAGS.batch_size, epoch=FLAGS.epoch)
        elif FLAGS.test:
            test(dialog, batch_size=FLAGS.batch_size)

    run(SimpleNamespace(**{**vars(FLAGS), "voc_build": True}))
    for epoch in (100, 10):
        with tf.Graph().as_default():
            run(SimpleNamespace(**{**vars(FLAGS), "train": True, "epoch": epoch}))
    random.seed(0)
    with tf.Graph().as_default():
        run(FLAGS)

    checkpoints = sorted(os.path.basename(p)[:-len(".index")]
                         for p in glob.glob(FLAGS.train_dir + "/*.index"))
    cost_summaries, last_cost = [], None
    for path in sorted(glob.glob(FLAGS.log_dir + "/events.out.tfevents.*")):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "cost":
                    cost_summaries.append(int(event.step))
                    last_cost = value.simple_value
    shutil.rmtree(workdir, ignore_errors=True)
    losses = result.pop("losses")
    return {**result, "loss_1": losses[0], "loss_2": losses[1], "checkpoints": checkpoints,
            "cost_summaries": cost_summaries,
            "last_cost_summary": float(last_cost)}
