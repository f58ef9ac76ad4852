"""Visual analysis of an MNIST network: Hvass-Labs' TensorFlow-Tutorials,
``13B_Visual_Analysis_MNIST.ipynb`` (TF1 code through ``tensorflow.compat.v1``). A
``tf.layers`` CNN (two 5x5 conv layers of 16 and 36 filters with max-pooling,
``flatten``, 128 and 10 dense units) trained with Adam; the conv layers found by walking
``get_default_graph().get_operations()`` for ``Conv2D`` ops; then ``optimize_image``:
a loss on one feature of a conv layer (``get_tensor_by_name(name + ':0')``) or of the
logits, ``tf.gradients`` of it with respect to the reshaped image tensor, which is
*fed* directly (``feed_dict={x_image: ...}``), and gradient ascent on the image with a
step of ``1 / grad.std()`` and clipping to [0, 1].

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.HvassMNIST``; ``random_batch`` in order); the layers start from the same draw
on both backends (``common.same_start``); 10000 training iterations cut to 30; the
starting images come from a seeded ``np.random.RandomState`` (the notebook uses the
unseeded global one); ``optimize_images`` does 3 features for 8 iterations instead of 10
for 30, and the logits image 10 iterations as in the notebook; printing and plots left
out (the optimized images' statistics are returned instead)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import HvassMNIST, same_start

COMPARE = {"acc_0": 0.0, "acc_trained": 0.01, "conv_names": 0.0,
           "conv0_means": 1e-3, "conv1_means": 1e-3, "fc_image_mean": 1e-3,
           "fc_loss": 1e-3, "fc_pred_cls": 0.0}


def main(tf):
    data = HvassMNIST(data_dir="data/MNIST/")
    img_size = data.img_size
    img_size_flat = data.img_size_flat
    img_shape = data.img_shape
    num_classes = data.num_classes
    num_channels = data.num_channels
    rng = np.random.RandomState(13)

    x = tf.placeholder(tf.float32, shape=[None, img_size_flat], name='x')
    x_image = tf.reshape(x, [-1, img_size, img_size, num_channels])
    y_true = tf.placeholder(tf.float32, shape=[None, num_classes], name='y_true')
    y_true_cls = tf.argmax(y_true, axis=1)
    net = x_image
    net = tf.layers.conv2d(inputs=net, name='layer_conv1', padding='same',
                           filters=16, kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name='layer_conv2', padding='same',
                           filters=36, kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name='layer_fc1',
                          units=128, activation=tf.nn.relu)
    net = tf.layers.dense(inputs=net, name='layer_fc_out',
                          units=num_classes, activation=None)
    logits = net
    y_pred = tf.nn.softmax(logits=logits)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    loss = tf.reduce_mean(cross_entropy)
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(loss)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    same_start(session, tf, seed=13)
    train_batch_size = 64

    def optimize(num_iterations):
        for i in range(num_iterations):
            x_batch, y_true_batch, _ = data.random_batch(batch_size=train_batch_size)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)
            if i % 100 == 0:
                session.run(accuracy, feed_dict=feed_dict_train)

    test_batch_size = 256

    def print_test_accuracy():
        num_test = data.num_test
        cls_pred = np.zeros(shape=num_test, dtype=np.int64)
        i = 0
        while i < num_test:
            j = min(i + test_batch_size, num_test)
            feed_dict = {x: data.x_test[i:j, :], y_true: data.y_test[i:j, :]}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        correct = (data.y_test_cls == cls_pred)
        return float(correct.sum()) / num_test

    acc_0 = print_test_accuracy()
    optimize(num_iterations=30)
    acc_trained = print_test_accuracy()

    def get_conv_layer_names():
        graph = tf.get_default_graph()
        names = [op.name for op in graph.get_operations() if op.type == 'Conv2D']
        return names

    conv_names = get_conv_layer_names()
    last = {}

    def optimize_image(conv_id=None, feature=0, num_iterations=30, show_progress=True):
        if conv_id is None:
            loss = tf.reduce_mean(logits[:, feature])
        else:
            conv_name = conv_names[conv_id]
            graph = tf.get_default_graph()
            tensor = graph.get_tensor_by_name(conv_name + ":0")
            loss = tf.reduce_mean(tensor[:, :, :, feature])
        gradient = tf.gradients(loss, x_image)
        image = 0.1 * rng.uniform(size=img_shape) + 0.45
        for i in range(num_iterations):  # noqa: B007 - the author's loop
            img_reshaped = image[np.newaxis, :, :, np.newaxis]
            feed_dict = {x_image: img_reshaped}
            pred, grad, loss_value = session.run([y_pred, gradient, loss],
                                                 feed_dict=feed_dict)
            grad = np.array(grad).squeeze()
            step_size = 1.0 / (grad.std() + 1e-8)
            image += step_size * grad
            image = np.clip(image, 0.0, 1.0)
            if show_progress:
                pred = np.squeeze(pred)
                last["pred_cls"] = int(np.argmax(pred))
                last["loss"] = float(loss_value)
        return image.squeeze()

    def optimize_images(conv_id=None, num_iterations=30):
        images = []
        for feature in range(0, 3):
            image = optimize_image(conv_id=conv_id, feature=feature,
                                   show_progress=False,
                                   num_iterations=num_iterations)
            image = image.squeeze()
            images.append(image)
        images = np.array(images)
        return images

    conv0 = optimize_images(conv_id=0, num_iterations=8)
    conv1 = optimize_images(conv_id=1, num_iterations=8)
    image = optimize_image(conv_id=None, feature=2,
                           num_iterations=10, show_progress=True)
    session.close()
    return {"acc_0": acc_0, "acc_trained": acc_trained, "conv_names": conv_names,
            "conv0_means": float(conv0.mean()), "conv1_means": float(conv1.mean()),
            "fc_image_mean": float(image.mean()), "fc_loss": last["loss"],
            "fc_pred_cls": [last["pred_cls"]]}
