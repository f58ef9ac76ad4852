"""``derived_cache.same_bits``: a difference anywhere is found (the first range is
checked alone first), equal arrays compare equal for any thread count, and a
difference in the first range needs no kernel threads."""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.ops import derived_cache, parallel


@pytest.fixture(autouse=True)
def _restore():
    yield
    parallel.set_kernel_threads(None)


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("rows", [1, 2, 9, 64])
def test_same_bits_finds_a_difference_in_any_row(threads, rows):
    parallel.set_kernel_threads(threads)
    a = np.random.default_rng(rows).normal(size=(rows, 5, 3)).astype(np.float32)
    assert derived_cache.same_bits(a, a.copy())
    for r in range(rows):
        b = a.copy()
        b[r, 4, 2] = -b[r, 4, 2] if b[r, 4, 2] else -0.0   # other bits, even for 0.0
        assert not derived_cache.same_bits(a, b)
    nan = a.copy()
    nan[rows - 1, 0, 0] = np.nan
    assert derived_cache.same_bits(nan, nan.copy())      # NaN bits equal themselves


def test_a_difference_in_the_first_range_needs_no_kernel_threads(monkeypatch):
    calls = []
    real = parallel.run
    monkeypatch.setattr(parallel, "run", lambda *a, **k: (calls.append(1), real(*a, **k)))
    a = np.arange(64.0).reshape(16, 4)
    b = a.copy()
    b[0, 0] = 1.0
    assert not derived_cache.same_bits(a, b)
    assert calls == []
    b = a.copy()
    b[15, 3] = 0.0
    assert not derived_cache.same_bits(a, b)   # small: the rest in the caller too
    assert calls == []
    big = np.zeros((1024, derived_cache.PARALLEL_MIN_BYTES // 8192), np.float64)
    other = big.copy()
    other[-1, -1] = 1.0
    assert not derived_cache.same_bits(big, other)   # large: the rest on the threads
    assert calls == [1]
    assert derived_cache.same_bits(big, big.copy()) and calls == [1, 1]
