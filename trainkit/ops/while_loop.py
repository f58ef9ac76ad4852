"""``while_loop``: repeat ``body`` while ``cond`` holds, as one ``While`` op.

``cond`` and ``body`` are called once, inside a :class:`LoopFrame`: their ops are
recorded there, and the ``While`` op (inputs: the initial loop values and every outside
tensor the body reads) runs them as a compiled sub-plan once per iteration. Gradients
(``autodiff/while_grad.py``) run the body's gradient backwards over the iterations, from
the values the forward loop kept.

Example:
    >>> i0, x0 = tk.constant(0), tk.constant(1.0)
    >>> i, x = tk.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [i0, x0])
    >>> sess.run(x)   # 8.0
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from trainkit import errors, nest
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.tensor_array_ops import TensorArray


def _to_tensor(x: Any, path: str) -> Tensor:
    if isinstance(x, TensorArray):
        return x.flow
    try:
        return conversion.convert_to_tensor(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"while_loop: {path} must be a Tensor, TensorArray or a value "
                        f"convertible to one, got {x!r}: {e}") from None


def _shape_leq(shape: TensorShape, invariant: TensorShape) -> bool:
    """Whether ``shape`` fits ``invariant`` (same rank, equal where the invariant is
    known). An unknown dimension of ``shape`` is accepted (our static shapes can be less
    precise than TF's)."""
    if invariant.ndims is None or shape.ndims is None:
        return True
    if shape.ndims != invariant.ndims:
        return False
    return all(b is None or a is None or a == b
               for a, b in zip(shape.as_list(), invariant.as_list()))


def _invariants(loop_vars: Any, flat: list[Tensor], shape_invariants: Any,
                paths: list[str]) -> list[TensorShape]:
    if shape_invariants is None:
        return [t.shape for t in flat]
    try:
        nest.assert_same_structure(loop_vars, shape_invariants, check_types=False)
    except (TypeError, ValueError) as e:
        raise ValueError(f"while_loop: shape_invariants must have the structure of "
                         f"loop_vars: {e}") from None
    out = []
    for t, inv, path, lv in zip(flat, nest.flatten(shape_invariants), paths,
                                nest.flatten(loop_vars)):
        if isinstance(lv, TensorArray):
            out.append(t.shape)
            continue
        s = as_shape(inv)
        if not _shape_leq(t.shape, s) or not t.shape.is_compatible_with(s):
            raise ValueError(
                f"The shape invariant specified for {t.name} ({path}) is not compatible "
                f"with the initial shape of the loop variable. It enters the loop with "
                f"shape {t.shape}, but the specified shape invariant is {s}.")
        out.append(s)
    return out


def _call(fn: Callable, packed: Any, as_args: bool) -> Any:
    return fn(*packed) if as_args else fn(packed)


def _pack(structure: Any, tensors: list[Tensor]) -> Any:
    flat = [t._with_flow(v) if isinstance(t, TensorArray) else v
            for t, v in zip(nest.flatten(structure), tensors)]
    return nest.pack_sequence_as(structure, flat)


def _check_pred(c: Any) -> Tensor:
    if isinstance(c, bool):
        c = conversion.convert_to_tensor(c)
    p = conversion.convert_to_tensor(c)
    if p.dtype is not _dt.bool_:
        raise TypeError(f"while_loop: cond must return a boolean scalar tensor, got "
                        f"{p.dtype.name} ({p.name}).")
    if p.shape.ndims not in (None, 0):
        raise ValueError(f"while_loop: cond must return a scalar, got shape {p.shape} "
                         f"({p.name}).")
    return p


def _body_outputs(loop_vars: Any, result: Any, flat_in: list[Tensor],
                  invariants: list[TensorShape], paths: list[str]) -> list[Tensor]:
    if not nest.is_nested(result) and isinstance(loop_vars, list | builtins.tuple) \
            and len(loop_vars) == 1:
        result = [result]
    try:
        nest.assert_same_structure(loop_vars, result, check_types=False)
    except (TypeError, ValueError) as e:
        raise ValueError(f"while_loop: body must return the structure of loop_vars: "
                         f"{e}") from None
    outs = []
    for t, r, inv, path in zip(flat_in, nest.flatten(result), invariants, paths):
        o = _to_tensor(r, f"the body's result at {path}")
        if o.dtype is not t.dtype:
            raise TypeError(f"while_loop: the body returns {o.dtype.name} ({o.name}) for "
                            f"loop variable {path} of dtype {t.dtype.name}.")
        if not _shape_leq(o.shape, inv) or not o.shape.is_compatible_with(inv):
            raise ValueError(
                f"Input tensor '{t.name}' ({path}) enters the loop with shape {inv}, but "
                f"has shape {o.shape} after one iteration. To allow the shape to vary "
                "across iterations, use the `shape_invariants` argument of "
                "tf.while_loop to specify a less-specific shape.")
        outs.append(o)
    return outs


def while_loop(cond: Callable, body: Callable, loop_vars: Any,
               shape_invariants: Any = None, parallel_iterations: int = 10,
               back_prop: bool = True, swap_memory: bool = False,
               maximum_iterations: Any = None, name: str | None = None,
               return_same_structure: bool = False) -> Any:
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true.

    Args:
        cond: returns a boolean scalar tensor from the loop variables.
        body: returns new loop variables (same structure, dtypes and shapes, or shapes
            fitting ``shape_invariants``).
        loop_vars: a tensor, TensorArray, or nested list/tuple/namedtuple/dict of them.
            A list or tuple is passed to ``cond``/``body`` as positional arguments.
        shape_invariants: per loop variable, a (less specific) ``TensorShape`` allowed
            to vary across iterations.
        parallel_iterations, swap_memory: accepted for compatibility (iterations run one
            after another on the CPU).
        back_prop: False makes the loop's results constant for ``tf.gradients``.
        maximum_iterations: optional int scalar: stop after this many iterations.
        name: the name scope (default ``while``).
        return_same_structure: True returns the structure of ``loop_vars`` even for a
            one-element list (TF1 otherwise returns the single tensor).

    Returns:
        The loop variables after the last iteration.

    Raises:
        TypeError: ``cond``/``body`` not callable, a non-boolean ``cond`` result, or a
            body result whose dtype differs from its loop variable.
        ValueError: no loop variables, a body result of another structure or of a shape
            outside the loop variable's shape invariant, bad ``parallel_iterations``.

    Differs from TF: a body result whose static shape is *less* specific than the loop
    variable's is accepted (TF asks for a shape invariant); our static shape inference
    is sometimes less precise than TF's.
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if not isinstance(parallel_iterations, int) or parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    if loop_vars is None or (nest.is_nested(loop_vars) and not nest.flatten(loop_vars)):
        raise ValueError("No loop variables provided")
    as_args = isinstance(loop_vars, list | builtins.tuple) and not nest.is_namedtuple(
        loop_vars)
    graph = get_default_graph()
    with name_scope(name, "while") as scope:
        paths = [nest.path_to_str(p, "loop_vars") for p, _ in
                 nest.flatten_with_paths(loop_vars)]
        flat = [_to_tensor(x, p) for x, p in zip(nest.flatten(loop_vars), paths)]
        invariants = _invariants(loop_vars, flat, shape_invariants, paths)
        max_t = None
        if maximum_iterations is not None:
            max_t = conversion.convert_to_tensor(maximum_iterations, name="maximum_iterations")
            if not max_t.dtype.is_integer:
                raise TypeError(f"maximum_iterations must be an integer, got "
                                f"{max_t.dtype.name}.")
            if max_t.shape.ndims not in (None, 0):
                raise ValueError(f"maximum_iterations must be a scalar, got shape "
                                 f"{max_t.shape}.")
        frame = LoopFrame(scope[:-1], "forward")
        frame.back_prop = bool(back_prop)
        with graph.in_loop_frame(frame):
            frame.loop_vars = [
                make_op("LoopVar", [], [t.dtype], name="Identity", shapes=[s],
                        attrs={"loop": scope[:-1]}).outputs[0]
                for t, s in zip(flat, invariants)]
            packed = _pack(loop_vars, frame.loop_vars)
            frame.pred = _check_pred(_call(cond, packed, as_args))
            frame.cond_ops = set(frame.ops)
            result = _call(body, _pack(loop_vars, frame.loop_vars), as_args)
            frame.outputs = _body_outputs(loop_vars, result, flat, invariants, paths)
        frame.hoist_constants()
        frame.captures = frame.external_inputs()
        inputs = flat + frame.captures + ([max_t] if max_t is not None else [])
        op = graph.create_op(
            "While", inputs, [t.dtype for t in flat] + [_dt.variant], name=scope,
            attrs={"frame": frame, "num_vars": len(flat), "has_max": max_t is not None,
                   "back_prop": bool(back_prop), "parallel_iterations": parallel_iterations,
                   "swap_memory": bool(swap_memory)},
            shapes=invariants + [TensorShape(None)])
        frame.move_external_control_inputs(op)
        outs = _pack(loop_vars, list(op.outputs[:len(flat)]))
    if not return_same_structure and isinstance(outs, list | builtins.tuple) \
            and len(outs) == 1 and not nest.is_namedtuple(outs):
        return outs[0]
    return outs


@registry.register_kernel("LoopVar", must_feed=True)
def _loop_var_kernel(ctx: registry.KernelContext) -> None:
    raise errors.InvalidArgumentError(
        None, ctx.op, f"Tensor '{ctx.op.name}:0' is a loop variable inside while loop "
                      f"'{ctx.attrs['loop']}': tensors computed inside a loop body cannot "
                      "be fetched or used outside the loop; use the loop's outputs.")


registry.not_differentiable("LoopVar")

__all__ = ["while_loop"]
