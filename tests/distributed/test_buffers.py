"""The collectives' recycled buffers (trainkit/distributed/buffers.py): never hand out
memory that a result still views; large buffers start on a 2 MiB boundary."""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.distributed.buffers import ALIGN, ALIGN_FROM, Buffers


@pytest.mark.parametrize("n", [5, ALIGN_FROM // 4 + 3])  # plain, and aligned (float32)
def test_a_buffer_comes_back_only_when_nothing_views_it(n):
    pool = Buffers()
    a = pool.take(n, np.float32)
    assert a.shape == (n,) and a.dtype == np.float32
    a[:] = 7.0
    view = a[1:4].reshape(3, 1)          # what a collective returns: derived views
    first = a.ctypes.data
    del a
    b = pool.take(n, np.float32)
    assert b.ctypes.data != first        # the view keeps the first buffer busy
    b[:] = 1.0
    assert np.all(view == 7.0)
    del view, b
    assert pool.take(n, np.float32).ctypes.data == first  # free again: recycled


def test_large_buffers_are_aligned_to_huge_pages_and_small_ones_plain():
    pool = Buffers()
    big = pool.take(ALIGN_FROM // 8, np.float64)
    assert big.ctypes.data % ALIGN == 0 and big.nbytes == ALIGN_FROM
    assert big.flags.c_contiguous and big.flags.writeable
    small = pool.take(100, np.int32)
    assert small.base is None


def test_every_recycled_buffer_is_free_memory():
    pool = Buffers()
    held = []
    for step in range(8):                # keep every other result alive, like fetches
        buf = pool.take(ALIGN_FROM // 4, np.float32)
        for kept in held:
            assert not np.shares_memory(buf, kept)
        buf[:] = step
        out = buf[:10].reshape(2, 5)
        if step % 2 == 0:
            held.append(out)
        del buf, out
    for i, kept in enumerate(held):      # nothing overwrote a kept result
        assert np.all(kept == 2 * i)
    pool.close()
