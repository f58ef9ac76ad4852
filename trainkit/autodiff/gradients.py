"""``gradients``: reverse-mode differentiation over the graph.

The walker is short on purpose. It finds the ops on some path from ``xs`` to ``ys``,
visits them from last-created to first (creation order is a topological order), sums
the gradients arriving at each tensor once (one ``AddN`` per fan-out), and asks the
registry for each op's rule. It never branches on an op type: ``StopGradient`` and other
non-differentiable ops simply have no rule (``registry.not_differentiable``).

Example:
    >>> import trainkit as tk
    >>> x = tk.constant(3.0)
    >>> (g,) = tk.gradients(x * x, [x])
    >>> with tk.Session() as sess:
    ...     print(sess.run(g))
    6.0
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.framework import conversion, registry, topo
from trainkit.framework.graph import Graph, get_default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation, Tensor


class UnconnectedGradients:
    """What ``gradients`` returns for an ``x`` that ``ys`` do not depend on."""

    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """Accepted for compatibility: every method sums with a single ``AddN`` (or one
    product, for a sum of ``MatMul`` products, see ``_one_product``)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _to_tensor(value: Any, what: str, as_ref: bool = False) -> Tensor:
    if isinstance(value, Operation):
        raise TypeError(f"gradients: {what} must be a Tensor or Variable, got Operation "
                        f"'{value.name}'.")
    try:
        return conversion.convert_to_tensor(value, as_ref=as_ref)
    except (TypeError, ValueError) as e:
        raise TypeError(f"gradients: cannot use {value!r} as {what}: {e}") from None


def _is_differentiable(t: Tensor) -> bool:
    return t.dtype.is_floating or t.dtype.is_complex


def _gradient_function(op: Operation) -> Callable | None:
    grad_type = op.gradient_override_type
    if grad_type is None:
        return registry.get_gradient_function(op)
    try:
        d = registry.get_op_def(grad_type)
    except LookupError:
        d = None
    if d is not None and d.not_differentiable:
        return None
    if d is None or d.grad_fn is None:
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: "
                          f"{op.type}, gradient override: {grad_type}).")
    return d.grad_fn


class _Accumulator:
    """Gradient contributions per tensor, summed once when first read."""

    def __init__(self) -> None:
        self._parts: dict[Tensor, list[Tensor]] = {}
        self._rows: dict[tuple, Tensor] = {}
        self._gated: dict[Tensor, Tensor] = {}

    def gate(self, in_grads: list, needed: list[bool]) -> list:
        """TF's ``gate_gradients`` (``Optimizer.GATE_OP``): when an op's rule gave two or
        more gradients, each becomes ``<op>_grad/tuple/control_dependency[_N]``, an
        ``Identity`` that waits for a ``tuple/group_deps`` NoOp. These are the names TF1's
        ``compute_gradients`` hands out (``gradients/MatMul_grad/tuple/control_dependency_1``
        for a weight).

        Differs from TF: the NoOp waits only for the gradients of inputs through which an
        ``x`` is reached (``needed``). TF's waits for all, so a training step also
        computes, e.g., the unused gradient of the first layer's input (a whole extra
        ``MatMul`` per step); here that op is built, under TF's name, but nothing runs it
        unless it is fetched."""
        from trainkit.ops import control_flow_ops

        live = [g for g in in_grads if g is not None]
        if len(live) < 2:
            return in_grads
        waited = [g for g, need in zip(in_grads, needed) if g is not None and need]
        with get_default_graph().name_scope("tuple"):
            deps = control_flow_ops.group(
                *[g.values if isinstance(g, IndexedSlices) else g for g in waited])
            out: list = []
            for g in in_grads:
                if g is None:
                    out.append(None)
                elif isinstance(g, IndexedSlices):
                    v = control_flow_ops.with_dependencies([deps], g.values)
                    self._gated[v] = g.values
                    out.append(IndexedSlices(v, g.indices, g.dense_shape))
                else:
                    v = control_flow_ops.with_dependencies([deps], g)
                    self._gated[v] = g
                    out.append(v)
            return out

    def ungated(self, t: Tensor) -> Tensor:
        """The gradient a ``tuple/control_dependency`` identity passes on (``t`` itself
        when it is none): what the aggregation shortcuts below look at."""
        return self._gated.get(t, t)

    def rows(self, ts: list[Tensor]) -> Tensor:
        """``concat(ts, 0)``, built once per list (and gating) within one ``gradients``
        call: the weight and the bias gradient of an RNN cell share the per-step
        ``dicfo`` concatenation."""
        from trainkit.ops import array_ops

        graph = ts[0].graph
        key = (tuple(ts), graph.cond_gates, graph.loop_frame)
        c = self._rows.get(key)
        if c is None:
            c = self._rows[key] = array_ops.concat(ts, 0)
        return c

    def add(self, t: Tensor, g: Tensor) -> None:
        self._parts.setdefault(t, []).append(g)

    def has(self, t: Tensor) -> bool:
        return t in self._parts

    def total(self, t: Tensor) -> Tensor | None:
        from trainkit.ops import math_ops

        parts = self._parts.get(t)
        if not parts:
            return None
        if len(parts) > 1:
            if all(isinstance(p, IndexedSlices) for p in parts):
                from trainkit.ops import indexed_slices_ops

                summed = indexed_slices_ops.add_indexed_slices(parts, name=_agg_name(t))
                self._parts[t] = [summed]
                return summed
            parts = [conversion.convert_to_tensor(p) for p in parts]
            summed = _one_product(parts, t, self)
            if summed is None:
                summed = _one_bias_sum(parts, t, self)
            if summed is None:  # TF: ``gradients/AddN``, made outside the op's scope
                summed = math_ops.add_n(parts)
            self._parts[t] = [summed]
            return summed
        return parts[0]


def _one_product(parts: list[Tensor], t: Tensor, acc: _Accumulator) -> Tensor | None:
    """``concat(a_k)^T @ concat(b_k)`` for parts that are all products ``a_k^T @ b_k``
    (``MatMul`` with ``transpose_a``): the weight gradient of a matrix used at many time
    steps (``static_rnn``) becomes one large product instead of one product and one
    addition per step. Only where the copies into the concatenations move fewer
    elements than the per-part results and their sum would (known static shapes)."""
    from trainkit.ops import math_ops

    ops = [acc.ungated(p).op for p in parts]
    first = ops[0]
    if any(op.type != "MatMul" or not op.attrs["transpose_a"] or op.attrs["transpose_b"]
           or op.cond_gates != first.cond_gates or op.graph is not first.graph
           for op in ops):
        return None
    try:
        k, n = t.shape.as_list() if t.shape.ndims == 2 else (None, None)
        rows = sum(op.inputs[0].shape.as_list()[0] for op in ops)
    except (TypeError, ValueError):
        return None
    if k is None or n is None or rows * (k + n) > (len(ops) - 1) * k * n:
        return None
    with first.graph.name_scope(_agg_name(t).replace("AddN", "MatMulSum")):
        a = acc.rows([op.inputs[0] for op in ops])
        b = acc.rows([op.inputs[1] for op in ops])
        return math_ops.matmul(a, b, transpose_a=True)


def _one_bias_sum(parts: list[Tensor], t: Tensor, acc: _Accumulator) -> Tensor | None:
    """``BiasAddGrad(concat(g_k))`` for parts that are all ``BiasAddGrad(g_k)`` of
    matrices (a bias used at many time steps): one column sum instead of one per step
    plus an ``AddN`` (the concatenation is shared with the weight's, ``_one_product``)."""
    from trainkit.ops.nn_activations import bias_add_grad

    ops = [acc.ungated(p).op for p in parts]
    first = ops[0]
    if len(ops) < 3 or any(
            op.type != "BiasAddGrad" or op.attrs["data_format"] != "NHWC"
            or op.inputs[0].shape.ndims != 2 or op.cond_gates != first.cond_gates
            or op.graph is not first.graph for op in ops):
        return None
    with first.graph.name_scope(_agg_name(t).replace("AddN", "BiasSum")):
        return bias_add_grad(acc.rows([op.inputs[0] for op in ops]))


def _agg_name(t: Tensor) -> str:
    suffix = "" if t.value_index == 0 else f"_{t.value_index}"
    return f"{t.op.name}_grad/AddN{suffix}"


def _check_grad_shape(op: Operation, t: Tensor, g: Tensor) -> None:
    if not t.shape.is_compatible_with(g.shape):
        raise ValueError(
            f"Incompatible shapes between op input and calculated input gradient. Forward "
            f"operation: {op.name}. Input index: {list(op.inputs).index(t)}. Original input "
            f"shape: {t.shape}. Calculated input gradient shape: {g.shape}")


def _backprop_op(op: Operation, acc: _Accumulator, stops: set[Tensor],
                 needs: Callable[[Tensor], bool] = lambda t: True,
                 colocate: bool = False, gate: bool = False) -> None:
    """Applies the rule of ``op`` to its summed output gradients. A rule marked
    ``takes_needed = True`` also gets ``needed``: per input, whether any ``x`` can be
    reached through it (it may skip building the others' gradients). With ``colocate``
    the gradient ops are colocated with ``op`` (``colocate_gradients_with_ops``)."""
    if not any(acc.has(o) and o not in stops for o in op.outputs):
        return
    fn = _gradient_function(op)
    if fn is None:
        return
    from trainkit.ops import array_ops

    graph = op.graph
    gates = op.cond_gates  # the gradient of a cond branch op runs only with that branch
    with graph.colocate_with(op) if colocate else contextlib.nullcontext(), \
            graph.gated(gates):
        out_grads = []
        for o in op.outputs:
            g = acc.total(o) if o not in stops else None
            if g is None:  # made before the op's ``_grad`` scope, as TF (``zeros_like``)
                g = array_ops.zeros_like(o, optimize=False)
            elif isinstance(g, IndexedSlices) and not getattr(fn, "passes_indexed_slices",
                                                               False):
                g = conversion.convert_to_tensor(g)  # rules see dense gradients by default
            out_grads.append(g)
    with graph.colocate_with(op) if colocate else contextlib.nullcontext(), \
            graph.name_scope(op.name + "_grad"), graph.gated(gates):
        needed = [needs(t) for t in op.inputs]
        if getattr(fn, "takes_needed", False):
            in_grads = fn(op, *out_grads, needed=needed)
        else:
            in_grads = fn(op, *out_grads)
        in_grads = _as_list(in_grads) if not isinstance(in_grads, Tensor) else [in_grads]
        if len(in_grads) != len(op.inputs):
            raise ValueError(
                f"The gradient rule of op type {op.type} returned {len(in_grads)} gradients "
                f"for operation '{op.name}', which has {len(op.inputs)} inputs.")
        in_grads = [g if g is None or isinstance(g, IndexedSlices)
                    else conversion.convert_to_tensor(g) for g in in_grads]
        if gate:
            in_grads = acc.gate(in_grads, needed)
    for t, g in zip(op.inputs, in_grads):
        if g is None or not _is_differentiable(t):
            continue
        _check_grad_shape(op, t, g)
        if gates and t.op.cond_gates != gates:
            g = _leave_branches(conversion.convert_to_tensor(g), t, gates)
        acc.add(t, g)


def _leave_branches(g: Tensor, t: Tensor, gates: tuple) -> Tensor:
    """The gradient ``g`` (computed inside cond branches ``gates``) for ``t`` made outside
    some of them: zeros when such a branch is not taken (TF's Switch gradient)."""
    from trainkit.ops import array_ops, control_flow_ops

    graph = g.graph
    inner = t.op.cond_gates
    for k in range(len(gates) - 1, -1, -1):
        if gates[k] in inner:
            continue
        pred, branch = gates[k]
        with graph.name_scope(t.op.name + "_grad"), graph.gated(gates[:k]):
            zeros = array_ops.zeros_like(t)
            g = (control_flow_ops.cond_select(pred, g, zeros, "gradient") if branch
                 else control_flow_ops.cond_select(pred, zeros, g, "gradient"))
    return g


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str | None = "gradients",
              colocate_gradients_with_ops: bool = False, gate_gradients: bool = False,
              aggregation_method: Any = None, stop_gradients: Any = None,
              unconnected_gradients: str = UnconnectedGradients.NONE) -> list[Tensor | None]:
    """Symbolic gradients of ``sum(ys)`` with respect to each of ``xs``.

    Args:
        ys: a tensor or list of tensors to differentiate.
        xs: a tensor, Variable or list of them (a Variable means its reference tensor
            ``v:0``, so uses of ``v:0`` itself count as well as those through ``v/read``).
        grad_ys: optional upstream gradients, one per ``y`` (None entries mean ones).
        name: the name scope of the gradient ops (made unique: ``gradients_1``, ...).
        colocate_gradients_with_ops: colocate each op's gradient ops with it (they take
            its ``_class`` groups and recorded device; see ``tk.colocate_with``).
        gate_gradients: TF's op gating: the gradients of an op with two or more are
            passed through a ``tuple`` (``<op>_grad/tuple/control_dependency``), as
            ``Optimizer.GATE_OP`` asks; the values are the same either way.
        aggregation_method: accepted for compatibility; sums always use one ``AddN``.
        stop_gradients: tensors treated as constants: no gradient flows through them.
        unconnected_gradients: ``'none'`` (None for an unconnected ``x``) or ``'zero'``.

    Returns:
        One entry per ``x``: its gradient tensor, or None when unconnected. The gradient of
        a ``gather``/``embedding_lookup`` params is an ``IndexedSlices`` (as in TF1).

    Raises:
        TypeError: if an element of ``ys``/``xs`` is not a tensor.
        NotImplementedError: for a ``PartitionedVariable`` in ``xs`` (no reference
            tensor; pass ``list(partitioned_variable)``, as in TF).
        ValueError: for a bad ``grad_ys`` length/dtype, tensors of other graphs, or an
            unknown ``unconnected_gradients`` value.
        LookupError: if an op on the path has no gradient rule (names op type and op).

    Example:
        >>> a = tk.constant([1.0, 2.0]); b = tk.stop_gradient(a)
        >>> tk.gradients(a * b, [a])  # only a's direct use contributes
    """
    mode = getattr(unconnected_gradients, "value", unconnected_gradients)
    if mode not in (UnconnectedGradients.NONE, UnconnectedGradients.ZERO):
        raise ValueError(f"Unknown value for unconnected_gradients: {unconnected_gradients!r}"
                         " (expected 'none' or 'zero').")
    ys_l = [_to_tensor(y, "ys") for y in _as_list(ys)]
    # A Variable x means its reference tensor ``v:0`` (TF converts xs with as_ref=True):
    # the gradient then sums the uses through ``v/read`` and those of ``v:0`` itself,
    # e.g. a penalty on ``get_tensor_by_name("dense/kernel:0")``.
    xs_l = [_to_tensor(x, "xs", as_ref=True) for x in _as_list(xs)]
    stops = {_to_tensor(s, "stop_gradients") for s in _as_list(stop_gradients)}
    gys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys_l)
    if len(gys) != len(ys_l):
        raise ValueError(f"Passed {len(gys)} grad_ys for {len(ys_l)} ys.")
    graph = _common_graph(ys_l + xs_l)
    with graph.as_default(), graph.name_scope(name or "gradients"):
        acc = _Accumulator()
        for i, (y, gy) in enumerate(zip(ys_l, gys)):
            acc.add(y, _grad_y(y, gy, i))
        between = topo.ops_between(xs_l, ys_l, stops)
        xset = set(xs_l)

        def needs(t: Tensor) -> bool:
            return t in xset or t.op in between and t not in stops

        for op in topo.topological_order(between, reverse=True):
            _backprop_op(op, acc, stops, needs, colocate_gradients_with_ops, gate_gradients)
        result: list[Tensor | None] = []
        for x in xs_l:
            g = acc.total(x)
            if g is None and mode == UnconnectedGradients.ZERO:
                from trainkit.ops import array_ops

                g = array_ops.zeros_like(x)
            result.append(g)
    return result


def _grad_y(y: Tensor, gy: Any, i: int) -> Tensor:
    from trainkit.ops import array_ops

    if gy is None:
        if not _is_differentiable(y):
            raise TypeError(f"gradients: ys[{i}] ({y.name}) has dtype {y.dtype.name}; "
                            "gradients are only defined for complex and floating-point ys.")
        return array_ops.ones(array_ops.shape(y), y.dtype, name=f"grad_ys_{i}")  # TF's
    try:
        g = conversion.convert_to_tensor(gy, dtype=y.dtype)
    except (TypeError, ValueError) as e:
        raise ValueError(f"gradients: grad_ys[{i}] does not match ys[{i}] ({y.name}, "
                         f"{y.dtype.name}): {e}") from None
    if not y.shape.is_compatible_with(g.shape):
        raise ValueError(f"gradients: grad_ys[{i}] has shape {g.shape}, incompatible with "
                         f"ys[{i}] ({y.name}) of shape {y.shape}.")
    return g


def _common_graph(tensors: Sequence[Tensor]) -> Graph:
    if not tensors:
        return get_default_graph()
    g = tensors[0].graph
    for t in tensors[1:]:
        if t.graph is not g:
            raise ValueError(f"gradients: {t.name} is from a different graph than "
                             f"{tensors[0].name}.")
    return g


__all__ = ["gradients", "UnconnectedGradients", "AggregationMethod"]
