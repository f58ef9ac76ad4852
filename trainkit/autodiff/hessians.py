"""``tf.hessians``: second derivatives of a scalar sum with respect to each ``x``.

For each ``x`` the first gradient is flattened and every element differentiated again;
the rows are stacked into a tensor of shape ``x.shape + x.shape``. TF runs the rows in a
``while_loop`` (so ``x`` may have a dynamic size); here they are built one gradient per
element, so ``x`` needs a fully defined shape.

Example:
    >>> h = tk.hessians(tk.reduce_sum(x ** 3), x)[0]   # diag(6 x) for a vector x
"""

from __future__ import annotations

from typing import Any

from trainkit.autodiff.gradients import gradients
from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops


def hessians(ys: Any, xs: Any, name: str = "hessians",
             colocate_gradients_with_ops: bool = False, gate_gradients: bool = False,
             aggregation_method: Any = None) -> list[Tensor]:
    """The Hessian of ``sum(ys)`` with respect to each of ``xs``.

    Returns:
        One tensor per ``x``, of shape ``x.shape + x.shape`` (``None`` where ``ys`` does
        not depend on ``x``, as ``tf.gradients`` gives).

    Raises:
        ValueError: if an ``x`` has a shape that is not fully defined.
    """
    x_list = list(xs) if isinstance(xs, list | tuple) else [xs]
    kwargs = {"colocate_gradients_with_ops": colocate_gradients_with_ops,
              "gate_gradients": gate_gradients, "aggregation_method": aggregation_method}
    with name_scope(name, "hessians"):
        firsts = gradients(ys, x_list, **kwargs)
        out: list[Any] = []
        for g, x in zip(firsts, x_list):
            x = conversion.convert_to_tensor(x)
            if g is None:
                out.append(None)
                continue
            if not x.shape.is_fully_defined():
                raise ValueError(f"hessians needs x with a fully defined shape, got "
                                 f"{x.name} of shape {x.shape}.")
            if isinstance(g, IndexedSlices):
                g = conversion.convert_to_tensor(g)
            flat = array_ops.reshape(g, [-1])
            n = x.shape.num_elements()
            rows = []
            for j in range(n):
                r = gradients(flat[j], x, **kwargs)[0]
                if r is None:
                    r = array_ops.zeros_like(x)
                elif isinstance(r, IndexedSlices):
                    r = conversion.convert_to_tensor(r)
                rows.append(r)
            dims = x.shape.as_list()
            if not rows:
                out.append(array_ops.zeros(dims + dims, dtype=x.dtype))
                continue
            out.append(array_ops.reshape(array_ops.stack(rows), dims + dims))
        return out


__all__ = ["hessians"]
