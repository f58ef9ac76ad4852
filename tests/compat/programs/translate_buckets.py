"""The bucketed attention translation model of tensorflow/models,
``tutorials/rnn/translate/seq2seq_model.py`` (class ``Seq2SeqModel``), trained as its
``translate.py`` ``self_test()`` trains it: vocabularies of 10, buckets ``[(3, 3),
(6, 6)]``, 2 layers of 32 ``GRUCell``s in a ``MultiRNNCell``,
``tf.contrib.legacy_seq2seq.embedding_attention_seq2seq`` inside
``tf.contrib.legacy_seq2seq.model_with_buckets`` (one model per bucket sharing its
variables), per-bucket ``tf.gradients`` / ``tf.clip_by_global_norm`` /
``GradientDescentOptimizer.apply_gradients`` with a ``learning_rate`` variable and its
decay op, ``get_batch`` padding and reversing the encoder inputs and adding ``GO`` to the
decoder inputs, ``step`` feeding placeholders by name; then a forward-only step per bucket.

Adapted: ``num_samples=0`` (the self-test's sampled softmax draws random classes, which
two libraries cannot draw alike; the model then uses its ``OutputProjectionWrapper``
path), 40 training steps instead of 5, ``random`` seeded, ``data_utils``' ids written in,
``seq2seq_f`` handing each bucket a ``copy.deepcopy`` of the cell (a cell object keeps the
variables of its first call, and the legacy model deep-copies it for the encoder after
the first bucket built it),
same starting weights (``AttnV_0`` included). On TF 2.x, which has no ``tf.contrib``,
the few ``legacy_seq2seq`` functions the model calls are written out from TF1's
definitions below (so on trainkit its own ``tf.contrib.legacy_seq2seq`` is what runs)."""

from __future__ import annotations

import copy
import random

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-5, "loss": 1e-3, "grad_norm": 1e-3, "eval_loss_0": 1e-3,
           "eval_loss_1": 1e-3, "variables": 0.0, "eval_argmax": 0.0}

PAD_ID, GO_ID, EOS_ID = 0, 1, 2


def _tf1_legacy_seq2seq(tf):
    """TF1's ``embedding_attention_seq2seq`` and ``model_with_buckets`` (with the cell
    wrappers, ``linear`` and the sequence losses they use), for TF 2.x."""
    rnn_cell = tf.nn.rnn_cell

    def linear(args, output_size, bias):
        args = args if isinstance(args, list | tuple) else [args]
        total = sum(a.get_shape()[1] for a in args)
        kernel = tf.get_variable("kernel", [total, output_size])
        res = tf.matmul(tf.concat(args, 1) if len(args) > 1 else args[0], kernel)
        if not bias:
            return res
        return tf.nn.bias_add(res, tf.get_variable(
            "bias", [output_size], initializer=tf.constant_initializer(0.0)))

    class EmbeddingWrapper(rnn_cell.RNNCell):
        def __init__(self, cell, embedding_classes, embedding_size):
            super().__init__()
            self._cell, self._classes, self._size = cell, embedding_classes, embedding_size

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._cell.output_size)

        def call(self, inputs, state):
            embedding = tf.get_variable("embedding", [self._classes, self._size])
            embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)

    class OutputProjectionWrapper(rnn_cell.RNNCell):
        def __init__(self, cell, output_size):
            super().__init__()
            self._cell, self._output_size = cell, output_size

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._output_size)

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            return linear(output, self._output_size, True), res_state

    def attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                          output_size):
        with tf.variable_scope("attention_decoder"):
            batch_size = tf.shape(decoder_inputs[0])[0]
            attn_length = attention_states.get_shape()[1]
            attn_size = attention_states.get_shape()[2]
            hidden = tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
            k = tf.get_variable("AttnW_0", [1, 1, attn_size, attn_size])
            hidden_features = tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            v = tf.get_variable("AttnV_0", [attn_size])
            state = initial_state

            def attention(query):
                query = tf.concat(tf.nest.flatten(query), 1)
                with tf.variable_scope("Attention_0"):
                    y = tf.reshape(linear(query, attn_size, True), [-1, 1, 1, attn_size])
                    s = tf.reduce_sum(v * tf.tanh(hidden_features + y), [2, 3])
                    a = tf.nn.softmax(s)
                    d = tf.reduce_sum(tf.reshape(a, [-1, attn_length, 1, 1]) * hidden,
                                      [1, 2])
                    return [tf.reshape(d, [-1, attn_size])]

            outputs = []
            attns = [tf.zeros(tf.stack([batch_size, attn_size]))]
            attns[0].set_shape([None, attn_size])
            for i, inp in enumerate(decoder_inputs):
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                x = linear([inp] + attns, inp.get_shape()[1], True)
                cell_output, state = cell(x, state)
                attns = attention(state)
                with tf.variable_scope("AttnOutputProjection"):
                    outputs.append(linear([cell_output] + attns, output_size, True))
        return outputs, state

    def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell,
                                    num_encoder_symbols, num_decoder_symbols,
                                    embedding_size, output_projection=None,
                                    feed_previous=False, dtype=None):
        assert output_projection is None and feed_previous is False
        with tf.variable_scope("embedding_attention_seq2seq"):
            encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), num_encoder_symbols,
                                            embedding_size)
            encoder_outputs, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs,
                                                              dtype=dtype)
            top_states = [tf.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
            attention_states = tf.concat(top_states, 1)
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            with tf.variable_scope("embedding_attention_decoder"):
                embedding = tf.get_variable("embedding", [num_decoder_symbols,
                                                          embedding_size])
                emb_inp = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
                return attention_decoder(emb_inp, encoder_state, attention_states, cell,
                                         num_decoder_symbols)

    def sequence_loss(logits, targets, weights):
        log_perp = tf.add_n([
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=lg) * w
            for lg, t, w in zip(logits, targets, weights)])
        log_perp /= tf.add_n(weights) + 1e-12
        return tf.reduce_sum(log_perp) / tf.cast(tf.shape(targets[0])[0], tf.float32)

    def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets,
                           seq2seq, softmax_loss_function=None):
        losses, outputs = [], []
        with tf.name_scope("model_with_buckets"):
            for j, bucket in enumerate(buckets):
                with tf.variable_scope(tf.get_variable_scope(),
                                       reuse=True if j > 0 else None):
                    bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]],
                                                decoder_inputs[:bucket[1]])
                    outputs.append(bucket_outputs)
                    losses.append(sequence_loss(outputs[-1], targets[:bucket[1]],
                                                weights[:bucket[1]]))
        return outputs, losses

    class LegacySeq2seq:
        pass

    legacy = LegacySeq2seq()
    legacy.embedding_attention_seq2seq = embedding_attention_seq2seq
    legacy.model_with_buckets = model_with_buckets
    return legacy


class Seq2SeqModel:
    """The tutorial's model (GRU cells, no sampled softmax at ``num_samples=0``)."""

    def __init__(self, tf, legacy_seq2seq, rng, source_vocab_size, target_vocab_size,
                 buckets, size, num_layers, max_gradient_norm, batch_size, learning_rate,
                 learning_rate_decay_factor, num_samples=512, dtype=None):
        dtype = dtype or tf.float32
        self.rng = rng
        self.buckets = buckets
        self.batch_size = batch_size
        self.learning_rate = tf.Variable(float(learning_rate), trainable=False, dtype=dtype)
        self.learning_rate_decay_op = self.learning_rate.assign(
            self.learning_rate * learning_rate_decay_factor)
        self.global_step = tf.Variable(0, trainable=False)
        output_projection = None
        softmax_loss_function = None
        assert not 0 < num_samples < target_vocab_size  # no sampled softmax here

        def single_cell():
            return tf.nn.rnn_cell.GRUCell(size)
        cell = single_cell()
        if num_layers > 1:
            cell = tf.nn.rnn_cell.MultiRNNCell([single_cell() for _ in range(num_layers)])

        def seq2seq_f(encoder_inputs, decoder_inputs, do_decode):
            return legacy_seq2seq.embedding_attention_seq2seq(
                encoder_inputs, decoder_inputs, copy.deepcopy(cell),
                num_encoder_symbols=source_vocab_size,
                num_decoder_symbols=target_vocab_size, embedding_size=size,
                output_projection=output_projection, feed_previous=do_decode, dtype=dtype)

        self.encoder_inputs = []
        self.decoder_inputs = []
        self.target_weights = []
        for i in range(buckets[-1][0]):
            self.encoder_inputs.append(tf.placeholder(tf.int32, shape=[None],
                                                      name=f"encoder{i}"))
        for i in range(buckets[-1][1] + 1):
            self.decoder_inputs.append(tf.placeholder(tf.int32, shape=[None],
                                                      name=f"decoder{i}"))
            self.target_weights.append(tf.placeholder(dtype, shape=[None],
                                                      name=f"weight{i}"))
        targets = [self.decoder_inputs[i + 1] for i in range(len(self.decoder_inputs) - 1)]
        self.outputs, self.losses = legacy_seq2seq.model_with_buckets(
            self.encoder_inputs, self.decoder_inputs, targets, self.target_weights, buckets,
            lambda x, y: seq2seq_f(x, y, False), softmax_loss_function=softmax_loss_function)
        params = tf.trainable_variables()
        self.gradient_norms = []
        self.updates = []
        opt = tf.train.GradientDescentOptimizer(self.learning_rate)
        for b in range(len(buckets)):
            gradients = tf.gradients(self.losses[b], params)
            clipped_gradients, norm = tf.clip_by_global_norm(gradients, max_gradient_norm)
            self.gradient_norms.append(norm)
            self.updates.append(opt.apply_gradients(zip(clipped_gradients, params),
                                                    global_step=self.global_step))
        self.saver = tf.train.Saver(tf.global_variables())

    def step(self, session, encoder_inputs, decoder_inputs, target_weights, bucket_id,
             forward_only):
        encoder_size, decoder_size = self.buckets[bucket_id]
        if len(encoder_inputs) != encoder_size:
            raise ValueError("Encoder length must be equal to the one in bucket, "
                             f"{len(encoder_inputs)} != {encoder_size}.")
        input_feed = {}
        for n in range(encoder_size):
            input_feed[self.encoder_inputs[n].name] = encoder_inputs[n]
        for n in range(decoder_size):
            input_feed[self.decoder_inputs[n].name] = decoder_inputs[n]
            input_feed[self.target_weights[n].name] = target_weights[n]
        last_target = self.decoder_inputs[decoder_size].name
        input_feed[last_target] = np.zeros([self.batch_size], dtype=np.int32)
        if not forward_only:
            output_feed = [self.updates[bucket_id], self.gradient_norms[bucket_id],
                           self.losses[bucket_id]]
        else:
            output_feed = [self.losses[bucket_id]]
            for n in range(decoder_size):
                output_feed.append(self.outputs[bucket_id][n])
        outputs = session.run(output_feed, input_feed)
        if not forward_only:
            return outputs[1], outputs[2], None
        return None, outputs[0], outputs[1:]

    def get_batch(self, data, bucket_id):
        encoder_size, decoder_size = self.buckets[bucket_id]
        encoder_inputs, decoder_inputs = [], []
        for _ in range(self.batch_size):
            encoder_input, decoder_input = self.rng.choice(data[bucket_id])
            encoder_pad = [PAD_ID] * (encoder_size - len(encoder_input))
            encoder_inputs.append(list(reversed(encoder_input + encoder_pad)))
            decoder_pad_size = decoder_size - len(decoder_input) - 1
            decoder_inputs.append([GO_ID] + decoder_input + [PAD_ID] * decoder_pad_size)
        batch_encoder_inputs, batch_decoder_inputs, batch_weights = [], [], []
        for length_idx in range(encoder_size):
            batch_encoder_inputs.append(np.array(
                [encoder_inputs[b][length_idx] for b in range(self.batch_size)],
                dtype=np.int32))
        for length_idx in range(decoder_size):
            batch_decoder_inputs.append(np.array(
                [decoder_inputs[b][length_idx] for b in range(self.batch_size)],
                dtype=np.int32))
            batch_weight = np.ones(self.batch_size, dtype=np.float32)
            for b in range(self.batch_size):
                if length_idx < decoder_size - 1:
                    target = decoder_inputs[b][length_idx + 1]
                if length_idx == decoder_size - 1 or target == PAD_ID:
                    batch_weight[b] = 0.0
            batch_weights.append(batch_weight)
        return batch_encoder_inputs, batch_decoder_inputs, batch_weights


def main(tf):
    legacy = (tf.contrib.legacy_seq2seq if hasattr(tf, "contrib")
              else _tf1_legacy_seq2seq(tf))
    rng = random.Random(0)
    model = Seq2SeqModel(tf, legacy, rng, 10, 10, [(3, 3), (6, 6)], 32, 2, 5.0, 32, 0.3,
                         0.99, num_samples=0)
    data_set = ([([1, 1], [2, 2]), ([3, 3], [4]), ([5], [6])],
                [([1, 1, 1, 1, 1], [2, 2, 2, 2, 2]), ([3, 3, 3], [5, 6])])
    losses, norms = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for v in tf.trainable_variables():
            if v.op.name.endswith("AttnV_0"):  # a 1-D weight: give it values too
                shape = v.shape.as_list()
                v.load(np.random.RandomState(1).uniform(-0.5, 0.5, shape)
                       .astype(np.float32), sess)
        for _ in range(40):
            bucket_id = rng.choice([0, 1])
            encoder_inputs, decoder_inputs, target_weights = model.get_batch(data_set,
                                                                             bucket_id)
            norm, loss, _ = model.step(sess, encoder_inputs, decoder_inputs,
                                       target_weights, bucket_id, False)
            losses.append(float(loss))
            norms.append(float(norm))
        sess.run(model.learning_rate_decay_op)
        evals, argmax = [], []
        for bucket_id in (0, 1):
            batch = model.get_batch(data_set, bucket_id)
            _, loss, outputs = model.step(sess, *batch, bucket_id, True)
            evals.append(float(loss))
            argmax.append([int(i) for i in np.argmax(outputs[0], axis=1)[:4]])
        names = sorted(v.op.name for v in tf.trainable_variables())
    return {"first_loss": losses[0], "loss": float(np.mean(losses[-5:])),
            "grad_norm": float(np.mean(norms)), "eval_loss_0": evals[0],
            "eval_loss_1": evals[1], "variables": names, "eval_argmax": argmax}
