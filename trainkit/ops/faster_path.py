"""Per key (e.g. a product's shapes), the faster of two ways to compute the same bits.

Some kernels can run either on the kernel threads (``ops.parallel``: chunks go to
whichever thread is free, so a busy core costs little) or as one call on a library's
own thread pool (faster on a quiet machine, but its threads wait for each other, so a
core taken by another process stalls the call: measured on 2 cores, a 128x3136x1024
product 7.97 ms on ONNX Runtime's two threads with one core busy against 4.05 ms on
one). Which is faster depends on the load, which changes while a program runs.
:class:`FasterPath` times both ways per key and takes the one with the lower smoothed
wall time, trying the other every ``explore_every`` calls so a change of load is seen.
Both ways must give the same bits: the choice changes only the speed.

Example:
    >>> paths = FasterPath()
    >>> p = paths.choose("k")
    >>> paths.record("k", p, 0.001)
"""

from __future__ import annotations

from typing import Any

#: every this many calls of a key, the way not in favour runs once (a load change)
EXPLORE_EVERY = 16
#: weight of the newest time in the smoothed time of a way
SMOOTHING = 0.3
#: samples of a way dropped before it is timed (first calls build sessions, wake threads)
WARMUP = 1
#: a time above this multiple of a way's smoothed time counts as that multiple: one
#: stall (a thread descheduled once) does not flip the choice, a lasting slowdown does
#: (autoencoder with one core busy: the choice between the runtime's threads and the
#: kernel threads flipped on single stalls, sending about half the calls the slow way)
CLIP = 3.0
_MAX_KEYS = 1024


class FasterPath:
    """Chooses way 0 or way 1 per key by smoothed measured seconds (see module doc)."""

    def __init__(self, explore_every: int = EXPLORE_EVERY, smoothing: float = SMOOTHING
                 ) -> None:
        if explore_every < 2 or not 0.0 < smoothing <= 1.0:
            raise ValueError(f"explore_every must be >= 2 and smoothing in (0, 1]; got "
                             f"{explore_every!r}, {smoothing!r}")
        self.explore_every = explore_every
        self.smoothing = smoothing
        self._keys: dict[Any, list] = {}   # key -> [calls, samples0, samples1, t0, t1]

    def _state(self, key: Any) -> list:
        s = self._keys.get(key)
        if s is None:
            if len(self._keys) >= _MAX_KEYS:
                self._keys.clear()
            s = self._keys.setdefault(key, [0, 0, 0, None, None])
        return s

    def choose(self, key: Any) -> int:
        """The way (0 or 1) this call of ``key`` should take."""
        s = self._state(key)
        s[0] += 1
        if s[3] is None or s[4] is None:          # still timing: the less-tried way
            return 1 if s[2] <= s[1] else 0
        best = 0 if s[3] <= s[4] else 1
        return 1 - best if s[0] % self.explore_every == 0 else best

    def record(self, key: Any, way: int, seconds: float) -> None:
        """Records that ``way`` took ``seconds`` on this call of ``key``."""
        s = self._state(key)
        s[1 + way] += 1
        if s[1 + way] <= WARMUP:
            return
        old = s[3 + way]
        if old is None:
            s[3 + way] = seconds
        else:
            s[3 + way] = old + self.smoothing * (min(seconds, CLIP * old) - old)

    def favoured(self, key: Any) -> int | None:
        """The way currently in favour for ``key`` (None until both were timed)."""
        s = self._keys.get(key)
        if s is None or s[3] is None or s[4] is None:
            return None
        return 0 if s[3] <= s[4] else 1


__all__ = ["FasterPath", "EXPLORE_EVERY", "SMOOTHING", "WARMUP", "CLIP"]
