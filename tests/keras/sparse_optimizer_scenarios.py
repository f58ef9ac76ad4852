"""An Embedding model trained three steps on batches touching different rows, under each
Keras optimizer (shared by the recorder and the test)."""

from __future__ import annotations

from typing import Any

import numpy as np

_RNG = np.random.default_rng(0)
E0 = _RNG.normal(size=(10, 3)).astype(np.float32)
D0 = _RNG.normal(size=(6, 1)).astype(np.float32)
X = [np.array([[1, 2], [2, 5]]), np.array([[7, 7], [1, 0]]), np.array([[3, 2], [9, 1]])]
Y = [_RNG.normal(size=(2, 1)).astype(np.float32) for _ in range(3)]


def make_opts(keras: Any) -> dict:
    """Optimizer name -> factory."""
    o = keras.optimizers
    return {
        "sgd_m": lambda: o.SGD(0.1, momentum=0.9),
        "sgd_nest": lambda: o.SGD(0.1, momentum=0.9, nesterov=True),
        "sgd": lambda: o.SGD(0.1),
        "rms": lambda: o.RMSprop(0.01),
        "rms_m": lambda: o.RMSprop(0.01, momentum=0.5),
        "rms_c": lambda: o.RMSprop(0.01, centered=True),
        "rms_cm": lambda: o.RMSprop(0.01, momentum=0.5, centered=True),
        "adadelta": lambda: o.Adadelta(1.0),
        "adagrad": lambda: o.Adagrad(0.1),
        "adam": lambda: o.Adam(0.01),
        "adamax": lambda: o.Adamax(0.01),
        "nadam": lambda: o.Nadam(0.01),
        "ftrl": lambda: o.Ftrl(0.1),
    }


def embedding_after_training(tf: Any, keras: Any, make: Any) -> list:
    """The embedding table after three ``train_on_batch`` steps."""
    tf.reset_default_graph()
    keras.backend.clear_session()
    model = keras.models.Sequential([keras.layers.Embedding(10, 3, input_length=2),
                                     keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(make(), "mse")
    model.set_weights([E0, D0, np.zeros(1, np.float32)])
    for x, y in zip(X, Y):
        model.train_on_batch(x, y)
    return model.get_weights()[0].tolist()
