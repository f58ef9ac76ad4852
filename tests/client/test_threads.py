"""BLAS threads chosen at run time: 1 by default, the ConfigProto's count when given, the
environment's when set, and the count reported as it is in the BLAS library."""

from __future__ import annotations

import pytest
from threadpoolctl import ThreadpoolController

import trainkit as tk
from trainkit.client import threads


def _blas_threads() -> int:
    # read independently of trainkit, from the library itself
    return max(p["num_threads"] for p in ThreadpoolController().info())


@pytest.fixture
def no_env(monkeypatch):
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield
    threads.set_threads(threads.DEFAULT_THREADS)


def test_default_session_uses_one_blas_thread(no_env):
    threads.set_threads(2)
    with tk.Session(graph=tk.Graph()):
        assert _blas_threads() == 1
    assert threads.configure(None) == threads.ThreadChoice(1, "default")


def test_config_proto_intra_op_threads_sets_the_count(no_env):
    cfg = tk.ConfigProto(intra_op_parallelism_threads=2, inter_op_parallelism_threads=3)
    with tk.Session(graph=tk.Graph(), config=cfg):
        assert _blas_threads() == 2
    choice = threads.configure(2)
    assert choice == threads.ThreadChoice(2, "ConfigProto")
    assert choice.describe() == "2 BLAS threads (ConfigProto)"
    with tk.Session(graph=tk.Graph(), config=tk.ConfigProto(intra_op_parallelism_threads=0)):
        assert _blas_threads() == 1  # TF's 0: the runtime chooses -> the default


def test_environment_variable_is_a_request(no_env, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    choice = threads.configure(None)
    assert choice == threads.ThreadChoice(2, "OMP_NUM_THREADS") and _blas_threads() == 2
    assert threads.env_request() == ("OMP_NUM_THREADS", 2)
    monkeypatch.setenv("OMP_NUM_THREADS", "many")
    assert threads.env_request() is None


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_bad_counts(no_env, bad):
    with pytest.raises(ValueError, match="intra_op_parallelism_threads must be an int >= 0"):
        threads.configure(bad)


def test_bad_counts_through_config_proto(no_env):
    with pytest.raises(ValueError, match="intra_op_parallelism_threads must be an int >= 0"):
        tk.Session(graph=tk.Graph(), config=tk.ConfigProto(intra_op_parallelism_threads=-1))
    with pytest.raises(TypeError, match="intra_op_parallelism_threads"):  # as protobuf
        tk.ConfigProto(intra_op_parallelism_threads=1.5)


def test_set_threads_rejects_zero():
    with pytest.raises(ValueError, match="positive int, got 0"):
        threads.set_threads(0)


def test_plan_changes_nothing(no_env, monkeypatch):
    threads.set_threads(2)
    assert threads.plan(None) == threads.ThreadChoice(1, "default")
    assert threads.plan(3) == threads.ThreadChoice(3, "ConfigProto")
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    assert threads.plan(None) == threads.ThreadChoice(4, "MKL_NUM_THREADS")
    assert _blas_threads() == 2
