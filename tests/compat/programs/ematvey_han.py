"""Eugene Matveev's Hierarchical Attention Networks (github.com/ematvey/
hierarchical-attention-networks, MIT: ``HAN_model.py``, ``model_components.py``,
``data_util.py`` and ``worker.py``'s training loop). ``HANClassifierModel`` as written:
an ``is_training`` placeholder, documents ``[document x sentence x word]`` split by
``tf.unstack(tf.shape(inputs))``, an ``xavier_initializer`` embedding, the word level as
``document*sentence`` sequences through ``bidirectional_rnn`` (``bidirectional_dynamic_rnn``
with ``swap_memory`` and a ``scope`` object, the final states concatenated by
``concatenate_state``), ``task_specific_attention`` (a context vector by ``get_variable``,
``tf.contrib.layers.fully_connected`` projection with ``tanh`` in the same scope,
``reduce_sum(..., keep_dims=True)`` scores, ``tf.nn.softmax(dim=1)``), ``layers.dropout``
driven by the placeholder, the sentence level likewise, a ``fully_connected`` classifier;
weighted sparse softmax cross entropy, ``in_top_k`` accuracy, ``clip_by_global_norm`` of
``tf.gradients``, Adam with a named ``apply_gradients``, merged summaries;
``get_feed_data`` with ``data_util.batch`` padding. As in the file's own ``__main__``, one
``GRUCell`` object serves as both the forward and the backward cell of a level (so both
directions share its weights). ``worker.py``: class weights from label counts,
``batch_iterator``, the training ``s.run`` of step, summaries, loss, accuracy and train op
with a ``FileWriter``; ``ev`` predictions with ``is_training=False``.

Adapted: the Yelp reviews (spaCy-tokenized, pickled) are replaced by generated documents
of 2-4 sentences of 2-6 word ids whose class follows a few marker words; ``pandas`` in
the class weights is replaced by the same arithmetic on a ``Counter``; the word / sentence
cells are ``GRUCell(8)`` (``worker.py``'s commented-out choice, smaller) instead of 5
batch-normalized LSTM layers (``bn_lstm.py``); sizes cut (embedding 8, outputs 8, batch
8, 6 steps); ``dropout_keep_proba=1.0`` (the masks are backend-specific); no tqdm,
timing or prints; same starting weights (the 1-D attention context vectors a seeded
draw). ``tf.contrib.layers`` / ``tf.contrib.rnn`` are trainkit's under trainkit and
tf_slim's / ``tf.nn.rnn_cell``'s under TF 2.21 (see ``tf_contrib.py``)."""

from __future__ import annotations

import os
import tempfile
from collections import Counter

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib as get_contrib

COMPARE = {"first_loss": 1e-4, "loss": 1e-3, "accuracy": 1e-6, "predictions": 0.0,
           "global_step": 0.0, "logits_demo": 1e-4}


def batch(inputs):
    batch_size = len(inputs)

    document_sizes = np.array([len(doc) for doc in inputs], dtype=np.int32)
    document_size = document_sizes.max()

    sentence_sizes_ = [[len(sent) for sent in doc] for doc in inputs]
    sentence_size = max(map(max, sentence_sizes_))

    b = np.zeros(shape=[batch_size, document_size, sentence_size], dtype=np.int32)  # == PAD

    sentence_sizes = np.zeros(shape=[batch_size, document_size], dtype=np.int32)
    for i, document in enumerate(inputs):
        for j, sentence in enumerate(document):
            sentence_sizes[i, j] = sentence_sizes_[i][j]
            for k, word in enumerate(sentence):
                b[i, j, k] = word

    return b, document_sizes, sentence_sizes


def make_model(tf):
    """``model_components.py`` and ``HAN_model.py``."""
    layers = get_contrib(tf).layers
    LSTMStateTuple = tf.nn.rnn_cell.LSTMStateTuple

    def bidirectional_rnn(cell_fw, cell_bw, inputs_embedded, input_lengths,
                          scope=None):
        """Bidirecional RNN with concatenated outputs and states"""
        with tf.variable_scope(scope or "birnn") as scope:
            ((fw_outputs,
              bw_outputs),
             (fw_state,
              bw_state)) = (
                tf.nn.bidirectional_dynamic_rnn(cell_fw=cell_fw,
                                                cell_bw=cell_bw,
                                                inputs=inputs_embedded,
                                                sequence_length=input_lengths,
                                                dtype=tf.float32,
                                                swap_memory=True,
                                                scope=scope))
            outputs = tf.concat((fw_outputs, bw_outputs), 2)

            def concatenate_state(fw_state, bw_state):
                if isinstance(fw_state, LSTMStateTuple):
                    state_c = tf.concat(
                        (fw_state.c, bw_state.c), 1, name='bidirectional_concat_c')
                    state_h = tf.concat(
                        (fw_state.h, bw_state.h), 1, name='bidirectional_concat_h')
                    state = LSTMStateTuple(c=state_c, h=state_h)
                    return state
                elif isinstance(fw_state, tf.Tensor):
                    state = tf.concat((fw_state, bw_state), 1,
                                      name='bidirectional_concat')
                    return state
                elif (isinstance(fw_state, tuple) and
                        isinstance(bw_state, tuple) and
                        len(fw_state) == len(bw_state)):
                    # multilayer
                    state = tuple(concatenate_state(fw, bw)
                                  for fw, bw in zip(fw_state, bw_state))
                    return state

                else:
                    raise ValueError(
                        f'unknown state type: {(fw_state, bw_state)}')

            state = concatenate_state(fw_state, bw_state)
            return outputs, state

    def task_specific_attention(inputs, output_size,
                                initializer=layers.xavier_initializer(),
                                activation_fn=tf.tanh, scope=None):
        assert len(inputs.get_shape()) == 3 and inputs.get_shape()[-1].value is not None

        with tf.variable_scope(scope or 'attention') as scope:
            attention_context_vector = tf.get_variable(name='attention_context_vector',
                                                       shape=[output_size],
                                                       initializer=initializer,
                                                       dtype=tf.float32)
            input_projection = layers.fully_connected(inputs, output_size,
                                                      activation_fn=activation_fn,
                                                      scope=scope)

            vector_attn = tf.reduce_sum(tf.multiply(input_projection, attention_context_vector),
                                        axis=2, keep_dims=True)
            attention_weights = tf.nn.softmax(vector_attn, dim=1)
            weighted_projection = tf.multiply(input_projection, attention_weights)

            outputs = tf.reduce_sum(weighted_projection, axis=1)

            return outputs

    class HANClassifierModel:
        def __init__(self,
                     vocab_size,
                     embedding_size,
                     classes,
                     word_cell,
                     sentence_cell,
                     word_output_size,
                     sentence_output_size,
                     max_grad_norm,
                     dropout_keep_proba,
                     is_training=None,
                     learning_rate=1e-4,
                     device='/cpu:0',
                     scope=None):
            self.vocab_size = vocab_size
            self.embedding_size = embedding_size
            self.classes = classes
            self.word_cell = word_cell
            self.word_output_size = word_output_size
            self.sentence_cell = sentence_cell
            self.sentence_output_size = sentence_output_size
            self.max_grad_norm = max_grad_norm
            self.dropout_keep_proba = dropout_keep_proba

            with tf.variable_scope(scope or 'tcm') as scope:
                self.global_step = tf.Variable(0, name='global_step', trainable=False)

                if is_training is not None:
                    self.is_training = is_training
                else:
                    self.is_training = tf.placeholder(dtype=tf.bool, name='is_training')

                self.sample_weights = tf.placeholder(shape=(None,), dtype=tf.float32,
                                                     name='sample_weights')

                # [document x sentence x word]
                self.inputs = tf.placeholder(shape=(None, None, None), dtype=tf.int32,
                                             name='inputs')

                # [document x sentence]
                self.word_lengths = tf.placeholder(shape=(None, None), dtype=tf.int32,
                                                   name='word_lengths')

                # [document]
                self.sentence_lengths = tf.placeholder(shape=(None,), dtype=tf.int32,
                                                       name='sentence_lengths')

                # [document]
                self.labels = tf.placeholder(shape=(None,), dtype=tf.int32, name='labels')

                (self.document_size,
                    self.sentence_size,
                    self.word_size) = tf.unstack(tf.shape(self.inputs))

                self._init_embedding(scope)

                # embeddings cannot be placed on GPU
                with tf.device(device):
                    self._init_body(scope)

            with tf.variable_scope('train'):
                self.cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=self.labels, logits=self.logits)

                self.loss = tf.reduce_mean(tf.multiply(self.cross_entropy, self.sample_weights))
                tf.summary.scalar('loss', self.loss)

                self.accuracy = tf.reduce_mean(tf.cast(tf.nn.in_top_k(self.logits, self.labels,
                                                                      1), tf.float32))
                tf.summary.scalar('accuracy', self.accuracy)

                tvars = tf.trainable_variables()

                grads, global_norm = tf.clip_by_global_norm(
                    tf.gradients(self.loss, tvars),
                    self.max_grad_norm)
                tf.summary.scalar('global_grad_norm', global_norm)

                opt = tf.train.AdamOptimizer(learning_rate)

                self.train_op = opt.apply_gradients(
                    zip(grads, tvars), name='train_op',
                    global_step=self.global_step)

                self.summary_op = tf.summary.merge_all()

        def _init_embedding(self, scope):
            with tf.variable_scope(scope):
                with tf.variable_scope("embedding") as scope:
                    self.embedding_matrix = tf.get_variable(
                        name="embedding_matrix",
                        shape=[self.vocab_size, self.embedding_size],
                        initializer=layers.xavier_initializer(),
                        dtype=tf.float32)
                    self.inputs_embedded = tf.nn.embedding_lookup(
                        self.embedding_matrix, self.inputs)

        def _init_body(self, scope):
            with tf.variable_scope(scope):

                word_level_inputs = tf.reshape(self.inputs_embedded, [
                    self.document_size * self.sentence_size,
                    self.word_size,
                    self.embedding_size
                ])
                word_level_lengths = tf.reshape(
                    self.word_lengths, [self.document_size * self.sentence_size])

                with tf.variable_scope('word') as scope:
                    word_encoder_output, _ = bidirectional_rnn(
                        self.word_cell, self.word_cell,
                        word_level_inputs, word_level_lengths,
                        scope=scope)

                    with tf.variable_scope('attention') as scope:
                        word_level_output = task_specific_attention(
                            word_encoder_output,
                            self.word_output_size,
                            scope=scope)

                    with tf.variable_scope('dropout'):
                        word_level_output = layers.dropout(
                            word_level_output, keep_prob=self.dropout_keep_proba,
                            is_training=self.is_training,
                        )

                # sentence_level

                sentence_inputs = tf.reshape(
                    word_level_output, [self.document_size, self.sentence_size,
                                        self.word_output_size])

                with tf.variable_scope('sentence') as scope:
                    sentence_encoder_output, _ = bidirectional_rnn(
                        self.sentence_cell, self.sentence_cell, sentence_inputs,
                        self.sentence_lengths, scope=scope)

                    with tf.variable_scope('attention') as scope:
                        sentence_level_output = task_specific_attention(
                            sentence_encoder_output, self.sentence_output_size, scope=scope)

                    with tf.variable_scope('dropout'):
                        sentence_level_output = layers.dropout(
                            sentence_level_output, keep_prob=self.dropout_keep_proba,
                            is_training=self.is_training,
                        )

                with tf.variable_scope('classifier'):
                    self.logits = layers.fully_connected(
                        sentence_level_output, self.classes, activation_fn=None)

                    self.prediction = tf.argmax(self.logits, axis=-1)

        def get_feed_data(self, x, y=None, class_weights=None, is_training=True):
            x_m, doc_sizes, sent_sizes = batch(x)
            fd = {
                self.inputs: x_m,
                self.sentence_lengths: doc_sizes,
                self.word_lengths: sent_sizes,
            }
            if y is not None:
                fd[self.labels] = y
                if class_weights is not None:
                    fd[self.sample_weights] = [class_weights[yy] for yy in y]
                else:
                    fd[self.sample_weights] = np.ones(shape=[len(x_m)], dtype=np.float32)
            fd[self.is_training] = is_training
            return fd

    return HANClassifierModel


def make_dataset(rng, n, vocab_size):
    """(document, label) pairs: sentences of word ids 1..vocab_size-1; label 1 when the
    marker words 1-3 outnumber the markers 4-6."""
    data = []
    for _ in range(n):
        doc = [rng.randint(1, vocab_size, rng.randint(2, 7)).tolist()
               for _ in range(rng.randint(2, 5))]
        words = [w for s in doc for w in s]
        label = int(sum(w <= 3 for w in words) > sum(4 <= w <= 6 for w in words))
        data.append((doc, label))
    return data


def batch_iterator(dataset, batch_size, max_epochs):
    for _i in range(max_epochs):
        xb = []
        yb = []
        for ex in dataset:
            x, y = ex
            xb.append(x)
            yb.append(y)
            if len(xb) == batch_size:
                yield xb, yb
                xb, yb = [], []


def main(tf):
    GRUCell = get_contrib(tf).rnn.GRUCell
    HANClassifierModel = make_model(tf)
    tflog_dir = os.path.join(tempfile.mkdtemp(prefix="ematvey_han_"), "tflog")
    vocab_size, batch_size = 20, 8
    trainset = make_dataset(np.random.RandomState(0), 24, vocab_size)
    testset = make_dataset(np.random.RandomState(1), 8, vocab_size)

    counts = Counter([label for _, label in trainset])
    mean = sum(counts.values()) / len(counts)
    class_weights = {k: 1 / (v / mean) for k, v in counts.items()}

    is_training = tf.placeholder(dtype=tf.bool, name='is_training')
    model = HANClassifierModel(
        vocab_size=vocab_size,
        embedding_size=8,
        classes=2,
        word_cell=GRUCell(8),
        sentence_cell=GRUCell(8),
        word_output_size=8,
        sentence_output_size=8,
        learning_rate=0.01,
        max_grad_norm=5.0,
        dropout_keep_proba=1.0,
        is_training=is_training,
    )
    losses = []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        same_start(s, tf)
        rng = np.random.RandomState(2)
        for v in tf.trainable_variables():
            if v.name.endswith("attention_context_vector:0"):
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), s)

        # HAN_model.py's __main__ batch (is_training False), before any training
        fd = {
            model.is_training: False,
            model.inputs: [[
                [5, 4, 1, 0],
                [3, 3, 6, 7],
                [6, 7, 0, 0]
            ],
                [
                [2, 2, 1, 0],
                [3, 3, 6, 7],
                [0, 0, 0, 0]
            ]],
            model.word_lengths: [
                [3, 4, 2],
                [3, 4, 0],
            ],
            model.sentence_lengths: [3, 2],
            model.labels: [0, 1],
        }
        logits_demo = s.run(model.logits, fd)

        summary_writer = tf.summary.FileWriter(tflog_dir, graph=tf.get_default_graph())
        for x, y in batch_iterator(trainset, batch_size, 2):
            fd = model.get_feed_data(x, y, class_weights=class_weights)
            step, summaries, loss, accuracy, _ = s.run([
                model.global_step,
                model.summary_op,
                model.loss,
                model.accuracy,
                model.train_op,
            ], fd)
            losses.append(float(loss))
            summary_writer.add_summary(summaries, global_step=step)
        predictions = []
        for x, _y in batch_iterator(testset, batch_size, 1):
            predictions.extend(s.run(model.prediction,
                                     model.get_feed_data(x, is_training=False)).tolist())
        step = s.run(model.global_step)
    return {"first_loss": losses[0], "loss": losses[-1], "accuracy": float(accuracy),
            "predictions": [int(p) for p in predictions], "global_step": int(step),
            "logits_demo": float(np.abs(logits_demo).sum())}
