"""``tf.add_check_numerics_ops``: a ``check_numerics`` on every floating-point tensor of
the default graph, chained so that running the returned op checks them in creation order
and reports the first NaN or Inf (``"<op name>:<output index> : Tensor had NaN
values"``).

Example:
    >>> check = tk.add_check_numerics_ops()
    >>> sess.run([train_op, check], feed)   # InvalidArgumentError at the first NaN/Inf
"""

from __future__ import annotations

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Operation
from trainkit.ops import control_flow_ops
from trainkit.ops.check_ops import check_numerics

_FLOATS = (_dt.float16, _dt.float32, _dt.float64)


def add_check_numerics_ops() -> Operation:
    """Adds a ``check_numerics`` op for every float16/32/64 output of the ops now in the
    default graph; returns an op running all of them.

    Raises:
        ValueError: if such an output is built inside a ``tf.cond`` branch or a
            ``tf.while_loop`` body (as TF1, which cannot check those).
    """
    graph = get_default_graph()
    ops = list(graph.get_operations())
    in_loops: set[Operation] = set()
    for op in ops:
        frame = op.attrs.get("frame") if op.type in ("While", "WhileGrad") else None
        if frame is not None:
            in_loops.update(getattr(frame, "ops", ()))
    checks: list = []
    for op in ops:
        for out in op.outputs:
            if out.dtype.base_dtype not in _FLOATS:
                continue
            if op.cond_gates or op in in_loops:
                raise ValueError(
                    "`tf.add_check_numerics_ops() is not compatible with TensorFlow "
                    "control flow operations such as `tf.cond()` or `tf.while_loop()`.")
            with graph.control_dependencies(checks):
                checks = [check_numerics(out, message=f"{op.name}:{out.value_index}")]
    return control_flow_ops.group(*checks)


__all__ = ["add_check_numerics_ops"]
