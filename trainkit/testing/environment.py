"""``tf.test``'s module-level helpers: the runner, a temporary directory and the
GPU/CUDA queries (trainkit runs on the CPU only, so they all say "no GPU").

Example:
    >>> is_gpu_available(), gpu_device_name(), is_built_with_cuda()
    (False, '', False)
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import unittest
from typing import Any

_temp_dir: list[str] = []


def main(argv: list[str] | None = None) -> Any:
    """Runs the ``unittest`` tests of ``__main__`` (``tf.test.main``), then exits.

    Command-line arguments (``argv``, default ``sys.argv``) are unittest's:
    ``python my_test.py -v MyTest.test_one``. The process exits with status 0 when
    every test passed and 1 otherwise, as TF's runner.
    """
    return unittest.main(module="__main__", argv=list(sys.argv if argv is None else argv))


def get_temp_dir() -> str:
    """A temporary directory for this process's tests, removed at exit (``tf.test.get_temp_dir``).

    It is created on the first call (under ``$TEST_TMPDIR`` when set, as in TF) and the same
    directory is returned afterwards.
    """
    if not _temp_dir:
        base = os.environ.get("TEST_TMPDIR")
        path = tempfile.mkdtemp(prefix=base) if base else tempfile.mkdtemp(prefix="trainkit_test")
        atexit.register(shutil.rmtree, path, True)
        _temp_dir.append(path)
    return _temp_dir[0]


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """False: trainkit has no GPU devices (``tf.test.is_gpu_available``)."""
    del cuda_only, min_cuda_compute_capability
    return False


def gpu_device_name() -> str:
    """``''``: the name of no GPU device (``tf.test.gpu_device_name``)."""
    return ""


def is_built_with_cuda() -> bool:
    """False: trainkit is NumPy only (``tf.test.is_built_with_cuda``)."""
    return False


def is_built_with_gpu_support() -> bool:
    """False (``tf.test.is_built_with_gpu_support``)."""
    return False


def is_built_with_rocm() -> bool:
    """False (``tf.test.is_built_with_rocm``)."""
    return False


def is_built_with_xla() -> bool:
    """False (``tf.test.is_built_with_xla``)."""
    return False


__all__ = ["main", "get_temp_dir", "is_gpu_available", "gpu_device_name",
           "is_built_with_cuda", "is_built_with_gpu_support", "is_built_with_rocm",
           "is_built_with_xla"]
