"""Control flow: ``no_op``, ``group``, ``tuple``, ``with_dependencies``, ``cond`` and
``case``.

Example:
    >>> import trainkit as tk
    >>> x = tk.placeholder(tk.float32, [])
    >>> y = tk.cond(x > 0.0, lambda: x * 2.0, lambda: -x)
    >>> with tk.Session() as sess:
    ...     float(sess.run(y, {x: 3.0})), float(sess.run(y, {x: -4.0}))
    (6.0, 4.0)
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import nest
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.op_util import make_op


def no_op(name: str | None = None) -> Operation:
    """An op that does nothing (useful as a target with control dependencies)."""
    return get_default_graph().create_op("NoOp", [], [], name=name or "NoOp")


@registry.register_kernel("NoOp")
def _no_op_kernel(ctx: registry.KernelContext) -> None:
    return None


def _as_op(x: Any, fn: str) -> Operation:
    conv = getattr(x, "_as_graph_element", None)
    if conv is not None and not isinstance(x, Tensor | Operation):
        x = conv()
    if isinstance(x, Tensor):
        return x.op
    if isinstance(x, Operation):
        return x
    raise TypeError(f"{fn}: expected Tensors or Operations, got {x!r}.")


def group(*inputs: Any, **kwargs: Any) -> Operation:
    """An op that runs all ``inputs`` (tensors, ops, variables, nested lists of them).

    Args:
        *inputs: what to run.
        name: (keyword) the op's name, default ``group_deps``.

    Raises:
        TypeError: for unknown keyword arguments or inputs that are not graph elements.
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {sorted(kwargs)}")
    deps = []
    for x in nest.flatten(list(inputs)):
        if x is None:
            continue
        op = _as_op(x, "group")
        if op not in deps:
            deps.append(op)
    graph = deps[0].graph if deps else get_default_graph()
    by_device: dict[str, list[Operation]] = {}
    for op in deps:
        by_device.setdefault(op.device, []).append(op)
    with graph.as_default(), name_scope(name, "group_deps") as scope:
        if len(by_device) <= 1:
            return _device_no_op(graph, deps, deps[0].device if deps else "", scope)
        # As TF: inputs on several devices get one NoOp per device (in device-name
        # order), and the group waits for those.
        per_device = [_device_no_op(graph, by_device[d], d, None) for d in sorted(by_device)]
        with graph.control_dependencies(per_device):
            return no_op(name=scope)


def _device_no_op(graph: Any, deps: list, device: str, name: str | None) -> Operation:
    with graph.control_dependencies(deps), graph.device(device):
        return no_op(name=name)


def with_dependencies(dependencies: list, output_tensor: Any, name: str | None = None,
                      ignore_existing: bool = False) -> Tensor:
    """``output_tensor``'s value, produced only after ``dependencies`` ran; the identity
    is colocated with ``output_tensor`` (``ignore_existing`` drops outer colocations)."""
    graph = get_default_graph()
    with name_scope(name, "control_dependency") as scope:
        with graph.control_dependencies(dependencies):
            t = conversion.convert_to_tensor(output_tensor)
        with graph.colocate_with(t, ignore_existing), graph.control_dependencies(dependencies):
            return array_ops.identity(t, name=scope)


def tuple(tensors: list, name: str | None = None,  # noqa: A001 - TF's public name
          control_inputs: list | None = None) -> list:
    """Identities of ``tensors`` that are all available only after all of them (and
    ``control_inputs``) were computed.

    Raises:
        TypeError: if ``tensors`` is a single tensor rather than a list.
    """
    if isinstance(tensors, Tensor | Operation):
        raise TypeError("tuple: 'tensors' must be a list of tensors, got a single "
                        f"{type(tensors).__name__}.")
    tensors = list(tensors)
    with name_scope(name, "tuple"):
        gating = [_as_op(t, "tuple") for t in tensors if t is not None]
        for c in control_inputs or []:
            gating.append(_as_op(c, "tuple"))
        gate = group(*gating)
        out = []
        for t in tensors:
            if t is None:
                out.append(None)
            elif isinstance(t, Operation):
                out.append(gate)
            else:
                out.append(with_dependencies([gate], t))
        return out


# -- cond / case ------------------------------------------------------------------------
def _aliases(t: Tensor) -> bool:
    """Whether ``t``'s value may be a buffer the graph or session keeps (a constant or a
    variable) — the executor copies such values when they are fetched."""
    for _ in range(64):
        try:
            d = registry.get_op_def(t.op.type)
        except LookupError:
            return False
        if not d.aliases_input:
            return False
        if not t.op.inputs:
            return True
        t = t.op.inputs[0]
    return False


def cond_select(pred: Tensor, t: Any, f: Any, path: str) -> Any:
    if isinstance(t, Operation) or isinstance(f, Operation):
        if not (isinstance(t, Operation) and isinstance(f, Operation)):
            raise TypeError(f"cond: true_fn and false_fn must both return an Operation at "
                            f"{path}, got {t!r} and {f!r}.")
        return group(t, f)
    t = conversion.convert_to_tensor(t)
    f = conversion.convert_to_tensor(f)
    if t.dtype is not f.dtype:
        raise TypeError(f"cond: true_fn and false_fn return different dtypes at {path}: "
                        f"{t.dtype.name} ({t.name}) vs {f.dtype.name} ({f.name}).")
    shape = t.shape.most_specific_compatible_shape(f.shape)
    return make_op("CondSelect", [t, f, pred], [t.dtype], name="Merge",
                   attrs={"copy_false": _aliases(f) and not _aliases(t)},
                   shapes=[shape]).outputs[0]


def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None,
         strict: bool = False, name: str | None = None, fn1: Callable | None = None,
         fn2: Callable | None = None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()`` (TF1 ``tf.cond``).

    Both functions return the same structure of tensors; the result has that structure
    (with ``strict=False`` a one-element list is unpacked).

    Like TF, only the ops of the branch picked by ``pred`` run: ops created inside a
    branch function are gated on ``pred`` (the executor skips them when it does not
    match), so a side effect (an assign, a print) or an error (an out-of-range gather)
    of the other branch never happens. Tensors created outside and merely used by a
    branch run as usual. Fetching a tensor made inside the branch not taken raises
    ``InvalidArgumentError``. Gradients of branch ops are gated the same way; a branch
    not taken contributes zero gradient.

    Raises:
        TypeError: if a function is not callable, ``pred`` is not boolean, or the branches
            return different structures or dtypes.
        ValueError: if ``pred`` is not a scalar.
    """
    if fn1 is not None:
        true_fn = fn1 if true_fn is None else true_fn
    if fn2 is not None:
        false_fn = fn2 if false_fn is None else false_fn
    if not callable(true_fn):
        raise TypeError(f"true_fn must be callable, got {true_fn!r}.")
    if not callable(false_fn):
        raise TypeError(f"false_fn must be callable, got {false_fn!r}.")
    if isinstance(pred, bool | np.bool_):
        raise TypeError("pred must not be a Python bool; use a boolean tensor.")
    with name_scope(name, "cond") as scope:
        p = conversion.convert_to_tensor(pred, name="pred")
        if p.dtype is not _dt.bool_:
            raise TypeError(f"cond: pred must be a bool tensor, got {p.dtype.name} ({p.name}).")
        if p.shape.ndims not in (None, 0):
            raise ValueError(f"cond: pred must be a scalar, got shape {p.shape} ({p.name}).")
        graph = p.graph
        outer = graph.cond_gates
        with name_scope("true"), graph.gated(outer + ((p, True),)):
            t_out = true_fn()
        with name_scope("false"), graph.gated(outer + ((p, False),)):
            f_out = false_fn()
        if t_out is None or f_out is None:
            if t_out is None and f_out is None:
                return no_op(name=scope)
            raise ValueError("cond: true_fn and false_fn must both return a value or both "
                             f"return None, got {t_out!r} and {f_out!r}.")
        try:
            nest.assert_same_structure(t_out, f_out, check_types=False)
        except (TypeError, ValueError) as e:
            raise TypeError(f"cond: true_fn and false_fn return different structures: "
                            f"{e}") from None
        t_flat, f_flat = nest.flatten(t_out), nest.flatten(f_out)
        paths = [nest.path_to_str(p_, "output") for p_, _ in nest.flatten_with_paths(t_out)]
        merged = [cond_select(p, a, b, where) for a, b, where in zip(t_flat, f_flat, paths)]
        out = nest.pack_sequence_as(t_out, merged)
    if not strict and isinstance(out, list | builtins.tuple) and len(out) == 1 \
            and not nest.is_namedtuple(out):
        return out[0]
    return out


@registry.register_kernel("CondSelect", aliases_input=True, merges_dead=True)
def _cond_select_kernel(ctx: registry.KernelContext, t: Any, f: Any, pred: Any) -> Any:
    if pred:
        return t
    if ctx.attrs["copy_false"]:
        return np.array(f, copy=True)
    return f


@registry.register_gradient("CondSelect")
def _cond_select_grad(op: Operation, grad: Tensor) -> list:
    pred = op.inputs[2]
    zeros = array_ops.zeros_like(grad)
    gt = make_op("CondSelect", [grad, zeros, pred], [grad.dtype], name="cond_grad_true",
                 attrs={"copy_false": False}, shapes=[grad.shape]).outputs[0]
    gf = make_op("CondSelect", [zeros, grad, pred], [grad.dtype], name="cond_grad_false",
                 attrs={"copy_false": False}, shapes=[grad.shape]).outputs[0]
    return [gt, gf, None]


def case(pred_fn_pairs: Any, default: Callable | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The result of the first ``fn`` whose ``pred`` is true, else ``default()``.

    Only the selected function's ops run (as in :func:`cond`). Differs from TF:
    ``exclusive`` is accepted but not checked at run time; with ``default=None`` the last
    pair's function is the default (TF additionally asserts that its predicate holds).

    Raises:
        TypeError: if ``pred_fn_pairs`` is not a list/dict of (pred, callable) pairs.
    """
    if isinstance(pred_fn_pairs, dict):
        pairs = list(pred_fn_pairs.items())
    elif isinstance(pred_fn_pairs, list | builtins.tuple):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError(f"case: pred_fn_pairs must be a list or dict, got {pred_fn_pairs!r}.")
    for item in pairs:
        if not (isinstance(item, list | builtins.tuple) and len(item) == 2
                and callable(item[1])):
            raise TypeError(f"case: each entry of pred_fn_pairs must be a (pred, callable) "
                            f"pair, got {item!r}.")
    if not pairs:
        if default is None:
            raise ValueError("case: pred_fn_pairs is empty and no default was given.")
        return default()
    if default is None:
        pairs, (_, default) = pairs[:-1], pairs[-1]
        if not pairs:
            return default()
    with name_scope(name, "case"):
        result_fn = default
        for pred, fn in reversed(pairs):
            result_fn = (lambda p=pred, f=fn, r=result_fn:
                         cond(p, f, r, strict=strict))
        return result_fn()


registry.not_differentiable("NoOp")

__all__ = ["no_op", "group", "tuple", "with_dependencies", "cond", "case"]
