"""``tk.keras.optimizers.Adadelta``, the optimizers' full ``get_config`` and
``tk.keras.utils.to_categorical``, against numbers from TF 2.21.0 + tf_keras 2.21
(``tf.compat.v1`` graph mode, ``TF_USE_LEGACY_KERAS=1``, ``keras.optimizers.legacy``)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

K = tk.keras


@pytest.fixture(autouse=True)
def _fresh():
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_adadelta_two_steps_match_tf():
    """TF: Dense(2) from kernel 0.1 / bias 0, mse on ``arange(12)/10`` against ones,
    ``Adadelta(1.0)``, two full-batch steps; the kernel and optimizer weights below."""
    model = K.Sequential([K.layers.Dense(2, input_shape=(3,))])
    model.compile(K.optimizers.Adadelta(1.0), "mse")
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    model.set_weights([np.full((3, 2), 0.1, np.float32), np.zeros(2, np.float32)])
    model.fit(x, np.ones((4, 2), np.float32), batch_size=4, epochs=2, verbose=0,
              shuffle=False)
    np.testing.assert_allclose(model.get_weights()[0][:, 0],
                               [0.10284199, 0.10284224, 0.10284242], rtol=1e-6)
    assert [w.name for w in model.optimizer.weights] == [
        "training/Adadelta/iter:0", "training/Adadelta/dense/kernel/accum_grad:0",
        "training/Adadelta/dense/bias/accum_grad:0",
        "training/Adadelta/dense/kernel/accum_var:0",
        "training/Adadelta/dense/bias/accum_var:0"]


def test_adadelta_matches_numpy_rule():
    """Three steps on ``loss = sum(w * c)`` (gradient ``c``) against the rule by hand."""
    w0, c = np.array([1.0, -2.0], np.float32), np.array([0.5, -3.0], np.float32)
    var = tk.Variable(w0)
    opt = K.optimizers.Adadelta(0.5, rho=0.9, epsilon=1e-3)
    op = opt.get_updates(tk.reduce_sum(var * c), [var])[0]
    sess = K.backend.get_session()
    sess.run(tk.global_variables_initializer())
    ref, acc_g, acc_v = w0.astype(np.float64), np.zeros(2), np.zeros(2)
    for _ in range(3):
        sess.run(op)
        acc_g = 0.9 * acc_g + 0.1 * c ** 2
        update = np.sqrt(acc_v + 1e-3) / np.sqrt(acc_g + 1e-3) * c
        acc_v = 0.9 * acc_v + 0.1 * update ** 2
        ref = ref - 0.5 * update
    np.testing.assert_allclose(sess.run(var), ref, rtol=1e-6)
    assert K.optimizers.get("Adadelta").get_config() == {
        "name": "Adadelta", "learning_rate": 0.001, "decay": 0.0, "rho": 0.95,
        "epsilon": 1e-7}


def test_get_config_lists_every_constructor_setting():
    """tf_keras's configs (legacy optimizers), so ``type(opt)(**opt.get_config())``
    rebuilds the same optimizer."""
    assert K.optimizers.SGD(0.1, momentum=0.9, nesterov=True).get_config() == {
        "name": "SGD", "learning_rate": 0.1, "decay": 0.0, "momentum": 0.9,
        "nesterov": True}
    assert K.optimizers.Adam().get_config() == {
        "name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9,
        "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}
    assert K.optimizers.RMSprop(centered=True).get_config() == {
        "name": "RMSprop", "learning_rate": 0.001, "decay": 0.0, "rho": 0.9,
        "momentum": 0.0, "epsilon": 1e-7, "centered": True}
    assert K.optimizers.Adagrad().get_config() == {
        "name": "Adagrad", "learning_rate": 0.001, "decay": 0.0,
        "initial_accumulator_value": 0.1, "epsilon": 1e-7}
    for opt in (K.optimizers.SGD(0.3, momentum=0.2, nesterov=True),
                K.optimizers.Adam(0.2, amsgrad=True, epsilon=0.5),
                K.optimizers.RMSprop(centered=True, momentum=0.1),
                K.optimizers.Adagrad(initial_accumulator_value=1.0),
                K.optimizers.Adadelta(2.0, rho=0.5)):
        assert type(opt)(**opt.get_config()).get_config() == opt.get_config()


def test_to_categorical_matches_tf():
    np.testing.assert_array_equal(K.utils.to_categorical([0, 2, 1], 3),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    out = K.utils.to_categorical(np.array([[1], [2]]))  # trailing 1 dropped, 3 classes
    assert out.shape == (2, 3) and out.dtype == np.float32
    assert K.utils.to_categorical(np.zeros((2, 2), np.int64), 2).shape == (2, 2, 2)
    assert K.utils.to_categorical([1.0, 0.0], dtype="int64").dtype == np.int64
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\), got 0..2"):
        K.utils.to_categorical([0, 2], 2)
    with pytest.raises(ValueError, match="labels must be integers"):
        K.utils.to_categorical([0.5])
