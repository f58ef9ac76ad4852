"""The classes a seeded ``LogUniformCandidateSampler`` / ``UniformCandidateSampler``
draws, as TF's CPU kernel draws them from the op's Philox stream.

Each run of TF's kernel sets aside ``2048 * num_sampled`` 32-bit words of the op's stream
(``512 * num_sampled`` Philox blocks; the next run starts after them) and reads them in
order, one word at a time. A class takes two words ``x0, x1``:

* log-uniform: the double ``u`` in ``[0, 1)`` whose mantissa is ``x0``'s low 20 bits
  above ``x1``'s 32, then ``int(exp(u * log1p(range_max))) - 1``, modulo ``range_max``;
* uniform: the 64-bit ``x0 | x1 << 32`` modulo ``range_max``.

With ``unique`` a class drawn before is drawn again, and ``num_tries`` counts every draw.
A run that needs more words than were set aside reads on into the next run's, as TF's
does. The expected counts follow TF in float32: ``P(c) * num_sampled``, or
``-expm1(num_tries * log1p(-P(c)))`` when ``unique`` took more than ``num_sampled``
tries, with the log-uniform ``P(c) = log((c + 2) / (c + 1)) / log1p(range_max)``.

Example:
    >>> from trainkit.ops.philox_stream import PhiloxStream
    >>> key, counter = reserve(PhiloxStream(1, 5), num_sampled=5)
    >>> classes, tries = draw(key, counter, 5, True, 50, log_uniform=True)
    >>> classes.tolist()          # TF 2.21's, graph seed 1, op seed 5
    [8, 36, 2, 4, 10]
"""

from __future__ import annotations

import math

import numpy as np

from trainkit.ops.philox import Counter, Key, blocks
from trainkit.ops.philox_stream import PhiloxStream

#: words TF's kernel sets aside per sampled class and run
WORDS_PER_CLASS = 2048
_OUTPUTS_PER_CLASS = WORDS_PER_CLASS // 4 // 256  # PhiloxStream reserves 256 blocks each
_CHUNK = 64  # classes drawn per batch of words (even, so batches start on a block)


def reserve(stream: PhiloxStream, num_sampled: int) -> tuple[Key, Counter]:
    """The key and counter of one run, the stream moved past the words TF sets aside."""
    return stream.reserve(_OUTPUTS_PER_CLASS * int(num_sampled))


def _classes(key: Key, counter: Counter, first: int, n: int, range_max: int,
             log_uniform: bool) -> list[int]:
    """Draws ``first .. first + n - 1`` of a run (``n`` even, ``first`` even)."""
    w = blocks(key, counter, n // 2, start=first // 2).reshape(-1, 2).astype(np.uint64)
    x0, x1 = w[:, 0], w[:, 1]
    if not log_uniform:
        return ((x0 | (x1 << np.uint64(32))) % np.uint64(range_max)).astype(np.int64).tolist()
    man = ((x0 & np.uint64(0xFFFFF)) << np.uint64(32)) | x1
    u = (man | np.uint64(1023 << 52)).view(np.float64) - 1.0
    log_range = math.log1p(range_max)
    # math.exp is the C library's exp, as TF's std::exp (NumPy's own loop may differ in
    # the last bit, which can move a value across an integer)
    return [(int(math.exp(x * log_range)) - 1) % range_max for x in u.tolist()]


def draw(key: Key, counter: Counter, num_sampled: int, unique: bool, range_max: int,
         log_uniform: bool) -> tuple[np.ndarray, int]:
    """``num_sampled`` classes (distinct with ``unique``) and the number of draws taken.

    Raises:
        ValueError: when ``unique`` asks for more classes than ``range_max``.
    """
    if unique and num_sampled > range_max:
        raise ValueError(f"cannot draw {num_sampled} distinct classes from {range_max}.")
    out: list[int] = []
    seen: set[int] = set()
    tries = 0
    while len(out) < num_sampled:
        for c in _classes(key, counter, tries, _CHUNK, range_max, log_uniform):
            tries += 1
            if not unique or c not in seen:
                seen.add(c)
                out.append(c)
                if len(out) == num_sampled:
                    break
    return np.asarray(out, dtype=np.int64), tries


def probability(classes: np.ndarray, range_max: int, log_uniform: bool) -> np.ndarray:
    """``P(c)`` as TF's samplers return it (float32)."""
    c = np.asarray(classes, dtype=np.float64)
    if not log_uniform:
        return np.full(c.shape, 1.0 / range_max, dtype=np.float32)
    return (np.log((c + 2.0) / (c + 1.0)) / math.log1p(range_max)).astype(np.float32)


def expected_count(p: np.ndarray, num_sampled: int, num_tries: int) -> np.ndarray:
    """TF's expected count of classes of probability ``p`` (float32) in a run."""
    p = np.asarray(p, dtype=np.float32)
    if num_tries == num_sampled:
        return p * np.float32(num_sampled)
    return -np.expm1(np.float32(num_tries) * np.log1p(-p))


__all__ = ["WORDS_PER_CLASS", "reserve", "draw", "probability", "expected_count"]
