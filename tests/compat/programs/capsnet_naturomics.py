"""Capsule network with dynamic routing, after naturomics/CapsNet-Tensorflow:
``capsLayer.py`` (``CapsLayer``: the PrimaryCaps ``tf.contrib.layers.conv2d`` reshaped
into capsules and squashed; the DigitCaps layer's ``routing``: a ``[1, caps, 160, 8, 1]``
weight against the ``tf.tile``d input, ``reduce_sum(..., keepdims=True)``, the
``tf.stop_gradient``ped ``u_hat`` in the inner iterations, ``tf.nn.softmax`` over axis 2
of the routing logits ``b_IJ`` built as a ``tf.constant``, the agreement added back;
``squash`` with its ``1e-9``), ``capsNet.py`` (``CapsNet`` in its own ``tf.Graph``:
``tf.one_hot(..., axis=1)`` labels, the masking by the true label, a
``tf.contrib.layers.fully_connected`` decoder, the margin loss of two
``tf.maximum(0., ...)`` squares plus the scaled reconstruction error,
``tf.to_int32(tf.argmax(...))``, merged summaries including ``tf.summary.image``) and
``utils.py``'s ``reduce_sum`` / ``softmax`` / ``get_shape`` helpers (with their
version-fallback ``try``/``except``), as published; ``main.py``'s ``train`` run under
``tf.train.Supervisor(graph=model.graph, logdir=..., save_model_secs=0)``'s
``managed_session``: ``train_op`` with the loss, accuracy and summary every
``train_sum_freq`` steps, and the validation accuracy computed by feeding NumPy
batches into the queue's dequeued ``model.X`` / ``model.labels`` tensors.

Adapted: MNIST's download is replaced by the bundled digits in MNIST's shapes
(:func:`common.read_data_sets`: 64 training and 16 validation images), and
``get_batch_data``'s ``slice_input_producer`` + ``shuffle_batch`` with 8 threads by the
same producer with ``shuffle=False`` and ``tf.train.batch`` with one thread, so both
backends see the same batches; ``config.py``'s flags are a namespace of the same names
(batch 4, 3 routing iterations, ``train_sum_freq`` 2, ``val_sum_freq`` 3); small widths:
conv1 16 filters instead of 256, 2 primary capsule types instead of 32, a 32-64 decoder
instead of 512-1024; 4 steps, no epochs loop; the CSV result files and tqdm left out
(the numbers are returned); ``same_start``'s NumPy draws replace the random starts of
the weights (biases too) so both backends start alike."""

from __future__ import annotations

import tempfile
from types import SimpleNamespace

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "train_acc": 0.0, "val_acc": 0.0,
           "margin_loss": 1e-4, "reconstruction_err": 1e-4, "global_step": 0.0,
           "v_length_mean": 1e-4, "variables": 0.0}

cfg = SimpleNamespace(m_plus=0.9, m_minus=0.1, lambda_val=0.5, batch_size=4, epoch=1,
                      iter_routing=3, mask_with_y=True, stddev=0.01,
                      regularization_scale=0.392, dataset="mnist", is_training=True,
                      num_threads=1, train_sum_freq=2, val_sum_freq=3)


def _capsnet(tf):
    """``utils.py``'s helpers, ``capsLayer.py`` and ``capsNet.py``, as published (widths
    as said above)."""
    tfc = contrib(tf)  # ``tf.contrib`` (or TF 1.15's stand-in under TF 2.x)

    def load_mnist(batch_size, is_training=True):
        data = read_data_sets("data/mnist")
        trX = data.train.images[:80].reshape(-1, 28, 28, 1).astype(np.float32)
        trY = data.train.labels[:80].astype(np.int32)
        valX, valY = trX[64:], trY[64:]
        trX, trY = trX[:64], trY[:64]
        num_tr_batch = 64 // batch_size
        num_val_batch = 16 // batch_size
        return trX, trY, num_tr_batch, valX, valY, num_val_batch

    def get_batch_data(dataset, batch_size, num_threads):
        trX, trY, num_tr_batch, valX, valY, num_val_batch = load_mnist(batch_size,
                                                                       is_training=True)
        data_queues = tf.train.slice_input_producer([trX, trY], shuffle=False)
        X, Y = tf.train.batch(data_queues, num_threads=num_threads,
                              batch_size=batch_size,
                              capacity=batch_size * 64,
                              allow_smaller_final_batch=False)
        return(X, Y)

    # For version compatibility
    def reduce_sum(input_tensor, axis=None, keepdims=False):
        try:
            return tf.reduce_sum(input_tensor, axis=axis, keepdims=keepdims)
        except:  # noqa: E722
            return tf.reduce_sum(input_tensor, axis=axis, keep_dims=keepdims)

    # For version compatibility
    def softmax(logits, axis=None):
        try:
            return tf.nn.softmax(logits, axis=axis)
        except:  # noqa: E722
            return tf.nn.softmax(logits, dim=axis)

    def get_shape(inputs, name=None):
        name = "shape" if name is None else name
        with tf.name_scope(name):
            static_shape = inputs.get_shape().as_list()
            dynamic_shape = tf.shape(inputs)
            shape = []
            for i, dim in enumerate(static_shape):
                dim = dim if dim is not None else dynamic_shape[i]
                shape.append(dim)
            return(shape)

    epsilon = 1e-9


    class CapsLayer:
        ''' Capsule layer.
        Args:
            input: A 4-D tensor.
            num_outputs: the number of capsule in this layer.
            vec_len: integer, the length of the output vector of a capsule.
            layer_type: string, one of 'FC' or "CONV", the type of this layer,
                fully connected or convolution, for the future expansion capability
            with_routing: boolean, this capsule is routing with the
                          lower-level layer capsule.

        Returns:
            A 4-D tensor.
        '''
        def __init__(self, num_outputs, vec_len, with_routing=True, layer_type='FC'):
            self.num_outputs = num_outputs
            self.vec_len = vec_len
            self.with_routing = with_routing
            self.layer_type = layer_type

        def __call__(self, input, kernel_size=None, stride=None):
            '''
            The parameters 'kernel_size' and 'stride' will be used while 'layer_type' equal 'CONV'
            '''
            if self.layer_type == 'CONV':
                self.kernel_size = kernel_size
                self.stride = stride

                if not self.with_routing:
                    # the PrimaryCaps layer, a convolutional layer
                    # input: [batch_size, 20, 20, 256]
                    # assert input.get_shape() == [cfg.batch_size, 20, 20, 256]

                    # NOTE: I can't find out any words from the paper whether the
                    # PrimaryCap convolution does a ReLU activation or not before
                    # squashing function, but experiment show that using ReLU get a
                    # higher test accuracy. So, which one to use will be your choice
                    capsules = tfc.layers.conv2d(
                        input,
                        self.num_outputs * self.vec_len,
                        self.kernel_size,
                        self.stride,
                        padding="VALID",
                        activation_fn=tf.nn.relu,
                    )
                    # capsules = tfc.layers.conv2d(input, self.num_outputs * self.vec_len,
                    # self.kernel_size, self.stride,padding="VALID",
                    #                                    activation_fn=None)
                    capsules = tf.reshape(capsules, (cfg.batch_size, -1, self.vec_len, 1))

                    # return tensor with shape [batch_size, 1152, 8, 1]
                    capsules = squash(capsules)
                    return capsules

            if self.layer_type == "FC":
                if self.with_routing:
                    # the DigitCaps layer, a fully connected layer
                    # Reshape the input into [batch_size, 1152, 1, 8, 1]
                    self.input = tf.reshape(
                        input, shape=(cfg.batch_size, -1, 1, input.shape[-2].value, 1)
                    )

                    with tf.variable_scope("routing"):
                        # b_IJ: [batch_size, num_caps_l, num_caps_l_plus_1, 1, 1],
                        # about the reason of using 'batch_size', see issue #21
                        b_IJ = tf.constant(
                            np.zeros(
                                [cfg.batch_size, input.shape[1].value, self.num_outputs, 1, 1],
                                dtype=np.float32,
                            )
                        )
                        capsules = routing(
                            self.input, b_IJ, num_outputs=self.num_outputs, num_dims=self.vec_len
                        )
                        capsules = tf.squeeze(capsules, axis=1)

                return capsules

    def routing(input, b_IJ, num_outputs=10, num_dims=16):
        """The routing algorithm.

        Args:
            input: A Tensor with [batch_size, num_caps_l=1152, 1, length(u_i)=8, 1]
                   shape, num_caps_l meaning the number of capsule in the layer l.
            num_outputs: the number of output capsules.
            num_dims: the number of dimensions for output capsule.
        Returns:
            A Tensor of shape [batch_size, num_caps_l_plus_1, length(v_j)=16, 1]
            representing the vector output `v_j` in the layer l+1
        Notes:
            u_i represents the vector output of capsule i in the layer l, and
            v_j the vector output of capsule j in the layer l+1.
        """

        # W: [1, num_caps_i, num_caps_j * len_v_j, len_u_j, 1]
        input_shape = get_shape(input)
        W = tf.get_variable(
            "Weight",
            shape=[1, input_shape[1], num_dims * num_outputs] + input_shape[-2:],
            dtype=tf.float32,
            initializer=tf.random_normal_initializer(stddev=cfg.stddev),
        )
        biases = tf.get_variable("bias", shape=(1, 1, num_outputs, num_dims, 1))

        # Eq.2, calc u_hat
        # Since tf.matmul is a time-consuming op,
        # A better solution is using element-wise multiply, reduce_sum and reshape
        # ops instead. Matmul [a, b] x [b, c] is equal to a series ops as
        # element-wise multiply [a*c, b] * [a*c, b], reduce_sum at axis=1 and
        # reshape to [a, c]
        input = tf.tile(input, [1, 1, num_dims * num_outputs, 1, 1])
        # assert input.get_shape() == [cfg.batch_size, 1152, 160, 8, 1]

        u_hat = reduce_sum(W * input, axis=3, keepdims=True)
        u_hat = tf.reshape(u_hat, shape=[-1, input_shape[1], num_outputs, num_dims, 1])
        # assert u_hat.get_shape() == [cfg.batch_size, 1152, 10, 16, 1]

        # In forward, u_hat_stopped = u_hat; in backward, no gradient passed back from
        # u_hat_stopped to u_hat
        u_hat_stopped = tf.stop_gradient(u_hat, name="stop_gradient")

        # line 3,for r iterations do
        for r_iter in range(cfg.iter_routing):
            with tf.variable_scope("iter_" + str(r_iter)):
                # line 4:
                # => [batch_size, 1152, 10, 1, 1]
                c_IJ = softmax(b_IJ, axis=2)

                # At last iteration, use `u_hat` in order to receive gradients
                # from the following graph
                if r_iter == cfg.iter_routing - 1:
                    # line 5:
                    # weighting u_hat with c_IJ, element-wise in the last two dims
                    # => [batch_size, 1152, 10, 16, 1]
                    s_J = tf.multiply(c_IJ, u_hat)
                    # then sum in the second dim, resulting in [batch_size, 1, 10, 16, 1]
                    s_J = reduce_sum(s_J, axis=1, keepdims=True) + biases
                    # assert s_J.get_shape() == [cfg.batch_size, 1, num_outputs, num_dims, 1]

                    # line 6:
                    # squash using Eq.1,
                    v_J = squash(s_J)
                    # assert v_J.get_shape() == [cfg.batch_size, 1, 10, 16, 1]
                elif (
                    r_iter < cfg.iter_routing - 1
                ):  # Inner iterations, do not apply backpropagation
                    s_J = tf.multiply(c_IJ, u_hat_stopped)
                    s_J = reduce_sum(s_J, axis=1, keepdims=True) + biases
                    v_J = squash(s_J)

                    # line 7:
                    # reshape & tile v_j from [batch_size ,1, 10, 16, 1] to
                    # [batch_size, 1152, 10, 16, 1]
                    # then matmul in the last tow dim: [16, 1].T x [16, 1] =>
                    # [1, 1], reduce mean in the
                    # batch_size dim, resulting in [1, 1152, 10, 1, 1]
                    v_J_tiled = tf.tile(v_J, [1, input_shape[1], 1, 1, 1])
                    u_produce_v = reduce_sum(u_hat_stopped * v_J_tiled, axis=3, keepdims=True)
                    # assert u_produce_v.get_shape() == [cfg.batch_size, 1152, 10, 1, 1]

                    # b_IJ += tf.reduce_sum(u_produce_v, axis=0, keep_dims=True)
                    b_IJ += u_produce_v

        return v_J

    def squash(vector):
        """Squashing function corresponding to Eq. 1
        Args:
            vector: A tensor with shape [batch_size, 1, num_caps, vec_len, 1]
                or [batch_size, num_caps, vec_len, 1].
        Returns:
            A tensor with the same shape as vector but squashed in 'vec_len' dimension.
        """
        vec_squared_norm = reduce_sum(tf.square(vector), -2, keepdims=True)
        scalar_factor = (
            vec_squared_norm / (1 + vec_squared_norm) / tf.sqrt(vec_squared_norm + epsilon)
        )
        vec_squashed = scalar_factor * vector  # element-wise
        return vec_squashed

    epsilon = 1e-9

    class CapsNet:
        def __init__(self, is_training=True, height=28, width=28, channels=1, num_label=10):
            """
            Args:
                height: Integer, the height of inputs.
                width: Integer, the width of inputs.
                channels: Integer, the channels of inputs.
                num_label: Integer, the category number.
            """
            self.height = height
            self.width = width
            self.channels = channels
            self.num_label = num_label

            self.graph = tf.Graph()

            with self.graph.as_default():
                if is_training:
                    self.X, self.labels = get_batch_data(
                        cfg.dataset, cfg.batch_size, cfg.num_threads
                    )
                    self.Y = tf.one_hot(self.labels, depth=self.num_label, axis=1, dtype=tf.float32)

                    self.build_arch()
                    self.loss()
                    self._summary()

                    # t_vars = tf.trainable_variables()
                    self.global_step = tf.Variable(0, name="global_step", trainable=False)
                    self.optimizer = tf.train.AdamOptimizer()
                    self.train_op = self.optimizer.minimize(
                        self.total_loss, global_step=self.global_step
                    )
                else:
                    self.X = tf.placeholder(
                        tf.float32, shape=(cfg.batch_size, self.height, self.width, self.channels)
                    )
                    self.labels = tf.placeholder(tf.int32, shape=(cfg.batch_size,))
                    self.Y = tf.reshape(self.labels, shape=(cfg.batch_size, self.num_label, 1))
                    self.build_arch()

            tf.logging.info("Seting up the main structure")

        def build_arch(self):
            with tf.variable_scope("Conv1_layer"):
                # Conv1, return tensor with shape [batch_size, 20, 20, 256]
                conv1 = tfc.layers.conv2d(
                    self.X, num_outputs=16, kernel_size=9, stride=1, padding="VALID"
                )

            # Primary Capsules layer, return tensor with shape [batch_size, 1152, 8, 1]
            with tf.variable_scope("PrimaryCaps_layer"):
                primaryCaps = CapsLayer(
                    num_outputs=2, vec_len=8, with_routing=False, layer_type="CONV"
                )
                caps1 = primaryCaps(conv1, kernel_size=9, stride=2)

            # DigitCaps layer, return shape [batch_size, 10, 16, 1]
            with tf.variable_scope("DigitCaps_layer"):
                digitCaps = CapsLayer(
                    num_outputs=self.num_label, vec_len=16, with_routing=True, layer_type="FC"
                )
                self.caps2 = digitCaps(caps1)

            # Decoder structure in Fig. 2
            # 1. Do masking, how:
            with tf.variable_scope("Masking"):
                # a). calc ||v_c||, then do softmax(||v_c||)
                # [batch_size, 10, 16, 1] => [batch_size, 10, 1, 1]
                self.v_length = tf.sqrt(
                    reduce_sum(tf.square(self.caps2), axis=2, keepdims=True) + epsilon
                )
                self.softmax_v = softmax(self.v_length, axis=1)
                # assert self.softmax_v.get_shape() == [cfg.batch_size, self.num_label, 1, 1]

                # b). pick out the index of max softmax val of the 10 caps
                # [batch_size, 10, 1, 1] => [batch_size] (index)
                self.argmax_idx = tf.to_int32(tf.argmax(self.softmax_v, axis=1))
                # assert self.argmax_idx.get_shape() == [cfg.batch_size, 1, 1]
                self.argmax_idx = tf.reshape(self.argmax_idx, shape=(cfg.batch_size,))

                # Method 1.
                if not cfg.mask_with_y:
                    # c). indexing
                    # It's not easy to understand the indexing process with argmax_idx
                    # as we are 3-dim animal
                    masked_v = []
                    for batch_size in range(cfg.batch_size):
                        v = self.caps2[batch_size][self.argmax_idx[batch_size], :]
                        masked_v.append(tf.reshape(v, shape=(1, 1, 16, 1)))

                    self.masked_v = tf.concat(masked_v, axis=0)
                    assert self.masked_v.get_shape() == [cfg.batch_size, 1, 16, 1]
                # Method 2. masking with true label, default mode
                else:
                    self.masked_v = tf.multiply(
                        tf.squeeze(self.caps2), tf.reshape(self.Y, (-1, self.num_label, 1))
                    )
                    self.v_length = tf.sqrt(
                        reduce_sum(tf.square(self.caps2), axis=2, keepdims=True) + epsilon
                    )

            # 2. Reconstructe the MNIST images with 3 FC layers
            # [batch_size, 1, 16, 1] => [batch_size, 16] => [batch_size, 512]
            with tf.variable_scope("Decoder"):
                vector_j = tf.reshape(self.masked_v, shape=(cfg.batch_size, -1))
                fc1 = tfc.layers.fully_connected(vector_j, num_outputs=32)
                fc2 = tfc.layers.fully_connected(fc1, num_outputs=64)
                self.decoded = tfc.layers.fully_connected(
                    fc2,
                    num_outputs=self.height * self.width * self.channels,
                    activation_fn=tf.sigmoid,
                )

        def loss(self):
            # 1. The margin loss

            # [batch_size, 10, 1, 1]
            # max_l = max(0, m_plus-||v_c||)^2
            max_l = tf.square(tf.maximum(0.0, cfg.m_plus - self.v_length))
            # max_r = max(0, ||v_c||-m_minus)^2
            max_r = tf.square(tf.maximum(0.0, self.v_length - cfg.m_minus))
            assert max_l.get_shape() == [cfg.batch_size, self.num_label, 1, 1]

            # reshape: [batch_size, 10, 1, 1] => [batch_size, 10]
            max_l = tf.reshape(max_l, shape=(cfg.batch_size, -1))
            max_r = tf.reshape(max_r, shape=(cfg.batch_size, -1))

            # calc T_c: [batch_size, 10]
            # T_c = Y, is my understanding correct? Try it.
            T_c = self.Y
            # [batch_size, 10], element-wise multiply
            L_c = T_c * max_l + cfg.lambda_val * (1 - T_c) * max_r

            self.margin_loss = tf.reduce_mean(tf.reduce_sum(L_c, axis=1))

            # 2. The reconstruction loss
            orgin = tf.reshape(self.X, shape=(cfg.batch_size, -1))
            squared = tf.square(self.decoded - orgin)
            self.reconstruction_err = tf.reduce_mean(squared)

            # 3. Total loss
            # The paper uses sum of squared error as reconstruction error, but we
            # have used reduce_mean in `# 2 The reconstruction loss` to calculate
            # mean squared error. In order to keep in line with the paper,the
            # regularization scale should be 0.0005*784=0.392
            self.total_loss = self.margin_loss + cfg.regularization_scale * self.reconstruction_err

        # Summary
        def _summary(self):
            train_summary = []
            train_summary.append(tf.summary.scalar("train/margin_loss", self.margin_loss))
            train_summary.append(
                tf.summary.scalar("train/reconstruction_loss", self.reconstruction_err)
            )
            train_summary.append(tf.summary.scalar("train/total_loss", self.total_loss))
            recon_img = tf.reshape(
                self.decoded, shape=(cfg.batch_size, self.height, self.width, self.channels)
            )
            train_summary.append(tf.summary.image("reconstruction_img", recon_img))
            self.train_summary = tf.summary.merge(train_summary)

            correct_prediction = tf.equal(tf.to_int32(self.labels), self.argmax_idx)
            self.accuracy = tf.reduce_sum(tf.cast(correct_prediction, tf.float32))

    return CapsNet, load_mnist


def main(tf):
    CapsNet, load_data = _capsnet(tf)
    model = CapsNet()
    logdir = tempfile.mkdtemp(prefix="capsnet_")
    sv = tf.train.Supervisor(graph=model.graph, logdir=logdir, save_model_secs=0)

    # main.py's train(), for a few steps
    trX, trY, num_tr_batch, valX, valY, num_val_batch = load_data(cfg.batch_size)
    losses, train_accs, val_accs = [], [], []
    with sv.managed_session() as sess:
        with model.graph.as_default():
            same_start(sess, tf, biases=True)
        for step in range(4):
            global_step = step
            if global_step % cfg.train_sum_freq == 0:
                _, loss, train_acc, summary_str = sess.run(
                    [model.train_op, model.total_loss, model.accuracy, model.train_summary]
                )
                assert not np.isnan(loss), "Something wrong! loss is nan..."
                sv.summary_writer.add_summary(summary_str, global_step)
                losses.append(float(loss))
                train_accs.append(float(train_acc / cfg.batch_size))
            else:
                sess.run(model.train_op)

            if cfg.val_sum_freq != 0 and (global_step) % cfg.val_sum_freq == 0:
                val_acc = 0
                for i in range(num_val_batch):
                    start = i * cfg.batch_size
                    end = start + cfg.batch_size
                    acc = sess.run(
                        model.accuracy, {model.X: valX[start:end], model.labels: valY[start:end]}
                    )
                    val_acc += acc
                val_acc = val_acc / (cfg.batch_size * num_val_batch)
                val_accs.append(float(val_acc))
        margin, recon, v_length, gstep = sess.run(
            [model.margin_loss, model.reconstruction_err, model.v_length, model.global_step],
            {model.X: valX[: cfg.batch_size], model.labels: valY[: cfg.batch_size]},
        )
        variables = sorted(v.name for v in model.graph.get_collection("trainable_variables"))
    return {
        "first_loss": losses[0],
        "last_loss": losses[-1],
        "train_acc": train_accs,
        "val_acc": val_accs,
        "margin_loss": float(margin),
        "reconstruction_err": float(recon),
        "global_step": int(gstep),
        "v_length_mean": float(v_length.mean()),
        "variables": variables,
    }
