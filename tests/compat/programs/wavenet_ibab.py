"""WaveNet, after ibab/tensorflow-wavenet: ``wavenet/ops.py`` (``time_to_batch`` /
``batch_to_time`` built from ``tf.shape``, ``tf.pad``, ``tf.reshape`` and ``tf.transpose``;
``causal_conv`` with ``tf.nn.conv1d`` and a ``tf.slice`` whose size comes from
``tf.shape``; ``mu_law_encode`` / ``mu_law_decode``; ``create_adam_optimizer``) and
``wavenet/model.py`` as published (``tf.Variable`` of a called
``xavier_initializer_conv2d``, biases made by ``tf.Variable(value, name)`` whose second
positional argument is ``trainable``; the gated dilated stack with skip outputs cut by
``tf.slice``; ``loss`` with ``softmax_cross_entropy_with_logits`` on a one-hot target; the
slow ``predict_proba`` (softmax in float64) and the incremental
``predict_proba_incremental``, whose ``tf.FIFOQueue`` per layer is dequeued and
re-filled by a ``push_ops`` enqueue fetched in the same ``Session.run``). ``train.py``'s
loop: the ``AudioReader`` of ``wavenet/audio_reader.py`` (a background thread feeding a
``tf.PaddingFIFOQueue`` of ``[None, 1]`` pieces through a placeholder, ``dequeue_many``
giving the batch), ``tf.train.Coordinator``, ``start_queue_runners``, a
``Saver(var_list=tf.trainable_variables())`` checkpoint per ``save``; then
``generate.py``'s generation in a fresh graph restoring through a ``{name: var}`` dict,
first the slow way and then the fast (queue) way, each sample drawn with
``np.random.choice`` from the predicted distribution and decoded with ``mu_law_decode``.

Adapted: the VCTK download and ``librosa.load`` are replaced by six synthetic "files"
(sums of two sines with a decaying envelope, 60-140 samples) that ``load_generic_audio``
yields in order and, after the last, stops the coordinator (so the reader thread, which
sees ``should_stop`` on the next file, ends instead of looping for ever); silence trimming
is off (``--silence_threshold 0``, its ``librosa.feature.rmse`` unused). Small sizes: the
dilations ``[1, 2, 1, 2]``, 8 residual and dilation channels, 16 skip channels, 32
quantization channels, ``sample_size`` 24, 4 steps of batch 1 with Adam at 1e-2, six
samples generated each way; the ``--gc_*`` and ``--histograms`` options left at their
defaults (off); prints and the timeline left out. The ``xavier`` starting values are replaced by
:func:`common.same_start`'s NumPy draws so both backends start alike, and the
generators are seeded (``np.random.seed(0)``)."""

from __future__ import annotations

import os
import tempfile
import threading

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "receptive_field": 0.0,
           "pieces": 0.0, "slow_samples": 0.0, "fast_samples": 0.0,
           "slow_first_proba_max": 1e-4, "fast_first_proba_max": 1e-4,
           "decoded_sum": 1e-4, "restored": 0.0}

PARAMS = {"filter_width": 2, "sample_rate": 16000, "dilations": [1, 2, 1, 2],
          "residual_channels": 8, "dilation_channels": 8, "quantization_channels": 32,
          "skip_channels": 16, "use_biases": True, "scalar_input": False,
          "initial_filter_width": 32}


def _wavenet(tf):
    """``wavenet/ops.py`` and ``wavenet/model.py``, as published (the class docstring and
    the ``__init__`` argument list's docstring left out)."""
    tfc = contrib(tf)  # ``tf.contrib`` (or TF 1.15's stand-in under TF 2.x)


    def create_adam_optimizer(learning_rate, momentum):
        return tf.train.AdamOptimizer(learning_rate=learning_rate,
                                      epsilon=1e-4)


    def create_sgd_optimizer(learning_rate, momentum):
        return tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                          momentum=momentum)


    def create_rmsprop_optimizer(learning_rate, momentum):
        return tf.train.RMSPropOptimizer(learning_rate=learning_rate,
                                         momentum=momentum,
                                         epsilon=1e-5)


    optimizer_factory = {'adam': create_adam_optimizer,
                         'sgd': create_sgd_optimizer,
                         'rmsprop': create_rmsprop_optimizer}


    def time_to_batch(value, dilation, name=None):
        with tf.name_scope('time_to_batch'):
            shape = tf.shape(value)
            pad_elements = dilation - 1 - (shape[1] + dilation - 1) % dilation
            padded = tf.pad(value, [[0, 0], [0, pad_elements], [0, 0]])
            reshaped = tf.reshape(padded, [-1, dilation, shape[2]])
            transposed = tf.transpose(reshaped, perm=[1, 0, 2])
            return tf.reshape(transposed, [shape[0] * dilation, -1, shape[2]])


    def batch_to_time(value, dilation, name=None):
        with tf.name_scope('batch_to_time'):
            shape = tf.shape(value)
            prepared = tf.reshape(value, [dilation, -1, shape[2]])
            transposed = tf.transpose(prepared, perm=[1, 0, 2])
            return tf.reshape(transposed,
                              [tf.div(shape[0], dilation), -1, shape[2]])


    def causal_conv(value, filter_, dilation, name='causal_conv'):
        with tf.name_scope(name):
            filter_width = tf.shape(filter_)[0]
            if dilation > 1:
                transformed = time_to_batch(value, dilation)
                conv = tf.nn.conv1d(transformed, filter_, stride=1,
                                    padding='VALID')
                restored = batch_to_time(conv, dilation)
            else:
                restored = tf.nn.conv1d(value, filter_, stride=1, padding='VALID')
            # Remove excess elements at the end.
            out_width = tf.shape(value)[1] - (filter_width - 1) * dilation
            result = tf.slice(restored,
                              [0, 0, 0],
                              [-1, out_width, -1])
            return result


    def mu_law_encode(audio, quantization_channels):
        '''Quantizes waveform amplitudes.'''
        with tf.name_scope('encode'):
            mu = tf.to_float(quantization_channels - 1)
            # Perform mu-law companding transformation (ITU-T, 1988).
            # Minimum operation is here to deal with rare large amplitudes caused
            # by resampling.
            safe_audio_abs = tf.minimum(tf.abs(audio), 1.0)
            magnitude = tf.log1p(mu * safe_audio_abs) / tf.log1p(mu)
            signal = tf.sign(audio) * magnitude
            # Quantize signal to the specified number of levels.
            return tf.to_int32((signal + 1) / 2 * mu + 0.5)


    def mu_law_decode(output, quantization_channels):
        '''Recovers waveform from quantized values.'''
        with tf.name_scope('decode'):
            mu = quantization_channels - 1
            # Map values back to [-1, 1].
            signal = 2 * (tf.to_float(output) / mu) - 1
            # Perform inverse of mu-law transformation.
            magnitude = (1 / mu) * ((1 + mu)**abs(signal) - 1)
            return tf.sign(signal) * magnitude


    def create_variable(name, shape):
        '''Create a convolution filter variable with the specified name and shape,
        and initialize it using Xavier initialition.'''
        initializer = tfc.layers.xavier_initializer_conv2d()
        variable = tf.Variable(initializer(shape=shape), name=name)
        return variable


    def create_embedding_table(name, shape):
        if shape[0] == shape[1]:
            # Make a one-hot encoding as the initial value.
            initial_val = np.identity(n=shape[0], dtype=np.float32)
            return tf.Variable(initial_val, name=name)
        else:
            return create_variable(name, shape)


    def create_bias_variable(name, shape):
        '''Create a bias variable with the specified name and shape and initialize
        it to zero.'''
        initializer = tf.constant_initializer(value=0.0, dtype=tf.float32)
        return tf.Variable(initializer(shape=shape), name)


    class WaveNetModel:

        def __init__(self,
                     batch_size,
                     dilations,
                     filter_width,
                     residual_channels,
                     dilation_channels,
                     skip_channels,
                     quantization_channels=2**8,
                     use_biases=False,
                     scalar_input=False,
                     initial_filter_width=32,
                     histograms=False,
                     global_condition_channels=None,
                     global_condition_cardinality=None):
            self.batch_size = batch_size
            self.dilations = dilations
            self.filter_width = filter_width
            self.residual_channels = residual_channels
            self.dilation_channels = dilation_channels
            self.quantization_channels = quantization_channels
            self.use_biases = use_biases
            self.skip_channels = skip_channels
            self.scalar_input = scalar_input
            self.initial_filter_width = initial_filter_width
            self.histograms = histograms
            self.global_condition_channels = global_condition_channels
            self.global_condition_cardinality = global_condition_cardinality

            self.receptive_field = WaveNetModel.calculate_receptive_field(
                self.filter_width, self.dilations, self.scalar_input,
                self.initial_filter_width)
            self.variables = self._create_variables()

        @staticmethod
        def calculate_receptive_field(filter_width, dilations, scalar_input,
                                      initial_filter_width):
            receptive_field = (filter_width - 1) * sum(dilations) + 1
            if scalar_input:
                receptive_field += initial_filter_width - 1
            else:
                receptive_field += filter_width - 1
            return receptive_field

        def _create_variables(self):
            '''This function creates all variables used by the network.
            This allows us to share them between multiple calls to the loss
            function and generation function.'''

            var = dict()

            with tf.variable_scope('wavenet'):
                if self.global_condition_cardinality is not None:
                    # We only look up the embedding if we are conditioning on a
                    # set of mutually-exclusive categories. We can also condition
                    # on an already-embedded dense vector, in which case it's
                    # given to us and we don't need to do the embedding lookup.
                    # Still another alternative is no global condition at all, in
                    # which case we also don't do a tf.nn.embedding_lookup.
                    with tf.variable_scope('embeddings'):
                        layer = dict()
                        layer['gc_embedding'] = create_embedding_table(
                            'gc_embedding',
                            [self.global_condition_cardinality,
                             self.global_condition_channels])
                        var['embeddings'] = layer

                with tf.variable_scope('causal_layer'):
                    layer = dict()
                    if self.scalar_input:
                        initial_channels = 1
                        initial_filter_width = self.initial_filter_width
                    else:
                        initial_channels = self.quantization_channels
                        initial_filter_width = self.filter_width
                    layer['filter'] = create_variable(
                        'filter',
                        [initial_filter_width,
                         initial_channels,
                         self.residual_channels])
                    var['causal_layer'] = layer

                var['dilated_stack'] = list()
                with tf.variable_scope('dilated_stack'):
                    for i, dilation in enumerate(self.dilations):  # noqa: B007
                        with tf.variable_scope(f'layer{i}'):
                            current = dict()
                            current['filter'] = create_variable(
                                'filter',
                                [self.filter_width,
                                 self.residual_channels,
                                 self.dilation_channels])
                            current['gate'] = create_variable(
                                'gate',
                                [self.filter_width,
                                 self.residual_channels,
                                 self.dilation_channels])
                            current['dense'] = create_variable(
                                'dense',
                                [1,
                                 self.dilation_channels,
                                 self.residual_channels])
                            current['skip'] = create_variable(
                                'skip',
                                [1,
                                 self.dilation_channels,
                                 self.skip_channels])

                            if self.global_condition_channels is not None:
                                current['gc_gateweights'] = create_variable(
                                    'gc_gate',
                                    [1, self.global_condition_channels,
                                     self.dilation_channels])
                                current['gc_filtweights'] = create_variable(
                                    'gc_filter',
                                    [1, self.global_condition_channels,
                                     self.dilation_channels])

                            if self.use_biases:
                                current['filter_bias'] = create_bias_variable(
                                    'filter_bias',
                                    [self.dilation_channels])
                                current['gate_bias'] = create_bias_variable(
                                    'gate_bias',
                                    [self.dilation_channels])
                                current['dense_bias'] = create_bias_variable(
                                    'dense_bias',
                                    [self.residual_channels])
                                current['skip_bias'] = create_bias_variable(
                                    'slip_bias',
                                    [self.skip_channels])

                            var['dilated_stack'].append(current)

                with tf.variable_scope('postprocessing'):
                    current = dict()
                    current['postprocess1'] = create_variable(
                        'postprocess1',
                        [1, self.skip_channels, self.skip_channels])
                    current['postprocess2'] = create_variable(
                        'postprocess2',
                        [1, self.skip_channels, self.quantization_channels])
                    if self.use_biases:
                        current['postprocess1_bias'] = create_bias_variable(
                            'postprocess1_bias',
                            [self.skip_channels])
                        current['postprocess2_bias'] = create_bias_variable(
                            'postprocess2_bias',
                            [self.quantization_channels])
                    var['postprocessing'] = current

            return var

        def _create_causal_layer(self, input_batch):
            '''Creates a single causal convolution layer.

            The layer can change the number of channels.
            '''
            with tf.name_scope('causal_layer'):
                weights_filter = self.variables['causal_layer']['filter']
                return causal_conv(input_batch, weights_filter, 1)

        def _create_dilation_layer(self, input_batch, layer_index, dilation,
                                   global_condition_batch, output_width):
            '''Creates a single causal dilated convolution layer.

            Args:
                 input_batch: Input to the dilation layer.
                 layer_index: Integer indicating which layer this is.
                 dilation: Integer specifying the dilation size.
                 global_conditioning_batch: Tensor containing the global data upon
                     which the output is to be conditioned upon. Shape:
                     [batch size, 1, channels]. The 1 is for the axis
                     corresponding to time so that the result is broadcast to
                     all time steps.

            The layer contains a gated filter that connects to dense output
            and to a skip connection:

                   |-> [gate]   -|        |-> 1x1 conv -> skip output
                   |             |-> (*) -|
            input -|-> [filter] -|        |-> 1x1 conv -|
                   |                                    |-> (+) -> dense output
                   |------------------------------------|

            Where `[gate]` and `[filter]` are causal convolutions with a
            non-linear activation at the output. Biases and global conditioning
            are omitted due to the limits of ASCII art.

            '''
            variables = self.variables['dilated_stack'][layer_index]

            weights_filter = variables['filter']
            weights_gate = variables['gate']

            conv_filter = causal_conv(input_batch, weights_filter, dilation)
            conv_gate = causal_conv(input_batch, weights_gate, dilation)

            if global_condition_batch is not None:
                weights_gc_filter = variables['gc_filtweights']
                conv_filter = conv_filter + tf.nn.conv1d(global_condition_batch,
                                                         weights_gc_filter,
                                                         stride=1,
                                                         padding="SAME",
                                                         name="gc_filter")
                weights_gc_gate = variables['gc_gateweights']
                conv_gate = conv_gate + tf.nn.conv1d(global_condition_batch,
                                                     weights_gc_gate,
                                                     stride=1,
                                                     padding="SAME",
                                                     name="gc_gate")

            if self.use_biases:
                filter_bias = variables['filter_bias']
                gate_bias = variables['gate_bias']
                conv_filter = tf.add(conv_filter, filter_bias)
                conv_gate = tf.add(conv_gate, gate_bias)

            out = tf.tanh(conv_filter) * tf.sigmoid(conv_gate)

            # The 1x1 conv to produce the residual output
            weights_dense = variables['dense']
            transformed = tf.nn.conv1d(
                out, weights_dense, stride=1, padding="SAME", name="dense")

            # The 1x1 conv to produce the skip output
            skip_cut = tf.shape(out)[1] - output_width
            out_skip = tf.slice(out, [0, skip_cut, 0], [-1, -1, -1])
            weights_skip = variables['skip']
            skip_contribution = tf.nn.conv1d(
                out_skip, weights_skip, stride=1, padding="SAME", name="skip")

            if self.use_biases:
                dense_bias = variables['dense_bias']
                skip_bias = variables['skip_bias']
                transformed = transformed + dense_bias
                skip_contribution = skip_contribution + skip_bias

            if self.histograms:
                layer = f'layer{layer_index}'
                tf.histogram_summary(layer + '_filter', weights_filter)
                tf.histogram_summary(layer + '_gate', weights_gate)
                tf.histogram_summary(layer + '_dense', weights_dense)
                tf.histogram_summary(layer + '_skip', weights_skip)
                if self.use_biases:
                    tf.histogram_summary(layer + '_biases_filter', filter_bias)
                    tf.histogram_summary(layer + '_biases_gate', gate_bias)
                    tf.histogram_summary(layer + '_biases_dense', dense_bias)
                    tf.histogram_summary(layer + '_biases_skip', skip_bias)

            input_cut = tf.shape(input_batch)[1] - tf.shape(transformed)[1]
            input_batch = tf.slice(input_batch, [0, input_cut, 0], [-1, -1, -1])

            return skip_contribution, input_batch + transformed

        def _generator_conv(self, input_batch, state_batch, weights):
            '''Perform convolution for a single convolutional processing step.'''
            # TODO generalize to filter_width > 2
            past_weights = weights[0, :, :]
            curr_weights = weights[1, :, :]
            output = tf.matmul(state_batch, past_weights) + tf.matmul(
                input_batch, curr_weights)
            return output

        def _generator_causal_layer(self, input_batch, state_batch):
            with tf.name_scope('causal_layer'):
                weights_filter = self.variables['causal_layer']['filter']
                output = self._generator_conv(
                    input_batch, state_batch, weights_filter)
            return output

        def _generator_dilation_layer(self, input_batch, state_batch, layer_index,
                                      dilation, global_condition_batch):
            variables = self.variables['dilated_stack'][layer_index]

            weights_filter = variables['filter']
            weights_gate = variables['gate']
            output_filter = self._generator_conv(
                input_batch, state_batch, weights_filter)
            output_gate = self._generator_conv(
                input_batch, state_batch, weights_gate)

            if global_condition_batch is not None:
                global_condition_batch = tf.reshape(global_condition_batch,
                                                    shape=(1, -1))
                weights_gc_filter = variables['gc_filtweights']
                weights_gc_filter = weights_gc_filter[0, :, :]
                output_filter += tf.matmul(global_condition_batch,
                                           weights_gc_filter)
                weights_gc_gate = variables['gc_gateweights']
                weights_gc_gate = weights_gc_gate[0, :, :]
                output_gate += tf.matmul(global_condition_batch,
                                         weights_gc_gate)

            if self.use_biases:
                output_filter = output_filter + variables['filter_bias']
                output_gate = output_gate + variables['gate_bias']

            out = tf.tanh(output_filter) * tf.sigmoid(output_gate)

            weights_dense = variables['dense']
            transformed = tf.matmul(out, weights_dense[0, :, :])
            if self.use_biases:
                transformed = transformed + variables['dense_bias']

            weights_skip = variables['skip']
            skip_contribution = tf.matmul(out, weights_skip[0, :, :])
            if self.use_biases:
                skip_contribution = skip_contribution + variables['skip_bias']

            return skip_contribution, input_batch + transformed

        def _create_network(self, input_batch, global_condition_batch):
            '''Construct the WaveNet network.'''
            outputs = []
            current_layer = input_batch

            # Pre-process the input with a regular convolution
            current_layer = self._create_causal_layer(current_layer)

            output_width = tf.shape(input_batch)[1] - self.receptive_field + 1

            # Add all defined dilation layers.
            with tf.name_scope('dilated_stack'):
                for layer_index, dilation in enumerate(self.dilations):
                    with tf.name_scope(f'layer{layer_index}'):
                        output, current_layer = self._create_dilation_layer(
                            current_layer, layer_index, dilation,
                            global_condition_batch, output_width)
                        outputs.append(output)

            with tf.name_scope('postprocessing'):
                # Perform (+) -> ReLU -> 1x1 conv -> ReLU -> 1x1 conv to
                # postprocess the output.
                w1 = self.variables['postprocessing']['postprocess1']
                w2 = self.variables['postprocessing']['postprocess2']
                if self.use_biases:
                    b1 = self.variables['postprocessing']['postprocess1_bias']
                    b2 = self.variables['postprocessing']['postprocess2_bias']

                if self.histograms:
                    tf.histogram_summary('postprocess1_weights', w1)
                    tf.histogram_summary('postprocess2_weights', w2)
                    if self.use_biases:
                        tf.histogram_summary('postprocess1_biases', b1)
                        tf.histogram_summary('postprocess2_biases', b2)

                # We skip connections from the outputs of each layer, adding them
                # all up here.
                total = sum(outputs)
                transformed1 = tf.nn.relu(total)
                conv1 = tf.nn.conv1d(transformed1, w1, stride=1, padding="SAME")
                if self.use_biases:
                    conv1 = tf.add(conv1, b1)
                transformed2 = tf.nn.relu(conv1)
                conv2 = tf.nn.conv1d(transformed2, w2, stride=1, padding="SAME")
                if self.use_biases:
                    conv2 = tf.add(conv2, b2)

            return conv2

        def _create_generator(self, input_batch, global_condition_batch):
            '''Construct an efficient incremental generator.'''
            init_ops = []
            push_ops = []
            outputs = []
            current_layer = input_batch

            q = tf.FIFOQueue(
                1,
                dtypes=tf.float32,
                shapes=(self.batch_size, self.quantization_channels))
            init = q.enqueue_many(
                tf.zeros((1, self.batch_size, self.quantization_channels)))

            current_state = q.dequeue()
            push = q.enqueue([current_layer])
            init_ops.append(init)
            push_ops.append(push)

            current_layer = self._generator_causal_layer(
                                current_layer, current_state)

            # Add all defined dilation layers.
            with tf.name_scope('dilated_stack'):
                for layer_index, dilation in enumerate(self.dilations):
                    with tf.name_scope(f'layer{layer_index}'):

                        q = tf.FIFOQueue(
                            dilation,
                            dtypes=tf.float32,
                            shapes=(self.batch_size, self.residual_channels))
                        init = q.enqueue_many(
                            tf.zeros((dilation, self.batch_size,
                                      self.residual_channels)))

                        current_state = q.dequeue()
                        push = q.enqueue([current_layer])
                        init_ops.append(init)
                        push_ops.append(push)

                        output, current_layer = self._generator_dilation_layer(
                            current_layer, current_state, layer_index, dilation,
                            global_condition_batch)
                        outputs.append(output)
            self.init_ops = init_ops
            self.push_ops = push_ops

            with tf.name_scope('postprocessing'):
                variables = self.variables['postprocessing']
                # Perform (+) -> ReLU -> 1x1 conv -> ReLU -> 1x1 conv to
                # postprocess the output.
                w1 = variables['postprocess1']
                w2 = variables['postprocess2']
                if self.use_biases:
                    b1 = variables['postprocess1_bias']
                    b2 = variables['postprocess2_bias']

                # We skip connections from the outputs of each layer, adding them
                # all up here.
                total = sum(outputs)
                transformed1 = tf.nn.relu(total)

                conv1 = tf.matmul(transformed1, w1[0, :, :])
                if self.use_biases:
                    conv1 = conv1 + b1
                transformed2 = tf.nn.relu(conv1)
                conv2 = tf.matmul(transformed2, w2[0, :, :])
                if self.use_biases:
                    conv2 = conv2 + b2

            return conv2

        def _one_hot(self, input_batch):
            '''One-hot encodes the waveform amplitudes.

            This allows the definition of the network as a categorical distribution
            over a finite set of possible amplitudes.
            '''
            with tf.name_scope('one_hot_encode'):
                encoded = tf.one_hot(
                    input_batch,
                    depth=self.quantization_channels,
                    dtype=tf.float32)
                shape = [self.batch_size, -1, self.quantization_channels]
                encoded = tf.reshape(encoded, shape)
            return encoded

        def _embed_gc(self, global_condition):
            '''Returns embedding for global condition.
            :param global_condition: Either ID of global condition for
                   tf.nn.embedding_lookup or actual embedding. The latter is
                   experimental.
            :return: Embedding or None
            '''
            embedding = None
            if self.global_condition_cardinality is not None:
                # Only lookup the embedding if the global condition is presented
                # as an integer of mutually-exclusive categories ...
                embedding_table = self.variables['embeddings']['gc_embedding']
                embedding = tf.nn.embedding_lookup(embedding_table,
                                                   global_condition)
            elif global_condition is not None:
                # ... else the global_condition (if any) is already provided
                # as an embedding.

                # In this case, the number of global_embedding channels must be
                # equal to the the last dimension of the global_condition tensor.
                gc_batch_rank = len(global_condition.get_shape())
                dims_match = (global_condition.get_shape()[gc_batch_rank - 1] ==
                              self.global_condition_channels)
                if not dims_match:
                    raise ValueError(f'Shape of global_condition '
                                     f'{global_condition.get_shape()} does not match '
                                     f'global_condition_channels '
                                     f'{self.global_condition_channels}.')
                embedding = global_condition

            if embedding is not None:
                embedding = tf.reshape(
                    embedding,
                    [self.batch_size, 1, self.global_condition_channels])

            return embedding

        def predict_proba(self, waveform, global_condition=None, name='wavenet'):
            '''Computes the probability distribution of the next sample based on
            all samples in the input waveform.
            If you want to generate audio by feeding the output of the network back
            as an input, see predict_proba_incremental for a faster alternative.'''
            with tf.name_scope(name):
                if self.scalar_input:
                    encoded = tf.cast(waveform, tf.float32)
                    encoded = tf.reshape(encoded, [-1, 1])
                else:
                    encoded = self._one_hot(waveform)

                gc_embedding = self._embed_gc(global_condition)
                raw_output = self._create_network(encoded, gc_embedding)
                out = tf.reshape(raw_output, [-1, self.quantization_channels])
                # Cast to float64 to avoid bug in TensorFlow
                proba = tf.cast(
                    tf.nn.softmax(tf.cast(out, tf.float64)), tf.float32)
                last = tf.slice(
                    proba,
                    [tf.shape(proba)[0] - 1, 0],
                    [1, self.quantization_channels])
                return tf.reshape(last, [-1])

        def predict_proba_incremental(self, waveform, global_condition=None,
                                      name='wavenet'):
            '''Computes the probability distribution of the next sample
            incrementally, based on a single sample and all previously passed
            samples.'''
            if self.filter_width > 2:
                raise NotImplementedError("Incremental generation does not "
                                          "support filter_width > 2.")
            if self.scalar_input:
                raise NotImplementedError("Incremental generation does not "
                                          "support scalar input yet.")
            with tf.name_scope(name):
                encoded = tf.one_hot(waveform, self.quantization_channels)
                encoded = tf.reshape(encoded, [-1, self.quantization_channels])
                gc_embedding = self._embed_gc(global_condition)
                raw_output = self._create_generator(encoded, gc_embedding)
                out = tf.reshape(raw_output, [-1, self.quantization_channels])
                proba = tf.cast(
                    tf.nn.softmax(tf.cast(out, tf.float64)), tf.float32)
                last = tf.slice(
                    proba,
                    [tf.shape(proba)[0] - 1, 0],
                    [1, self.quantization_channels])
                return tf.reshape(last, [-1])

        def loss(self,
                 input_batch,
                 global_condition_batch=None,
                 l2_regularization_strength=None,
                 name='wavenet'):
            '''Creates a WaveNet network and returns the autoencoding loss.

            The variables are all scoped to the given name.
            '''
            with tf.name_scope(name):
                # We mu-law encode and quantize the input audioform.
                encoded_input = mu_law_encode(input_batch,
                                              self.quantization_channels)

                gc_embedding = self._embed_gc(global_condition_batch)
                encoded = self._one_hot(encoded_input)
                if self.scalar_input:
                    network_input = tf.reshape(
                        tf.cast(input_batch, tf.float32),
                        [self.batch_size, -1, 1])
                else:
                    network_input = encoded

                # Cut off the last sample of network input to preserve causality.
                network_input_width = tf.shape(network_input)[1] - 1
                network_input = tf.slice(network_input, [0, 0, 0],
                                         [-1, network_input_width, -1])

                raw_output = self._create_network(network_input, gc_embedding)

                with tf.name_scope('loss'):
                    # Cut off the samples corresponding to the receptive field
                    # for the first predicted sample.
                    target_output = tf.slice(
                        tf.reshape(
                            encoded,
                            [self.batch_size, -1, self.quantization_channels]),
                        [0, self.receptive_field, 0],
                        [-1, -1, -1])
                    target_output = tf.reshape(target_output,
                                               [-1, self.quantization_channels])
                    prediction = tf.reshape(raw_output,
                                            [-1, self.quantization_channels])
                    loss = tf.nn.softmax_cross_entropy_with_logits(
                        logits=prediction,
                        labels=target_output)
                    reduced_loss = tf.reduce_mean(loss)

                    tf.summary.scalar('loss', reduced_loss)

                    if l2_regularization_strength is None:
                        return reduced_loss
                    else:
                        # L2 regularization for all trainable parameters
                        l2_loss = tf.add_n([tf.nn.l2_loss(v)
                                            for v in tf.trainable_variables()
                                            if 'bias' not in v.name])

                        # Add the regularization term to the loss
                        total_loss = (reduced_loss +
                                      l2_regularization_strength * l2_loss)

                        tf.summary.scalar('l2_loss', l2_loss)
                        tf.summary.scalar('total_loss', total_loss)

                        return total_loss

    return WaveNetModel, mu_law_encode, mu_law_decode, optimizer_factory


def _synthetic_files():
    """Six "wav files": two sines under a decaying envelope, 60-140 samples each."""
    rng = np.random.RandomState(3)
    files = []
    for k in range(6):
        n = int(rng.randint(60, 141))
        t = np.arange(n) / 16000.0
        f1, f2 = rng.uniform(300, 1200, 2)
        wave = 0.6 * np.sin(2 * np.pi * f1 * t) + 0.3 * np.sin(2 * np.pi * f2 * t)
        files.append((f"synthetic/p{225 + k}_{k:03d}.wav",
                      (wave * np.exp(-t * 2000)).astype(np.float32)))
    return files


def _audio_reader(tf, coord_files):
    """``wavenet/audio_reader.py``'s ``AudioReader`` (the generic loader; files found and
    loaded from :func:`_synthetic_files` as described in the module docstring)."""
    files, coord_box = coord_files

    def load_generic_audio(directory, sample_rate):
        '''Generator that yields audio waveforms from the directory.'''
        for filename, audio in files:
            yield audio.reshape(-1, 1), filename, None
        coord_box[0].request_stop()  # the synthetic corpus is read once
        yield files[0][1].reshape(-1, 1), files[0][0], None

    class AudioReader:
        '''Generic background audio reader that preprocesses audio files
        and enqueues them into a TensorFlow queue.'''

        def __init__(self,
                     audio_dir,
                     coord,
                     sample_rate,
                     gc_enabled,
                     receptive_field,
                     sample_size=None,
                     silence_threshold=None,
                     queue_size=32):
            self.audio_dir = audio_dir
            self.sample_rate = sample_rate
            self.coord = coord
            self.sample_size = sample_size
            self.receptive_field = receptive_field
            self.silence_threshold = silence_threshold
            self.gc_enabled = gc_enabled
            self.threads = []
            self.sample_placeholder = tf.placeholder(dtype=tf.float32, shape=None)
            self.queue = tf.PaddingFIFOQueue(queue_size,
                                             ['float32'],
                                             shapes=[(None, 1)])
            self.enqueue = self.queue.enqueue([self.sample_placeholder])
            self.gc_category_cardinality = None

        def dequeue(self, num_elements):
            output = self.queue.dequeue_many(num_elements)
            return output

        def thread_main(self, sess):
            stop = False
            # Go through the dataset multiple times
            while not stop:
                iterator = load_generic_audio(self.audio_dir, self.sample_rate)
                for audio, filename, category_id in iterator:  # noqa: B007
                    if self.coord.should_stop():
                        stop = True
                        break
                    # Zero pad the audio at the front so the first samples are predicted.
                    audio = np.pad(audio, [[self.receptive_field, 0], [0, 0]],
                                   'constant')

                    if self.sample_size:
                        # Cut samples into pieces of size receptive_field +
                        # sample_size with receptive_field overlap
                        while len(audio) > self.receptive_field:
                            piece = audio[:(self.receptive_field +
                                            self.sample_size), :]
                            sess.run(self.enqueue,
                                     feed_dict={self.sample_placeholder: piece})
                            audio = audio[self.sample_size:, :]
                    else:
                        sess.run(self.enqueue,
                                 feed_dict={self.sample_placeholder: audio})

        def start_threads(self, sess, n_threads=1):
            for _ in range(n_threads):
                thread = threading.Thread(target=self.thread_main, args=(sess,))
                thread.daemon = True  # Thread will close when parent quits.
                thread.start()
                self.threads.append(thread)
            return self.threads

    return AudioReader


def main(tf):
    np.random.seed(0)
    WaveNetModel, mu_law_encode, mu_law_decode, optimizer_factory = _wavenet(tf)
    wavenet_params = PARAMS
    batch_size, sample_size, num_steps, learning_rate = 1, 24, 4, 1e-2
    coord_box = [None]
    AudioReader = _audio_reader(tf, (_synthetic_files(), coord_box))
    logdir = tempfile.mkdtemp(prefix="wavenet_")

    # train.py
    coord = tf.train.Coordinator()
    coord_box[0] = coord
    with tf.name_scope('create_inputs'):
        reader = AudioReader(
            "synthetic",
            coord,
            sample_rate=wavenet_params['sample_rate'],
            gc_enabled=False,
            receptive_field=WaveNetModel.calculate_receptive_field(
                wavenet_params["filter_width"], wavenet_params["dilations"],
                wavenet_params["scalar_input"], wavenet_params["initial_filter_width"]),
            sample_size=sample_size,
            silence_threshold=None)
        audio_batch = reader.dequeue(batch_size)
        gc_id_batch = None

    net = WaveNetModel(
        batch_size=batch_size,
        dilations=wavenet_params["dilations"],
        filter_width=wavenet_params["filter_width"],
        residual_channels=wavenet_params["residual_channels"],
        dilation_channels=wavenet_params["dilation_channels"],
        skip_channels=wavenet_params["skip_channels"],
        quantization_channels=wavenet_params["quantization_channels"],
        use_biases=wavenet_params["use_biases"],
        scalar_input=wavenet_params["scalar_input"],
        initial_filter_width=wavenet_params["initial_filter_width"],
        histograms=False,
        global_condition_channels=None,
        global_condition_cardinality=reader.gc_category_cardinality)

    loss = net.loss(input_batch=audio_batch,
                    global_condition_batch=gc_id_batch,
                    l2_regularization_strength=None)
    optimizer = optimizer_factory['adam'](learning_rate=learning_rate, momentum=0.9)
    trainable = tf.trainable_variables()
    optim = optimizer.minimize(loss, var_list=trainable)
    summaries = tf.summary.merge_all()

    sess = tf.Session(config=tf.ConfigProto(log_device_placement=False))
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf)
    saver = tf.train.Saver(var_list=tf.trainable_variables(), max_to_keep=5)

    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    reader_threads = reader.start_threads(sess)
    losses = []
    try:
        for step in range(num_steps):  # noqa: B007
            summary, loss_value, _ = sess.run([summaries, loss, optim])
            losses.append(float(loss_value))
    finally:
        saver.save(sess, os.path.join(logdir, 'model.ckpt'), global_step=step)
        coord.request_stop()
        coord.join(threads)
    for thread in reader_threads:
        thread.join()
    pieces = int(sess.run(reader.queue.size())) + num_steps * batch_size
    sess.close()
    checkpoint = tf.train.get_checkpoint_state(logdir).model_checkpoint_path

    # generate.py, the slow and then the fast way
    results = {}
    for fast_generation in (False, True):
        with tf.Graph().as_default():
            sess = tf.Session()
            net = WaveNetModel(
                batch_size=1,
                dilations=wavenet_params['dilations'],
                filter_width=wavenet_params['filter_width'],
                residual_channels=wavenet_params['residual_channels'],
                dilation_channels=wavenet_params['dilation_channels'],
                quantization_channels=wavenet_params['quantization_channels'],
                skip_channels=wavenet_params['skip_channels'],
                use_biases=wavenet_params['use_biases'],
                scalar_input=wavenet_params['scalar_input'],
                initial_filter_width=wavenet_params['initial_filter_width'],
                global_condition_channels=None,
                global_condition_cardinality=None)
            samples = tf.placeholder(tf.int32)
            if fast_generation:
                next_sample = net.predict_proba_incremental(samples, None)
            else:
                next_sample = net.predict_proba(samples, None)
            if fast_generation:
                sess.run(tf.global_variables_initializer())
                sess.run(net.init_ops)
            variables_to_restore = {
                var.name[:-2]: var for var in tf.global_variables()
                if not ('state_buffer' in var.name or 'pointer' in var.name)}
            saver = tf.train.Saver(variables_to_restore)
            saver.restore(sess, checkpoint)
            decode = mu_law_decode(samples, wavenet_params['quantization_channels'])

            quantization_channels = wavenet_params['quantization_channels']
            np.random.seed(1)
            waveform = [quantization_channels / 2] * (net.receptive_field - 1)
            waveform.append(np.random.randint(quantization_channels))
            first_max = None
            for step in range(6):  # noqa: B007
                if fast_generation:
                    outputs = [next_sample]
                    outputs.extend(net.push_ops)
                    window = waveform[-1]
                else:
                    if len(waveform) > net.receptive_field:
                        window = waveform[-net.receptive_field:]
                    else:
                        window = waveform
                    outputs = [next_sample]
                prediction = sess.run(outputs, feed_dict={samples: window})[0]
                first_max = float(prediction.max()) if first_max is None else first_max
                sample = np.random.choice(np.arange(quantization_channels), p=prediction)
                waveform.append(sample)
            out = sess.run(decode, feed_dict={samples: waveform})
            sess.close()
        kind = "fast" if fast_generation else "slow"
        results[f"{kind}_samples"] = [int(s) for s in waveform[net.receptive_field:]]
        results[f"{kind}_first_proba_max"] = first_max
        results.setdefault("decoded_sum", float(np.sum(out)))
        results["restored"] = sorted(variables_to_restore)[:3]
    return {"first_loss": losses[0], "last_loss": losses[-1],
            "receptive_field": net.receptive_field, "pieces": pieces, **results}
