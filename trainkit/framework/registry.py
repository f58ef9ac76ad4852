"""The op registry: one table mapping an op type to its kernel, shape function and
gradient rule, each registered by a decorator beside its definition.

A kernel is ``kernel(ctx, *inputs) -> output`` (one output) or a tuple/list of outputs
(ops with several outputs); a kernel registered with ``returns_list=True`` (ops whose
output count is an attribute, such as ``Split``'s ``num_split``) returns a tuple/list
whatever the count, and an op of it with one output takes the only item; ``ctx`` is a
:class:`KernelContext`. A shape function is
``shape_fn(op) -> list[TensorShape]`` (one per output) and runs when an op is created
without explicit output shapes. A gradient rule is ``grad_fn(op, *output_grads) ->
list of input gradients`` (None for an input with no gradient).

Example:
    >>> @register_kernel("MyDouble")
    ... def _double(ctx, x):
    ...     return x * 2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Kernel = Callable[..., Any]


class OpDef:
    """Everything registered for one op type."""

    __slots__ = ("type", "kernel", "shape_fn", "grad_fn", "stateful", "aliases_input",
                 "not_differentiable", "must_feed", "merges_dead", "returns_list")

    def __init__(self, op_type: str):
        self.type = op_type
        self.kernel: Kernel | None = None
        self.shape_fn: Callable | None = None
        self.grad_fn: Callable | None = None
        self.stateful = False
        # True when the kernel may return (a view of) its input 0 or a variable buffer,
        # so a fetched value must be copied before returning it to the user.
        self.aliases_input = False
        self.not_differentiable = False
        # True for placeholders: needing the op unfed is an error raised (by calling the
        # kernel) when the plan is compiled, before anything runs.
        self.must_feed = False
        # True when the kernel accepts DEAD inputs (a cond's merge picks the live branch);
        # any other op given a DEAD input is skipped and its outputs are DEAD too.
        self.merges_dead = False
        # True when the kernel returns a tuple/list of outputs even when the op has one
        # output (its output count is an attribute): the executor then takes the item.
        self.returns_list = False


class _Dead:
    """The value of a tensor computed in a ``cond`` branch that was not taken."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DEAD"


DEAD = _Dead()

_REGISTRY: dict[str, OpDef] = {}


def _entry(op_type: str) -> OpDef:
    d = _REGISTRY.get(op_type)
    if d is None:
        d = _REGISTRY[op_type] = OpDef(op_type)
    return d


def register_kernel(op_type: str, *, stateful: bool = False, aliases_input: bool = False,
                    shape_fn: Callable | None = None, must_feed: bool = False,
                    merges_dead: bool = False,
                    returns_list: bool = False) -> Callable[[Kernel], Kernel]:
    """Decorator registering the NumPy kernel of ``op_type``.

    Args:
        op_type: the op type name, e.g. ``"MatMul"``.
        stateful: the kernel reads or writes session state (variables, RNGs, iterators);
            such ops are never deduplicated or constant-folded.
        aliases_input: the kernel may return its input (or a state buffer) without a copy.
        shape_fn: optional shape function registered at the same time.
        must_feed: the op must be fed whenever it is needed (placeholders); its kernel
            only raises the error explaining that.
        merges_dead: the kernel may be given :data:`DEAD` inputs (values of a ``cond``
            branch not taken) and picks the live one.
        returns_list: the kernel returns a tuple/list of outputs however many the op has
            (one item when it has one output), as kernels of ops whose output count is
            an attribute do.

    Raises:
        KeyError: if a kernel is already registered for ``op_type``.
    """

    def deco(fn: Kernel) -> Kernel:
        d = _entry(op_type)
        if d.kernel is not None:
            raise KeyError(f"A kernel for op type '{op_type}' is already registered.")
        d.kernel = fn
        d.stateful = stateful
        d.aliases_input = aliases_input
        d.must_feed = must_feed
        d.merges_dead = merges_dead
        d.returns_list = returns_list
        if shape_fn is not None:
            _set_shape_fn(d, shape_fn)
        return fn

    return deco


def _set_shape_fn(d: OpDef, fn: Callable) -> None:
    if d.shape_fn is not None:
        raise KeyError(f"A shape function for op type '{d.type}' is already registered.")
    d.shape_fn = fn


def register_shape(op_type: str) -> Callable[[Callable], Callable]:
    """Decorator registering the static shape function of ``op_type``."""

    def deco(fn: Callable) -> Callable:
        _set_shape_fn(_entry(op_type), fn)
        return fn

    return deco


def register_gradient(op_type: str) -> Callable[[Callable], Callable]:
    """Decorator registering the gradient rule of ``op_type``.

    Raises:
        KeyError: if a gradient is already registered for ``op_type``.
    """

    def deco(fn: Callable) -> Callable:
        d = _entry(op_type)
        if d.grad_fn is not None or d.not_differentiable:
            raise KeyError(f"A gradient for op type '{op_type}' is already registered.")
        d.grad_fn = fn
        return fn

    return deco


def not_differentiable(*op_types: str) -> None:
    """Declares op types whose outputs carry no gradient (e.g. ``Shape``, ``ArgMax``)."""
    for t in op_types:
        d = _entry(t)
        if d.grad_fn is not None or d.not_differentiable:
            raise KeyError(f"A gradient for op type '{t}' is already registered.")
        d.not_differentiable = True


def get_op_def(op_type: str) -> OpDef:
    """The registry entry of ``op_type``.

    Raises:
        LookupError: if nothing is registered for it.
    """
    d = _REGISTRY.get(op_type)
    if d is None:
        raise LookupError(f"No op of type '{op_type}' is registered.")
    return d


def get_kernel(op_type: str) -> Kernel:
    """The kernel of ``op_type``.

    Raises:
        LookupError: if no kernel is registered.
    """
    d = _REGISTRY.get(op_type)
    if d is None or d.kernel is None:
        raise LookupError(f"No kernel is registered for op type '{op_type}'.")
    return d.kernel


def get_gradient_function(op: Any) -> Callable | None:
    """The gradient rule for an ``Operation``; None if declared not differentiable.

    Raises:
        LookupError: naming the op type and op name when no rule exists.
    """
    op_type = getattr(op, "_grad_type", None) or op.type  # gradient_override_map
    d = _REGISTRY.get(op_type)
    if d is not None and d.not_differentiable:
        return None
    if d is None or d.grad_fn is None:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {op_type}).")
    return d.grad_fn


def is_registered(op_type: str) -> bool:
    """Whether anything is registered for ``op_type`` (no sorting: importing a graph asks
    this once per node)."""
    return op_type in _REGISTRY


def registered_op_types() -> list[str]:
    """All registered op types, sorted."""
    return sorted(_REGISTRY)


def all_op_defs() -> list[OpDef]:
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


class KernelContext:
    """What a kernel sees besides its inputs: the op, its attrs and the session state.

    Attributes:
        op: the ``Operation`` being run.
        attrs: the op's attribute dict (read-only by convention).
        state: the running session's :class:`~trainkit.client.state.SessionState`
            (variables, RNGs, iterators, tensor handles).
        name: the op name (a shortcut for ``op.name``).
        key: a per-op key into session state (the op name).
    """

    __slots__ = ("op", "attrs", "state", "name", "key", "session")

    def __init__(self, op: Any, state: Any, session: Any = None):
        self.op = op
        self.attrs = op.attrs
        self.state = state
        self.name = op.name
        self.key = op.name
        self.session = session


__all__ = [
    "DEAD", "OpDef", "KernelContext", "register_kernel", "register_shape", "register_gradient",
    "not_differentiable", "get_op_def", "get_kernel", "get_gradient_function",
    "registered_op_types", "is_registered", "all_op_defs",
]
