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


def _needs_threads():
    if not parallel._blas_controllers():
        pytest.skip("threadpoolctl not installed: chunks run in the caller only")


class _HeldExecutor:
    """A pool whose helpers start (their futures are running, as a pool thread that took
    the work off its queue) but run ``loop`` only once ``release`` is set: a helper the
    OS has not scheduled yet."""

    def __init__(self):
        self.release = threading.Event()
        self.threads = []

    def submit(self, fn, *args):
        from concurrent.futures import Future

        f = Future()
        f.set_running_or_notify_cancel()  # started: cancel() can no longer drop it

        def late():
            self.release.wait()
            fn(*args)
            f.set_result(None)
        t = threading.Thread(target=late)
        t.start()
        self.threads.append(t)
        return f


def test_a_helper_that_comes_after_the_chunks_are_gone_is_not_waited_for(monkeypatch):
    _needs_threads()
    ex = _HeldExecutor()
    monkeypatch.setattr(parallel, "_executor", lambda workers: ex)
    seen = []
    returned = threading.Event()

    def work(i, worker):
        seen.append((i, worker))

    caller = threading.Thread(target=lambda: (parallel.run(work, 5, 2, key="held"),
                                              returned.set()))
    caller.start()
    try:
        assert returned.wait(timeout=60), "run waited for a helper that had no chunk"
    finally:
        ex.release.set()
        caller.join()
        for t in ex.threads:
            t.join()
    # the caller ran every chunk; the late helper, released afterwards, ran none
    assert sorted(seen) == [(i, 0) for i in range(5)]


def test_a_chunk_a_helper_claimed_is_waited_for_and_chunk_0_is_the_callers():
    _needs_threads()
    claimed, finish, caller_done = threading.Event(), threading.Event(), threading.Event()
    log = []
    me = {}

    def work(i, worker):
        if worker != 0:                  # the helper: hold its chunk until told
            claimed.set()
            finish.wait()
            log.append(("helper", i))
            return
        log.append(("caller", i, threading.get_ident() == me["id"]))
        if i == 0:                       # let the helper claim a chunk meanwhile
            claimed.wait()
        if len([e for e in log if e[0] == "caller"]) == 2:
            caller_done.set()

    def call():
        me["id"] = threading.get_ident()
        parallel.run(work, 3, 2, key="claimed")
        log.append(("returned",))

    t = threading.Thread(target=call)
    t.start()
    try:
        assert caller_done.wait(timeout=60)
        assert ("returned",) not in log  # the helper still holds its chunk
    finally:
        finish.set()
        t.join()
    assert log[0] == ("caller", 0, True)
    assert log[-1] == ("returned",)
    assert sorted(e[1] for e in log[:-1]) == [0, 1, 2]
    assert [e for e in log if e[0] == "helper"] == [("helper", 1)]


def test_chunk_0_always_runs_on_the_calling_thread():
    _needs_threads()
    where = []

    def work(i, worker):
        if i == 0:
            where.append((worker, threading.get_ident()))

    for _ in range(20):
        parallel.run(work, 2, 2, key="first")
    assert set(where) == {(0, threading.get_ident())}
