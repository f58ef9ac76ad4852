"""Small networks in the idiom of the TF-Slim model zoo (tensorflow/models
``research/slim/nets``), run both by TF 2.21 + ``tf_slim`` 1.1.0
(``make_slim_reference.py slim_nets`` records ``slim_nets_reference.json``) and by trainkit
(``test_slim_nets.py``).

The zoo's own files are not vendored here (the project commits no third-party code); these
builders are written for this test and reproduce, at 32x32 and a few channels, the
constructions the zoo's nets and their ``*_test.py`` files rely on, each of which broke or
could break trainkit:

- VGG / AlexNet / OverFeat: ``slim.conv2d`` with ``stride`` passed positionally,
  ``slim.repeat``, fully connected layers as VALID convolutions, an ``arg_scope``
  returned as a dict and re-entered, ``outputs_collections`` turned into the end points
  with ``slim.utils.convert_collection_to_dict``, ``spatial_squeeze``.
- ResNet v1 / v2 (``resnet_utils``): ``conv2d_same`` (explicit ``tf.pad`` then VALID),
  ``subsample`` by a 1x1 max-pool, bottlenecks that read their depth with
  ``slim.utils.last_dimension``, batch norm from the arg_scope with its ``UPDATE_OPS``,
  atrous ``rate``, ``collect_named_outputs``, pre-activation and global pooling.
- Inception: branches concatenated on the channel axis under
  ``arg_scope([conv2d, max_pool2d, avg_pool2d], stride=1, padding='SAME')``, a reduction
  block, dropout, logits squeezed.
- MobileNet v1 / v2: depthwise ``separable_conv2d(num_outputs=None)`` + 1x1 convolutions,
  ``relu6``, the ``depth_multiplier``, fixed padding, an inverted residual block, and
  ``group_norm`` as ``normalizer_fn`` (v2's group-norm variant).

Each ``case_<name>(tf, slim)`` builds a fresh graph from seeded NumPy values, runs one
forward pass, the gradients of a loss and one SGD step, and returns plain lists.
"""

from __future__ import annotations

import numpy as np

SIZE = 32


def _init(tf, seed, std=0.2):
    """An initializer of seeded N(0, std) values (same numbers under TF and trainkit)."""
    def init(shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        rng = np.random.RandomState(seed + 7 * sum(dims) + len(dims))
        return tf.constant(rng.normal(0, std, dims).astype(np.float32))
    return init


def _images(batch=2, size=SIZE, channels=3, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, [batch, size, size, channels]).astype(
        np.float32)


def _summary(tf, slim, logits, end_points, images, labels, rate=0.05, extra_updates=()):
    """End points, variables and update ops by name and shape; logits; the loss's
    gradient norms; the loss after one SGD step (update ops run with the step)."""
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    total = tf.losses.get_total_loss()
    train_vars = tf.trainable_variables()
    grads = tf.gradients(total, train_vars)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    # Every gradient is computed before any variable changes: TF's ref variables would
    # otherwise let an early update leak into a later gradient (a race in TF).
    with tf.control_dependencies(update_ops + grads):
        step = tf.train.GradientDescentOptimizer(rate).apply_gradients(
            list(zip(grads, train_vars)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, g, first = sess.run([logits, grads, loss])
        sess.run(step)
        after = sess.run(loss)
    return {
        "end_points": [[k, v.shape.as_list()] for k, v in end_points.items()],
        "variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
        "model_variables": len(slim.get_model_variables()),
        "trainable": len(train_vars),
        "regularization_losses": len(tf.losses.get_regularization_losses()),
        "update_ops": len(update_ops),
        "logits_name": logits.op.name,
        "logits": np.asarray(out).tolist(),
        "grad_norms": [float(np.linalg.norm(x)) for x in g],
        "loss": [float(first), float(after)],
    }


# --- VGG / AlexNet / OverFeat -------------------------------------------------------------

def _vgg_arg_scope(tf, slim, weight_decay=0.0005):
    with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=tf.nn.relu,
                        weights_regularizer=slim.l2_regularizer(weight_decay),
                        weights_initializer=_init(tf, 1),
                        biases_initializer=tf.constant_initializer(0.01)):
        with slim.arg_scope([slim.conv2d], padding="SAME") as sc:
            return sc


def _mini_vgg(tf, slim, inputs, num_classes=5, is_training=True, spatial_squeeze=True,
              scope="mini_vgg", reuse=None):
    with tf.variable_scope(scope, "mini_vgg", [inputs], reuse=reuse) as sc:
        collection = sc.original_name_scope + "_end_points"
        with slim.arg_scope([slim.conv2d, slim.max_pool2d], outputs_collections=collection):
            # AlexNet's first layer: the stride given positionally
            net = slim.conv2d(inputs, 6, [5, 5], 2, padding="VALID", scope="conv1")
            net = slim.repeat(net, 2, slim.conv2d, 8, [3, 3], scope="conv2")
            net = slim.max_pool2d(net, [2, 2], scope="pool2")
            # fully connected layers as convolutions, as in VGG
            net = slim.conv2d(net, 16, net.shape.as_list()[1:3], padding="VALID",
                              scope="fc6")
            net = slim.dropout(net, 1.0, is_training=is_training, scope="dropout6")
            net = slim.conv2d(net, 16, [1, 1], scope="fc7")
            net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None,
                              normalizer_fn=None, scope="fc8")
            end_points = slim.utils.convert_collection_to_dict(collection)
            if spatial_squeeze:
                net = tf.squeeze(net, [1, 2], name="fc8/squeezed")
                end_points[sc.name + "/fc8"] = net
            return net, end_points


def case_vgg_alexnet(tf, slim):
    tf.reset_default_graph()
    images = tf.constant(_images())
    scope = _vgg_arg_scope(tf, slim)
    with slim.arg_scope(scope):
        logits, end_points = _mini_vgg(tf, slim, images)
        # an eval copy sharing the weights, as the zoo's testTrainEvalWithReuse
        eval_logits, _ = _mini_vgg(tf, slim, images, is_training=False, reuse=True)
    out = _summary(tf, slim, logits, end_points, images, tf.constant([1, 3]))
    out["eval_logits"] = [eval_logits.op.name, eval_logits.shape.as_list()]
    out["scope_keys"] = len(scope)
    return out


# --- ResNet v1 / v2 -----------------------------------------------------------------------

def _conv2d_same(tf, slim, inputs, num_outputs, kernel_size, stride, rate=1, scope=None):
    if stride == 1:
        return slim.conv2d(inputs, num_outputs, kernel_size, stride=1, rate=rate,
                           padding="SAME", scope=scope)
    total = kernel_size + (kernel_size - 1) * (rate - 1) - 1
    begin, end = total // 2, total - total // 2
    inputs = tf.pad(inputs, [[0, 0], [begin, end], [begin, end], [0, 0]])
    return slim.conv2d(inputs, num_outputs, kernel_size, stride=stride, rate=rate,
                       padding="VALID", scope=scope)


def _subsample(slim, inputs, factor, scope=None):
    return inputs if factor == 1 else slim.max_pool2d(inputs, [1, 1], stride=factor,
                                                      scope=scope)


def _bottleneck(tf, slim, inputs, depth, bottleneck, stride, rate=1, preact=False,
                collections=None, scope=None):
    with tf.variable_scope(scope, "bottleneck", [inputs]) as sc:
        depth_in = slim.utils.last_dimension(inputs.get_shape(), min_rank=4)
        if preact:
            inputs = slim.batch_norm(inputs, activation_fn=tf.nn.relu, scope="preact")
        if depth == depth_in:
            shortcut = _subsample(slim, inputs, stride, "shortcut")
        else:
            shortcut = slim.conv2d(inputs, depth, [1, 1], stride=stride,
                                   normalizer_fn=None if preact else slim.batch_norm,
                                   activation_fn=None, scope="shortcut")
        residual = slim.conv2d(inputs, bottleneck, [1, 1], stride=1, scope="conv1")
        residual = _conv2d_same(tf, slim, residual, bottleneck, 3, stride, rate=rate,
                                scope="conv2")
        residual = slim.conv2d(residual, depth, [1, 1], stride=1, activation_fn=None,
                               normalizer_fn=None if preact else slim.batch_norm,
                               scope="conv3")
        output = shortcut + residual if preact else tf.nn.relu(shortcut + residual)
        return slim.utils.collect_named_outputs(collections, sc.name, output)


def _mini_resnet(tf, slim, inputs, num_classes, is_training, preact, scope):
    with tf.variable_scope(scope, "mini_resnet", [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(1e-4),
                            weights_initializer=_init(tf, 2), activation_fn=tf.nn.relu,
                            normalizer_fn=slim.batch_norm,
                            outputs_collections=collection), \
                slim.arg_scope([slim.batch_norm], is_training=is_training, decay=0.9,
                               epsilon=1e-5, scale=True), \
                slim.arg_scope([slim.max_pool2d], padding="SAME"):
            if preact:
                with slim.arg_scope([slim.conv2d], activation_fn=None, normalizer_fn=None):
                    net = _conv2d_same(tf, slim, inputs, 8, 7, stride=2, scope="conv1")
            else:
                net = _conv2d_same(tf, slim, inputs, 8, 7, stride=2, scope="conv1")
            net = slim.max_pool2d(net, [3, 3], stride=2, scope="pool1")
            for i, (depth, stride, rate) in enumerate([(16, 2, 1), (16, 1, 2)]):
                net = _bottleneck(tf, slim, net, depth, 4, stride, rate=rate, preact=preact,
                                  collections=collection, scope=f"block{i + 1}/unit_1")
            if preact:
                net = slim.batch_norm(net, activation_fn=tf.nn.relu, scope="postnorm")
            net = tf.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
            end_points = slim.utils.convert_collection_to_dict(collection)
            end_points["global_pool"] = net
            net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None,
                              normalizer_fn=None, scope="logits")
            end_points[sc.name + "/logits"] = net
            net = tf.squeeze(net, [1, 2], name="SpatialSqueeze")
            end_points[sc.name + "/spatial_squeeze"] = net
            end_points["predictions"] = slim.softmax(net, scope="predictions")
            return net, end_points


def _resnet_case(tf, slim, preact):
    tf.reset_default_graph()
    images = tf.constant(_images(seed=1))
    logits, end_points = _mini_resnet(tf, slim, images, 4, True, preact,
                                      "resnet_v2" if preact else "resnet_v1")
    return _summary(tf, slim, logits, end_points, images, tf.constant([0, 2]))


def case_resnet_v1(tf, slim):
    return _resnet_case(tf, slim, preact=False)


def case_resnet_v2(tf, slim):
    return _resnet_case(tf, slim, preact=True)


# --- Inception ----------------------------------------------------------------------------

def _mixed(tf, slim, net, depths, scope):
    with tf.variable_scope(scope):
        with tf.variable_scope("Branch_0"):
            b0 = slim.conv2d(net, depths[0], [1, 1], scope="Conv2d_0a_1x1")
        with tf.variable_scope("Branch_1"):
            b1 = slim.conv2d(net, depths[1], [1, 1], scope="Conv2d_0a_1x1")
            b1 = slim.conv2d(b1, depths[1], [3, 3], scope="Conv2d_0b_3x3")
        with tf.variable_scope("Branch_2"):
            b2 = slim.conv2d(net, depths[2], [1, 1], scope="Conv2d_0a_1x1")
            b2 = slim.conv2d(b2, depths[2], [1, 3], scope="Conv2d_0b_1x3")
            b2 = slim.conv2d(b2, depths[2], [3, 1], scope="Conv2d_0c_3x1")
        with tf.variable_scope("Branch_3"):
            b3 = slim.avg_pool2d(net, [3, 3], scope="AvgPool_0a_3x3")
            b3 = slim.conv2d(b3, depths[3], [1, 1], scope="Conv2d_0b_1x1")
        return tf.concat(axis=3, values=[b0, b1, b2, b3])


def _reduction(tf, slim, net, depth, scope):
    with tf.variable_scope(scope):
        with tf.variable_scope("Branch_0"):
            b0 = slim.conv2d(net, depth, [3, 3], stride=2, padding="VALID",
                             scope="Conv2d_1a_3x3")
        with tf.variable_scope("Branch_1"):
            b1 = slim.max_pool2d(net, [3, 3], stride=2, padding="VALID",
                                 scope="MaxPool_1a_3x3")
        return tf.concat([b0, b1], 3)


def case_inception(tf, slim):
    tf.reset_default_graph()
    images = tf.constant(_images(seed=2))
    end_points = {}
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_initializer=_init(tf, 3),
                        weights_regularizer=slim.l2_regularizer(4e-5)), \
            slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                           normalizer_params={"decay": 0.9997, "epsilon": 0.001,
                                              "is_training": True}), \
            slim.arg_scope([slim.batch_norm, slim.dropout], is_training=True):
        with tf.variable_scope("InceptionMini", "InceptionMini", [images]):
            with slim.arg_scope([slim.conv2d, slim.max_pool2d, slim.avg_pool2d],
                                stride=1, padding="SAME"):
                net = slim.conv2d(images, 8, [3, 3], stride=2, scope="Conv2d_1a_3x3")
                end_points["Conv2d_1a_3x3"] = net
                net = slim.max_pool2d(net, [3, 3], stride=2, scope="MaxPool_2a_3x3")
                end_points["MaxPool_2a_3x3"] = net
                net = _mixed(tf, slim, net, [4, 4, 4, 4], "Mixed_3b")
                end_points["Mixed_3b"] = net
                net = _reduction(tf, slim, net, 8, "Mixed_4a")
                end_points["Mixed_4a"] = net
            with tf.variable_scope("Logits"):
                kernel = net.shape.as_list()[1:3]
                net = slim.avg_pool2d(net, kernel, padding="VALID", scope="AvgPool_1a")
                end_points["AvgPool_1a"] = net
                net = slim.dropout(net, keep_prob=1.0, scope="Dropout_1b")
                logits = slim.conv2d(net, 6, [1, 1], activation_fn=None,
                                     normalizer_fn=None, scope="Conv2d_1c_1x1")
                logits = tf.squeeze(logits, [1, 2], name="SpatialSqueeze")
            end_points["Logits"] = logits
            end_points["Predictions"] = slim.softmax(logits, scope="Predictions")
    return _summary(tf, slim, logits, end_points, images, tf.constant([5, 0]))


# --- MobileNet v1 / v2 --------------------------------------------------------------------

def _fixed_padding(tf, inputs, kernel_size, rate=1):
    effective = [k + (k - 1) * (rate - 1) for k in kernel_size]
    total = [k - 1 for k in effective]
    begin = [t // 2 for t in total]
    return tf.pad(inputs, [[0, 0], [begin[0], total[0] - begin[0]],
                           [begin[1], total[1] - begin[1]], [0, 0]])


def _mobilenet_v1(tf, slim, inputs, depth_multiplier, use_explicit_padding, end_points):
    depth = lambda d: max(int(d * depth_multiplier), 4)  # noqa: E731
    padding = "VALID" if use_explicit_padding else "SAME"
    with slim.arg_scope([slim.conv2d, slim.separable_conv2d], padding=padding):
        net = inputs
        if use_explicit_padding:
            net = _fixed_padding(tf, net, [3, 3])
        net = slim.conv2d(net, depth(16), [3, 3], stride=2, scope="Conv2d_0")
        end_points["Conv2d_0"] = net
        for i, (d, stride) in enumerate([(32, 1), (32, 2)], start=1):
            if use_explicit_padding:
                net = _fixed_padding(tf, net, [3, 3])
            net = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1,
                                        stride=stride, scope=f"Conv2d_{i}_depthwise")
            end_points[f"Conv2d_{i}_depthwise"] = net
            net = slim.conv2d(net, depth(d), [1, 1], stride=1, scope=f"Conv2d_{i}_pointwise")
            end_points[f"Conv2d_{i}_pointwise"] = net
    return net


def _expanded_conv(tf, slim, net, expansion, depth, stride, scope):
    with tf.variable_scope(scope, "expanded_conv", [net]):
        shortcut = net
        inner = slim.utils.last_dimension(net.get_shape(), min_rank=4) * expansion
        net = slim.conv2d(net, inner, [1, 1], scope="expand")
        net = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1, stride=stride,
                                    scope="depthwise")
        net = slim.conv2d(net, depth, [1, 1], activation_fn=tf.identity, scope="project")
        if stride == 1 and shortcut.shape.as_list()[3] == depth:
            net = tf.add(net, shortcut, name="residual")
        return tf.identity(net, name="output")


def case_mobilenet(tf, slim):
    tf.reset_default_graph()
    images = tf.constant(_images(seed=3))
    end_points = {}
    with slim.arg_scope([slim.conv2d, slim.separable_conv2d],
                        weights_initializer=_init(tf, 4), activation_fn=tf.nn.relu6,
                        normalizer_fn=slim.batch_norm), \
            slim.arg_scope([slim.batch_norm], is_training=True, center=True, scale=True,
                           decay=0.9997, epsilon=0.001), \
            slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(4e-5)):
        with tf.variable_scope("MobilenetV1", "MobilenetV1", [images]):
            net = _mobilenet_v1(tf, slim, images, 0.5, True, end_points)
            net = tf.reduce_mean(net, [1, 2], keepdims=True, name="global_pool")
            v1 = tf.squeeze(slim.conv2d(net, 3, [1, 1], activation_fn=None,
                                        normalizer_fn=None, scope="Logits"), [1, 2])
        # v2's group-norm variant: inverted residual blocks with group_norm
        with tf.variable_scope("MobilenetV2", "MobilenetV2", [images]), \
                slim.arg_scope([slim.conv2d, slim.separable_conv2d],
                               normalizer_fn=slim.group_norm), \
                slim.arg_scope([slim.group_norm], groups=4):
            net = slim.conv2d(images, 8, [3, 3], stride=2, scope="Conv")
            net = _expanded_conv(tf, slim, net, 2, 8, 1, "expanded_conv")
            end_points["layer_2"] = net
            net = _expanded_conv(tf, slim, net, 2, 12, 2, "expanded_conv_1")
            end_points["layer_3"] = net
            net = tf.reduce_mean(net, [1, 2], name="global_pool")
            v2 = slim.fully_connected(net, 3, activation_fn=None, normalizer_fn=None,
                                      weights_initializer=_init(tf, 5), scope="Logits")
    return _summary(tf, slim, v1 + v2, end_points, images, tf.constant([2, 1]))


CASES = [case_vgg_alexnet, case_resnet_v1, case_resnet_v2, case_inception, case_mobilenet]
