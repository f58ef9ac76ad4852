"""``LSTMSequenceGrad``: the gradient of a whole ``LSTMSequence`` (``lstm_sequence.py``).

Three stages (``seq_stages.py``), block by block of time steps from the last:

1. the factors that do not depend on the recurrence (``o (1 - o) tanh(cs)``, ...), for
   all steps of a block at once (each step is then ~8 NumPy calls instead of ~24), as
   side work (``seq_stages.SideWork``): the recurrence makes a block's factors itself
   when no thread has taken them, so it waits only for a thread that is running;
2. the recurrence backwards, chunk of rows by chunk, writing the gate pre-activation
   gradients ``dicfo [T, B, 4N]``;
3. the weight and bias gradients of every finished block, summed over the blocks from
   the last: ``dw += [x_t, h_{t-1}]^T dicfo`` (through ``ops.gemm``: ONNX Runtime's
   MLAS when large, the same bits on any thread; so are the per-step ``dh`` products),
   ``db += column sums of dicfo``.

With several kernel threads stages 1 and 3 overlap the recurrence (they are mostly
large products and whole-block NumPy calls, so they hold the GIL little); the recurrence
is handed out first, so the calling thread runs it (``parallel.run`` gives chunk 0 to
the caller) and a helper on a core another process keeps busy never holds the
critical path, and the
thread that finishes the recurrence takes the next blocks of stage 3 (each block's
product is added in block order whichever thread made it). The blocks are fixed by the
shape, so the results are bitwise the same for any thread count.
Outputs: ``d cs0, d h0, dicfo, dw [D + N, 4N], db [4N]`` (+ the three peephole
gradients); ``dx = dicfo w[:D]^T`` is an ordinary product in the gradient rule
(``autodiff/rnn_grad.py``) that the plan prunes when no one reads it.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import gemm, jit, parallel
from trainkit.ops.elementwise import quiet
from trainkit.ops.op_util import make_op
from trainkit.ops.rnn.lstm_block import peephole_grads
from trainkit.ops.rnn.seq_stages import (
    Progress,
    SideWork,
    live_masks,
    previous,
    row_chunks,
    run_stages,
    split_rest,
    time_blocks,
)


def lstm_sequence_grad(op: Operation, cs_grad: Tensor, h_grad: Tensor, cs_last_grad: Tensor,
                       h_last_grad: Tensor) -> list[Tensor]:
    """``[cs0_grad, h0_grad, dicfo [T, B, 4N], w_grad, b_grad]`` (+ the three peephole
    gradients) of the ``LSTMSequence`` op ``op``."""
    x, cs0, h0, w, b = op.inputs[:5]
    i, cs, f, o, ci, co, h = op.outputs[:7]
    ins = [x, cs0, h0, w, i, cs, f, o, ci, co, h, cs_grad, h_grad, cs_last_grad,
           h_last_grad] + list(op.inputs[5:])
    t, batch = (x.shape[0], x.shape[1]) if x.shape.ndims else (None, None)
    n = cs0.shape[1] if cs0.shape.ndims else None
    shapes = [cs0.shape, h0.shape, TensorShape([t, batch, None if n is None else 4 * n]),
              w.shape, b.shape]
    shapes += [TensorShape([n])] * (3 if op.attrs["use_peephole"] else 0)
    g = make_op("LSTMSequenceGrad", ins, [x.dtype] * len(shapes), name="LSTMSequenceGrad",
                attrs=dict(op.attrs), shapes=shapes)
    return list(g.outputs)


def _column_sum(g: np.ndarray) -> np.ndarray:
    """``g [rows, C]`` summed over its rows (a BLAS vector product for float32/64, as
    ``BiasAddGrad``)."""
    if g.dtype.itemsize >= 4:
        return np.ones(g.shape[0], g.dtype) @ g
    return np.sum(g, axis=0, dtype=g.dtype)


@jit.loop
def _factors(o, co, i, ci, f, cs_prev, cs, clip, a, bc, c, mask, one, zero):  # noqa: ANN001, ANN201
    """The recurrence-free factors of a block of steps in one compiled pass (the NumPy
    path makes 17): ``a = co ((1 - o) o)``, ``bc = o (1 - co^2)``, ``c = [ci ((1 - i) i),
    i (1 - ci^2), cs_prev ((1 - f) f)]`` and, when ``clip > 0``, ``mask = |cs| < clip``
    (``one`` or ``zero``: 1 and 0 in the float dtype)."""
    for t in range(o.shape[0]):
        for r in range(o.shape[1]):
            for k in range(o.shape[2]):
                ov, cov, iv, civ, fv = o[t, r, k], co[t, r, k], i[t, r, k], ci[t, r, k], f[t, r, k]
                a[t, r, k] = cov * ((one - ov) * ov)
                bc[t, r, k] = ov * (one - cov * cov)
                c[t, r, 0, k] = civ * ((one - iv) * iv)
                c[t, r, 1, k] = iv * (one - civ * civ)
                c[t, r, 2, k] = cs_prev[t, r, k] * ((one - fv) * fv)
                if clip > 0:
                    mask[t, r, k] = one if abs(cs[t, r, k]) < clip else zero


@jit.loop
def _cell_step(dh, dc, a, bc, c, mask, masked, f, g):  # noqa: ANN001, ANN201 - compiled
    """One step of the recurrence's elementwise work in one pass (the NumPy path makes
    five calls): ``do = dh a``, ``dcs = (dh bc + dc) [* mask]``, ``[di, dj, df] = dcs
    c``, into ``g = dicfo[t]``; then ``dc = dcs f``."""
    n = dh.shape[1]
    for r in range(dh.shape[0]):
        for k in range(n):
            d = dh[r, k]
            g[r, 3 * n + k] = d * a[r, k]
            dcs = d * bc[r, k] + dc[r, k]
            if masked:
                dcs = dcs * mask[r, k]
            g[r, k] = dcs * c[r, 0, k]
            g[r, n + k] = dcs * c[r, 1, k]
            g[r, 2 * n + k] = dcs * c[r, 2, k]
            dc[r, k] = dcs * f[r, k]


@registry.register_kernel("LSTMSequenceGrad")
@quiet
def _lstm_sequence_grad(ctx: registry.KernelContext, x: Any, cs0: Any, h0: Any, w: Any,
                        i: Any, cs: Any, f: Any, o: Any, ci: Any, co: Any, h: Any,
                        cs_grad: Any, h_grad: Any, cs_last_grad: Any, h_last_grad: Any,
                        *rest: Any) -> tuple:
    """``h_grad`` is the gradient of the outputs (zeros past a row's length)."""
    peep, lengths = split_rest(ctx.attrs, rest)
    steps, rows, depth = x.shape
    n = cs0.shape[1]
    dt = cs0.dtype
    one = dt.type(1)
    clip = ctx.attrs["cell_clip"]
    dicfo = np.empty((steps, rows, 4 * n), dt)
    live, dead = live_masks(lengths, steps, rows, dt)
    live_b = None if live is None else live.astype(bool)
    dc = np.array(np.broadcast_to(cs_last_grad, cs0.shape), dt)  # d cs_t (steps after t)
    dh = np.array(np.broadcast_to(h_last_grad, cs0.shape), dt)
    # per step: do = dh * a;  dcs = (dc + dh * bc) [* mask];  [di, dj, df] = dcs * c
    a, bc = np.empty_like(cs), np.empty_like(cs)
    c = np.empty((steps, rows, 3, n), dt)
    mask = np.empty_like(cs) if clip > 0 else None
    w_h = w[depth:]
    cuts, tb = row_chunks(rows), time_blocks(steps, rows)
    blocks = len(tb) - 1
    dh_t = [np.empty((n, e - a), dt) for a, e in zip(cuts[:-1], cuts[1:])]
    gates = Progress(blocks, len(cuts) - 1)

    def precompute(k: int) -> None:
        """The factors of block ``k`` that do not depend on the recurrence (one NumPy
        call per factor and block instead of one per step)."""
        r = slice(tb[k], tb[k + 1])
        o_, co_, i_, ci_, f_ = o[r], co[r], i[r], ci[r], f[r]
        if jit.enabled():
            _factors(o_, co_, i_, ci_, f_, previous(cs, cs0, tb[k], tb[k + 1]), cs[r],
                     dt.type(clip), a[r], bc[r], c[r], a[r] if mask is None else mask[r],
                     one, dt.type(0))
            return
        t = np.subtract(one, o_)
        t *= o_
        np.multiply(co_, t, out=a[r])
        np.multiply(co_, co_, out=t)
        np.subtract(one, t, out=t)
        np.multiply(o_, t, out=bc[r])
        np.subtract(one, i_, out=t)
        t *= i_
        np.multiply(ci_, t, out=c[r, :, 0])
        np.multiply(ci_, ci_, out=t)
        np.subtract(one, t, out=t)
        np.multiply(i_, t, out=c[r, :, 1])
        np.subtract(one, f_, out=t)
        t *= f_
        np.multiply(previous(cs, cs0, tb[k], tb[k + 1]), t, out=c[r, :, 2])
        if mask is not None:
            np.abs(cs[r], out=t)
            np.less(t, dt.type(clip), out=mask[r])

    # the factors, block by block from the last: a stage before the recurrence makes
    # them ahead of it, and the recurrence makes a block's itself if no thread has
    # taken it (it never waits for a thread the OS descheduled before it began)
    factors = SideWork([lambda k=k: precompute(k) for k in range(blocks - 1, -1, -1)])

    fused_step = jit.enabled() and not peep and live is None

    def run(ks: list[int]) -> None:
        lo, hi = cuts[ks[0]], cuts[ks[-1] + 1]
        r = slice(lo, hi)
        dh_, dc_ = dh[r], dc[r]
        dcs, tmp = np.empty((2, hi - lo, n), dt)  # per-step scratch (no allocations)
        block = blocks - 1
        for t in range(steps - 1, -1, -1):
            if t == tb[block + 1] - 1 and not factors.need(blocks - 1 - block):
                return
            if h_grad.ndim:
                dh_ += h_grad[t, r] if live is None else h_grad[t, r] * live[t, r]
            if cs_grad.ndim:
                dc_ += cs_grad[t, r]
            g = dicfo[t, r]
            if fused_step:
                _cell_step(dh_, dc_, a[t, r], bc[t, r], c[t, r],
                           a[t, r] if mask is None else mask[t, r], mask is not None,
                           f[t, r], g)
                for k in ks:  # dh = dicfo w[D:]^T, as (w[D:] dicfo^T)^T
                    r0, r1 = cuts[k], cuts[k + 1]
                    gemm.matmul(w_h, dicfo[t, r0:r1], transpose_b=True, out=dh_t[k])
                    np.copyto(dh[r0:r1], dh_t[k].T)
                if t == tb[block]:
                    gates.done(block, len(ks))
                    block -= 1
                continue
            do = g[:, 3 * n:]
            np.multiply(dh_, a[t, r], out=do)
            np.multiply(dh_, bc[t, r], out=dcs)
            dcs += dc_
            if peep:
                dcs += np.multiply(do, peep[2], out=tmp)
            if mask is not None:
                dcs *= mask[t, r]
            np.multiply(dcs[:, None, :], c[t, r], out=g.reshape(hi - lo, 4, n)[:, :3])
            if live is None:
                np.multiply(dcs, f[t, r], out=dc_)
            else:  # a row past its length passed its state through: so do the gradients
                g *= live[t, r]
                np.copyto(dc_, dcs * f[t, r], where=live_b[t, r])
                keep_h = dh_ * dead[t, r]
            if peep:
                dc_ += np.multiply(g[:, :n], peep[0], out=tmp)
                dc_ += np.multiply(g[:, 2 * n:3 * n], peep[1], out=tmp)
            for k in ks:  # dh = dicfo w[D:]^T, as (w[D:] dicfo^T)^T (see the forward)
                r0, r1 = cuts[k], cuts[k + 1]
                gemm.matmul(w_h, dicfo[t, r0:r1], transpose_b=True, out=dh_t[k])
                np.copyto(dh[r0:r1], dh_t[k].T)
            if live is not None:
                dh_ += keep_h
            if t == tb[block]:
                gates.done(block, len(ks))
                block -= 1

    dw = np.zeros(w.shape, dt)
    db = np.zeros(4 * n, dt)
    units = itertools.count()          # block ``blocks - 1 - j`` is unit ``j``
    added = Progress(blocks)           # unit j's product is in dw (in unit order)

    def weights() -> None:
        """Units of ``dw`` and ``db`` (a block whose gates are done), pulled in order
        from the last block; two such stages share the units, but each adds its
        product to ``dw`` only after the unit before it, so the sum's order is fixed."""
        for j in units:
            if j >= blocks:
                return
            k = blocks - 1 - j
            if not gates.wait(k):
                return
            g = dicfo[tb[k]:tb[k + 1]].reshape(-1, 4 * n)
            part = np.empty_like(dw)
            # (a block of a transposed x is copied here, by the thread that needs it;
            # ``gemm`` reads the transposed blocks as they are, ``transA``)
            gemm.matmul(x[tb[k]:tb[k + 1]].reshape(-1, depth), g, transpose_a=True,
                        out=part[:depth])
            hp = previous(h, h0, tb[k], tb[k + 1]).reshape(-1, n)
            gemm.matmul(hp, g, transpose_a=True, out=part[depth:])
            sums = _column_sum(g)
            if j and not added.wait(j - 1):
                return
            np.add(dw, part, out=dw)
            np.add(db, sums, out=db)
            added.done(j)

    chunks = list(range(len(cuts) - 1))
    progress = [factors, gates, added]
    if parallel.kernel_threads() == 1:  # each step's elementwise work on all rows at once
        run_stages([factors.finish, lambda: run(chunks), weights], progress,
                   key="LSTMSequenceGrad")
    else:  # the recurrences first (the first on the calling thread, whose core it
        # has: on a helper, a core taken by another process stretched the critical path
        # while the caller waited in ``weights``); the factors ahead of them on whichever
        # thread is free, and the thread that finishes its stage joins the weight products
        run_stages([lambda k=k: run([k]) for k in chunks]
                   + [factors.finish, weights, weights], progress, key="LSTMSequenceGrad")
    out = (dc, dh, dicfo, dw, db)
    if not peep:
        return out
    return out + peephole_grads(dicfo, previous(cs, cs0, 0, steps), cs)


__all__ = ["lstm_sequence_grad"]
