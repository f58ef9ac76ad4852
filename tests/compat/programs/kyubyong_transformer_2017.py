"""Kyubyong Park's first Transformer (github.com/Kyubyong/transformer as of Jan. 2019,
commit ed2deb8, the June 2017 code: ``modules.py``, ``train.py``, ``eval.py``,
``data_load.py``, ``hyperparams.py``). ``modules.py`` as written: ``normalize`` (layer
norm from ``tf.nn.moments`` with ``tf.Variable(tf.zeros(params_shape))`` of a
``TensorShape``), ``embedding`` (``xavier_initializer`` lookup table, zero-padded row 0,
scaled by sqrt(units)), ``multihead_attention`` (ReLU ``tf.layers.dense`` projections, key
masks from ``tf.sign(tf.reduce_sum(tf.abs(keys), -1))`` and ``tf.where`` with
``-2**32+1`` paddings, the ``LinearOperatorLowerTriangular`` causal mask, query masks,
``tf.layers.dropout(training=tf.convert_to_tensor(is_training))``, residual + norm),
``feedforward`` as two kernel-1 ``tf.layers.conv1d`` layers, ``label_smoothing``.
``train.py``'s ``Graph`` in its own ``tf.Graph``: learned positional embeddings
(``sinusoid=False``, the default), the decoder input shifted in with ``<S>`` id 2,
``tf.arg_max`` predictions, accuracy and smoothed ``softmax_cross_entropy_with_logits``
over the non-padding targets, Adam (beta2 0.98) on a ``global_step`` variable, merged
summaries; training under ``tf.train.Supervisor(graph=..., logdir=...,
save_model_secs=0)`` with ``managed_session``, ``sv.should_stop()`` and a
``sv.saver.save`` per epoch; ``eval.py``: the inference ``Graph(is_training=False)``
(placeholders), a plain ``Supervisor()`` whose ``saver`` restores
``tf.train.latest_checkpoint``, the model name read from the ``checkpoint`` file, and
autoregressive decoding feeding the predictions back one position at a time.

Adapted: the IWSLT 2016 de-en files and vocabularies are generated (in a temporary
directory): 2-4 word German sentences of 12 words (two of them rarer than ``min_cnt``,
so they become ``<UNK>``) and their word-by-word English translation; ``regex``'s
``[^\\s\\p{Latin}']`` is ``re``'s ``[^\\s\\w']`` (no ``regex`` package here); the
queue input keeps ``slice_input_producer`` but with ``shuffle=False`` and
``tf.train.batch(num_threads=1)`` instead of an 8-thread ``shuffle_batch`` (their order is
backend- and thread-specific); no dropout (rate 0); the summary service off
(``save_summaries_secs=0``: its thread would dequeue batches at times the scheduler
picks); a tiny model (32 units, 1 block, 4 heads, maxlen 6, batch 16, 2 epochs of 4
batches, lr 0.005); no BLEU (nltk); same starting weights (``init_fn``); where TF has no
``tf.contrib``, ``xavier_initializer`` is ``glorot_uniform_initializer`` (the same
distribution; overwritten anyway). The original ``modules.py`` forgot ``import numpy``
(only its unused sinusoid branch needs it)."""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "loss": 2e-3, "acc": 2e-3, "global_step": 0.0,
           "hypotheses": 0.0, "mname": 0.0, "vocab_sizes": 0.0}

GERMAN = ["ich", "du", "er", "sie", "wir", "ihr", "haus", "baum", "hund", "katze", "buch",
          "auto"]
ENGLISH = ["i", "you", "he", "she", "we", "they", "house", "tree", "dog", "cat", "book",
           "car"]


def make_modules(tf):
    """``modules.py`` (closed over ``tf``)."""
    if hasattr(tf, "contrib"):
        xavier_initializer = tf.contrib.layers.xavier_initializer
    else:
        xavier_initializer = tf.glorot_uniform_initializer

    def normalize(inputs,
                  epsilon=1e-8,
                  scope="ln",
                  reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            inputs_shape = inputs.get_shape()
            params_shape = inputs_shape[-1:]

            mean, variance = tf.nn.moments(inputs, [-1], keep_dims=True)
            beta = tf.Variable(tf.zeros(params_shape))
            gamma = tf.Variable(tf.ones(params_shape))
            normalized = (inputs - mean) / ((variance + epsilon) ** (.5))
            outputs = gamma * normalized + beta

        return outputs

    def embedding(inputs,
                  vocab_size,
                  num_units,
                  zero_pad=True,
                  scale=True,
                  scope="embedding",
                  reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            lookup_table = tf.get_variable('lookup_table',
                                           dtype=tf.float32,
                                           shape=[vocab_size, num_units],
                                           initializer=xavier_initializer())
            if zero_pad:
                lookup_table = tf.concat((tf.zeros(shape=[1, num_units]),
                                          lookup_table[1:, :]), 0)
            outputs = tf.nn.embedding_lookup(lookup_table, inputs)

            if scale:
                outputs = outputs * (num_units ** 0.5)

        return outputs

    def multihead_attention(queries,
                            keys,
                            num_units=None,
                            num_heads=8,
                            dropout_rate=0,
                            is_training=True,
                            causality=False,
                            scope="multihead_attention",
                            reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            # Set the fall back option for num_units
            if num_units is None:
                num_units = queries.get_shape().as_list()[-1]

            # Linear projections
            Q = tf.layers.dense(queries, num_units, activation=tf.nn.relu)  # (N, T_q, C)
            K = tf.layers.dense(keys, num_units, activation=tf.nn.relu)  # (N, T_k, C)
            V = tf.layers.dense(keys, num_units, activation=tf.nn.relu)  # (N, T_k, C)

            # Split and concat
            Q_ = tf.concat(tf.split(Q, num_heads, axis=2), axis=0)  # (h*N, T_q, C/h)
            K_ = tf.concat(tf.split(K, num_heads, axis=2), axis=0)  # (h*N, T_k, C/h)
            V_ = tf.concat(tf.split(V, num_heads, axis=2), axis=0)  # (h*N, T_k, C/h)

            # Multiplication
            outputs = tf.matmul(Q_, tf.transpose(K_, [0, 2, 1]))  # (h*N, T_q, T_k)

            # Scale
            outputs = outputs / (K_.get_shape().as_list()[-1] ** 0.5)

            # Key Masking
            key_masks = tf.sign(tf.reduce_sum(tf.abs(keys), axis=-1))  # (N, T_k)
            key_masks = tf.tile(key_masks, [num_heads, 1])  # (h*N, T_k)
            key_masks = tf.tile(tf.expand_dims(key_masks, 1),
                                [1, tf.shape(queries)[1], 1])  # (h*N, T_q, T_k)

            paddings = tf.ones_like(outputs) * (-2**32 + 1)
            outputs = tf.where(tf.equal(key_masks, 0), paddings, outputs)  # (h*N, T_q, T_k)

            # Causality = Future blinding
            if causality:
                diag_vals = tf.ones_like(outputs[0, :, :])  # (T_q, T_k)
                tril = tf.linalg.LinearOperatorLowerTriangular(diag_vals).to_dense()
                masks = tf.tile(tf.expand_dims(tril, 0),
                                [tf.shape(outputs)[0], 1, 1])  # (h*N, T_q, T_k)

                paddings = tf.ones_like(masks) * (-2**32 + 1)
                outputs = tf.where(tf.equal(masks, 0), paddings, outputs)  # (h*N, T_q, T_k)

            # Activation
            outputs = tf.nn.softmax(outputs)  # (h*N, T_q, T_k)

            # Query Masking
            query_masks = tf.sign(tf.reduce_sum(tf.abs(queries), axis=-1))  # (N, T_q)
            query_masks = tf.tile(query_masks, [num_heads, 1])  # (h*N, T_q)
            query_masks = tf.tile(tf.expand_dims(query_masks, -1),
                                  [1, 1, tf.shape(keys)[1]])  # (h*N, T_q, T_k)
            outputs *= query_masks  # broadcasting. (N, T_q, C)

            # Dropouts
            outputs = tf.layers.dropout(outputs, rate=dropout_rate,
                                        training=tf.convert_to_tensor(is_training))

            # Weighted sum
            outputs = tf.matmul(outputs, V_)  # ( h*N, T_q, C/h)

            # Restore shape
            outputs = tf.concat(tf.split(outputs, num_heads, axis=0), axis=2)  # (N, T_q, C)

            # Residual connection
            outputs += queries

            # Normalize
            outputs = normalize(outputs)  # (N, T_q, C)

        return outputs

    def feedforward(inputs,
                    num_units=(2048, 512),
                    scope="multihead_attention",
                    reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            # Inner layer
            params = {"inputs": inputs, "filters": num_units[0], "kernel_size": 1,
                      "activation": tf.nn.relu, "use_bias": True}
            outputs = tf.layers.conv1d(**params)

            # Readout layer
            params = {"inputs": outputs, "filters": num_units[1], "kernel_size": 1,
                      "activation": None, "use_bias": True}
            outputs = tf.layers.conv1d(**params)

            # Residual connection
            outputs += inputs

            # Normalize
            outputs = normalize(outputs)

        return outputs

    def label_smoothing(inputs, epsilon=0.1):
        K = inputs.get_shape().as_list()[-1]  # number of channels
        return ((1 - epsilon) * inputs) + (epsilon / K)

    return SimpleNamespace(normalize=normalize, embedding=embedding,
                           multihead_attention=multihead_attention, feedforward=feedforward,
                           label_smoothing=label_smoothing)


def make_data_load(tf, hp):
    """``data_load.py`` (vocabulary paths from ``hp`` instead of ``preprocessed/``)."""

    def load_de_vocab():
        vocab = [line.split()[0] for line in
                 codecs.open(hp.de_vocab, 'r', 'utf-8').read().splitlines()
                 if int(line.split()[1]) >= hp.min_cnt]
        word2idx = {word: idx for idx, word in enumerate(vocab)}
        idx2word = {idx: word for idx, word in enumerate(vocab)}
        return word2idx, idx2word

    def load_en_vocab():
        vocab = [line.split()[0] for line in
                 codecs.open(hp.en_vocab, 'r', 'utf-8').read().splitlines()
                 if int(line.split()[1]) >= hp.min_cnt]
        word2idx = {word: idx for idx, word in enumerate(vocab)}
        idx2word = {idx: word for idx, word in enumerate(vocab)}
        return word2idx, idx2word

    def create_data(source_sents, target_sents):
        de2idx, idx2de = load_de_vocab()
        en2idx, idx2en = load_en_vocab()

        # Index
        x_list, y_list, Sources, Targets = [], [], [], []
        for source_sent, target_sent in zip(source_sents, target_sents):
            x = [de2idx.get(word, 1) for word in (source_sent + " </S>").split()]  # 1: OOV
            y = [en2idx.get(word, 1) for word in (target_sent + " </S>").split()]
            if max(len(x), len(y)) <= hp.maxlen:
                x_list.append(np.array(x))
                y_list.append(np.array(y))
                Sources.append(source_sent)
                Targets.append(target_sent)

        # Pad
        X = np.zeros([len(x_list), hp.maxlen], np.int32)
        Y = np.zeros([len(y_list), hp.maxlen], np.int32)
        for i, (x, y) in enumerate(zip(x_list, y_list)):
            X[i] = np.pad(x, [0, hp.maxlen - len(x)], 'constant', constant_values=(0, 0))
            Y[i] = np.pad(y, [0, hp.maxlen - len(y)], 'constant', constant_values=(0, 0))

        return X, Y, Sources, Targets

    def load_train_data():
        de_sents = [re.sub(r"[^\s\w']", "", line) for line in
                    codecs.open(hp.source_train, 'r', 'utf-8').read().split("\n")
                    if line and line[0] != "<"]
        en_sents = [re.sub(r"[^\s\w']", "", line) for line in
                    codecs.open(hp.target_train, 'r', 'utf-8').read().split("\n")
                    if line and line[0] != "<"]

        X, Y, Sources, Targets = create_data(de_sents, en_sents)
        return X, Y

    def load_test_data():
        def _refine(line):
            line = re.sub("<[^>]+>", "", line)
            line = re.sub(r"[^\s\w']", "", line)
            return line.strip()

        de_sents = [_refine(line) for line in
                    codecs.open(hp.source_test, 'r', 'utf-8').read().split("\n")
                    if line and line[:4] == "<seg"]
        en_sents = [_refine(line) for line in
                    codecs.open(hp.target_test, 'r', 'utf-8').read().split("\n")
                    if line and line[:4] == "<seg"]

        X, Y, Sources, Targets = create_data(de_sents, en_sents)
        return X, Sources, Targets

    def get_batch_data():
        # Load data
        X, Y = load_train_data()

        # calc total batch count
        num_batch = len(X) // hp.batch_size

        # Convert to tensor
        X = tf.convert_to_tensor(X, tf.int32)
        Y = tf.convert_to_tensor(Y, tf.int32)

        # Create Queues
        input_queues = tf.train.slice_input_producer([X, Y], shuffle=False)

        # create batch queues
        x, y = tf.train.batch(input_queues,
                              num_threads=1,
                              batch_size=hp.batch_size,
                              capacity=hp.batch_size * 64,
                              allow_smaller_final_batch=False)

        return x, y, num_batch  # (N, T), (N, T), ()

    return SimpleNamespace(load_de_vocab=load_de_vocab, load_en_vocab=load_en_vocab,
                           load_test_data=load_test_data, get_batch_data=get_batch_data)


def make_graph_class(tf, hp, modules, data_load):
    """``train.py``'s ``Graph``."""
    embedding, multihead_attention = modules.embedding, modules.multihead_attention
    feedforward, label_smoothing = modules.feedforward, modules.label_smoothing

    class Graph:
        def __init__(self, is_training=True):
            self.graph = tf.Graph()
            with self.graph.as_default():
                if is_training:
                    self.x, self.y, self.num_batch = data_load.get_batch_data()  # (N, T)
                else:  # inference
                    self.x = tf.placeholder(tf.int32, shape=(None, hp.maxlen))
                    self.y = tf.placeholder(tf.int32, shape=(None, hp.maxlen))

                # define decoder inputs
                self.decoder_inputs = tf.concat((tf.ones_like(self.y[:, :1]) * 2,
                                                 self.y[:, :-1]), -1)  # 2:<S>

                # Load vocabulary
                de2idx, idx2de = data_load.load_de_vocab()
                en2idx, idx2en = data_load.load_en_vocab()

                # Encoder
                with tf.variable_scope("encoder"):
                    # Embedding
                    self.enc = embedding(self.x,
                                         vocab_size=len(de2idx),
                                         num_units=hp.hidden_units,
                                         scale=True,
                                         scope="enc_embed")

                    key_masks = tf.expand_dims(tf.sign(tf.reduce_sum(tf.abs(self.enc),
                                                                     axis=-1)), -1)

                    # Positional Encoding (hp.sinusoid is False)
                    self.enc += embedding(
                        tf.tile(tf.expand_dims(tf.range(tf.shape(self.x)[1]), 0),
                                [tf.shape(self.x)[0], 1]),
                        vocab_size=hp.maxlen,
                        num_units=hp.hidden_units,
                        zero_pad=False,
                        scale=False,
                        scope="enc_pe")

                    self.enc *= key_masks

                    # Dropout
                    self.enc = tf.layers.dropout(self.enc,
                                                 rate=hp.dropout_rate,
                                                 training=tf.convert_to_tensor(is_training))

                    # Blocks
                    for i in range(hp.num_blocks):
                        with tf.variable_scope(f"num_blocks_{i}"):
                            # Multihead Attention
                            self.enc = multihead_attention(queries=self.enc,
                                                           keys=self.enc,
                                                           num_units=hp.hidden_units,
                                                           num_heads=hp.num_heads,
                                                           dropout_rate=hp.dropout_rate,
                                                           is_training=is_training,
                                                           causality=False)

                            # Feed Forward
                            self.enc = feedforward(self.enc, num_units=[4 * hp.hidden_units,
                                                                        hp.hidden_units])

                # Decoder
                with tf.variable_scope("decoder"):
                    # Embedding
                    self.dec = embedding(self.decoder_inputs,
                                         vocab_size=len(en2idx),
                                         num_units=hp.hidden_units,
                                         scale=True,
                                         scope="dec_embed")

                    key_masks = tf.expand_dims(tf.sign(tf.reduce_sum(tf.abs(self.dec),
                                                                     axis=-1)), -1)

                    # Positional Encoding (hp.sinusoid is False)
                    self.dec += embedding(
                        tf.tile(tf.expand_dims(tf.range(tf.shape(self.decoder_inputs)[1]), 0),
                                [tf.shape(self.decoder_inputs)[0], 1]),
                        vocab_size=hp.maxlen,
                        num_units=hp.hidden_units,
                        zero_pad=False,
                        scale=False,
                        scope="dec_pe")
                    self.dec *= key_masks

                    # Dropout
                    self.dec = tf.layers.dropout(self.dec,
                                                 rate=hp.dropout_rate,
                                                 training=tf.convert_to_tensor(is_training))

                    # Blocks
                    for i in range(hp.num_blocks):
                        with tf.variable_scope(f"num_blocks_{i}"):
                            # Multihead Attention ( self-attention)
                            self.dec = multihead_attention(queries=self.dec,
                                                           keys=self.dec,
                                                           num_units=hp.hidden_units,
                                                           num_heads=hp.num_heads,
                                                           dropout_rate=hp.dropout_rate,
                                                           is_training=is_training,
                                                           causality=True,
                                                           scope="self_attention")

                            # Multihead Attention ( vanilla attention)
                            self.dec = multihead_attention(queries=self.dec,
                                                           keys=self.enc,
                                                           num_units=hp.hidden_units,
                                                           num_heads=hp.num_heads,
                                                           dropout_rate=hp.dropout_rate,
                                                           is_training=is_training,
                                                           causality=False,
                                                           scope="vanilla_attention")

                            # Feed Forward
                            self.dec = feedforward(self.dec, num_units=[4 * hp.hidden_units,
                                                                        hp.hidden_units])

                # Final linear projection
                self.logits = tf.layers.dense(self.dec, len(en2idx))
                self.preds = tf.to_int32(tf.arg_max(self.logits, dimension=-1))
                self.istarget = tf.to_float(tf.not_equal(self.y, 0))
                self.acc = tf.reduce_sum(tf.to_float(tf.equal(self.preds, self.y))
                                         * self.istarget) / (tf.reduce_sum(self.istarget))
                tf.summary.scalar('acc', self.acc)

                if is_training:
                    # Loss
                    self.y_smoothed = label_smoothing(tf.one_hot(self.y, depth=len(en2idx)))
                    self.loss = tf.nn.softmax_cross_entropy_with_logits(
                        logits=self.logits, labels=self.y_smoothed)
                    self.mean_loss = (tf.reduce_sum(self.loss * self.istarget)
                                      / (tf.reduce_sum(self.istarget)))

                    # Training Scheme
                    self.global_step = tf.Variable(0, name='global_step', trainable=False)
                    self.optimizer = tf.train.AdamOptimizer(learning_rate=hp.lr, beta1=0.9,
                                                            beta2=0.98, epsilon=1e-8)
                    self.train_op = self.optimizer.minimize(self.mean_loss,
                                                            global_step=self.global_step)

                    # Summary
                    tf.summary.scalar('mean_loss', self.mean_loss)
                    self.merged = tf.summary.merge_all()

    return Graph


def write_files(root, rng):
    """IWSLT-shaped files: plain training lines (tag lines start with '<') and
    ``<seg>`` lines for testing; vocabularies with counts (the prepro.py layout)."""
    def sentences(n):
        pairs = []
        for _ in range(n):
            ids = rng.randint(0, len(GERMAN), rng.randint(2, 5))
            pairs.append((" ".join(GERMAN[i] for i in ids), " ".join(ENGLISH[i] for i in ids)))
        return pairs

    train, test = sentences(64), sentences(16)
    paths = {}
    for side, lang in ((0, "de"), (1, "en")):
        paths[f"train_{lang}"] = os.path.join(root, f"train.tags.de-en.{lang}")
        with open(paths[f"train_{lang}"], "w") as f:
            f.write("<url>http://example.org</url>\n")
            f.write("\n".join(p[side] for p in train) + "\n")
        paths[f"test_{lang}"] = os.path.join(root, f"IWSLT16.TED.tst2014.de-en.{lang}.xml")
        with open(paths[f"test_{lang}"], "w") as f:
            f.write('<doc docid="1">\n')
            f.write("\n".join(f'<seg id="{i}"> {p[side]}, </seg>'
                              for i, p in enumerate(test)) + "\n</doc>\n")
        words = GERMAN if lang == "de" else ENGLISH
        paths[f"{lang}_vocab"] = os.path.join(root, f"{lang}.vocab.tsv")
        with open(paths[f"{lang}_vocab"], "w") as f:
            f.write("".join(f"{w}\t1000000000\n" for w in ("<PAD>", "<UNK>", "<S>", "</S>")))
            # the last two words are rarer than min_cnt: <UNK>
            f.write("".join(f"{w}\t{50 - i if i < 10 else 3}\n" for i, w in enumerate(words)))
    return paths


def main(tf):
    root = tempfile.mkdtemp(prefix="kyubyong_transformer_2017_")
    paths = write_files(root, np.random.RandomState(0))
    hp = SimpleNamespace(source_train=paths["train_de"], target_train=paths["train_en"],
                         source_test=paths["test_de"], target_test=paths["test_en"],
                         de_vocab=paths["de_vocab"], en_vocab=paths["en_vocab"],
                         batch_size=16, lr=0.005, logdir=os.path.join(root, "logdir"),
                         maxlen=6, min_cnt=5, hidden_units=32, num_blocks=1, num_epochs=2,
                         num_heads=4, dropout_rate=0.0, sinusoid=False)
    modules = make_modules(tf)
    data_load = make_data_load(tf, hp)
    Graph = make_graph_class(tf, hp, modules, data_load)
    de2idx, idx2de = data_load.load_de_vocab()
    en2idx, idx2en = data_load.load_en_vocab()

    # train.py
    g = Graph("train")
    losses, accs = [], []
    with g.graph.as_default():
        sv = tf.train.Supervisor(graph=g.graph,
                                 logdir=hp.logdir,
                                 save_model_secs=0, save_summaries_secs=0,
                                 init_fn=lambda sess: same_start(sess, tf))
        with sv.managed_session() as sess:
            for epoch in range(1, hp.num_epochs + 1):
                if sv.should_stop():
                    break
                for _step in range(g.num_batch):
                    _, loss, acc = sess.run([g.train_op, g.mean_loss, g.acc])
                    losses.append(float(loss))
                    accs.append(float(acc))

                gs = sess.run(g.global_step)
                sv.saver.save(sess, hp.logdir + f'/model_epoch_{epoch:02d}_gs_{gs}')

    # eval.py
    g = Graph(is_training=False)
    X, Sources, Targets = data_load.load_test_data()
    hypotheses = []
    with g.graph.as_default():
        sv = tf.train.Supervisor()
        with sv.managed_session() as sess:
            # Restore parameters
            sv.saver.restore(sess, tf.train.latest_checkpoint(hp.logdir))

            # Get model name
            mname = open(hp.logdir + '/checkpoint').read().split('"')[1]  # model name

            for i in range(len(X) // hp.batch_size):
                # Get mini-batches
                x = X[i * hp.batch_size: (i + 1) * hp.batch_size]

                # Autoregressive inference
                preds = np.zeros((hp.batch_size, hp.maxlen), np.int32)
                for j in range(hp.maxlen):
                    _preds = sess.run(g.preds, {g.x: x, g.y: preds})
                    preds[:, j] = _preds[:, j]

                for pred in preds:  # sentence-wise
                    got = " ".join(idx2en[idx] for idx in pred).split("</S>")[0].strip()
                    hypotheses.append(got)
    return {"first_loss": losses[0], "loss": float(np.mean(losses[-4:])),
            "acc": float(np.mean(accs[-4:])), "global_step": int(gs),
            "hypotheses": hypotheses, "mname": [os.path.basename(mname)],
            "vocab_sizes": [len(de2idx), len(en2idx), len(X)]}
