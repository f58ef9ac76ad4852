"""Which Keras layer call made a tensor (Keras's "keras history"): the nodes functional
models replay and ``Layer.output_shape`` reads.

A call is recorded only when all its input tensors are Keras tensors (an ``Input`` or a
recorded layer's output), as tf_keras does in graph mode: a layer called on a plain
placeholder builds ops but no node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainkit import nest
from trainkit.framework.tensor import Tensor


@dataclass(eq=False)
class Node:
    """One call of ``layer``: its inputs and outputs (nested as passed and returned)."""

    layer: Any
    inputs: Any
    outputs: Any
    kwargs: dict = field(default_factory=dict)

    @property
    def input_tensors(self) -> list:
        return [t for t in nest.flatten(self.inputs) if isinstance(t, Tensor)]

    @property
    def output_tensors(self) -> list:
        return [t for t in nest.flatten(self.outputs) if isinstance(t, Tensor)]


# Nodes live in their graph's side table keyed by id(tensor) (the graph keeps its tensors,
# so the ids stay valid): a module-level map from tensor to node would keep every graph
# alive, as each node holds its output tensors.
_TABLE = "keras.history"


def node_of(x: Any) -> Node | None:
    """The node that produced ``x``, or None for a tensor no Keras layer recorded."""
    if not isinstance(x, Tensor):
        return None
    return x.graph.side_table(_TABLE).get(id(x))


def record(layer: Any, inputs: Any, outputs: Any, kwargs: dict) -> Node | None:
    """Records a call when every input tensor is a Keras tensor (or there are none, as
    for ``Input``); returns the node, or None when nothing was recorded."""
    flat = [t for t in nest.flatten(inputs) if isinstance(t, Tensor)] if inputs is not None \
        else []
    if inputs is not None and (not flat or any(node_of(t) is None for t in flat)):
        return None
    node = Node(layer, inputs, outputs, dict(kwargs))
    for t in node.output_tensors:
        t.graph.side_table(_TABLE)[id(t)] = node
    return node


__all__ = ["Node", "node_of", "record"]
