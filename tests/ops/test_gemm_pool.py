"""Products on ONNX Runtime's own threads: ``ops.mlas_split``'s rule against the runtime
itself (both ways: every shape it calls safe keeps the one-thread bits, every other
shape on the grid really rounds differently), ``gemm.threaded_product``, MatMul's choice
between the runtime's threads and the kernel threads (same bits either way), and
``ops.faster_path``'s choice by measured time."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.bits import needs_ort
from trainkit.ops import faster_path, gemm, matmul_ops, mlas_split, onnx_model, parallel

RNG = np.random.default_rng(4242)




@pytest.fixture
def runtime():
    gemm.set_backend("onnxruntime")
    assert gemm.backend() == "onnxruntime"
    yield
    gemm.set_backend(None)
    parallel.set_kernel_threads(None)


def _bits(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x).view(np.uint32)


def test_k_block_by_hand():
    assert mlas_split.k_block(512, 784, False) == 128      # 64 < 512: no change
    assert mlas_split.k_block(48, 4096, False) == 256      # 128 -> 64 columns once
    assert mlas_split.k_block(17, 4096, False) == 512      # twice (16 < 17 stops it)
    assert mlas_split.k_block(16, 4096, False) == 1024     # three times, down to 16
    assert mlas_split.k_block(48, 4096, True) == 128       # transposed A: never
    assert mlas_split.k_block(1000, 100, False) == 100     # K in one block
    assert mlas_split.k_block(64, 200, False) == 200       # 256 >= 200: one block


def test_column_parts_by_hand():
    assert mlas_split.column_parts(65, 2) == [48, 17]      # 5 blocks of 16: 3 + 2
    assert mlas_split.column_parts(512, 2) == [256, 256]
    assert mlas_split.column_parts(33, 3) == [16, 16, 1]
    assert mlas_split.column_parts(20, 4) == [16, 4]       # only 2 blocks to deal out
    assert not mlas_split.thread_split_keeps_bits(33, 4096, 65, False, 2)
    assert mlas_split.thread_split_keeps_bits(65, 4096, 65, False, 8)   # row parts
    assert mlas_split.thread_split_keeps_bits(33, 128, 4000, False, 8)  # K one block


def _gemm_session(threads: int, ta: bool):
    import onnxruntime as ort

    f = onnx_model.elem_type(np.dtype(np.float32))
    model = onnx_model.model(
        [onnx_model.node("Gemm", ["A", "B"], ["Y"],
                         [onnx_model.int_attribute("transA", int(ta))])],
        [onnx_model.value("A", f), onnx_model.value("B", f)], [onnx_model.value("Y", f)])
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])


@needs_ort
def test_split_rule_matches_the_runtime_both_ways():
    sessions = {(t, ta): _gemm_session(t, ta) for t in (1, 2, 3) for ta in (False, True)}
    seen = {True: 0, False: 0}
    for (m, k, n), ta, t in itertools.product(
            itertools.product([32, 40], [129, 700, 4096], [33, 65, 100, 160, 300]),
            [False, True], [2, 3]):
        a = RNG.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
        b = RNG.standard_normal((k, n)).astype(np.float32)
        one = sessions[(1, ta)].run(None, {"A": a, "B": b})[0]
        many = sessions[(t, ta)].run(None, {"A": a, "B": b})[0]
        safe = mlas_split.thread_split_keeps_bits(m, k, n, ta, t)
        assert np.array_equal(_bits(one), _bits(many)) == safe, (m, k, n, ta, t)
        seen[safe] += 1
    assert seen[True] > 20 and seen[False] > 20     # the grid tells the two apart


MLP_SHAPES = [  # (x, y, transposed x, transposed y): the MLP's and deep-MNIST's products
    ((128, 784), (784, 512), False, False),
    ((784, 128), (128, 512), True, False),     # dW = x.T @ dy
    ((128, 512), (512, 784), False, True),     # dx = dy @ w.T
    ((50, 3136), (3136, 1024), False, False),
]


def _pair(sx, sy, tx, ty):
    x = RNG.standard_normal(sx[::-1] if tx else sx).astype(np.float32)
    y = RNG.standard_normal(sy[::-1] if ty else sy).astype(np.float32)
    return (x.T if tx else x), (y.T if ty else y)


@needs_ort
@pytest.mark.parametrize("sx,sy,tx,ty", MLP_SHAPES)
def test_threaded_product_has_the_one_thread_bits(runtime, sx, sy, tx, ty):
    x, y = _pair(sx, sy, tx, ty)
    got = gemm.threaded_product(x, y, 2)
    assert got is not None
    np.testing.assert_array_equal(_bits(got), _bits(gemm.matmul(x, y)))
    np.testing.assert_allclose(got, x.astype(np.float64) @ y, rtol=0,
                               atol=3e-6 * np.sqrt(x.shape[1]) * float(np.abs(got).max()))


@needs_ort
def test_threaded_product_declines_what_it_cannot_keep_exact(runtime):
    a, b = _pair((33, 4096), (4096, 65), False, False)
    assert gemm.threaded_product(a, b, 2) is None                 # parts round otherwise
    x, y = _pair((128, 784), (784, 512), False, False)
    assert gemm.threaded_product(x, y, 1) is None                 # one thread
    assert gemm.threaded_product(x.astype(np.float64), y.astype(np.float64), 2) is None
    assert gemm.threaded_product(x[:31], y, 2) is None            # < MIN_ROWS
    assert gemm.threaded_product(x, y[:100], 2) is None           # sizes do not match
    gemm.set_backend("numpy")
    assert gemm.threaded_product(x, y, 2) is None


@needs_ort
def test_a_failed_thread_check_keeps_products_on_one_runtime_thread(runtime, monkeypatch):
    monkeypatch.setattr(gemm, "_pool_agrees", {2: False})
    x, y = _pair((128, 784), (784, 512), False, False)
    assert gemm.threaded_product(x, y, 2) is None
    parallel.set_kernel_threads(2)
    monkeypatch.setattr(matmul_ops, "_pool_ok", {})
    got = [matmul_ops.product(x, y) for _ in range(4)]
    for g in got:
        np.testing.assert_array_equal(_bits(g), _bits(gemm.matmul(x, y)))
    assert list(matmul_ops._pool_ok.values()) == [False]   # tried once, then not again


@needs_ort
@pytest.mark.parametrize("sx,sy,tx,ty", MLP_SHAPES[:3] + [
    ((64, 1024), (1024, 600), False, True),    # column blocks of x @ w.T
])
def test_matmul_takes_both_ways_with_the_same_bits(runtime, monkeypatch, sx, sy, tx, ty):
    x, y = _pair(sx, sy, tx, ty)
    parallel.set_kernel_threads(1)
    reference = matmul_ops.product(x, y)
    parallel.set_kernel_threads(2)
    monkeypatch.setattr(matmul_ops, "_paths", faster_path.FasterPath(explore_every=2))
    monkeypatch.setattr(matmul_ops, "_pool_ok", {})
    pooled = []
    real = gemm.threaded_product

    def spy(a, b, threads):
        out = real(a, b, threads)
        pooled.append(out is not None)
        return out

    monkeypatch.setattr(gemm, "threaded_product", spy)
    calls = 8
    for _ in range(calls):
        np.testing.assert_array_equal(_bits(matmul_ops.product(x, y)), _bits(reference))
    assert 0 < sum(pooled) < calls and all(pooled)   # both ways ran


@needs_ort
def test_inner_dimension_blocks_never_go_to_the_runtime_threads(runtime, monkeypatch):
    # 64x1024 @ 1024x600 is summed in inner-dimension blocks on the kernel threads: the
    # runtime's threads would round otherwise, so MatMul keeps to the blocks
    x, y = _pair((64, 1024), (1024, 600), False, False)
    parallel.set_kernel_threads(2)
    monkeypatch.setattr(matmul_ops, "_pool_ok", {})
    monkeypatch.setattr(gemm, "threaded_product", lambda *a: pytest.fail("pooled"))
    for _ in range(3):
        matmul_ops.product(x, y)
    assert list(matmul_ops._pool_ok.values()) == [False]


def test_faster_path_times_both_ways_then_keeps_the_faster():
    paths = faster_path.FasterPath(explore_every=4, smoothing=0.5)
    times = {0: 2.0, 1: 1.0}
    ways = []
    for _ in range(12):
        w = paths.choose("k")
        ways.append(w)
        paths.record("k", w, times[w])
    assert set(ways[:4]) == {0, 1}           # both timed first
    assert paths.favoured("k") == 1
    later = ways[4:]
    assert later.count(0) == 2 and later.count(1) == 6   # way 0 only every 4th call
    times[1] = 9.0                                       # way 1 slows down (a busy core)
    for _ in range(8):
        w = paths.choose("k")
        paths.record("k", w, times[w])
    assert paths.favoured("k") == 0


def test_faster_path_drops_the_first_sample_of_each_way():
    paths = faster_path.FasterPath()
    paths.record("k", 1, 100.0)               # warm-up: building a session
    paths.record("k", 1, 1.0)
    paths.record("k", 0, 100.0)
    paths.record("k", 0, 2.0)
    assert paths.favoured("k") == 1
    assert paths.favoured("other") is None


@pytest.mark.parametrize("kwargs", [dict(explore_every=1), dict(smoothing=0.0),
                                    dict(smoothing=1.5)])
def test_faster_path_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="explore_every must be >= 2"):
        faster_path.FasterPath(**kwargs)


def test_one_stall_does_not_flip_the_choice_but_a_lasting_slowdown_does():
    paths = faster_path.FasterPath(explore_every=1000, smoothing=0.3)
    for way, t in ((0, 1.0), (0, 2.0), (1, 1.0), (1, 1.0)):   # first samples: warm-up
        paths.record("k", way, t)
    assert paths.favoured("k") == 1
    paths.record("k", 1, 50.0)          # one stall: counts as 3x, 1.6 < 2.0
    assert paths.favoured("k") == 1
    paths.record("k", 1, 50.0)          # two in a row: 1.6 -> 2.56 > 2.0
    assert paths.favoured("k") == 0
