"""``tf.switch_case``: run the branch an integer picks (``tf.case`` keyed by index).

Example:
    >>> r = tk.switch_case(i, [lambda: tk.constant(10), lambda: tk.constant(20)],
    ...                    default=lambda: tk.constant(-1))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.ops import control_flow_ops, math_ops


def switch_case(branch_index: Any, branch_fns: Any, default: Callable | None = None,
                name: str = "switch_case") -> Any:
    """``branch_fns[branch_index]()``; an index outside ``[0, len(branch_fns))`` runs
    ``default`` (or, without one, the last branch), as in TF. Only the chosen branch's
    ops run.

    Args:
        branch_index: a scalar int32 (or int64) tensor.
        branch_fns: a list of callables, a dict ``{index: callable}`` whose keys are
            ``0 .. N-1``, or a list of ``(index, callable)`` pairs.
        default: run for an index out of range.
        name: the name scope.

    Raises:
        TypeError: if ``branch_index`` is not an integer tensor or a branch is not
            callable.
        ValueError: if there is no branch or the keys are not ``0 .. N-1``.
    """
    fns = _canonical(branch_fns)
    with name_scope(name, "switch_case", [branch_index]):
        idx = conversion.convert_to_tensor(branch_index, name="branch_index")
        if idx.dtype.base_dtype.name not in ("int32", "int64"):
            raise TypeError(f"'branch_index' must be an integer Tensor, got "
                            f"<dtype: '{idx.dtype.name}'>")
        if default is None:
            fns, default = fns[:-1], fns[-1]
        pairs = [(math_ops.equal(idx, k), f) for k, f in enumerate(fns)]
        return control_flow_ops.case(pairs, default=default, exclusive=True)


def _canonical(branch_fns: Any) -> list:
    if isinstance(branch_fns, dict):
        items = list(branch_fns.items())
    elif isinstance(branch_fns, list | tuple):
        items = list(branch_fns)
        if items and all(callable(f) for f in items):
            items = list(enumerate(items))
    else:
        raise TypeError(f"branch_fns must be a list, tuple, or dict, got {branch_fns!r}")
    if not items:
        raise ValueError("Must provide at least one item in branch_fns")
    for item in items:
        if not (isinstance(item, list | tuple) and len(item) == 2 and callable(item[1])):
            raise TypeError(f"branch_fns must contain callables or (int, callable) pairs, "
                            f"got {item!r}")
        if not isinstance(item[0], int) or isinstance(item[0], bool):
            raise TypeError(f"branch index must be an int, got {item[0]!r}")
    keys = sorted(k for k, _ in items)
    if keys != list(range(len(items))):
        found = ",".join(str(k) for k in keys)
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                         f"{len(items)}) but found {{{found}}}")
    return [f for _, f in sorted(items, key=lambda kv: kv[0])]


__all__ = ["switch_case"]
