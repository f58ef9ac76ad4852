"""trainkit.distributed.keras (Horovod's Keras API) in one process: size 1 changes
nothing, the learning-rate callbacks set the rates of Horovod's formulas (hand-computed
below; the warmup also with ``hvd.size`` patched to 4), and bad inputs are typed errors.

The 2-rank behaviour is in test_keras_mpi.py."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
import trainkit.distributed as hvd_tf
import trainkit.distributed.keras as hvd

K = tf.keras


@pytest.fixture
def group():
    K.backend.clear_session()
    hvd.init()
    yield
    hvd.shutdown()
    K.backend.clear_session()


@pytest.fixture
def no_group():
    K.backend.clear_session()
    hvd.shutdown()
    yield
    K.backend.clear_session()


def _data(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1.0, 1.0, 3 * n, dtype=np.float32).reshape(n, 3)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.25)


def _model(optimizer, seed: int = 0):
    model = K.Sequential([K.layers.Dense(4, activation="tanh", input_shape=(3,)),
                          K.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


class Probe(K.callbacks.Callback):
    """Records ``(epoch, batch, lr, momentum)`` at each batch's start and the momentum at
    its end (it runs after the callbacks listed before it)."""

    def __init__(self):
        super().__init__()
        self.begin, self.end, self.epoch = [], [], 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def _read(self, name):
        return float(K.backend.get_value(getattr(self.model.optimizer, name)))

    def on_batch_begin(self, batch, logs=None):
        self.begin.append((self.epoch, batch, self._read("lr"), self._read("momentum")))

    def on_batch_end(self, batch, logs=None):
        self.end.append(self._read("momentum"))


def _fit(callbacks, epochs=4, n=8, lr=0.1, momentum=0.5):
    probe = Probe()
    model = _model(K.optimizers.SGD(lr, momentum=momentum))
    x, y = _data(n)
    history = model.fit(x, y, batch_size=2, epochs=epochs, verbose=0, shuffle=False,
                        callbacks=[*callbacks, probe])
    return probe, history


def test_one_process_group_and_value_collectives(group):
    assert (hvd.size(), hvd.rank(), hvd.local_size(), hvd.local_rank()) == (1, 0, 1, 0)
    assert hvd.is_initialized() and not hvd.mpi_enabled()
    got = hvd.allreduce(np.array([1.5, -2.0], np.float32))
    np.testing.assert_array_equal(got, [1.5, -2.0])
    assert got.dtype == np.float32
    np.testing.assert_array_equal(hvd.allreduce(np.int64(3), average=False), 3)
    np.testing.assert_array_equal(hvd.allgather(np.array([[1, 2]])), [[1, 2]])
    np.testing.assert_array_equal(hvd.broadcast(np.array([4.0]), 0, name="b"), [4.0])
    v = tf.Variable([1.0, 2.0])
    K.backend.get_session().run(v.initializer)
    hvd.broadcast_global_variables(0)
    np.testing.assert_array_equal(K.backend.get_value(v), [1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"root_rank 1 is not in"):
        hvd.broadcast_global_variables(1)
    with pytest.raises(TypeError, match="root_rank must be an int"):
        hvd.broadcast(1.0, "0")


def test_distributed_optimizer_of_size_one_is_the_plain_optimizer(group):
    """Same class name and settings, same variable names, bitwise the same training, and
    not one extra op in the graph."""
    x, y = _data()
    runs = []
    for wrap in (False, True):
        K.backend.clear_session()
        opt = K.optimizers.SGD(0.1, momentum=0.9, nesterov=True)
        if wrap:
            opt = hvd.DistributedOptimizer(opt)
            assert type(opt).__name__ == "SGD" and isinstance(opt, K.optimizers.SGD)
            assert opt.get_config() == K.optimizers.SGD(0.1, momentum=0.9,
                                                        nesterov=True).get_config()
        model = _model(opt)
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
        graph = tf.get_default_graph()
        runs.append((model.get_weights(), sorted(v.name for v in tf.global_variables()),
                     [op.type for op in graph.get_operations()]))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_array_equal(a, b)
    assert runs[0][1] == runs[1][1] and runs[0][2] == runs[1][2]


def test_distributed_optimizer_errors(group):
    with pytest.raises(TypeError, match="wraps a Keras optimizer .* got 'adam'"):
        hvd.DistributedOptimizer("adam")
    with pytest.raises(TypeError, match="use trainkit.distributed.DistributedOptimizer"):
        hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.1))
    with pytest.raises(TypeError, match="name must be a string"):
        hvd.DistributedOptimizer(K.optimizers.SGD(), name=3)
    with pytest.raises(ValueError, match="compression must be"):
        hvd.DistributedOptimizer(K.optimizers.SGD(), compression="fp16")
    opt = hvd.DistributedOptimizer(K.optimizers.Adam(0.1), name="Mine")
    v = tf.Variable([1.0])
    with pytest.raises(RuntimeError, match=r"Mine.apply_gradients\(\) was called without "
                                           r"a call to get_gradients\(\)"):
        opt.apply_gradients([(tf.constant([1.0]), v)])
    again = hvd.DistributedOptimizer(opt)   # wrapping twice: still one averaging class
    assert type(again) is type(opt) and type(again).__mro__[2] is K.optimizers.Adam


def test_callbacks_before_init_raise_horovods_error(no_group):
    message = "Horovod has not been initialized; use hvd.init"
    x, y = _data()
    for cb in (hvd.callbacks.BroadcastGlobalVariablesCallback(0),
               hvd.callbacks.MetricAverageCallback(),
               hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=2)):
        model = _model(K.optimizers.SGD(0.1))
        with pytest.raises(ValueError, match=message):
            model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[cb])
    for call in (lambda: hvd.allreduce(1.0), lambda: hvd.allgather([1.0]),
                 lambda: hvd.broadcast(1.0, 0), lambda: hvd.broadcast_global_variables(0)):
        with pytest.raises(ValueError, match=message):
            call()


def test_callback_arguments_are_checked(group):
    cbs = hvd.callbacks
    with pytest.raises(TypeError, match="root_rank must be an int, got '0'"):
        cbs.BroadcastGlobalVariablesCallback("0")
    with pytest.raises(TypeError, match="multiplier must be a number or a function"):
        cbs.LearningRateScheduleCallback("0.1")
    with pytest.raises(ValueError, match="start_epoch must be a number >= 0, got -1"):
        cbs.LearningRateScheduleCallback(0.1, start_epoch=-1)
    with pytest.raises(ValueError, match=r"end_epoch \(2\) must be after start_epoch \(3\)"):
        cbs.LearningRateScheduleCallback(0.1, start_epoch=3, end_epoch=2)
    with pytest.raises(ValueError, match="steps_per_epoch must be an int >= 1, got 0"):
        cbs.LearningRateScheduleCallback(0.1, steps_per_epoch=0)
    with pytest.raises(ValueError, match="initial_lr must be a number >= 0"):
        cbs.LearningRateScheduleCallback(0.1, initial_lr="big")
    with pytest.raises(ValueError, match="warmup_epochs must be a number > 0, got 0"):
        cbs.LearningRateWarmupCallback(warmup_epochs=0)
    x, y = _data()
    model = _model(K.optimizers.SGD(0.1))
    with pytest.raises(ValueError, match=r"root_rank 1 is not in \[0, 1\)"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[cbs.BroadcastGlobalVariablesCallback(1)])
    with pytest.raises(ValueError, match=r"could not work out the number of steps per "
                                         r"epoch .*samples=8, batch_size=16"):
        model.fit(x, y, batch_size=16, epochs=1, verbose=0,
                  callbacks=[cbs.LearningRateWarmupCallback(warmup_epochs=1)])
    model = _model(tf.train.GradientDescentOptimizer(0.1))
    with pytest.raises(ValueError, match="must have an 'lr' attribute"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[cbs.LearningRateScheduleCallback(0.5)])


def test_staircase_schedule_with_momentum_correction(group):
    """lr = 0.1 * 0.5**epoch in epochs 1 and 2 (end 3 exclusive), set on each epoch's
    first batch; the momentum 0.5 becomes 0.5 * new / old for that batch only."""
    sched = hvd.callbacks.LearningRateScheduleCallback(lambda e: 0.5 ** e, start_epoch=1,
                                                       end_epoch=3)
    probe, history = _fit([sched])
    lrs = [(e, b, round(lr, 7)) for e, b, lr, _ in probe.begin if b == 0]
    assert lrs == [(0, 0, 0.1), (1, 0, 0.05), (2, 0, 0.025), (3, 0, 0.025)]
    moms = [round(m, 7) for _, _, _, m in probe.begin]
    assert moms == [0.5] * 4 + [0.25] + [0.5] * 3 + [0.25] + [0.5] * 3 + [0.5] * 4
    assert [round(m, 7) for m in probe.end] == [0.5] * 16   # put back after each batch
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.05, 0.025, 0.025], rtol=1e-7)
    assert all(isinstance(v, np.float32) for v in history.history["lr"])


def test_constant_multiplier_is_a_staircase(group):
    sched = hvd.callbacks.LearningRateScheduleCallback(0.3, start_epoch=2, staircase=False,
                                                       momentum_correction=False)
    probe, _ = _fit([sched], epochs=3)
    assert [round(lr, 7) for *_, lr, _ in probe.begin] == [0.1] * 8 + [0.03] * 4
    assert {round(m, 7) for *_, m in probe.begin} == {0.5}


def test_smooth_schedule_adjusts_every_batch(group):
    """staircase=False: lr = 0.1 * (1 + epoch + batch / 4), 4 = 9 samples // batch 2
    (Horovod floors; the 5th, partial batch runs at epoch + 4/4)."""
    sched = hvd.callbacks.LearningRateScheduleCallback(lambda e: 1 + e, staircase=False)
    probe, _ = _fit([sched], epochs=2, n=9)
    want = [0.1 * (1 + e + b / 4) for e in range(2) for b in range(5)]
    np.testing.assert_allclose([lr for *_, lr, _ in probe.begin], want, rtol=1e-7)
    old = [0.1] + want[:-1]
    np.testing.assert_allclose([m for *_, m in probe.begin],
                               [0.5 * n / o for n, o in zip(want, old)], rtol=1e-6)


def test_warmup_formula_for_four_ranks(group, monkeypatch, capsys):
    """With hvd.size() patched to 4, lr 0.1, warmup 2 epochs of 4 batches:
    lr(e, b) = 0.1 / 4 * ((e + (b + 1) / 4) * 3 / 2 + 1), by hand:
    0.034375, 0.04375, 0.053125, 0.0625, 0.071875, 0.08125, 0.090625, 0.1; then 0.1."""
    monkeypatch.setattr(hvd_tf, "size", lambda: 4)
    warmup = hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=2, verbose=1)
    probe, history = _fit([warmup], epochs=3)
    want = [0.034375, 0.04375, 0.053125, 0.0625, 0.071875, 0.08125, 0.090625, 0.1] + \
        [0.1] * 4
    np.testing.assert_allclose([lr for *_, lr, _ in probe.begin], want, rtol=1e-7)
    assert probe.begin[0][3] == pytest.approx(0.5 * 0.034375 / 0.1, rel=1e-6)
    assert probe.begin[8][3] == 0.5   # after the warmup: no correction
    np.testing.assert_allclose(history.history["lr"], [0.0625, 0.1, 0.1], rtol=1e-7)
    assert capsys.readouterr().out == \
        "\nEpoch 2: finished gradual learning rate warmup to 0.1.\n"


def test_warmup_of_one_rank_keeps_the_rate(group):
    warmup = hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=1, steps_per_epoch=4)
    probe, _ = _fit([warmup], epochs=1)
    assert [round(lr, 7) for *_, lr, _ in probe.begin] == [0.1] * 4


def test_metric_average_of_one_rank(group):
    x, y = _data()
    model = _model(K.optimizers.SGD(0.1))
    seen = []
    after = K.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(dict(logs)))
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_split=0.25,
                        callbacks=[hvd.callbacks.MetricAverageCallback(), after])
    assert [sorted(s) for s in seen] == [["loss", "val_loss"]] * 2
    assert all(isinstance(v, np.float32) for s in seen for v in s.values())
    assert history.history["loss"] == [s["loss"] for s in seen]
