"""``LSTMSequence``: a whole LSTM sequence as one op (modelled on TF's ``BlockLSTM``).

``static_rnn`` and ``dynamic_rnn`` use it for a ``BasicLSTMCell`` or ``LSTMCell`` (tanh,
no projection): the steps then run in one kernel call instead of one op (or one loop
iteration) per step, with the per-step equations of ``LSTMBlock`` (values within a few
ulp of it: see below). With ``sequence_length`` a row past its length keeps its
state and outputs zeros (per-step masks; its gradients pass through). What changes:

* the input half of every step's product, ``x_t @ w[:D] + b``, is computed for blocks
  of time steps (``seq_stages.time_blocks``) as side work beside the recurrence (each
  step multiplies only ``h_prev @ w[D:]``; the recurrence makes a block's products
  itself when no other thread has taken them yet); every product goes through
  ``ops.gemm`` (ONNX Runtime's MLAS when large: on this machine also the per-step
  32x128 @ 128x512, 52 -> 28 us CPU, on the recurrence's critical path);
* the gate columns are reordered ``j, i, f, o`` with ``i, f, o`` halved (exact), so one
  ``tanh`` over a step's ``z`` makes all four gates (``sigmoid(v) = (tanh(v / 2) + 1) /
  2``: ~1 ulp from the ``Sigmoid`` kernel's ``1 / (1 + exp(-v))``, fewer NumPy calls);
* the batch rows are cut into fixed chunks only from 128 rows (``row_chunks``): smaller
  chunks on two threads mostly wait for each other's GIL (see ``seq_stages.py``); with
  several kernel threads the stages overlap, and the results are bitwise the same for
  any number of threads;
* the gradient op (``lstm_sequence_grad.py``) computes the recurrence-free factors, the
  recurrence and the weight and bias gradients as stages block by block, and returns
  ``dicfo [T, B, 4N]``, ``dw`` and ``db``; ``dx = dicfo w[:D]^T`` is a product the plan
  prunes when no one needs it (``autodiff/rnn_grad.py``).

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
from trainkit.ops import gemm, jit, parallel
from trainkit.ops.elementwise import quiet
from trainkit.ops.op_util import make_op
from trainkit.ops.rnn.lstm_block import FLOATS
from trainkit.ops.rnn.seq_stages import (
    SideWork,
    live_masks,
    row_chunks,
    run_stages,
    split_rest,
    time_blocks,
)


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



def _gates_first_j(a: np.ndarray, n: int, forget_bias: float = 0.0) -> np.ndarray:
    """The gate columns of ``a`` (``w`` or ``b``; ``i, j, f, o``) reordered to ``j, i, f,
    o`` with ``i, f, o`` halved (exact in binary floating point), plus the forget bias
    (then halved too): the kernel's ``z`` is then ``[z_j, z_i / 2, z_f / 2, z_o / 2]``,
    one ``tanh`` makes all four gates (``sigmoid(v) = (tanh(v / 2) + 1) / 2``)."""
    dt = a.dtype.type
    out = np.empty(a.shape, a.dtype)
    out[..., :n] = a[..., n:2 * n]
    np.multiply(a[..., :n], dt(0.5), out=out[..., n:2 * n])
    f = a[..., 2 * n:3 * n] + dt(forget_bias) if forget_bias else a[..., 2 * n:3 * n]
    np.multiply(f, dt(0.5), out=out[..., 2 * n:3 * n])
    np.multiply(a[..., 3 * n:], dt(0.5), out=out[..., 3 * n:])
    return out


def _sigmoid_from_tanh(t: np.ndarray) -> None:
    """``t = (t + 1) / 2`` in place: ``tanh(v / 2)`` becomes ``sigmoid(v)``."""
    np.multiply(t, t.dtype.type(0.5), out=t)
    np.add(t, t.dtype.type(0.5), out=t)


def _gate_affine(n: int, dt: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """``(scale, offset)`` rows of ``4n``: ``[1, 1/2, 1/2, 1/2]`` and ``[-0, 1/2, 1/2,
    1/2]`` per gate. ``t * scale + offset`` over a whole contiguous step is the
    sigmoid of the ``i, f, o`` columns (as :func:`_sigmoid_from_tanh`) and leaves ``ci``
    bit for bit (``t * 1 = t``, ``t + -0 = t`` even for ``t = -0``), in two NumPy calls
    that are about twice as fast as two over the strided ``[:, n:]`` columns."""
    scale = np.full(4 * n, 0.5, dt)
    offset = np.full(4 * n, 0.5, dt)
    scale[:n] = 1
    offset[:n] = -0.0
    return scale, offset


def _step(z: np.ndarray, c_prev: np.ndarray, peep: tuple, clip: float, cs: np.ndarray,
          co: np.ndarray, h: np.ndarray, affine: tuple[np.ndarray, np.ndarray]) -> None:
    """One step of rows: ``z = [z_j, z_i / 2, z_f / 2, z_o / 2]`` becomes ``[ci, i, f,
    o]``; ``cs, co = tanh(cs), h`` are written (peephole weights halved; ``affine`` from
    :func:`_gate_affine`). ``co`` holds the products before ``tanh(cs)`` (no temporary
    array per step)."""
    n = c_prev.shape[1]
    if not peep and jit.enabled() and z.flags.c_contiguous and cs.flags.c_contiguous:
        np.tanh(z, out=z)
        _gates_and_cell(z, c_prev, affine[0], affine[1], z.dtype.type(clip), cs)
        np.tanh(cs, out=co)
        np.multiply(co, z[:, 3 * n:], out=h)
        return
    ci, i, f, o = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
    if peep:
        i += np.multiply(peep[0], c_prev, out=co)
        f += np.multiply(peep[1], c_prev, out=co)
        np.tanh(z[:, :3 * n], out=z[:, :3 * n])
        _sigmoid_from_tanh(z[:, n:3 * n])
    else:
        np.tanh(z, out=z)
        np.multiply(z, affine[0], out=z)
        np.add(z, affine[1], out=z)
    np.multiply(c_prev, f, out=cs)
    cs += np.multiply(i, ci, out=co)
    if clip > 0:
        np.minimum(cs, cs.dtype.type(clip), out=cs)
        np.maximum(cs, cs.dtype.type(-clip), out=cs)
    if peep:
        o += np.multiply(peep[2], cs, out=co)
        np.tanh(o, out=o)
        _sigmoid_from_tanh(o)
    np.tanh(cs, out=co)
    np.multiply(co, o, out=h)


@jit.loop
def _gates_and_cell(z, c_prev, scale, offset, clip, cs):  # noqa: ANN001, ANN201 - compiled
    """The exact arithmetic of :func:`_step` between its two ``tanh`` calls, one pass
    (the NumPy path makes six): ``z = z * scale + offset`` (``[ci, i, f, o]`` from the
    ``tanh`` of ``[z_j, z_i / 2, z_f / 2, z_o / 2]``), ``cs = c_prev * f + i * ci``,
    clipped to ``[-clip, clip]`` when ``clip > 0`` (NaN stays NaN, as NumPy's
    ``minimum`` / ``maximum``)."""
    n = c_prev.shape[1]
    for r in range(z.shape[0]):
        for k in range(4 * n):
            z[r, k] = z[r, k] * scale[k] + offset[k]
        for k in range(n):
            v = c_prev[r, k] * z[r, 2 * n + k] + z[r, n + k] * z[r, k]
            if clip > 0:
                if v > clip:
                    v = clip
                if v < -clip:
                    v = -clip
            cs[r, k] = v


@registry.register_kernel("LSTMSequence")
@quiet
def _lstm_sequence(ctx: registry.KernelContext, x: Any, cs0: Any, h0: Any, w: Any, b: Any,
                   *rest: Any) -> tuple:
    _check(x, cs0, h0, w, b)
    peep, lengths = split_rest(ctx.attrs, rest)
    steps, rows, depth = x.shape
    n = cs0.shape[1]
    dt = w.dtype
    clip = ctx.attrs["cell_clip"]
    wg = _gates_first_j(w, n)
    # the recurrent product as h (w_h^T)^T: 40.8 against 43.1 us for h w_h at 32 x 128 x
    # 512 in this machine's OpenBLAS, with the same bits there (ONNX Runtime reads it as
    # transB: 28.3 against 29.5 us)
    w_x, w_h = wg[:depth], np.ascontiguousarray(wg[depth:].T).T
    bg = _gates_first_j(b, n, ctx.attrs["forget_bias"])
    peep = tuple(np.multiply(p, dt.type(0.5)) for p in peep)
    z = np.empty((steps, rows, 4 * n), dt)   # z[t] = x_t w[:D] + b + h_{t-1} w[D:]
    z2 = z.reshape(steps * rows, 4 * n)
    cs, co, h = (np.empty((steps, rows, n), dt) for _ in range(3))
    live, dead = live_masks(lengths, steps, rows, dt)
    dead_b = None if dead is None else dead.astype(bool)
    out = h if live is None else np.empty_like(h)  # the outputs: zeros past the end
    cuts, tb = row_chunks(rows), time_blocks(steps, rows)
    affine = _gate_affine(n, dt)
    rec = [np.empty((e - a, 4 * n), dt) for a, e in zip(cuts[:-1], cuts[1:])]

    def inputs(k: int) -> None:
        """The input half of block ``k``'s products and the biases, ``x_t w[:D] + b``."""
        zk = z2[tb[k] * rows:tb[k + 1] * rows]
        # (a block of a transposed x is copied here, by the thread that makes it); a
        # large block goes to ONNX Runtime's MLAS (``gemm``), the same bits on any thread
        gemm.matmul(x[tb[k]:tb[k + 1]].reshape(-1, depth), w_x, out=zk)
        np.add(zk, bg, out=zk)

    side = SideWork([lambda k=k: inputs(k) for k in range(len(tb) - 1)])

    def run(ks: list[int]) -> None:
        """Steps 0..T-1 for the rows of chunks ``ks`` (consecutive)."""
        lo, hi = cuts[ks[0]], cuts[ks[-1] + 1]
        block = 0
        for t in range(steps):
            if t == tb[block]:
                if not side.need(block):
                    return
                block += 1
            c_prev = cs0[lo:hi] if t == 0 else cs[t - 1, lo:hi]
            h_prev = h0 if t == 0 else h[t - 1]
            for k in ks:
                a, e = cuts[k], cuts[k + 1]
                gemm.matmul(h_prev[a:e], w_h, out=rec[k])
                np.add(z[t, a:e], rec[k], out=z[t, a:e])
            _step(z[t, lo:hi], c_prev, peep, clip, cs[t, lo:hi], co[t, lo:hi], h[t, lo:hi],
                  affine)
            if live is not None:  # past its length a row keeps its state
                keep = dead_b[t, lo:hi]
                np.copyto(cs[t, lo:hi], c_prev, where=keep)
                np.copyto(h[t, lo:hi], h_prev[lo:hi], where=keep)
                np.multiply(h[t, lo:hi], live[t, lo:hi], out=out[t, lo:hi])

    chunks = list(range(len(cuts) - 1))
    if parallel.kernel_threads() == 1:  # each step's elementwise work on all rows at once
        run_stages([lambda: run(chunks), side.finish], [side])
    else:  # the recurrences first; the input products on whichever thread is free
        threads = min(parallel.kernel_threads(), len(chunks) + 1)
        run_stages([lambda k=k: run([k]) for k in chunks] + [side.finish] * threads, [side],
                   key="LSTMSequence")
    last_c = cs0.copy() if steps == 0 else cs[-1]
    last_h = h0.copy() if steps == 0 else h[-1]
    return (z[..., n:2 * n], cs, z[..., 2 * n:3 * n], z[..., 3 * n:], z[..., :n], co, h,
            last_c, last_h, out)


# the gradient kernel (imported for its registration; lstm_sequence_grad builds its op)
from trainkit.ops.rnn.lstm_sequence_grad import lstm_sequence_grad  # noqa: E402

__all__ = ["lstm_sequence", "lstm_sequence_grad", "row_chunks"]
