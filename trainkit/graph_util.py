"""``tk.graph_util``: freezing and cutting ``GraphDef``s (mirrors
``tf.compat.v1.graph_util``)."""

from __future__ import annotations

from trainkit.framework.graph_util_impl import (  # noqa: F401
    convert_variables_to_constants,
    extract_sub_graph,
    remove_training_nodes,
    tensor_shape_from_node_def_name,
)
