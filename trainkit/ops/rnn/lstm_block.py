"""``LSTMBlock``: one LSTM time step as one op (modelled on TF's ``LSTMBlockCell``).

``BasicLSTMCell`` and ``LSTMCell`` (with the default ``tanh`` activation) build this op
instead of the ~12 primitive ops of their equations, so a step costs one kernel call, one
matrix product and a handful of in-place NumPy passes. The equations, the gate order
``i, j, f, o`` and the order of every floating-point operation are those of the
unfused cells (``basic_cells.py``, ``lstm_cell.py``), so the forward values are the
same::

    z = [x, h_prev] @ w + b;   i, j, f, o = split(z, 4)
    f_ = f + forget_bias [+ wcf * cs_prev];  i_ = i [+ wci * cs_prev]
    cs = cs_prev * sigmoid(f_) + sigmoid(i_) * tanh(j)
    cs = clip(cs, -cell_clip, cell_clip)                            if cell_clip > 0
    o_ = o [+ wco * cs];   co = tanh(cs);   h = co * sigmoid(o_)

Inputs: ``x [B, D]``, ``cs_prev [B, N]``, ``h_prev [B, H]``, ``w [D + H, 4N]``, ``b [4N]``
and, with ``use_peephole``, ``wci, wcf, wco [N]``. Outputs: TF's ``LSTMBlockCell``
outputs ``i, cs, f, o, ci, co, h``, all ``[B, N]`` (``i, f, o`` after the sigmoid, ``ci``
= ``tanh(j)``, ``co`` = ``tanh(cs)``), then ``xh = [x, h_prev]`` (kept for the weight
gradient instead of concatenating again). ``cs`` and ``h`` are what the cells use; the
others are kept for the gradient op ``LSTMBlockGrad``, which gives ``d cs_prev``, the
gate pre-activation gradient ``dicfo [B, 4N]``, ``d h_prev = dicfo @ w[D:]^T`` and, with
peepholes, ``d wci, d wcf, d wco``; the rule in ``autodiff/rnn_grad.py`` adds ``dx``,
``dw`` and ``db`` as ordinary ``MatMul``/``BiasAddGrad`` ops (as TF does), so the plan
prunes ``dx`` when no one needs it and the walker can sum ``dw`` over many steps as one
product.

Example:
    >>> i, cs, f, o, ci, co, h = lstm_block(x, c, h, kernel, bias, forget_bias=1.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.elementwise import quiet
from trainkit.ops.matmul_ops import product
from trainkit.ops.op_util import make_op

FLOATS = ("float16", "float32", "float64")


def lstm_block(x: Any, cs_prev: Any, h_prev: Any, w: Any, b: Any, wci: Any = None,
               wcf: Any = None, wco: Any = None, forget_bias: float = 1.0,
               cell_clip: float | None = None, name: str | None = None) -> list[Tensor]:
    """One fused LSTM step; returns ``[i, cs, f, o, ci, co, h]`` (see the module doc; the
    op's eighth output ``xh`` is for its gradient).

    Peepholes are used when ``wci, wcf, wco`` are given (all three or none).

    Raises:
        TypeError: for mixed or non-float dtypes.
        ValueError: for inconsistent static shapes or only some peephole weights.
    """
    ins = [conversion.convert_to_tensor(t) for t in (x, cs_prev, h_prev, w, b)]
    peep = [p for p in (wci, wcf, wco) if p is not None]
    if len(peep) not in (0, 3):
        raise ValueError("lstm_block: give all three peephole weights or none.")
    ins += [conversion.convert_to_tensor(p) for p in peep]
    dtype = ins[0].dtype
    for t in ins:
        if t.dtype is not dtype or dtype.name not in FLOATS:
            raise TypeError(f"lstm_block: every input must have one float dtype, got "
                            f"{[t.dtype.name for t in ins]}.")
    attrs = {"forget_bias": float(forget_bias), "use_peephole": bool(peep),
             "cell_clip": -1.0 if cell_clip is None else float(cell_clip)}
    op = make_op("LSTMBlock", ins, [dtype] * 8, name=name or "LSTMBlock", attrs=attrs)
    return list(op.outputs[:7])


@registry.register_shape("LSTMBlock")
def _lstm_block_shape(op: Operation) -> list[TensorShape]:
    x, cs, h, w, b = (t.shape for t in op.inputs[:5])
    batch = x[0] if x.ndims else None
    n = cs[1] if cs.ndims else None
    for s, what in ((x, "x"), (cs, "cs_prev"), (h, "h_prev"), (w, "w")):
        if s.ndims not in (None, 2):
            raise ValueError(f"LSTMBlock '{op.name}': {what} must be rank 2, got {s}.")
    if w.ndims and x.ndims and h.ndims and None not in (w[0], x[1], h[1]) \
            and w[0] != x[1] + h[1]:
        raise ValueError(f"LSTMBlock '{op.name}': w has {w[0]} rows, but x and h_prev have "
                         f"{x[1]} + {h[1]} columns.")
    if w.ndims and n is not None and w[1] is not None and w[1] != 4 * n:
        raise ValueError(f"LSTMBlock '{op.name}': w has {w[1]} columns, expected 4 * {n}.")
    d = None if not x.ndims or not h.ndims or None in (x[1], h[1]) else x[1] + h[1]
    return [TensorShape([batch, n])] * 7 + [TensorShape([batch, d])]


def _sigmoid_(a: np.ndarray, one: Any) -> None:
    """``a = 1 / (1 + exp(-a))`` in place: the ``Sigmoid`` kernel's steps."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    np.add(a, one, out=a)
    np.reciprocal(a, out=a)


def _check(x: np.ndarray, cs_prev: np.ndarray, h_prev: np.ndarray, w: np.ndarray,
           b: np.ndarray) -> int:
    n = cs_prev.shape[1] if cs_prev.ndim == 2 else -1
    if (x.ndim != 2 or h_prev.ndim != 2 or w.ndim != 2 or n < 0
            or w.shape != (x.shape[1] + h_prev.shape[1], 4 * n) or b.shape != (4 * n,)
            or not x.shape[0] == cs_prev.shape[0] == h_prev.shape[0]):
        raise errors.InvalidArgumentError(
            None, None, f"LSTMBlock: inconsistent shapes x {list(x.shape)}, cs_prev "
                        f"{list(cs_prev.shape)}, h_prev {list(h_prev.shape)}, w "
                        f"{list(w.shape)}, b {list(b.shape)}")
    return n


def step_forward(z: np.ndarray, cs_prev: np.ndarray, peep: tuple, forget_bias: float,
                 cell_clip: float, ci: np.ndarray, cs: np.ndarray, co: np.ndarray,
                 h: np.ndarray) -> None:
    """One step's gates in place: ``z = [x, h_prev] @ w + b`` (``[rows, 4N]``) becomes
    ``[sigmoid(i_), j, sigmoid(f_), sigmoid(o_)]``; ``ci, cs, co, h`` are written (see the
    module doc; shared by ``LSTMBlock`` and ``LSTMSequence``, so both give the same
    values)."""
    n = cs_prev.shape[1]
    dt = z.dtype.type
    zi, zj, zf, zo = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
    np.tanh(zj, out=ci)
    if forget_bias:  # (LSTMSequence adds it to all steps at once and passes 0)
        np.add(zf, dt(forget_bias), out=zf)
    if peep:
        wci, wcf, wco = peep
        zi += wci * cs_prev
        zf += wcf * cs_prev
        _sigmoid_(z[:, :3 * n], dt(1))  # i, f (and j, unused: ci is already taken)
    else:
        _sigmoid_(z, dt(1))             # i, f, o in one pass (j's column block unused)
    np.multiply(cs_prev, zf, out=cs)
    cs += zi * ci
    if cell_clip > 0:
        np.minimum(cs, dt(cell_clip), out=cs)
        np.maximum(cs, dt(-cell_clip), out=cs)
    if peep:
        zo += wco * cs
        _sigmoid_(zo, dt(1))
    np.tanh(cs, out=co)
    np.multiply(co, zo, out=h)


@registry.register_kernel("LSTMBlock")
@quiet
def _lstm_block(ctx: registry.KernelContext, x: Any, cs_prev: Any, h_prev: Any, w: Any,
                b: Any, *peep: Any) -> tuple:
    n = _check(x, cs_prev, h_prev, w, b)
    attrs = ctx.attrs
    xh = np.concatenate([x, h_prev], 1)
    z = product(xh, w)
    np.add(z, b, out=z)
    ci, cs, co, h = (np.empty(cs_prev.shape, z.dtype) for _ in range(4))
    step_forward(z, cs_prev, peep, attrs["forget_bias"], attrs["cell_clip"], ci, cs, co, h)
    return z[:, :n], cs, z[:, 2 * n:3 * n], z[:, 3 * n:], ci, co, h, xh


def lstm_block_grad(op: Operation, cs_grad: Tensor, h_grad: Tensor) -> list[Tensor]:
    """``[cs_prev_grad, dicfo, h_prev_grad]`` (+ ``[wci_grad, wcf_grad, wco_grad]`` with
    peepholes) of the ``LSTMBlock`` op ``op`` given its ``cs`` and ``h`` gradients."""
    peep = op.attrs["use_peephole"]
    x, cs_prev, h_prev, w = op.inputs[:4]
    i, cs, f, o, ci, co = op.outputs[:6]
    ins = [x, cs_prev, i, cs, f, o, ci, co, cs_grad, h_grad, w] + list(op.inputs[5:8])
    n = cs_prev.shape[1] if cs_prev.shape.ndims else None
    batch = x.shape[0] if x.shape.ndims else None
    shapes = [TensorShape([batch, n]), TensorShape([batch, None if n is None else 4 * n]),
              h_prev.shape]
    shapes += [TensorShape([n])] * (3 if peep else 0)
    g = make_op("LSTMBlockGrad", ins, [cs_prev.dtype] * len(shapes), name="LSTMBlockGrad",
                attrs=dict(op.attrs), shapes=shapes)
    return list(g.outputs)


def step_backward(i: np.ndarray, f: np.ndarray, o: np.ndarray, ci: np.ndarray,
                  cs: np.ndarray, co: np.ndarray, cs_prev: np.ndarray, cs_grad: np.ndarray,
                  h_grad: np.ndarray, peep: tuple, cell_clip: float,
                  dicfo: np.ndarray) -> np.ndarray:
    """One step's gate pre-activation gradients into ``dicfo`` (``[rows, 4N]``); returns
    ``d cs_prev`` (shared by ``LSTMBlockGrad`` and ``LSTMSequenceGrad``)."""
    dt = cs.dtype.type
    one = dt(1)
    n = cs.shape[1]
    di, dj, df, do = (dicfo[:, :n], dicfo[:, n:2 * n], dicfo[:, 2 * n:3 * n],
                      dicfo[:, 3 * n:])
    # h = co * o:  d o_ = h_grad * co * o (1 - o);  d cs = cs_grad + h_grad * o (1 - co^2)
    np.multiply(h_grad, co, out=do)
    t = np.subtract(one, o)
    t *= o
    do *= t
    dcs = np.multiply(co, co)
    np.subtract(one, dcs, out=dcs)
    dcs *= h_grad
    dcs *= o
    dcs += cs_grad
    if peep:
        wci, wcf, wco = peep
        dcs += do * wco
    clip = cell_clip
    if clip > 0:  # clip_by_value passes the gradient where the value was not clipped
        dcs *= np.abs(cs) < dt(clip)
    # cs = cs_prev * f + i * ci
    np.multiply(dcs, ci, out=di)
    np.subtract(one, i, out=t)
    t *= i
    di *= t
    np.multiply(ci, ci, out=dj)
    np.subtract(one, dj, out=dj)
    dj *= i
    dj *= dcs
    np.multiply(dcs, cs_prev, out=df)
    np.subtract(one, f, out=t)
    t *= f
    df *= t
    cs_prev_grad = np.multiply(dcs, f)
    if peep:
        cs_prev_grad += di * wci
        cs_prev_grad += df * wcf
    return cs_prev_grad


@registry.register_kernel("LSTMBlockGrad")
@quiet
def _lstm_block_grad(ctx: registry.KernelContext, x: Any, cs_prev: Any, i: Any, cs: Any,
                     f: Any, o: Any, ci: Any, co: Any, cs_grad: Any, h_grad: Any, w: Any,
                     *peep: Any) -> tuple:
    bsz, n = cs.shape
    dicfo = np.empty((bsz, 4 * n), cs.dtype)
    cs_prev_grad = step_backward(i, f, o, ci, cs, co, cs_prev, cs_grad, h_grad, peep,
                                 ctx.attrs["cell_clip"], dicfo)
    h_prev_grad = product(dicfo, w[x.shape[1]:].T)
    if not peep:
        return cs_prev_grad, dicfo, h_prev_grad
    return (cs_prev_grad, dicfo, h_prev_grad) + peephole_grads(dicfo, cs_prev, cs)


def peephole_grads(dicfo: np.ndarray, cs_prev: np.ndarray, cs: np.ndarray) -> tuple:
    """``(d wci, d wcf, d wco)``: the gate gradients times the cell states they saw,
    summed over every leading axis (rows, and steps for a sequence)."""
    n = cs.shape[-1]
    axes = tuple(range(cs.ndim - 1))
    return (np.sum(dicfo[..., :n] * cs_prev, axes), np.sum(dicfo[..., 2 * n:3 * n] * cs_prev, axes),
            np.sum(dicfo[..., 3 * n:] * cs, axes))


__all__ = ["lstm_block", "lstm_block_grad", "step_forward", "step_backward", "peephole_grads"]
