"""Plan-time fusion: a producer op whose only reader in the plan is one consumer op runs
inside the consumer's step, through one kernel that does both (one pass over memory
instead of two, and no intermediate array).

The pairs are ``BiasAdd`` -> ``Relu`` (kernel ``_FusedBiasAddRelu``, registered by
``ops/relu_bias_kernels.py``), ``BiasAdd`` -> ``Sigmoid`` and ``BiasAdd`` -> ``Tanh``
(``_FusedBiasAddSigmoid``, ``_FusedBiasAddTanh``: ``ops/sigmoid_tanh_kernels.py``) and
``MaxPoolGrad`` -> ``ReluGrad`` of the pool's own input (``_FusedMaxPoolGradReluGrad``,
``ops/pool_ops.py``: a ReLU's gradient through the max-pool that reads it); the
client only looks them up by type. A consumer's inputs after the first must be the
producer's inputs that :data:`SHARED_INPUTS` names. A pair fuses when the
producer's output is read by nothing else the plan runs (no other op, no ``cond`` gate),
is neither fetched nor fed, the producer is not a target and no op has a control
dependency on it, both ops sit in the same ``cond`` branches, and the fused kernel is
registered. The fused kernel's results are bitwise those of the two kernels in turn, so
fusion never changes a value; it only drops the intermediate tensor, which the plan
would not have returned anyway. When the ``BiasAdd``'s own input is the output of a
``Conv2D`` or ``MatMul`` read by nothing else (not fetched, not fed), the step may write
its result into that array (``_FusedBiasAddReluInPlace`` etc.) instead of a third one
(docs/internals.md "Plan-time fusion").

Example:
    >>> FUSED_KERNELS[("BiasAdd", "Relu")]
    '_FusedBiasAddRelu'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trainkit.framework import registry, topo
from trainkit.framework.tensor import Operation, Tensor

#: (producer type, consumer type) -> the op type whose kernel runs both
FUSED_KERNELS = {("BiasAdd", "Relu"): "_FusedBiasAddRelu",
                 ("BiasAdd", "Sigmoid"): "_FusedBiasAddSigmoid",
                 ("BiasAdd", "Tanh"): "_FusedBiasAddTanh",
                 ("MaxPoolGrad", "ReluGrad"): "_FusedMaxPoolGradReluGrad"}
#: (producer type, consumer type) -> per consumer input after the first, the index of
#: the producer input it must be (the fused kernel gets only the producer's inputs):
#: ``ReluGrad``'s features are the ``MaxPoolGrad``'s ``orig_input``
SHARED_INPUTS = {("MaxPoolGrad", "ReluGrad"): (0,)}
#: the fused kernel that may write its result into the producer's input 0, used when
#: that input is a value nothing else can see (:data:`FRESH_OUTPUTS`)
IN_PLACE_KERNELS = {"_FusedBiasAddRelu": "_FusedBiasAddReluInPlace",
                    "_FusedBiasAddSigmoid": "_FusedBiasAddSigmoidInPlace",
                    "_FusedBiasAddTanh": "_FusedBiasAddTanhInPlace"}
#: op types whose kernels always return a new or session-pooled array that no other
#: value, variable or feed shares: a value of theirs that only the fused step reads may
#: be overwritten by it (one output stream less). A kernel added here must keep that
#: promise (the tests in tests/client/test_fusion.py check these two).
FRESH_OUTPUTS = frozenset({"Conv2D", "MatMul"})


class Fused:
    """A consumer op's step that also runs its producer.

    Attributes:
        producer: the op whose work the step does first (it gets no step of its own).
        consumer: the op the step stands for (its outputs, name and position).
        kernel_type: the registered op type of the fused kernel, which takes the
            producer's inputs and a context of the producer (its attrs); an in-place
            kernel when the producer's input 0 is a fresh value only it reads.
    """

    __slots__ = ("producer", "consumer", "kernel_type")

    def __init__(self, producer: Operation, consumer: Operation, kernel_type: str):
        self.producer = producer
        self.consumer = consumer
        self.kernel_type = kernel_type


def find(order: list[Operation], fetch_tensors: Iterable[Tensor],
         target_ops: Iterable[Operation], fed: set[Tensor]) -> dict[Operation, Fused]:
    """The fusible pairs of a pruned, ordered plan: consumer op -> :class:`Fused`."""
    candidates = [op for op in order if op.inputs
                  and (op.inputs[0].op.type, op.type) in FUSED_KERNELS]
    if not candidates:
        return {}
    reads: dict[Tensor, int] = {}
    waited_on: set[Operation] = set()
    for op in order:
        for t in topo.data_inputs(op):
            reads[t] = reads.get(t, 0) + 1
        waited_on.update(op.control_inputs)
    keep = set(fetch_tensors)
    targets = set(target_ops)
    planned = set(order)
    found: dict[Operation, Fused] = {}
    for op in candidates:
        t = op.inputs[0]
        p = t.op
        kernel_type = FUSED_KERNELS[(p.type, op.type)]
        if (_shares_inputs(p, op) and p in planned and t not in fed and t not in keep
                and reads.get(t) == 1
                and len(p.outputs) == 1 and p not in waited_on and p not in targets
                and p not in found and list(p.cond_gates) == list(op.cond_gates)
                and _has_kernel(kernel_type)):
            x = p.inputs[0]
            in_place = IN_PLACE_KERNELS.get(kernel_type)
            if (in_place is not None and x.op.type in FRESH_OUTPUTS and x.op in planned
                    and x not in fed and x not in keep and reads.get(x) == 1
                    and len(x.op.outputs) == 1 and _has_kernel(in_place)):
                kernel_type = in_place
            found[op] = Fused(p, op, kernel_type)
    return found


def _shares_inputs(producer: Operation, consumer: Operation) -> bool:
    """Whether the consumer's inputs after the first are exactly the producer's inputs
    that :data:`SHARED_INPUTS` names for the pair (none for a one-input consumer)."""
    shared = SHARED_INPUTS.get((producer.type, consumer.type), ())
    rest = consumer.inputs[1:]
    return len(rest) == len(shared) and all(
        t is producer.inputs[i] for t, i in zip(rest, shared))


def _has_kernel(op_type: str) -> bool:
    try:
        return registry.get_op_def(op_type).kernel is not None
    except LookupError:
        return False


def step_order(order: list[Operation], fused: dict[Operation, Fused]) -> list[Operation]:
    """``order`` without the producers that run inside their consumer's step."""
    if not fused:
        return order
    inside = {f.producer for f in fused.values()}
    return [op for op in order if op not in inside]


def kernel_inputs(op: Operation, fused: dict[Operation, Fused]) -> list[Tensor]:
    """The tensors the step of ``op`` passes to its kernel."""
    f = fused.get(op)
    return list(op.inputs) if f is None else list(f.producer.inputs)


def step_reads(op: Operation, fused: dict[Operation, Fused]) -> Iterator[Tensor]:
    """Everything the step of ``op`` reads: its kernel's inputs, then ``cond`` gate
    predicates (``topo.data_inputs`` for a fused step)."""
    yield from kernel_inputs(op, fused)
    for pred, _ in op.cond_gates:
        yield pred


def step_control_inputs(op: Operation, fused: dict[Operation, Fused]) -> list[Operation]:
    """The ops the step of ``op`` must run after besides its data inputs' producers."""
    f = fused.get(op)
    return list(op.control_inputs) if f is None else (
        list(op.control_inputs) + list(f.producer.control_inputs))


__all__ = ["FUSED_KERNELS", "SHARED_INPUTS", "IN_PLACE_KERNELS", "FRESH_OUTPUTS", "Fused", "find",
           "step_order", "kernel_inputs", "step_reads", "step_control_inputs"]
