"""``LSTMSequence``: a whole LSTM sequence as one op (modelled on TF's ``BlockLSTM``).

``static_rnn`` and ``dynamic_rnn`` use it for a ``BasicLSTMCell`` or ``LSTMCell`` (tanh,
no projection): the steps then run in one kernel call instead of one op (or one loop
iteration) per step, with the same per-step arithmetic as ``LSTMBlock``
(``lstm_block.step_forward``). With ``sequence_length`` a row past its length keeps its
state and outputs zeros (per-step masks; its gradients pass through). What changes:

* the input half of every step's product, ``x_t @ w[:D]``, is one large product over
  all steps before the recurrence (each step multiplies only ``h_prev @ w[D:]``);
* the batch rows are cut into fixed chunks (by shape: 2 for 32-127 rows, 4 from 128,
  1 below 32). Every step multiplies ``h_prev @ w[D:]`` chunk by chunk, so with several
  kernel threads (``ops/parallel.py``) each thread runs whole chunks through all the
  steps, one synchronisation per sequence instead of one per step, and the results
  are bitwise the same for any number of threads;
* the gradient op computes the factors that do not depend on the recurrence for all
  steps at once (``o (1 - o) tanh(cs)``, ...; each step is then ~8 NumPy calls instead
  of ~24), runs the steps backwards chunk by chunk the same way and returns the gate gradients
  of all steps, ``dicfo [T, B, 4N]`` and ``xh = [x_t, h_{t-1}]`` as ``[T * B, D + H]``:
  ``dw = xh^T dicfo`` and ``db`` are then one product and one column sum, and ``dx`` a
  product the plan prunes when no one needs it (``autodiff/rnn_grad.py``).

Inputs: ``x [T, B, D]`` (time-major), ``cs0 [B, N]``, ``h0 [B, N]``, ``w [D + N, 4N]``,
``b [4N]`` (+ ``wci, wcf, wco [N]``). Outputs: ``i, cs, f, o, ci, co, h`` (each
``[T, B, N]``), then the final ``cs`` and ``h`` (``[B, N]``; the initial ones for
``T = 0``). Only ``cs``, ``h`` and the final states may receive gradients.

Example:
    >>> cs, h, cs_last, h_last = lstm_sequence(x_tbd, c0, h0, kernel, bias)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import parallel
from trainkit.ops.elementwise import quiet
from trainkit.ops.matmul_ops import product
from trainkit.ops.op_util import make_op
from trainkit.ops.rnn.lstm_block import FLOATS, peephole_grads, step_forward


def lstm_sequence(x: Any, cs0: Any, h0: Any, w: Any, b: Any, wci: Any = None,
                  wcf: Any = None, wco: Any = None, forget_bias: float = 1.0,
                  cell_clip: float | None = None, sequence_length: Any = None,
                  name: str | None = None) -> list[Tensor]:
    """An LSTM over the time-major ``x``; returns ``[cs, outputs, cs_last, h_last]``.

    With ``sequence_length`` (int32 ``[B]``), row ``b`` past step ``length[b]`` gets zero
    outputs and keeps its state (TF1's ``static_rnn`` / ``dynamic_rnn`` semantics).

    Raises:
        TypeError: for mixed or non-float dtypes.
        ValueError: for only some peephole weights, or inconsistent static shapes.
    """
    ins = [conversion.convert_to_tensor(t) for t in (x, cs0, h0, w, b)]
    peep = [p for p in (wci, wcf, wco) if p is not None]
    if len(peep) not in (0, 3):
        raise ValueError("lstm_sequence: give all three peephole weights or none.")
    ins += [conversion.convert_to_tensor(p) for p in peep]
    dtype = ins[0].dtype
    if any(t.dtype is not dtype for t in ins) or dtype.name not in FLOATS:
        raise TypeError(f"lstm_sequence: every input must have one float dtype, got "
                        f"{[t.dtype.name for t in ins]}.")
    attrs = {"forget_bias": float(forget_bias), "use_peephole": bool(peep),
             "cell_clip": -1.0 if cell_clip is None else float(cell_clip),
             "has_lengths": sequence_length is not None}
    if sequence_length is not None:
        ins.append(conversion.convert_to_tensor(sequence_length))
    op = make_op("LSTMSequence", ins, [dtype] * 10, name=name or "LSTMSequence", attrs=attrs)
    return [op.outputs[1], op.outputs[9], op.outputs[7], op.outputs[8]]


def _split_rest(attrs: dict, rest: tuple) -> tuple[tuple, Any]:
    """``(peephole weights, lengths or None)`` from a kernel's trailing inputs."""
    peep = tuple(rest[:3]) if attrs["use_peephole"] else ()
    return peep, (rest[-1] if attrs["has_lengths"] else None)


def _live(lengths: Any, steps: int, rows: int, dt: np.dtype) -> tuple[Any, Any]:
    """``(live, dead)`` ``[T, B, 1]`` masks (1 where ``t < length``, as ``dt``; None
    without lengths)."""
    if lengths is None:
        return None, None
    lens = np.asarray(lengths).reshape(-1)
    if lens.shape != (rows,):
        raise errors.InvalidArgumentError(
            None, None, f"LSTMSequence: sequence_length must have {rows} entries, got "
                        f"{list(np.shape(lengths))}")
    live = (np.arange(steps)[:, None] < lens[None, :]).astype(dt)[:, :, None]
    return live, 1 - live


@registry.register_shape("LSTMSequence")
def _shape(op: Operation) -> list[TensorShape]:
    x, cs0, h0, w = (t.shape for t in op.inputs[:4])
    if x.ndims not in (None, 3) or w.ndims not in (None, 2):
        raise ValueError(f"LSTMSequence '{op.name}': x must be [time, batch, depth] and w "
                         f"a matrix, got {x} and {w}.")
    t, batch = (x[0], x[1]) if x.ndims else (None, None)
    n = cs0[1] if cs0.ndims else None
    if batch is None and cs0.ndims:
        batch = cs0[0]
    if n is not None and h0.ndims and h0[1] is not None and h0[1] != n:
        raise ValueError(f"LSTMSequence '{op.name}': h0 must have {n} columns (no "
                         "projection), got {h0}.")
    seq = TensorShape([t, batch, n])
    return [seq] * 7 + [TensorShape([batch, n])] * 2 + [seq]


def row_chunks(rows: int) -> list[int]:
    """Chunk boundaries of the batch rows (fixed by the row count alone)."""
    parts = 1 if rows < 32 else 2 if rows < 128 else 4
    return [rows * k // parts for k in range(parts)] + [rows]


def _check(x: np.ndarray, cs0: np.ndarray, h0: np.ndarray, w: np.ndarray,
           b: np.ndarray) -> None:
    ok = (x.ndim == 3 and cs0.ndim == 2 and h0.shape == cs0.shape and w.ndim == 2
          and x.shape[1] == cs0.shape[0] and w.shape == (x.shape[2] + cs0.shape[1],
                                                         4 * cs0.shape[1])
          and b.shape == (w.shape[1],))
    if not ok:
        raise errors.InvalidArgumentError(
            None, None, f"LSTMSequence: inconsistent shapes x {list(x.shape)}, cs0 "
                        f"{list(cs0.shape)}, h0 {list(h0.shape)}, w {list(w.shape)}, b "
                        f"{list(b.shape)}")


@registry.register_kernel("LSTMSequence")
@quiet
def _lstm_sequence(ctx: registry.KernelContext, x: Any, cs0: Any, h0: Any, w: Any, b: Any,
                   *rest: Any) -> tuple:
    _check(x, cs0, h0, w, b)
    peep, lengths = _split_rest(ctx.attrs, rest)
    steps, rows, depth = x.shape
    n = cs0.shape[1]
    dt = w.dtype
    fb, clip = ctx.attrs["forget_bias"], ctx.attrs["cell_clip"]
    # the input half of every step's product at once; z[t] = that + b + h_{t-1} w[D:]
    z = product(np.ascontiguousarray(x).reshape(steps * rows, depth), w[:depth])
    z = z.reshape(steps, rows, 4 * n)
    np.add(z, b, out=z)
    if fb:
        np.add(z[..., 2 * n:3 * n], dt.type(fb), out=z[..., 2 * n:3 * n])
    ci, cs, co, h = (np.empty((steps, rows, n), dt) for _ in range(4))
    live, dead = _live(lengths, steps, rows, dt)
    dead_b = None if dead is None else dead.astype(bool)
    out = h if live is None else np.empty_like(h)  # the outputs: zeros past the end
    # (h_prev w[D:])^T = w[D:]^T h_prev^T: OpenBLAS multiplies a few rows faster this way
    w_ht = np.ascontiguousarray(w[depth:].T)
    cuts = row_chunks(rows)
    rec = [np.empty((4 * n, e - a), dt) for a, e in zip(cuts[:-1], cuts[1:])]

    def run(ks: list[int]) -> None:
        """Steps 0..T-1 for the rows of chunks ``ks`` (consecutive)."""
        lo, hi = cuts[ks[0]], cuts[ks[-1] + 1]
        for t in range(steps):
            c_prev = cs0[lo:hi] if t == 0 else cs[t - 1, lo:hi]
            h_prev = h0 if t == 0 else h[t - 1]
            for k in ks:
                a, e = cuts[k], cuts[k + 1]
                np.matmul(w_ht, h_prev[a:e].T, out=rec[k])
                np.add(z[t, a:e], rec[k].T, out=z[t, a:e])
            step_forward(z[t, lo:hi], c_prev, peep, 0.0, clip, ci[t, lo:hi], cs[t, lo:hi],
                         co[t, lo:hi], h[t, lo:hi])
            if live is not None:  # past its length a row keeps its state
                keep = dead_b[t, lo:hi]
                np.copyto(cs[t, lo:hi], c_prev, where=keep)
                np.copyto(h[t, lo:hi], h_prev[lo:hi], where=keep)
                np.multiply(h[t, lo:hi], live[t, lo:hi], out=out[t, lo:hi])

    _run_chunks(run, cuts)
    last_c = cs0.copy() if steps == 0 else cs[-1]
    last_h = h0.copy() if steps == 0 else h[-1]
    return (z[..., :n], cs, z[..., 2 * n:3 * n], z[..., 3 * n:], ci, co, h, last_c, last_h,
            out)


def _run_chunks(run: Any, cuts: list[int]) -> None:
    """``run(chunks)``: all chunks in one pass (each step's elementwise work on all rows,
    products chunk by chunk) with one kernel thread, else each chunk through all steps
    on the kernel threads."""
    chunks = len(cuts) - 1
    if chunks == 1 or parallel.kernel_threads() == 1:
        run(list(range(chunks)))
        return

    def work(k: int, worker: int) -> None:
        run([k])

    parallel.run(work, chunks)


def lstm_sequence_grad(op: Operation, cs_grad: Tensor, h_grad: Tensor, cs_last_grad: Tensor,
                       h_last_grad: Tensor) -> list[Tensor]:
    """``[cs0_grad, h0_grad, dicfo [T, B, 4N], xh [T*B, D+N]]`` (+ the three peephole
    gradients) of the ``LSTMSequence`` op ``op``."""
    x, cs0, h0, w = op.inputs[:4]
    i, cs, f, o, ci, co, h = op.outputs[:7]
    ins = [x, cs0, h0, w, i, cs, f, o, ci, co, h, cs_grad, h_grad, cs_last_grad,
           h_last_grad] + list(op.inputs[5:])
    t, batch = (x.shape[0], x.shape[1]) if x.shape.ndims else (None, None)
    n = cs0.shape[1] if cs0.shape.ndims else None
    d = x.shape[2] if x.shape.ndims else None
    shapes = [cs0.shape, h0.shape,
              TensorShape([t, batch, None if n is None else 4 * n]),
              TensorShape([None if None in (t, batch) else t * batch,
                           None if None in (d, n) else d + n])]
    shapes += [TensorShape([n])] * (3 if op.attrs["use_peephole"] else 0)
    g = make_op("LSTMSequenceGrad", ins, [x.dtype] * len(shapes), name="LSTMSequenceGrad",
                attrs=dict(op.attrs), shapes=shapes)
    return list(g.outputs)


@registry.register_kernel("LSTMSequenceGrad")
@quiet
def _lstm_sequence_grad(ctx: registry.KernelContext, x: Any, cs0: Any, h0: Any, w: Any,
                        i: Any, cs: Any, f: Any, o: Any, ci: Any, co: Any, h: Any,
                        cs_grad: Any, h_grad: Any, cs_last_grad: Any, h_last_grad: Any,
                        *rest: Any) -> tuple:
    """``h_grad`` is the gradient of the outputs (zeros past a row's length)."""
    peep, lengths = _split_rest(ctx.attrs, rest)
    steps, rows, depth = x.shape
    n = cs0.shape[1]
    dt = cs0.dtype
    one = dt.type(1)
    clip = ctx.attrs["cell_clip"]
    dicfo = np.empty((steps, rows, 4 * n), dt)
    live, dead = _live(lengths, steps, rows, dt)
    live_b = None if live is None else live.astype(bool)
    dc = np.array(np.broadcast_to(cs_last_grad, cs0.shape), dt)  # d cs_t (steps after t)
    dh = np.array(np.broadcast_to(h_last_grad, cs0.shape), dt)
    cs_prev = np.empty_like(cs)
    if steps:
        cs_prev[0] = cs0
        cs_prev[1:] = cs[:-1]
    # per step: do = dh * a;  dcs = (dc + dh * bc) [* mask];  [di, dj, df] = dcs * c
    a, bc = np.empty_like(cs), np.empty_like(cs)
    c = np.empty((steps, rows, 3, n), dt)
    mask = np.empty_like(cs) if clip > 0 else None
    w_h = w[depth:]
    cuts = row_chunks(rows)
    dh_t = [np.empty((n, e - a), dt) for a, e in zip(cuts[:-1], cuts[1:])]

    def precompute(r: slice) -> None:
        """The factors that do not depend on the recurrence, for rows ``r``, all steps
        at once (one NumPy call per factor instead of one per step)."""
        o_, co_, i_, ci_, f_ = o[:, r], co[:, r], i[:, r], ci[:, r], f[:, r]
        t = np.subtract(one, o_)
        t *= o_
        np.multiply(co_, t, out=a[:, r])
        np.multiply(co_, co_, out=t)
        np.subtract(one, t, out=t)
        np.multiply(o_, t, out=bc[:, r])
        np.subtract(one, i_, out=t)
        t *= i_
        np.multiply(ci_, t, out=c[:, r, 0])
        np.multiply(ci_, ci_, out=t)
        np.subtract(one, t, out=t)
        np.multiply(i_, t, out=c[:, r, 1])
        np.subtract(one, f_, out=t)
        t *= f_
        np.multiply(cs_prev[:, r], t, out=c[:, r, 2])
        if mask is not None:
            np.abs(cs[:, r], out=t)
            np.less(t, dt.type(clip), out=mask[:, r])

    def run(ks: list[int]) -> None:
        lo, hi = cuts[ks[0]], cuts[ks[-1] + 1]
        r = slice(lo, hi)
        precompute(r)
        dh_, dc_ = dh[r], dc[r]
        for t in range(steps - 1, -1, -1):
            if h_grad.ndim:
                dh_ += h_grad[t, r] if live is None else h_grad[t, r] * live[t, r]
            if cs_grad.ndim:
                dc_ += cs_grad[t, r]
            g = dicfo[t, r]
            do = g[:, 3 * n:]
            np.multiply(dh_, a[t, r], out=do)
            dcs = np.multiply(dh_, bc[t, r])
            dcs += dc_
            if peep:
                dcs += do * peep[2]
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
                dc_ += g[:, :n] * peep[0]
                dc_ += g[:, 2 * n:3 * n] * peep[1]
            for k in ks:  # dh = dicfo w[D:]^T, as (w[D:] dicfo^T)^T (see the forward)
                r0, r1 = cuts[k], cuts[k + 1]
                np.matmul(w_h, dicfo[t, r0:r1].T, out=dh_t[k])
                np.copyto(dh[r0:r1], dh_t[k].T)
            if live is not None:
                dh_ += keep_h

    _run_chunks(run, cuts)
    xh = np.empty((steps, rows, depth + n), dt)
    xh[:, :, :depth] = x
    if steps:
        xh[0, :, depth:] = h0
        xh[1:, :, depth:] = h[:-1]
    out = (dc, dh, dicfo, xh.reshape(steps * rows, depth + n))
    if not peep:
        return out
    return out + peephole_grads(dicfo, cs_prev, cs)


__all__ = ["lstm_sequence", "lstm_sequence_grad", "row_chunks"]
