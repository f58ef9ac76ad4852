"""Dense-model kernels (issue 17): the softmax cross entropies computed with one ``exp``
pass, and the kernel threads' fallback to the calling thread when helpers do not help."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import parallel
from trainkit.ops.nn_losses_ops import softmax_xent_np

RNG = np.random.default_rng(17)


def _xent_ref(x: np.ndarray, z: np.ndarray, ax: int) -> tuple:
    """float64 reference: ``-sum(z * log_softmax(x))`` and ``softmax(x) - z``."""
    x, z = x.astype(np.float64), z.astype(np.float64)
    s = x - x.max(axis=ax, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=ax, keepdims=True))
    return -(z * logp).sum(axis=ax), np.exp(logp) - z


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("shape,ax", [((128, 10), -1), ((7, 1000), 1), ((9, 5, 4), 0)])
def test_softmax_xent_matches_float64_reference(dtype, tol, shape, ax):
    x = (RNG.standard_normal(shape) * 20).astype(dtype)  # large logits: the shift matters
    z = RNG.random(shape).astype(dtype)                   # soft labels, not one-hot
    z /= z.sum(axis=ax, keepdims=True)
    loss, bp = softmax_xent_np(x, z, ax % len(shape))
    want_loss, want_bp = _xent_ref(x, z, ax)
    assert loss.dtype == dtype and bp.dtype == dtype and bp.shape == shape
    np.testing.assert_allclose(loss, want_loss, rtol=tol, atol=tol)
    np.testing.assert_allclose(bp, want_bp, rtol=tol, atol=tol)


def test_softmax_xent_op_and_gradient_in_a_graph():
    x0 = (RNG.standard_normal((6, 11)) * 5).astype(np.float32)
    z0 = np.eye(11, dtype=np.float32)[RNG.integers(0, 11, 6)]
    z0[0] = 1.0 / 11  # one smoothed row
    x, z = tk.constant(x0), tk.constant(z0)
    loss = tk.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x)
    gx, gz = tk.gradients(tk.reduce_sum(loss), [x, z])
    with tk.Session() as sess:
        got_loss, got_gx, got_gz = sess.run([loss, gx, gz])
    want_loss, want_bp = _xent_ref(x0, z0, -1)
    s = x0.astype(np.float64) - x0.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(got_loss, want_loss, rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(got_gx, want_bp, rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(got_gz, -logp, rtol=2e-6, atol=2e-6)


def test_sparse_softmax_xent_matches_reference():
    x0 = (RNG.standard_normal((33, 17)) * 30).astype(np.float32)
    y0 = RNG.integers(0, 17, 33).astype(np.int32)
    loss = tk.nn.sparse_softmax_cross_entropy_with_logits(labels=tk.constant(y0),
                                                          logits=tk.constant(x0))
    (gx,) = tk.gradients(tk.reduce_sum(loss), [loss.op.inputs[0]])
    with tk.Session() as sess:
        got_loss, got_gx = sess.run([loss, gx])
    want_loss, want_bp = _xent_ref(x0, np.eye(17)[y0], -1)
    assert got_loss.dtype == np.float32
    np.testing.assert_allclose(got_loss, want_loss, rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(got_gx, want_bp, rtol=2e-6, atol=2e-6)


def test_helpfulness_goes_solo_after_bad_calls_then_tries_again(monkeypatch):
    monkeypatch.setattr(parallel, "BAD_CALLS", 2)
    monkeypatch.setattr(parallel, "SOLO_CALLS", 3)
    h = parallel._Helpfulness()
    h.observe(helper_chunks=2, waited=0.0, chunk_time=1e-3)   # good
    h.observe(helper_chunks=0, waited=0.0, chunk_time=1e-3)   # helpers did nothing
    assert not h.take_solo()
    h.observe(helper_chunks=1, waited=5e-3, chunk_time=1e-3)  # caller waited 5 chunks
    assert [h.take_solo() for _ in range(4)] == [True, True, True, False]
    h.observe(helper_chunks=0, waited=0.0, chunk_time=1e-3)
    h.observe(helper_chunks=3, waited=1e-4, chunk_time=1e-3)  # a good call resets
    h.observe(helper_chunks=0, waited=0.0, chunk_time=1e-3)
    assert not h.take_solo()


def test_a_helper_late_by_less_than_its_own_work_is_still_a_good_call(monkeypatch):
    # 25 chunks of 1 ms, the helper did 12 and the caller waited 2 ms for the last one:
    # 13 + 2 = 15 ms against 25 ms alone, so the helpers still pay
    monkeypatch.setattr(parallel, "BAD_CALLS", 2)
    h = parallel._Helpfulness()
    for _ in range(5):
        h.observe(helper_chunks=12, waited=2e-3, chunk_time=1e-3)
    assert not h.take_solo()
    # waiting longer than the helper's chunks would have taken the caller: slower than
    # one thread, twice in a row -> solo
    h.observe(helper_chunks=2, waited=2.5e-3, chunk_time=1e-3)
    h.observe(helper_chunks=2, waited=2.5e-3, chunk_time=1e-3)
    assert h.take_solo()


def test_solo_calls_run_every_chunk_once_in_the_caller(monkeypatch):
    def work(i, worker):
        seen.append((i, worker, threading.get_ident()))

    seen: list = []
    parallel._health(work, "k").solo = 2
    for _ in range(2):
        assert parallel.run(work, 5, 2, key="k") is False  # helpers not offered
    assert sorted(i for i, _, _ in seen) == sorted(list(range(5)) * 2)
    assert {(w, t) for _, w, t in seen} == {(0, threading.get_ident())}
    assert not parallel._health(work, "k").take_solo()


def test_run_says_whether_helpers_were_offered_chunks():
    done: list = []

    def work(i, worker):
        done.append(i)

    parallel.set_kernel_threads(2)
    try:
        assert parallel.run(work, 4, key="offer") is True
        assert parallel.run(work, 4, threads=1, key="offer") is False
        assert parallel.run(work, 1, key="offer") is False
        assert parallel.run(work, 0, key="offer") is False
    finally:
        parallel.set_kernel_threads(None)
    assert sorted(done) == sorted(list(range(4)) * 2 + [0])


def test_matmul_bitwise_the_same_split_solo_or_one_thread():
    a = RNG.standard_normal((128, 784)).astype(np.float32)
    b = RNG.standard_normal((784, 512)).astype(np.float32)
    y = tk.matmul(tk.constant(a), tk.constant(b))
    got = []
    try:
        with tk.Session() as sess:
            parallel.set_kernel_threads(1)
            got.append(sess.run(y))
            parallel.set_kernel_threads(2)
            got.append(sess.run(y))
            for h in list(parallel._helpfulness.values()):
                h.solo = 5
            got.append(sess.run(y))
    finally:
        parallel.set_kernel_threads(None)
    for g in got[1:]:
        np.testing.assert_array_equal(g, got[0])
    np.testing.assert_allclose(got[0], a.astype(np.float64) @ b, rtol=1e-4, atol=1e-3)


def test_helpfulness_table_stays_bounded(monkeypatch):
    monkeypatch.setattr(parallel, "_MAX_KEYS", 8)

    def work(i, worker):
        pass

    for k in range(50):
        parallel._health(work, ("shape", k))
    assert len(parallel._helpfulness) <= 8
