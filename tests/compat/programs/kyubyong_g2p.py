"""Kyubyong Park's grapheme-to-phoneme converter (github.com/Kyubyong/g2p, the TF 1.x
``train.py`` behind the first g2p_en releases): one-hot graphemes into a bidirectional
``GRUCell`` encoder (``bidirectional_dynamic_rnn`` with lengths from
``tf.reduce_sum(tf.sign(x), -1)``), a decoder ``GRUCell`` wrapped by
``tf.contrib.seq2seq.AttentionWrapper(cell, BahdanauAttention(units, memory, seqlens),
units, alignment_history=True)`` and run by ``tf.nn.dynamic_rnn`` on the one-hot,
right-shifted phonemes, a ``tf.layers.dense`` projection, mean sparse softmax cross
entropy, Adam on a ``global_step`` variable; training under ``tf.train.Supervisor(logdir,
save_model_secs=0)`` with ``managed_session`` (``np.random.shuffle`` of the training set
each epoch, a ``sv.saver.save`` per epoch) and, each epoch, autoregressive decoding of
the validation batch (the predictions fed back one position at a time), texts cut at
``<EOS>``, and the phoneme error rate by Levenshtein distance.

Adapted: NLTK's CMU dictionary is replaced by generated words of 2-6 letters and their
"pronunciations" from a small context-sensitive rule set over the original phoneme
inventory; ``distance.levenshtein`` is written out (the same edit distance); the prints
and tqdm are left out (the numbers are returned); a tiny configuration (maxlen 8, 16 units,
batch 16, 4 epochs of 4 batches, lr 0.02); ``np.random`` seeded before the shuffles;
the log directory is temporary; same starting weights (``init_fn``; the 1-D
``attention_v`` a seeded draw). TF 2.21 has no ``tf.contrib``: there the attention
decoder is written out from core ops with the same variable names, as contrib 1.15
defines it (memory zeroed beyond its lengths and projected by ``memory_layer``; score
``v . tanh(keys + query_layer(cell output))``, ``-inf`` beyond the lengths, softmax;
cell input ``concat([input, previous attention])``; attention
``attention_layer(concat([cell output, context]))``), unrolled over the ``maxlen``
decoder steps that ``dynamic_rnn`` runs."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "loss": 1e-3, "cer": 0.0, "got": 0.0, "global_step": 0.0}

LETTERS = "abcdeiklnostu"


class hp:  # noqa: N801 - the source's name
    batch_size = 16
    lr = 0.02
    logdir = "logdir"
    maxlen = 8
    num_epochs = 4
    hidden_units = 16
    graphemes = ["P", "E", "U"] + list("abcdefghijklmnopqrstuvwxyz")  # Padding, EOS, UNK
    phonemes = ["<PAD>", "<EOS>", 'AA0', 'AA1', 'AA2', 'AE0', 'AE1', 'AE2', 'AH0', 'AH1', 'AH2',
                'AO0', 'AO1', 'AO2', 'AW0', 'AW1', 'AW2', 'AY0', 'AY1', 'AY2', 'B', 'CH', 'D',
                'DH', 'EH0', 'EH1', 'EH2', 'ER0', 'ER1', 'ER2', 'EY0', 'EY1', 'EY2', 'F', 'G',
                'HH', 'IH0', 'IH1', 'IH2', 'IY0', 'IY1', 'IY2', 'JH', 'K', 'L', 'M', 'N', 'NG',
                'OW0', 'OW1', 'OW2', 'OY0', 'OY1', 'OY2', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH0',
                'UH1', 'UH2', 'UW', 'UW0', 'UW1', 'UW2', 'V', 'W', 'Y', 'Z', 'ZH']


def pronounce(word):
    """A toy letter-to-sound rule set: 'c' is S before e/i and K otherwise, "sh" is SH,
    a final 'e' is silent, the first vowel is stressed."""
    simple = {"a": "AE", "e": "EH", "i": "IH", "o": "AA", "u": "AH", "b": "B", "d": "D",
              "k": "K", "l": "L", "n": "N", "s": "S", "t": "T"}
    out, stressed, i = [], False, 0
    while i < len(word):
        ch = word[i]
        if ch == "s" and word[i + 1:i + 2] == "h":
            out.append("SH")
            i += 2
            continue
        if ch == "c":
            out.append("S" if word[i + 1:i + 2] in ("e", "i") else "K")
        elif ch == "e" and i == len(word) - 1 and i > 0:
            pass
        elif ch in "aeiou":
            out.append(simple[ch] + ("1" if not stressed else "0"))
            stressed = True
        else:
            out.append(simple[ch])
        i += 1
    return out


def cmudict_like(rng, n):
    """``cmudict.dict()``'s form: word -> list of pronunciations (lists of phonemes)."""
    words = {}
    while len(words) < n:
        word = "".join(rng.choice(list(LETTERS), rng.randint(2, 7)))
        words.setdefault(word, [pronounce(word)])
    return words


def levenshtein(a, b):
    """``distance.levenshtein``: the edit distance of two sequences."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def plain_attention_rnn(tf, decoder_inputs, memory, seqlens, num_units):
    """``dynamic_rnn(AttentionWrapper(GRUCell, BahdanauAttention(memory, seqlens)))``
    from core ops (TF 2 path; see the module docstring)."""
    mask = tf.sequence_mask(seqlens, tf.shape(memory)[1], dtype=tf.float32)
    values = memory * tf.expand_dims(mask, 2)
    keys = tf.layers.dense(values, num_units, use_bias=False, name="memory_layer")
    score_mask = tf.sequence_mask(seqlens, tf.shape(memory)[1])
    batch = tf.shape(decoder_inputs)[0]
    cell = tf.nn.rnn_cell.GRUCell(num_units)
    state, attention, outputs = tf.zeros([batch, num_units]), tf.zeros([batch, num_units]), []
    with tf.variable_scope("rnn/attention_wrapper"):
        for t in range(hp.maxlen):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            cell_output, state = cell(tf.concat([decoder_inputs[:, t, :], attention], -1),
                                      state)
            with tf.variable_scope("bahdanau_attention"):
                processed = tf.expand_dims(tf.layers.dense(cell_output, num_units,
                                                           use_bias=False,
                                                           name="query_layer"), 1)
                v = tf.get_variable("attention_v", [num_units])
                score = tf.reduce_sum(v * tf.tanh(keys + processed), [2])
            score = tf.where(score_mask, score, tf.fill(tf.shape(score), -np.inf))
            align = tf.nn.softmax(score)
            context = tf.squeeze(tf.matmul(tf.expand_dims(align, 1), values), [1])
            attention = tf.layers.dense(tf.concat([cell_output, context], 1), num_units,
                                        use_bias=False, name="attention_layer")
            outputs.append(attention)
    return tf.stack(outputs, 1), None


def main(tf):
    hp.logdir = os.path.join(tempfile.mkdtemp(prefix="kyubyong_g2p_"), "logdir")
    cmu = cmudict_like(np.random.RandomState(0), 5 * hp.batch_size)

    def load_vocab():
        g2idx = {g: idx for idx, g in enumerate(hp.graphemes)}
        idx2g = {idx: g for idx, g in enumerate(hp.graphemes)}

        p2idx = {p: idx for idx, p in enumerate(hp.phonemes)}
        idx2p = {idx: p for idx, p in enumerate(hp.phonemes)}

        return g2idx, idx2g, p2idx, idx2p

    g2idx, idx2g, p2idx, idx2p = load_vocab()

    def load_data(mode="train"):
        # Vectorize
        xs, ys = [], []  # vectorized sentences
        for word, prons in cmu.items():
            graphemes = word + "E"  # EOS
            if len(graphemes) > hp.maxlen:
                continue
            graphemes += "P" * hp.maxlen  # Padding

            x = [g2idx.get(g, 2) for g in graphemes[:hp.maxlen]]  # 2: <UNK>

            pron = prons[0]
            phonemes = list(pron) + ["<EOS>"]
            if len(phonemes) > hp.maxlen:
                continue
            phonemes += ["<PAD>"] * hp.maxlen
            y = [p2idx[p] for p in phonemes[:hp.maxlen]]

            xs.append(x)
            ys.append(y)

        # Convert to 2d-arrays
        X = np.array(xs, np.int32)
        Y = np.array(ys, np.int32)

        if mode == "train":
            X, Y = X[:-hp.batch_size], Y[:-hp.batch_size]
        else:  # eval
            X, Y = X[-hp.batch_size:], Y[-hp.batch_size:]

        return X, Y

    class Graph:
        '''Builds a model graph'''
        def __init__(self):
            self.x = tf.placeholder(tf.int32, shape=(None, hp.maxlen), name="grapheme")
            self.y = tf.placeholder(tf.int32, shape=(None, hp.maxlen), name="phoneme")

            # Sequence lengths
            self.seqlens = tf.reduce_sum(tf.sign(self.x), -1)

            # Embedding
            self.inputs = tf.one_hot(self.x, len(hp.graphemes))

            # Encoder: BiGRU
            cell_fw = tf.nn.rnn_cell.GRUCell(hp.hidden_units)
            cell_bw = tf.nn.rnn_cell.GRUCell(hp.hidden_units)
            outputs, _ = tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, self.inputs,
                                                         self.seqlens, dtype=tf.float32)
            memory = tf.concat(outputs, -1)

            # Decoder : Attentional GRU
            decoder_inputs = tf.concat((tf.zeros_like((self.y[:, :1])), self.y[:, :-1]), -1)
            decoder_inputs = tf.one_hot(decoder_inputs, len(hp.phonemes))
            if hasattr(tf, "contrib"):
                attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(hp.hidden_units,
                                                                           memory,
                                                                           self.seqlens)
                cell = tf.nn.rnn_cell.GRUCell(hp.hidden_units)
                cell_with_attention = tf.contrib.seq2seq.AttentionWrapper(
                    cell, attention_mechanism, hp.hidden_units, alignment_history=True)
                outputs, _ = tf.nn.dynamic_rnn(cell_with_attention, decoder_inputs,
                                               dtype=tf.float32)  # ( N, T', 16)
            else:
                outputs, _ = plain_attention_rnn(tf, decoder_inputs, memory, self.seqlens,
                                                 hp.hidden_units)
            logits = tf.layers.dense(outputs, len(hp.phonemes))
            self.preds = tf.to_int32(tf.argmax(logits, -1))

            # Loss and training
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits,
                                                                  labels=self.y)
            self.mean_loss = tf.reduce_mean(loss)
            self.global_step = tf.Variable(0, name='global_step', trainable=False)
            optimizer = tf.train.AdamOptimizer(hp.lr)
            self.train_op = optimizer.minimize(self.mean_loss, global_step=self.global_step)

    def init_fn(sess):
        same_start(sess, tf)
        rng = np.random.RandomState(1)
        for v in tf.trainable_variables():
            if v.name.endswith("attention_v:0"):
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)

    # Data loading
    X_train, Y_train = load_data(mode="train")
    x_val, y_val = load_data(mode="val")

    # Graph loading
    g = Graph()

    # Session
    np.random.seed(0)
    losses, cers, gots = [], [], []
    sv = tf.train.Supervisor(logdir=hp.logdir, save_model_secs=0, init_fn=init_fn)
    with sv.managed_session() as sess:
        for epoch in range(hp.num_epochs):
            # shuffle
            ids = np.arange(len(X_train))
            np.random.shuffle(ids)
            X_train, Y_train = X_train[ids], Y_train[ids]

            # batch train
            for i in range(0, len(X_train), hp.batch_size):
                x_train = X_train[i: i + hp.batch_size]
                y_train = Y_train[i: i + hp.batch_size]
                _, loss = sess.run([g.train_op, g.mean_loss], {g.x: x_train, g.y: y_train})
                losses.append(float(loss))

            # Write checkpoint files at every epoch
            gs = sess.run(g.global_step)
            sv.saver.save(sess, hp.logdir + f'/model_epoch_{epoch:02d}_gs_{gs}')

            # Evaluation
            # Autoregressive inference
            preds = np.zeros((hp.batch_size, hp.maxlen), np.int32)
            for j in range(hp.maxlen):
                _preds = sess.run(g.preds, {g.x: x_val, g.y: preds})
                preds[:, j] = _preds[:, j]

            # Parsing & Calculation
            total, errors = 0, 0
            for _xx, yy, pred in zip(x_val, y_val, preds):  # sample-wise
                expected = " ".join(idx2p[p] for p in yy).split("<EOS>")[0].strip()
                got = " ".join(idx2p[p] for p in pred).split("<EOS>")[0].strip()
                gots.append(got)

                error = levenshtein(expected.split(), got.split())
                errors += error
                total += len(expected.split())

            cer = errors / float(total)
            cers.append(cer)
    return {"first_loss": losses[0], "loss": losses[-1], "cer": cers, "got": gots,
            "global_step": int(gs)}
