"""``Model.compile``/``fit``/``evaluate``/``predict``, the Keras optimizers and callbacks.

The numbers are compared with TF 2.21.0 + tf_keras 2.21 in graph mode (``tf.compat.v1``,
eager disabled, ``TF_USE_LEGACY_KERAS=1``): the scenarios of ``fit_scenarios.py``,
recorded by ``make_reference.py fit`` into ``fit_reference.json`` (same fixed initial
weights, ``shuffle=False``). Callback order and EarlyStopping are checked against
tf_keras's documented rules by hand; errors against TF's types and messages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.fit_scenarios import FIT_SCENARIOS
from tests.keras.test_keras_vs_tf import _same

K = tk.keras
REF = json.loads((Path(__file__).with_name("fit_reference.json")).read_text())


@pytest.fixture(autouse=True)
def _fresh():
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(FIT_SCENARIOS))
def test_fit_matches_tf(name):
    got = json.loads(json.dumps(FIT_SCENARIOS[name](tk)))
    _same(REF[name], got, name)


def _model(units=3, activation="softmax"):
    return K.models.Sequential([K.layers.Dense(units, activation=activation,
                                               input_shape=(2,))])


def _xy(n=10):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 2).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def test_fit_before_compile_is_a_runtime_error():
    x, y = _xy()
    model = _model()
    for call in (lambda: model.fit(x, y, verbose=0), lambda: model.evaluate(x, y),
                 lambda: model.train_on_batch(x, y), lambda: model.test_on_batch(x, y)):
        with pytest.raises(RuntimeError, match="You must compile your model before "
                                               "training/testing"):
            call()
    assert model.predict(x).shape == (10, 3)   # predict needs no compile, as in tf_keras


def test_bad_inputs_are_value_errors():
    x, y = _xy()
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="same number of samples as target arrays. Found "
                                         "10 input samples and 9 target samples"):
        model.fit(x, y[:9], verbose=0)
    with pytest.raises(ValueError, match=r"expected dense_input to have shape \(2,\)"):
        model.fit(np.zeros((10, 3)), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, y, validation_data=(x,), verbose=0)
    dense = _model()
    dense.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        dense.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="A target array with shape"):
        dense.fit(x, np.zeros((10, 4)), verbose=0)


def test_unknown_names_are_value_errors():
    model = _model()
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamw2'"):
        model.compile("adamw2", "mse")
    with pytest.raises(ValueError, match="Unknown loss function: 'hinge2'"):
        model.compile("adam", "hinge2")
    with pytest.raises(ValueError, match="Unknown metric function: 'f1'"):
        model.compile("adam", "mse", metrics=["f1"])
    with pytest.raises(ValueError, match="no loss"):
        model.compile("adam", None)
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        K.optimizers.get(3)
    with pytest.raises(ValueError, match="momentum"):
        K.optimizers.SGD(momentum=2.0)
    with pytest.raises(ValueError, match="learning_rate"):
        K.optimizers.Adam(learning_rate=-1.0)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        K.optimizers.Adagrad(initial_accumulator_value=-1.0)
    with pytest.raises(TypeError, match="Unexpected keyword"):
        K.optimizers.Adam(bogus=1)


def test_optimizer_get():
    for name, cls in [("adam", K.optimizers.Adam), ("SGD", K.optimizers.SGD),
                      ("rmsprop", K.optimizers.RMSprop), ("adagrad", K.optimizers.Adagrad)]:
        assert type(K.optimizers.get(name)) is cls
    adam = K.optimizers.Adam()
    assert K.optimizers.get(adam) is adam
    wrapped = K.optimizers.get(tk.train.AdamOptimizer())
    assert isinstance(wrapped, K.optimizers.TFOptimizer)
    assert K.optimizers.get("sgd").get_config()["learning_rate"] == 0.01
    cfg = K.optimizers.RMSprop().get_config()
    assert (cfg["learning_rate"], cfg["rho"], cfg["momentum"]) == (0.001, 0.9, 0.0)


def test_learning_rate_is_a_variable():
    """``set_value(opt.lr, ...)`` changes the step size (SGD: w -= lr * grad)."""
    model = K.models.Sequential([K.layers.Dense(1, use_bias=False, input_shape=(1,))])
    opt = K.optimizers.SGD(0.1)
    model.compile(opt, "mse")
    model.set_weights([np.zeros((1, 1))])
    K.backend.set_value(opt.lr, 0.5)
    model.train_on_batch(np.ones((1, 1)), np.ones((1, 1)))
    # d/dw (w - 1)^2 at w=0 is -2; w = 0 - 0.5 * -2 = 1
    np.testing.assert_allclose(model.get_weights()[0], [[1.0]])
    assert K.backend.get_value(opt.iterations) == 1


class Recorder(K.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch, logs["size"]))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, sorted(logs)))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_batch_end", batch))


def test_callback_order():
    x, y = _xy(10)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rec = Recorder()
    hist = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False,
                     validation_split=0.2, callbacks=[rec])
    assert rec.model is model and rec.params["epochs"] == 2 and rec.params["samples"] == 8
    batch_keys = ["acc", "batch", "loss", "size"]   # TF1 names (disable_v2_behavior)
    epoch_keys = ["acc", "loss", "val_acc", "val_loss"]
    one_epoch = lambda e: [("epoch_begin", e), ("batch_begin", 0, 4), ("batch_end", 0, batch_keys),
                           ("batch_begin", 1, 4), ("batch_end", 1, batch_keys),
                           ("test_batch_end", 0), ("epoch_end", e, epoch_keys)]  # noqa: E731
    assert rec.calls == [("train_begin",)] + one_epoch(0) + one_epoch(1) + [("train_end",)]
    assert model.history is hist and hist.epoch == [0, 1]
    assert list(hist.history) == ["loss", "acc", "val_loss", "val_acc"]


def test_initial_epoch_and_lambda_callback():
    x, y = _xy()
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    seen = []
    cb = K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append((e, len(logs))))
    hist = model.fit(x, y, epochs=3, initial_epoch=1, verbose=0, callbacks=[cb])
    assert seen == [(1, 1), (2, 1)] and hist.epoch == [1, 2]
    with pytest.raises(TypeError, match=r"callbacks\[0\]"):
        model.fit(x, y, verbose=0, callbacks=[object()])


class Scripted(K.callbacks.Callback):
    """Replaces the epoch's logs' 'loss' with a scripted value before EarlyStopping sees
    them (EarlyStopping follows it in the list)."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["loss"] = self.values[epoch]


@pytest.mark.parametrize("values, patience, min_delta, stopped", [
    ([5, 4, 4.5, 4.6, 4.7, 1], 2, 0.0, 3),      # best at 1, wait reaches 2 at epoch 3
    ([5, 4, 3, 2, 1, 0], 0, 0.0, 0),            # always improving: never stops
    ([5, 4.95, 4.9, 4.85, 4.8, 4.7], 1, 0.1, 1),  # improvements under min_delta do not count
    ([5, 6, 7, 8, 9, 10], 0, 0.0, 1),           # patience 0 stops at epoch 1, never at 0
])
def test_early_stopping(values, patience, min_delta, stopped):
    x, y = _xy()
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    stop = K.callbacks.EarlyStopping(monitor="loss", patience=patience, min_delta=min_delta)
    hist = model.fit(x, y, epochs=6, verbose=0, callbacks=[Scripted(values), stop])
    assert stop.stopped_epoch == stopped
    assert len(hist.epoch) == (stopped + 1 if stopped else 6)


def test_early_stopping_restores_best_weights_and_mode():
    x, y = _xy()
    model = _model()
    model.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    snaps = []
    keep = K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snaps.append(
        model.get_weights()))
    stop = K.callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    model.fit(x, y, epochs=5, verbose=0,
              callbacks=[keep, Scripted([3, 1, 2, 2, 2]), stop])
    assert stop.stopped_epoch == 2 and stop.best_epoch == 1
    for a, b in zip(model.get_weights(), snaps[1]):
        np.testing.assert_array_equal(a, b)
    assert K.callbacks.EarlyStopping(monitor="val_accuracy").monitor_op is np.greater
    assert K.callbacks.EarlyStopping(monitor="val_loss").monitor_op is np.less
    assert K.callbacks.EarlyStopping(monitor="val_loss", mode="max").monitor_op is np.greater
    with pytest.raises(ValueError, match="patience"):
        K.callbacks.EarlyStopping(patience=-1)


def test_model_checkpoint_and_weights(tmp_path):
    x, y = _xy()
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    path = str(tmp_path / "w-{epoch:02d}")
    ckpt = K.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[Scripted([2.0, 3.0]), ckpt])
    assert (tmp_path / "w-01.index").exists() and not (tmp_path / "w-02.index").exists()
    trained = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in trained])
    model.load_weights(str(tmp_path / "w-01"))
    loaded = model.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(loaded, trained))  # epoch-1 weights
    model.save_weights(str(tmp_path / "final"))
    model.set_weights([np.zeros_like(w) for w in trained])
    model.load_weights(str(tmp_path / "final"))
    for a, b in zip(model.get_weights(), loaded):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(NotImplementedError, match="weights only"):
        K.callbacks.ModelCheckpoint(path, save_weights_only=False)
    with pytest.raises(NotImplementedError, match="h5"):
        model.save_weights(str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        model.load_weights(str(tmp_path / "missing"))


def test_verbose_output(capsys):
    x, y = _xy()
    model = _model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.set_weights([np.array([[-1.0, 1.0, 0.0], [0.5, 0.5, 0.0]]), np.zeros(3)])
    hist = model.fit(x, y, epochs=2, batch_size=4, shuffle=False)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Train on 10 samples"
    assert lines[1] == "Epoch 1/2" and lines[3] == "Epoch 2/2"
    loss, acc = hist.history["loss"][1], hist.history["acc"][1]
    assert acc > 1e-3   # Keras prints values under 1e-3 as 1.2345e-04
    assert lines[4] == f"10/10 [{'=' * 30}] - loss: {loss:.4f} - acc: {acc:.4f}"
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_2_and_single_epoch_output(capsys):
    """tf_keras 2.21 (graph mode, ``disable_v2_behavior``) with these weights printed
    ``Train on 10 samples`` then ``10/10 - 0s - loss: 0.6852 - acc: 1.0000 - 36ms/epoch -
    4ms/sample`` for ``fit(epochs=1, verbose=2)``: no ``Epoch 1/1`` line for a single
    epoch, no bar, and the epoch's time; verbose=1 keeps the bar."""
    x, y = np.ones((10, 3), np.float32), np.zeros(10)
    model = K.models.Sequential([K.layers.Dense(1, activation="sigmoid", input_shape=(3,),
                                                kernel_initializer="zeros")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=4, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Train on 10 samples" and len(lines) == 2
    assert re.fullmatch(r"10/10 - \d+s - loss: 0\.6852 - acc: 1\.0000 - "
                        r"\d+(s|ms|us)/epoch - \d+(s|ms|us)/sample", lines[1]), lines[1]
    model.fit(x, y, epochs=2, batch_size=4, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "Epoch 1/2" and lines[2].startswith("10/10 - ")
    model.fit(x, y, epochs=1, batch_size=4, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"10/10 [{'=' * 30}] - loss: ")


def test_progress_numbers_under_1e_3_use_exponent_format(capsys):
    """Keras prints a metric of 0 as ``0.0000e+00`` (tf_keras 2.21's verbose=2 line for
    zero accuracy read ``acc: 0.0000e+00``), in fit's and evaluate's lines alike."""
    x, y = np.ones((10, 3), np.float32), np.zeros(10)
    model = K.models.Sequential([K.layers.Dense(1, activation="sigmoid", input_shape=(3,),
                                                kernel_initializer="ones")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=10, verbose=2)
    assert " - acc: 0.0000e+00 - " in capsys.readouterr().out
    model.evaluate(x, y, verbose=1)
    assert capsys.readouterr().out.rstrip().endswith(" - acc: 0.0000e+00")


def test_shuffle_uses_numpy_global_rng():
    """shuffle=True draws the epoch's order with np.random.shuffle: re-seeding NumPy
    repeats the run exactly, and it differs from the unshuffled run."""
    x, y = _xy(30)

    def run(shuffle, seed=0):
        K.backend.clear_session()
        np.random.seed(seed)
        model = _model()
        model.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
        model.set_weights([np.ones((2, 3), np.float32) * 0.1, np.zeros(3, np.float32)])
        return model.fit(x, y, epochs=2, batch_size=4, verbose=0,
                         shuffle=shuffle).history["loss"]

    assert run(True) == run(True)
    assert run(True) != run(False)


def test_deferred_build_and_tf1_optimizer():
    """A Sequential without input_shape builds on the first fit; a tk.train optimizer
    trains it (its slots initialized by the Keras session)."""
    x, y = _xy(20)
    model = K.models.Sequential([K.layers.Dense(4, activation="relu"),
                                 K.layers.Dense(2, activation="softmax")])
    model.compile(tk.train.AdamOptimizer(0.05), "sparse_categorical_crossentropy",
                  metrics=["acc"])
    assert model.metrics_names == []
    hist = model.fit(x, y, epochs=15, verbose=0)
    assert model.metrics_names == ["loss", "acc"]
    assert [v.name for v in model.weights][0] == "dense/kernel:0"
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert model.predict(x).shape == (20, 2)


def test_steps_per_epoch_runs_whole_arrays():
    """With steps_per_epoch tf_keras feeds the whole arrays at each step; the epoch loss
    is the mean over steps."""
    x, y = _xy(10)
    model = _model()
    model.compile(K.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    seen = []
    cb = K.callbacks.LambdaCallback(on_batch_begin=lambda b, logs: seen.append(logs["size"]))
    hist = model.fit(x, y, epochs=1, steps_per_epoch=3, verbose=0, callbacks=[cb])
    assert seen == [10, 10, 10]
    np.testing.assert_allclose(hist.history["loss"][0], model.evaluate(x, y, verbose=0),
                               rtol=1e-6)


def test_unsupported_and_malformed_arguments():
    x, y = _xy()
    model = _model()
    with pytest.raises(TypeError, match="Invalid keyword argument"):
        model.compile("sgd", "mse", bogus=1)
    with pytest.raises(NotImplementedError, match="target_tensors"):
        model.compile("sgd", "mse", target_tensors=[tk.zeros([1, 2])])
    with pytest.raises(ValueError, match="sample_weight_mode"):
        model.compile("sgd", "mse", sample_weight_mode="bogus")
    with pytest.raises(ValueError, match="one entry per model outputs"):
        model.compile("sgd", ["mse", "mse"])
    with pytest.raises(ValueError, match="Unknown entries in loss dictionary"):
        model.compile("sgd", {"nope": "mse"})
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="Target data is missing"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="Expected to see 1 array"):
        model.fit([x, x], y, verbose=0)
    with pytest.raises(ValueError, match="to have 2 dimensions"):
        model.fit(np.zeros((10, 2, 1)), y, verbose=0)
    with pytest.raises(NotImplementedError, match="save_freq"):
        K.callbacks.ModelCheckpoint("p", save_freq=5)
    with pytest.raises(ValueError, match="add a layer"):
        K.models.Sequential().predict(x)


def test_multi_input_errors():
    a, b = K.Input(shape=(1,), name="a"), K.Input(shape=(1,), name="b")
    model = K.Model([a, b], K.layers.Add()([a, b]))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="All input arrays"):
        model.fit([np.zeros((3, 1)), np.zeros((4, 1))], np.zeros((3, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"No data provided for \['b'\]"):
        model.fit({"a": np.zeros((3, 1))}, np.zeros((3, 1)), verbose=0)
    # no weights to train: fit computes the loss and trains nothing (tf_keras 2.21 gives
    # a loss of 0.0 here too)
    hist = model.fit([np.zeros((3, 1))] * 2, np.zeros((3, 1)), verbose=0)
    assert hist.history["loss"] == [0.0]
