"""Compiled loops for the memory-bound kernels, through numba when it is installed.

An elementwise update such as Adam is a dozen NumPy passes over the variable, its slots
and the gradient; each pass reads and writes whole blocks, and the whole of it moves
several times the bytes the arithmetic needs. TF runs such kernels as one C++ loop. A
:func:`loop` here is the same loop written in Python and compiled by numba (LLVM) for the
CPU it runs on: one pass, vectorized, with the GIL released so the kernel threads
(``ops.parallel``) run chunks of it concurrently. Measured on this project's machine,
one thread, the deep-MNIST ``fc1`` Adam update (3.2 M float32): 3.8 ms in 64 Ki-element
NumPy blocks, 1.2 ms compiled.

Every kernel keeps its NumPy path, which runs when numba is absent or the backend is
``numpy``; the compiled loop performs the same IEEE operations in the same order
(compiled without ``fastmath``, with NumPy's error model, so no reassociation and no
division checks), so both paths give bitwise the same results, which the tests check
kernel by kernel.

Backend (``TRAINKIT_JIT``, read at the first kernel that asks, or :func:`set_backend`):
``auto`` (default): numba when it imports, else NumPy; ``numba``: the same, with a
warning when it does not import; ``numpy``: NumPy only. Any other value raises
:class:`JitBackendError`. A process that runs a compiled loop pays numba's import once
(~0.5 s) and the first call of each loop per dtype its compile (~0.2-0.8 s), which
numba caches on disk (``cache=True``: beside the module, else numba's user cache
directory), so later processes load it instead.

Example:
    >>> @loop
    ... def _scale(a, s):
    ...     for i in range(a.shape[0]):
    ...         a[i] = a[i] * s
    >>> if enabled():
    ...     _scale(numpy.ones(4, numpy.float32), numpy.float32(2))
"""

from __future__ import annotations

import logging
import os
import threading
import types
from collections.abc import Callable
from typing import Any

ENV = "TRAINKIT_JIT"
CHOICES = ("auto", "numba", "numpy")

_LOG = logging.getLogger("trainkit")
_lock = threading.RLock()
_state: dict[str, Any] = {"on": None, "forced": None}
#: numba's options for every loop: no fastmath (bitwise the NumPy order), NumPy's error
#: model (no ZeroDivisionError branch, which also stops vectorization), GIL released
OPTIONS = {"nogil": True, "cache": True, "error_model": "numpy", "fastmath": False,
           "boundscheck": False}


class JitBackendError(ValueError):
    """An unknown compiled-loop backend name (``TRAINKIT_JIT`` or :func:`set_backend`)."""


def _checked(name: str, source: str) -> str:
    choice = name.strip().lower() or "auto"
    if choice not in CHOICES:
        raise JitBackendError(f"{source} must be one of {', '.join(CHOICES)}; got "
                              f"{name!r}.")
    return choice


def _importable() -> bool:
    """Whether numba imports (its import takes ~0.5 s, paid by the first kernel that asks;
    compiling is left to the first call of each loop, which numba's cache makes a load
    in later processes)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _resolve() -> bool:
    with _lock:
        if _state["on"] is None:
            choice = _state["forced"] or _checked(os.environ.get(ENV, "auto"), ENV)
            ok = choice != "numpy" and _importable()
            if choice == "numba" and not ok:
                _LOG.warning("trainkit: %s=numba but numba is not usable; kernels use "
                             "their NumPy paths.", ENV)
            _state["on"] = ok
        return _state["on"]


def enabled() -> bool:
    """Whether kernels run their compiled loops (resolves the backend on first call)."""
    on = _state["on"]
    return _resolve() if on is None else on


def set_backend(name: str | None) -> str | None:
    """Selects the backend (``auto``, ``numba``, ``numpy``; None: back to
    ``TRAINKIT_JIT``); returns the previous forced choice. Takes effect at the next
    kernel call.

    Raises:
        JitBackendError: for any other name.
    """
    with _lock:
        prev = _state["forced"]
        _state["forced"] = None if name is None else _checked(name, "set_backend")
        _state["on"] = None
        return prev


class Loop:
    """A loop function, compiled by numba at its first call (per argument types).

    Call it only when :func:`enabled` is true. A loop may call other loops (helpers) by
    their global name; keep a helper in the caller's module: numba's disk cache checks
    only the caller's source file, so an edited helper elsewhere would leave callers
    compiled with its old body. The Python function itself is kept as
    ``py`` (for reading, not for running: interpreted, it is ~100x slower than NumPy).
    """

    def __init__(self, fn: Callable) -> None:
        self.py = fn
        self._compiled: Callable | None = None
        self._inlined: Callable | None = None
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args: Any) -> Any:
        f = self._compiled
        if f is None:
            f = self.compiled()
        return f(*args)

    def compiled(self, inline: bool = False) -> Callable:
        """The numba dispatcher (made at the first call); with ``inline``, the form other
        loops call: inlined into them by numba, so that LLVM sees one loop nest (a
        called helper is an opaque call that keeps the caller's loop from vectorizing).
        The loops this one calls by their global name are bound to their inline forms.
        """
        with _lock:
            f = self._inlined if inline else self._compiled
            if f is None:
                import numba
                fn = self.py
                calls = {k: v.compiled(inline=True) for k in fn.__code__.co_names
                         if isinstance(v := fn.__globals__.get(k), Loop) and v is not self}
                if calls:
                    fn = types.FunctionType(fn.__code__, {**fn.__globals__, **calls},
                                            fn.__name__, fn.__defaults__, fn.__closure__)
                    fn.__qualname__ = self.py.__qualname__
                    fn.__module__ = self.py.__module__
                if inline:
                    f = self._inlined = numba.njit(**OPTIONS, inline="always")(fn)
                else:
                    f = self._compiled = numba.njit(**OPTIONS)(fn)
            return f


def loop(fn: Callable) -> Loop:
    """Marks ``fn`` (plain loops over NumPy arrays and scalars) as a compiled loop."""
    return Loop(fn)


__all__ = ["ENV", "CHOICES", "OPTIONS", "JitBackendError", "Loop", "loop", "enabled",
           "set_backend"]
