"""A small CIFAR ResNet v1 from tensorflow/models ``official/resnet`` (the TF 1.x
``resnet_model.py`` and ``cifar10_main.py`` / ``resnet_run_loop.py``): ``batch_norm``
as ``tf.layers.batch_normalization(momentum=0.997, epsilon=1e-5, fused=True)``,
``fixed_padding`` + ``conv2d_fixed_padding`` (explicit ``tf.pad`` and ``VALID`` for
strided convs, ``use_bias=False``, ``variance_scaling_initializer``),
``_building_block_v1`` with a projection shortcut, ``block_layer`` closing with
``tf.identity(inputs, name)``, the ``Model.__call__`` of the CIFAR configuration (3x3
initial conv with 16 filters, three block layers with strides 1, 2, 2, global
``reduce_mean(keepdims=True)`` + ``squeeze``, dense) under
``variable_scope('resnet_model', custom_getter=self._custom_dtype_getter)``;
``resnet_model_fn``'s loss (``tf.losses.sparse_softmax_cross_entropy`` plus weight decay
over the non-batch-norm variables with ``tf.nn.l2_loss``), ``learning_rate_with_decay``'s
``tf.train.piecewise_constant`` on the global step, ``MomentumOptimizer(0.9)``,
``tf.group(minimize_op, update_ops)``, ``tf.metrics.accuracy``.

Adapted: channels_last only; resnet_size 8 (one block per layer) on generated 16x16x3
images of 10 classes; the Estimator around ``resnet_model_fn`` is replaced by a session
loop calling the same graph (TF 2.16+ has no ``tf.estimator``); the learning-rate
boundaries scaled to the few steps run and ``batch_denom`` 512 instead of 128 (at the
original rate the two backends' float32 rounding grows tenfold per step through the
batch norms: equal after 2 steps, 1e-3 apart after 20); same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-5, "loss": 1e-3, "cross_entropy": 1e-3, "learning_rate": 1e-7,
           "moving_mean_sum": 1e-3, "moving_var_sum": 1e-3, "eval_accuracy": 0.02,
           "logits_sum": 1e-2, "variables": 0.0, "global_step": 0.0}

_BATCH_NORM_DECAY = 0.997
_BATCH_NORM_EPSILON = 1e-5

_HEIGHT = 16
_WIDTH = 16
_NUM_CHANNELS = 3
_NUM_CLASSES = 10


def build(tf):
    """``resnet_model.py``'s functions and ``Model``, closed over the TF module."""
    DEFAULT_DTYPE = tf.float32
    CASTABLE_TYPES = (tf.float16,)

    def batch_norm(inputs, training, data_format):
        """Performs a batch normalization using a standard set of parameters."""
        return tf.layers.batch_normalization(
            inputs=inputs, axis=1 if data_format == "channels_first" else 3,
            momentum=_BATCH_NORM_DECAY, epsilon=_BATCH_NORM_EPSILON, center=True,
            scale=True, training=training, fused=True)

    def fixed_padding(inputs, kernel_size, data_format):
        """Pads the input along the spatial dimensions independently of input size."""
        pad_total = kernel_size - 1
        pad_beg = pad_total // 2
        pad_end = pad_total - pad_beg
        if data_format == "channels_first":
            padded_inputs = tf.pad(inputs, [[0, 0], [0, 0],
                                            [pad_beg, pad_end], [pad_beg, pad_end]])
        else:
            padded_inputs = tf.pad(inputs, [[0, 0], [pad_beg, pad_end],
                                            [pad_beg, pad_end], [0, 0]])
        return padded_inputs

    def conv2d_fixed_padding(inputs, filters, kernel_size, strides, data_format):
        """Strided 2-D convolution with explicit padding."""
        if strides > 1:
            inputs = fixed_padding(inputs, kernel_size, data_format)
        return tf.layers.conv2d(
            inputs=inputs, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=("SAME" if strides == 1 else "VALID"), use_bias=False,
            kernel_initializer=tf.variance_scaling_initializer(),
            data_format=data_format)

    def _building_block_v1(inputs, filters, training, projection_shortcut, strides,
                           data_format):
        """A single block for ResNet v1, without a bottleneck."""
        shortcut = inputs
        if projection_shortcut is not None:
            shortcut = projection_shortcut(inputs)
            shortcut = batch_norm(inputs=shortcut, training=training,
                                  data_format=data_format)
        inputs = conv2d_fixed_padding(inputs=inputs, filters=filters, kernel_size=3,
                                      strides=strides, data_format=data_format)
        inputs = batch_norm(inputs, training, data_format)
        inputs = tf.nn.relu(inputs)
        inputs = conv2d_fixed_padding(inputs=inputs, filters=filters, kernel_size=3,
                                      strides=1, data_format=data_format)
        inputs = batch_norm(inputs, training, data_format)
        inputs += shortcut
        inputs = tf.nn.relu(inputs)
        return inputs

    def block_layer(inputs, filters, bottleneck, block_fn, blocks, strides, training, name,
                    data_format):
        """Creates one layer of blocks for the ResNet model."""
        filters_out = filters * 4 if bottleneck else filters

        def projection_shortcut(inputs):
            return conv2d_fixed_padding(inputs=inputs, filters=filters_out, kernel_size=1,
                                        strides=strides, data_format=data_format)

        inputs = block_fn(inputs, filters, training, projection_shortcut, strides,
                          data_format)
        for _ in range(1, blocks):
            inputs = block_fn(inputs, filters, training, None, 1, data_format)
        return tf.identity(inputs, name)

    class Model:
        """Base class for building the Resnet Model (v1, building blocks)."""

        def __init__(self, resnet_size, bottleneck, num_classes, num_filters, kernel_size,
                     conv_stride, first_pool_size, first_pool_stride, block_sizes,
                     block_strides, data_format="channels_last", dtype=DEFAULT_DTYPE):
            self.resnet_size = resnet_size
            self.bottleneck = bottleneck
            self.block_fn = _building_block_v1
            self.data_format = data_format
            self.num_classes = num_classes
            self.num_filters = num_filters
            self.kernel_size = kernel_size
            self.conv_stride = conv_stride
            self.first_pool_size = first_pool_size
            self.first_pool_stride = first_pool_stride
            self.block_sizes = block_sizes
            self.block_strides = block_strides
            self.dtype = dtype
            self.pre_activation = False

        def _custom_dtype_getter(self, getter, name, shape=None, dtype=DEFAULT_DTYPE,
                                 *args, **kwargs):
            """Creates variables in fp32, then casts to fp16 if necessary."""
            if dtype in CASTABLE_TYPES:
                var = getter(name, shape, tf.float32, *args, **kwargs)
                return tf.cast(var, dtype=dtype, name=name + "_cast")
            return getter(name, shape, dtype, *args, **kwargs)

        def _model_variable_scope(self):
            return tf.variable_scope("resnet_model", custom_getter=self._custom_dtype_getter)

        def __call__(self, inputs, training):
            with self._model_variable_scope():
                inputs = conv2d_fixed_padding(
                    inputs=inputs, filters=self.num_filters, kernel_size=self.kernel_size,
                    strides=self.conv_stride, data_format=self.data_format)
                inputs = tf.identity(inputs, "initial_conv")
                inputs = batch_norm(inputs, training, self.data_format)
                inputs = tf.nn.relu(inputs)
                if self.first_pool_size:
                    inputs = tf.layers.max_pooling2d(
                        inputs=inputs, pool_size=self.first_pool_size,
                        strides=self.first_pool_stride, padding="SAME",
                        data_format=self.data_format)
                    inputs = tf.identity(inputs, "initial_max_pool")
                for i, num_blocks in enumerate(self.block_sizes):
                    num_filters = self.num_filters * (2**i)
                    inputs = block_layer(
                        inputs=inputs, filters=num_filters, bottleneck=self.bottleneck,
                        block_fn=self.block_fn, blocks=num_blocks,
                        strides=self.block_strides[i], training=training,
                        name=f"block_layer{i + 1}", data_format=self.data_format)
                axes = [2, 3] if self.data_format == "channels_first" else [1, 2]
                inputs = tf.reduce_mean(inputs, axes, keepdims=True)
                inputs = tf.identity(inputs, "final_reduce_mean")
                inputs = tf.squeeze(inputs, axes)
                inputs = tf.layers.dense(inputs=inputs, units=self.num_classes)
                inputs = tf.identity(inputs, "final_dense")
                return inputs

    class Cifar10Model(Model):
        """Model class with appropriate defaults for CIFAR-10 data."""

        def __init__(self, resnet_size, data_format=None, num_classes=_NUM_CLASSES,
                     dtype=DEFAULT_DTYPE):
            if resnet_size % 6 != 2:
                raise ValueError("resnet_size must be 6n + 2:", resnet_size)
            num_blocks = (resnet_size - 2) // 6
            super().__init__(
                resnet_size=resnet_size, bottleneck=False, num_classes=num_classes,
                num_filters=16, kernel_size=3, conv_stride=1, first_pool_size=None,
                first_pool_stride=None, block_sizes=[num_blocks] * 3,
                block_strides=[1, 2, 2], data_format=data_format or "channels_last",
                dtype=dtype)

    return Cifar10Model


def learning_rate_with_decay(tf, batch_size, batch_denom, num_images, boundary_epochs,
                             decay_rates):
    """Piecewise-constant learning rate on the global step (``resnet_run_loop``)."""
    initial_learning_rate = 0.1 * batch_size / batch_denom
    batches_per_epoch = num_images / batch_size
    boundaries = [int(batches_per_epoch * epoch) for epoch in boundary_epochs]
    vals = [initial_learning_rate * decay for decay in decay_rates]

    def learning_rate_fn(global_step):
        global_step = tf.cast(global_step, tf.int32)
        return tf.train.piecewise_constant(global_step, boundaries, vals)

    return learning_rate_fn


def make_data(n, rng):
    labels = rng.randint(0, _NUM_CLASSES, size=n)
    patterns = rng.normal(0, 1, (_NUM_CLASSES, _HEIGHT, _WIDTH, _NUM_CHANNELS))
    images = patterns[labels] + rng.normal(0, 1.0, (n, _HEIGHT, _WIDTH, _NUM_CHANNELS))
    return images.astype(np.float32), labels.astype(np.int32)


def main(tf):
    batch_size = 32
    rng = np.random.RandomState(3)
    train_x, train_y = make_data(256, rng)
    test_x, test_y = make_data(64, rng)

    features = tf.placeholder(tf.float32, [None, _HEIGHT, _WIDTH, _NUM_CHANNELS])
    labels = tf.placeholder(tf.int32, [None])
    training = tf.placeholder_with_default(False, [])

    model = build(tf)(resnet_size=8)
    logits = model(features, training)
    logits = tf.cast(logits, tf.float32)
    predictions = {"classes": tf.argmax(logits, axis=1),
                   "probabilities": tf.nn.softmax(logits, name="softmax_tensor")}

    cross_entropy = tf.losses.sparse_softmax_cross_entropy(logits=logits, labels=labels)
    tf.identity(cross_entropy, name="cross_entropy")

    weight_decay = 2e-4

    def exclude_batch_norm(name):
        return "batch_normalization" not in name

    l2_loss = weight_decay * tf.add_n(
        [tf.nn.l2_loss(tf.cast(v, tf.float32)) for v in tf.trainable_variables()
         if exclude_batch_norm(v.name)])
    loss = cross_entropy + l2_loss

    global_step = tf.train.get_or_create_global_step()
    learning_rate_fn = learning_rate_with_decay(
        tf, batch_size=batch_size, batch_denom=512, num_images=256,
        boundary_epochs=[1, 2], decay_rates=[1, 0.1, 0.01])
    learning_rate = learning_rate_fn(global_step)
    tf.identity(learning_rate, name="learning_rate")
    optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate, momentum=0.9)
    minimize_op = optimizer.minimize(loss, global_step)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    train_op = tf.group(minimize_op, update_ops)

    accuracy = tf.metrics.accuracy(labels, predictions["classes"])

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.local_variables_initializer())
        same_start(sess, tf)
        for step in range(20):
            lo = (step * batch_size) % len(train_x)
            fd = {features: train_x[lo:lo + batch_size], labels: train_y[lo:lo + batch_size],
                  training: True}
            _, loss_, ce_ = sess.run([train_op, loss, cross_entropy], fd)
            losses.append(loss_)
        lr_, step_ = sess.run([learning_rate, global_step])
        for lo in range(0, len(test_x), batch_size):
            sess.run(accuracy[1], {features: test_x[lo:lo + batch_size],
                                   labels: test_y[lo:lo + batch_size]})
        acc_, logits_ = sess.run([accuracy[0], logits], {features: test_x})
        moving = [v for v in tf.global_variables() if "moving_" in v.name]
        moving_vals = sess.run(moving)
        mean_sum = sum(float(np.sum(m)) for v, m in zip(moving, moving_vals)
                       if "moving_mean" in v.name)
        var_sum = sum(float(np.sum(m)) for v, m in zip(moving, moving_vals)
                      if "moving_variance" in v.name)
        names = sorted(v.name for v in tf.trainable_variables())
    return {"first_loss": float(losses[0]), "loss": float(losses[-1]),
            "cross_entropy": float(ce_), "learning_rate": float(lr_),
            "moving_mean_sum": mean_sum, "moving_var_sum": var_sum,
            "eval_accuracy": float(acc_), "logits_sum": float(np.sum(logits_)),
            "variables": names, "global_step": int(step_)}
