"""The gradient of ``while_loop``: the body's gradient, run backwards over the iterations.

For a ``While`` op with loop variables ``v`` and captures ``c`` (outside tensors the body
reads), one backward step is the vector-Jacobian product of one body iteration::

    dv_in, dc_i = gradients(body(v_in, c), [v_in, c], grad_ys=dv_out)

It is built once, symbolically, inside a gradient :class:`LoopFrame`, by running the
ordinary ``gradients`` walker over the forward frame's ops. The gradient ops read
forward values (``x`` in ``d(x*x) = 2x dx``): those forward tensors are added to the
forward frame's ``saved`` list, so the forward ``While`` keeps their value from every
iteration, and the ``WhileGrad`` op feeds iteration ``i``'s values while it runs the
backward steps for ``i = n-1 .. 0``. ``dv`` flows from step to step; the ``dc_i`` are
summed over the iterations, except a ``dc_i`` that is a product ``a_i^T b_i`` (a weight
of an RNN cell, whose per-iteration gradient is larger than its operands): the loop
then returns the ``a_i`` and ``b_i`` concatenated and one ``MatMul`` after it sums.
Only floating loop variables and captures get gradients, and only captures through
which the walker can reach one of its ``xs`` (``needed``; a placeholder's input
TensorArray gets none).
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion, registry
from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.op_util import make_op


def _dense(g: Any) -> Tensor | None:
    if g is None or isinstance(g, Tensor):
        return g
    return conversion.convert_to_tensor(g)  # IndexedSlices and the like


@registry.register_gradient("While")
def _while_grad(op: Operation, *grads: Tensor, needed: list | None = None) -> list:
    from trainkit.autodiff.gradients import gradients

    frame: LoopFrame = op.attrs["frame"]
    n = op.attrs["num_vars"]
    ncap = len(frame.captures)
    result: list = [None] * len(op.inputs)
    if not frame.back_prop:
        return result
    dv = [k for k in range(n) if frame.loop_vars[k].dtype.is_floating]
    dc = [j for j in range(ncap) if frame.captures[j].dtype.is_floating
          and frame.captures[j].op not in frame.hoisted
          and (needed is None or needed[n + j])]  # (no gradient ops for the others)
    if not dv:
        return result
    graph = op.graph
    bframe = LoopFrame(frame.name + "_grad", "grad")
    bframe.forward = frame
    # (the walker already opened the '<loop>_grad' name scope)
    with graph.in_loop_frame(bframe):
        gph = [make_op("LoopVar", [], [frame.loop_vars[k].dtype], name="grad_in",
                       shapes=[frame.loop_vars[k].shape],
                       attrs={"loop": bframe.name}).outputs[0] for k in dv]
        xs = [frame.loop_vars[k] for k in dv] + [frame.captures[j] for j in dc]
        ys = [frame.outputs[k] for k in dv]
        # partial derivatives: a capture computed from another capture (keys from
        # memory) gets its own gradient, and the outer walker adds its path once
        gs = [_dense(g) for g in gradients(ys, xs, grad_ys=gph,
                                           stop_gradients=list(frame.captures))]
        outs = [array_ops.zeros_like(x) if g is None else g
                for g, x in zip(gs[:len(dv)], xs)]
        # captures the body's results do not depend on get no gradient (None)
        dc = [j for j, g in zip(dc, gs[len(dv):]) if g is not None]
        outs += [g for g in gs[len(dv):] if g is not None]
    bframe.loop_vars = gph
    bframe.outputs = outs[:len(dv)]
    bframe.accumulated = outs[len(dv):]
    products = {pos: g for pos, g in enumerate(bframe.accumulated)
                if _one_product_later(g, bframe)}
    bframe.accumulated = [g for pos, g in enumerate(bframe.accumulated)
                          if pos not in products]
    for g in products.values():
        bframe.stacked += list(g.op.inputs[:2])
    bframe.hoist_constants()
    external = bframe.external_inputs()
    bframe.fed_saved = [t for t in external if frame.contains(t)]
    bframe.captures = [t for t in external if not frame.contains(t)]
    frame.save(bframe.fed_saved)
    summed = [j for pos, j in enumerate(dc) if pos not in products]
    like = [frame.captures[j] for j in summed]
    inputs = [op.outputs[n]] + [grads[k] for k in dv] + bframe.captures + like
    gop = make_op("WhileGrad", inputs, [frame.loop_vars[k].dtype for k in dv]
                  + [frame.captures[j].dtype for j in summed]
                  + [t.dtype for t in bframe.stacked], name="WhileGrad",
                  attrs={"frame": bframe},
                  shapes=[op.inputs[k].shape for k in dv]
                  + [frame.captures[j].shape for j in summed]
                  + [[None] + t.shape.as_list()[1:] for t in bframe.stacked])
    bframe.move_external_control_inputs(gop)
    for pos, k in enumerate(dv):
        result[k] = gop.outputs[pos]
    for pos, j in enumerate(summed):
        result[n + j] = gop.outputs[len(dv) + pos]
    stacked = iter(gop.outputs[len(dv) + len(summed):])
    for pos, j in enumerate(dc):
        if pos in products:  # sum_i a_i^T b_i as one product of the stacked a_i, b_i
            result[n + j] = math_ops.matmul(next(stacked), next(stacked), transpose_a=True)
    return result


def _one_product_later(g: Tensor, bframe: LoopFrame) -> bool:
    """Whether the per-iteration capture gradient ``g`` is a product ``a^T b`` built in
    the gradient frame whose operands are cheaper to keep per iteration (and multiply
    once after the loop, as one large product) than ``g`` is to sum: fewer elements per
    iteration in ``a`` and ``b`` than in ``g`` (static shapes)."""
    op = g.op
    if (op.type != "MatMul" or not op.attrs["transpose_a"] or op.attrs["transpose_b"]
            or not bframe.contains(op) or op.cond_gates):
        return False
    a, b = op.inputs[0].shape, op.inputs[1].shape
    if a.ndims != 2 or b.ndims != 2 or None in a.as_list() + b.as_list():
        return False
    rows, k = a.as_list()
    return rows * (k + b[1]) < k * b[1]


_while_grad.takes_needed = True  # type: ignore[attr-defined]


@registry.register_gradient("WhileGrad")
def _while_grad_grad(op: Operation, *grads: Tensor) -> list:
    raise LookupError(
        f"Second-order gradients through while loops are not supported: the gradient of "
        f"'{op.name}' (the gradient of loop '{op.attrs['frame'].forward.name}') was asked "
        "for. Differentiate an unrolled computation instead.")

__all__: list[str] = []
