"""Keith Ito's Tacotron (github.com/keithito/tacotron, MIT; TF 1.x: ``models/tacotron.py``,
``models/modules.py``, ``models/rnn_wrappers.py``, ``models/helpers.py``, ``train.py``'s
``add_stats`` and training loop). The model as written: character embeddings, the
pre-net, the CBHG encoder (conv bank of ``tf.layers.conv1d`` + ``batch_normalization``,
``max_pooling1d``, projections, residual, a dense to half depth, 4 highway layers, a
bidirectional GRU with ``sequence_length``); the decoder cell stack
``OutputProjectionWrapper(MultiRNNCell([OutputProjectionWrapper(
ConcatOutputAndAttentionWrapper(DecoderPrenetWrapper(AttentionWrapper(GRUCell,
BahdanauAttention(depth, encoder_outputs), alignment_history=True,
output_attention=False)))), ResidualWrapper(GRUCell), ResidualWrapper(GRUCell)]))``
(the two custom ``RNNCell`` wrappers: a pre-net on the inputs, and the cell output
concatenated with ``state.attention``; ``output_size`` from ``state_size.attention``);
``zero_state``; a custom ``tf.contrib.seq2seq.Helper`` subclass (``TacoTrainingHelper``:
<GO> frames by ``tf.tile``, every r-th target frame fed back, finished at the full
length); ``BasicDecoder`` + ``dynamic_decode(maximum_iterations=...)`` unpacked as
``(decoder_outputs, _), final_decoder_state, _``; the post CBHG and the linear
projection; alignments from ``final_decoder_state[0].alignment_history.stack()``; the
L1 losses with the low-frequency priority slice; Adam on the Noam schedule,
``clip_by_global_norm``, ``UPDATE_OPS`` control dependencies; ``add_stats``'s
histograms and scalars (``tf.norm`` of each gradient); ``train.py``'s loop with a
summary and a checkpoint (``Saver(max_to_keep=5, keep_checkpoint_every_n_hours=2)``) at
intervals, and the alignment fetch.

Adapted: LJSpeech and the ``DataFeeder`` thread (which feeds placeholders into a queue)
are replaced by feeding the same placeholders with generated batches (character ids of
the original symbol set without the ARPAbet symbols, mel and linear "spectrograms" of
smooth random curves, all of one length); the pre-net's hard-coded training dropout 0.5
is 0 (its masks are backend-specific); the hard-coded sizes are cut with the
hyperparameters (conv banks K 16 / 8 -> 2, 128 / 256 channels -> 4, every depth 8, 4
mels, 9 frequencies, r 2, batch 4, 3 steps); ``HParams`` is a namespace; no audio
synthesis, plots, logging or git calls; files go to a temporary directory; same
starting weights (the 1-D ``attention_v`` a seeded draw). TF 2.21 has no
``tf.contrib``: there ``GRUCell``, ``MultiRNNCell``, ``ResidualWrapper``, ``RNNCell`` are
``tf.nn.rnn_cell``'s, and ``OutputProjectionWrapper``, ``AttentionWrapper`` /
``BahdanauAttention`` and the decoding loop (``BasicDecoder`` + ``dynamic_decode`` with
the helper) are written out below as contrib 1.15 defines them, with the same variable
names (the loop unrolled over the fixed number of decoder steps). So TF's reference
numbers check trainkit's ``tf.contrib`` seq2seq and cell wrappers against TF's core
ops."""

from __future__ import annotations

import collections
import os
import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "loss": 1e-3, "mel_loss": 1e-3, "alignments": 1e-4,
           "alignment_shape": 0.0, "global_step": 0.0, "max_gradient_norm": 1e-3,
           "checkpoints": 0.0}

_pad = '_'
_eos = '~'
_characters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!\'(),-.:;? '
symbols = [_pad, _eos] + list(_characters)

T_OUT = 8  # output frames of every utterance


def make_hparams():
    return SimpleNamespace(
        num_mels=4, num_freq=9, sample_rate=20000, outputs_per_step=2, embed_depth=8,
        prenet_depths=[8, 4], encoder_depth=8, postnet_depth=8, attention_depth=8,
        decoder_depth=8, batch_size=4, adam_beta1=0.9, adam_beta2=0.999,
        initial_learning_rate=0.002, decay_learning_rate=True, max_iters=200)


def make_contrib(tf):
    """The ``tf.contrib`` names the model imports: contrib's under trainkit, stand-ins
    written from contrib 1.15's definitions under TF 2.x."""
    if hasattr(tf, "contrib"):
        return SimpleNamespace(
            GRUCell=tf.contrib.rnn.GRUCell, MultiRNNCell=tf.contrib.rnn.MultiRNNCell,
            OutputProjectionWrapper=tf.contrib.rnn.OutputProjectionWrapper,
            ResidualWrapper=tf.contrib.rnn.ResidualWrapper, RNNCell=tf.contrib.rnn.RNNCell,
            BasicDecoder=tf.contrib.seq2seq.BasicDecoder,
            BahdanauAttention=tf.contrib.seq2seq.BahdanauAttention,
            AttentionWrapper=tf.contrib.seq2seq.AttentionWrapper,
            Helper=tf.contrib.seq2seq.Helper, dynamic_decode=tf.contrib.seq2seq.dynamic_decode)
    rnn_cell = tf.nn.rnn_cell
    State = collections.namedtuple("AttentionWrapperState", (
        "cell_state", "attention", "time", "alignments", "alignment_history",
        "attention_state"))

    class OutputProjectionWrapper(rnn_cell.RNNCell):
        def __init__(self, cell, output_size):
            super().__init__()
            self._cell, self._output_size = cell, output_size

        @property
        def state_size(self):
            return self._cell.state_size

        @property
        def output_size(self):
            return self._output_size

        def zero_state(self, batch_size, dtype):
            return self._cell.zero_state(batch_size, dtype)

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            kernel = tf.get_variable("kernel", [output.shape[-1].value, self._output_size])
            bias = tf.get_variable("bias", [self._output_size],
                                   initializer=tf.zeros_initializer())
            return tf.matmul(output, kernel) + bias, res_state

    class BahdanauAttention:
        def __init__(self, num_units, memory):
            self.num_units, self.values = num_units, memory
            self.keys = tf.layers.dense(memory, num_units, use_bias=False,
                                        name="memory_layer")

    class AttentionWrapper(rnn_cell.RNNCell):
        """``attention_layer_size=None``, ``output_attention=False``."""

        def __init__(self, cell, mechanism, alignment_history=True, output_attention=False):
            super().__init__()
            self._cell, self._mech = cell, mechanism

        @property
        def state_size(self):
            return State(self._cell.state_size, self._mech.values.shape[-1].value,
                         tf.TensorShape([]), None, (), ())

        @property
        def output_size(self):
            return self._cell.output_size

        def zero_state(self, batch_size, dtype):
            depth = self._mech.values.shape[-1].value
            alignments = tf.zeros(tf.stack([batch_size, tf.shape(self._mech.values)[1]]))
            return State(self._cell.zero_state(batch_size, dtype),
                         tf.zeros(tf.stack([batch_size, depth])), tf.zeros([], tf.int32),
                         alignments, tf.TensorArray(tf.float32, size=0, dynamic_size=True),
                         alignments)

        def call(self, inputs, state):
            cell_output, next_cell_state = self._cell(tf.concat([inputs, state.attention], -1),
                                                      state.cell_state)
            with tf.variable_scope("bahdanau_attention"):
                query = tf.expand_dims(tf.layers.dense(cell_output, self._mech.num_units,
                                                       use_bias=False, name="query_layer"), 1)
                v = tf.get_variable("attention_v", [self._mech.num_units])
                score = tf.reduce_sum(v * tf.tanh(self._mech.keys + query), [2])
            alignments = tf.nn.softmax(score)
            context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1), self._mech.values),
                                 [1])
            history = state.alignment_history.write(state.time, alignments)
            return cell_output, State(next_cell_state, context, state.time + 1, alignments,
                                      history, alignments)

    class Helper:
        pass

    class BasicDecoder:
        def __init__(self, cell, helper, initial_state):
            self.cell, self.helper, self.initial_state = cell, helper, initial_state

    def dynamic_decode(decoder, maximum_iterations=None):
        _, inputs = decoder.helper.initialize()
        state, outputs = decoder.initial_state, []
        with tf.variable_scope("decoder"):
            for t in range(T_OUT // decoder.helper.r):
                output, state = decoder.cell(inputs, state)
                outputs.append(output)
                _, inputs, state = decoder.helper.next_inputs(t, output, state, None)
        return (tf.stack(outputs, 1), None), state, None

    return SimpleNamespace(
        GRUCell=rnn_cell.GRUCell, MultiRNNCell=rnn_cell.MultiRNNCell,
        OutputProjectionWrapper=OutputProjectionWrapper,
        ResidualWrapper=rnn_cell.ResidualWrapper, RNNCell=rnn_cell.RNNCell,
        BasicDecoder=BasicDecoder, BahdanauAttention=BahdanauAttention,
        AttentionWrapper=AttentionWrapper, Helper=Helper, dynamic_decode=dynamic_decode)


def make_model(tf, c):
    """``models/modules.py``, ``rnn_wrappers.py``, ``helpers.py``, ``tacotron.py``."""
    GRUCell, MultiRNNCell, RNNCell = c.GRUCell, c.MultiRNNCell, c.RNNCell
    OutputProjectionWrapper, ResidualWrapper = c.OutputProjectionWrapper, c.ResidualWrapper
    BasicDecoder, BahdanauAttention = c.BasicDecoder, c.BahdanauAttention
    AttentionWrapper, Helper = c.AttentionWrapper, c.Helper

    # -- modules.py ----------------------------------------------------------------------
    def prenet(inputs, is_training, layer_sizes, scope=None):
        x = inputs
        drop_rate = 0.0  # 0.5 if is_training else 0.0
        with tf.variable_scope(scope or 'prenet'):
            for i, size in enumerate(layer_sizes):
                dense = tf.layers.dense(x, units=size, activation=tf.nn.relu,
                                        name=f'dense_{i + 1}')
                x = tf.layers.dropout(dense, rate=drop_rate, training=is_training,
                                      name=f'dropout_{i + 1}')
        return x

    def encoder_cbhg(inputs, input_lengths, is_training, depth):
        input_channels = inputs.get_shape()[2]
        return cbhg(
            inputs,
            input_lengths,
            is_training,
            scope='encoder_cbhg',
            K=2,
            projections=[4, input_channels],
            depth=depth)

    def post_cbhg(inputs, input_dim, is_training, depth):
        return cbhg(
            inputs,
            None,
            is_training,
            scope='post_cbhg',
            K=2,
            projections=[4, input_dim],
            depth=depth)

    def cbhg(inputs, input_lengths, is_training, scope, K, projections, depth):
        with tf.variable_scope(scope):
            with tf.variable_scope('conv_bank'):
                # Convolution bank: concatenate on the last axis to stack channels from all
                # convolutions
                conv_outputs = tf.concat(
                    [conv1d(inputs, k, 4, tf.nn.relu, is_training, f'conv1d_{k}')
                     for k in range(1, K + 1)],
                    axis=-1
                )

            # Maxpooling:
            maxpool_output = tf.layers.max_pooling1d(
                conv_outputs,
                pool_size=2,
                strides=1,
                padding='same')

            # Two projection layers:
            proj1_output = conv1d(maxpool_output, 3, projections[0], tf.nn.relu, is_training,
                                  'proj_1')
            proj2_output = conv1d(proj1_output, 3, projections[1], None, is_training,
                                  'proj_2')

            # Residual connection:
            highway_input = proj2_output + inputs

            half_depth = depth // 2
            assert half_depth * 2 == depth, 'encoder and postnet depths must be even.'

            # Handle dimensionality mismatch:
            if highway_input.shape[2] != half_depth:
                highway_input = tf.layers.dense(highway_input, half_depth)

            # 4-layer HighwayNet:
            for i in range(4):
                highway_input = highwaynet(highway_input, f'highway_{i + 1}', half_depth)
            rnn_input = highway_input

            # Bidirectional RNN
            outputs, states = tf.nn.bidirectional_dynamic_rnn(
                GRUCell(half_depth),
                GRUCell(half_depth),
                rnn_input,
                sequence_length=input_lengths,
                dtype=tf.float32)
            return tf.concat(outputs, axis=2)  # Concat forward and backward

    def highwaynet(inputs, scope, depth):
        with tf.variable_scope(scope):
            H = tf.layers.dense(
                inputs,
                units=depth,
                activation=tf.nn.relu,
                name='H')
            T = tf.layers.dense(
                inputs,
                units=depth,
                activation=tf.nn.sigmoid,
                name='T',
                bias_initializer=tf.constant_initializer(-1.0))
            return H * T + inputs * (1.0 - T)

    def conv1d(inputs, kernel_size, channels, activation, is_training, scope):
        with tf.variable_scope(scope):
            conv1d_output = tf.layers.conv1d(
                inputs,
                filters=channels,
                kernel_size=kernel_size,
                activation=activation,
                padding='same')
            return tf.layers.batch_normalization(conv1d_output, training=is_training)

    # -- rnn_wrappers.py ---------------------------------------------------------------
    class DecoderPrenetWrapper(RNNCell):
        '''Runs RNN inputs through a prenet before sending them to the cell.'''
        def __init__(self, cell, is_training, layer_sizes):
            super().__init__()
            self._cell = cell
            self._is_training = is_training
            self._layer_sizes = layer_sizes

        @property
        def state_size(self):
            return self._cell.state_size

        @property
        def output_size(self):
            return self._cell.output_size

        def call(self, inputs, state):
            prenet_out = prenet(inputs, self._is_training, self._layer_sizes,
                                scope='decoder_prenet')
            return self._cell(prenet_out, state)

        def zero_state(self, batch_size, dtype):
            return self._cell.zero_state(batch_size, dtype)

    class ConcatOutputAndAttentionWrapper(RNNCell):
        '''Concatenates RNN cell output with the attention context vector.'''
        def __init__(self, cell):
            super().__init__()
            self._cell = cell

        @property
        def state_size(self):
            return self._cell.state_size

        @property
        def output_size(self):
            return self._cell.output_size + self._cell.state_size.attention

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            return tf.concat([output, res_state.attention], axis=-1), res_state

        def zero_state(self, batch_size, dtype):
            return self._cell.zero_state(batch_size, dtype)

    # -- helpers.py ----------------------------------------------------------------------
    class TacoTrainingHelper(Helper):
        def __init__(self, inputs, targets, output_dim, r):
            # inputs is [N, T_in], targets is [N, T_out, D]
            with tf.name_scope('TacoTrainingHelper'):
                self._batch_size = tf.shape(inputs)[0]
                self._output_dim = output_dim
                self.r = r

                # Feed every r-th target frame as input
                self._targets = targets[:, r - 1::r, :]

                # Use full length for every target because we don't want to mask the
                # padding frames
                num_steps = tf.shape(self._targets)[1]
                self._lengths = tf.tile([num_steps], [self._batch_size])

        @property
        def batch_size(self):
            return self._batch_size

        @property
        def sample_ids_shape(self):
            return tf.TensorShape([])

        @property
        def sample_ids_dtype(self):
            return np.int32

        def initialize(self, name=None):
            return (tf.tile([False], [self._batch_size]),
                    _go_frames(self._batch_size, self._output_dim))

        def sample(self, time, outputs, state, name=None):
            return tf.tile([0], [self._batch_size])  # Return all 0; we ignore them

        def next_inputs(self, time, outputs, state, sample_ids, name=None):
            with tf.name_scope(name or 'TacoTrainingHelper'):
                finished = (time + 1 >= self._lengths)
                next_inputs = self._targets[:, time, :]
                return (finished, next_inputs, state)

    def _go_frames(batch_size, output_dim):
        '''Returns all-zero <GO> frames for a given batch size and output dimension'''
        return tf.tile([[0.0]], [batch_size, output_dim])

    # -- tacotron.py ---------------------------------------------------------------------
    class Tacotron:
        def __init__(self, hparams):
            self._hparams = hparams

        def initialize(self, inputs, input_lengths, mel_targets=None, linear_targets=None):
            with tf.variable_scope('inference') as scope:  # noqa: F841
                is_training = linear_targets is not None
                batch_size = tf.shape(inputs)[0]
                hp = self._hparams

                # Embeddings
                embedding_table = tf.get_variable(
                    'embedding', [len(symbols), hp.embed_depth], dtype=tf.float32,
                    initializer=tf.truncated_normal_initializer(stddev=0.5))
                embedded_inputs = tf.nn.embedding_lookup(embedding_table, inputs)

                # Encoder
                prenet_outputs = prenet(embedded_inputs, is_training, hp.prenet_depths)
                encoder_outputs = encoder_cbhg(prenet_outputs, input_lengths, is_training,
                                               hp.encoder_depth)

                # Attention
                attention_cell = AttentionWrapper(
                    GRUCell(hp.attention_depth),
                    BahdanauAttention(hp.attention_depth, encoder_outputs),
                    alignment_history=True,
                    output_attention=False)

                # Apply prenet before concatenation in AttentionWrapper.
                attention_cell = DecoderPrenetWrapper(attention_cell, is_training,
                                                      hp.prenet_depths)

                # Concatenate attention context vector and RNN cell output into a
                # 2*attention_depth=512D vector.
                concat_cell = ConcatOutputAndAttentionWrapper(attention_cell)

                # Decoder (layers specified bottom to top):
                decoder_cell = MultiRNNCell([
                    OutputProjectionWrapper(concat_cell, hp.decoder_depth),
                    ResidualWrapper(GRUCell(hp.decoder_depth)),
                    ResidualWrapper(GRUCell(hp.decoder_depth))
                ], state_is_tuple=True)

                # Project onto r mel spectrograms (predict r outputs at each RNN step):
                output_cell = OutputProjectionWrapper(decoder_cell,
                                                      hp.num_mels * hp.outputs_per_step)
                decoder_init_state = output_cell.zero_state(batch_size=batch_size,
                                                            dtype=tf.float32)

                helper = TacoTrainingHelper(inputs, mel_targets, hp.num_mels,
                                            hp.outputs_per_step)

                (decoder_outputs, _), final_decoder_state, _ = c.dynamic_decode(
                    BasicDecoder(output_cell, helper, decoder_init_state),
                    maximum_iterations=hp.max_iters)  # [N, T_out/r, M*r]

                # Reshape outputs to be one output per entry
                mel_outputs = tf.reshape(decoder_outputs, [batch_size, -1, hp.num_mels])

                # Add post-processing CBHG:
                post_outputs = post_cbhg(mel_outputs, hp.num_mels, is_training,
                                         hp.postnet_depth)
                linear_outputs = tf.layers.dense(post_outputs, hp.num_freq)  # [N, T_out, F]

                # Grab alignments from the final decoder state:
                alignments = tf.transpose(final_decoder_state[0].alignment_history.stack(),
                                          [1, 2, 0])

                self.inputs = inputs
                self.input_lengths = input_lengths
                self.mel_outputs = mel_outputs
                self.linear_outputs = linear_outputs
                self.alignments = alignments
                self.mel_targets = mel_targets
                self.linear_targets = linear_targets

        def add_loss(self):
            with tf.variable_scope('loss') as scope:  # noqa: F841
                hp = self._hparams
                self.mel_loss = tf.reduce_mean(tf.abs(self.mel_targets - self.mel_outputs))
                l1 = tf.abs(self.linear_targets - self.linear_outputs)
                # Prioritize loss for frequencies under 3000 Hz.
                n_priority_freq = int(3000 / (hp.sample_rate * 0.5) * hp.num_freq)
                self.linear_loss = (0.5 * tf.reduce_mean(l1)
                                    + 0.5 * tf.reduce_mean(l1[:, :, 0:n_priority_freq]))
                self.loss = self.mel_loss + self.linear_loss

        def add_optimizer(self, global_step):
            with tf.variable_scope('optimizer') as scope:  # noqa: F841
                hp = self._hparams
                if hp.decay_learning_rate:
                    self.learning_rate = _learning_rate_decay(hp.initial_learning_rate,
                                                              global_step)
                else:
                    self.learning_rate = tf.convert_to_tensor(hp.initial_learning_rate)
                optimizer = tf.train.AdamOptimizer(self.learning_rate, hp.adam_beta1,
                                                   hp.adam_beta2)
                gradients, variables = zip(*optimizer.compute_gradients(self.loss))
                self.gradients = gradients
                clipped_gradients, _ = tf.clip_by_global_norm(gradients, 1.0)

                # Add dependency on UPDATE_OPS; otherwise batchnorm won't work correctly.
                with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                    self.optimize = optimizer.apply_gradients(zip(clipped_gradients,
                                                                  variables),
                                                              global_step=global_step)

    def _learning_rate_decay(init_lr, global_step):
        # Noam scheme from tensor2tensor:
        warmup_steps = 4000.0
        step = tf.cast(global_step + 1, dtype=tf.float32)
        return init_lr * warmup_steps**0.5 * tf.minimum(step * warmup_steps**-1.5,
                                                        step**-0.5)

    return Tacotron


def add_stats(tf, model):
    with tf.variable_scope('stats') as scope:  # noqa: F841
        tf.summary.histogram('linear_outputs', model.linear_outputs)
        tf.summary.histogram('linear_targets', model.linear_targets)
        tf.summary.histogram('mel_outputs', model.mel_outputs)
        tf.summary.histogram('mel_targets', model.mel_targets)
        tf.summary.scalar('loss_mel', model.mel_loss)
        tf.summary.scalar('loss_linear', model.linear_loss)
        tf.summary.scalar('learning_rate', model.learning_rate)
        tf.summary.scalar('loss', model.loss)
        gradient_norms = [tf.norm(grad) for grad in model.gradients]
        tf.summary.histogram('gradient_norm', gradient_norms)
        tf.summary.scalar('max_gradient_norm', tf.reduce_max(gradient_norms))
        return tf.summary.merge_all(), tf.reduce_max(gradient_norms)


def make_batches(hp, rng, n):
    """Feeder-shaped batches: (inputs, input_lengths, mel_targets, linear_targets)."""
    batches = []
    for _ in range(n):
        lengths = rng.randint(4, 11, hp.batch_size)
        inputs = np.zeros((hp.batch_size, lengths.max()), np.int32)
        for b, n_chars in enumerate(lengths):
            inputs[b, :n_chars - 1] = rng.randint(2, 2 + 26, n_chars - 1)
            inputs[b, n_chars - 1] = 1  # ~ (eos)
        t = np.linspace(0, 1, T_OUT)[None, :, None]
        phase = rng.uniform(0, 1, (hp.batch_size, 1, 1))
        linear = 0.5 + 0.4 * np.sin(2 * np.pi * (t + phase + np.linspace(0, 1, hp.num_freq)))
        mel = linear[:, :, :hp.num_mels]
        batches.append((inputs, lengths.astype(np.int32), mel.astype(np.float32),
                        linear.astype(np.float32)))
    return batches


def main(tf):
    hparams = make_hparams()
    log_dir = tempfile.mkdtemp(prefix="keithito_tacotron_")
    checkpoint_path = os.path.join(log_dir, 'model.ckpt')
    Tacotron = make_model(tf, make_contrib(tf))
    batches = make_batches(hparams, np.random.RandomState(0), 3)

    # The DataFeeder's placeholders, fed directly.
    with tf.variable_scope('datafeeder') as scope:  # noqa: F841
        feeder = SimpleNamespace(
            inputs=tf.placeholder(tf.int32, [None, None], 'inputs'),
            input_lengths=tf.placeholder(tf.int32, [None], 'input_lengths'),
            mel_targets=tf.placeholder(tf.float32, [None, None, hparams.num_mels],
                                       'mel_targets'),
            linear_targets=tf.placeholder(tf.float32, [None, None, hparams.num_freq],
                                          'linear_targets'))

    # Set up model:
    global_step = tf.Variable(0, name='global_step', trainable=False)
    with tf.variable_scope('model') as scope:  # noqa: F841
        model = Tacotron(hparams)
        model.initialize(feeder.inputs, feeder.input_lengths, feeder.mel_targets,
                         feeder.linear_targets)
        model.add_loss()
        model.add_optimizer(global_step)
        stats, max_gradient_norm = add_stats(tf, model)

    saver = tf.train.Saver(max_to_keep=5, keep_checkpoint_every_n_hours=2)
    losses = []
    with tf.Session() as sess:
        summary_writer = tf.summary.FileWriter(log_dir, sess.graph)
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        rng = np.random.RandomState(1)
        for v in tf.trainable_variables():
            if v.name.endswith("attention_v:0"):
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)
        for batch in batches:
            feed = dict(zip([feeder.inputs, feeder.input_lengths, feeder.mel_targets,
                             feeder.linear_targets], batch))
            _, loss, opt = sess.run([global_step, model.loss, model.optimize], feed)
            losses.append(float(loss))
        step = sess.run(global_step)
        summary, mel_loss, norm = sess.run([stats, model.mel_loss, max_gradient_norm], feed)
        summary_writer.add_summary(summary, step)
        saver.save(sess, checkpoint_path, global_step=step)
        input_seq, spectrogram, alignment = sess.run([
            model.inputs[0], model.linear_outputs[0], model.alignments[0]], feed)
        summary_writer.close()
    checkpoints = tf.train.get_checkpoint_state(log_dir).all_model_checkpoint_paths
    return {"first_loss": losses[0], "loss": losses[-1], "mel_loss": float(mel_loss),
            "max_gradient_norm": float(norm),
            "alignments": float((alignment * np.arange(len(alignment))[:, None]).sum()),
            "alignment_shape": list(alignment.shape), "global_step": int(step),
            "checkpoints": [os.path.basename(p) for p in checkpoints]}
