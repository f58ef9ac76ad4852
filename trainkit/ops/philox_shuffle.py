"""``tf.random_shuffle`` with a seed: TF's permutation, drawn from the op's Philox stream.

TF's ``RandomShuffle`` CPU kernel leaves an input of at most one element, or of a first
dimension of at most one, as it is, and draws nothing. Otherwise, for ``n`` rows, it sets
aside ``ceil((n - 1) / 4)`` Philox blocks of the op's stream (``ReserveSamples32``) and
reads their 32-bit words one by one: going up ``i = 0 .. n - 2`` it swaps row ``i`` with
row ``i + word_i % (n - i)``. Doing the same on the same stream
(:class:`~trainkit.ops.philox_stream.PhiloxStream`) gives TF's order, run after run; so a
seeded ``string_input_producer`` or ``slice_input_producer`` (which shuffle with
``random_shuffle``) reads its files in TF's order.

Example:
    >>> s = PhiloxStream(87654321, 5)
    >>> seeded_permutation(s, 6).tolist()   # a permutation of range(6), TF's
    [1, 5, 2, 0, 4, 3]
"""

from __future__ import annotations

import numpy as np

from trainkit.ops import philox
from trainkit.ops.philox_stream import PhiloxStream


def seeded_permutation(stream: PhiloxStream, n: int) -> np.ndarray:
    """TF's row order for shuffling ``n >= 2`` rows; moves ``stream`` on as TF does.

    Args:
        stream: the op's Philox stream (made from its ``seed`` and ``seed2``).
        n: the number of rows (the input's first dimension), at least 2.

    Returns:
        An int64 array: output row ``i`` is input row ``perm[i]``.
    """
    samples = n - 1
    key, counter = stream.reserve_blocks((samples + 3) // 4)
    draws = philox.words(key, counter, samples).tolist()
    perm = list(range(n))
    for i, word in enumerate(draws):
        j = i + word % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, np.int64)


__all__ = ["seeded_permutation"]
