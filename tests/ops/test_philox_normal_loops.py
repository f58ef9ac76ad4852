"""Seeded normal and truncated normal draws give TF's bits on both paths: the compiled
loops of ``ops/philox_normal_loops.py`` and the NumPy path (``philox_distributions``
with ``c_math``).

``fixtures/seeded_normal_tf221.json`` holds the SHA-256 of each draw's bytes as TF 2.21
made them (CPU, ``tf.compat.v1`` graph mode, two runs of each op in one session;
recorded by ``make_seeded_normal_reference.py``, whose case table is imported here).
trainkit before the compiled loops (main at 5c90f04, NumPy path) gave the same bytes for
every case, the large ones included.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import trainkit as tf
from trainkit.ops import c_math, jit, parallel, philox_distributions, philox_normal_loops

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from make_seeded_normal_reference import CASES, STATELESS  # noqa: E402

sys.path.remove(str(HERE))
TF = json.loads((HERE / "fixtures" / "seeded_normal_tf221.json").read_text())
BACKENDS = ["numpy", "numba"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Runs the test on each compiled-loop backend (numba: skipped where it is missing)."""
    if request.param == "numba":
        pytest.importorskip("numba")
    prev = jit.set_backend(request.param)
    yield request.param
    jit.set_backend(prev)


def _sha(value: np.ndarray) -> str:
    return hashlib.sha256(value.tobytes()).hexdigest()


def _stateful_shas(name: str) -> list[str]:
    op, shape, dtype, seed = CASES[name]
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        t = getattr(tf, op)(shape, dtype=dtype, seed=seed)
        with tf.Session() as sess:
            return [_sha(sess.run(t)) for _ in range(2)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_seeded_draws_are_tfs_on_each_backend(backend, dtype):
    """[301, 257] (an odd count: the last block is cut) normal and truncated normal, two
    runs each, are TF's bytes."""
    for name in (f"normal/301x257/{dtype}", f"truncated/301x257/{dtype}"):
        assert _stateful_shas(name) == TF[name], name


def test_stateless_draws_are_tfs_on_each_backend(backend):
    for name, (op, shape, dtype, seed) in STATELESS.items():
        with tf.Graph().as_default():
            t = getattr(tf.random, "stateless_" + op)(shape, seed, dtype=dtype)
            with tf.Session() as sess:
                assert [_sha(sess.run(t))] == TF[name], name


@pytest.mark.parametrize("kind", ["normal", "truncated"])
def test_large_draws_are_tfs_compiled(kind):
    """Deep MNIST's fc1 shape under ``tf.set_random_seed(1)`` (3.2 M float32) and 1 M
    float64 and float16 values, each run twice: TF's bytes. (The NumPy path makes these
    in seconds, not in a test's time; it gave the same bytes.)"""
    pytest.importorskip("numba")
    prev = jit.set_backend("numba")
    try:
        for name in (f"{kind}/3136x1024/float32", f"{kind}/1024x1024/float64",
                     f"{kind}/1024x1024/float16"):
            assert _stateful_shas(name) == TF[name], name
    finally:
        jit.set_backend(prev)


def _draws(key, counter) -> list[np.ndarray]:
    out = []
    for fn in (philox_distributions.normal, philox_distributions.truncated_normal):
        for dtype in (np.float32, np.float64, np.float16):
            for n in (1, 2, 3, 5, 8, 3001):
                out.append(fn(key, counter, n, dtype))
    return out


def test_compiled_loops_equal_the_numpy_path_in_chunks_and_threads(monkeypatch):
    """Every count of values (cut blocks and groups), a counter whose words carry, and
    the chunked, threaded fill (chunks of 16 blocks on two threads): the NumPy path's
    bits."""
    pytest.importorskip("numba")
    key, counter = (0x9ABCDEF0, 0x12345678), (0xFFFFFFF0, 0xFFFFFFFF, 0xFFFFFFFF, 3)
    prev = jit.set_backend("numpy")
    try:
        want = _draws(key, counter)
        jit.set_backend("numba")
        got = _draws(key, counter)
        monkeypatch.setattr(philox_normal_loops, "CHUNK", 16)
        parallel.set_kernel_threads(2)
        chunked = _draws(key, counter)
    finally:
        parallel.set_kernel_threads(None)
        jit.set_backend(prev)
    for w, g, c in zip(want, got, chunked):
        assert w.dtype == g.dtype == c.dtype and w.shape == g.shape == c.shape
        np.testing.assert_array_equal(g.view(np.uint8), w.view(np.uint8))
        np.testing.assert_array_equal(c.view(np.uint8), w.view(np.uint8))


def _libm(name: str, ctype: type):
    lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    f = getattr(lib, name)
    f.restype, f.argtypes = ctype, [ctype]
    return np.frompyfunc(f, 1, 1)


#: mantissas k (uniform k 2**-23) where glibc 2.36's logf / sinf / cosf of Box-Muller's
#: input is not the correctly rounded result (so where a correctly rounded or vector
#: library would give other bits), found by trying all 2**23; then the ends and quarter
#: turns of the angle and the 1e-7 floor of the radius' uniform
HARD = [4466, 2549099, 3994683, 4830240, 5369637, 5859756, 6375914, 6672636, 6952855,
        7382319, 7460298, 7691635, 7908618, 7953971, 7993855, 8174748, 8202689, 8220381,
        8234019, 8248011, 8262119, 8272317, 8285289, 8305600,
        13632, 283207, 387383, 602872, 709521, 914882, 1451260, 3259044, 3468455, 3574095,
        3793687, 3900602, 4068934, 4468479, 4569563, 4779552, 4900101, 5107110, 5712492,
        7456526, 7667239, 7773296, 7998099, 8105146,
        67581, 1173014, 1379704, 1488009, 1708516, 1813114, 2078467, 2382834, 2490399,
        2709137, 2815299, 3029193, 4791150, 5379345, 5584736, 5700150, 5910632, 6010515,
        6359728, 6576440, 6682545, 6900936, 7005931, 7215514,
        0, 1, 2, 3, 1 << 21, (1 << 21) + 1, 1 << 22, 3 << 21, (1 << 23) - 2, (1 << 23) - 1]


def _pairs(loop, words: np.ndarray) -> np.ndarray:
    return np.array([loop(*(np.uint64(x) for x in row)) for row in words])


def test_compiled_box_muller_calls_the_c_librarys_functions():
    """The compiled Box-Muller (float32: each word pair; float64: each block) against
    ctypes' ``logf``/``sinf``/``cosf`` (``log``/``sin``/``cos``) on the hard inputs and
    on random words (high bits set too, which the uniforms drop)."""
    pytest.importorskip("numba")
    if not c_math.AVAILABLE:
        pytest.skip("no loadable C math library")
    rng = np.random.default_rng(7)
    k = np.concatenate([np.array(HARD, np.uint32), rng.integers(0, 1 << 23, 3000,
                                                                dtype=np.uint32)])
    high = rng.integers(0, 1 << 9, (k.size, 2), dtype=np.uint32) << np.uint32(23)
    words = np.stack([k | high[:, 0], k[::-1] | high[:, 1]], axis=1)
    u = (words & np.uint32(0x7FFFFF)).astype(np.float32) * np.float32(2.0 ** -23)
    u1 = np.maximum(u[:, 0], np.float32(1e-7))
    v1 = (2.0 * np.pi * u[:, 1].astype(np.float64)).astype(np.float32)
    r = np.sqrt(np.float32(-2.0) * _libm("logf", ctypes.c_float)(u1).astype(np.float32))
    want = np.stack([_libm("sinf", ctypes.c_float)(v1).astype(np.float32) * r,
                     _libm("cosf", ctypes.c_float)(v1).astype(np.float32) * r], axis=1)
    got = _pairs(philox_normal_loops._pair_float, words).astype(np.float32)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))

    w64 = rng.integers(0, 1 << 32, (2000, 4), dtype=np.uint64)
    w64[:3, :2] = [[0, 0], [0, 1], [0xFFFFF, 0xFFFFFFFF]]  # the floor, the top uniform
    w64[:3, 2:] = [[0, 0], [0x40000, 0], [0xFFFFF, 0xFFFFFFFF]]
    bits = ((w64[:, 0::2] & np.uint64(0xFFFFF)) << np.uint64(32)) | w64[:, 1::2]
    d = bits.astype(np.float64) * 2.0 ** -52
    u1, v1 = np.maximum(d[:, 0], 1e-7), 2.0 * np.pi * d[:, 1]
    r = np.sqrt(-2.0 * _libm("log", ctypes.c_double)(u1).astype(np.float64))
    want = np.stack([_libm("sin", ctypes.c_double)(v1).astype(np.float64) * r,
                     _libm("cos", ctypes.c_double)(v1).astype(np.float64) * r], axis=1)
    got = _pairs(philox_normal_loops._pair_double, w64).astype(np.float64)
    np.testing.assert_array_equal(got.view(np.uint64), want.view(np.uint64))


def test_without_the_c_library_the_numpy_path_draws(monkeypatch):
    """Without a loadable C math library the compiled loops are not used (they would
    call it where the NumPy path has only NumPy's functions)."""
    pytest.importorskip("numba")

    def refuse(*args):
        raise AssertionError("compiled loop used without the C math library")

    monkeypatch.setattr(c_math, "AVAILABLE", False)
    monkeypatch.setattr(philox_normal_loops, "normal", refuse)
    monkeypatch.setattr(philox_normal_loops, "truncated_normal", refuse)
    prev = jit.set_backend("numba")
    try:
        a = philox_distributions.normal((1, 2), (0, 0, 3, 0), 9, np.float32)
        b = philox_distributions.truncated_normal((1, 2), (0, 0, 3, 0), 9, np.float64)
    finally:
        jit.set_backend(prev)
    assert a.shape == b.shape == (9,) and np.all(np.abs(b) < 2.0)
