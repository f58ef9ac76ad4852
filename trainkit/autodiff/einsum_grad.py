"""The gradient of ``Einsum``: each input's gradient is an einsum of the upstream
gradient with the other inputs, onto the input's subscripts that appear elsewhere;
subscripts only that input sums over are broadcast back (TF's rule)."""

from __future__ import annotations

from trainkit import errors
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.einsum_ops import einsum


@registry.register_gradient("Einsum")
def _einsum_grad(op: Operation, grad: Tensor) -> list:
    lhs, out = op.get_attr("equation").split("->")
    specs = lhs.split(",")
    grads = []
    for i, (spec, x) in enumerate(zip(specs, op.inputs)):
        if len(set(spec)) != len(spec):
            raise errors.UnimplementedError(
                None, op, f"einsum gradient: repeated subscripts in {spec!r} (a diagonal) "
                "are not supported.")
        others = [s for j, s in enumerate(specs) if j != i]
        kept = "".join(c for c in spec if c in out or any(c in s for s in others))
        eq = ",".join([out] + others) + "->" + kept
        g = einsum(eq, grad, *[t for j, t in enumerate(op.inputs) if j != i])
        if kept != spec:  # broadcast over the subscripts only this input summed over
            for axis, c in enumerate(spec):
                if c not in kept:
                    g = array_ops.expand_dims(g, axis)
            g = math_ops.multiply(g, array_ops.ones_like(x))
        grads.append(g)
    return grads
