"""``tk.keras`` losses, learning-rate/logging callbacks and the Adadelta, Adamax, Nadam and
Ftrl optimizers against TF 2.21.0 + tf_keras 2.21 in TF1 graph mode (``tf.compat.v1``,
``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``): the scenarios of
``train2_scenarios.py``, recorded by ``make_train2_reference.py`` into
``train2_reference.json``. Values, gradients, trajectories and CSV numbers agree within
float32 tolerances (rel 1e-4, abs 1e-5); names, configs and error types exactly.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.test_keras_vs_tf import _same
from tests.keras.train2_scenarios import TRAIN2_SCENARIOS, to_json

K = tk.keras
REF = json.loads(Path(__file__).with_name("train2_reference.json").read_text())


@pytest.fixture(autouse=True)
def _fresh():
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(TRAIN2_SCENARIOS))
def test_scenario_matches_tf(name, tmp_path):
    got = json.loads(to_json(TRAIN2_SCENARIOS[name](tk, str(tmp_path))))
    _same(REF[name], got, name)


# -- trainkit-only checks: TensorBoard's own reader, messages, warnings, hand numbers ------
def _model(lr=0.1, optimizer=None, loss="mse"):
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer or K.optimizers.SGD(lr), loss)
    return model


def _xy(n=8):
    rng = np.random.RandomState(0)
    return rng.randn(n, 3).astype(np.float32), rng.randn(n, 2).astype(np.float32)


def test_tensorboard_files_load_in_tensorboards_reader(tmp_path):
    """The event file holds the graph and the scalars where TensorBoard's
    EventAccumulator (tensorboard 2.21) finds them."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    x, y = _xy(12)
    model = _model()
    hist = model.fit(x, y, batch_size=4, epochs=3, verbose=0, shuffle=False,
                     callbacks=[K.callbacks.TensorBoard(str(tmp_path), update_freq="batch")])
    acc = ea.EventAccumulator(str(tmp_path), size_guidance={k: 0 for k in
                                                           ea.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    tags = acc.Tags()
    assert tags["graph"] is True
    assert sorted(tags["scalars"]) == ["batch_loss", "epoch_loss"]
    assert [e.step for e in acc.Scalars("batch_loss")] == list(range(9))
    epoch = acc.Scalars("epoch_loss")
    assert [e.step for e in epoch] == [12, 24, 36]     # samples seen, as update_freq != epoch
    np.testing.assert_allclose([e.value for e in epoch], hist.history["loss"], rtol=1e-6)


def test_tensorboard_arguments(tmp_path, caplog):
    with pytest.raises(ValueError, match="update_freq must be 'epoch', 'batch' or a "
                                         "positive int, got 'often'"):
        K.callbacks.TensorBoard(str(tmp_path), update_freq="often")
    with pytest.raises(ValueError, match="got 0"):
        K.callbacks.TensorBoard(str(tmp_path), update_freq=0)
    with caplog.at_level(logging.WARNING, logger="trainkit.keras"):
        K.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)
    assert "histogram_freq is not supported" in caplog.text
    tb = K.callbacks.TensorBoard(str(tmp_path / "none"))
    K.callbacks.CallbackList([tb])      # fit's type check attaches no model: no file yet
    assert tb.writer is None and not (tmp_path / "none").exists()


def test_loss_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        K.losses.get("nope")
    with pytest.raises(ValueError, match="Could not interpret loss function identifier: 42"):
        K.losses.get(42)
    with pytest.raises(ValueError, match="Invalid Reduction Key: mean"):
        K.losses.Huber(reduction="mean")
    with pytest.raises(ValueError, match="Improper config format"):
        K.losses.deserialize({"class_name": "Huber"})
    with pytest.raises(ValueError, match="Received uninstantiated Loss class"):
        _model(loss=K.losses.Huber)
    with pytest.raises(ValueError, match="reduction 'none'; fit needs a scalar loss"):
        _model(loss=K.losses.MeanSquaredError(reduction="none"))
    with pytest.raises(NotImplementedError, match="ignore_class"):
        K.losses.SparseCategoricalCrossentropy(ignore_class=0)
    with pytest.raises(ValueError, match="Cannot serialize"):
        K.losses.serialize(functools.partial(K.losses.mse))
    with pytest.raises(NotImplementedError, match="Must be implemented in subclasses"):
        K.losses.Loss()(np.zeros(2), np.zeros(2))


def test_custom_objects_and_custom_loss_subclass():
    class Scaled(K.losses.Loss):
        def call(self, y_true, y_pred):
            return 3.0 * tk.reduce_mean(tk.abs(y_pred - y_true), -1)

    loss = K.losses.deserialize({"class_name": "Scaled", "config": {"reduction": "sum"}},
                                custom_objects={"Scaled": Scaled})
    with tk.Session() as sess:
        value = sess.run(loss(np.zeros((2, 2), np.float32), np.ones((2, 2), np.float32)))
    assert value == pytest.approx(6.0)                 # 3 * mean 1, summed over 2 rows
    assert K.losses.get(K.losses.mse) is K.losses.mse  # callables pass through
    assert K.losses.get(None) is None


def test_hinge_reads_zero_one_labels_as_signs_by_hand():
    with tk.Session() as sess:
        zero_one = sess.run(K.losses.hinge([[0.0, 1.0]], [[0.5, 0.5]]))
        signs = sess.run(K.losses.hinge([[-1.0, 1.0]], [[0.5, 0.5]]))
        other = sess.run(K.losses.hinge([[2.0, 0.0]], [[0.25, 0.5]]))
    # labels -1/1: mean(max(1 + 0.5, 0), max(1 - 0.5, 0)) = 1.0 both ways
    assert zero_one == pytest.approx([1.0]) and signs == pytest.approx([1.0])
    # labels 2/0 are not binary and stay: mean(1 - 0.5, 1 - 0) = 0.75
    assert other == pytest.approx([0.75])


def test_plateau_warnings_and_errors(caplog):
    with pytest.raises(ValueError, match="does not support a factor >= 1.0. Got 1.5"):
        K.callbacks.ReduceLROnPlateau(factor=1.5)
    with caplog.at_level(logging.WARNING, logger="trainkit.keras"):
        cb = K.callbacks.ReduceLROnPlateau(mode="bogus")
        cb2 = K.callbacks.ReduceLROnPlateau(epsilon=0.3)
    assert "mode bogus is unknown, fallback to auto mode" in caplog.text
    assert "`epsilon` argument is deprecated" in caplog.text
    assert cb.mode == "auto" and cb2.min_delta == 0.3
    x, y = _xy()
    model = _model()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="trainkit.keras"):
        hist = model.fit(x, y, epochs=2, verbose=0,
                         callbacks=[K.callbacks.ReduceLROnPlateau(monitor="val_nope")])
    assert "conditioned on metric `val_nope` which is not available" in caplog.text
    assert hist.history["lr"] == pytest.approx([0.1, 0.1])


def test_scheduler_errors_name_the_problem():
    x, y = _xy()
    with pytest.raises(ValueError, match='output of the "schedule" function should be '
                                         "float. Got: 1"):
        _model().fit(x, y, verbose=0,
                     callbacks=[K.callbacks.LearningRateScheduler(lambda e: 1)])
    with pytest.raises(ValueError, match='Optimizer must have a "lr" attribute'):
        _model(optimizer=tk.train.AdamOptimizer(0.1)).fit(
            x, y, verbose=0, callbacks=[K.callbacks.LearningRateScheduler(lambda e: 0.1)])
    with pytest.raises(ValueError, match="dtype of `lr` Tensor should be float"):
        _model().fit(x, y, verbose=0, callbacks=[K.callbacks.LearningRateScheduler(
            lambda e: tk.constant(1))])


def test_scheduler_accepts_float_tensor_and_prints(capsys):
    x, y = _xy()
    model = _model()
    hist = model.fit(x, y, epochs=2, verbose=0, callbacks=[
        K.callbacks.LearningRateScheduler(lambda e: tk.constant(0.25) / (e + 1), verbose=1)])
    assert hist.history["lr"] == pytest.approx([0.25, 0.125])
    assert "Epoch 2: LearningRateScheduler setting learning rate to" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_terminate_on_nan_prints_the_batch(capsys):
    x, y = _xy()
    x[5] = np.inf
    hist = _model().fit(x, y, batch_size=2, epochs=3, verbose=0, shuffle=False,
                        callbacks=[K.callbacks.TerminateOnNaN()])
    assert hist.epoch == [0]
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger_writes_sequences_and_closes(tmp_path):
    path = tmp_path / "log.tsv"
    logger = K.callbacks.CSVLogger(path, separator="\t")
    add = K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: logs.update(
        seq=[e, e + 1], note="x"))
    x, y = _xy()
    _model().fit(x, y, epochs=2, verbose=0, callbacks=[add, logger])
    lines = path.read_text().splitlines()
    assert lines[0].split("\t") == ["epoch", "loss", "note", "seq", "val_loss", "val_note",
                                    "val_seq"]
    assert lines[2].split("\t")[2:] == ["x", '"""[1, 2]"""', "NA", "NA", "NA"]
    assert logger.csv_file.closed


def test_optimizer_errors_and_config_round_trip():
    with pytest.raises(ValueError, match="Unknown optimizer: 'nope'"):
        K.optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 42"):
        K.optimizers.get(42)
    with pytest.raises(TypeError, match="Unexpected keyword argument passed to optimizer: "
                                        "foo"):
        K.optimizers.Nadam(foo=1)
    with pytest.raises(ValueError, match="does not support tf.keras.optimizers."
                                         "LearningRateSchedules"):
        K.optimizers.Nadam(learning_rate=lambda step: 0.1)
    with pytest.raises(ValueError, match="`learning_rate_power` needs to be negative or "
                                         "zero. Received: learning_rate_power=0.5"):
        K.optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="`l1_regularization_strength` needs to be positive "
                                         "or zero"):
        K.optimizers.Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="not a Keras optimizer"):
        K.optimizers.serialize(tk.train.AdamOptimizer())
    for cls in (K.optimizers.Adadelta, K.optimizers.Adamax, K.optimizers.Nadam,
                K.optimizers.Ftrl):
        opt = cls(learning_rate=0.3)
        again = K.optimizers.deserialize(K.optimizers.serialize(opt))
        assert type(again) is cls and again.get_config() == opt.get_config()
