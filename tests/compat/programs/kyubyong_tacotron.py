"""Kyubyong Park's Tacotron (github.com/Kyubyong/tacotron, TF 1.x: ``modules.py``,
``networks.py``, ``train.py``, ``data_load.py``, ``utils.learning_rate_decay``).
``modules.py`` as written: zero-padded character ``embed``, ``bn`` through
``tf.contrib.layers.batch_norm(fused=True, updates_collections=None)`` on inputs expanded
to rank 4, ``conv1d`` (``tf.layers.conv1d`` with ``padding="SAME"``, ``reuse``),
``conv1d_banks`` (filters of width 1..K concatenated), ``gru`` (``GRUCell`` under
``dynamic_rnn`` or ``bidirectional_dynamic_rnn``), ``attention_decoder``: a
``BahdanauAttention`` over the encoder memory (no lengths) and
``AttentionWrapper(GRUCell, mechanism, num_units, alignment_history=True)`` run by
``tf.nn.dynamic_rnn``, ``prenet`` (dense + dropout twice), ``highwaynet``;
``networks.py``'s CBHG ``encoder`` (pre-net, conv banks, ``max_pooling1d``, conv
projections with batch norm, residual, highway nets, bidirectional GRU), ``decoder1``
(pre-net, attention decoder, ``alignment_history.stack()`` transposed for monitoring,
residual GRUs, mel projection) and the CBHG ``decoder2`` to linear magnitudes.
``train.py``'s ``Graph``: decoder inputs shifted by one frame (last ``n_mels`` of each
``r`` frames), L1 losses, Adam on the Noam ``learning_rate_decay``, ``clip_by_norm`` of
each gradient, scalar and image summaries; training under ``tf.train.Supervisor`` with
``managed_session``, a checkpoint and an alignment fetch every few steps.
``data_load.get_batch``: text ids through ``tf.convert_to_tensor`` of byte strings,
``slice_input_producer``, ``tf.decode_raw``, the ``hp.prepro`` branch's ``tf.py_func``
loading the mel / magnitude ``.npy`` files, ``set_shape``.

Adapted: LJSpeech is replaced by 8 generated utterances (texts of the original vocabulary
and ``.npy`` "spectrograms" of smooth random curves, in a temporary directory); the
16-thread shuffled ``bucket_by_sequence_length`` by ``tf.train.batch(dynamic_pad=True,
num_threads=1)`` over an unshuffled producer (their order is backend-specific; every
batch holds one longest utterance, so all batches have the same number of frames); the
``spectrogram2wav`` audio summary (librosa) and the alignment plots (matplotlib) left
out; a tiny model (embedding 16, banks of 3 / 2, 1 encoder highway block, 6 mels, 8
frequency bins, r 2, batch 4, 1 epoch of 2 batches), no dropout (rate 0), ``lr`` 1.0 in
the Noam schedule (4000 warm-up steps: the first rates are 2.5e-4 .. 1e-3), summary
service off (``save_summaries_secs=0``: its thread dequeues batches at times the
scheduler picks) and no ``logdir`` for the Supervisor (its ``graph.pbtxt`` text dump of
this 5,000-op graph alone takes trainkit 2 s of Python protobuf formatting; the
checkpoints go to the same directory by ``sv.saver.save``), a checkpoint every 2 steps
instead of 1000; same starting weights (the 1-D ``attention_v`` a seeded draw).
TF 2.21 has no ``tf.contrib``: there ``batch_norm`` is tf_slim's (TF 1.15's code) and
``GRUCell`` is ``tf.nn.rnn_cell``'s (see ``tf_contrib.py``), and the attention decoder is
written out from core ops with the same variable names, as contrib 1.15 defines it:
memory projected by ``memory_layer``; score ``v . tanh(keys + query_layer(cell
output))``, softmax; cell input ``concat([input, previous attention])``; attention
``attention_layer(concat([cell output, context]))``, unrolled over the (fixed) number of
decoder steps. So TF's reference numbers check trainkit's ``tf.contrib.seq2seq``
attention under ``dynamic_rnn`` against TF's core ops."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib as get_contrib

COMPARE = {"first_loss": 1e-4, "loss": 1e-3, "loss1": 1e-3, "alignments": 1e-4,
           "alignment_shape": 0.0, "global_step": 0.0, "checkpoints": 0.0}

N_UTTERANCES = 8
MAX_FRAMES = 10  # mel frames of the longest utterance (r frames reduced into one)


class Hyperparams:
    '''Hyper parameters'''
    vocab = "PE abcdefghijklmnopqrstuvwxyz'.?"  # P: Padding E: End of Sentence
    prepro = True
    data = ""
    n_fft = 14  # fft points (samples)
    n_mels = 6  # Number of Mel banks to generate
    embed_size = 16  # alias = E
    encoder_num_banks = 3
    decoder_num_banks = 2
    num_highwaynet_blocks = 1
    r = 2  # Reduction factor. Paper => 2, 3, 5
    dropout_rate = .0
    lr = 1.0  # Initial learning rate.
    logdir = ""
    batch_size = 4
    num_epochs = 1


def make_modules(tf, hp):
    """``modules.py`` (closed over ``tf`` and ``hp``)."""
    contrib = get_contrib(tf)

    def embed(inputs, vocab_size, num_units, zero_pad=True, scope="embedding", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            lookup_table = tf.get_variable('lookup_table',
                                           dtype=tf.float32,
                                           shape=[vocab_size, num_units],
                                           initializer=tf.truncated_normal_initializer(
                                               mean=0.0, stddev=0.01))
            if zero_pad:
                lookup_table = tf.concat((tf.zeros(shape=[1, num_units]),
                                          lookup_table[1:, :]), 0)
        return tf.nn.embedding_lookup(lookup_table, inputs)

    def bn(inputs,
           is_training=True,
           activation_fn=None,
           scope="bn",
           reuse=None):
        inputs_shape = inputs.get_shape()
        inputs_rank = inputs_shape.ndims

        # use fused batch norm if inputs_rank in [2, 3, 4] as it is much faster.
        # pay attention to the fact that fused_batch_norm requires shape to be rank 4 of NHWC.
        if inputs_rank in [2, 3, 4]:
            if inputs_rank == 2:
                inputs = tf.expand_dims(inputs, axis=1)
                inputs = tf.expand_dims(inputs, axis=2)
            elif inputs_rank == 3:
                inputs = tf.expand_dims(inputs, axis=1)

            outputs = contrib.layers.batch_norm(inputs=inputs,
                                                center=True,
                                                scale=True,
                                                updates_collections=None,
                                                is_training=is_training,
                                                scope=scope,
                                                fused=True,
                                                reuse=reuse)
            # restore original shape
            if inputs_rank == 2:
                outputs = tf.squeeze(outputs, axis=[1, 2])
            elif inputs_rank == 3:
                outputs = tf.squeeze(outputs, axis=1)
        else:  # fallback to naive batch norm
            outputs = contrib.layers.batch_norm(inputs=inputs,
                                                center=True,
                                                scale=True,
                                                updates_collections=None,
                                                is_training=is_training,
                                                scope=scope,
                                                reuse=reuse,
                                                fused=False)
        if activation_fn is not None:
            outputs = activation_fn(outputs)

        return outputs

    def conv1d(inputs,
               filters=None,
               size=1,
               rate=1,
               padding="SAME",
               use_bias=False,
               activation_fn=None,
               scope="conv1d",
               reuse=None):
        with tf.variable_scope(scope):
            if padding.lower() == "causal":
                # pre-padding for causality
                pad_len = (size - 1) * rate  # padding size
                inputs = tf.pad(inputs, [[0, 0], [pad_len, 0], [0, 0]])
                padding = "valid"

            if filters is None:
                filters = inputs.get_shape().as_list[-1]

            params = {"inputs": inputs, "filters": filters, "kernel_size": size,
                      "dilation_rate": rate, "padding": padding, "activation": activation_fn,
                      "use_bias": use_bias, "reuse": reuse}

            outputs = tf.layers.conv1d(**params)
        return outputs

    def conv1d_banks(inputs, K=16, is_training=True, scope="conv1d_banks", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            outputs = conv1d(inputs, hp.embed_size // 2, 1)  # k=1
            for k in range(2, K + 1):  # k = 2...K
                with tf.variable_scope(f"num_{k}"):
                    output = conv1d(inputs, hp.embed_size // 2, k)
                    outputs = tf.concat((outputs, output), -1)
            outputs = bn(outputs, is_training=is_training, activation_fn=tf.nn.relu)
        return outputs  # (N, T, Hp.embed_size//2*K)

    def gru(inputs, num_units=None, bidirection=False, scope="gru", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            if num_units is None:
                num_units = inputs.get_shape().as_list[-1]

            cell = contrib.rnn.GRUCell(num_units)
            if bidirection:
                cell_bw = contrib.rnn.GRUCell(num_units)
                outputs, _ = tf.nn.bidirectional_dynamic_rnn(cell, cell_bw, inputs,
                                                             dtype=tf.float32)
                return tf.concat(outputs, 2)
            else:
                outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
                return outputs

    def attention_decoder(inputs, memory, num_units=None, scope="attention_decoder",
                          reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            if num_units is None:
                num_units = inputs.get_shape().as_list[-1]

            if not hasattr(tf, "contrib"):
                return plain_attention_decoder(tf, inputs, memory, num_units)
            attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(num_units,
                                                                       memory)
            decoder_cell = tf.contrib.rnn.GRUCell(num_units)
            cell_with_attention = tf.contrib.seq2seq.AttentionWrapper(decoder_cell,
                                                                      attention_mechanism,
                                                                      num_units,
                                                                      alignment_history=True)
            outputs, state = tf.nn.dynamic_rnn(cell_with_attention, inputs,
                                               dtype=tf.float32)  # ( N, T', 16)

        return outputs, state

    def prenet(inputs, num_units=None, is_training=True, scope="prenet", reuse=None):
        if num_units is None:
            num_units = [hp.embed_size, hp.embed_size // 2]

        with tf.variable_scope(scope, reuse=reuse):
            outputs = tf.layers.dense(inputs, units=num_units[0], activation=tf.nn.relu,
                                      name="dense1")
            outputs = tf.layers.dropout(outputs, rate=hp.dropout_rate, training=is_training,
                                        name="dropout1")
            outputs = tf.layers.dense(outputs, units=num_units[1], activation=tf.nn.relu,
                                      name="dense2")
            outputs = tf.layers.dropout(outputs, rate=hp.dropout_rate, training=is_training,
                                        name="dropout2")
        return outputs  # (N, ..., num_units[1])

    def highwaynet(inputs, num_units=None, scope="highwaynet", reuse=None):
        if not num_units:
            num_units = inputs.get_shape()[-1]

        with tf.variable_scope(scope, reuse=reuse):
            H = tf.layers.dense(inputs, units=num_units, activation=tf.nn.relu, name="dense1")
            T = tf.layers.dense(inputs, units=num_units, activation=tf.nn.sigmoid,
                                bias_initializer=tf.constant_initializer(-1.0), name="dense2")
            outputs = H * T + inputs * (1. - T)
        return outputs

    return locals()


class _PlainAttentionState:
    """What the decoder needs of an ``AttentionWrapperState``: ``alignment_history``."""

    def __init__(self, alignments):
        self.alignment_history = _Stacked(alignments)


class _Stacked:
    def __init__(self, tensor):
        self._tensor = tensor

    def stack(self):
        return self._tensor


def plain_attention_decoder(tf, inputs, memory, num_units):
    """``AttentionWrapper(GRUCell, BahdanauAttention)`` under ``dynamic_rnn``, from core
    ops (TF 2 path; see the module docstring)."""
    keys = tf.layers.dense(memory, num_units, use_bias=False, name="memory_layer")
    batch = tf.shape(inputs)[0]
    cell = tf.nn.rnn_cell.GRUCell(num_units)
    state = tf.zeros([batch, num_units])
    attention = tf.zeros([batch, num_units])
    outputs, alignments = [], []
    with tf.variable_scope("rnn/attention_wrapper"):
        for t in range(MAX_FRAMES):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            cell_output, state = cell(tf.concat([inputs[:, t, :], attention], -1), state)
            with tf.variable_scope("bahdanau_attention"):
                processed = tf.expand_dims(tf.layers.dense(cell_output, num_units,
                                                           use_bias=False,
                                                           name="query_layer"), 1)
                v = tf.get_variable("attention_v", [num_units])
                score = tf.reduce_sum(v * tf.tanh(keys + processed), [2])
            align = tf.nn.softmax(score)
            context = tf.squeeze(tf.matmul(tf.expand_dims(align, 1), memory), [1])
            attention = tf.layers.dense(tf.concat([cell_output, context], 1), num_units,
                                        use_bias=False, name="attention_layer")
            outputs.append(attention)
            alignments.append(align)
    return tf.stack(outputs, 1), _PlainAttentionState(tf.stack(alignments))


def make_networks(tf, hp, m):
    """``networks.py``."""
    prenet, conv1d_banks, conv1d, bn = m["prenet"], m["conv1d_banks"], m["conv1d"], m["bn"]
    highwaynet, gru, attention_decoder = m["highwaynet"], m["gru"], m["attention_decoder"]

    def encoder(inputs, is_training=True, scope="encoder", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            # Encoder pre-net
            prenet_out = prenet(inputs, is_training=is_training)  # (N, T_x, E/2)

            # Encoder CBHG
            # Conv1D banks
            enc = conv1d_banks(prenet_out, K=hp.encoder_num_banks,
                               is_training=is_training)  # (N, T_x, K*E/2)

            # Max pooling
            enc = tf.layers.max_pooling1d(enc, pool_size=2, strides=1,
                                          padding="same")  # (N, T_x, K*E/2)

            # Conv1D projections
            enc = conv1d(enc, filters=hp.embed_size // 2, size=3, scope="conv1d_1")
            enc = bn(enc, is_training=is_training, activation_fn=tf.nn.relu, scope="conv1d_1")

            enc = conv1d(enc, filters=hp.embed_size // 2, size=3, scope="conv1d_2")
            enc = bn(enc, is_training=is_training, scope="conv1d_2")

            enc += prenet_out  # (N, T_x, E/2) # residual connections

            # Highway Nets
            for i in range(hp.num_highwaynet_blocks):
                enc = highwaynet(enc, num_units=hp.embed_size // 2,
                                 scope=f'highwaynet_{i}')  # (N, T_x, E/2)

            # Bidirectional GRU
            memory = gru(enc, num_units=hp.embed_size // 2, bidirection=True)  # (N, T_x, E)

        return memory

    def decoder1(inputs, memory, is_training=True, scope="decoder1", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            # Decoder pre-net
            inputs = prenet(inputs, is_training=is_training)  # (N, T_y/r, E/2)

            # Attention RNN
            dec, state = attention_decoder(inputs, memory, num_units=hp.embed_size)

            # for attention monitoring
            alignments = tf.transpose(state.alignment_history.stack(), [1, 2, 0])

            # Decoder RNNs
            dec += gru(dec, hp.embed_size, bidirection=False, scope="decoder_gru1")
            dec += gru(dec, hp.embed_size, bidirection=False, scope="decoder_gru2")

            # Outputs => (N, T_y/r, n_mels*r)
            mel_hats = tf.layers.dense(dec, hp.n_mels * hp.r)

        return mel_hats, alignments

    def decoder2(inputs, is_training=True, scope="decoder2", reuse=None):
        with tf.variable_scope(scope, reuse=reuse):
            # Restore shape -> (N, Ty, n_mels)
            inputs = tf.reshape(inputs, [tf.shape(inputs)[0], -1, hp.n_mels])

            # Conv1D bank
            dec = conv1d_banks(inputs, K=hp.decoder_num_banks,
                               is_training=is_training)  # (N, T_y, E*K/2)

            # Max pooling
            dec = tf.layers.max_pooling1d(dec, pool_size=2, strides=1,
                                          padding="same")  # (N, T_y, E*K/2)

            # Conv1D projections
            dec = conv1d(dec, filters=hp.embed_size // 2, size=3, scope="conv1d_1")
            dec = bn(dec, is_training=is_training, activation_fn=tf.nn.relu, scope="conv1d_1")

            dec = conv1d(dec, filters=hp.n_mels, size=3, scope="conv1d_2")  # (N, T_x, E/2)
            dec = bn(dec, is_training=is_training, scope="conv1d_2")

            # Extra affine transformation for dimensionality sync
            dec = tf.layers.dense(dec, hp.embed_size // 2)  # (N, T_y, E/2)

            # Highway Nets
            for i in range(4):
                dec = highwaynet(dec, num_units=hp.embed_size // 2,
                                 scope=f'highwaynet_{i}')  # (N, T_y, E/2)

            # Bidirectional GRU
            dec = gru(dec, hp.embed_size // 2, bidirection=True)  # (N, T_y, E)

            # Outputs => (N, T_y, 1+n_fft//2)
            outputs = tf.layers.dense(dec, 1 + hp.n_fft // 2)

        return outputs

    return encoder, decoder1, decoder2


def write_corpus(hp, rng):
    """``transcript.csv`` lines (fname|text|normalized text) and ``mels/``, ``mags/``
    ``.npy`` files; in each batch of ``hp.batch_size`` one utterance has ``MAX_FRAMES``."""
    os.makedirs(os.path.join(hp.data, "mels"))
    os.makedirs(os.path.join(hp.data, "mags"))
    lines = ["header|skipped|skipped"]
    letters = list("abcdefghijklmnopqrstuvwxyz")
    for i in range(N_UTTERANCES):
        fname = f"LJ001-{i:04d}"
        words = [''.join(rng.choice(letters, rng.randint(2, 5))) for _ in range(rng.randint(2, 4))]
        text = " ".join(words) + "."
        lines.append(f"{fname}|{text}|{text}")
        frames = MAX_FRAMES if i % hp.batch_size == 0 else int(rng.randint(4, MAX_FRAMES))
        t = np.linspace(0, 1, frames * hp.r)[:, None]
        mag = 0.5 + 0.4 * np.sin(2 * np.pi * (t * rng.uniform(0.5, 2) +
                                              np.linspace(0, 1, 1 + hp.n_fft // 2)))
        mel = mag[:, :hp.n_mels].reshape(frames, hp.n_mels * hp.r)
        np.save(os.path.join(hp.data, "mels", fname + ".npy"), mel.astype(np.float32))
        np.save(os.path.join(hp.data, "mags", fname + ".npy"), mag.astype(np.float32))
    with open(os.path.join(hp.data, "transcript.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")


def make_data_load(tf, hp):
    """``data_load.py``: ``load_vocab``, ``load_data`` (train mode), ``get_batch``."""
    import codecs
    import re

    def load_vocab():
        char2idx = {char: idx for idx, char in enumerate(hp.vocab)}
        idx2char = {idx: char for idx, char in enumerate(hp.vocab)}
        return char2idx, idx2char

    def text_normalize(text):
        text = text.lower()
        text = re.sub(f"[^{hp.vocab}]", " ", text)
        text = re.sub("[ ]+", " ", text)
        return text

    def load_data(mode="train"):
        char2idx, idx2char = load_vocab()

        fpaths, text_lengths, texts = [], [], []
        transcript = os.path.join(hp.data, 'transcript.csv')
        lines = codecs.open(transcript, 'r', 'utf-8').readlines()
        lines = lines[1:]

        for line in lines:
            fname, _, text = line.strip().split("|")

            fpath = os.path.join(hp.data, "wavs", fname + ".wav")
            fpaths.append(fpath)

            text = text_normalize(text) + "E"  # E: EOS
            text = [char2idx[char] for char in text]
            text_lengths.append(len(text))
            texts.append(np.array(text, np.int32).tobytes())

        return fpaths, text_lengths, texts

    def get_batch():
        """Loads training data and put them in queues"""
        with tf.device('/cpu:0'):
            fpaths, text_lengths, texts = load_data()  # list

            num_batch = len(fpaths) // hp.batch_size

            fpaths = tf.convert_to_tensor(fpaths)
            text_lengths = tf.convert_to_tensor(text_lengths)
            texts = tf.convert_to_tensor(texts)

            fpath, text_length, text = tf.train.slice_input_producer(
                [fpaths, text_lengths, texts], shuffle=False)

            text = tf.decode_raw(text, tf.int32)  # (None,)

            def _load_spectrograms(fpath):
                fname = os.path.basename(fpath.decode())
                mel = os.path.join(hp.data, "mels", fname.replace("wav", "npy"))
                mag = os.path.join(hp.data, "mags", fname.replace("wav", "npy"))
                return fname.encode(), np.load(mel), np.load(mag)

            fname, mel, mag = tf.py_func(_load_spectrograms, [fpath],
                                         [tf.string, tf.float32, tf.float32])

            fname.set_shape(())
            text.set_shape((None,))
            mel.set_shape((None, hp.n_mels * hp.r))
            mag.set_shape((None, hp.n_fft // 2 + 1))

            texts, mels, mags, fnames = tf.train.batch([text, mel, mag, fname],
                                                       batch_size=hp.batch_size,
                                                       num_threads=1,
                                                       capacity=hp.batch_size * 4,
                                                       dynamic_pad=True)

        return texts, mels, mags, fnames, num_batch

    return load_vocab, get_batch


def learning_rate_decay(tf, init_lr, global_step, warmup_steps=4000.):
    '''Noam scheme from tensor2tensor'''
    step = tf.cast(global_step + 1, dtype=tf.float32)
    return init_lr * warmup_steps ** 0.5 * tf.minimum(step * warmup_steps ** -1.5,
                                                      step ** -0.5)


def init_fn(sess, tf):
    """Same starting weights; the 1-D ``attention_v`` (random by default) a seeded draw."""
    same_start(sess, tf)
    rng = np.random.RandomState(1)
    for v in tf.trainable_variables():
        if v.name.endswith("attention_v:0"):
            v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)


def main(tf):
    hp = Hyperparams()
    hp.data = tempfile.mkdtemp(prefix="kyubyong_tacotron_")
    hp.logdir = os.path.join(hp.data, "logdir")
    write_corpus(hp, np.random.RandomState(0))
    m = make_modules(tf, hp)
    embed = m["embed"]
    encoder, decoder1, decoder2 = make_networks(tf, hp, m)
    load_vocab, get_batch = make_data_load(tf, hp)

    class Graph:
        def __init__(self, mode="train"):
            # Load vocabulary
            self.char2idx, self.idx2char = load_vocab()

            # Set phase
            is_training = True if mode == "train" else False

            # Data Feeding
            self.x, self.y, self.z, self.fnames, self.num_batch = get_batch()

            # Get encoder/decoder inputs
            self.encoder_inputs = embed(self.x, len(hp.vocab), hp.embed_size)  # (N, T_x, E)
            self.decoder_inputs = tf.concat((tf.zeros_like(self.y[:, :1, :]),
                                             self.y[:, :-1, :]), 1)  # (N, Ty/r, n_mels*r)
            # feed last frames only (N, Ty/r, n_mels)
            self.decoder_inputs = self.decoder_inputs[:, :, -hp.n_mels:]

            # Networks
            with tf.variable_scope("net"):
                # Encoder
                self.memory = encoder(self.encoder_inputs, is_training=is_training)

                # Decoder1
                self.y_hat, self.alignments = decoder1(self.decoder_inputs,
                                                       self.memory,
                                                       is_training=is_training)
                # Decoder2 or postprocessing
                self.z_hat = decoder2(self.y_hat, is_training=is_training)

            if mode in ("train", "eval"):
                # Loss
                self.loss1 = tf.reduce_mean(tf.abs(self.y_hat - self.y))
                self.loss2 = tf.reduce_mean(tf.abs(self.z_hat - self.z))
                self.loss = self.loss1 + self.loss2

                # Training Scheme
                self.global_step = tf.Variable(0, name='global_step', trainable=False)
                self.lr = learning_rate_decay(tf, hp.lr, global_step=self.global_step)
                self.optimizer = tf.train.AdamOptimizer(learning_rate=self.lr)

                # gradient clipping
                self.gvs = self.optimizer.compute_gradients(self.loss)
                self.clipped = []
                for grad, var in self.gvs:
                    grad = tf.clip_by_norm(grad, 5.)
                    self.clipped.append((grad, var))
                self.train_op = self.optimizer.apply_gradients(self.clipped,
                                                               global_step=self.global_step)

                # Summary
                tf.summary.scalar(f'{mode}/loss1', self.loss1)
                tf.summary.scalar(f'{mode}/loss', self.loss)
                tf.summary.scalar(f'{mode}/lr', self.lr)

                tf.summary.image(f"{mode}/mel_gt", tf.expand_dims(self.y, -1), max_outputs=1)
                tf.summary.image(f"{mode}/mel_hat", tf.expand_dims(self.y_hat, -1),
                                 max_outputs=1)
                tf.summary.image(f"{mode}/mag_gt", tf.expand_dims(self.z, -1), max_outputs=1)
                tf.summary.image(f"{mode}/mag_hat", tf.expand_dims(self.z_hat, -1),
                                 max_outputs=1)
                self.merged = tf.summary.merge_all()

    g = Graph()

    losses, losses1, alignments = [], [], []
    sv = tf.train.Supervisor(save_summaries_secs=0, save_model_secs=0,
                             init_fn=lambda sess: init_fn(sess, tf))
    with sv.managed_session() as sess:
        for _epoch in range(hp.num_epochs):
            for _ in range(g.num_batch):
                _, gs, loss, loss1 = sess.run([g.train_op, g.global_step, g.loss, g.loss1])
                losses.append(float(loss))
                losses1.append(float(loss1))

                # Write checkpoint files
                if gs % 2 == 0:
                    sv.saver.save(sess, hp.logdir + f'/model_gs_{gs}')

                    # the first alignment for logging
                    al = sess.run(g.alignments)
                    alignments.append(al[0])
    checkpoints = tf.train.get_checkpoint_state(hp.logdir).all_model_checkpoint_paths
    return {"first_loss": losses[0], "loss": losses[-1], "loss1": losses1[-1],
            "alignments": float((alignments[-1] * np.arange(len(alignments[-1]))[:, None]).sum()),
            "alignment_shape": list(alignments[-1].shape), "global_step": int(gs),
            "checkpoints": [os.path.basename(p) for p in checkpoints]}
