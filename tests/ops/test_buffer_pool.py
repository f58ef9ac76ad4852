"""The per-session buffer pool: an array is handed out again only when nothing but the pool
references it."""

from __future__ import annotations

import numpy as np

from trainkit.ops import buffer_pool
from trainkit.ops.buffer_pool import BufferPool

F32 = np.dtype(np.float32)


def test_take_reuses_only_unreferenced_buffers():
    pool = BufferPool()
    a = pool.take((8, 8), F32)
    b = pool.take((8, 8), F32)
    assert a is not b  # a is still held here
    ida = id(a)
    del a
    c = pool.take((8, 8), F32)
    assert id(c) == ida  # released, so recycled
    assert pool.take((8, 8), F32) is not b  # b still held


def test_views_keep_a_buffer_busy():
    pool = BufferPool()
    a = pool.take((4, 16), F32)
    v = a.reshape(64)[3:]
    ida = id(a)
    del a
    assert id(pool.take((4, 16), F32)) != ida
    mv = memoryview(v)
    del v
    assert id(pool.take((4, 16), F32)) != ida
    del mv
    assert id(pool.take((4, 16), F32)) == ida


def test_keys_separate_tags_shapes_and_dtypes():
    pool = BufferPool()
    a = pool.take((3,), F32, tag="x")
    ida = id(a)
    del a
    assert id(pool.take((3,), F32, tag="y")) != ida
    assert id(pool.take((3,), np.dtype(np.float64), tag="x")) != ida
    assert id(pool.take((1, 3), F32, tag="x")) != ida
    assert id(pool.take((3,), F32, tag="x")) == ida


def test_fill_initialises_new_buffers_only():
    pool = BufferPool()
    a = pool.take((2, 3), F32, tag="pad", fill=-np.inf)
    np.testing.assert_array_equal(a, np.full((2, 3), -np.inf))
    a[0, 1] = 5.0  # callers only write the interior; what they wrote stays
    del a
    b = pool.take((2, 3), F32, tag="pad", fill=-np.inf)
    assert b[0, 1] == 5.0 and b[1, 2] == -np.inf


def test_busy_buffers_beyond_the_cap_are_forgotten_not_reused():
    pool = BufferPool()
    held = [pool.take((5,), F32) for _ in range(10)]
    assert len({id(a) for a in held}) == 10
    for i, a in enumerate(held):
        a[:] = i
    del a
    assert len(pool._bufs[(None, (5,), F32)]) <= 4
    fresh = pool.take((5,), F32)
    assert all(fresh is not a for a in held)
    for i, a in enumerate(held):  # nobody overwrote the arrays still in use
        np.testing.assert_array_equal(a, i)
    pool.close()
    assert not pool._bufs


def test_output_pools_only_large_arrays_and_ones_is_read_only():
    class Ctx:
        class state:  # noqa: N801 - a stand-in for SessionState
            resources: dict = {}
            lock = __import__("threading").RLock()

    assert buffer_pool.output(Ctx, (10,), F32) is None
    big = buffer_pool.output(Ctx, (buffer_pool.MIN_BYTES // 4,), F32)
    assert big.shape == (buffer_pool.MIN_BYTES // 4,) and big.dtype == F32
    assert isinstance(Ctx.state.resources[buffer_pool.POOL_KEY], BufferPool)
    o = buffer_pool.ones(7, F32)
    np.testing.assert_array_equal(o, np.ones(7))
    assert not o.flags.writeable
