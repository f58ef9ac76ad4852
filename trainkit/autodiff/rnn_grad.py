"""The gradient rules of the fused LSTM step ``LSTMBlock`` (``ops/rnn/lstm_block.py``)
and of its gradient ``LSTMBlockGrad``.

Like TF's ``LSTMBlockCell`` gradient: the ``LSTMBlockGrad`` kernel gives ``d cs_prev``,
the gate pre-activation gradient ``dicfo`` and ``dh_prev = dicfo @ w[D:]^T``; the rest
are ordinary ops, so the plan prunes ``dx`` when no one reads it (a placeholder input)
and the walker can aggregate the weight gradients of many steps (``gradients.py`` sums
per-step ``xh^T dicfo`` products as one product, and the bias gradients as one sum)::

    dx = dicfo @ w[:D]^T;   dw = xh^T @ dicfo;   db = sum(dicfo, 0)

Higher derivatives and gradients arriving at the auxiliary outputs (``i, f, o, ci, co``)
take a slow, general path: the same equations are rebuilt from primitive ops on
identities of the op's inputs and differentiated by the walker (the identities make the
derivatives partial: the rebuilt ops depend on nothing else).
"""

from __future__ import annotations

from typing import Any

from trainkit.autodiff.nn_grad import _is_zero
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.identity_ops import identity
from trainkit.ops.nn_activations import bias_add, bias_add_grad
from trainkit.ops.rnn.lstm_block import lstm_block_grad
from trainkit.ops.rnn.lstm_sequence_grad import lstm_sequence_grad


def _clip_mask(cs: Tensor, clip: float) -> Tensor:
    return math_ops.cast(math_ops.less(math_ops.abs(cs), clip), cs.dtype)


def _split_rows(w: Tensor, x: Tensor, axis: int = 1) -> list:
    """``[w[:D], w[D:]]`` for ``D`` the size of ``x``'s dimension ``axis``."""
    if x.shape.ndims and x.shape[axis] is not None:
        sizes: Any = [int(x.shape[axis]), -1]
    else:
        sizes = array_ops.concat([array_ops.shape(x)[axis:axis + 1], [-1]], 0)
    return array_ops.split(w, sizes, axis=0, num=2)


def _step_equations(ins: list, attrs: dict) -> list:
    """``LSTMBlock``'s eight outputs built op by op from its inputs."""
    x, cs_prev, h_prev, w, b = ins[:5]
    peep = ins[5:]
    xh = array_ops.concat([x, h_prev], 1)
    z = bias_add(math_ops.matmul(xh, w), b)
    zi, zj, zf, zo = array_ops.split(z, 4, axis=1)
    zf = zf + attrs["forget_bias"]
    if peep:
        zi = zi + peep[0] * cs_prev
        zf = zf + peep[1] * cs_prev
    i, f, ci = math_ops.sigmoid(zi), math_ops.sigmoid(zf), math_ops.tanh(zj)
    cs = cs_prev * f + i * ci
    if attrs["cell_clip"] > 0:
        cs = math_ops.clip_by_value(cs, -attrs["cell_clip"], attrs["cell_clip"])
    if peep:
        zo = zo + peep[2] * cs
    o = math_ops.sigmoid(zo)
    co = math_ops.tanh(cs)
    return [i, cs, f, o, ci, co, co * o, xh]


def _grad_equations(ins: list, attrs: dict) -> list:
    """``LSTMBlockGrad``'s outputs built op by op from its inputs."""
    x, cs_prev, i, cs, f, o, ci, co, cs_grad, h_grad, w = ins[:11]
    peep = ins[11:]
    do = h_grad * co * o * (1.0 - o)
    dcs = cs_grad + h_grad * o * (1.0 - co * co)
    if peep:
        dcs = dcs + do * peep[2]
    if attrs["cell_clip"] > 0:
        dcs = dcs * _clip_mask(cs, attrs["cell_clip"])
    di = dcs * ci * i * (1.0 - i)
    dj = dcs * i * (1.0 - ci * ci)
    df = dcs * cs_prev * f * (1.0 - f)
    cs_prev_grad = dcs * f
    dicfo = array_ops.concat([di, dj, df, do], 1)
    out = [None, dicfo, math_ops.matmul(dicfo, _split_rows(w, x)[1], transpose_b=True)]
    if peep:
        cs_prev_grad = cs_prev_grad + di * peep[0] + df * peep[1]
        out += [math_ops.reduce_sum(di * cs_prev, 0), math_ops.reduce_sum(df * cs_prev, 0),
                math_ops.reduce_sum(do * cs, 0)]
    out[0] = cs_prev_grad
    return out


def _by_equations(op: Operation, grads: tuple, build: Any) -> list:
    """The gradient of ``op`` through its equations rebuilt op by op."""
    from trainkit.autodiff.gradients import gradients

    xs = [identity(t) for t in op.inputs]
    ys = build(xs, op.attrs)
    pairs = [(y, g) for y, g in zip(ys, grads) if not _is_zero(g)]
    if not pairs:
        return [None] * len(xs)
    return gradients([y for y, _ in pairs], xs, grad_ys=[g for _, g in pairs])


@registry.register_gradient("LSTMBlock")
def _lstm_block_grad(op: Operation, *grads: Tensor) -> list:
    gi, cs_grad, gf, go, gci, gco, h_grad, gxh = grads
    if not all(_is_zero(g) for g in (gi, gf, go, gci, gco, gxh)):
        return _by_equations(op, grads, _step_equations)
    x, w = op.inputs[0], op.inputs[3]
    out = lstm_block_grad(op, cs_grad, h_grad)
    cs_prev_grad, dicfo, h_prev_grad = out[:3]
    x_grad = math_ops.matmul(dicfo, _split_rows(w, x)[0], transpose_b=True)
    w_grad = math_ops.matmul(op.outputs[7], dicfo, transpose_a=True)
    b_grad = bias_add_grad(dicfo)
    return [x_grad, cs_prev_grad, h_prev_grad, w_grad, b_grad] + out[3:]


@registry.register_gradient("LSTMSequence")
def _lstm_sequence_grad(op: Operation, *grads: Tensor) -> list:
    gi, gcs, gf, go, gci, gco, gh_state, gcs_last, gh_last, gh = grads
    if not all(_is_zero(g) for g in (gi, gf, go, gci, gco, gh_state)):
        raise LookupError(f"LSTMSequence '{op.name}': only its cs and output sequences "
                          "and the final states are differentiable.")
    x, w = op.inputs[0], op.inputs[3]
    # a sequence gradient no one sent is a scalar 0 (the kernel skips it)
    gcs, gh = (array_ops.zeros([], g.dtype) if _is_zero(g) else g for g in (gcs, gh))
    out = lstm_sequence_grad(op, gcs, gh, gcs_last, gh_last)
    cs0_grad, h0_grad, dicfo, w_grad, b_grad = out[:5]
    width = w.shape[1] if w.shape.ndims and w.shape[1] is not None else array_ops.shape(w)[1]
    flat = array_ops.reshape(dicfo, array_ops.stack([-1, width]) if isinstance(width, Tensor)
                             else [-1, int(width)])
    dx = math_ops.matmul(flat, _split_rows(w, x, axis=2)[0], transpose_b=True)
    x_grad = array_ops.reshape(dx, array_ops.shape(x))
    lengths = [None] if op.attrs["has_lengths"] else []
    return [x_grad, cs0_grad, h0_grad, w_grad, b_grad] + out[5:] + lengths


@registry.register_gradient("LSTMSequenceGrad")
def _lstm_sequence_grad_grad(op: Operation, *grads: Tensor) -> list:
    raise LookupError(
        f"Second-order gradients through a fused LSTM sequence are not supported (op "
        f"'{op.name}'). Build the steps with static_rnn over a cell with a non-default "
        "activation (e.g. activation=lambda x: tf.tanh(x)) to differentiate twice.")


@registry.register_gradient("LSTMBlockGrad")
def _lstm_block_grad_grad(op: Operation, *grads: Tensor) -> list:
    return _by_equations(op, grads, _grad_equations)


__all__: list[str] = []
