"""Which placeholders a traced dataset function reads from outside its arguments.

TF captures such tensors by value when an iterator starts (a ``map`` multiplying by a
placeholder fed to the initializer): trainkit makes them inputs of the dataset, so the
iterator's initializer computes them, and feeds their values to the function's plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops.placeholders import placeholder


def captured_placeholders(outs: list[Tensor], phs: list[Tensor]) -> list[Tensor]:
    """The placeholders other than ``phs`` (a traced function's arguments) that ``outs``
    depend on, in the order first reached."""
    inside = {p.op for p in phs}
    seen, stack, found = set(), [o.op for o in outs], []
    while stack:
        op = stack.pop()
        if op in seen or op in inside:
            continue
        seen.add(op)
        if op.type in ("Placeholder", "PlaceholderWithDefault"):
            found.append(op.outputs[0])
            continue
        stack.extend(i.op for i in op.inputs)
        stack.extend(getattr(op, "control_inputs", ()))
    return found


def trace_with_state(dataset: Any, initial_state: Any, fn: Callable[[Any, Any], Any],
                     scope: str) -> tuple[list[Tensor], list[Tensor], Any]:
    """Traces ``fn(state, element)`` (``Dataset.reduce``, ``scan``) under ``scope`` with
    placeholders shaped like ``initial_state`` and like the dataset's elements: ``(the
    initial state's tensors, the placeholders (state first), fn's result)``."""
    init = [conversion.convert_to_tensor(v) for v in nest.flatten(initial_state)]
    with get_default_graph().name_scope(scope):
        state_phs = [placeholder(t.dtype, t.shape, name=f"state{i}")
                     for i, t in enumerate(init)]
        elem_phs = [placeholder(dt, shape, name=f"arg{i}")
                    for i, (dt, shape) in enumerate(dataset._specs)]
        result = fn(nest.pack_sequence_as(initial_state, state_phs),
                    dataset._element_from(elem_phs))
    return init, state_phs + elem_phs, result


def check_new_state(initial_state: Any, init: list[Tensor], new_state: Any,
                    who: str) -> list[Tensor]:
    """The tensors of ``new_state``.

    Raises:
        TypeError: its structure or dtypes differ from ``initial_state``'s.
    """
    try:
        nest.assert_same_structure(initial_state, new_state)
    except (TypeError, ValueError) as e:
        raise TypeError(f"The new state of {who} must have the structure of the initial "
                        f"state: {e}") from None
    outs = [conversion.convert_to_tensor(v) for v in nest.flatten(new_state)]
    if [o.dtype for o in outs] != [t.dtype for t in init]:
        raise TypeError(f"The element types for the new state must match the initial "
                        f"state. Expected {[t.dtype.name for t in init]}; got "
                        f"{[o.dtype.name for o in outs]}.")
    return outs


__all__ = ["captured_placeholders", "trace_with_state", "check_new_state"]
