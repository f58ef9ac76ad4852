"""One LSTM time step as a single op (``TkLSTMCell``) and its gradient as another
(``TkLSTMCellGrad``), used by ``BasicLSTMCell`` and plain ``LSTMCell`` with the default
tanh activation. The equations are TF1's (gate order i, j, f, o; ``forget_bias`` added
to f); only the graph is smaller: two ops per step instead of ~40, so the executor's
per-op cost stops dominating small recurrent models.

Outputs: ``new_c``, ``new_h`` and ``acts = [sigmoid(i), tanh(j), sigmoid(f + fb),
sigmoid(o), tanh(new_c)]`` (``[batch, 5 units]``), kept for the backward pass.

Example:
    >>> new_c, new_h = lstm_step(x, c, h, kernel, bias, forget_bias=1.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.op_util import make_op


def lstm_step(x: Any, c: Any, h: Any, kernel: Any, bias: Any, forget_bias: float,
              name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(new_c, new_h)`` of one BasicLSTMCell step with tanh activations."""
    ts = [conversion.convert_to_tensor(v) for v in (x, c, h, kernel, bias)]
    dt = ts[0].dtype
    for t in ts[1:]:
        if t.dtype is not dt:
            raise TypeError(f"lstm_step: all inputs must be {dt.name}, got {t.dtype.name} "
                            f"({t.name}).")
    batch = ts[0].shape[0] if ts[0].shape.ndims else None
    units = ts[1].shape[-1] if ts[1].shape.ndims else None
    out = TensorShape([batch, units])
    acts = TensorShape([batch, None if units is None else 5 * units])
    op = make_op("TkLSTMCell", ts, [dt, dt, dt], name=name or "LSTMCell",
                 attrs={"forget_bias": float(forget_bias)}, shapes=[out, out, acts])
    return op.outputs[0], op.outputs[1]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        return np.reciprocal(z, out=z)


@registry.register_kernel("TkLSTMCell")
def _lstm_cell(ctx: registry.KernelContext, x: Any, c: Any, h: Any, kernel: Any,
               bias: Any) -> tuple:
    n = c.shape[1]
    if kernel.shape != (x.shape[1] + h.shape[1], 4 * n) or bias.shape != (4 * n,):
        raise errors.InvalidArgumentError(
            None, None, f"kernel {list(kernel.shape)} / bias {list(bias.shape)} do not fit "
                        f"inputs {list(x.shape)} and state {list(c.shape)}")
    z = np.concatenate([x, h], 1) @ kernel
    z += bias
    acts = np.empty((z.shape[0], 5 * n), dtype=z.dtype)
    acts[:, :4 * n] = z
    acts[:, 2 * n:3 * n] += ctx.attrs["forget_bias"]
    i, j, f, o = (acts[:, k * n:(k + 1) * n] for k in range(4))
    _sigmoid(i)
    np.tanh(j, out=j)
    _sigmoid(f)
    _sigmoid(o)
    new_c = c * f
    new_c += i * j
    tc = acts[:, 4 * n:]
    np.tanh(new_c, out=tc)
    return new_c, tc * o, acts


@registry.register_kernel("TkLSTMCellGrad")
def _lstm_cell_grad(ctx: registry.KernelContext, x: Any, c: Any, h: Any, kernel: Any,
                    acts: Any, d_c: Any, d_h: Any) -> tuple:
    n = c.shape[1]
    i, j, f, o, tc = (acts[:, k * n:(k + 1) * n] for k in range(5))
    dc = d_h * o
    dc *= 1.0 - tc * tc
    dc += d_c
    dz = np.empty((acts.shape[0], 4 * n), dtype=acts.dtype)
    np.multiply(dc, j * i * (1.0 - i), out=dz[:, :n])
    np.multiply(dc, i * (1.0 - j * j), out=dz[:, n:2 * n])
    np.multiply(dc, c * f * (1.0 - f), out=dz[:, 2 * n:3 * n])
    np.multiply(d_h, tc * o * (1.0 - o), out=dz[:, 3 * n:])
    xh = np.concatenate([x, h], 1)
    d_xh = dz @ kernel.T
    d = x.shape[1]
    return (d_xh[:, :d], dc * f, d_xh[:, d:], xh.T @ dz, dz.sum(axis=0))


@registry.register_gradient("TkLSTMCell")
def _lstm_cell_grad_fn(op: Operation, d_c: Tensor, d_h: Tensor, _d_acts: Tensor) -> list:
    x, c, h, kernel, bias = op.inputs
    shapes = [x.shape, c.shape, h.shape, kernel.shape, bias.shape]
    g = make_op("TkLSTMCellGrad", [x, c, h, kernel, op.outputs[2], d_c, d_h],
                [x.dtype] * 5, name="TkLSTMCellGrad", shapes=shapes)
    return list(g.outputs)


# Like TF's LSTMBlockCellGrad: no second derivative (use the unfused cell for that).
registry.not_differentiable("TkLSTMCellGrad")

__all__ = ["lstm_step"]
