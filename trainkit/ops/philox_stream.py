"""The stream behind a seeded stateful random op, as TF's CPU kernels keep it, and the
saving and restoring of every random op's stream.

TF gives each seeded random op (``RandomUniform``, ``RandomStandardNormal``,
``TruncatedNormal``, ``RandomUniformInt``) one Philox-4x32-10 generator made from its
two seeds: the op seed ``seed`` is the key (low and high 32-bit words) and the second
seed ``seed2`` the upper half of the 128-bit counter, whose lower half starts at zero.
Every run of the op that makes ``n`` values reserves ``256 * n`` blocks: the values come
from the stream at the current counter (:mod:`trainkit.ops.philox_distributions` turns
blocks into values as TF's distributions do), then the counter moves on by that much.
So the numbers equal TF's for the same seeds, run after run, and a new session starts
the stream afresh.

Unseeded ops keep NumPy's PCG64 generators (TF draws random seeds for them: there is
nothing to match). :func:`stream_state` / :func:`restore_stream` turn either kind into
JSON-able data and back, for checkpoints.

Example:
    >>> s = PhiloxStream(87654321, 7)
    >>> key, counter = s.reserve(15)        # the first run of a [3, 5] uniform
    >>> s.counter                            # moved on by 15 * 256 blocks
    129127208515966865152
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops.philox import Counter, Key

_WORD = 0xFFFFFFFF
_U64 = 0xFFFFFFFFFFFFFFFF
_U128 = (1 << 128) - 1
_RESERVED_PER_OUTPUT = 256  # TF reserves this many blocks per value, whatever the dtype
_KIND = "TFPhilox"


class PhiloxStream:
    """The Philox generator of one seeded stateful random op (TF's
    ``GuardedPhiloxRandom``).

    Args:
        seed: the op's ``seed`` attribute (64-bit; negative values wrap as in C++).
        seed2: the op's ``seed2`` attribute.
    """

    __slots__ = ("key", "counter")

    def __init__(self, seed: int, seed2: int) -> None:
        s, s2 = int(seed) & _U64, int(seed2) & _U64
        self.key: Key = (s & _WORD, s >> 32)
        self.counter = s2 << 64  # the 128-bit counter as one Python int

    def reserve(self, n_outputs: int) -> tuple[Key, Counter]:
        """The key and counter for a run making ``n_outputs`` values; moves the stream
        past the ``256 * n_outputs`` blocks TF sets aside for them."""
        c = self.counter
        self.counter = (c + _RESERVED_PER_OUTPUT * int(n_outputs)) & _U128
        return self.key, (c & _WORD, (c >> 32) & _WORD, (c >> 64) & _WORD, c >> 96)

    def reserve_blocks(self, n_blocks: int) -> tuple[Key, Counter]:
        """The key and counter for a run reading ``n_blocks`` blocks; moves the stream
        past exactly those (TF's ``ReserveSamples128``, as ``RandomShuffle`` asks)."""
        c = self.counter
        self.counter = (c + int(n_blocks)) & _U128
        return self.key, (c & _WORD, (c >> 32) & _WORD, (c >> 64) & _WORD, c >> 96)

    def state(self) -> dict[str, Any]:
        """JSON-able data from which :func:`restore_stream` rebuilds this stream."""
        return {"bit_generator": _KIND, "key": list(self.key), "counter": str(self.counter)}


def stream_state(stream: Any) -> dict[str, Any]:
    """The saved form of a random op's stream (a :class:`PhiloxStream` or a NumPy
    ``Generator``)."""
    if isinstance(stream, PhiloxStream):
        return stream.state()
    return stream.bit_generator.state


def restore_stream(state: dict[str, Any]) -> Any:
    """The stream :func:`stream_state` saved.

    Raises:
        ValueError: for an unknown generator kind or malformed data.
    """
    kind = state.get("bit_generator")
    if kind == _KIND:
        stream = PhiloxStream(0, 0)
        k0, k1 = (int(w) for w in state["key"])
        stream.key = (k0 & _WORD, k1 & _WORD)
        stream.counter = int(state["counter"]) & _U128
        return stream
    if kind == "PCG64":
        gen = np.random.Generator(np.random.PCG64())
        gen.bit_generator.state = state
        return gen
    raise ValueError(f"unsupported bit generator {kind!r}")


__all__ = ["PhiloxStream", "stream_state", "restore_stream"]
