"""Horovod's build queries (``gloo_built``, ``nccl_built``, ``cuda_built``, ...): what
the library was built with. trainkit talks MPI only, on the CPU, so each is False.

Example:
    >>> hvd.nccl_built()
    False
"""

from __future__ import annotations

from trainkit.distributed.basics import context


def gloo_enabled() -> bool:
    """Whether the group runs on Gloo: never (trainkit talks MPI only).

    Raises:
        ValueError: if ``init()`` was not called.
    """
    context()
    return False


def gloo_built() -> bool:
    """Whether Gloo support is built in: no (trainkit talks MPI only)."""
    return False


def nccl_built() -> bool:
    """Whether NCCL (GPU collectives) is built in: no, trainkit runs on the CPU."""
    return False


def ddl_built() -> bool:
    """Whether IBM DDL is built in: no."""
    return False


def ccl_built() -> bool:
    """Whether Intel oneCCL is built in: no."""
    return False


def cuda_built() -> bool:
    """Whether CUDA support is built in: no, trainkit's kernels are NumPy."""
    return False


def rocm_built() -> bool:
    """Whether ROCm support is built in: no, trainkit's kernels are NumPy."""
    return False


__all__ = ["ccl_built", "cuda_built", "ddl_built", "gloo_built", "gloo_enabled", "nccl_built",
           "rocm_built"]
