"""``compile`` fixes what a model's train step trains and updates, as tf_keras's v1
training does (checked by hand against TF 2.21 + tf_keras 2.21 graph mode, and by the
``keras_dcgan`` compat program): the weights trainable and the layers' updates at
compile time, and only the updates computed from the model's own inputs."""

from __future__ import annotations

import numpy as np

import trainkit as tk

K = tk.keras
L = tk.keras.layers


def _gan():
    disc = K.Sequential([L.Dense(3, input_shape=(2,)), L.BatchNormalization(),
                         L.Dense(1, activation="sigmoid")])
    disc.compile(loss="binary_crossentropy", optimizer="sgd")
    gen = K.Sequential([L.Dense(2, input_shape=(2,))])
    z = L.Input(shape=(2,))
    disc.trainable = False
    combined = K.Model(z, disc(gen(z)))
    combined.compile(loss="binary_crossentropy", optimizer="sgd")
    return disc, gen, combined


def test_a_model_frozen_after_compile_still_trains_itself():
    disc, gen, combined = _gan()
    sess = K.backend.get_session()
    xs = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]], np.float32)
    ys = np.array([[1.0], [0.0], [1.0]], np.float32)
    before = sess.run(disc.weights)
    disc.train_on_batch(xs, ys)
    after = sess.run(disc.weights)
    changed = [not np.array_equal(a, b) for a, b in zip(before, after)]
    assert all(changed)  # kernels, biases, gamma/beta and the moving statistics
    assert disc.updates == []  # frozen now


def test_the_combined_model_leaves_the_frozen_part_alone():
    disc, gen, combined = _gan()
    sess = K.backend.get_session()
    assert len(combined.trainable_weights) == 2  # the generator's kernel and bias
    before_d, before_g = sess.run(disc.weights), sess.run(gen.weights)
    zs = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.3], [2.0, 0.0]], np.float32)
    combined.train_on_batch(zs, np.ones((4, 1), np.float32))
    for a, b in zip(before_d, sess.run(disc.weights)):
        np.testing.assert_array_equal(a, b)  # no gradient step, no moving-average update
    assert all(not np.array_equal(a, b) for a, b in zip(before_g, sess.run(gen.weights)))


def test_updates_of_a_nested_models_own_input_are_not_run():
    inner = K.Sequential([L.Dense(2, input_shape=(3,)), L.BatchNormalization()])
    x = L.Input(shape=(3,))
    outer = K.Model(x, L.Dense(1)(inner(x)))
    outer.compile(loss="mse", optimizer="sgd")
    assert len(outer.updates) == 4  # two BN calls: on inner's own Input and on x
    bn = inner.layers[1]
    sess = K.backend.get_session()
    outer.train_on_batch(np.ones((2, 3), np.float32), np.zeros((2, 1), np.float32))
    assert np.abs(sess.run(bn.moving_mean)).sum() > 0  # the call on x was updated
