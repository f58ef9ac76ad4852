"""Shared fixtures: every test starts with a fresh default graph and no default session."""

from __future__ import annotations

import os
import sys

# Python's default is to cache compiled modules. An environment that turns it off (this
# project's machine sets PYTHONDONTWRITEBYTECODE=1) makes every process the tests start
# (MPI ranks, CLI runs, crash-resume children) compile trainkit's ~600 modules from
# source again, ~0.3 s each: tests/distributed alone took 46 s instead of 37.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
# Test tensors are tiny: multi-threaded BLAS only adds thread contention (badly so on a
# busy 2-core machine). Set before NumPy is imported; subprocess tests inherit it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Processes the tests start (CLI runs, MPI ranks, examples) take the kernels' NumPy
# paths: numba's import and loading the compiled loops would cost each of them ~1 s of
# a 5-minute suite. This process runs the compiled loops (when numba is installed) and
# tests them against the NumPy paths bit for bit.
_JIT_ENV = os.environ.get("TRAINKIT_JIT")
os.environ["TRAINKIT_JIT"] = "numpy"

import gc  # noqa: E402

import pytest  # noqa: E402

# Every test's graph is cyclic garbage (ops and their graph point at each other), so the
# suite makes the collector run often, and each full collection rescans the whole heap
# (NumPy, trainkit, TensorBoard's protos, the recorded TF numbers). Measured on
# tests/keras: 7,395 collections (55 full) took 9.3 s of CPU in a 27 s run; with these
# thresholds 226 (3 full) took 4.5-5.5 s. Only the tests' process: a user's program
# keeps Python's defaults.
gc.set_threshold(20_000, 20, 20)

import trainkit as tk  # noqa: E402
from trainkit.ops import jit  # noqa: E402

jit.set_backend(_JIT_ENV or "auto")


@pytest.fixture(autouse=True, scope="session")
def temporary_files_in_pytests_basetemp(tmp_path_factory):
    """Points ``tempfile``'s directory (and ``TMPDIR`` for the processes tests start) at a
    folder of pytest's basetemp for the whole session: the compat programs are authors'
    code that calls ``tempfile.mkdtemp()`` and never removes it, as do Estimators built
    without a ``model_dir`` (TF's behaviour); in ``/tmp`` a full run left gigabytes
    behind. pytest keeps only its last three basetemps."""
    import tempfile

    folder = str(tmp_path_factory.mktemp("tempfile"))
    saved = (tempfile.tempdir, os.environ.get("TMPDIR"))
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    yield
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved[1]


@pytest.fixture(autouse=True)
def fresh_helpfulness_records():
    """Each test starts with no ``parallel.run`` helpfulness records: under ``taskset
    -c 1`` or on a loaded machine the helpers of earlier tests' calls often took no
    chunk, which sends a later test's kernels (the records are keyed by kernel) to the
    calling thread only, so a test that asks for several kernel threads would not run
    their threaded paths."""
    from trainkit.ops import parallel

    parallel._helpfulness.clear()
    yield


@pytest.fixture(autouse=True)
def fresh_graph():
    """Gives each test its own empty default graph."""
    tk.reset_default_graph()
    yield
    try:
        tk.reset_default_graph()
    except AssertionError:
        # A test leaked an InteractiveSession or a default-graph context: fail loudly.
        raise


@pytest.fixture(autouse=True)
def restored_trainkit_logger():
    """A program that calls ``tf.logging.set_verbosity`` (as real TF1 scripts do) leaves
    the level it set to itself only: later tests' ``caplog`` sees trainkit's warnings."""
    logger = tk.get_logger()
    saved = (logger.level, logger.propagate, list(logger.handlers))
    yield
    logger.setLevel(saved[0])
    logger.propagate = saved[1]
    logger.handlers[:] = saved[2]
