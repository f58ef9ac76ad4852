"""The Estimator API: Hvass-Labs' TensorFlow-Tutorials, ``17_Estimator_API.ipynb``.
``tf.estimator.inputs.numpy_input_fn`` over a ``{"x": images}`` dict (training with
``num_epochs=None``, test and predict with ``num_epochs=1``); first a premade
``DNNClassifier`` (hidden units 512, 256, 128, ReLU) over a 2-D
``numeric_column("x", shape=img_shape)``, then a custom ``Estimator`` whose ``model_fn``
builds the ``tf.layers`` CNN, returns ``EstimatorSpec`` with only ``predictions`` in
PREDICT mode and otherwise the sparse cross-entropy loss, an Adam ``train_op`` on
``tf.train.get_global_step()`` and ``tf.metrics.accuracy``; each is trained, evaluated
and used to predict nine test images (``p['classes']`` for the premade one, the bare
class tensor for the custom one).

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.HvassMNIST``); the training input's ``shuffle=True`` is ``shuffle=False`` (TF's
shuffle queue draws from its own random stream); the model directories are temporary;
``tf.contrib.layers.flatten`` is ``tf.layers.flatten`` (contrib is gone); the weights
start from the same draw on both backends (``common.same_start`` in a hook); 2000
training steps cut to 5 for the premade classifier (its summed loss with Adagrad at 0.05
is chaotic from the first steps: float rounding outgrows the tolerance by step 20, and by
step 10 where NumPy's OpenBLAS runs its AVX-512 kernels, whose products round otherwise) and
12 for the custom model; plots left out. TF's numbers come from TF 2.15
(``tf.estimator`` left TF in 2.16)."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import HvassMNIST, same_start

COMPARE = {"dnn_accuracy": 1e-5, "dnn_loss": 1e-4, "dnn_global_step": 0.0,
           "dnn_cls_pred": 0.0, "cnn_accuracy": 1e-5, "cnn_loss": 1e-4,
           "cnn_global_step": 0.0, "cnn_cls_pred": 0.0, "cnn_metric_keys": 0.0}


def main(tf):
    data = HvassMNIST(data_dir="data/MNIST/")
    img_size = data.img_size
    img_shape = data.img_shape
    num_classes = data.num_classes
    num_channels = data.num_channels

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf, seed=17)

    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": np.array(data.x_train)},
        y=np.array(data.y_train_cls),
        num_epochs=None,
        shuffle=False)
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": np.array(data.x_test)},
        y=np.array(data.y_test_cls),
        num_epochs=1,
        shuffle=False)
    some_images = data.x_test[0:9]
    predict_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": some_images},
        num_epochs=1,
        shuffle=False)

    feature_x = tf.feature_column.numeric_column("x", shape=img_shape)
    feature_columns = [feature_x]
    num_hidden_units = [512, 256, 128]
    model = tf.estimator.DNNClassifier(feature_columns=feature_columns,
                                       hidden_units=num_hidden_units,
                                       activation_fn=tf.nn.relu,
                                       n_classes=num_classes,
                                       model_dir=tempfile.mkdtemp())
    model.train(input_fn=train_input_fn, steps=5, hooks=[SameStart()])
    dnn_result = model.evaluate(input_fn=test_input_fn)
    predictions = model.predict(input_fn=predict_input_fn)
    cls = [p['classes'] for p in predictions]
    dnn_cls_pred = np.array(cls, dtype='int').squeeze()

    def model_fn(features, labels, mode, params):
        x = features["x"]
        net = tf.reshape(x, [-1, img_size, img_size, num_channels])
        net = tf.layers.conv2d(inputs=net, name='layer_conv1',
                               filters=16, kernel_size=5,
                               padding='same', activation=tf.nn.relu)
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.conv2d(inputs=net, name='layer_conv2',
                               filters=36, kernel_size=5,
                               padding='same', activation=tf.nn.relu)
        net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
        net = tf.layers.flatten(net)
        net = tf.layers.dense(inputs=net, name='layer_fc1',
                              units=128, activation=tf.nn.relu)
        net = tf.layers.dense(inputs=net, name='layer_fc2',
                              units=10)
        logits = net
        y_pred = tf.nn.softmax(logits=logits)
        y_pred_cls = tf.argmax(y_pred, axis=1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            spec = tf.estimator.EstimatorSpec(mode=mode,
                                              predictions=y_pred_cls)
        else:
            cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                           logits=logits)
            loss = tf.reduce_mean(cross_entropy)
            optimizer = tf.train.AdamOptimizer(learning_rate=params["learning_rate"])
            train_op = optimizer.minimize(
                loss=loss, global_step=tf.train.get_global_step())
            metrics = \
                {
                    "accuracy": tf.metrics.accuracy(labels, y_pred_cls)
                }
            spec = tf.estimator.EstimatorSpec(
                mode=mode,
                loss=loss,
                train_op=train_op,
                eval_metric_ops=metrics)
        return spec

    params = {"learning_rate": 1e-4}
    model = tf.estimator.Estimator(model_fn=model_fn,
                                   params=params,
                                   model_dir=tempfile.mkdtemp())
    model.train(input_fn=train_input_fn, steps=12, hooks=[SameStart()])
    cnn_result = model.evaluate(input_fn=test_input_fn)
    predictions = model.predict(input_fn=predict_input_fn)
    cnn_cls_pred = np.array(list(predictions))
    return {"dnn_accuracy": float(dnn_result["accuracy"]),
            "dnn_loss": float(dnn_result["loss"]),
            "dnn_global_step": [int(dnn_result["global_step"])],
            "dnn_cls_pred": [int(c) for c in dnn_cls_pred],
            "cnn_accuracy": float(cnn_result["accuracy"]),
            "cnn_loss": float(cnn_result["loss"]),
            "cnn_global_step": [int(cnn_result["global_step"])],
            "cnn_cls_pred": [int(c) for c in cnn_cls_pred],
            "cnn_metric_keys": sorted(cnn_result)}
