"""``keras.optimizers.schedules`` cases run on either backend: each schedule's values at
a list of steps (int64 steps, as the optimizer's ``iterations``), and an SGD with an
ExponentialDecay schedule fitted for a few epochs. ``make_schedule_reference.py``
records them under TF 2.21 + tf_keras 2.21; ``test_lr_schedules.py`` compares."""

from __future__ import annotations

from typing import Any

import numpy as np

STEPS = [0, 1, 3, 5, 10, 17, 40, 99, 100, 250]


def _cases(S: Any) -> dict:
    return {
        "exp": S.ExponentialDecay(0.1, 10, 0.9),
        "exp_stair": S.ExponentialDecay(0.1, 10, 0.5, staircase=True),
        "inv": S.InverseTimeDecay(0.2, 7, 0.5),
        "inv_stair": S.InverseTimeDecay(0.2, 7, 0.5, staircase=True),
        "poly": S.PolynomialDecay(0.1, 40, end_learning_rate=0.01, power=2.0),
        "poly_cycle": S.PolynomialDecay(0.1, 40, end_learning_rate=0.01, cycle=True),
        "piecewise": S.PiecewiseConstantDecay([5, 40], [0.3, 0.2, 0.1]),
        "cosine": S.CosineDecay(0.1, 100, alpha=0.1),
        "cosine_warm": S.CosineDecay(0.01, 100, warmup_target=0.1, warmup_steps=10),
        "restarts": S.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.05),
        "restarts_flat": S.CosineDecayRestarts(0.1, 10, t_mul=1.0),
    }


def scenarios(tf: Any) -> dict:
    out: dict[str, Any] = {}
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, [])
        tensors = {k: s(step) for k, s in _cases(tf.keras.optimizers.schedules).items()}
        with tf.Session() as sess:
            rows = [sess.run(tensors, {step: s}) for s in STEPS]
    for k in tensors:
        out[k] = [float(r[k]) for r in rows]
    tf.keras.backend.clear_session()
    with tf.Graph().as_default():
        rng = np.random.RandomState(0)
        x = rng.randn(32, 3).astype(np.float32)
        y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
        model = tf.keras.models.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
        schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)
        model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=schedule), loss="mse")
        model.set_weights([np.full((3, 1), 0.1, np.float32), np.zeros(1, np.float32)])
        hist = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
        out["fit"] = {"loss": [float(v) for v in hist.history["loss"]],
                      "weights": [w.tolist() for w in model.get_weights()]}
    return out
