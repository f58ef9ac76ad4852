"""CIFAR-10 with image augmentation: Hvass-Labs' TensorFlow-Tutorials,
``06_CIFAR-10.ipynb``. ``pre_process_image`` distorts each training image
(``tf.random_crop`` to 24x24, ``random_flip_left_right``, ``random_hue``,
``random_contrast``, ``random_brightness``, ``random_saturation``, clipped with
``tf.minimum`` / ``tf.maximum``) and centre-crops each test image
(``resize_image_with_crop_or_pad``), applied per image with ``tf.map_fn``;
``create_network`` builds the training and the test network in
``tf.variable_scope('network', reuse=not training)`` so they share weights; a
``global_step`` Variable, Adam, a ``Saver``; the session first tries
``saver.restore(session, tf.train.latest_checkpoint(save_dir))`` and falls back to
``global_variables_initializer`` in a bare ``except``; ``optimize`` saves with
``global_step=``; the layers' weights and outputs are found again with
``get_variable`` under ``reuse=True`` and ``get_tensor_by_name``.

Adapted: the notebook's network is PrettyTensor, which has no TF 2 port; here it is
the same layers in ``tf.layers`` (the author's own translation style of
``03B_Layers_API.ipynb``): 5x5 conv with 64 filters, ``batch_normalization`` (training
flag as PrettyTensor's phase; its update ops run with the training step) and ReLU; 2x2
max-pool; 5x5 conv 64 ReLU; max-pool; flatten; 256 and 128 ReLU units; softmax with the
mean cross-entropy PrettyTensor's ``softmax_classifier`` gives. So the weights are
``'kernel'`` not ``'weights'``, and the first layer's ReLU is named ``layer_conv1/Relu``
by hand. The CIFAR-10 download is 160 training and 64 test generated 32x32 RGB images
of 10 classes in [0, 1] (the bundled 8x8 digits blown up 4x and tinted per image,
seeded); ``np.random.choice`` batches come from a seeded ``RandomState``; the weights
start from the same draw on both backends (``common.same_start``); the checkpoint
directory is temporary; 1000 iterations are 4. The distortions draw from each backend's
own random stream, so what is compared is what does not depend on it: the test
network's predictions before training, the distorted images' shape and range, the
shapes of the layer outputs the notebook plots (its ``get_layer_output`` names find the
training network's, which sees distorted images), the
checkpoint written with the global step and the step restored from it by a second
session; plots, printing and timing left out."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import load_digits, same_start

COMPARE = {"acc_before": 0.0, "prob_mean_max": 1e-4, "conv_out_shapes": 0.0,
           "distorted_shape": 0.0, "distorted_in_range": 0.0,
           "first_run_initialized": 0.0, "global_step": 0.0, "restored_step": 0.0,
           "checkpoint_files": 0.0, "weights_shapes": 0.0, "trainable": 0.0}

img_size, num_channels, num_classes = 32, 3, 10


def cifar_like(rng: np.random.RandomState) -> tuple[np.ndarray, ...]:
    """160 training and 64 test float ``[32, 32, 3]`` images, classes and one-hot
    labels (``cifar10.load_training_data()``'s shapes)."""
    digits = load_digits()
    pix = np.kron(digits.data[:224].reshape(-1, 8, 8) / 16.0, np.ones((4, 4)))
    tint = rng.uniform(0.3, 1.0, (224, 1, 1, 3))
    images = np.clip(pix[..., None] * tint + rng.uniform(0, 0.2, (224, 32, 32, 3)), 0, 1)
    cls = digits.target[:224]
    labels = np.eye(num_classes)[cls]
    return images[:160], cls[:160], labels[:160], images[160:], cls[160:], labels[160:]


def main(tf):
    rng = np.random.RandomState(6)
    images_train, cls_train, labels_train, images_test, cls_test, labels_test = \
        cifar_like(rng)
    img_size_cropped = 24

    x = tf.placeholder(tf.float32, shape=[None, img_size, img_size, num_channels], name='x')
    y_true = tf.placeholder(tf.float32, shape=[None, num_classes], name='y_true')
    y_true_cls = tf.argmax(y_true, axis=1)

    def pre_process_image(image, training):
        if training:
            image = tf.random_crop(image, size=[img_size_cropped, img_size_cropped,
                                                num_channels])
            image = tf.image.random_flip_left_right(image)
            image = tf.image.random_hue(image, max_delta=0.05)
            image = tf.image.random_contrast(image, lower=0.3, upper=1.0)
            image = tf.image.random_brightness(image, max_delta=0.2)
            image = tf.image.random_saturation(image, lower=0.0, upper=2.0)
            image = tf.minimum(image, 1.0)
            image = tf.maximum(image, 0.0)
        else:
            image = tf.image.resize_image_with_crop_or_pad(image,
                                                           target_height=img_size_cropped,
                                                           target_width=img_size_cropped)
        return image

    def pre_process(images, training):
        images = tf.map_fn(lambda image: pre_process_image(image, training), images)
        return images

    distorted_images = pre_process(images=x, training=True)

    def main_network(images, training):
        net = tf.layers.conv2d(inputs=images, name='layer_conv1', padding='same',
                               filters=64, kernel_size=5, use_bias=False)
        net = tf.layers.batch_normalization(net, training=training, name='layer_conv1_bn')
        net = tf.nn.relu(net, name='layer_conv1/Relu')
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.conv2d(inputs=net, name='layer_conv2', padding='same',
                               filters=64, kernel_size=5, activation=tf.nn.relu)
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.flatten(net)
        net = tf.layers.dense(inputs=net, name='layer_fc1', units=256,
                              activation=tf.nn.relu)
        net = tf.layers.dense(inputs=net, name='layer_fc2', units=128,
                              activation=tf.nn.relu)
        logits = tf.layers.dense(inputs=net, name='layer_out', units=num_classes)
        y_pred = tf.nn.softmax(logits)
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits))
        return y_pred, loss

    def create_network(training):
        with tf.variable_scope('network', reuse=not training):
            images = x
            images = pre_process(images=images, training=training)
            y_pred, loss = main_network(images=images, training=training)
        return y_pred, loss

    global_step = tf.Variable(initial_value=0,
                              name='global_step', trainable=False)
    _, loss = create_network(training=True)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(
            loss, global_step=global_step)
    y_pred, _ = create_network(training=False)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    saver = tf.train.Saver()

    def get_weights_variable(layer_name):
        with tf.variable_scope("network/" + layer_name, reuse=True):
            variable = tf.get_variable('kernel')
        return variable

    weights_conv1 = get_weights_variable(layer_name='layer_conv1')
    weights_conv2 = get_weights_variable(layer_name='layer_conv2')

    def get_layer_output(layer_name):
        tensor_name = "network/" + layer_name + "/Relu:0"
        tensor = tf.get_default_graph().get_tensor_by_name(tensor_name)
        return tensor

    output_conv1 = get_layer_output(layer_name='layer_conv1')
    output_conv2 = get_layer_output(layer_name='layer_conv2')
    trainable = [v.name for v in tf.trainable_variables()]

    session = tf.Session()
    save_dir = os.path.join(tempfile.mkdtemp(), 'checkpoints/')
    if not os.path.exists(save_dir):
        os.makedirs(save_dir)
    save_path = os.path.join(save_dir, 'cifar10_cnn')
    first_run_initialized = False
    try:
        last_chk_path = tf.train.latest_checkpoint(checkpoint_dir=save_dir)
        saver.restore(session, save_path=last_chk_path)
    except:  # noqa: E722 - the notebook's own fallback
        session.run(tf.global_variables_initializer())
        first_run_initialized = True
    same_start(session, tf, seed=6)
    train_batch_size = 64

    def random_batch():
        num_images = len(images_train)
        idx = rng.choice(num_images,
                         size=train_batch_size,
                         replace=False)
        x_batch = images_train[idx, :, :, :]
        y_batch = labels_train[idx, :]
        return x_batch, y_batch

    def optimize(num_iterations):
        for i in range(num_iterations):
            x_batch, y_true_batch = random_batch()
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            i_global, _ = session.run([global_step, optimizer],
                                      feed_dict=feed_dict_train)
            if (i_global % 100 == 0) or (i == num_iterations - 1):
                session.run(accuracy, feed_dict=feed_dict_train)
            if (i_global % 1000 == 0) or (i == num_iterations - 1):
                saver.save(session,
                           save_path=save_path,
                           global_step=global_step)

    batch_size = 256

    def predict_cls(images, labels, cls_true):
        num_images = len(images)
        cls_pred = np.zeros(shape=num_images, dtype=np.int64)
        i = 0
        while i < num_images:
            j = min(i + batch_size, num_images)
            feed_dict = {x: images[i:j, :],
                         y_true: labels[i:j, :]}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        correct = (cls_true == cls_pred)
        return correct, cls_pred

    def classification_accuracy(correct):
        return correct.mean(), correct.sum()

    correct, _ = predict_cls(images=images_test, labels=labels_test, cls_true=cls_test)
    acc_before, _ = classification_accuracy(correct)
    probs = session.run(y_pred, feed_dict={x: images_test})
    img = images_test[16]
    conv1_out, conv2_out = session.run([output_conv1, output_conv2], feed_dict={x: [img]})

    image_duplicates = np.repeat(img[np.newaxis, :, :, :], 9, axis=0)
    result = session.run(distorted_images, feed_dict={x: image_duplicates})

    optimize(num_iterations=4)
    step = session.run(global_step)
    weights_shapes = [list(session.run(w).shape) for w in (weights_conv1, weights_conv2)]
    session.close()

    session = tf.Session()
    last_chk_path = tf.train.latest_checkpoint(checkpoint_dir=save_dir)
    saver.restore(session, save_path=last_chk_path)
    restored_step = session.run(global_step)
    session.close()
    return {"acc_before": [round(float(acc_before), 6)],
            "prob_mean_max": float(probs.max(axis=1).mean()),
            "conv_out_shapes": [list(conv1_out.shape), list(conv2_out.shape)],
            "distorted_shape": list(result.shape),
            "distorted_in_range": [bool(result.min() >= 0.0 and result.max() <= 1.0)],
            "first_run_initialized": [first_run_initialized],
            "global_step": [int(step)], "restored_step": [int(restored_step)],
            "checkpoint_files": sorted(os.listdir(save_dir)),
            "weights_shapes": weights_shapes, "trainable": trainable}
