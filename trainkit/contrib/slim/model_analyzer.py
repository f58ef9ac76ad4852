"""``slim.model_analyzer``: how large a model is, by its variables or by its ops' outputs.

Example:
    >>> total_size, total_bytes = analyze_vars(slim.get_model_variables())
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def tensor_description(var: Any) -> str:
    """``"(float32 1x8x8x1024)"``: the dtype's name and the dimensions joined by ``x``
    (``?`` for an unknown one)."""
    dims = "x".join(str(d) for d in var.get_shape())
    return f"({var.dtype.name} {dims})"


def _num_elements(shape: Any) -> int:
    # A shape that is unknown or partly unknown counts 0, as TF's analyzer does.
    return shape.num_elements() or 0


def analyze_vars(variables: Iterable[Any], print_info: bool = False) -> tuple[int, int]:
    """``(total number of elements, total bytes)`` of ``variables``; with ``print_info``
    also prints one line per variable and the totals.

    Example:
        >>> analyze_vars([tk.Variable(tk.zeros([3, 4]))])
        (12, 48)
    """
    total_size = total_bytes = 0
    lines = []
    for var in variables:
        size = _num_elements(var.get_shape())
        nbytes = size * var.dtype.size
        total_size += size
        total_bytes += nbytes
        lines.append(f"{var.name} {tensor_description(var)} [{size}, bytes: {nbytes}]")
    if print_info:
        print("---------\nVariables: name (type shape) [size]\n---------")
        print("\n".join(lines))
        print(f"Total size of variables: {total_size}")
        print(f"Total bytes of variables: {total_bytes}")
    return total_size, total_bytes


def analyze_ops(graph: Any, print_info: bool = False) -> int:
    """The number of elements all of ``graph``'s op outputs hold (statically unknown
    shapes count 0); with ``print_info`` also prints each op's outputs."""
    total = 0
    for op in graph.get_operations():
        size = sum(_num_elements(t.get_shape()) for t in op.outputs)
        if print_info:
            shapes = ", ".join(tensor_description(t) for t in op.outputs
                               if t.get_shape().ndims is not None)
            print(op.name, "\t->", shapes, f"[{size}]")
        total += size
    return total


__all__ = ["tensor_description", "analyze_vars", "analyze_ops"]
