"""Resolving a graph element's name: ``'op'`` names an operation, ``'op:0'`` a tensor,
with TF's errors for names of the wrong kind or not in the graph."""

from __future__ import annotations

import re
from typing import Any

_TENSOR_NAME = re.compile(r"^(.*):(\d+)$")


def resolve(ops_by_name: dict[str, Any], name: str, allow_tensor: bool,
            allow_operation: bool) -> Any:
    """The tensor or operation ``name`` refers to among ``ops_by_name``.

    Raises:
        ValueError: for a name of the wrong kind (a tensor name where an operation is
            wanted, or the reverse) or a malformed tensor name.
        KeyError: for a name not in the graph.
    """
    m = _TENSOR_NAME.match(name)
    if m:
        if not allow_tensor:
            raise ValueError(f"Name '{name}' appears to refer to a Tensor, not a Operation.")
        op_name, idx = m.group(1), int(m.group(2))
        op = ops_by_name.get(op_name)
        if op is None:
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. "
                           f"The operation, '{op_name}', does not exist in the graph.")
        if idx >= len(op.outputs):
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist. The "
                f"operation, '{op_name}', exists but only has {len(op.outputs)} outputs.")
        return op.outputs[idx]
    if ":" in name:
        raise ValueError(f"The name '{name}' looks a like a Tensor name, but is not a "
                         "valid one. Tensor names must be of the form "
                         "\"<op_name>:<output_index>\".")
    if not allow_operation:
        if name in ops_by_name:
            raise ValueError(
                f"The name '{name}' refers to an Operation, not a Tensor. Tensor names "
                f"must be of the form \"<op_name>:<output_index>\".")
        raise ValueError(
            f"The name '{name}' looks like an (invalid) Operation name, not a Tensor. "
            "Tensor names must be of the form \"<op_name>:<output_index>\".")
    op = ops_by_name.get(name)
    if op is None:
        raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")
    return op


__all__ = ["resolve"]
