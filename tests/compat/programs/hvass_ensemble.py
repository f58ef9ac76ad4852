"""Ensemble learning: Hvass-Labs' TensorFlow-Tutorials, ``05_Ensemble_Learning.ipynb``.
One graph; several networks trained one after another, each from fresh weights on its
own random 80% of the combined training and validation images, each saved with one
``tf.train.Saver(max_to_keep=100)`` under its own path; then ``ensemble_predictions``
restores every checkpoint in turn into the same session, predicts the test set in
batches of 256, and the mean of the softmax outputs is compared with the best single
network (the notebook's ``ensemble_better`` / ``best_net_better`` counts).

Adapted: the notebook builds the network with PrettyTensor, which has no TF 2 port;
here it is the same network (5x5 conv 16 and 36 with ReLU and 2x2 max-pooling, flatten,
a 128 ReLU layer, softmax on 10 classes) written with ``tf.layers`` as in the author's
``03B_Layers_API.ipynb``, with the loss PrettyTensor's ``softmax_classifier`` gives (mean
softmax cross-entropy). The MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``: its first 1200 training images for training, the last 200
as the validation set); ``np.random`` draws (``permutation``, ``choice``) come from a
seeded ``RandomState``; each network starts from a ``common.same_start`` draw instead of
``global_variables_initializer``'s random one; 5 networks of 10000 iterations cut to 3
of 12; the checkpoint directory is a temporary one; timing, printing and plots left out
(their numbers are returned instead)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import DataSet, read_data_sets, same_start

COMPARE = {"test_accuracy_mean": 0.01, "val_accuracy_mean": 0.01,
           "ensemble_correct": 0.01, "best_net_correct": 0.01, "ensemble_better": 0.01,
           "best_net_better": 0.01, "ensemble_prob_mean_max": 1e-4,
           "checkpoint_files": 0.0}


def main(tf):
    rng = np.random.RandomState(5)
    data = read_data_sets('data/MNIST/', one_hot=True)
    train = data.train
    data.train = DataSet(train.images[:1200], train.labels[:1200])
    data.validation = DataSet(train.images[1200:], train.labels[1200:])
    data.test.cls = np.argmax(data.test.labels, axis=1)
    data.validation.cls = np.argmax(data.validation.labels, axis=1)
    combined_images = np.concatenate([data.train.images, data.validation.images], axis=0)
    combined_labels = np.concatenate([data.train.labels, data.validation.labels], axis=0)
    combined_size = len(combined_images)
    train_size = int(0.8 * combined_size)

    def random_training_set():
        idx = rng.permutation(combined_size)
        idx_train = idx[0:train_size]
        idx_validation = idx[train_size:]
        x_train = combined_images[idx_train, :]
        y_train = combined_labels[idx_train, :]
        x_validation = combined_images[idx_validation, :]
        y_validation = combined_labels[idx_validation, :]
        return x_train, y_train, x_validation, y_validation

    img_size = 28
    img_size_flat = img_size * img_size
    num_channels = 1
    num_classes = 10

    x = tf.placeholder(tf.float32, shape=[None, img_size_flat], name='x')
    x_image = tf.reshape(x, [-1, img_size, img_size, num_channels])
    y_true = tf.placeholder(tf.float32, shape=[None, 10], name='y_true')
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
    logits = tf.layers.dense(inputs=net, name='layer_fc_out',
                             units=num_classes, activation=None)
    y_pred = tf.nn.softmax(logits=logits)
    loss = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits))

    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(loss)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    saver = tf.train.Saver(max_to_keep=100)
    save_dir = os.path.join(tempfile.mkdtemp(), 'checkpoints/')
    if not os.path.exists(save_dir):
        os.makedirs(save_dir)

    def get_save_path(net_number):
        return save_dir + 'network' + str(net_number)

    session = tf.Session()
    train_batch_size = 64

    def random_batch(x_train, y_train):
        num_images = len(x_train)
        idx = rng.choice(num_images,
                         size=train_batch_size,
                         replace=False)
        x_batch = x_train[idx, :]
        y_batch = y_train[idx, :]
        return x_batch, y_batch

    def optimize(num_iterations, x_train, y_train):
        for i in range(num_iterations):
            x_batch, y_true_batch = random_batch(x_train, y_train)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)
            if i % 100 == 0:
                session.run(accuracy, feed_dict=feed_dict_train)

    num_networks = 3
    num_iterations = 12
    for i in range(num_networks):
        x_train, y_train, _, _ = random_training_set()
        session.run(tf.global_variables_initializer())
        same_start(session, tf, seed=50 + i)
        optimize(num_iterations=num_iterations,
                 x_train=x_train,
                 y_train=y_train)
        saver.save(sess=session, save_path=get_save_path(i))

    batch_size = 256

    def predict_labels(images):
        num_images = len(images)
        pred_labels = np.zeros(shape=(num_images, num_classes),
                               dtype=np.float64)
        i = 0
        while i < num_images:
            j = min(i + batch_size, num_images)
            feed_dict = {x: images[i:j, :]}
            pred_labels[i:j] = session.run(y_pred, feed_dict=feed_dict)
            i = j
        return pred_labels

    def correct_prediction(images, labels, cls_true):
        pred_labels = predict_labels(images=images)
        cls_pred = np.argmax(pred_labels, axis=1)
        correct = (cls_true == cls_pred)
        return correct

    def test_correct():
        return correct_prediction(images=data.test.images,
                                  labels=data.test.labels,
                                  cls_true=data.test.cls)

    def validation_correct():
        return correct_prediction(images=data.validation.images,
                                  labels=data.validation.labels,
                                  cls_true=data.validation.cls)

    def classification_accuracy(correct):
        return correct.mean()

    def test_accuracy():
        correct = test_correct()
        return classification_accuracy(correct)

    def validation_accuracy():
        correct = validation_correct()
        return classification_accuracy(correct)

    def ensemble_predictions():
        pred_labels = []
        test_accuracies = []
        val_accuracies = []
        for i in range(num_networks):
            saver.restore(sess=session, save_path=get_save_path(i))
            test_acc = test_accuracy()
            test_accuracies.append(test_acc)
            val_acc = validation_accuracy()
            val_accuracies.append(val_acc)
            pred = predict_labels(images=data.test.images)
            pred_labels.append(pred)
        return np.array(pred_labels), \
            np.array(test_accuracies), \
            np.array(val_accuracies)

    pred_labels, test_accuracies, val_accuracies = ensemble_predictions()
    ensemble_pred_labels = np.mean(pred_labels, axis=0)
    ensemble_cls_pred = np.argmax(ensemble_pred_labels, axis=1)
    ensemble_correct = (ensemble_cls_pred == data.test.cls)
    ensemble_incorrect = np.logical_not(ensemble_correct)
    best_net = np.argmax(test_accuracies)
    best_net_pred_labels = pred_labels[best_net, :, :]
    best_net_cls_pred = np.argmax(best_net_pred_labels, axis=1)
    best_net_correct = (best_net_cls_pred == data.test.cls)
    best_net_incorrect = np.logical_not(best_net_correct)
    ensemble_better = np.logical_and(best_net_incorrect,
                                     ensemble_correct)
    best_net_better = np.logical_and(best_net_correct,
                                     ensemble_incorrect)
    session.close()
    # counts as floats: one image's argmax may flip between backends this early on
    return {"test_accuracy_mean": float(np.mean(test_accuracies)),
            "val_accuracy_mean": float(np.mean(val_accuracies)),
            "ensemble_correct": float(np.sum(ensemble_correct)),
            "best_net_correct": float(np.sum(best_net_correct)),
            "ensemble_better": float(ensemble_better.sum()),
            "best_net_better": float(best_net_better.sum()),
            "ensemble_prob_mean_max": float(ensemble_pred_labels.max(axis=1).mean()),
            "checkpoint_files": sorted(os.listdir(save_dir))}
