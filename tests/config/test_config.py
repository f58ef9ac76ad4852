"""``tk.config`` against TF 2.21.0's ``tf.compat.v1.config`` (graph mode, CPU-only
machine): the values and errors below were recorded there."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit.client import inter_op, threads

CPU = tk.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")


@pytest.fixture
def restore():
    yield
    tk.config.set_visible_devices(tk.config.list_physical_devices())
    tk.config.threading.set_intra_op_parallelism_threads(0)
    tk.config.threading.set_inter_op_parallelism_threads(0)
    tk.config.set_soft_device_placement(False)


def test_physical_devices_are_the_cpu_alone():
    assert tk.config.list_physical_devices() == [CPU]
    assert tk.config.list_physical_devices("CPU") == [CPU]
    assert tk.config.experimental.list_physical_devices("CPU") == [CPU]
    assert tk.config.list_physical_devices("GPU") == []
    assert tk.config.list_physical_devices("TPU") == []
    assert tk.config.list_physical_devices("cpu") == []  # TF matches the type exactly
    d = tk.config.list_physical_devices()[0]
    assert (d.name, d.device_type) == ("/physical_device:CPU:0", "CPU")
    assert tk.config.list_logical_devices("CPU")[0].name == "/device:CPU:0"


def test_memory_growth_is_refused_as_tf_refuses_it_for_a_cpu():
    cpu = tk.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="^Cannot set memory growth on non-GPU and "
                                         "non-Pluggable devices$"):
        tk.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(ValueError, match="^Unrecognized device: 'x'$"):
        tk.config.experimental.set_memory_growth("x", True)
    with pytest.raises(KeyError):
        tk.config.experimental.get_memory_growth(cpu)


def test_visible_devices(restore):
    assert tk.config.get_visible_devices() == [CPU]
    assert tk.config.get_visible_devices("CPU") == [CPU]
    assert tk.config.get_visible_devices("GPU") == []
    tk.config.set_visible_devices([], "GPU")  # the usual "hide the GPUs" line
    assert tk.config.get_visible_devices() == [CPU]
    tk.config.experimental.set_visible_devices(tk.config.list_physical_devices("CPU"))
    assert tk.config.experimental.get_visible_devices() == [CPU]
    with pytest.raises(ValueError, match="^Unrecognized device: 'x'$"):
        tk.config.set_visible_devices(["x"])
    tk.config.set_visible_devices([])
    assert tk.config.get_visible_devices() == []
    with pytest.raises(tk.errors.NotFoundError, match="No CPU devices are available"):
        tk.config.list_logical_devices()


def test_thread_settings_round_trip(restore):
    t = tk.config.threading
    assert (t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads()) == (0, 0)
    t.set_intra_op_parallelism_threads(2)
    t.set_inter_op_parallelism_threads(3)
    assert (t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads()) == (2, 3)
    t.set_inter_op_parallelism_threads(-1)  # TF: run ops in the caller's thread
    assert t.get_inter_op_parallelism_threads() == -1


def test_bad_thread_counts(restore):
    t = tk.config.threading
    with pytest.raises(TypeError, match="num_threads must be an int, got 'a'"):
        t.set_intra_op_parallelism_threads("a")
    with pytest.raises(TypeError, match="num_threads must be an int"):
        t.set_inter_op_parallelism_threads(2.0)
    with pytest.raises(ValueError, match="num_threads must be >= 0"):
        t.set_intra_op_parallelism_threads(-1)
    assert t.get_intra_op_parallelism_threads() == 0


def test_new_sessions_without_a_config_use_the_thread_settings(restore, monkeypatch):
    asked = []
    real_configure, real_resolve = threads.configure, inter_op.resolve

    def configure(n):
        asked.append(("intra", n))
        return real_configure(n)

    def resolve(n):
        asked.append(("inter", n))
        return real_resolve(n)

    monkeypatch.setattr(threads, "configure", configure)
    monkeypatch.setattr(inter_op, "resolve", resolve)
    with tk.Session(graph=tk.Graph()):
        pass
    assert asked == [("intra", None), ("inter", None)]  # nothing set: trainkit's defaults
    asked.clear()
    tk.config.threading.set_intra_op_parallelism_threads(2)
    tk.config.threading.set_inter_op_parallelism_threads(3)
    g = tk.Graph()
    with g.as_default():
        x = tk.constant(1.0) + 1.0
    with tk.Session(graph=g) as sess:
        assert sess.run(x) == 2.0
    assert asked == [("intra", 2), ("inter", 3)]
    asked.clear()  # a session given a ConfigProto runs with that config's counts, as in TF
    with tk.Session(graph=tk.Graph(), config=tk.ConfigProto(intra_op_parallelism_threads=1)):
        pass
    assert asked == [("intra", 1), ("inter", 0)]


def test_soft_device_placement(restore):
    assert tk.config.get_soft_device_placement() is False
    tk.config.set_soft_device_placement(True)
    assert tk.config.get_soft_device_placement() is True
