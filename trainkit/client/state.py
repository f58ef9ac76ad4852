"""Per-session runtime state that stateful kernels read and write.

Kernels receive it as ``ctx.state``; nothing stateful lives in globals, so two sessions on
one graph never share variables, RNG streams or iterators.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np


class SessionState:
    """Mutable state owned by one session.

    Attributes:
        variables: variable op name -> its NumPy buffer (updated in place).
        rngs: op name -> the stream of a random op (an ``np.random.Generator``, or for
            TF's seeded stateful ops their Philox stream).
        resources: key -> arbitrary per-op objects (dataset iterators, ...).
        handles: session-handle string -> stored value.
        lock: guards lazy creation of entries from concurrent runs.
    """

    __slots__ = ("variables", "rngs", "resources", "handles", "lock", "_handle_counter")

    def __init__(self) -> None:
        self.variables: dict[str, np.ndarray] = {}
        self.rngs: dict[str, Any] = {}
        self.resources: dict[str, Any] = {}
        self.handles: dict[bytes, Any] = {}
        self.lock = threading.RLock()
        self._handle_counter = 0

    def new_handle_id(self) -> int:
        with self.lock:
            self._handle_counter += 1
            return self._handle_counter

    def rng(self, key: str, seed_fn: Any) -> np.random.Generator:
        """The generator stored under ``key``, created from ``seed_fn()`` on first use."""
        g = self.rngs.get(key)
        if g is None:
            with self.lock:
                g = self.rngs.get(key)
                if g is None:
                    g = self.rngs[key] = np.random.Generator(np.random.PCG64(seed_fn()))
        return g

    def stream(self, key: str, make: Any) -> Any:
        """The random stream stored under ``key``, created by ``make()`` on first use."""
        g = self.rngs.get(key)
        if g is None:
            with self.lock:
                g = self.rngs.get(key)
                if g is None:
                    g = self.rngs[key] = make()
        return g
