"""``tf.compat.v1.saved_model.main_op``: the op a loader runs after restoring variables.

Note (as in TF): ``main_op()`` initializes *all* variables, so when run at load time it
overwrites the restored values; it suits graphs whose state is rebuilt at load (tables,
local variables). ``simple_save``'s usual ``legacy_init_op`` is ``tables_initializer()``.

Example:
    >>> builder.add_meta_graph_and_variables(sess, ["serve"], main_op=main_op())
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import get_default_graph
from trainkit.ops import control_flow_ops, state_ops


def main_op() -> Any:
    """A group of the global, local and table initializers."""
    return control_flow_ops.group(state_ops.global_variables_initializer(),
                                  state_ops.local_variables_initializer(),
                                  state_ops.tables_initializer())


def main_op_with_restore(restore_op_name: str) -> Any:
    """A group of the op named ``restore_op_name`` under a control dependency on
    ``main_op()``, built as TF builds it: the group waits for both, but nothing orders
    the named op after ``main_op()`` itself.

    Raises:
        KeyError / ValueError: if the graph has no op of that name.
    """
    first = main_op()
    restore = get_default_graph().as_graph_element(restore_op_name, allow_tensor=False,
                                                   allow_operation=True)
    with get_default_graph().control_dependencies([first]):
        return control_flow_ops.group(restore)


__all__ = ["main_op", "main_op_with_restore"]
