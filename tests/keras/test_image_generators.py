"""``ImageDataGenerator`` (checked by hand: the affine maps on a 4x4 image, the flow's
batching), ``fit_generator``/``evaluate_generator`` (against ``fit``/``evaluate`` on the
same batches, whose numbers test_fit.py checks against tf_keras 2.21) and
``ReduceLROnPlateau`` (tf_keras's rule by hand; the same four sequences give the same
rates and message with tf_keras 2.21's callback)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.keras.preprocessing.image import ImageDataGenerator, apply_affine_transform

K = tk.keras
IMG = np.arange(16, dtype=np.float32).reshape(4, 4, 1)


@pytest.fixture(autouse=True)
def _fresh():
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_affine_maps_by_hand():
    """Output pixel (r, c) reads the input at M (r, c) about the centre (1.5, 1.5),
    bilinearly, edges clamped (scipy's ``affine_transform(order=1, mode='nearest')``)."""
    np.testing.assert_array_equal(apply_affine_transform(IMG), IMG)
    np.testing.assert_allclose(apply_affine_transform(IMG, theta=90), np.rot90(IMG),
                               atol=1e-5)
    # tx moves along the columns, ty along the rows (tf_keras builds the matrix in (x, y)
    # terms): reading one column to the right, the last column repeats.
    np.testing.assert_array_equal(apply_affine_transform(IMG, tx=1)[..., 0],
                                  [[1, 2, 3, 3], [5, 6, 7, 7], [9, 10, 11, 11],
                                   [13, 14, 15, 15]])
    # half a row down: the mean of two rows, the last row clamped
    np.testing.assert_array_equal(apply_affine_transform(IMG, ty=0.5)[..., 0],
                                  [[2, 3, 4, 5], [6, 7, 8, 9], [10, 11, 12, 13],
                                   [12, 13, 14, 15]])
    # zoom 2 reads at 2 (o - 1.5) + 1.5: -1.5 -> 0, 0.5, 2.5, 4.5 -> 3
    np.testing.assert_array_equal(apply_affine_transform(IMG, zx=2, zy=2)[..., 0],
                                  [[0, 0.5, 2.5, 3], [2, 2.5, 4.5, 5], [10, 10.5, 12.5, 13],
                                   [12, 12.5, 14.5, 15]])
    u8 = apply_affine_transform(IMG.astype(np.uint8), ty=0.5)
    assert u8.dtype == np.uint8 and u8[0, 0, 0] == 2
    with pytest.raises(ValueError, match=r"one \(rows, cols, channels\) image"):
        apply_affine_transform(IMG[..., 0])


def test_random_transform_draws_in_range_and_is_seeded():
    gen = ImageDataGenerator(rotation_range=8, width_shift_range=0.08, shear_range=0.3,
                             height_shift_range=0.08, zoom_range=0.08,
                             horizontal_flip=True)
    for seed in range(20):
        p = gen.get_random_transform((28, 28, 1), seed=seed)
        assert abs(p["theta"]) <= 8 and abs(p["shear"]) <= 0.3
        assert abs(p["tx"]) <= 0.08 * 28 and abs(p["ty"]) <= 0.08 * 28
        assert 0.92 <= p["zx"] <= 1.08 and 0.92 <= p["zy"] <= 1.08
    assert gen.get_random_transform((28, 28, 1), 3) == gen.get_random_transform((28, 28, 1), 3)
    np.testing.assert_array_equal(gen.apply_transform(IMG, {"flip_horizontal": True}),
                                  IMG[:, ::-1])
    pixels = ImageDataGenerator(width_shift_range=[2])
    assert abs(pixels.get_random_transform((4, 4, 1))["ty"]) == 2.0  # pixels, not a fraction
    plain = ImageDataGenerator(rescale=0.5, samplewise_center=True)
    np.testing.assert_allclose(plain.standardize(IMG), IMG * 0.5 - 3.75)


def test_flow_batches_each_pass_in_a_new_order():
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1)
    it = ImageDataGenerator().flow(x, np.arange(10), batch_size=4, seed=1)
    assert len(it) == 3
    passes = []
    for _ in range(2):
        batches = [next(it) for _ in range(3)]
        assert [len(b[1]) for b in batches] == [4, 4, 2]   # the last one partial
        for xb, yb in batches:
            np.testing.assert_array_equal(xb[:, 0, 0, 0], yb)  # images stay with labels
            assert xb.dtype == np.float32
        passes.append(np.concatenate([yb for _, yb in batches]))
    assert sorted(passes[0]) == sorted(passes[1]) == list(range(10))
    assert list(passes[0]) != list(passes[1])
    ordered = ImageDataGenerator().flow(x, batch_size=6, shuffle=False)
    np.testing.assert_array_equal(next(ordered)[:, 0, 0, 0], np.arange(6))


def test_generator_errors():
    with pytest.raises(ValueError, match="should have rank 4"):
        ImageDataGenerator().flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="should have the same length"):
        ImageDataGenerator().flow(np.zeros((3, 4, 4, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        ImageDataGenerator().flow(np.zeros((3, 4, 4, 1)), batch_size=0)
    with pytest.raises(ValueError, match="`zoom_range` should be a float or a tuple"):
        ImageDataGenerator(zoom_range=[1, 2, 3])
    with pytest.raises(ValueError, match="rotation_range must be a number >= 0"):
        ImageDataGenerator(rotation_range=-1)
    with pytest.raises(ValueError, match="fill_mode must be one of"):
        ImageDataGenerator(fill_mode="edge")
    with pytest.raises(NotImplementedError, match="only fill_mode='nearest'"):
        ImageDataGenerator(fill_mode="constant")
    with pytest.raises(NotImplementedError, match="featurewise_center is not supported"):
        ImageDataGenerator(featurewise_center=True)


def _model():
    model = K.Sequential([K.layers.Dense(5, activation="relu", input_shape=(3,)),
                          K.layers.Dense(2, activation="softmax")])
    model.compile(K.optimizers.SGD(0.1, momentum=0.5), "categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.RandomState(0)
    model.set_weights([rng.uniform(-1, 1, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def _data(n=12):
    rng = np.random.RandomState(1)
    x = rng.randn(n, 3).astype(np.float32)
    return x, K.utils.to_categorical((x[:, 0] > 0).astype(int), 2)


def _batches(x, y, bs):
    while True:
        for i in range(0, len(x), bs):
            yield x[i:i + bs], y[i:i + bs]


def test_fit_generator_equals_fit_on_the_same_batches():
    x, y = _data()
    a = _model()
    ha = a.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
               validation_data=(x[:8], y[:8]))
    wa = a.get_weights()
    K.backend.clear_session()
    b = _model()
    hb = b.fit_generator(_batches(x, y, 4), steps_per_epoch=3, epochs=2, verbose=0,
                         validation_data=_batches(x[:8], y[:8], 4), validation_steps=2)
    for u, v in zip(wa, b.get_weights()):
        np.testing.assert_array_equal(u, v)
    # equal batches: the mean over steps is fit's mean over examples (float rounding)
    for key in ("loss", "acc", "val_loss", "val_acc"):
        np.testing.assert_allclose(hb.history[key], ha.history[key], rtol=1e-6)
    assert hb.params["steps"] == 3 and hb.params["samples"] is None
    np.testing.assert_allclose(b.evaluate_generator(_batches(x, y, 6), steps=2),
                               b.evaluate(x, y, batch_size=6, verbose=0), rtol=1e-6)


def test_fit_generator_loss_is_the_mean_over_steps(capsys):
    """Unequal batches (4 then 2 rows): the epoch loss is the plain mean of the two batch
    losses, each recorded by a callback; verbose prints ``2/2`` steps."""
    x, y = _data(6)
    model = _model()
    seen = []
    record = K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(logs["loss"]))
    h = model.fit_generator(_batches(x, y, 4), steps_per_epoch=2, callbacks=[record],
                            verbose=1)
    np.testing.assert_allclose(h.history["loss"], [np.mean(seen)], rtol=1e-6)
    assert capsys.readouterr().out.startswith("2/2 [=====")


def test_fit_generator_errors():
    x, y = _data()
    model = _model()
    with pytest.raises(ValueError, match="`steps_per_epoch=None` is only valid"):
        model.fit_generator(_batches(x, y, 4))
    with pytest.raises(ValueError, match="steps_per_epoch must be an int >= 1, got 0"):
        model.fit_generator(_batches(x, y, 4), steps_per_epoch=0)
    with pytest.raises(ValueError, match="Output of generator should be a tuple"):
        model.fit_generator(iter([x]), steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match="`validation_steps=None` is only valid"):
        model.fit_generator(_batches(x, y, 4), 1, validation_data=_batches(x, y, 4))
    with pytest.raises(ValueError, match="`class_weight` must contain all classes"):
        model.fit_generator(_batches(x, y, 4), 1, class_weight={0: 1.0}, verbose=0)
    with pytest.raises(RuntimeError, match="You must compile your model"):
        K.Sequential([K.layers.Dense(1, input_shape=(3,))]).fit_generator(
            _batches(x, y, 4), 1)
    with pytest.raises(ValueError, match="fit_generator needs a built model"):
        unbuilt = K.Sequential([K.layers.Dense(1)])
        unbuilt.compile("sgd", "mse")
        unbuilt.fit_generator(_batches(x, y, 4), 1)
    # len() of a flow gives the steps
    flow = ImageDataGenerator().flow(x.reshape(12, 3, 1, 1), y, batch_size=5)
    assert len(flow) == 3


class _Opt:
    def __init__(self, lr):
        self.lr = tk.Variable(np.float32(lr))
        K.backend.get_session().run(self.lr.initializer)


class _Model:
    def __init__(self, lr):
        self.optimizer = _Opt(lr)


def _plateau(values, **kwargs):
    cb = K.callbacks.ReduceLROnPlateau(**kwargs)
    cb.set_model(_Model(1.0))
    cb.on_train_begin()
    rates = []
    for e, v in enumerate(values):
        logs = {"val_loss": v, "val_acc": v}
        cb.on_epoch_end(e, logs)
        rates.append(round(float(K.backend.get_value(cb.model.optimizer.lr)), 7))
        assert "lr" in logs
    return rates


def test_reduce_lr_on_plateau_by_hand(capsys):
    # patience 2: two epochs without an improvement > 1e-4 -> lr * 0.5
    assert _plateau([1.0, 0.9, 0.95, 0.9, 0.89995, 0.8, 0.85, 0.85], patience=2,
                    factor=0.5) == [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]
    # cooldown 2: the counter drops before the check, so one epoch after a reduction
    # does not count
    assert _plateau([1.0] * 8, patience=1, factor=0.5, cooldown=2) == \
        [1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625]
    # min_lr floors the rate, and then nothing more happens
    assert _plateau([1.0] * 4, patience=1, factor=0.1, min_lr=0.05) == [1, 0.1, 0.05, 0.05]
    # 'acc' in the name: maximized
    assert _plateau([0.5, 0.6, 0.55, 0.55], monitor="val_acc", patience=2, factor=0.5,
                    verbose=1) == [1, 1, 1, 0.5]
    assert capsys.readouterr().out == \
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.5.\n"
    with pytest.raises(ValueError, match="does not support a factor >= 1.0. Got 1.5"):
        K.callbacks.ReduceLROnPlateau(factor=1.5)
    # unknown keywords are ignored, as tf_keras does (tests/keras/test_train2.py)
