"""Gradients of TensorArray operations (TF1's ``tensor_array_grad.py`` semantics).

The gradient of a TensorArray is another TensorArray (``TensorArray.grad(source)``)
attached to the forward one at run time, one per ``gradients`` call (the *source*: the
outermost ``gradients`` name scope the rule is built in). Reading index ``i`` has the
gradient "write the incoming gradient at ``i`` of the gradient array" (repeated writes
add up); writing has the gradient "read ``i`` of the gradient array"; gather/scatter,
stack/unstack and concat/split pair up the same way. Gradients with respect to a flow are
the gradient array's flow, which orders these reads and writes.
"""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.tensor_array_ops import TensorArray


def _source() -> str:
    parts = get_default_graph().get_name_scope().split("/")
    for i, p in enumerate(parts):
        if p.startswith("gradients"):
            return "/".join(parts[:i + 1])
    return "gradients"


def _grad_array(op: Operation, dtype: object, flow: Tensor) -> TensorArray:
    ta = TensorArray(dtype, handle=op.inputs[0], flow=flow)
    return ta.grad(_source(), flow=flow)


@registry.register_gradient("TensorArrayReadV3")
def _read_grad(op: Operation, grad: Tensor) -> list:
    g = _grad_array(op, op.outputs[0].dtype, op.inputs[2])
    return [None, None, g.write(op.inputs[1], grad).flow]


@registry.register_gradient("TensorArrayWriteV3")
def _write_grad(op: Operation, flow_grad: Tensor) -> list:
    g = _grad_array(op, op.inputs[2].dtype, flow_grad)
    return [None, None, g.read(op.inputs[1]), flow_grad]


@registry.register_gradient("TensorArrayGatherV3")
def _gather_grad(op: Operation, grad: Tensor) -> list:
    g = _grad_array(op, op.outputs[0].dtype, op.inputs[2])
    return [None, None, g.scatter(op.inputs[1], grad).flow]


@registry.register_gradient("TensorArrayScatterV3")
def _scatter_grad(op: Operation, flow_grad: Tensor) -> list:
    g = _grad_array(op, op.inputs[2].dtype, flow_grad)
    return [None, None, g.gather(op.inputs[1]), flow_grad]


@registry.register_gradient("TensorArrayConcatV3")
def _concat_grad(op: Operation, grad: Tensor, lengths_grad: Tensor) -> list:
    g = _grad_array(op, op.outputs[0].dtype, op.inputs[1])
    return [None, g.split(grad, op.outputs[1]).flow]


@registry.register_gradient("TensorArraySplitV3")
def _split_grad(op: Operation, flow_grad: Tensor) -> list:
    g = _grad_array(op, op.inputs[1].dtype, flow_grad)
    return [None, g.concat(), None, flow_grad]


__all__: list[str] = []
