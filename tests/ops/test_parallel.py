"""ops.parallel: every chunk runs once, errors propagate, BLAS is restored."""

from __future__ import annotations

import threading

import pytest

from trainkit.ops import parallel


@pytest.fixture(autouse=True)
def _restore_threads():
    yield
    parallel.set_kernel_threads(None)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("chunks", [0, 1, 2, 7])
def test_every_chunk_runs_exactly_once(threads, chunks):
    seen = []
    workers = set()
    lock = threading.Lock()

    def work(i, worker):
        with lock:
            seen.append(i)
            workers.add(worker)

    parallel.run(work, chunks, threads)
    assert sorted(seen) == list(range(chunks))
    assert workers <= set(range(max(1, min(threads, chunks))))


def test_first_error_is_raised_and_pool_stays_usable():
    def work(i, worker):
        if i == 3:
            raise ZeroDivisionError("chunk 3")

    with pytest.raises(ZeroDivisionError, match="chunk 3"):
        parallel.run(work, 8, 2)
    out = []
    parallel.run(lambda i, w: out.append(i), 4, 2)
    assert sorted(out) == [0, 1, 2, 3]


def test_blas_single_threaded_inside_chunked_work_and_restored_after():
    ctls = parallel._blas_controllers()
    if not ctls:
        pytest.skip("threadpoolctl not installed")
    for c in ctls:
        c.set_num_threads(2)
    try:
        inside = []
        parallel.run(lambda i, w: inside.append([c.get_num_threads() for c in ctls]), 4, 2)
        assert inside and all(n == [1] * len(ctls) for n in inside)
        assert [c.get_num_threads() for c in ctls] == [2] * len(ctls)
        parallel.run(lambda i, w: None, 4, 1)  # one thread: BLAS left alone
        assert [c.get_num_threads() for c in ctls] == [2] * len(ctls)
    finally:
        for c in ctls:
            c.set_num_threads(1)


def test_set_kernel_threads_validates():
    parallel.set_kernel_threads(3)
    assert parallel.kernel_threads() == 3
    parallel.set_kernel_threads(None)
    assert parallel.kernel_threads() >= 1
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="kernel threads"):
            parallel.set_kernel_threads(bad)


def test_pool_works_in_a_forked_child():
    import os

    parallel.run(lambda i, w: None, 4, 2)  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # child: must not wait for pool threads that do not exist here
        out = []
        try:
            parallel.run(lambda i, w: out.append(i), 6, 2)
            os._exit(0 if sorted(out) == list(range(6)) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
