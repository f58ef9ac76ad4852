"""Blocked, threaded elementwise updates: the engine of the fused optimizer kernels.

An update such as Adam is a dozen NumPy passes over the variable, its slots and the
gradient. Run over whole arrays, every pass streams them from memory again; here each
pass runs over one ``BLOCK``-element block of every array at a time, so the block's
data stays in the core's cache across the passes and a large variable is read from
memory about once per step. Blocks go to the kernel threads (``ops/parallel.py``).

Per call the engine hands the update function:

* the blocks of the flattened arrays (variable, slots, gradient), in the caller's order;
* ``scratch`` temporary blocks of the same length, one set per worker thread, taken from
  the session's buffer pool (so a step allocates nothing and a worker's scratch stays in
  its cache from block to block; a whole-array scratch would add one more array's worth
  of memory traffic);
* the hyperparameters as 0-d arrays of the variable's dtype: NumPy computes with them
  exactly as with the Python floats (which it casts to the array dtype), but a ufunc
  call with a 0-d array operand and a positional output costs about 0.17 us against
  0.48 us for ``np.multiply(a, 0.9, out=t)`` (measured here), and an update makes a
  dozen calls per block.

Every element sees the same operations in the same order whatever the blocking and the
thread count, so results are bitwise independent of both (which lets the chunking
depend on the thread count, see ``chunking``).

Example:
    >>> def gd(w, g, t, lr):          # w -= lr * g
    ...     np.multiply(g, lr, t)
    ...     np.subtract(w, t, w)
    >>> run(ctx, gd, (w,), g, (0.1,))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.ops import buffer_pool, jit, parallel

#: elements per block. The blocks of Adam's variable, two slots, gradient and scratch
#: (5 x 256 KiB in float32) share a core's 1 MiB L2 here; measured on the deep-MNIST fc1
#: update (3.2 M float32, one thread, CPU ms): 16 Ki 4.6, 32 Ki 4.0, 64 Ki 3.7-3.9,
#: 128 Ki 4.0, 256 Ki 4.0-4.4 (below 64 Ki the per-call overhead of ~12 ufunc calls
#: per block dominates)
BLOCK = 65536

#: the largest chunk of an update shared by several threads (see ``chunking``). Every
#: ufunc call re-takes the GIL, and a thread that finds it held sleeps until woken, so
#: threads want fewer, longer calls than the cache would. Adam, 2 threads, wall ms,
#: alternating in one process: 401 K elements (load 1.9) 64 Ki chunks 0.33, 128 Ki
#: 0.28, 256 Ki 0.29 (one thread in 64 Ki blocks: 0.39); 3.2 M (load 0.4) 64 Ki 2.5
#: (or 4.4 when sent solo), 128 Ki 2.5, 256 Ki 2.4-2.5, 512 Ki 2.7 (one thread 3.9-4.1)
THREAD_BLOCK = 131072
#: updates of fewer than ``workers * MIN_THREAD_CHUNK`` elements run in one thread:
#: RMSProp on 200 K elements took 0.17 ms wall in one thread or two (0.24 ms CPU in two);
#: re-measured in the autoencoder's step (op_cores, 2 runs each, alternating, load 1.4):
#: 96 Ki (two 100 K chunks) l0_w/l3_w 0.231/0.200 and 0.236/0.204 ms wall at 1.3 cores,
#: 128 Ki (one thread) 0.224/0.192 and 0.226/0.194 ms at 1.0
MIN_THREAD_CHUNK = 131072

#: after a threaded call in which the helper threads ran no chunk (no free core), the
#: update's next ``SOLO_CALLS`` calls use the one-thread blocks: the caller alone runs
#: 64 Ki blocks faster than the threads' larger chunks (Adam on 262 K elements, load
#: 3.3: 0.243 ms against 0.275 ms). Kept per update function *and size* (``_key``), as
#: is ``parallel.run``'s helpfulness: keyed by the function alone, one miss on any
#: variable (a helper late once on a 262 K chunk pair) sent every variable of that
#: optimizer solo, the 401 K one included. Only a call whose helpers were *offered*
#: chunks and took none counts: when ``parallel.run`` itself runs the call in the
#: caller (its own solo spell), counting it kept the two rules feeding each other —
#: ``parallel.run``'s spell only ends on its threaded calls, which this rule then
#: withheld — and the deep-MNIST fc1 update (3.2 M) stayed on one thread for good on a
#: quiet machine (3.64 ms at 1.00 cores, against 2.4-2.5 ms threaded)
SOLO_CALLS = 24
_solo: dict[tuple, int] = {}

#: compiled updates (``fused``) of fewer elements run in the calling thread, larger ones
#: in chunks of ``FUSED_CHUNK`` elements on the kernel threads
FUSED_THREAD_MIN = 1 << 19
FUSED_CHUNK = 1 << 18
#: distinct (update, size) keys kept before ``_solo`` starts afresh
_MAX_KEYS = 1024

_TAG = "trainkit.training.update_blocks"


def scalars_as(dtype: np.dtype, values: tuple) -> tuple:
    """``values`` as 0-d arrays of ``dtype`` (the form the update functions receive)."""
    return tuple(np.array(v, dtype) for v in values)


def _scratch(ctx: Any, count: int, shape: tuple, dtype: np.dtype, worker: int) -> tuple:
    """``count`` temporary arrays of ``shape`` for ``worker``."""
    size = dtype.itemsize * count
    for d in shape:
        size *= d
    if size < buffer_pool.MIN_BYTES:
        return tuple(np.empty(shape, dtype) for _ in range(count))
    buf = buffer_pool.session_pool(ctx).take((count,) + shape, dtype, tag=(_TAG, worker))
    return tuple(buf)


def run(ctx: Any, update: Callable, buffers: tuple, grad: Any, scalars: tuple,
        scratch: int = 1, fused: Any = None) -> None:
    """Calls ``update(*buffer_blocks, grad_block, *scratch_blocks, *scalars)`` over the
    blocks of the flattened ``buffers`` and ``grad``.

    Arrays below ``2 * BLOCK`` elements take one call over their whole length
    (unflattened, with scratch of their shape: no reshapes, no thread-count query). The
    update must write only the buffer blocks and its scratch, and must read a buffer
    block's old value before writing it, so a gradient that aliases a buffer (a
    variable fed as its own gradient) gives the whole-array result too.

    Args:
        ctx: the kernel context (for the session's buffer pool).
        update: the per-block update function.
        buffers: the variable and slot buffers (C-contiguous ndarrays, one size).
        grad: the gradient (the variable's shape).
        scalars: hyperparameters (Python or NumPy numbers), passed as 0-d arrays of the
            variable's dtype.
        scratch: how many temporary blocks ``update`` needs.
        fused: ``update``'s compiled one-pass twin (a ``jit.Loop`` over the flat
            buffers, the flat gradient and the scalars of the variable's dtype; see
            ``update_loops.py``), run instead of ``update`` when compiled loops are on.
    """
    b0 = buffers[0]
    dtype, n = b0.dtype, b0.size
    grad = np.asarray(grad)
    if fused is not None and jit.enabled() and all(b.flags.c_contiguous for b in buffers):
        _run_fused(fused, buffers, grad, tuple(dtype.type(s) for s in scalars))
        return
    sc = scalars_as(dtype, scalars)
    if n < 2 * BLOCK and n < 2 * MIN_THREAD_CHUNK:  # one call whatever the threads
        update(*buffers, grad, *_scratch(ctx, scratch, b0.shape, dtype, 0), *sc)
        return
    if not all(b.flags.c_contiguous for b in buffers):  # pragma: no cover - session
        # buffers are contiguous; a strided one would make reshape(-1) a copy
        update(*buffers, grad, *_scratch(ctx, scratch, b0.shape, dtype, 0), *sc)
        return
    flat = [b.reshape(-1) for b in buffers]
    flat.append(grad.reshape(-1))  # a copy only for a strided gradient
    workers = parallel.kernel_threads()
    key = _key(update, n)
    if workers > 1 and _solo.get(key, 0) > 0:
        _solo[key] -= 1
        workers = 1
    size, chunks, workers = chunking(n, workers)
    if chunks == 1:
        update(*flat, *_scratch(ctx, scratch, (n,), dtype, 0), *sc)
        return
    tmp = [_scratch(ctx, scratch, (size,), dtype, w) for w in range(workers)]
    last = n - (chunks - 1) * size
    helped = [0]

    def work(i: int, worker: int) -> None:
        s = i * size
        if i < chunks - 1:
            update(*[f[s:s + size] for f in flat], *tmp[worker], *sc)
        else:
            update(*[f[s:] for f in flat], *[t[:last] for t in tmp[worker]], *sc)
        if worker:
            helped[0] += 1

    offered = parallel.run(work, chunks, threads=workers, key=key)
    if offered and not helped[0]:
        if key not in _solo and len(_solo) >= _MAX_KEYS:  # e.g. many sizes: start afresh
            _solo.clear()
        _solo[key] = SOLO_CALLS


def _run_fused(fused: Any, buffers: tuple, grad: np.ndarray, scalars: tuple) -> None:
    """Runs a compiled update over the flat arrays: in the calling thread below
    ``FUSED_THREAD_MIN`` elements, else in ``FUSED_CHUNK``-element chunks on the kernel
    threads (the loop releases the GIL; each element is updated once, by whichever
    thread, so results do not depend on the threads)."""
    flat = [b.reshape(-1) for b in buffers]
    flat.append(np.ascontiguousarray(grad.reshape(-1)))  # a copy only for a strided one
    n = flat[0].shape[0]
    if n < FUSED_THREAD_MIN or parallel.kernel_threads() <= 1:
        fused(*flat, *scalars)
        return
    chunks = -(-n // FUSED_CHUNK)

    def work(i: int, worker: int) -> None:
        s = i * FUSED_CHUNK
        e = min(n, s + FUSED_CHUNK)
        fused(*[f[s:e] for f in flat], *scalars)

    parallel.run(work, chunks, key=(fused, n))


def _key(update: Callable, n: int) -> tuple:
    """The key of an update's helper statistics: the function and the element count
    (the count fixes the chunking, so variables of one size behave alike)."""
    return (update, n)


def chunking(n: int, workers: int) -> tuple[int, int, int]:
    """(elements per chunk, chunks, threads to use) for an update of ``n`` elements with
    ``workers`` kernel threads. Threads are used only when each gets at least
    ``MIN_THREAD_CHUNK`` elements: then every thread gets the same number of chunks of at
    most ``THREAD_BLOCK`` elements (a multiple of 64). Otherwise one thread runs
    ``BLOCK``-element blocks (one call below ``2 * BLOCK``)."""
    if workers <= 1 or n < workers * MIN_THREAD_CHUNK:
        if n < 2 * BLOCK:
            return n, 1, 1
        return BLOCK, -(-n // BLOCK), 1
    rounds = -(-n // (workers * THREAD_BLOCK))
    size = -(-n // (workers * rounds))
    size = -(-size // 64) * 64
    chunks = -(-n // size)
    return size, chunks, min(workers, chunks)


__all__ = ["BLOCK", "THREAD_BLOCK", "MIN_THREAD_CHUNK", "chunking", "run", "scalars_as"]
