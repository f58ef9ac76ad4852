"""The Keras example ``examples/mnist_siamese.py`` (keras-team/keras 2.2.4, the TF 1.x
era; run here through ``tf.keras``): a Siamese MLP on pairs of MNIST digits after
Hadsell et al. 2006 -- one base ``Model`` (``Flatten``, three ``Dense(128, relu)``)
shared by two ``Input``s, the Euclidean distance of its two outputs in a ``Lambda``
layer with an ``output_shape`` function, trained with ``RMSprop`` on the contrastive
loss and an accuracy metric written with the backend functions (``K.square``,
``K.maximum``, ``K.mean``, ``K.equal``, ``K.cast``, ``K.sqrt``, ``K.epsilon``), then
judged by thresholding ``model.predict``'s distances.

Adapted: the imports are ``tf.keras``'s; ``mnist.load_data()`` is the bundled digits in
MNIST's form (:func:`common.mnist_load_data`); Python's and NumPy's global RNGs are
seeded (``create_pairs`` draws the negative partners with ``random.randrange``); the
``Dropout(0.1)`` layers are left out (their random masks cannot be the same on both
backends); 2 epochs instead of 20 with ``shuffle=False``; ``verbose=0``; the prints are
left out and the numbers returned; :func:`common.same_start` gives both backends the
same starting weights.
"""

from __future__ import annotations

import random

import numpy as np

from tests.compat.programs.common import mnist_load_data, same_start

# The first training step agrees to 1e-8 and with "sgd" in place of RMSprop the whole run
# agrees to 1e-7 (checked with TF 2.21); RMSprop's first steps move every weight by about
# 3 * lr whatever the size of its gradient, so the float rounding in the tiny gradients of
# the ReLU units that are nearly off is blown up, and after 42 steps the losses differ by
# ~1e-3 and the distances by ~3e-2.
COMPARE = {"loss_1": 1e-3, "loss_2": 3e-3, "acc_2": 2e-2, "val_loss_2": 3e-3,
           "val_acc_2": 2e-2, "tr_acc": 2e-2, "te_acc": 2e-2, "dist_mean": 5e-2,
           "pairs": 0.0, "shared_weights": 0.0}


def main(tf):
    Model = tf.keras.models.Model  # noqa: N806 - the example's names
    Input, Flatten, Dense, Lambda = (tf.keras.layers.Input, tf.keras.layers.Flatten,  # noqa: N806
                                     tf.keras.layers.Dense, tf.keras.layers.Lambda)
    RMSprop = tf.keras.optimizers.RMSprop  # noqa: N806
    K = tf.keras.backend  # noqa: N806
    random.seed(0)
    np.random.seed(0)

    num_classes = 10
    epochs = 2

    def euclidean_distance(vects):
        x, y = vects
        sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
        return K.sqrt(K.maximum(sum_square, K.epsilon()))

    def eucl_dist_output_shape(shapes):
        shape1, shape2 = shapes
        return (shape1[0], 1)

    def contrastive_loss(y_true, y_pred):
        '''Contrastive loss from Hadsell-et-al.'06
        http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf
        '''
        margin = 1
        sqaure_pred = K.square(y_pred)
        margin_square = K.square(K.maximum(margin - y_pred, 0))
        return K.mean(y_true * sqaure_pred + (1 - y_true) * margin_square)

    def create_pairs(x, digit_indices):
        '''Positive and negative pair creation.
        Alternates between positive and negative pairs.
        '''
        pairs = []
        labels = []
        n = min([len(digit_indices[d]) for d in range(num_classes)]) - 1
        for d in range(num_classes):
            for i in range(n):
                z1, z2 = digit_indices[d][i], digit_indices[d][i + 1]
                pairs += [[x[z1], x[z2]]]
                inc = random.randrange(1, num_classes)
                dn = (d + inc) % num_classes
                z1, z2 = digit_indices[d][i], digit_indices[dn][i]
                pairs += [[x[z1], x[z2]]]
                labels += [1, 0]
        return np.array(pairs), np.array(labels)

    def create_base_network(input_shape):
        '''Base network to be shared (eq. to feature extraction).
        '''
        input = Input(shape=input_shape)
        x = Flatten()(input)
        x = Dense(128, activation='relu')(x)
        x = Dense(128, activation='relu')(x)
        x = Dense(128, activation='relu')(x)
        return Model(input, x)

    def compute_accuracy(y_true, y_pred):
        '''Compute classification accuracy with a fixed threshold on distances.
        '''
        pred = y_pred.ravel() < 0.5
        return np.mean(pred == y_true)

    def accuracy(y_true, y_pred):
        '''Compute classification accuracy with a fixed threshold on distances.
        '''
        return K.mean(K.equal(y_true, K.cast(y_pred < 0.5, y_true.dtype)))

    # the data, split between train and test sets
    (x_train, y_train), (x_test, y_test) = mnist_load_data()
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255
    input_shape = x_train.shape[1:]

    # create training+test positive and negative pairs
    digit_indices = [np.where(y_train == i)[0] for i in range(num_classes)]
    tr_pairs, tr_y = create_pairs(x_train, digit_indices)

    digit_indices = [np.where(y_test == i)[0] for i in range(num_classes)]
    te_pairs, te_y = create_pairs(x_test, digit_indices)

    # network definition
    base_network = create_base_network(input_shape)

    input_a = Input(shape=input_shape)
    input_b = Input(shape=input_shape)

    # because we re-use the same instance `base_network`,
    # the weights of the network
    # will be shared across the two branches
    processed_a = base_network(input_a)
    processed_b = base_network(input_b)

    distance = Lambda(euclidean_distance,
                      output_shape=eucl_dist_output_shape)([processed_a, processed_b])

    model = Model([input_a, input_b], distance)

    # train
    rms = RMSprop()
    model.compile(loss=contrastive_loss, optimizer=rms, metrics=[accuracy])
    same_start(K.get_session(), tf)
    hist = model.fit([tr_pairs[:, 0], tr_pairs[:, 1]], tr_y,
                     batch_size=128,
                     epochs=epochs, shuffle=False, verbose=0,
                     validation_data=([te_pairs[:, 0], te_pairs[:, 1]], te_y)).history

    # compute final accuracy on training and test sets
    y_pred = model.predict([tr_pairs[:, 0], tr_pairs[:, 1]])
    tr_acc = compute_accuracy(tr_y, y_pred)
    y_pred = model.predict([te_pairs[:, 0], te_pairs[:, 1]])
    te_acc = compute_accuracy(te_y, y_pred)

    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_2": float(hist["accuracy"][1]), "val_loss_2": float(hist["val_loss"][1]),
            "val_acc_2": float(hist["val_accuracy"][1]), "tr_acc": float(tr_acc),
            "te_acc": float(te_acc), "dist_mean": float(y_pred.mean()),
            "pairs": [len(tr_y), len(te_y)], "shared_weights": len(model.trainable_weights)}
