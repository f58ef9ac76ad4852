"""Part II ("TensorFlow Cookbook") of vahidk/EffectiveTensorflow (branch ``v1``,
``README.md``), its functions as published: ``get_shape``; ``batch_gather`` (a flattened
``tf.gather`` with ``tf.range`` offsets); ``rnn_beam_search`` (``tf.tile`` of the state,
``tf.log`` of a one-hot start, ``tf.nn.log_softmax``, ``tf.nn.top_k`` over the flattened
beams, ``%`` and ``//`` on the indices, the ``tf.to_float(tf.not_equal(...))`` end mask,
``variable_scope(name, reuse=True if i > 0 else None)``); ``merge`` (``tf.layers.dense``
projections added with broadcasting); ``softmax_entropy``; ``gaussian_kl``;
``make_parallel``; ``leaky_relu``; and ``batch_normalization`` (its own ``beta`` /
``gamma`` / moving statistics, ``tf.nn.moments`` or ``tf.nn.fused_batch_norm``, the
moving averages as ``tf.assign``s added to ``UPDATE_OPS``). They are used here the way
the page says: a small convolutional classifier on digits built from
``batch_normalization`` (the plain form in the first block, the fused one in the second)
and ``leaky_relu``, trained under ``control_dependencies(UPDATE_OPS)`` and evaluated with
``training=False`` in a reused scope; its class-probability entropy and a
``gaussian_kl`` of its features; ``merge`` of ``[m, 1, d1]`` and ``[1, n, d2]``
features; and a beam search over a tiny recurrent model whose ``update_fn`` is built
from ``tf.get_variable`` and ``tf.layers.dense``.

Adapted: the data are the bundled 8x8 digits (160 training, 64 test images) and the
page's ``...`` are filled with small models of our own (named above); ``make_parallel``
uses ``CPU`` devices (no GPU here) in a session with ``allow_soft_placement``; weights
start from :func:`common.same_start`'s NumPy draws; 6 Adam steps."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import load_digits, same_start

COMPARE = {"gathered": 0.0, "first_loss": 1e-5, "last_loss": 1e-4, "test_accuracy": 1e-6,
           "moving_mean": 1e-4, "moving_variance": 1e-4, "entropy": 1e-4, "kl": 1e-4,
           "merge": 1e-4, "merge_shape": 0.0, "beam_ids": 0.0, "beam_logprobs": 1e-4,
           "parallel_logits": 1e-4, "update_ops": 0.0}


def _cookbook(tf):
    def get_shape(tensor):
        """Returns static shape if available and dynamic shape otherwise."""
        static_shape = tensor.shape.as_list()
        dynamic_shape = tf.unstack(tf.shape(tensor))
        dims = [s[1] if s[0] is None else s[0]
                for s in zip(static_shape, dynamic_shape)]
        return dims

    def batch_gather(tensor, indices):
        """Gather in batch from a tensor of arbitrary size.

        In pseudocode this module will produce the following:
        output[i] = tf.gather(tensor[i], indices[i])
        """
        shape = get_shape(tensor)
        flat_first = tf.reshape(tensor, [shape[0] * shape[1]] + shape[2:])
        indices = tf.convert_to_tensor(indices)
        offset_shape = [shape[0]] + [1] * (indices.shape.ndims - 1)
        offset = tf.reshape(tf.range(shape[0]) * shape[1], offset_shape)
        output = tf.gather(flat_first, indices + offset)
        return output

    def rnn_beam_search(update_fn, initial_state, sequence_length, beam_width,
                        begin_token_id, end_token_id, name="rnn"):
        """Beam-search decoder for recurrent models."""
        batch_size = initial_state.shape.as_list()[0]

        state = tf.tile(tf.expand_dims(initial_state, axis=1), [1, beam_width, 1])

        sel_sum_logprobs = tf.log([[1.] + [0.] * (beam_width - 1)])

        ids = tf.tile([[begin_token_id]], [batch_size, beam_width])
        sel_ids = tf.zeros([batch_size, beam_width, 0], dtype=ids.dtype)

        mask = tf.ones([batch_size, beam_width], dtype=tf.float32)

        for i in range(sequence_length):
            with tf.variable_scope(name, reuse=True if i > 0 else None):

                state, logits = update_fn(state, ids)
                logits = tf.nn.log_softmax(logits)

                sum_logprobs = (
                    tf.expand_dims(sel_sum_logprobs, axis=2) +
                    (logits * tf.expand_dims(mask, axis=2)))

                num_classes = logits.shape.as_list()[-1]

                sel_sum_logprobs, indices = tf.nn.top_k(
                    tf.reshape(sum_logprobs, [batch_size, num_classes * beam_width]),
                    k=beam_width)

                ids = indices % num_classes

                beam_ids = indices // num_classes

                state = batch_gather(state, beam_ids)

                sel_ids = tf.concat([batch_gather(sel_ids, beam_ids),
                                     tf.expand_dims(ids, axis=2)], axis=2)

                mask = (batch_gather(mask, beam_ids) *
                        tf.to_float(tf.not_equal(ids, end_token_id)))

        return sel_ids, sel_sum_logprobs

    def merge(tensors, units, activation=tf.nn.relu, name=None, **kwargs):
        """Merge features with broadcasting support."""
        with tf.variable_scope(name, default_name="merge"):
            # Apply linear projection to input tensors.
            projs = []
            for i, tensor in enumerate(tensors):
                proj = tf.layers.dense(
                    tensor, units,
                    name="proj_%d" % i,  # noqa: UP031
                    **kwargs)
                projs.append(proj)

            # Compute sum of tensors.
            result = projs.pop()
            for proj in projs:
                result = result + proj

            # Apply nonlinearity.
            if activation:
                result = activation(result)
        return result

    def softmax_entropy(logits, dim=-1):
        """Compute entropy over specified dimensions."""
        plogp = tf.nn.softmax(logits, dim) * tf.nn.log_softmax(logits, dim)
        return -tf.reduce_sum(plogp, dim)

    def gaussian_kl(q, p=(0., 0.)):
        """Computes KL divergence between two isotropic Gaussian distributions."""
        mu1, log_sigma1_sq = q
        mu2, log_sigma2_sq = p
        return tf.reduce_sum(
            0.5 * (log_sigma2_sq - log_sigma1_sq +
                   tf.exp(log_sigma1_sq - log_sigma2_sq) +
                   tf.square(mu1 - mu2) / tf.exp(log_sigma2_sq) -
                   1), axis=-1)

    def make_parallel(fn, num_gpus, **kwargs):
        """Parallelize given model on multiple gpu devices."""
        in_splits = {}
        for k, v in kwargs.items():
            in_splits[k] = tf.split(v, num_gpus)

        out_split = []
        for i in range(num_gpus):
            with tf.device(tf.DeviceSpec(device_type="CPU", device_index=i)):
                with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE):
                    out_split.append(fn(**{k: v[i] for k, v in in_splits.items()}))

        return tf.concat(out_split, axis=0)

    def leaky_relu(tensor, alpha=0.1):
        """Computes the leaky rectified linear activation."""
        return tf.maximum(tensor, alpha * tensor)

    def batch_normalization(tensor, training=False, epsilon=0.001, momentum=0.9,
                            fused_batch_norm=False, name=None):
        """Performs batch normalization on given 4-D tensor."""
        with tf.variable_scope(name, default_name="batch_normalization"):
            channels = tensor.shape.as_list()[-1]
            axes = list(range(tensor.shape.ndims - 1))

            beta = tf.get_variable(
                'beta', channels, initializer=tf.zeros_initializer())
            gamma = tf.get_variable(
                'gamma', channels, initializer=tf.ones_initializer())

            avg_mean = tf.get_variable(
                "avg_mean", channels, initializer=tf.zeros_initializer(),
                trainable=False)
            avg_variance = tf.get_variable(
                "avg_variance", channels, initializer=tf.ones_initializer(),
                trainable=False)

            if training:
                if fused_batch_norm:
                    mean, variance = None, None
                else:
                    mean, variance = tf.nn.moments(tensor, axes=axes)
            else:
                mean, variance = avg_mean, avg_variance

            if fused_batch_norm:
                tensor, mean, variance = tf.nn.fused_batch_norm(
                    tensor, scale=gamma, offset=beta, mean=mean, variance=variance,
                    epsilon=epsilon, is_training=training)
            else:
                tensor = tf.nn.batch_normalization(
                    tensor, mean, variance, beta, gamma, epsilon)

            if training:
                update_mean = tf.assign(
                    avg_mean, avg_mean * momentum + mean * (1.0 - momentum))
                update_variance = tf.assign(
                    avg_variance, avg_variance * momentum + variance * (1.0 - momentum))

                tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, update_mean)
                tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, update_variance)

        return tensor

    return (batch_gather, rnn_beam_search, merge, softmax_entropy, gaussian_kl,
            make_parallel, leaky_relu, batch_normalization)


def main(tf):
    (batch_gather, rnn_beam_search, merge, softmax_entropy, gaussian_kl, make_parallel,
     leaky_relu, batch_normalization) = _cookbook(tf)
    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    labels = digits.target.astype(np.int32)
    train_x, train_y, test_x, test_y = images[:160], labels[:160], images[160:224], \
        labels[160:224]

    gathered = batch_gather(tf.reshape(tf.range(24), [3, 4, 2]), [[3, 0], [1, 1], [2, 3]])

    def classifier(x, training):
        with tf.variable_scope("classifier", reuse=tf.AUTO_REUSE):
            h = tf.layers.conv2d(x, 8, 3, padding="same", use_bias=False, name="conv1")
            h = leaky_relu(batch_normalization(h, training=training, name="bn1"))
            h = tf.layers.conv2d(h, 8, 3, strides=2, padding="same", use_bias=False,
                                 name="conv2")
            h = leaky_relu(batch_normalization(h, training=training,
                                               fused_batch_norm=True, name="bn2"))
            features = tf.layers.flatten(h)
            stats = tf.layers.dense(features, 8, name="stats")
            return tf.layers.dense(features, 10, name="logits"), stats

    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int32, [None])
    logits, _ = classifier(x, training=True)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    test_logits, stats = classifier(x, training=False)
    accuracy = tf.reduce_mean(tf.to_float(tf.equal(tf.to_int32(tf.argmax(test_logits, 1)),
                                                   y)))
    entropy = tf.reduce_mean(softmax_entropy(test_logits))
    mu, log_sigma_sq = tf.split(stats, 2, axis=1)
    kl = tf.reduce_mean(gaussian_kl((mu, log_sigma_sq)))
    parallel_logits = make_parallel(lambda x: classifier(x, training=False)[0], 2, x=x)

    a = tf.constant(np.linspace(-1, 1, 4 * 3).reshape(4, 1, 3).astype(np.float32))
    b = tf.constant(np.linspace(0, 2, 5 * 2).reshape(1, 5, 2).astype(np.float32))
    merged = merge([a, b], 6)

    vocab, dim = 7, 6
    initial_state = tf.constant(np.linspace(-1, 1, 2 * dim).reshape(2, dim)
                                .astype(np.float32))

    def update_fn(state, ids):
        embedding = tf.get_variable("embedding", [vocab, dim])
        inputs = tf.nn.embedding_lookup(embedding, ids)
        state = tf.layers.dense(tf.concat([state, inputs], 2), dim, tf.tanh, name="cell")
        return state, tf.layers.dense(state, vocab, name="out")

    beam_ids, beam_logprobs = rnn_beam_search(update_fn, initial_state, 5, 3, 0, 1)

    sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf)
    losses = []
    for step in range(6):
        lo = (step * 32) % 160
        _, loss_val = sess.run([train_op, loss], {x: train_x[lo:lo + 32],
                                                  y: train_y[lo:lo + 32]})
        losses.append(float(loss_val))
    acc, ent, kl_val, par = sess.run([accuracy, entropy, kl, parallel_logits],
                                     {x: test_x, y: test_y})
    moving = {v.op.name: v for v in tf.global_variables() if "avg_" in v.op.name}
    mean1, var2 = sess.run([moving["classifier/bn1/avg_mean"],
                            moving["classifier/bn2/avg_variance"]])
    g, m, ids, logp = sess.run([gathered, merged, beam_ids, beam_logprobs])
    return {"gathered": g.tolist(), "first_loss": losses[0], "last_loss": losses[-1],
            "test_accuracy": float(acc), "moving_mean": float(mean1.sum()),
            "moving_variance": float(var2.sum()), "entropy": float(ent),
            "kl": float(kl_val), "merge": float(m.sum()),
            "merge_shape": merged.shape.as_list(), "beam_ids": ids.tolist(),
            "beam_logprobs": float(logp.sum()), "parallel_logits": float(np.abs(par).sum()),
            "update_ops": len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))}
