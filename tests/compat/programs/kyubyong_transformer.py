"""Kyubyong Park's Transformer (github.com/Kyubyong/transformer, the Feb. 2019 TF 1.12
version: ``modules.py``, ``model.py``, ``data_load.py``, ``utils.py``, ``train.py``).
``modules.py`` as written: layer norm ``ln`` from ``tf.nn.moments`` under
``variable_scope(reuse=tf.AUTO_REUSE)``, zero-padded shared token embeddings
(``get_token_embeddings``), ``scaled_dot_product_attention`` with key masks and the
``tf.linalg.LinearOperatorLowerTriangular(...).to_dense()`` future mask, an attention
``tf.summary.image``, ``multihead_attention`` (``tf.layers.dense`` projections, heads by
``split``/``concat``, residual + ln), the position-wise ``ff``, ``label_smoothing``,
sinusoidal ``positional_encoding`` (``embedding_lookup`` into a NumPy table, padding
positions kept at zero by ``tf.where``) and the ``noam_scheme`` learning rate.
``Transformer.train``: shared-embedding decoder output by ``tf.einsum``, smoothed
``softmax_cross_entropy_with_logits_v2`` over the non-padding positions, Adam on the Noam
schedule with ``get_or_create_global_step``, merged summaries; ``Transformer.eval``: the
greedy decoder unrolled in the graph (``maxlen2`` copies of the decoder growing the
decoder input by ``concat``; its ``if tensor == int: break`` is never taken in graph
mode), a ``tf.py_func`` id->text summary. ``data_load.py``: ``Dataset.from_generator``
with ``args`` (the sentences reach the generator as NumPy byte strings),
``repeat().padded_batch(...).prefetch(1)``; ``train.py``: one reinitializable iterator
(``Iterator.from_structure`` + ``make_initializer``) switching between training and
evaluation data, ``FileWriter``, a ``Saver`` checkpoint each epoch, hypotheses by
``get_hypotheses``/``postprocess``.

Adapted: the IWSLT 2016 files are replaced by generated ones (in a temporary directory):
sentences of 2-4 "German" words ``a0``-``a11`` whose "English" translation is the word-by-
word ``b`` twin in reverse order, one shared vocabulary file; no BLEU (``calc_bleu`` runs
a Perl script); no shuffle (its order is backend-specific) and no dropout (rate 0: its
masks are backend-specific); a tiny model (d_model 32, d_ff 64, 2 blocks, 4 heads,
maxlen 5, batch 16, 2 epochs of 3 batches, lr 0.003 with 10 warm-up steps); hparams as a
namespace instead of argparse; no tqdm; same starting weights; where TF has no
``tf.contrib`` the embedding's ``xavier_initializer`` is ``glorot_uniform_initializer``
(the same distribution; ``same_start`` overwrites it anyway)."""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "epoch_loss": 2e-3, "losses": 2e-3, "global_step": 0.0,
           "hypotheses": 0.0, "num_params": 0.0, "checkpoints": 0.0}


def make_modules(tf):
    """``modules.py`` (functions closed over ``tf``)."""
    if hasattr(tf, "contrib"):
        xavier_initializer = tf.contrib.layers.xavier_initializer
    else:
        xavier_initializer = tf.glorot_uniform_initializer

    def ln(inputs, epsilon=1e-8, scope="ln"):
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            inputs_shape = inputs.get_shape()
            params_shape = inputs_shape[-1:]

            mean, variance = tf.nn.moments(inputs, [-1], keep_dims=True)
            beta = tf.get_variable("beta", params_shape, initializer=tf.zeros_initializer())
            gamma = tf.get_variable("gamma", params_shape, initializer=tf.ones_initializer())
            normalized = (inputs - mean) / ((variance + epsilon) ** (.5))
            outputs = gamma * normalized + beta

        return outputs

    def get_token_embeddings(vocab_size, num_units, zero_pad=True):
        with tf.variable_scope("shared_weight_matrix"):
            embeddings = tf.get_variable('weight_mat',
                                         dtype=tf.float32,
                                         shape=(vocab_size, num_units),
                                         initializer=xavier_initializer())
            if zero_pad:
                embeddings = tf.concat((tf.zeros(shape=[1, num_units]),
                                        embeddings[1:, :]), 0)
        return embeddings

    def scaled_dot_product_attention(Q, K, V, key_masks,
                                     causality=False, dropout_rate=0.,
                                     training=True,
                                     scope="scaled_dot_product_attention"):
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            d_k = Q.get_shape().as_list()[-1]

            # dot product
            outputs = tf.matmul(Q, tf.transpose(K, [0, 2, 1]))  # (N, T_q, T_k)

            # scale
            outputs /= d_k ** 0.5

            # key masking
            outputs = mask(outputs, key_masks=key_masks, type="key")

            # causality or future blinding masking
            if causality:
                outputs = mask(outputs, type="future")

            # softmax
            outputs = tf.nn.softmax(outputs)
            attention = tf.transpose(outputs, [0, 2, 1])
            tf.summary.image("attention", tf.expand_dims(attention[:1], -1))

            # dropout
            outputs = tf.layers.dropout(outputs, rate=dropout_rate, training=training)

            # weighted sum (context vectors)
            outputs = tf.matmul(outputs, V)  # (N, T_q, d_v)

        return outputs

    def mask(inputs, key_masks=None, type=None):
        padding_num = -2 ** 32 + 1
        if type in ("k", "key", "keys"):
            key_masks = tf.to_float(key_masks)
            key_masks = tf.tile(key_masks, [tf.shape(inputs)[0] // tf.shape(key_masks)[0], 1])
            key_masks = tf.expand_dims(key_masks, 1)  # (h*N, 1, seqlen)
            outputs = inputs + key_masks * padding_num
        elif type in ("f", "future", "right"):
            diag_vals = tf.ones_like(inputs[0, :, :])  # (T_q, T_k)
            tril = tf.linalg.LinearOperatorLowerTriangular(diag_vals).to_dense()  # (T_q, T_k)
            future_masks = tf.tile(tf.expand_dims(tril, 0), [tf.shape(inputs)[0], 1, 1])

            paddings = tf.ones_like(future_masks) * padding_num
            outputs = tf.where(tf.equal(future_masks, 0), paddings, inputs)
        else:
            print("Check if you entered type correctly!")

        return outputs

    def multihead_attention(queries, keys, values, key_masks,
                            num_heads=8,
                            dropout_rate=0,
                            training=True,
                            causality=False,
                            scope="multihead_attention"):
        d_model = queries.get_shape().as_list()[-1]
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            # Linear projections
            Q = tf.layers.dense(queries, d_model, use_bias=True)  # (N, T_q, d_model)
            K = tf.layers.dense(keys, d_model, use_bias=True)  # (N, T_k, d_model)
            V = tf.layers.dense(values, d_model, use_bias=True)  # (N, T_k, d_model)

            # Split and concat
            Q_ = tf.concat(tf.split(Q, num_heads, axis=2), axis=0)  # (h*N, T_q, d_model/h)
            K_ = tf.concat(tf.split(K, num_heads, axis=2), axis=0)  # (h*N, T_k, d_model/h)
            V_ = tf.concat(tf.split(V, num_heads, axis=2), axis=0)  # (h*N, T_k, d_model/h)

            # Attention
            outputs = scaled_dot_product_attention(Q_, K_, V_, key_masks, causality,
                                                   dropout_rate, training)

            # Restore shape
            outputs = tf.concat(tf.split(outputs, num_heads, axis=0), axis=2)  # (N, T_q, d)

            # Residual connection
            outputs += queries

            # Normalize
            outputs = ln(outputs)

        return outputs

    def ff(inputs, num_units, scope="positionwise_feedforward"):
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            # Inner layer
            outputs = tf.layers.dense(inputs, num_units[0], activation=tf.nn.relu)

            # Outer layer
            outputs = tf.layers.dense(outputs, num_units[1])

            # Residual connection
            outputs += inputs

            # Normalize
            outputs = ln(outputs)

        return outputs

    def label_smoothing(inputs, epsilon=0.1):
        V = inputs.get_shape().as_list()[-1]  # number of channels
        return ((1 - epsilon) * inputs) + (epsilon / V)

    def positional_encoding(inputs,
                            maxlen,
                            masking=True,
                            scope="positional_encoding"):
        E = inputs.get_shape().as_list()[-1]  # static
        N, T = tf.shape(inputs)[0], tf.shape(inputs)[1]  # dynamic
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            # position indices
            position_ind = tf.tile(tf.expand_dims(tf.range(T), 0), [N, 1])  # (N, T)

            # First part of the PE function: sin and cos argument
            position_enc = np.array([
                [pos / np.power(10000, (i - i % 2) / E) for i in range(E)]
                for pos in range(maxlen)])

            # Second part, apply the cosine to even columns and sin to odds.
            position_enc[:, 0::2] = np.sin(position_enc[:, 0::2])  # dim 2i
            position_enc[:, 1::2] = np.cos(position_enc[:, 1::2])  # dim 2i+1
            position_enc = tf.convert_to_tensor(position_enc, tf.float32)  # (maxlen, E)

            # lookup
            outputs = tf.nn.embedding_lookup(position_enc, position_ind)

            # masks
            if masking:
                outputs = tf.where(tf.equal(inputs, 0), inputs, outputs)

            return tf.to_float(outputs)

    def noam_scheme(init_lr, global_step, warmup_steps=4000.):
        step = tf.cast(global_step + 1, dtype=tf.float32)
        return init_lr * warmup_steps ** 0.5 * tf.minimum(step * warmup_steps ** -1.5,
                                                          step ** -0.5)

    return SimpleNamespace(ln=ln, get_token_embeddings=get_token_embeddings, ff=ff,
                           multihead_attention=multihead_attention,
                           label_smoothing=label_smoothing,
                           positional_encoding=positional_encoding, noam_scheme=noam_scheme)


def make_utils(tf):
    """The parts of ``utils.py`` that train.py uses (``calc_bleu`` left out)."""

    def calc_num_batches(total_num, batch_size):
        return total_num // batch_size + int(total_num % batch_size != 0)

    def convert_idx_to_token_tensor(inputs, idx2token):
        def my_func(inputs):
            return " ".join(idx2token[elem] for elem in inputs)

        return tf.py_func(my_func, [inputs], tf.string)

    def postprocess(hypotheses, idx2token):
        _hypotheses = []
        for h in hypotheses:
            sent = "".join(idx2token[idx] for idx in h)
            sent = sent.split("</s>")[0].strip()
            sent = sent.replace("▁", " ")  # remove bpe symbols
            _hypotheses.append(sent.strip())
        return _hypotheses

    def save_hparams(hparams, path):
        if not os.path.exists(path):
            os.makedirs(path)
        hp = json.dumps(vars(hparams))
        with open(os.path.join(path, "hparams"), 'w') as fout:
            fout.write(hp)

    def save_variable_specs(fpath):
        def _get_size(shp):
            size = 1
            for d in range(len(shp)):
                size *= shp[d]
            return size

        params, num_params = [], 0
        for v in tf.global_variables():
            params.append(f"{v.name}==={v.shape}")
            num_params += _get_size(v.shape)
        with open(fpath, 'w') as fout:
            fout.write(f"num_params: {num_params}\n")
            fout.write("\n".join(params))
        logging.info("Variables info has been saved.")
        return num_params

    def get_hypotheses(num_batches, num_samples, sess, tensor, dict):
        hypotheses = []
        for _ in range(num_batches):
            h = sess.run(tensor)
            hypotheses.extend(h.tolist())
        hypotheses = postprocess(hypotheses, dict)

        return hypotheses[:num_samples]

    return SimpleNamespace(calc_num_batches=calc_num_batches, save_hparams=save_hparams,
                           convert_idx_to_token_tensor=convert_idx_to_token_tensor,
                           save_variable_specs=save_variable_specs,
                           get_hypotheses=get_hypotheses)


def make_data_load(tf, utils):
    """``data_load.py``."""

    def load_vocab(vocab_fpath):
        vocab = [line.split()[0] for line in open(vocab_fpath).read().splitlines()]
        token2idx = {token: idx for idx, token in enumerate(vocab)}
        idx2token = {idx: token for idx, token in enumerate(vocab)}
        return token2idx, idx2token

    def load_data(fpath1, fpath2, maxlen1, maxlen2):
        sents1, sents2 = [], []
        with open(fpath1) as f1, open(fpath2) as f2:
            for sent1, sent2 in zip(f1, f2):
                if len(sent1.split()) + 1 > maxlen1:
                    continue  # 1: </s>
                if len(sent2.split()) + 1 > maxlen2:
                    continue  # 1: </s>
                sents1.append(sent1.strip())
                sents2.append(sent2.strip())
        return sents1, sents2

    def encode(inp, type, dict):
        inp_str = inp.decode("utf-8")
        if type == "x":
            tokens = inp_str.split() + ["</s>"]
        else:
            tokens = ["<s>"] + inp_str.split() + ["</s>"]

        x = [dict.get(t, dict["<unk>"]) for t in tokens]
        return x

    def generator_fn(sents1, sents2, vocab_fpath):
        token2idx, _ = load_vocab(vocab_fpath)
        for sent1, sent2 in zip(sents1, sents2):
            x = encode(sent1, "x", token2idx)
            y = encode(sent2, "y", token2idx)
            decoder_input, y = y[:-1], y[1:]

            x_seqlen, y_seqlen = len(x), len(y)
            yield (x, x_seqlen, sent1), (decoder_input, y, y_seqlen, sent2)

    def input_fn(sents1, sents2, vocab_fpath, batch_size, shuffle=False):
        shapes = (([None], (), ()),
                  ([None], [None], (), ()))
        types = ((tf.int32, tf.int32, tf.string),
                 (tf.int32, tf.int32, tf.int32, tf.string))
        paddings = ((0, 0, ''),
                    (0, 0, 0, ''))

        dataset = tf.data.Dataset.from_generator(
            generator_fn,
            output_shapes=shapes,
            output_types=types,
            args=(sents1, sents2, vocab_fpath))

        if shuffle:  # for training
            dataset = dataset.shuffle(128 * batch_size)

        dataset = dataset.repeat()  # iterate forever
        dataset = dataset.padded_batch(batch_size, shapes, paddings).prefetch(1)

        return dataset

    def get_batch(fpath1, fpath2, maxlen1, maxlen2, vocab_fpath, batch_size, shuffle=False):
        sents1, sents2 = load_data(fpath1, fpath2, maxlen1, maxlen2)
        batches = input_fn(sents1, sents2, vocab_fpath, batch_size, shuffle=shuffle)
        num_batches = utils.calc_num_batches(len(sents1), batch_size)
        return batches, num_batches, len(sents1)

    return SimpleNamespace(load_vocab=load_vocab, get_batch=get_batch)


def make_transformer(tf, modules, utils, data_load):
    """``model.py``'s ``Transformer``."""

    class Transformer:
        def __init__(self, hp):
            self.hp = hp
            self.token2idx, self.idx2token = data_load.load_vocab(hp.vocab)
            self.embeddings = modules.get_token_embeddings(self.hp.vocab_size, self.hp.d_model,
                                                           zero_pad=True)

        def encode(self, xs, training=True):
            with tf.variable_scope("encoder", reuse=tf.AUTO_REUSE):
                x, seqlens, sents1 = xs

                # src_masks
                src_masks = tf.math.equal(x, 0)  # (N, T1)

                # embedding
                enc = tf.nn.embedding_lookup(self.embeddings, x)  # (N, T1, d_model)
                enc *= self.hp.d_model**0.5  # scale

                enc += modules.positional_encoding(enc, self.hp.maxlen1)
                enc = tf.layers.dropout(enc, self.hp.dropout_rate, training=training)

                # Blocks
                for i in range(self.hp.num_blocks):
                    with tf.variable_scope(f"num_blocks_{i}", reuse=tf.AUTO_REUSE):
                        # self-attention
                        enc = modules.multihead_attention(queries=enc,
                                                          keys=enc,
                                                          values=enc,
                                                          key_masks=src_masks,
                                                          num_heads=self.hp.num_heads,
                                                          dropout_rate=self.hp.dropout_rate,
                                                          training=training,
                                                          causality=False)
                        # feed forward
                        enc = modules.ff(enc, num_units=[self.hp.d_ff, self.hp.d_model])
            memory = enc
            return memory, sents1, src_masks

        def decode(self, ys, memory, src_masks, training=True):
            with tf.variable_scope("decoder", reuse=tf.AUTO_REUSE):
                decoder_inputs, y, seqlens, sents2 = ys

                # tgt_masks
                tgt_masks = tf.math.equal(decoder_inputs, 0)  # (N, T2)

                # embedding
                dec = tf.nn.embedding_lookup(self.embeddings, decoder_inputs)  # (N, T2, d)
                dec *= self.hp.d_model ** 0.5  # scale

                dec += modules.positional_encoding(dec, self.hp.maxlen2)
                dec = tf.layers.dropout(dec, self.hp.dropout_rate, training=training)

                # Blocks
                for i in range(self.hp.num_blocks):
                    with tf.variable_scope(f"num_blocks_{i}", reuse=tf.AUTO_REUSE):
                        # Masked self-attention (Note that causality is True at this time)
                        dec = modules.multihead_attention(queries=dec,
                                                          keys=dec,
                                                          values=dec,
                                                          key_masks=tgt_masks,
                                                          num_heads=self.hp.num_heads,
                                                          dropout_rate=self.hp.dropout_rate,
                                                          training=training,
                                                          causality=True,
                                                          scope="self_attention")

                        # Vanilla attention
                        dec = modules.multihead_attention(queries=dec,
                                                          keys=memory,
                                                          values=memory,
                                                          key_masks=src_masks,
                                                          num_heads=self.hp.num_heads,
                                                          dropout_rate=self.hp.dropout_rate,
                                                          training=training,
                                                          causality=False,
                                                          scope="vanilla_attention")
                        # Feed Forward
                        dec = modules.ff(dec, num_units=[self.hp.d_ff, self.hp.d_model])

            # Final linear projection (embedding weights are shared)
            weights = tf.transpose(self.embeddings)  # (d_model, vocab_size)
            logits = tf.einsum('ntd,dk->ntk', dec, weights)  # (N, T2, vocab_size)
            y_hat = tf.to_int32(tf.argmax(logits, axis=-1))

            return logits, y_hat, y, sents2

        def train(self, xs, ys):
            # forward
            memory, sents1, src_masks = self.encode(xs)
            logits, preds, y, sents2 = self.decode(ys, memory, src_masks)

            # train scheme
            y_ = modules.label_smoothing(tf.one_hot(y, depth=self.hp.vocab_size))
            ce = tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=y_)
            nonpadding = tf.to_float(tf.not_equal(y, self.token2idx["<pad>"]))  # 0: <pad>
            loss = tf.reduce_sum(ce * nonpadding) / (tf.reduce_sum(nonpadding) + 1e-7)

            global_step = tf.train.get_or_create_global_step()
            lr = modules.noam_scheme(self.hp.lr, global_step, self.hp.warmup_steps)
            optimizer = tf.train.AdamOptimizer(lr)
            train_op = optimizer.minimize(loss, global_step=global_step)

            tf.summary.scalar('lr', lr)
            tf.summary.scalar("loss", loss)
            tf.summary.scalar("global_step", global_step)

            summaries = tf.summary.merge_all()

            return loss, train_op, global_step, summaries

        def eval(self, xs, ys):
            decoder_inputs, y, y_seqlen, sents2 = ys

            decoder_inputs = tf.ones((tf.shape(xs[0])[0], 1), tf.int32) * self.token2idx["<s>"]
            ys = (decoder_inputs, y, y_seqlen, sents2)

            memory, sents1, src_masks = self.encode(xs, False)

            logging.info("Inference graph is being built. Please be patient.")
            for _ in range(self.hp.maxlen2):
                logits, y_hat, y, sents2 = self.decode(ys, memory, src_masks, False)
                if tf.reduce_sum(y_hat, 1) == self.token2idx["<pad>"]:
                    break

                _decoder_inputs = tf.concat((decoder_inputs, y_hat), 1)
                ys = (_decoder_inputs, y, y_seqlen, sents2)

            # monitor a random sample
            n = tf.random_uniform((), 0, tf.shape(y_hat)[0] - 1, tf.int32)
            sent1 = sents1[n]
            pred = utils.convert_idx_to_token_tensor(y_hat[n], self.idx2token)
            sent2 = sents2[n]

            tf.summary.text("sent1", sent1)
            tf.summary.text("pred", pred)
            tf.summary.text("sent2", sent2)
            summaries = tf.summary.merge_all()

            return y_hat, summaries

    return Transformer


def write_corpus(root, rng, n):
    """Source/target sentence files (one sentence a line) and the shared vocabulary."""
    sources, targets = [], []
    for _ in range(n):
        ids = rng.randint(0, 12, rng.randint(2, 5))
        sources.append(" ".join(f"a{i}" for i in ids))
        targets.append(" ".join(f"b{i}" for i in ids[::-1]))
    return sources, targets


def main(tf):
    root = tempfile.mkdtemp(prefix="kyubyong_transformer_")
    rng = np.random.RandomState(0)
    paths = {}
    for split, n in (("train", 48), ("eval", 16)):
        sources, targets = write_corpus(root, rng, n)
        for side, sents in (("1", sources), ("2", targets)):
            paths[split + side] = os.path.join(root, f"{split}{side}.txt")
            with open(paths[split + side], "w") as f:
                f.write("\n".join(sents) + "\n")
    vocab = (["<pad>", "<unk>", "<s>", "</s>"] + [f"a{i}" for i in range(12)]
             + [f"b{i}" for i in range(12)])
    vocab_path = os.path.join(root, "vocab")
    with open(vocab_path, "w") as f:
        f.write("\n".join(f"{w}\t{-i}" for i, w in enumerate(vocab)) + "\n")

    hp = SimpleNamespace(vocab_size=len(vocab), train1=paths["train1"], train2=paths["train2"],
                         eval1=paths["eval1"], eval2=paths["eval2"], vocab=vocab_path,
                         batch_size=16, eval_batch_size=16, lr=0.003, warmup_steps=10,
                         logdir=os.path.join(root, "log"), num_epochs=2,
                         evaldir=os.path.join(root, "eval"), d_model=32, d_ff=64,
                         num_blocks=1, num_heads=4, maxlen1=5, maxlen2=5, dropout_rate=0.0,
                         smoothing=0.1)

    modules = make_modules(tf)
    utils = make_utils(tf)
    data_load = make_data_load(tf, utils)
    Transformer = make_transformer(tf, modules, utils, data_load)

    utils.save_hparams(hp, hp.logdir)

    train_batches, num_train_batches, num_train_samples = data_load.get_batch(
        hp.train1, hp.train2, hp.maxlen1, hp.maxlen2, hp.vocab, hp.batch_size, shuffle=False)
    eval_batches, num_eval_batches, num_eval_samples = data_load.get_batch(
        hp.eval1, hp.eval2, 100000, 100000, hp.vocab, hp.batch_size, shuffle=False)

    # create a iterator of the correct shape and type
    iter = tf.data.Iterator.from_structure(train_batches.output_types,
                                          train_batches.output_shapes)
    xs, ys = iter.get_next()

    train_init_op = iter.make_initializer(train_batches)
    eval_init_op = iter.make_initializer(eval_batches)

    m = Transformer(hp)
    loss, train_op, global_step, train_summaries = m.train(xs, ys)
    y_hat, eval_summaries = m.eval(xs, ys)

    saver = tf.train.Saver(max_to_keep=hp.num_epochs)
    losses, epoch_losses, all_hypotheses = [], [], []
    with tf.Session() as sess:
        ckpt = tf.train.latest_checkpoint(hp.logdir)
        if ckpt is None:
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf)
            num_params = utils.save_variable_specs(os.path.join(hp.logdir, "specs"))
        else:
            saver.restore(sess, ckpt)

        summary_writer = tf.summary.FileWriter(hp.logdir, sess.graph)

        sess.run(train_init_op)
        total_steps = hp.num_epochs * num_train_batches
        _gs = sess.run(global_step)
        for _i in range(_gs, total_steps + 1):
            _, _gs, _summary, _step_loss = sess.run([train_op, global_step, train_summaries,
                                                     loss])
            losses.append(float(_step_loss))
            epoch = math.ceil(_gs / num_train_batches)
            summary_writer.add_summary(_summary, _gs)

            if _gs and _gs % num_train_batches == 0:
                _loss = sess.run(loss)  # train loss
                epoch_losses.append(float(_loss))

                _, _eval_summaries = sess.run([eval_init_op, eval_summaries])
                summary_writer.add_summary(_eval_summaries, _gs)

                hypotheses = utils.get_hypotheses(num_eval_batches, num_eval_samples, sess,
                                                  y_hat, m.idx2token)
                all_hypotheses.extend(hypotheses)

                model_output = f"iwslt2016_E{epoch:02d}L{_loss:.2f}"
                if not os.path.exists(hp.evaldir):
                    os.makedirs(hp.evaldir)
                translation = os.path.join(hp.evaldir, model_output)
                with open(translation, 'w') as fout:
                    fout.write("\n".join(hypotheses))

                ckpt_name = os.path.join(hp.logdir, model_output)
                saver.save(sess, ckpt_name, global_step=_gs)

                sess.run(train_init_op)
        summary_writer.close()
    checkpoints = sorted(os.path.basename(p) for p in
                         tf.train.get_checkpoint_state(hp.logdir).all_model_checkpoint_paths)
    return {"first_loss": losses[0], "losses": float(np.mean(losses[-3:])),
            "epoch_loss": epoch_losses[-1], "global_step": int(_gs),
            "hypotheses": all_hypotheses, "num_params": int(num_params),
            "checkpoints": [len(checkpoints)]}
