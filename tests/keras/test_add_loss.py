"""``Layer.add_loss``/``Model.add_loss``: losses ``compile`` adds to the total, and models
compiled on them alone (``compile(optimizer)``, ``fit(x)`` without targets,
``validation_data=(x_val, None)``), the form of Keras's variational_autoencoder.py, which
trainkit did not have. Numbers from TF 2.21 (tf_keras 2.21, graph mode)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.compat.programs.common import same_start

K = tk.keras.backend

# (epoch losses, epoch val_losses, evaluate) with the added loss alone / with "mse" too
TF_2_21 = [
    ([0.8209151923656464, 0.7767879366874695], [0.40644580125808716, 0.3767296075820923],
     0.7437664866447449),
    ([1.9966413180033367, 1.9486584663391113], [2.023786783218384, 2.008293628692627],
     1.9040340185165405),
]


def _model():
    inp = tk.keras.layers.Input(shape=(3,))
    out = tk.keras.layers.Dense(2)(inp)
    model = tk.keras.models.Model(inp, out)
    model.add_loss(K.mean(K.square(out - 1.0)))
    return model


@pytest.mark.parametrize("with_mse", [False, True])
def test_added_loss_trains_like_tf(with_mse):
    rng = np.random.RandomState(0)
    x = rng.randn(12, 3).astype("float32")
    y = rng.randn(12, 2).astype("float32")
    with tk.Graph().as_default():
        model = _model()
        model.compile(optimizer="sgd", loss="mse" if with_mse else None)
        same_start(K.get_session(), tk, biases=True)
        target, val_target = (y, y[:4]) if with_mse else (None, None)
        hist = model.fit(x, target, batch_size=4, epochs=2, shuffle=False, verbose=0,
                         validation_data=(x[:4], val_target)).history
        score = model.evaluate(x, target, verbose=0)
    loss, val_loss, want = TF_2_21[int(with_mse)]
    np.testing.assert_allclose(hist["loss"], loss, rtol=1e-6)
    np.testing.assert_allclose(hist["val_loss"], val_loss, rtol=1e-6)
    np.testing.assert_allclose(score, want, rtol=1e-6)


def test_add_loss_takes_lists_callables_and_numbers():
    with tk.Graph().as_default():
        layer = tk.keras.layers.Dense(2)
        layer(tk.keras.layers.Input(shape=(3,)))
        layer.add_loss([lambda: K.sum(layer.kernel), 2.0])
        assert len(layer.losses) == 2
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            kernel, losses = sess.run([layer.kernel, layer.losses])
    np.testing.assert_allclose(losses, [kernel.sum(), 2.0], rtol=1e-6)


def test_add_loss_errors():
    with tk.Graph().as_default():
        model = _model()
        with pytest.raises(TypeError, match="add_loss expects tensors"):
            model.add_loss("mse")
        model.compile(optimizer="sgd", loss="mse")
        with pytest.raises(ValueError, match="Target data is missing"):
            model.fit(np.ones((4, 3)), verbose=0)
    with tk.Graph().as_default():
        inp = tk.keras.layers.Input(shape=(3,))
        plain = tk.keras.models.Model(inp, tk.keras.layers.Dense(2)(inp))
        with pytest.raises(ValueError, match="has no loss to optimize"):
            plain.compile(optimizer="sgd")
