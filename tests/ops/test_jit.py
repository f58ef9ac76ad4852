"""``ops/jit.py``'s loops calling other loops: a helper loop named in a loop's body is
compiled inline into it (the backend switch and its errors are tested with the
optimizer updates, ``tests/training/test_update_loops.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.ops import jit

pytest.importorskip("numba")


@jit.loop
def _twice(v):  # noqa: ANN001, ANN201
    return v + v


@jit.loop
def _double_all(a):  # noqa: ANN001, ANN201
    for i in range(a.shape[0]):
        a[i] = _twice(a[i])


def test_a_loop_calls_another_loop():
    prev = jit.set_backend("numba")
    try:
        assert jit.enabled()
        a = np.array([1.5, -2.0, np.inf], np.float32)
        _double_all(a)
    finally:
        jit.set_backend(prev)
    np.testing.assert_array_equal(a, np.array([3.0, -4.0, np.inf], np.float32))
    assert _double_all.compiled() is _double_all.compiled()          # made once
    assert _twice.compiled(inline=True) is not _twice.compiled()     # two forms
    assert _twice(np.float32(2.5)) == np.float32(5.0)
