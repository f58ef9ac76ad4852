"""``tk.keras`` sample/class weights, weighted metrics, ``tk.data`` inputs to
``fit``/``evaluate``/``predict``, frozen models and activations by name, against TF 2.21.0
+ tf_keras 2.21 in TF1 graph mode (``tf.compat.v1``, ``disable_v2_behavior()``,
``TF_USE_LEGACY_KERAS=1``): the scenarios of ``fit2_scenarios.py``, recorded by
``make_fit2_reference.py`` into ``fit2_reference.json``. Numbers agree within float32
tolerances (rel 1e-4, abs 1e-5); names and error types exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.fit2_scenarios import FIT2_SCENARIOS, to_json
from tests.keras.test_keras_vs_tf import _same

K = tk.keras
REF = json.loads(Path(__file__).with_name("fit2_reference.json").read_text())


@pytest.fixture(autouse=True)
def _fresh():
    tk.reset_default_graph()
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(FIT2_SCENARIOS))
def test_scenario_matches_tf(name):
    got = json.loads(to_json(FIT2_SCENARIOS[name](tk)))
    _same(REF[name], got, name)


# -- trainkit-only checks: hand numbers, messages, the dataset helpers -------------------
def _linear(mode=None, weighted=None, shape=(3,), units=1):
    model = K.models.Sequential([K.layers.Dense(units, input_shape=shape, use_bias=False)])
    model.compile(K.optimizers.SGD(0.0), "mse", weighted_metrics=weighted,
                  sample_weight_mode=mode)
    model.set_weights([np.ones(model.get_weights()[0].shape, np.float32)])
    return model


def test_weighted_loss_divides_by_the_sample_count_not_the_weights():
    """NumPy reference: loss = sum(w * l) / n; a weighted metric = sum(w * l) / sum(w)."""
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    y = np.array([[0.0], [1.0], [2.0], [0.5]], np.float32)
    w = np.array([1.0, 0.0, 3.0, 0.5], np.float32)
    per = (x.sum(1, keepdims=True) - y)[:, 0] ** 2
    model = _linear(weighted=["mse"])
    loss, wmse = model.test_on_batch(x, y, sample_weight=w)
    np.testing.assert_allclose(loss, (w * per).sum() / 4, rtol=1e-6)
    np.testing.assert_allclose(wmse, (w * per).sum() / w.sum(), rtol=1e-6)
    loss, wmse = model.test_on_batch(x, y)
    np.testing.assert_allclose([loss, wmse], [per.mean()] * 2, rtol=1e-6)


def test_class_weight_times_sample_weight():
    x = np.eye(3, dtype=np.float32)
    y = np.array([0, 1, 1])
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(3,), use_bias=False)])
    model.compile(K.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    model.set_weights([np.zeros((3, 2), np.float32)])     # every loss is log 2
    loss = model.train_on_batch(x, y, sample_weight=np.array([1.0, 2.0, 3.0]),
                                class_weight={0: 10.0, 1: 0.5})
    np.testing.assert_allclose(loss, np.log(2) * (10.0 + 1.0 + 1.5) / 3, rtol=1e-6)


def test_temporal_weights_weigh_each_step():
    x = np.ones((2, 3, 1), np.float32)
    y = np.zeros((2, 3, 1), np.float32)
    w = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0]], np.float32)
    model = _linear("temporal", ["mse"], shape=(3, 1))
    loss, wmse = model.test_on_batch(x, y, sample_weight=w)
    np.testing.assert_allclose([loss, wmse], [w.sum() / 6, 1.0], rtol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"sample_weight": np.ones((4, 2))}, "make sure your sample_weight array is 1D"),
    ({"sample_weight": np.ones(3)}, "sample_weight cannot be broadcast"),
    ({"class_weight": {0: 1.0}}, r"The classes \{1\} exist in the data"),
])
def test_weight_errors_say_what_is_wrong(kwargs, match):
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(3,))])
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=match):
        model.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]), verbose=0, **kwargs)


def test_bad_sample_weight_mode_is_refused_at_compile():
    """Differs from TF: tf_keras 2.21 fails later with an AssertionError; trainkit raises
    a ValueError in compile."""
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match='"temporal". Found: bogus'):
        model.compile("sgd", "mse", sample_weight_mode="bogus")


def _ds(n=10, batch=4, repeat=False):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3) / 10
    ds = tk.data.Dataset.from_tensor_slices((x, np.ones((n, 1), np.float32))).batch(batch)
    return ds.repeat() if repeat else ds


def test_dataset_errors_name_the_argument():
    model = _linear()
    with pytest.raises(ValueError, match="must specify the `steps_per_epoch` argument"):
        model.fit(_ds(repeat=True), verbose=0)
    with pytest.raises(ValueError, match="must specify the `validation_steps` argument"):
        model.fit(_ds(), validation_data=_ds(repeat=True), verbose=0)
    with pytest.raises(ValueError, match="must specify the `steps` argument"):
        model.evaluate(_ds(repeat=True), verbose=0)
    with pytest.raises(ValueError, match="not iterators"):
        model.fit(_ds().make_one_shot_iterator(), steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match="should not specify a target"):
        model.fit(_ds(), np.ones(3), verbose=0)
    with pytest.raises(TypeError, match="2 or 3 elements"):
        model.fit(tk.data.Dataset.from_tensor_slices(
            (np.ones((2, 3)),) * 4).batch(2), verbose=0)


def test_dataset_epochs_restart_and_step_counts():
    """Without steps_per_epoch each epoch runs the dataset's 3 batches; the callbacks
    see 'steps' = 3 and batch sizes of 1 (steps), as tf_keras's step loops."""
    model = _linear()
    seen = []
    cb = K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(b))
    h = model.fit(_ds(), epochs=2, verbose=0, callbacks=[cb])
    assert seen == [0, 1, 2] * 2 and h.params["steps"] == 3
    assert h.history["loss"][0] == pytest.approx(h.history["loss"][1])


def test_running_out_of_data_stops_training(caplog):
    model = _linear()
    h = model.fit(_ds(), epochs=3, steps_per_epoch=2, verbose=0)   # 3 batches in all
    assert h.epoch == [0, 1]
    assert "ran out of data" in caplog.text


def test_iterator_on_batch_takes_successive_elements():
    model = _linear()
    it = _ds(n=8, batch=4).make_one_shot_iterator()
    first, second = model.test_on_batch(it), model.test_on_batch(it)
    x = np.arange(24, dtype=np.float32).reshape(8, 3) / 10
    np.testing.assert_allclose([first, second],
                               [((x[:4].sum(1) - 1) ** 2).mean(),
                                ((x[4:].sum(1) - 1) ** 2).mean()], rtol=1e-6)
    with pytest.raises(tk.errors.OutOfRangeError):
        model.test_on_batch(it)


def test_model_trainable_reaches_nested_layers():
    inner = K.models.Sequential([K.layers.Dense(2, input_shape=(3,))])
    outer = K.models.Sequential([inner, K.layers.Dense(1)])
    outer.trainable = False
    assert not inner.trainable and not inner.layers[0].trainable
    assert outer.trainable_weights == [] and len(outer.non_trainable_weights) == 4
    inner.trainable = True
    assert len(outer.trainable_weights) == 0      # the outer model is still frozen
    outer.trainable = True
    assert len(outer.trainable_weights) == 4


@pytest.mark.parametrize("name, ref", [
    ("hard_sigmoid", lambda v: np.clip(0.2 * v + 0.5, 0.0, 1.0)),
    ("relu6", lambda v: np.clip(v, 0.0, 6.0)),
    ("leaky_relu", lambda v: np.where(v > 0, v, 0.2 * v)),
    ("mish", lambda v: v * np.tanh(np.log1p(np.exp(v)))),
])
def test_activations_against_numpy(name, ref):
    v = np.linspace(-4, 7, 23).astype(np.float32)
    got = tk.Session().run(K.activations.get(name)(tk.constant(v)))
    np.testing.assert_allclose(got, ref(v), rtol=1e-5, atol=1e-6)


def test_recurrent_cells_share_the_activation():
    from trainkit.keras import activations, recurrent_cells
    assert recurrent_cells.hard_sigmoid is activations.hard_sigmoid
    assert K.layers.LSTMCell(2).recurrent_activation is activations.hard_sigmoid


def test_unbuilt_model_builds_on_the_dataset_and_matches_arrays():
    """A Sequential without input_shape builds on the dataset's first component; the
    dataset path then gives the array path's numbers."""
    x = np.random.RandomState(0).randn(10, 3).astype(np.float32)
    y = np.arange(10) % 2
    hists = []
    for use_ds in (False, True):
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(2, activation="softmax")])
        model.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
        data = tk.data.Dataset.from_tensor_slices((x, y)).batch(10)
        if use_ds:
            model.predict(data)                   # builds the model
        else:
            model.predict(x)
        model.set_weights([np.ones((3, 2), np.float32) * [[1, -1]], np.zeros(2, np.float32)])
        kwargs = {} if use_ds else {"batch_size": 10, "shuffle": False}
        hists.append(model.fit(data if use_ds else x, None if use_ds else y, epochs=2,
                               verbose=0, **kwargs).history["loss"])
    np.testing.assert_allclose(hists[1], hists[0], rtol=1e-6)
