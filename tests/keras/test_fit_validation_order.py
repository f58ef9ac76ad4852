"""``fit``'s validation pass draws its visiting order from NumPy's global RNG, as tf_keras's
v1 array loop does (its test loop keeps ``model_iteration``'s default ``shuffle=True``):
programs that seed NumPy and then draw from it between epochs (Keras's addition_rnn.py
picks its validation questions with ``np.random.randint``) see TF's numbers only if
trainkit advances the RNG the same way. Numbers from TF 2.21 (tf_keras 2.21, graph mode)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _model():
    model = tk.keras.models.Sequential([tk.keras.layers.Dense(3, input_shape=(4,))])
    model.compile(loss="mse", optimizer="adam")
    return model


@pytest.mark.parametrize("validate,want", [(True, 559), (False, 684)])
def test_validation_advances_numpys_rng_like_tf(validate, want):
    with tk.Graph().as_default():
        model = _model()
        extra = {"validation_data": (np.ones((2, 4)), np.ones((2, 3)))} if validate else {}
        np.random.seed(0)
        model.fit(np.ones((10, 4)), np.ones((10, 3)), epochs=1, shuffle=False, verbose=0,
                  **extra)
        assert np.random.randint(1000) == want


def test_validation_numbers_do_not_depend_on_the_order():
    rng = np.random.RandomState(1)
    x, y = rng.rand(50, 4), rng.rand(50, 3)
    with tk.Graph().as_default():
        model = _model()
        np.random.seed(3)
        hist = model.fit(x[:20], y[:20], epochs=1, batch_size=8, shuffle=False, verbose=0,
                         validation_data=(x[20:], y[20:])).history
        want = model.evaluate(x[20:], y[20:], batch_size=8, verbose=0)
    np.testing.assert_allclose(hist["val_loss"][0], want, rtol=1e-6)
