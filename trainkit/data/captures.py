"""Which placeholders a traced dataset function reads from outside its arguments.

TF captures such tensors by value when an iterator starts (a ``map`` multiplying by a
placeholder fed to the initializer): trainkit makes them inputs of the dataset, so the
iterator's initializer computes them, and feeds their values to the function's plan.
"""

from __future__ import annotations

from trainkit.framework.tensor import Tensor


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


__all__ = ["captured_placeholders"]
